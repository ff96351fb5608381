"""Exports: what is in them, what is selected, and that only a complete file is ever left."""

from __future__ import annotations

import errno
import hashlib
import io
import itertools
import json
import re
import subprocess
import tracemalloc
import zipfile
from pathlib import Path
from typing import Any

import pyrage
import pytest

from defender_desk import safewrite
from defender_desk.domain.dates import parse_when
from defender_desk.errors import Cancelled, FolderProblem, NotFound, StorageError
from defender_desk.sharing import identity
from defender_desk.sharing.export import (
    ExportData,
    ExportSelection,
    NoRecipients,
    encrypt_to_file,
    evidence_entry_name,
    schema_json,
)
from defender_desk.sharing.sshsig import EXPORT_NAMESPACE, parse_openssh_public_key, verify
from defender_desk.sharing.zipstream import ZipReadStream, ZipSource, entry_name_problem
from defender_desk.vault import history
from tests.conftest import PASS
from tests.sharing.conftest import add_record, introduce, payload

NAME = re.compile(r"^\d{4}-\d{2}-\d{2}-[2-9a-km-z]{3}\.age$")


def open_zip(path: Path, desk: Any) -> zipfile.ZipFile:
    conn = desk._open().conn
    plain = pyrage.decrypt(path.read_bytes(), [identity.receiving_identity(conn)])
    return zipfile.ZipFile(io.BytesIO(plain))


def leftovers(folder: Path) -> list[str]:
    return sorted(
        p.name for p in folder.iterdir() if p.name.endswith(".age") or ".dd-tmp-" in p.name
    )


def test_export_contents(her, lawyer, tmp_path):
    contact = introduce(her, lawyer)
    inc = add_record(her, tmp_path / "src", sizes=(1, 70_000))
    out = tmp_path / "out"
    out.mkdir()
    result = her.export([contact.id], output=out)
    assert NAME.match(result.path.name), result.path.name
    assert result.path.parent == out
    assert oct(result.path.stat().st_mode & 0o777) == "0o600"
    assert leftovers(out) == [result.path.name]
    z = open_zip(result.path, lawyer)
    names = z.namelist()
    assert names[:3] == ["report.pdf", "data.json", "schema.json"]
    assert names[-3:] == ["SHA256SUMS", "manifest.json", "manifest.sig"]
    evidence = [n for n in names if n.startswith("evidence/")]
    assert len(evidence) == 2
    assert all("/" not in n[len("evidence/") :] and entry_name_problem(n) is None for n in evidence)

    manifest_bytes = z.read("manifest.json")
    manifest = json.loads(manifest_bytes)
    assert manifest["format"] == "defender-desk-export"
    assert manifest["schema_version"] == 1
    assert manifest["generator"]["name"] == "Defender Desk"
    assert (
        re.fullmatch(r"[0-9a-f]{32}", manifest["export_id"])
        and result.export_id == manifest["export_id"]
    )
    assert manifest["created_at"].endswith("Z")
    assert manifest["selection"]["all"] is True
    assert manifest["records"]["incidents"] == [inc.id]
    card = her.me()
    assert manifest["signer"] == {
        "signing_key": card.signing_key,
        "age_recipient": card.age_recipient,
        "verification_code": card.verification_code,
    }
    assert manifest["recipients"] == [
        {
            "age_recipient": contact.age_recipient,
            "verification_code": contact.verification_code(),
            "self": False,
        }
    ]
    seq, head = history.head(her._open().conn)
    assert manifest["chain"]["head"] == {"seq": seq, "hash": head.hex()}
    assert manifest["chain"]["skeleton"] == history.skeleton(her._open().conn)
    listed = {f["name"]: f for f in manifest["files"]}
    assert set(listed) == set(names) - {"manifest.json", "manifest.sig"}
    for name, f in listed.items():
        content = z.read(name)
        assert f["size"] == len(content)
        assert f["sha256"] == hashlib.sha256(content).hexdigest()
    sums = z.read("SHA256SUMS").decode()
    assert sums.splitlines() == [
        f"{f['sha256']}  {f['name']}" for f in manifest["files"] if f["name"] != "SHA256SUMS"
    ]
    # the signature is hers, over manifest.json
    signer = verify(z.read("manifest.sig"), manifest_bytes, namespace=EXPORT_NAMESPACE)
    assert (
        signer.public_bytes_raw() == parse_openssh_public_key(card.signing_key).public_bytes_raw()
    )
    # evidence bytes are the originals
    originals = {hashlib.sha256(p.read_bytes()).hexdigest() for p in (tmp_path / "src").iterdir()}
    assert {hashlib.sha256(z.read(n)).hexdigest() for n in evidence} == originals
    # data.json validates against its models and schema.json is theirs
    data = ExportData.model_validate_json(z.read("data.json"))
    assert [i.record.id for i in data.incidents] == [inc.id]
    assert {e.file for e in data.evidence} == set(evidence)
    assert z.read("schema.json") == schema_json()
    assert z.read("report.pdf").startswith(b"%PDF-")


def test_selection_period_category_target_and_ids(her, lawyer, tmp_path):
    contact = introduce(her, lawyer)
    person = her.add_person({"name": "Сосед", "role": "witness"})
    a = her.add_incident(
        {"category": "DD-SUMMONS", "title": "A", "happened": "2025-01-10", "targets_self": True}
    )
    b = her.add_incident(
        {
            "category": "DD-SUMMONS",
            "title": "B",
            "happened": "2025-06-10",
            "target_ids": [person.id],
        }
    )
    c = her.add_incident({"category": "DD-SUMMONS", "title": "C", "happened": "2026-02-01"})

    def exported(selection: ExportSelection) -> list[str]:
        result = her.export([contact.id], selection, output=tmp_path)
        data = json.loads(open_zip(result.path, lawyer).read("data.json"))
        result.path.unlink()
        return [i["record"]["id"] for i in data["incidents"]]

    assert exported(ExportSelection()) == [a.id, b.id, c.id]
    assert exported(ExportSelection(date_from=parse_when("2025-03"))) == [b.id, c.id]
    assert exported(
        ExportSelection(date_from=parse_when("2025"), date_until=parse_when("2025"))
    ) == [a.id, b.id]
    assert exported(ExportSelection(targets=("self",))) == [a.id]
    assert exported(ExportSelection(targets=(person.id, "self"))) == [a.id, b.id]
    assert exported(ExportSelection(incident_ids=(c.id,))) == [c.id]
    assert exported(ExportSelection(categories=("DD-SUMMONS",))) == [a.id, b.id, c.id]
    with pytest.raises(NotFound):
        her.export([contact.id], ExportSelection(incident_ids=("i-nothere",)), output=tmp_path)
    assert leftovers(tmp_path) == []


def test_without_evidence_keeps_the_list_but_not_the_files(her, lawyer, tmp_path):
    contact = introduce(her, lawyer)
    add_record(her, tmp_path / "src")
    result = her.export([contact.id], ExportSelection(include_evidence=False), output=tmp_path)
    z = open_zip(result.path, lawyer)
    assert not [n for n in z.namelist() if n.startswith("evidence/")]
    data = json.loads(z.read("data.json"))
    assert len(data["evidence"]) == 1 and data["evidence"][0]["file"] is None
    assert json.loads(z.read("manifest.json"))["selection"]["evidence"] is False


def test_obligations_in_and_out(her, lawyer, tmp_path):
    contact = introduce(her, lawyer)
    her.add_obligation(
        {
            "kind": "probation",
            "title": "Пробация",
            "start": "2024-06-26",
            "until": "2027-06-25",
            "body": {"name": "Служба пробации", "officer": "инспектор Б."},
            "conditions": ["являться на отметку"],
        }
    )
    with_ = her.export([contact.id], ExportSelection(report_language="ru"), output=tmp_path)
    z = open_zip(with_.path, lawyer)
    assert len(json.loads(z.read("data.json"))["obligations"]) == 1
    text = pdf_text(z.read("report.pdf"), tmp_path)
    assert "Пробация" in text
    without = her.export(
        [contact.id], ExportSelection(include_obligations=False, report_language="ru"),
        output=tmp_path,
    )  # fmt: skip
    z = open_zip(without.path, lawyer)
    assert json.loads(z.read("data.json"))["obligations"] == []
    assert json.loads(z.read("manifest.json"))["records"]["obligations"] == 0
    assert "Пробация" not in pdf_text(z.read("report.pdf"), tmp_path)


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    proc = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return proc.stdout.decode("utf-8")


@pytest.mark.parametrize(("lang", "heading"), [("ru", "Хронология"), ("kk", "Хронология"),
                                               ("en", "Chronology")])  # fmt: skip
def test_report_language(her, lawyer, tmp_path, lang, heading):
    contact = introduce(her, lawyer)
    add_record(her, tmp_path / "src", title="Вызов в ОВД")
    result = her.export([contact.id], ExportSelection(report_language=lang), output=tmp_path)
    text = pdf_text(open_zip(result.path, lawyer).read("report.pdf"), tmp_path)
    assert heading in text
    assert "Вызов в ОВД" in text
    assert her.me().verification_code in text


def test_several_recipients_and_herself(her, lawyer, tmp_path):
    contact = introduce(her, lawyer)
    third = pyrage.x25519.Identity.generate()
    other = her.add_contact(name="Орг", role="organisation", age_recipient=str(third.to_public()))
    result = her.export([contact.id, other.id, "me", contact.id], output=tmp_path)
    blob = result.path.read_bytes()
    assert blob.count(b"\n-> X25519 ") == 3  # duplicates dropped
    for ident in (third, identity.receiving_identity(lawyer._open().conn),
                  identity.receiving_identity(her._open().conn)):  # fmt: skip
        assert pyrage.decrypt(blob, [ident]).startswith(b"PK")
    manifest = json.loads(open_zip(result.path, her).read("manifest.json"))
    assert [r["self"] for r in manifest["recipients"]] == [False, False, True]


def test_errors_before_writing(her, tmp_path):
    with pytest.raises(NoRecipients):
        her.export([], output=tmp_path)
    with pytest.raises(NotFound):
        her.export(["c-nothere"], output=tmp_path)
    existing = tmp_path / "taken.age"
    existing.write_bytes(b"keep me")
    with pytest.raises(FolderProblem):
        her.export(["me"], output=existing)
    assert existing.read_bytes() == b"keep me"
    assert leftovers(tmp_path) == ["taken.age"]


def test_progress_and_cancel(her, lawyer, tmp_path):
    contact = introduce(her, lawyer)
    add_record(her, tmp_path / "src", sizes=(3_000_000, 3_000_000))
    seen: list[tuple[int, int]] = []
    result = her.export([contact.id], output=tmp_path, progress=lambda d, t: seen.append((d, t)))
    assert seen and seen[-1][0] == seen[-1][1]
    assert all(a[0] <= b[0] for a, b in itertools.pairwise(seen))
    result.path.unlink()

    calls = 0

    def cancel() -> bool:
        nonlocal calls
        calls += 1
        return calls > 4

    with pytest.raises(Cancelled):
        her.export([contact.id], output=tmp_path, cancel=cancel)
    assert leftovers(tmp_path) == []


def test_full_disk_leaves_no_file(her, lawyer, tmp_path, monkeypatch):
    contact = introduce(her, lawyer)
    add_record(her, tmp_path / "src", sizes=(2_000_000,))
    real = safewrite._os_write
    written = 0

    def failing(fd: int, data: Any) -> int:
        nonlocal written
        written += len(data)
        if written > 1_000_000:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(fd, data)

    monkeypatch.setattr(safewrite, "_os_write", failing)
    with pytest.raises(StorageError) as info:
        her.export([contact.id], output=tmp_path)
    assert info.value.fields["reason"] == "the disk is full"
    assert leftovers(tmp_path) == []


def test_a_failing_producer_leaves_no_file(tmp_path):
    class Boom:
        def read(self, n: int = -1) -> bytes:
            raise OSError(errno.EIO, "disk read error")

    ident = pyrage.x25519.Identity.generate()
    stream = ZipReadStream([ZipSource("a", b"x" * 10), ZipSource("b", Boom())])
    with pytest.raises(OSError, match="disk read error"):
        encrypt_to_file(stream, tmp_path / "x.age", [str(ident.to_public())])
    assert list(tmp_path.iterdir()) == []


def test_no_plaintext_on_disk_and_memory_is_bounded(her, lawyer, tmp_path):
    contact = introduce(her, lawyer)
    marker = "ОСОБАЯ-МЕТКА-7f3a"
    src = tmp_path / "src"
    src.mkdir()
    big = src / "video.mp4"
    big.write_bytes(payload(40 << 20, 7))
    her.add_incident(
        {"category": "DD-SUMMONS", "title": marker, "happened": "2026-01-01",
         "description": marker * 3},
        [big],
    )  # fmt: skip
    big.unlink()  # the only readable copy was the one she imported
    tracemalloc.start()
    result = her.export([contact.id], output=tmp_path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 24 << 20, peak  # far below the 40 MiB of evidence
    needle, chunk = marker.encode(), payload(40 << 20, 7)[1 << 20 : (1 << 20) + 4096]
    for f in tmp_path.rglob("*"):
        if f.is_file():
            data = f.read_bytes()
            assert needle not in data, f
            assert chunk not in data, f
    assert open_zip(result.path, lawyer).testzip() is None


def test_evidence_entry_names():
    used: set[str] = set()
    sha = "ab" * 32
    assert evidence_entry_name(sha, "фото.jpg", used) == "evidence/abababababab-фото.jpg"
    assert evidence_entry_name(sha, "ФОТО.jpg", used) == "evidence/abababababab-ФОТО-2.jpg"
    for bad in ["../../etc/passwd", "/abs", "C:\\x", "a\x00b", "con", " .. ", "\u202eevil", "a:b"]:
        name = evidence_entry_name(sha, bad, used)
        assert entry_name_problem(name) is None, (bad, name)
        assert name.count("/") == 1
    long = evidence_entry_name(sha, "я" * 500 + ".pdf", used)
    assert long.endswith(".pdf") and len(long.encode()) < 250


def test_export_command(her, lawyer, scli, tmp_path):
    contact = introduce(her, lawyer)
    add_record(her, tmp_path / "src")
    her.lock()
    out = tmp_path / "exports"
    out.mkdir()
    r = scli(
        her.paths.root,
        ["export", "--recipient", contact.id, "--report-lang", "ru", "-o", str(out)],
        [PASS],
    )
    assert r.code == 0, r.err
    path = Path(r.out.strip())
    assert path.parent == out and NAME.match(path.name)
    z = open_zip(path, lawyer)
    assert json.loads(z.read("manifest.json"))["selection"]["report_language"] == "ru"
    r = scli(
        her.paths.root,
        ["export", "--recipient", contact.id, "me", "--from", "2027", "--no-evidence",
         "--no-obligations", "-o", str(out / "named.age")],
        [PASS],
    )  # fmt: skip
    assert r.code == 0, r.err
    assert (out / "named.age").exists()
    r = scli(her.paths.root, ["export", "--recipient", "c-nothere", "-o", str(out)], [PASS])
    assert r.code == 1
    r = scli(her.paths.root, ["export", "-o", str(out)], [PASS])
    assert r.code == 2
    assert len(list(out.iterdir())) == 2
