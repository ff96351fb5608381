"""The encrypted database: pragmas, fail-closed checks, and one test per migration."""

from __future__ import annotations

import secrets
import sqlite3

import pytest

from defender_desk.app import Desk
from defender_desk.errors import PlainDatabaseRefused, VaultDamaged
from defender_desk.secret import Secret
from defender_desk.vault import db
from tests.conftest import PASS


def key() -> Secret:
    return Secret(secrets.token_bytes(32))


def test_database_is_encrypted_and_hardened(tmp_path):
    k = key()
    conn = db.connect(tmp_path / "x.db", k, create=True)
    assert conn.execute("PRAGMA cipher_version").fetchone()[0].startswith("4.")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA temp_store").fetchone()[0] == 2  # MEMORY
    assert conn.execute("PRAGMA secure_delete").fetchone()[0] == 1
    assert conn.execute("PRAGMA cipher_memory_security").fetchone()[0] == "1"
    db.set_meta(conn, "canary", b"canary-8d1f")
    db.checkpoint(conn)
    conn.close()
    raw = (tmp_path / "x.db").read_bytes()
    assert not raw.startswith(db.PLAIN_SQLITE_MAGIC)
    assert b"canary-8d1f" not in raw
    assert not (tmp_path / "x.db-wal").exists() or (tmp_path / "x.db-wal").stat().st_size == 0
    # and the stock sqlite3 cannot read it
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(tmp_path / "x.db").execute("SELECT * FROM sqlite_master").fetchall()


def test_wrong_key_is_damage_not_crash(tmp_path):
    conn = db.connect(tmp_path / "x.db", key(), create=True)
    conn.close()
    with pytest.raises(VaultDamaged):
        db.connect(tmp_path / "x.db", key())


def test_plain_sqlite_refused(tmp_path):
    sqlite3.connect(tmp_path / "p.db").execute("CREATE TABLE t(x)").connection.commit()
    with pytest.raises(PlainDatabaseRefused):
        db.connect(tmp_path / "p.db", key())


def test_migrations_are_numbered_and_split():
    steps = db.migrations()
    assert [v for v, _, _ in steps] == list(range(1, len(steps) + 1))
    for _, _, sql in steps:
        assert db.split_sql(sql)


def test_migration_0001_vault(tmp_path):
    conn = db.connect(tmp_path / "m.db", key(), create=True)
    # connect migrates fully; rebuild to exactly version 1 in a fresh file to test it alone
    conn.close()
    k = key()
    import sqlcipher3

    raw = sqlcipher3.connect(str(tmp_path / "one.db"), isolation_level=None)
    raw.execute(f"PRAGMA key = \"x'{k.buffer.hex()}'\"")
    assert db.migrate(raw, target=1) == 1
    tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"meta", "schema_version"} <= tables
    db.set_meta(raw, "a", b"1")
    db.set_meta(raw, "a", b"2")
    assert db.get_meta(raw, "a") == b"2"
    assert db.schema_version(raw) == 1
    # migrating again is a no-op
    assert db.migrate(raw) == db.latest_version()
    raw.close()


def test_wal_truncated_on_lock(made_vault):
    vault, _ = made_vault
    desk = Desk(vault)
    desk.unlock(Secret.from_text(PASS))
    desk.save_settings(desk.settings())
    desk.lock()
    wal = vault / "vault.db-wal"
    assert not wal.exists() or wal.stat().st_size == 0


def test_vault_db_never_starts_with_plain_magic(made_vault):
    vault, _ = made_vault
    assert not (vault / "vault.db").read_bytes().startswith(b"SQLite format 3")


def test_migration_0002_record(tmp_path):
    import sqlcipher3

    k = key()
    raw = sqlcipher3.connect(str(tmp_path / "two.db"), isolation_level=None)
    raw.execute(f"PRAGMA key = \"x'{k.buffer.hex()}'\"")
    assert db.migrate(raw, target=1) == 1
    db.set_meta(raw, "kept", b"across the migration")
    assert db.migrate(raw, target=2) == 2
    tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {
        "people",
        "incidents",
        "incident_people",
        "evidence",
        "revisions",
        "incident_search",
    } <= tables
    assert db.get_meta(raw, "kept") == b"across the migration"
    config = dict(raw.execute("SELECT k, v FROM incident_search_config").fetchall())
    assert config.get("secure-delete") == 1
    # the trigram tokenizer folds Cyrillic and Kazakh case
    raw.execute(
        "INSERT INTO incident_search(rowid, title, body, people, tags, files)"
        " VALUES (1, 'ӘКІМДІК шақырды', '', '', '', '')"
    )
    assert raw.execute(
        "SELECT rowid FROM incident_search WHERE incident_search MATCH '\"әкімдік\"'"
    ).fetchall() == [(1,)]
    raw.close()
