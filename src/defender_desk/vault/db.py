"""The SQLCipher database: opened with the raw master key, hardened, migrated.

``PRAGMA key = "x'…'"`` with the 32-byte master key (never SQLCipher's passphrase form, so an
unlock costs one Argon2id and no PBKDF2). Before the key: ``cipher_log_level = NONE``. After:
``temp_store = MEMORY``, ``secure_delete = ON``, WAL, foreign keys.

``cipher_memory_security`` stays OFF (SQLCipher's default; issue 15). SQLCipher keeps its own
key material on its private, mlock()ed heap and overwrites it when freed whatever the setting;
the setting added the same for *all* of SQLite's memory (page cache, query results) at the
cost of a tenfold slower search. Why that buys little here, and what it means for swap and
hibernation: docs/threat-model.md, "Memory".

Fail closed: a file that starts with ``SQLite format 3`` (a plain database) or a library whose
``cipher_version`` is empty is refused, never opened.

Schema migrations are the numbered files in ``migrations/`` (``NNNN_name.sql``), applied in order
inside one transaction each; ``schema_version`` records the last one applied. A migration whose
data must be computed in Python (the search index's folded words) names its step in
:data:`PYTHON_STEPS`, run in the same transaction after its SQL.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import sqlcipher3

from defender_desk.errors import N_, NewerFormat, PlainDatabaseRefused, VaultDamaged
from defender_desk.secret import Secret
from defender_desk.vault import search_index

PLAIN_SQLITE_MAGIC = b"SQLite format 3\x00"
Connection = Any  # sqlcipher3.dbapi2.Connection (untyped library)

#: Python work that belongs to a migration, run right after its SQL, in its transaction.
PYTHON_STEPS: dict[int, Callable[[Connection], object]] = {
    7: search_index.rebuild,  # 0007_search_words: fill the new word index
}


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, SQL) for every migration file, in order."""
    folder = resources.files("defender_desk.vault") / "migrations"
    found: list[tuple[int, str, str]] = []
    for entry in folder.iterdir():
        m = re.fullmatch(r"(\d{4})_(\w+)\.sql", entry.name)
        if m:
            found.append((int(m.group(1)), m.group(2), entry.read_text(encoding="utf-8")))
    found.sort()
    versions = [v for v, _, _ in found]
    if versions != list(range(1, len(found) + 1)):
        raise RuntimeError(f"migrations are not numbered 1..n: {versions}")
    return found


def latest_version() -> int:
    return len(migrations())


def refuse_plain(path: Path) -> None:
    """Raise :class:`PlainDatabaseRefused` if ``path`` is an unencrypted SQLite file."""
    try:
        with open(path, "rb") as f:
            head = f.read(len(PLAIN_SQLITE_MAGIC))
    except FileNotFoundError:
        return
    if head == PLAIN_SQLITE_MAGIC:
        raise PlainDatabaseRefused()


def connect(path: Path, master_key: Secret, *, create: bool = False) -> Connection:
    """Open (or with ``create`` make) the database. Raises :class:`VaultDamaged` when the key does
    not fit, the file is garbage or plain SQLite, or the schema is newer than this app."""
    if not create:
        if not path.exists():
            raise VaultDamaged(what=N_("the database file is missing"))
        refuse_plain(path)
    conn = sqlcipher3.connect(str(path), isolation_level=None, check_same_thread=False)
    try:
        # cipher_memory_security is left at its default, OFF: see the module's docstring.
        conn.execute("PRAGMA cipher_log_level = NONE")
        hexkey = bytearray(master_key.buffer.hex().encode("ascii"))
        try:
            # The statement has to be a str; it lives only for this call.
            conn.execute(f"PRAGMA key = \"x'{hexkey.decode('ascii')}'\"")
        finally:
            hexkey[:] = bytes(len(hexkey))
        version = conn.execute("PRAGMA cipher_version").fetchone()
        if not version or not version[0]:
            raise PlainDatabaseRefused()
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlcipher3.DatabaseError:
            raise VaultDamaged(
                what=N_("the database cannot be opened with this key file")
            ) from None
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute("PRAGMA secure_delete = ON")
        conn.execute("PRAGMA foreign_keys = ON")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise VaultDamaged(what=N_("the database cannot use its journal"))
        conn.execute("PRAGMA synchronous = FULL")
        migrate(conn)
        return conn
    except BaseException:
        conn.close()
        raise


def schema_version(conn: Connection) -> int:
    has = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_version'"
    ).fetchone()
    if not has:
        return 0
    row = conn.execute("SELECT max(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def migrate(conn: Connection, target: int | None = None) -> int:
    """Apply pending migrations up to ``target`` (default: all). Returns the new version."""
    steps = migrations()
    current = schema_version(conn)
    if current > len(steps):
        raise NewerFormat(found=current)
    for version, name, sql in steps:
        if version <= current or (target is not None and version > target):
            continue
        with transaction(conn):
            if version == 1:
                conn.execute(
                    "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                    " applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')))"
                )
            for statement in split_sql(sql):
                conn.execute(statement)
            step = PYTHON_STEPS.get(version)
            if step is not None:
                step(conn)
            conn.execute("INSERT INTO schema_version(version, name) VALUES (?, ?)", (version, name))
        current = version
    return current


def split_sql(sql: str) -> list[str]:
    """Split a migration into statements (``sqlite3.complete_statement`` handles triggers)."""
    statements: list[str] = []
    buf = ""
    for line in sql.splitlines(keepends=True):
        if not buf and line.strip().startswith("--"):
            continue
        buf += line
        if sqlcipher3.complete_statement(buf):
            if buf.strip():
                statements.append(buf.strip())
            buf = ""
    if buf.strip():
        statements.append(buf.strip())
    return statements


@contextmanager
def transaction(conn: Connection) -> Iterator[Connection]:
    """``BEGIN IMMEDIATE`` … ``COMMIT``; rolls back on any exception."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def get_meta(conn: Connection, key: str) -> bytes | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else bytes(row[0])


def set_meta(conn: Connection, key: str, value: bytes) -> None:
    conn.execute(
        "INSERT INTO meta(key, value) VALUES (?, ?)"
        " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def checkpoint(conn: Connection) -> None:
    """Fold the WAL into the database and truncate it (on lock and after deletes)."""
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def integrity_problems(conn: Connection) -> list[str]:
    rows = conn.execute("PRAGMA integrity_check").fetchall()
    problems = [str(r[0]) for r in rows if r and r[0] != "ok"]
    rows = conn.execute("PRAGMA cipher_integrity_check").fetchall()
    problems += [str(r[0]) for r in rows if r and r[0]]
    return problems
