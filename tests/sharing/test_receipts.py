"""Issue 13: her lawyer as a witness — signed receipts, checked with the real ssh-keygen.

The round trip is the CLI's, as a lawyer and a defender would type it: ``open-export FILE
--receipt OUT`` in his vault, ``receipt import OUT`` and ``receipt list`` in hers, then a later
export carries the receipt, ``open-export`` verifies it and the report has a page
"Independent witnesses".
"""

from __future__ import annotations

import io
import json
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest

from defender_desk.secret import Secret
from defender_desk.sharing import receipts
from defender_desk.sharing.export import ExportSelection
from defender_desk.sharing.receipts import (
    ReceiptDuplicate,
    ReceiptHeadUnknown,
    ReceiptRefused,
    parse_body,
    split_receipt,
)
from defender_desk.sharing.sshsig import allowed_signers_line, parse_openssh_public_key
from defender_desk.vault import history
from tests.conftest import PASS, REPO
from tests.sharing.conftest import add_record, introduce, make_desk
from tests.sharing.test_court import _resign, one_line, pdf_text
from tests.sharing.test_interop import tool
from tests.sharing.test_open_export import LAWYER_PASS, plaintext, reencrypt

DOCS = (REPO / "docs" / "sharing.md").read_text(encoding="utf-8")


def ssh_verify(allowed: Path, principal: str, namespace: str, sig: Path, message: Path) -> str:
    with open(message, "rb") as f:
        proc = subprocess.run(
            [tool("ssh-keygen"), "-Y", "verify", "-f", str(allowed), "-I", principal,
             "-n", namespace, "-s", str(sig)],
            stdin=f, capture_output=True, text=True,
        )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


@pytest.fixture
def witnessed(her, lawyer, tmp_path, scli) -> dict[str, Any]:
    """She exports; he opens it with --receipt; she imports the receipt (all by the CLI)."""
    contact = introduce(her, lawyer)
    add_record(her, tmp_path / "src", sizes=(1000,))
    path = her.export([contact.id], output=tmp_path).path
    head = history.head(her._open().conn)
    lawyer.lock()
    her.lock()
    receipt = tmp_path / "receipt.txt"
    r = scli(
        lawyer.paths.root, ["open-export", str(path), "--receipt", str(receipt)], [LAWYER_PASS]
    )
    assert r.code == 0, r.out + r.err
    assert str(receipt) in r.out and receipt.is_file()
    r = scli(her.paths.root, ["receipt", "import", str(receipt)], [PASS])
    assert r.code == 0, r.out + r.err
    assert f"revision {head[0]}" in r.out and "Адвокат Серик" in r.out
    lawyer.unlock(Secret(LAWYER_PASS.encode()))
    her.unlock(Secret(PASS.encode()))
    return {"contact": contact, "receipt": receipt, "head": head, "export": path}


def test_the_receipt_format_byte_for_byte(her, lawyer, witnessed):
    data = witnessed["receipt"].read_bytes()
    body, signature = split_receipt(data)
    assert body.count(b"\n") == 1 and body.endswith(b"\n") and body.isascii()
    assert signature.startswith(b"-----BEGIN SSH SIGNATURE-----\n")
    assert signature.endswith(b"-----END SSH SIGNATURE-----\n")
    parsed = parse_body(body)
    seq, digest = witnessed["head"]
    assert (parsed.head_seq, parsed.head_hash) == (seq, digest.hex())
    assert parsed.signer_code == her.me().verification_code
    assert parsed.witness_code == lawyer.me().verification_code
    manifest = zipfile.ZipFile(io.BytesIO(plaintext(witnessed["export"], lawyer))).read(
        "manifest.json"
    )
    import hashlib

    assert parsed.manifest_sha256 == hashlib.sha256(manifest).hexdigest()
    fields = json.loads(body)
    assert sorted(fields) == [
        "export_id", "format", "head", "manifest_sha256", "received_at", "signer", "version",
        "witness",
    ]  # fmt: skip
    assert fields["format"] == "defender-desk-receipt" and fields["version"] == 1
    # the docs show exactly this shape
    for key in ('"format":"defender-desk-receipt"', '"manifest_sha256":', '"witness":'):
        assert key in DOCS
    assert "defender-desk-receipt-v1" in DOCS


def test_ssh_keygen_verifies_the_receipt_with_his_key_from_her_contacts(her, witnessed, tmp_path):
    """The documented stock check: split with head/tail, ssh-keygen -Y verify."""
    folder = tmp_path / "check"
    folder.mkdir()
    (folder / "receipt.txt").write_bytes(witnessed["receipt"].read_bytes())
    his_key = her.get_contact(witnessed["contact"].id).signing_key  # from HER contacts
    (folder / "allowed_signers").write_text(
        allowed_signers_line(
            "lawyer", parse_openssh_public_key(his_key), "defender-desk-receipt-v1"
        )
        + "\n"
    )
    commands = [
        "head -n 1 receipt.txt > receipt.json",
        "tail -n +2 receipt.txt > receipt.sig",
        "ssh-keygen -Y verify -f allowed_signers -I lawyer -n defender-desk-receipt-v1"
        " -s receipt.sig < receipt.json",
    ]
    for command in commands:
        assert command in DOCS, command
    proc = subprocess.run(
        ["sh", "-ec", "\n".join(commands)], cwd=folder, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert 'Good "defender-desk-receipt-v1" signature for lawyer' in proc.stdout
    # one changed byte of the statement: refused
    body = (folder / "receipt.json").read_bytes().replace(b'"seq":', b'"seq":1')
    (folder / "receipt.json").write_bytes(body)
    proc = subprocess.run(["sh", "-c", commands[2]], cwd=folder, capture_output=True)
    assert proc.returncode != 0


def test_receipt_list_and_history(her, witnessed, scli):
    [kept] = her.list_receipts()
    seq, digest = witnessed["head"]
    assert (kept.head_seq, kept.head_hash) == (seq, digest.hex())
    assert kept.witness_name == "Адвокат Серик"
    assert her.witnessed_heads() == [(seq, digest.hex())]
    assert her.last_witnessed() == kept
    revs = her.history_of(kept.id)
    assert [r["operation"] for r in revs] == ["create"]
    assert json.loads(revs[0]["content"])["body"] == kept.body.decode()
    assert her.check().ok
    her.lock()
    r = scli(her.paths.root, ["receipt", "list", "--json"], [PASS])
    assert r.code == 0
    [item] = json.loads(r.out)
    assert item["head"] == {"seq": seq, "hash": digest.hex()}
    assert item["witness"]["name"] == "Адвокат Серик"
    assert item["witness"]["fingerprint"].startswith("SHA256:")
    r = scli(her.paths.root, ["receipt", "import", str(witnessed["receipt"])], [PASS])
    assert r.code == 1 and "already imported" in r.err


def test_import_refuses_what_is_not_a_receipt_of_hers(her, lawyer, witnessed, tmp_path):
    data = witnessed["receipt"].read_bytes()
    body, signature = split_receipt(data)
    cases = {
        "changed": body.replace(b'"seq":', b'"seq":9') + signature,
        "truncated": data[:-40],
        "not one": b"hello\n",
        "empty": b"",
        "huge": b"x" * (receipts.MAX_RECEIPT + 1),
    }
    for what, content in cases.items():
        path = tmp_path / f"{what}.txt"
        path.write_bytes(content)
        with pytest.raises(ReceiptRefused):
            her.import_receipt(path)
    with pytest.raises(ReceiptDuplicate):
        her.import_receipt(witnessed["receipt"])
    # signed by a stranger (a valid receipt, but not by one of her contacts)
    stranger, _ = make_desk(tmp_path / "stranger", "stranger pass")
    try:
        forged = receipts.make_receipt(
            stranger._open().conn,
            export_id="0" * 32,
            signer_code=her.me().verification_code,
            head_seq=witnessed["head"][0],
            head_hash=witnessed["head"][1].hex(),
            manifest_sha256="0" * 64,
            now=stranger.clock(),
        )
    finally:
        stranger.lock()
    with pytest.raises(ReceiptRefused) as info:
        her.import_receipt_bytes(forged)
    assert "not one of your contacts" in info.value.fields["reason"]
    # by her lawyer, but for a head that is not in her history
    other = receipts.make_receipt(
        lawyer._open().conn,
        export_id="1" * 32,
        signer_code=her.me().verification_code,
        head_seq=1,
        head_hash="ab" * 32,
        manifest_sha256="0" * 64,
        now=lawyer.clock(),
    )
    with pytest.raises(ReceiptHeadUnknown):
        her.import_receipt_bytes(other)
    # by her lawyer, for someone else
    someone = receipts.make_receipt(
        lawyer._open().conn,
        export_id="2" * 32,
        signer_code="11111 22222 33333 44444",
        head_seq=1,
        head_hash=history.head(her._open().conn)[1].hex(),
        manifest_sha256="0" * 64,
        now=lawyer.clock(),
    )
    with pytest.raises(ReceiptRefused) as info:
        her.import_receipt_bytes(someone)
    assert "someone else" in info.value.fields["reason"]
    assert len(her.list_receipts()) == 1


@pytest.mark.parametrize(
    ("lang", "title", "proves"),
    [
        ("en", "Independent witnesses", "existed no later than"),
        ("ru", "Независимые свидетели", "существовала не позднее"),
        ("kk", "Тәуелсіз куәлар", "кешіктірмей болған"),
    ],
)
def test_later_exports_carry_receipts_verified_and_on_a_witnesses_page(
    her, lawyer, witnessed, tmp_path, scli, lang, title, proves
):
    her.add_incident({"category": "DD-SUMMONS", "title": "Потом", "happened": "2026-05"})
    selection = ExportSelection(report_language=lang)
    path = her.export([witnessed["contact"].id], selection, output=tmp_path).path
    opened = lawyer.open_export(path)
    assert opened.ok, opened.problems
    [verdict] = opened.receipts
    seq = witnessed["head"][0]
    assert verdict.ok and verdict.witness_status == "you" and verdict.head_seq == seq
    # the files travel inside, listed in the signed manifest
    z = zipfile.ZipFile(io.BytesIO(plaintext(path, lawyer)))
    manifest = json.loads(z.read("manifest.json"))
    [entry] = manifest["receipts"]
    names = {f["name"] for f in manifest["files"]}
    assert {entry["file"], entry["signature"]} <= names
    assert entry["head"]["seq"] == seq and entry["witness"]["name"] == "Адвокат Серик"
    # ssh-keygen checks the receipt inside the export with his key
    folder = tmp_path / "x"
    folder.mkdir()
    (folder / "r.json").write_bytes(z.read(entry["file"]))
    (folder / "r.sig").write_bytes(z.read(entry["signature"]))
    allowed = folder / "allowed"
    allowed.write_text(
        allowed_signers_line(
            "witness", parse_openssh_public_key(lawyer.me().signing_key), "defender-desk-receipt-v1"
        )
        + "\n"
    )
    ssh_verify(allowed, "witness", "defender-desk-receipt-v1", folder / "r.sig", folder / "r.json")
    # the report's witnesses page says who, when, and what it proves
    text = one_line(pdf_text(z.read("report.pdf"), tmp_path))
    assert title in text and proves in text
    assert "Адвокат Серик" in text and lawyer.me().verification_code in text
    assert verdict.fingerprint in text
    # the CLI lists the receipt as verified
    lawyer.lock()
    r = scli(lawyer.paths.root, ["open-export", str(path), "--json"], [LAWYER_PASS])
    data = json.loads(r.out)
    assert data["ok"] and data["receipts"][0]["ok"] and data["receipts"][0]["head"]["seq"] == seq


def test_a_forged_receipt_inside_an_export_is_not_verified(her, lawyer, witnessed, tmp_path):
    her.add_incident({"category": "DD-SUMMONS", "title": "Потом", "happened": "2026-05"})
    path = her.export([witnessed["contact"].id], output=tmp_path).path
    plain = plaintext(path, lawyer)
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(plain)).read("manifest.json"))
    entry = manifest["receipts"][0]
    body = zipfile.ZipFile(io.BytesIO(plain)).read(entry["file"])
    earlier = body.replace(b'"received_at":"2', b'"received_at":"1')  # backdated by her
    forged = reencrypt(_resign(her, plain, {entry["file"]: earlier}), lawyer, tmp_path / "f.age")
    opened = lawyer.open_export(forged)
    assert opened.hashes_ok and opened.signer.known and opened.exit_code == 1
    [verdict] = opened.receipts
    assert not verdict.ok and "signature is not valid" in verdict.problem.english()


def test_no_receipt_for_an_export_that_did_not_verify(her, lawyer, tmp_path, scli):
    card = lawyer.me()
    contact = her.add_contact(name="Серик", role="lawyer", age_recipient=card.age_recipient)
    add_record(her, tmp_path / "src")
    path = her.export([contact.id], output=tmp_path).path  # he does not know her: exit 6
    lawyer.lock()
    out = tmp_path / "r.txt"
    r = scli(lawyer.paths.root, ["open-export", str(path), "--receipt", str(out)], [LAWYER_PASS])
    assert r.code == 6 and not out.exists() and "no receipt was written" in r.err


def test_a_genuine_receipt_for_another_chain_is_not_verified(her, lawyer, witnessed, tmp_path):
    """A receipt with a valid signature, truly described by the manifest, whose head is not in
    this export's chain (her history was rewritten, or it is someone else's receipt)."""
    her.add_incident({"category": "DD-SUMMONS", "title": "Потом", "happened": "2026-05"})
    path = her.export([witnessed["contact"].id], output=tmp_path).path
    plain = plaintext(path, lawyer)
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(plain)).read("manifest.json"))
    entry = manifest["receipts"][0]
    other = receipts.make_receipt(
        lawyer._open().conn,
        export_id=manifest["export_id"],
        signer_code=her.me().verification_code,
        head_seq=entry["head"]["seq"],
        head_hash="cd" * 32,
        manifest_sha256="0" * 64,
        now=lawyer.clock(),
    )
    body, signature = split_receipt(other)

    def describe(m: dict[str, Any]) -> None:
        r = m["receipts"][0]
        r["id"] = receipts.receipt_id(body)
        r["head"]["hash"] = "cd" * 32
        r["received_at"] = parse_body(body).received_at

    forged = reencrypt(
        _resign(her, plain, {entry["file"]: body, entry["signature"]: signature}, describe),
        lawyer,
        tmp_path / "g.age",
    )
    opened = lawyer.open_export(forged)
    [verdict] = opened.receipts
    assert not verdict.ok and "not in this export's history" in verdict.problem.english()
    assert opened.exit_code == 1 and not opened.ok
