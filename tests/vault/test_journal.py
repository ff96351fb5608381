"""Issue 12, item 6: a stale database journal, or an empty database file.

An old ``vault.db-wal`` copied back used to corrupt the database for good (the failed open's
close replayed it into the database) while the message blamed the key file; a 0-byte
``vault.db`` got a fresh schema written into it and the message said "another vault". Now the
journal is recognised and named, nothing is written into a database that failed to open, and
``check`` says which file is wrong — while a journal left by a crash is still replayed.
"""

from __future__ import annotations

import hashlib
import shutil
import sys
from pathlib import Path

import pytest

from defender_desk.app import Desk
from defender_desk.errors import VaultDamaged
from defender_desk.secret import Secret
from tests.conftest import PASS
from tests.pausing import Paused


def _digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


def _incident(desk: Desk, title: str) -> None:
    desk.add_incident({"category": "020103010000", "title": title, "happened": "2021"})


def _state(vault: Path) -> dict[str, str | None]:
    return {n: _digest(vault / n) for n in ("vault.db", "vault.db-wal", "vault.key")}


def test_a_stale_journal_copied_back_is_named_and_nothing_is_written(cli, vault_dir, tmp_path):
    """A journal from an earlier session (a backup tool that copied vault.db-wal last week and
    put it back) — it would roll the database back or corrupt it."""
    desk = Desk(vault_dir)
    desk.create(Secret.from_text(PASS))
    desk.lock()
    desk.unlock(Secret.from_text(PASS))
    for n in range(30):
        _incident(desk, f"early {n}")
    stale = tmp_path / "old-wal"
    shutil.copy(vault_dir / "vault.db-wal", stale)  # the journal as it was at that moment
    desk.lock()
    desk.unlock(Secret.from_text(PASS))  # a later session
    for n in range(30):
        _incident(desk, f"later {n}")
    for incident in desk.list_incidents()[:20]:
        desk.delete_incident(incident.id)
    desk.lock()  # checkpointed: the journal is gone now
    wal = vault_dir / "vault.db-wal"
    assert not wal.exists() or wal.stat().st_size == 0
    shutil.copy(stale, vault_dir / "vault.db-wal")
    before = _state(vault_dir)

    for command in (["status"], ["check"]):
        r = cli(vault_dir, command, [PASS])
        assert r.code == 5, r.err
        assert "the journal vault.db-wal does not belong to this database" in r.err
        assert "key file" not in r.err  # it does not blame vault.key
        assert _state(vault_dir) == before  # nothing replayed, nothing written
    # Moving the journal aside (what the message points to) gives the database back, whole.
    (vault_dir / "vault.db-wal").rename(tmp_path / "set-aside")
    desk.unlock(Secret.from_text(PASS))
    assert len(desk.list_incidents()) == 40
    assert desk.check().ok
    desk.lock()


def test_a_journal_from_another_vault_is_named(cli, vault_dir, tmp_path):
    desk = Desk(vault_dir)
    desk.create(Secret.from_text(PASS))
    _incident(desk, "mine")
    desk.lock()
    other = Desk(tmp_path / "other")
    other.create(Secret.from_text("other"))
    for n in range(10):
        _incident(other, f"theirs {n}")
    shutil.copy(tmp_path / "other" / "vault.db-wal", vault_dir / "vault.db-wal")
    other.lock()
    before = _state(vault_dir)
    r = cli(vault_dir, ["status"], [PASS])
    assert r.code == 5 and "the journal vault.db-wal does not belong" in r.err, r.err
    assert _state(vault_dir) == before


def test_an_empty_database_file_is_named_and_stays_empty(cli, made_vault):
    vault, _ = made_vault
    (vault / "vault.db").write_bytes(b"")
    for side in ("vault.db-wal", "vault.db-shm"):
        (vault / side).unlink(missing_ok=True)
    r = cli(vault, ["status"], [PASS])
    assert r.code == 5, r.err
    assert "the database file vault.db is empty" in r.err
    assert "another vault" not in r.err
    assert (vault / "vault.db").stat().st_size == 0  # no schema written into it
    assert not (vault / "vault.db-wal").exists()
    r = cli(vault, ["check"], [PASS])
    assert r.code == 5 and "vault.db is empty" in r.err


def test_a_database_that_does_not_fit_the_key_file_names_both(cli, made_vault, tmp_path):
    vault, _ = made_vault
    other = tmp_path / "other"
    assert cli(other, ["init"], ["x"]).code == 0
    shutil.copy(other / "vault.db", vault / "vault.db")
    before = _state(vault)
    r = cli(vault, ["check"], [PASS])
    assert r.code == 5
    assert "vault.db cannot be opened with this key file (vault.key)" in r.err
    assert _state(vault) == before


_CRASH = """
import sys
from defender_desk import devswitches
from defender_desk.app import Desk
from defender_desk.secret import Secret
d = Desk(sys.argv[1])
d.unlock(Secret.from_text(sys.argv[2]))
d.add_incident({"category": "020103010000", "title": "written just before the crash",
                "happened": "2021"})
devswitches.pause("after.write")
"""


def test_a_journal_left_by_a_crash_is_still_replayed(vault_dir, tmp_path):
    desk = Desk(vault_dir)
    desk.create(Secret.from_text(PASS))
    desk.lock()
    with Paused(
        "after.write", [sys.executable, "-c", _CRASH, str(vault_dir), PASS], tmp_path / "m"
    ) as child:
        child.wait()
        child.kill()  # killed with the incident only in the journal
    assert (vault_dir / "vault.db-wal").stat().st_size > 0
    desk.unlock(Secret.from_text(PASS))
    assert [i.title for i in desk.list_incidents()] == ["written just before the crash"]
    assert desk.check().ok
    desk.lock()


def test_the_probe_never_creates_a_database(tmp_path):
    from defender_desk.vault import db

    with pytest.raises(VaultDamaged):
        db.connect(tmp_path / "absent.db", Secret(bytes(32)))
    assert not any(tmp_path.iterdir())
