"""Backup → wipe → restore gives everything back; the backup is for her recovery code only."""

from __future__ import annotations

import errno
import json
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyrage
import pytest

from defender_desk import safewrite
from defender_desk.errors import Cancelled, FolderProblem, RecoveryCodeInvalid, StorageError
from defender_desk.secret import Secret
from defender_desk.sharing import identity
from defender_desk.sharing.backup import MAGIC, BackupNotYours
from defender_desk.sharing.open_export import (
    AgePayloadDamaged,
    NotForYou,
    decrypt_to_memory,
    parse_header,
)
from defender_desk.vault import history, recovery
from tests.conftest import PASS
from tests.sharing.conftest import SDesk, add_record, files_under, introduce, payload

NEW_PASS = "новая фраза"


def snapshot(desk: Any) -> dict[str, Any]:
    conn = desk._open().conn
    evidence = desk.list_evidence()
    snap: dict[str, Any] = {
        "incidents": [i.model_dump(mode="json") for i in desk.list_incidents()],
        "people": [p.model_dump(mode="json") for p in desk.list_people()],
        "evidence": [e.model_dump(mode="json") for e in evidence],
        "bytes": {e.id: desk.read_evidence(e.id) for e in evidence},
        "contacts": [c.model_dump(mode="json") for c in desk.list_contacts()],
        "card": desk.me(),
        "head": history.head(conn),
        "skeleton": history.skeleton(conn),
        "export_log": conn.execute("SELECT * FROM export_log ORDER BY export_id").fetchall(),
        "search": [i.id for i in desk.list_incidents(_query("участковый"))],
    }
    snap["obligations"] = [o.model_dump(mode="json") for o in desk.list_obligations()]
    return snap


def _query(text: str) -> Any:
    from defender_desk.vault.records import IncidentFilter

    return IncidentFilter(query=text)


def filled(her: Any, lawyer: Any, tmp_path: Path) -> None:
    contact = introduce(her, lawyer)
    add_record(her, tmp_path / "src", sizes=(1, 65_536, 300_001))
    add_record(her, tmp_path / "src2", sizes=(5,), title="Второй")
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
    her.export([contact.id], output=tmp_path)


def test_backup_wipe_restore_gives_everything_back(her, lawyer, tmp_path):
    filled(her, lawyer, tmp_path)
    before = snapshot(her)
    assert her.last_backup() is None
    result = her.backup(tmp_path)
    assert result.path.parent == tmp_path and result.objects == 4
    when = her.last_backup()
    assert when is not None and abs(when - datetime.now(UTC)) < timedelta(minutes=5)
    her.lock()
    vault = her.paths.root
    shutil.rmtree(vault)  # the panic wipe

    restored = SDesk.restore(result.path, vault, her.recovery_code, Secret(NEW_PASS.encode()))
    assert restored.incidents == 2 and restored.evidence == 4
    desk = SDesk(vault)
    desk.unlock(Secret(NEW_PASS.encode()))
    try:
        after = snapshot(desk)
        assert after == before
        assert desk.check().ok
        assert desk.last_backup() == when
    finally:
        desk.lock()
    # the recovery code still opens the restored vault (and the backups it will make)
    desk.recover(her.recovery_code, Secret(b"third"))
    desk.lock()


def test_the_backup_is_for_the_recovery_identity_only(her, lawyer, tmp_path):
    filled(her, lawyer, tmp_path)
    path = her.backup(tmp_path).path
    data = path.read_bytes()
    header = parse_header(data)
    # one recipient stanza (rage adds a random "grease" stanza that no key opens)
    assert [s.type for s in header.stanzas if not s.type.endswith("-grease")] == ["X25519"]
    for desk in (her, lawyer):
        with pytest.raises(NotForYou):
            decrypt_to_memory(path, [identity.receiving_identity(desk._open().conn)])
    # with the identity derived from the recovery code, stock age opens it
    with recovery.to_secret(her.recovery_code) as code:
        key = recovery.backup_identity(code)
    key_file = tmp_path / "recovery.key"
    key_file.write_text(key + "\n")
    proc = subprocess.run(["age", "-d", "-i", str(key_file), str(path)], capture_output=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(MAGIC)
    # nothing readable in the file
    assert b"\xd0\x92\xd1\x8b\xd0\xb7\xd0\xbe\xd0\xb2" not in data  # "Вызов"
    assert payload(300_001, 2)[:4096] not in data


def test_restore_refuses_a_non_empty_folder(her, tmp_path):
    path = her.backup(tmp_path).path
    target = tmp_path / "busy"
    target.mkdir()
    (target / "keep.txt").write_text("mine")
    with pytest.raises(FolderProblem):
        SDesk.restore(path, target, her.recovery_code, Secret(b"x"))
    assert files_under(target) == {"keep.txt": b"mine"}
    with pytest.raises(FolderProblem):
        SDesk.restore(path, her.paths.root, her.recovery_code, Secret(b"x"))


def test_restore_with_a_wrong_or_mistyped_code(her, tmp_path):
    path = her.backup(tmp_path).path
    target = tmp_path / "new"
    with pytest.raises(BackupNotYours):
        SDesk.restore(path, target, recovery.generate(), Secret(b"x"))
    assert not target.exists()
    typo = her.recovery_code[:-1] + str((int(her.recovery_code[-1]) + 1) % 10)
    with pytest.raises(RecoveryCodeInvalid):
        SDesk.restore(path, target, typo, Secret(b"x"))
    assert not target.exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(BackupNotYours):
        SDesk.restore(path, empty, recovery.generate(), Secret(b"x"))
    assert empty.is_dir() and not any(empty.iterdir())


def test_restore_of_a_damaged_backup_leaves_nothing(her, lawyer, tmp_path):
    filled(her, lawyer, tmp_path)
    path = her.backup(tmp_path).path
    data = path.read_bytes()
    cut = tmp_path / "cut.age"
    cut.write_bytes(data[: len(data) - 3000])
    target = tmp_path / "new"
    with pytest.raises(AgePayloadDamaged):
        SDesk.restore(cut, target, her.recovery_code, Secret(b"x"))
    assert not target.exists()
    flipped = bytearray(data)
    flipped[len(data) // 2] ^= 0x40
    cut.write_bytes(flipped)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(AgePayloadDamaged):
        SDesk.restore(cut, empty, her.recovery_code, Secret(b"x"))
    assert not any(empty.iterdir())


def test_backup_cancel_and_full_disk_leave_no_file(her, lawyer, tmp_path, monkeypatch):
    filled(her, lawyer, tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(Cancelled):
        her.backup(out, cancel=lambda: True)
    assert list(out.iterdir()) == []
    assert her.last_backup() is None
    real = safewrite._os_write
    written = 0

    def failing(fd: int, data: Any) -> int:
        nonlocal written
        written += len(data)
        if written > 100_000:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(fd, data)

    monkeypatch.setattr(safewrite, "_os_write", failing)
    with pytest.raises(StorageError):
        her.backup(out)
    assert list(out.iterdir()) == []
    assert her.last_backup() is None
    monkeypatch.setattr(safewrite, "_os_write", real)
    seen: list[tuple[int, int]] = []
    her.backup(out, progress=lambda d, t: seen.append((d, t)))
    assert seen and seen[-1][0] == seen[-1][1]


def test_backup_and_restore_commands(her, lawyer, scli, tmp_path):
    filled(her, lawyer, tmp_path)
    titles = sorted(i.title for i in her.list_incidents())
    code = her.recovery_code
    her.lock()
    out = tmp_path / "backups"
    out.mkdir()
    r = scli(her.paths.root, ["backup", "-o", str(out)], [PASS])
    assert r.code == 0, r.err
    path = Path(r.out.strip())
    assert path.parent == out and path.name.endswith(".age")
    target = tmp_path / "restored"
    r = scli(target, ["restore", str(path)], [recovery.generate(), NEW_PASS])
    assert r.code == 3, r.err
    assert "not made with this recovery code" in r.err
    assert not target.exists()
    r = scli(target, ["restore", str(path)], [code.replace("-", " "), NEW_PASS])
    assert r.code == 0, r.err
    r = scli(target, ["incident", "list", "--json"], [NEW_PASS])
    assert r.code == 0, r.err
    assert sorted(i["title"] for i in json.loads(r.out)) == titles
    r = scli(target, ["restore", str(path)], [code, NEW_PASS])
    assert r.code == 1
    assert "not empty" in r.err
    r = scli(tmp_path / "other", ["restore", str(path)], [code[:-1] + "x", NEW_PASS])
    assert r.code == 3
    r = scli(target, ["check"], [NEW_PASS])
    assert r.code == 0, r.out + r.err


def test_last_backup_survives_lock(her, tmp_path):
    her.backup(tmp_path)
    when = her.last_backup()
    her.lock()
    her.unlock(Secret(PASS.encode()))
    assert her.last_backup() == when
    assert pyrage  # the module is used by the other tests
