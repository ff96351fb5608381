"""Real peers: Debian's age decrypts exports with only a key file, ssh-keygen checks the
signature, sha256sum checks the hashes, pdftotext reads the Cyrillic report; a passphrase-
protected identity made by ``age -p`` opens an export — the lawyer's expert path, as documented
in docs/sharing.md."""

from __future__ import annotations

import hashlib
import json
import os
import pty
import select
import shutil
import subprocess
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest

from defender_desk.sharing.export import ExportSelection, encrypt_to_file
from defender_desk.sharing.sshsig import allowed_signers_line, parse_openssh_public_key
from tests.sharing.conftest import add_record, introduce, payload

SIZES = [0, 1, 65535, 65536, 65537, 10 << 20]


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is required (apt-get install age openssh-client unzip poppler-utils)")
    return path


def keygen(path: Path) -> str:
    """A key file made by age-keygen; returns its recipient."""
    subprocess.run([tool("age-keygen"), "-o", str(path)], check=True, capture_output=True)
    return subprocess.run(
        [tool("age-keygen"), "-y", str(path)], check=True, capture_output=True, text=True
    ).stdout.strip()


def age_decrypt(key: Path, path: Path) -> bytes:
    proc = subprocess.run([tool("age"), "-d", "-i", str(key), str(path)], capture_output=True)
    assert proc.returncode == 0, proc.stderr.decode()
    return proc.stdout


class Raw:
    """A producer of ``size`` bytes for encrypt_to_file (like ZipReadStream)."""

    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0
        self.complete = False
        self.error: BaseException | None = None

    def read(self, n: int = -1) -> bytes:
        n = len(self.data) - self.pos if n < 0 else n
        out = self.data[self.pos : self.pos + n]
        self.pos += len(out)
        if not out:
            self.complete = True
        return out


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("recipients", [1, 2])
def test_age_decrypts_streamed_payloads(tmp_path, size, recipients):
    keys = [tmp_path / f"k{i}.txt" for i in range(recipients)]
    public = [keygen(k) for k in keys]
    data = payload(size, size)
    out = tmp_path / "x.age"
    encrypt_to_file(Raw(data), out, public)
    for key in keys:  # each recipient alone
        assert age_decrypt(key, out) == data


def extract(key: Path, path: Path, folder: Path) -> dict[str, Any]:
    plain = age_decrypt(key, path)
    zip_path = folder.parent / (folder.name + ".zip")
    zip_path.write_bytes(plain)
    proc = subprocess.run([tool("unzip"), "-t", str(zip_path)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    subprocess.run(
        [tool("unzip"), "-q", str(zip_path), "-d", str(folder)], check=True, capture_output=True
    )
    manifest: dict[str, Any] = json.loads((folder / "manifest.json").read_text())
    return manifest


@pytest.mark.parametrize(
    "sizes", [(1, 65535, 65536, 65537), (10 << 20,), ()], ids=["edges", "10MiB", "none"]
)
def test_stock_tools_verify_an_export(her, lawyer, tmp_path, sizes):
    contact = introduce(her, lawyer)
    key1, key2 = tmp_path / "k1.txt", tmp_path / "k2.txt"
    other1 = her.add_contact(name="Юрист 1", role="lawyer", age_recipient=keygen(key1))
    other2 = her.add_contact(name="Юрист 2", role="organisation", age_recipient=keygen(key2))
    src = tmp_path / "src"
    if sizes:
        add_record(her, src, sizes=sizes, title="Обыск у соседей — қазақ тілі")
    else:
        add_record(her, src, sizes=(10,), title="Обыск у соседей — қазақ тілі")
    selection = ExportSelection(report_language="ru", include_evidence=bool(sizes))
    one = her.export([other1.id], selection, output=tmp_path)
    two = her.export([other1.id, other2.id, contact.id], selection, output=tmp_path)

    manifest = extract(key1, one.path, tmp_path / "one")
    folder = tmp_path / "two"
    manifest2 = extract(key2, two.path, folder)
    assert age_decrypt(key1, two.path) == age_decrypt(key1, two.path)
    for m, f in ((manifest, tmp_path / "one"), (manifest2, folder)):
        # sha256sum -c: the shipped SHA256SUMS and one made from the manifest's own list
        proc = subprocess.run(
            [tool("sha256sum"), "-c", "--strict", "SHA256SUMS"],
            cwd=f,
            capture_output=True,
            text=True,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
        sums = "".join(f"{x['sha256']}  {x['name']}\n" for x in m["files"])
        (f.parent / (f.name + ".sums")).write_text(sums)
        proc = subprocess.run(
            [tool("sha256sum"), "-c", "--strict", str(f.parent / (f.name + ".sums"))],
            cwd=f,
            capture_output=True,
            text=True,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert proc.stdout.count(": OK") == len(m["files"])
        # the documented check that SHA256SUMS is the one the signed manifest lists
        proc = subprocess.run(
            ["bash", "-c", 'grep "$(sha256sum SHA256SUMS | cut -c1-64)" manifest.json'],
            cwd=f,
            capture_output=True,
            text=True,
        )
        assert proc.returncode == 0 and '"sha256"' in proc.stdout, proc.stderr
        # ssh-keygen -Y verify, with the allowed_signers line of her signing key
        key = parse_openssh_public_key(m["signer"]["signing_key"])
        allowed = f.parent / (f.name + ".allowed_signers")
        allowed.write_text(allowed_signers_line("her", key) + "\n")
        with open(f / "manifest.json", "rb") as manifest_file:
            proc = subprocess.run(
                [tool("ssh-keygen"), "-Y", "verify", "-f", str(allowed), "-I", "her",
                 "-n", "defender-desk-export-v1", "-s", str(f / "manifest.sig")],
                stdin=manifest_file, capture_output=True, text=True,
            )  # fmt: skip
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "Good" in proc.stdout
    # evidence files are the originals, byte for byte
    originals = sorted(hashlib.sha256(p.read_bytes()).hexdigest() for p in src.iterdir())
    got = sorted(
        hashlib.sha256(p.read_bytes()).hexdigest() for p in (folder / "evidence").glob("*")
    ) if sizes else []  # fmt: skip
    assert got == (originals if sizes else [])
    # pdftotext shows the Cyrillic (and Kazakh) chronology
    text = subprocess.run(
        [tool("pdftotext"), str(folder / "report.pdf"), "-"], capture_output=True, check=True
    ).stdout.decode()
    assert "Хронология" in text
    assert "Обыск у соседей" in text and "қазақ тілі" in text
    assert her.me().verification_code in text


def test_a_changed_file_fails_sha256sum_and_ssh_keygen(her, lawyer, tmp_path):
    key = tmp_path / "k.txt"
    contact = her.add_contact(name="Юрист", role="lawyer", age_recipient=keygen(key))
    add_record(her, tmp_path / "src")
    path = her.export([contact.id], output=tmp_path).path
    folder = tmp_path / "x"
    manifest = extract(key, path, folder)
    victim = next(folder.glob("evidence/*"))
    victim.write_bytes(victim.read_bytes() + b"!")
    proc = subprocess.run([tool("sha256sum"), "-c", "SHA256SUMS"], cwd=folder, capture_output=True)
    assert proc.returncode != 0
    (folder / "manifest.json").write_text(json.dumps({**manifest, "export_id": "0" * 32}))
    allowed = tmp_path / "allowed"
    allowed.write_text(
        allowed_signers_line("her", parse_openssh_public_key(manifest["signer"]["signing_key"]))
    )
    with open(folder / "manifest.json", "rb") as f:
        proc = subprocess.run(
            [tool("ssh-keygen"), "-Y", "verify", "-f", str(allowed), "-I", "her",
             "-n", "defender-desk-export-v1", "-s", str(folder / "manifest.sig")],
            stdin=f, capture_output=True,
        )  # fmt: skip
    assert proc.returncode != 0


def run_on_tty(argv: list[str], answers: list[tuple[bytes, str]], timeout: float = 120) -> int:
    """Run ``argv`` on a pseudo-terminal, typing each answer after its prompt appears."""
    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child
        os.execvp(argv[0], argv)
    seen = b""
    deadline = time.monotonic() + timeout
    pending = list(answers)
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(fd, 1024)
                except OSError:
                    break
                if not chunk:
                    break
                seen += chunk
            if pending and pending[0][0] in seen:
                prompt, answer = pending.pop(0)
                seen = seen.split(prompt, 1)[1]
                time.sleep(0.5)  # let it switch the terminal to no-echo (which flushes input)
                os.write(fd, answer.encode() + b"\n")
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                return os.waitstatus_to_exitcode(status)
        else:
            os.kill(pid, 9)
            pytest.fail(f"{argv[0]} did not finish; output: {seen!r}")
    finally:
        os.close(fd)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def test_age_p_protected_identity(her, lawyer, tmp_path, scli):
    """The lawyer keeps his key file protected with ``age -p``; the app and age both use it."""
    key = tmp_path / "key.txt"
    contact = her.add_contact(name="Юрист", role="lawyer", age_recipient=keygen(key))
    lawyer.add_contact(
        name="Айгуль", role="colleague", age_recipient=her.me().age_recipient,
        signing_key=her.me().signing_key,
    )  # fmt: skip
    add_record(her, tmp_path / "src")
    path = her.export([contact.id], output=tmp_path).path
    protected = tmp_path / "key.age"
    code = run_on_tty(
        [tool("age"), "-p", "-o", str(protected), str(key)],
        [(b"passphrase", "пароль юриста"), (b"onfirm", "пароль юриста")],
    )
    assert code == 0 and protected.read_bytes().startswith(b"age-encryption.org/v1\n-> scrypt ")
    key.unlink()
    lawyer.lock()
    r = scli(
        lawyer.paths.root, ["open-export", str(path), "--identity", str(protected), "--json"],
        ["lawyer pass", "пароль юриста"],
    )  # fmt: skip
    assert r.code == 0, r.err
    assert json.loads(r.out)["signer"]["status"] == "contact"
    # the documented stock path: age -d -i key.age (asks for the identity's passphrase)
    out = tmp_path / "export.zip"
    code = run_on_tty(
        [tool("age"), "-d", "-i", str(protected), "-o", str(out), str(path)],
        [(b"passphrase", "пароль юриста")],
    )
    assert code == 0
    assert zipfile.ZipFile(out).testzip() is None
