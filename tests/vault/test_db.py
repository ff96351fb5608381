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
    # OFF by decision (issue 15, docs/threat-model.md "Memory"): SQLCipher still keeps and
    # wipes its own key material on its locked private heap
    assert conn.execute("PRAGMA cipher_memory_security").fetchone()[0] == "0"
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
    """Version 2 as it was (its trigram index is replaced by 0007)."""
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


def _raw_at(path, k, version):
    """A keyed database migrated to exactly ``version``."""
    import sqlcipher3

    raw = sqlcipher3.connect(str(path), isolation_level=None)
    raw.execute(f"PRAGMA key = \"x'{k.buffer.hex()}'\"")
    assert db.migrate(raw, target=version) == version
    return raw


def _old_incident(raw, rowid, incident_id, title, happened, sort_start, sort_rank, **extra):
    """An incident row as versions 2–7 wrote it (before 7: with its trigram search row)."""
    import json

    data = {
        "id": incident_id,
        "category": "DD-SUMMONS",
        "title": title,
        "description": extra.get("description", ""),
        "happened": happened,
        "actor_ids": extra.get("actor_ids", []),
    }
    raw.execute(
        "INSERT INTO incidents(rid, id, category, title, start_low, start_high, end_high,"
        " sort_start, sort_rank, targets_self, created_at, updated_at, data)"
        " VALUES (?, ?, 'DD-SUMMONS', ?, ?, ?, ?, ?, ?, 0, '', '', ?)",
        (
            rowid,
            incident_id,
            title,
            extra.get("start_low", sort_start),
            extra.get("start_high", sort_start),
            extra.get("start_high", sort_start),
            sort_start,
            sort_rank,
            json.dumps(data, ensure_ascii=False),
        ),
    )
    for pid in extra.get("actor_ids", []):
        raw.execute(
            "INSERT INTO incident_people(incident_id, person_id, link) VALUES (?, ?, 'actor')",
            (incident_id, pid),
        )
    if db.schema_version(raw) < 7:
        raw.execute(
            "INSERT INTO incident_search(rowid, title, body, people, tags, files)"
            " VALUES (?, ?, ?, '', '', '')",
            (rowid, title, extra.get("description", "")),
        )


def test_migration_0007_search_words(tmp_path):
    raw = _raw_at(tmp_path / "seven.db", key(), 6)
    _old_incident(raw, 7, "i-aaaaaaaa", "Вызвали дочери в акимат", "2024-03-01",
                  "2024-03-01T00:00:00.000000", 3, description="Қызымның заёмщик")  # fmt: skip
    assert db.migrate(raw, target=7) == 7
    # the trigram table is gone; the new one was filled from the incidents, folded
    config = dict(raw.execute("SELECT k, v FROM incident_search_config").fetchall())
    assert config.get("secure-delete") == 1
    cols = [r[1] for r in raw.execute("PRAGMA table_info(incident_search)")]
    assert cols == ["words"]
    (words,) = raw.execute("SELECT words FROM incident_search WHERE rowid = 7").fetchone()
    assert words == "вызвали дочери в акимат кызымнын заемщик"

    def found(match):
        sql = "SELECT rowid FROM incident_search WHERE incident_search MATCH ?"
        return [r[0] for r in raw.execute(sql, (match,))]

    assert found('"доч"*') == [7]
    assert found('"к"*') == [7]  # one letter: the prefix index
    assert found('"заемщик"*') == [7]
    assert found('"ызы"*') == []  # words by their beginning, not substrings
    raw.close()


def test_migration_0008_overview(tmp_path):
    raw = _raw_at(tmp_path / "eight.db", key(), 7)
    for pid, name, institution in (
        ("p-aaaaaaaa", "Сосед", None),
        ("p-bbbbbbbb", "Участковый", "police"),
        ("p-cccccccc", "Банк", "bank"),
    ):
        raw.execute(
            "INSERT INTO people(id, name, role, institution, data) VALUES (?, ?, 'actor', ?, '{}')",
            (pid, name, institution),
        )
    _old_incident(raw, 1, "i-aaaaaaaa", "a", "2024-03-01", "2024-03-01T00:00:00.000000", 3,
                  actor_ids=["p-aaaaaaaa", "p-bbbbbbbb", "p-cccccccc"])  # fmt: skip
    _old_incident(raw, 2, "i-bbbbbbbb", "b", "2024-03", "2024-03-01T00:00:00.000000", 2,
                  actor_ids=["p-aaaaaaaa"])  # fmt: skip
    _old_incident(raw, 3, "i-cccccccc", "c", "2024", "2024-01-01T00:00:00.000000", 1)
    assert db.migrate(raw, target=8) == 8
    rows = {r[0]: (r[1], r[2]) for r in raw.execute("SELECT id, actor_kind, month FROM incidents")}
    # the first actor listed who has an institution; a person alone; no actor at all — and the
    # month only where the date is known to the month or better
    assert rows == {
        "i-aaaaaaaa": ("police", "2024-03"),
        "i-bbbbbbbb": ("person", "2024-03"),
        "i-cccccccc": ("none", None),
    }
    cols = [r[2] for r in raw.execute("PRAGMA index_info(incidents_sort)")]
    assert cols == ["sort_start", "sort_rank", "id", "start_low", "end_high", "category",
                    "channel", "severity", "targets_self"]  # fmt: skip
    for sql, index in (
        (
            "SELECT count(*) FROM incidents INDEXED BY incidents_sort"
            " WHERE end_high >= '2024' AND start_low <= '2025'"
            " AND category = 'DD-SUMMONS' AND channel IS NULL AND severity IS NULL"
            " AND targets_self = 0",
            "incidents_sort",
        ),
        (
            "SELECT month, actor_kind, count(*) FROM incidents WHERE month IS NOT NULL"
            " GROUP BY month, actor_kind",
            "incidents_month",
        ),
        (
            "SELECT sort_rank, sort_start, start_low, start_high, count(*) FROM incidents"
            " WHERE sort_rank < 2 GROUP BY sort_rank, sort_start, start_low, start_high",
            "incidents_uncertain",
        ),
    ):
        plan = " ".join(str(r[3]) for r in raw.execute("EXPLAIN QUERY PLAN " + sql))
        assert f"COVERING INDEX {index}" in plan, plan  # counted without reading a row
    raw.close()
