// A small command-line front for typage (npm "age-encryption", age's TypeScript
// implementation by age's author), for the interoperability tests in tests/age/.
//
//   node typage.mjs keygen hybrid|x25519      -> identity line, then recipient line
//   node typage.mjs recipient < identity      -> the recipient of the identity on stdin
//   node typage.mjs encrypt [--armor] RECIPIENT... < plaintext > age file
//   node typage.mjs encrypt-stream RECIPIENT... < plaintext > age file   (ReadableStream path)
//   node typage.mjs decrypt IDENTITY_FILE < age file > plaintext
//   node typage.mjs decrypt-stream IDENTITY_FILE < age file > plaintext
//
// Identity files hold one AGE-SECRET-KEY-… per line ('#' lines and empty lines ignored).
// Works on Node 18 (Debian 12's) and later: Node 18 has Web Crypto only as require('crypto').

import { readFileSync, writeSync } from "node:fs"
import { webcrypto } from "node:crypto"

if (globalThis.crypto === undefined) {
    globalThis.crypto = webcrypto
}

const age = await import("age-encryption")

function readStdin() {
    return new Uint8Array(readFileSync(0))
}

function writeOut(bytes) {
    let off = 0
    while (off < bytes.length) {
        off += writeSync(1, bytes, off, bytes.length - off)
    }
}

function identities(path) {
    return readFileSync(path, "utf8")
        .split(/\r?\n/)
        .filter((l) => l !== "" && !l.startsWith("#"))
}

async function streamToBytes(stream) {
    const parts = []
    let total = 0
    for await (const part of stream) {
        parts.push(part)
        total += part.length
    }
    const out = new Uint8Array(total)
    let off = 0
    for (const p of parts) {
        out.set(p, off)
        off += p.length
    }
    return out
}

function chunkedStream(bytes, size) {
    let off = 0
    return new ReadableStream({
        pull(controller) {
            if (off >= bytes.length) {
                controller.close()
                return
            }
            controller.enqueue(bytes.subarray(off, off + size))
            off += size
        },
    })
}

const [cmd, ...args] = process.argv.slice(2)
switch (cmd) {
    case "keygen": {
        const id = args[0] === "hybrid" ? await age.generateHybridIdentity() : await age.generateX25519Identity()
        process.stdout.write(id + "\n" + (await age.identityToRecipient(id)) + "\n")
        break
    }
    case "recipient": {
        const id = new TextDecoder().decode(readStdin()).trim()
        process.stdout.write((await age.identityToRecipient(id)) + "\n")
        break
    }
    case "encrypt":
    case "encrypt-stream": {
        const armor = args[0] === "--armor"
        const e = new age.Encrypter()
        for (const r of armor ? args.slice(1) : args) e.addRecipient(r)
        const plain = readStdin()
        let out
        if (cmd === "encrypt-stream") {
            out = await streamToBytes(await e.encrypt(chunkedStream(plain, 10007)))
        } else {
            out = await e.encrypt(plain)
        }
        writeOut(armor ? new TextEncoder().encode(age.armor.encode(out)) : out)
        break
    }
    case "decrypt":
    case "decrypt-stream": {
        const d = new age.Decrypter()
        for (const i of identities(args[0])) d.addIdentity(i)
        let file = readStdin()
        if (file.length > 0 && file[0] === 0x2d /* '-' */) {
            file = age.armor.decode(new TextDecoder().decode(file))
        }
        const out = cmd === "decrypt-stream"
            ? await streamToBytes(await d.decrypt(chunkedStream(file, 9973)))
            : await d.decrypt(file)
        writeOut(out)
        break
    }
    default:
        process.stderr.write("usage: typage.mjs keygen|recipient|encrypt|encrypt-stream|decrypt|decrypt-stream\n")
        process.exit(2)
}
