"""Evidence import, storage, verification and every bad input the issue names."""

from __future__ import annotations

import base64
import errno
import hashlib
import os
import subprocess
import sys
import tracemalloc

import pytest

from defender_desk import safewrite
from defender_desk.errors import Cancelled, NotFound, StorageError
from defender_desk.vault.evidence import EvidenceFileProblem
from tests.conftest import PASS


@pytest.fixture
def inc(desk):
    return desk.add_incident({"category": "DD-SEIZED-PHONE", "title": "СМС", "happened": "2022"})


def objects(desk):
    return sorted(p for p in desk.paths.objects.rglob("*") if p.is_file())


def test_import_read_back_and_names_on_disk(desk, inc, tmp_path):
    data = os.urandom(300_000) + "канарейка-ev1".encode()
    f = tmp_path / "Скриншот дочери.jpg"
    f.write_bytes(data)
    ev = desk.add_evidence(inc.id, f)
    assert ev.sha256 == hashlib.sha256(data).hexdigest()
    assert ev.size == len(data)
    assert ev.original_name == "Скриншот дочери.jpg"
    assert ev.media_type == "image/jpeg"
    assert desk.read_evidence(ev.id) == data
    (obj,) = objects(desk)
    assert "Скриншот" not in str(obj) and "jpg" not in obj.name
    raw = obj.read_bytes()
    assert raw.startswith(b"age-encryption.org/v1")
    assert "канарейка-ev1".encode() not in raw
    assert obj.stat().st_mode & 0o777 == 0o600
    assert desk.verify_evidence() == []


def test_memory_stays_bounded(desk, inc, tmp_path):
    f = tmp_path / "big.bin"
    with open(f, "wb") as out:
        for _ in range(64):
            out.write(os.urandom(1024 * 1024))
    tracemalloc.start()
    ev = desk.add_evidence(inc.id, f)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert ev.size == 64 * 1024 * 1024
    assert peak < 16 * 1024 * 1024, peak


def test_missing_directory_empty(desk, inc, tmp_path):
    with pytest.raises(EvidenceFileProblem) as info:
        desk.add_evidence(inc.id, tmp_path / "nope.jpg")
    assert info.value.fields["reason"] == "the file does not exist"
    with pytest.raises(EvidenceFileProblem) as info:
        desk.add_evidence(inc.id, tmp_path)
    assert "folder" in info.value.fields["reason"]
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(EvidenceFileProblem) as info:
        desk.add_evidence(inc.id, empty)
    assert info.value.fields["reason"] == "the file is empty"
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    assert objects(desk) == [] and desk.list_evidence() == []


def test_unreadable_file_cli(cli, made_vault, tmp_path):
    vault, _ = made_vault
    r = cli(
        vault,
        ["incident", "add", "--category", "020103010000", "--title", "t", "--happened", "2021"],
        [PASS],
    )
    inc_id = r.out.strip()
    f = tmp_path / "secret.png"
    f.write_bytes(b"data")
    f.chmod(0)
    # as root, drop the capabilities that bypass file permissions, so the mode really applies
    prefix = []
    if os.geteuid() == 0:
        prefix = [
            "setpriv",
            "--bounding-set=-dac_override,-dac_read_search",
            "--inh-caps=-dac_override,-dac_read_search",
        ]
    rfd, wfd = os.pipe()
    os.write(wfd, (PASS + "\n").encode())
    os.close(wfd)
    proc = subprocess.run(
        [
            *prefix,
            sys.executable,
            "-m",
            "defender_desk",
            "--vault-dir",
            str(vault),
            "--passphrase-fd",
            str(rfd),
            "evidence",
            "add",
            inc_id,
            str(f),
        ],
        capture_output=True,
        text=True,
        pass_fds=(rfd,),
        check=False,
    )
    os.close(rfd)
    assert proc.returncode == 1, proc.stderr
    assert "cannot be read" in proc.stderr


def test_undecodable_name_is_kept_readable(desk, inc, tmp_path):
    raw_name = os.fsencode(tmp_path) + b"/\xff\xfe-photo.jpg"
    with open(raw_name, "wb") as f:
        f.write(b"jpeg")
    ev = desk.add_evidence(inc.id, tmp_path / os.fsdecode(b"\xff\xfe-photo.jpg"))
    assert ev.original_name == "\\xff\\xfe-photo.jpg"  # visible, not "��"
    assert base64.b64decode(ev.original_name_bytes) == b"\xff\xfe-photo.jpg"  # exact
    assert desk.read_evidence(ev.id) == b"jpeg"


def test_file_vanishing_mid_import_leaves_nothing(desk, inc, tmp_path):
    f = tmp_path / "shrinking.bin"
    f.write_bytes(os.urandom(3 * 1024 * 1024))

    def truncate(done, total):
        if done >= 1024 * 1024:
            os.truncate(f, 1000)

    with pytest.raises(EvidenceFileProblem) as info:
        desk.add_evidence(inc.id, f, progress=truncate)
    assert "changed" in info.value.fields["reason"]
    assert objects(desk) == [] and desk.list_evidence() == []


def test_cancel_leaves_nothing(desk, inc, tmp_path):
    f = tmp_path / "big.bin"
    f.write_bytes(os.urandom(4 * 1024 * 1024))
    calls = []

    def cancel():
        calls.append(1)
        return len(calls) > 2

    with pytest.raises(Cancelled):
        desk.add_evidence(inc.id, f, cancel=cancel)
    assert objects(desk) == [] and desk.list_evidence() == []


def test_enospc_mid_import_leaves_no_orphan(desk, inc, tmp_path, monkeypatch):
    f = tmp_path / "big.bin"
    f.write_bytes(os.urandom(2 * 1024 * 1024))
    written = []
    real = safewrite._os_write

    def fill(fd, data):
        written.append(len(data))
        if sum(written) > 1024 * 1024:
            raise OSError(errno.ENOSPC, "full")
        return real(fd, data)

    monkeypatch.setattr(safewrite, "_os_write", fill)
    with pytest.raises(StorageError) as info:
        desk.add_evidence(inc.id, f)
    assert info.value.fields["reason"] == "the disk is full"
    monkeypatch.undo()
    assert objects(desk) == [] and desk.list_evidence() == []
    assert desk.check().ok


def test_blob_deleted_or_altered_is_named_by_check(desk, inc, tmp_path, cli):
    f1, f2 = tmp_path / "a.txt", tmp_path / "b.txt"
    f1.write_bytes(b"first file")
    f2.write_bytes(b"second file")
    e1 = desk.add_evidence(inc.id, f1)
    e2 = desk.add_evidence(inc.id, f2)
    (desk.paths.objects / e1.object_name).unlink()
    obj2 = desk.paths.objects / e2.object_name
    raw = bytearray(obj2.read_bytes())
    raw[-5] ^= 1
    obj2.write_bytes(bytes(raw))
    problems = desk.verify_evidence()
    named = {p.fields["id"] for p in problems}
    assert named == {e1.id, e2.id}
    vault = desk.paths.root
    desk.lock()
    r = cli(vault, ["check", "--json"], [PASS])
    assert r.code == 5
    import json

    out = json.loads(r.out)
    assert out["ok"] is False
    assert any(e1.id in p for p in out["problems"]) and any(e2.id in p for p in out["problems"])
    r = cli(vault, ["evidence", "verify"], [PASS])
    assert r.code == 5


def test_orphan_objects_are_removed_at_unlock(desk, inc, tmp_path):
    sub = desk.paths.objects / "ab"
    safewrite.ensure_private_dir(sub)
    (sub / "deadbeef").write_bytes(b"age-encryption.org/v1 orphan")
    (sub / ".dd-tmp-123").write_bytes(b"partial")
    root = desk.paths.root
    desk.lock()
    from defender_desk.app import Desk
    from defender_desk.secret import Secret

    d = Desk(root)
    d.unlock(Secret.from_text(PASS))
    assert list(sub.iterdir()) == []
    d.lock()


def test_detach_and_delete(desk, inc, tmp_path):
    f = tmp_path / "x.txt"
    f.write_bytes(b"x")
    ev = desk.add_evidence(inc.id, f)
    desk.evidence.attach(ev.id, None)
    assert desk.list_evidence(inc.id) == []
    desk.delete_evidence(ev.id)
    assert objects(desk) == []
    with pytest.raises(NotFound):
        desk.read_evidence(ev.id)
    assert [r["operation"] for r in desk.history_of(ev.id)] == ["create", "edit", "delete"]
    assert desk.check().ok
