"""Opening received exports: every check, every bad input, per-file verdicts, exit codes."""

from __future__ import annotations

import base64
import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyrage
import pytest

from defender_desk.errors import FolderProblem, WrongSecret
from defender_desk.secret import Secret
from defender_desk.sharing import identity
from defender_desk.sharing.export import ExportSelection
from defender_desk.sharing.open_export import (
    AgeHeaderInvalid,
    AgeHeaderTampered,
    AgePayloadDamaged,
    IdentityFileRefused,
    NotAnExport,
    NotForYou,
    PassphraseRefused,
    SaveRefused,
    load_identity_file,
    parse_header,
)
from defender_desk.sharing.sshsig import SignatureInvalid
from defender_desk.sharing.zipstream import ZipRefused
from tests.sharing.conftest import (
    add_record,
    files_under,
    introduce,
    scrypt_encrypt,
    write_identity,
)

LAWYER_PASS = "lawyer pass"


@pytest.fixture
def sent(her, lawyer, tmp_path) -> Path:
    """An export from her to the lawyer (they know each other)."""
    contact = introduce(her, lawyer)
    add_record(her, tmp_path / "src", sizes=(70_000, 200_000))
    return her.export([contact.id], output=tmp_path).path


def plaintext(path: Path, desk: Any) -> bytes:
    return pyrage.decrypt(path.read_bytes(), [identity.receiving_identity(desk._open().conn)])


def reencrypt(zip_bytes: bytes, desk: Any, path: Path) -> Path:
    recipient = pyrage.x25519.Recipient.from_str(desk.me().age_recipient)
    path.write_bytes(pyrage.encrypt(zip_bytes, [recipient]))
    return path


def rebuild(
    source: bytes,
    change: Callable[[str, bytes], bytes | None],
    extra: dict[str, bytes] | None = None,
) -> bytes:
    """The same ZIP with entries changed (``change`` returns new bytes, or None to drop)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            data = change(info.filename, zin.read(info.filename))
            if data is not None:
                zout.writestr(info.filename, data)
        for name, data in (extra or {}).items():
            zout.writestr(name, data)
    return out.getvalue()


def no_new_files(folder: Path, before: dict[str, bytes]) -> None:
    after = files_under(folder)
    new = {k for k in after if k not in before and "vault.db" not in k}
    assert not new, new


def test_lawyer_opens_her_export(sent, lawyer):
    opened = lawyer.open_export(sent)
    try:
        assert opened.ok and opened.exit_code == 0
        assert opened.signer.status == "contact" and opened.signer.contact is not None
        assert opened.signer.contact.name == "Айгуль"
        assert [f.status for f in opened.files] == ["ok"] * len(opened.files)
        assert {f.name for f in opened.files} >= {"report.pdf", "data.json", "SHA256SUMS"}
        assert opened.chain.status == "ok"
        assert opened.data is not None and len(opened.data["incidents"]) == 1
        assert opened.read("report.pdf").startswith(b"%PDF")
    finally:
        opened.close()
    again = lawyer.open_export(sent)
    assert again.chain.status == "again" and again.exit_code == 0


def test_close_wipes_the_plaintext_in_place(sent, lawyer):
    opened = lawyer.open_export(sent)
    plain = opened._plain
    size = len(plain)
    assert size > 200_000 and plain.count(0) < size
    opened.close()
    assert len(plain) == size and plain.count(0) == size


def test_she_opens_her_own_export(her, lawyer, tmp_path):
    add_record(her, tmp_path / "src")
    path = her.export(["me"], output=tmp_path).path
    opened = her.open_export(path)
    assert opened.signer.status == "self" and opened.exit_code == 0


def test_unknown_signer_exits_6_with_the_code(her, lawyer, tmp_path, scli):
    card = lawyer.me()
    contact = her.add_contact(
        name="Серик", role="lawyer", age_recipient=card.age_recipient
    )  # he has not added her
    add_record(her, tmp_path / "src")
    path = her.export([contact.id], output=tmp_path).path
    opened = lawyer.open_export(path)
    assert opened.signer.status == "unknown" and opened.exit_code == 6
    assert opened.signer.verification_code == her.me().verification_code
    assert not opened.ok
    lawyer.lock()
    r = scli(lawyer.paths.root, ["open-export", str(path)], [LAWYER_PASS])
    assert r.code == 6, r.err
    assert her.me().verification_code in r.out
    r = scli(
        lawyer.paths.root, ["open-export", str(path), "--save-for-court", str(tmp_path / "c")],
        [LAWYER_PASS],
    )  # fmt: skip
    assert r.code == 6 and not (tmp_path / "c").exists()
    assert "nothing was saved" in r.err


def test_open_export_command_json_and_save_for_court(sent, lawyer, scli, tmp_path):
    lawyer.lock()
    court = tmp_path / "court"
    r = scli(
        lawyer.paths.root,
        ["open-export", str(sent), "--json", "--save-for-court", str(court)],
        [LAWYER_PASS],
    )
    assert r.code == 0, r.err
    data = json.loads(r.out)
    assert data["ok"] is True and data["signer"]["status"] == "contact"
    assert all(f["status"] == "ok" for f in data["files"])
    assert "not encrypted" in r.err
    saved = files_under(court)
    assert {"report.pdf", "manifest.json", "manifest.sig", "SHA256SUMS"} <= set(saved)
    evidence = [k for k in saved if k.startswith("evidence/")]
    assert len(evidence) == 2
    lawyer.unlock(Secret(LAWYER_PASS.encode()))
    opened = lawyer.open_export(sent)
    for name in [*evidence, "report.pdf"]:
        assert saved[name] == opened.read(name)
    with pytest.raises(FolderProblem):
        lawyer.save_for_court(opened, court)  # never overwrites
    lawyer.lock()
    r = scli(lawyer.paths.root, ["open-export", str(sent)], ["wrong"])
    assert r.code == 3


def test_human_output(sent, lawyer, scli):
    lawyer.lock()
    r = scli(lawyer.paths.root, ["open-export", str(sent)], [LAWYER_PASS])
    assert r.code == 0, r.err
    assert "Signature: valid" in r.out and "Айгуль" in r.out
    assert "report.pdf" in r.out and "History chain: consistent" in r.out


# -- bad input --------------------------------------------------------------------------------


def test_truncated_export(sent, lawyer, tmp_path):
    data = sent.read_bytes()
    for cut in (len(data) - 1, len(data) - 17, len(data) // 2, 200):
        bad = tmp_path / f"cut-{cut}.age"
        bad.write_bytes(data[:cut])
        with pytest.raises((AgePayloadDamaged, AgeHeaderInvalid)):
            lawyer.open_export(bad)


def test_flipped_bytes(sent, lawyer, tmp_path):
    data = bytearray(sent.read_bytes())
    header_end = parse_header(bytes(data)).length
    cases = {
        "header stanza": (
            data.index(b"-> X25519 ") + 20,
            (AgeHeaderTampered, NotForYou, AgeHeaderInvalid),
        ),
        "header mac": (header_end - 5, (AgeHeaderInvalid, AgeHeaderTampered)),
        "nonce": (header_end + 3, (AgePayloadDamaged,)),
        "first chunk": (header_end + 16 + 100, (AgePayloadDamaged,)),
        "last chunk": (len(data) - 10, (AgePayloadDamaged,)),
    }
    for what, (pos, errors) in cases.items():
        bad = bytearray(data)
        bad[pos] ^= 0x01
        path = tmp_path / "flipped.age"
        path.write_bytes(bad)
        with pytest.raises(errors):
            lawyer.open_export(path)
        assert what


def test_wrong_identity(sent, tmp_path):
    from tests.sharing.conftest import make_desk

    stranger, _ = make_desk(tmp_path / "stranger")
    try:
        with pytest.raises(NotForYou):
            stranger.open_export(sent)
    finally:
        stranger.lock()


def test_not_an_age_file_and_empty(lawyer, tmp_path):
    for content in (b"", b"hello world\n", b"PK\x03\x04" + bytes(100), b"age-encryption.org/v2\n"):
        path = tmp_path / "x.age"
        path.write_bytes(content)
        with pytest.raises(AgeHeaderInvalid):
            lawyer.open_export(path)
    with pytest.raises(AgeHeaderInvalid):
        lawyer.open_export(tmp_path / "missing.age")


def test_an_age_file_that_is_not_an_export(lawyer, tmp_path):
    recipient = pyrage.x25519.Recipient.from_str(lawyer.me().age_recipient)
    path = tmp_path / "x.age"
    path.write_bytes(pyrage.encrypt(b"just some text", [recipient]))
    with pytest.raises(ZipRefused):
        lawyer.open_export(path)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("notes.txt", "hello")
    reencrypt(out.getvalue(), lawyer, path)
    with pytest.raises(NotAnExport):
        lawyer.open_export(path)


def test_passphrase_stanza_is_refused_before_decrypting(lawyer, tmp_path):
    path = tmp_path / "p.age"
    path.write_bytes(scrypt_encrypt(b"secret", "pw"))
    assert pyrage.passphrase.decrypt(path.read_bytes(), "pw") == b"secret"  # a valid file
    with pytest.raises(PassphraseRefused):
        lawyer.open_export(path)
    # a work factor of 2^60 would never finish: it is refused without trying
    salt = base64.b64encode(bytes(16)).rstrip(b"=")
    body = base64.b64encode(bytes(32)).rstrip(b"=")
    mac = base64.b64encode(bytes(32)).rstrip(b"=")
    header = b"age-encryption.org/v1\n-> scrypt " + salt + b" 60\n" + body + b"\n--- " + mac
    path.write_bytes(header + b"\n" + bytes(16 + 40))
    with pytest.raises((PassphraseRefused, AgeHeaderInvalid)):
        lawyer.open_export(path)
    header = b"age-encryption.org/v1\n-> scrypt " + salt + b" 18\n" + body + b"\n--- " + mac
    path.write_bytes(header + b"\n" + bytes(16 + 40))
    with pytest.raises(PassphraseRefused):
        lawyer.open_export(path)


def test_manifest_edited(sent, lawyer, tmp_path):
    plain = plaintext(sent, lawyer)

    def edit(name: str, data: bytes) -> bytes:
        if name == "manifest.json":
            return data.replace(b'"created_at": "2', b'"created_at": "1')
        return data

    path = reencrypt(rebuild(plain, edit), lawyer, tmp_path / "edited.age")
    with pytest.raises(SignatureInvalid):
        lawyer.open_export(path)


def test_file_edited_inside(sent, lawyer, tmp_path, scli):
    plain = plaintext(sent, lawyer)
    names = zipfile.ZipFile(io.BytesIO(plain)).namelist()
    target = next(n for n in names if n.startswith("evidence/"))

    def edit(name: str, data: bytes) -> bytes:
        return data[:-1] + bytes([data[-1] ^ 1]) if name == target else data

    path = reencrypt(rebuild(plain, edit), lawyer, tmp_path / "edited.age")
    opened = lawyer.open_export(path)
    bad = [f for f in opened.files if not f.ok]
    assert [(f.name, f.status) for f in bad] == [(target, "hash")]
    assert opened.exit_code == 1
    with pytest.raises(SaveRefused):
        lawyer.save_for_court(opened, tmp_path / "court")
    lawyer.lock()
    r = scli(lawyer.paths.root, ["open-export", str(path)], [LAWYER_PASS])
    assert r.code == 1
    assert "CHANGED" in r.out and target in r.out


def test_extra_and_missing_files(sent, lawyer, tmp_path):
    plain = plaintext(sent, lawyer)
    path = reencrypt(
        rebuild(plain, lambda n, d: d, {"notes.txt": b"added later"}), lawyer, tmp_path / "x.age"
    )
    opened = lawyer.open_export(path)
    assert [(f.name, f.status) for f in opened.files if not f.ok] == [("notes.txt", "unlisted")]
    assert opened.exit_code == 1
    path = reencrypt(
        rebuild(plain, lambda n, d: None if n == "report.pdf" else d), lawyer, tmp_path / "y.age"
    )
    opened = lawyer.open_export(path)
    assert [(f.name, f.status) for f in opened.files if not f.ok] == [("report.pdf", "missing")]


def test_an_older_genuine_export_opens_after_a_newer_one(her, lawyer, tmp_path, scli):
    """Issue 13, item 3: an older export whose chain is a prefix of what he has is genuine:
    exit 0, a note naming the newer export and when he opened it, and it can be saved."""
    contact = introduce(her, lawyer)
    add_record(her, tmp_path / "src")
    old = her.export([contact.id], output=tmp_path).path
    her.add_incident({"category": "DD-SUMMONS", "title": "Позже", "happened": "2026-04-01"})
    new = her.export([contact.id], output=tmp_path).path
    newer = lawyer.open_export(new)
    assert newer.chain.status == "ok"
    replay = lawyer.open_export(old)
    assert replay.chain.status == "older" and replay.exit_code == 0 and replay.ok
    assert replay.hashes_ok and replay.signer.known and not replay.problems
    [note] = replay.notes
    assert note.fields["export"] == newer.export_id and note.fields["date"]
    assert lawyer.open_export(new).chain.status == "again"
    newest = her.export([contact.id], output=tmp_path).path
    fresh = lawyer.open_export(newest)
    assert fresh.chain.status == "ok" and fresh.chain.earlier == 2
    lawyer.lock()
    r = scli(
        lawyer.paths.root, ["open-export", str(old), "--save-for-court", str(tmp_path / "c")],
        [LAWYER_PASS],
    )  # fmt: skip
    assert r.code == 0, r.out + r.err
    assert r.out.splitlines()[0].startswith("VERIFIED")
    [note_line] = [line for line in r.out.splitlines() if "older than export" in line]
    assert newer.export_id in note_line or fresh.export_id in note_line  # the note, once
    assert "older than export" in r.out
    assert (tmp_path / "c" / "report.pdf").is_file()


def test_rewritten_history_is_reported(her, lawyer, tmp_path):
    """A second vault with the same keys but another history: does not extend the first."""
    contact = introduce(her, lawyer)
    add_record(her, tmp_path / "src")
    first = her.export([contact.id], output=tmp_path).path
    assert lawyer.open_export(first).chain.ok
    conn = her._open().conn
    # rewrite her chain: a forged vault that starts again with other content
    from defender_desk.vault import db

    with db.transaction(conn):
        conn.execute("DELETE FROM revisions")
        conn.execute("DELETE FROM incident_people")
        conn.execute("DELETE FROM evidence")
        conn.execute("DELETE FROM incidents")
        conn.execute("DELETE FROM incident_search")
        conn.execute("DELETE FROM people")
    for n in range(5):
        her.add_incident({"category": "DD-SUMMONS", "title": f"forged {n}", "happened": "2026"})
    second = her.export([contact.id], output=tmp_path).path
    opened = lawyer.open_export(second)
    assert opened.chain.status == "diverged" and opened.exit_code == 1


def test_traversal_absolute_and_bomb(lawyer, tmp_path):
    for name in ("../evil.txt", "/etc/evil", "a/../../b"):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            z.writestr(zipfile.ZipInfo(name), b"x")
        path = reencrypt(out.getvalue(), lawyer, tmp_path / "t.age")
        with pytest.raises(ZipRefused):
            lawyer.open_export(path)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("manifest.json", b"{}")
        z.writestr("bomb.bin", bytes(50 << 20))
    path = reencrypt(out.getvalue(), lawyer, tmp_path / "bomb.age")
    with pytest.raises(ZipRefused) as info:
        lawyer.open_export(path)
    assert "bomb" in info.value.fields["reason"]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("a.txt", b"1")
        z.writestr("A.txt", b"2")
    path = reencrypt(out.getvalue(), lawyer, tmp_path / "dup.age")
    with pytest.raises(ZipRefused):
        lawyer.open_export(path)


def test_failures_leave_no_plaintext(sent, lawyer, tmp_path):
    data = sent.read_bytes()
    bad = tmp_path / "bad.age"
    bad.write_bytes(data[:-100])
    before = files_under(tmp_path)
    cwd = sorted(p.name for p in Path.cwd().iterdir())
    with pytest.raises(AgePayloadDamaged):
        lawyer.open_export(bad)
    no_new_files(tmp_path, before)
    assert sorted(p.name for p in Path.cwd().iterdir()) == cwd


# -- identity files ---------------------------------------------------------------------------


def test_identity_file_plain_and_passphrase_protected(her, lawyer, tmp_path, scli):
    ident = pyrage.x25519.Identity.generate()
    contact = her.add_contact(name="Адвокат", role="lawyer", age_recipient=str(ident.to_public()))
    lawyer.add_contact(
        name="Айгуль", role="colleague", age_recipient=her.me().age_recipient,
        signing_key=her.me().signing_key,
    )  # fmt: skip
    add_record(her, tmp_path / "src")
    path = her.export([contact.id], output=tmp_path).path
    with pytest.raises(NotForYou):
        lawyer.open_export(path)
    key = tmp_path / "key.txt"
    key.write_text(f"# created: 2026\n# public key: {ident.to_public()}\n{ident}\n")
    assert lawyer.open_export(path, identity_file=key).exit_code == 0
    protected = tmp_path / "key.age"
    protected.write_bytes(scrypt_encrypt(key.read_bytes(), "ключ пароль"))
    opened = lawyer.open_export(
        path, identity_file=protected, ask_passphrase=lambda: Secret("ключ пароль".encode())
    )
    assert opened.exit_code == 0
    with pytest.raises(WrongSecret):
        lawyer.open_export(path, identity_file=protected, ask_passphrase=lambda: Secret(b"no"))
    with pytest.raises(IdentityFileRefused):
        lawyer.open_export(path, identity_file=protected)  # no way to ask
    lawyer.lock()
    r = scli(
        lawyer.paths.root, ["open-export", str(path), "--identity", str(protected)],
        [LAWYER_PASS, "ключ пароль"],
    )  # fmt: skip
    assert r.code == 0, r.err
    r = scli(
        lawyer.paths.root, ["open-export", str(path), "--identity", str(protected)],
        [LAWYER_PASS, "wrong"],
    )  # fmt: skip
    assert r.code == 3


def test_identity_file_problems(tmp_path):
    def never() -> Secret:
        raise AssertionError("the passphrase must not be asked")

    cases = {
        "missing": None,
        "empty": b"# nothing\n",
        "garbage": b"hello\n",
        "pq": b"AGE-SECRET-KEY-PQ-1XXXX\n",
        "plugin": b"AGE-PLUGIN-YUBIKEY-1XXXX\n",
        "ssh": b"-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n",
        "damaged": b"AGE-SECRET-KEY-1QQQQ\n",
        "binary": b"\xff\xfe\x00",
    }
    for name, content in cases.items():
        path = tmp_path / name
        if content is not None:
            path.write_bytes(content)
        with pytest.raises(IdentityFileRefused):
            load_identity_file(path, never)
    # encrypted to a key, not a passphrase
    other = pyrage.x25519.Identity.generate()
    path = tmp_path / "enc.age"
    path.write_bytes(pyrage.encrypt(b"AGE-SECRET-KEY-1...\n", [other.to_public()]))
    with pytest.raises(IdentityFileRefused):
        load_identity_file(path, never)
    # a work factor above the cap is refused before the passphrase is asked
    salt = base64.b64encode(bytes(16)).rstrip(b"=")
    body = base64.b64encode(bytes(32)).rstrip(b"=")
    mac = base64.b64encode(bytes(32)).rstrip(b"=")
    path.write_bytes(
        b"age-encryption.org/v1\n-> scrypt " + salt + b" 23\n" + body + b"\n--- " + mac + b"\n"
        + bytes(16 + 40)
    )  # fmt: skip
    with pytest.raises(AgeHeaderInvalid):
        load_identity_file(path, never)


def test_identity_file_with_the_vaults_own_key(her, lawyer, tmp_path):
    """Opening with a written-out identity works exactly like the vault's own key."""
    contact = introduce(her, lawyer)
    add_record(her, tmp_path / "src")
    path = her.export([contact.id], ExportSelection(include_evidence=False), output=tmp_path).path
    key = write_identity(lawyer, tmp_path / "lawyer.key")
    assert lawyer.open_export(path, identity_file=key).exit_code == 0


def test_a_record_that_does_not_match_the_chain(her, lawyer, tmp_path):
    """Even with a valid signature (her own key, e.g. a buggy or forged build), a record whose
    content does not match its commitment in the skeleton is reported."""
    import hashlib

    from defender_desk.sharing.export import sha256sums
    from defender_desk.sharing.sshsig import EXPORT_NAMESPACE, sign

    contact = introduce(her, lawyer)
    add_record(her, tmp_path / "src", title="Настоящий")
    path = her.export([contact.id], ExportSelection(include_evidence=False), output=tmp_path).path
    plain = plaintext(path, lawyer)
    z = zipfile.ZipFile(io.BytesIO(plain))
    data = z.read("data.json").replace("Настоящий".encode(), "Подделка".encode())
    manifest = json.loads(z.read("manifest.json"))
    for f in manifest["files"]:
        if f["name"] == "data.json":
            f["size"], f["sha256"] = len(data), hashlib.sha256(data).hexdigest()
    sums = sha256sums([f for f in manifest["files"] if f["name"] != "SHA256SUMS"])
    for f in manifest["files"]:
        if f["name"] == "SHA256SUMS":
            f["size"], f["sha256"] = len(sums), hashlib.sha256(sums).hexdigest()
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
    signature = sign(identity.signing_key(her._open().conn), manifest_bytes, EXPORT_NAMESPACE)
    replaced = {
        "data.json": data,
        "SHA256SUMS": sums,
        "manifest.json": manifest_bytes,
        "manifest.sig": signature.encode(),
    }
    forged = reencrypt(rebuild(plain, lambda n, d: replaced.get(n, d)), lawyer, tmp_path / "f.age")
    opened = lawyer.open_export(forged)
    assert opened.hashes_ok and opened.signer.known
    assert opened.chain.status == "records" and opened.exit_code == 1
    assert any("commitment" in p.message for p in opened.chain.problems)
