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

**Nothing is written into a database that failed to open.** An existing database is opened with
``mode=rw`` (SQLite never creates a missing file), and first *probed* on a read-only connection:
an empty file is refused by name; when the probe cannot read it and a non-empty journal
(``vault.db-wal``) lies beside it, the probe is repeated ignoring the journal (``immutable=1``) —
if the database then reads, the journal is named as the file that does not belong (a stale
``-wal`` copied back, or one from another database), and nothing is replayed into the database.
Only then is the read-write connection opened; callers check that the database belongs to the
key file before :func:`migrate` writes anything (``connect(..., migrate=False)``).

**After a wipe has begun** (:mod:`defender_desk.wipeguard`): every commit of
:func:`transaction`, :func:`commit` and :func:`checkpoint` happens under the wipe gate after a
check, and is refused (rolled back) with :class:`~defender_desk.errors.VaultWiped`; a progress
handler interrupts any long statement (a ``sqlcipher_export``, a large delete) once the tombstone
appears. The wipe unlinks the database files before it raises the tombstone, so SQLite's own
checkpoint when a connection closes never writes into them again (SQLite skips it for an
unlinked database). Automatic checkpoints run inside a guarded ``COMMIT``.
"""

from __future__ import annotations

import os
import re
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import sqlcipher3

from defender_desk import wipeguard
from defender_desk.devswitches import pause
from defender_desk.errors import N_, NewerFormat, PlainDatabaseRefused, VaultDamaged, VaultWiped
from defender_desk.secret import Secret
from defender_desk.vault import search_index

PLAIN_SQLITE_MAGIC = b"SQLite format 3\x00"
Connection = Any  # sqlcipher3.dbapi2.Connection (untyped library)
_PROGRESS_STEPS = 20_000  # SQLite VM steps between two looks at the tombstone
#: ``meta`` key of a counter raised at every unlock (:func:`new_session`): a journal whose view
#: of it is *behind* the database file's is an old journal copied back.
META_SESSION = "session_counter"


class _Connection(sqlcipher3.Connection):  # type: ignore[misc]
    """A connection that knows its file (for the wipe guard)."""

    dd_path: str = ""
    dd_root: str | None = None
    dd_seen: float = 0.0


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


def _uri(path: Path, mode: str, *, immutable: bool = False) -> str:
    quoted = urllib.parse.quote(os.path.abspath(path))
    return f"file:{quoted}?mode={mode}" + ("&immutable=1" if immutable else "")


def _keyed(uri: str, master_key: Secret) -> Connection:
    conn = sqlcipher3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    try:
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
        return conn
    except BaseException:
        conn.close()
        raise


_UNREADABLE = -2


def _reads(path: Path, master_key: Secret, *, immutable: bool, thorough: bool) -> int:
    """Read the database on a read-only connection (never writes it): the session counter
    (-1 when there is none), or ``_UNREADABLE``."""
    try:
        conn = _keyed(_uri(path, "ro", immutable=immutable), master_key)
    except sqlcipher3.Error:
        return _UNREADABLE
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        if thorough:
            rows = conn.execute("PRAGMA quick_check").fetchall()
            if [tuple(r) for r in rows] != [("ok",)]:
                return _UNREADABLE
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = ?", (META_SESSION,)).fetchone()
        except sqlcipher3.OperationalError:  # no meta table (yet)
            return -1
        return int.from_bytes(bytes(row[0]), "big") if row else -1
    except sqlcipher3.Error:
        return _UNREADABLE
    finally:
        conn.close()


def probe(path: Path, master_key: Secret) -> None:
    """Check, without writing anything, that ``path`` opens with ``master_key``; name the file
    that is wrong otherwise (:class:`VaultDamaged`)."""
    try:
        size = os.stat(path).st_size
    except FileNotFoundError:
        raise VaultDamaged(what=N_("the database file is missing")) from None
    if size == 0:
        raise VaultDamaged(what=N_("the database file vault.db is empty"))
    wal = Path(str(path) + "-wal")
    try:
        journal = os.stat(wal).st_size > 0
    except FileNotFoundError:
        journal = False
    stale = VaultDamaged(what=N_("the journal vault.db-wal does not belong to this database"))
    with_journal = _reads(path, master_key, immutable=False, thorough=journal)
    if with_journal != _UNREADABLE:
        if journal:
            # A journal is newer than the database file, always: one whose view is older is
            # an old journal put back (it would roll the database back, or corrupt it).
            without = _reads(path, master_key, immutable=True, thorough=False)
            if without != _UNREADABLE and with_journal < without:
                raise stale
        return
    if journal and _reads(path, master_key, immutable=True, thorough=True) != _UNREADABLE:
        raise stale
    raise VaultDamaged(
        what=N_("the database vault.db cannot be opened with this key file (vault.key)")
    )


def connect(
    path: Path, master_key: Secret, *, create: bool = False, migrate: bool = True
) -> Connection:
    """Open (or with ``create`` make) the database. Raises :class:`VaultDamaged` when the key does
    not fit, the file is empty, garbage or plain SQLite, the journal beside it is not its own, or
    the schema is newer than this app. With ``migrate=False`` nothing is written; call
    :func:`migrate` once the database is known to be the right one."""
    if not create:
        if not path.exists():
            raise VaultDamaged(what=N_("the database file is missing"))
        refuse_plain(path)
        probe(path, master_key)
    raw = sqlcipher3.connect(
        _uri(path, "rwc" if create else "rw"),
        uri=True,
        isolation_level=None,
        check_same_thread=False,
        factory=_Connection,
    )
    conn: Any = raw
    try:
        conn.dd_path = os.path.abspath(path)
        conn.dd_root = wipeguard.root_of(path)
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
                what=N_("the database vault.db cannot be opened with this key file (vault.key)")
            ) from None
        if conn.dd_root is not None:
            conn.set_progress_handler(lambda: _interrupt(conn), _PROGRESS_STEPS)
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute("PRAGMA secure_delete = ON")
        conn.execute("PRAGMA foreign_keys = ON")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise VaultDamaged(what=N_("the database cannot use its journal"))
        conn.execute("PRAGMA synchronous = FULL")
        # Full Unicode case folding for short searches (SQLite's LIKE folds ASCII only).
        conn.create_function("dd_fold", 1, _fold, deterministic=True)
        if migrate or create:
            _run_migrations(conn)
        return conn
    except BaseException:
        conn.close()
        raise


def _run_migrations(conn: Connection) -> None:
    migrate(conn)


def _interrupt(conn: Any) -> int:
    """Progress handler: stop any statement once the vault's wipe has begun (checked at most
    every 50 ms)."""
    now = time.monotonic()
    if now - conn.dd_seen < 0.05:
        return 0
    conn.dd_seen = now
    return 1 if conn.dd_root is not None and wipeguard.wiped(conn.dd_root) else 0


def _guarded_path(conn: Any) -> str | None:
    return getattr(conn, "dd_path", None) or None


def _raise_if_wiped(conn: Any, exc: BaseException) -> None:
    root = getattr(conn, "dd_root", None)
    if root is not None and isinstance(exc, sqlcipher3.Error) and wipeguard.wiped(root):
        wipeguard.mark_wiped(root)
        raise VaultWiped() from None


def _fold(value: object) -> object:
    return value.casefold() if isinstance(value, str) else value


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


def begin(conn: Connection) -> None:
    """``BEGIN IMMEDIATE``, refused once the vault's wipe has begun."""
    path = _guarded_path(conn)
    if path is not None:
        wipeguard.check(path)
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlcipher3.Error as exc:
        _raise_if_wiped(conn, exc)
        raise


def rollback(conn: Connection) -> None:
    if conn.in_transaction:
        conn.execute("ROLLBACK")


def commit(conn: Connection) -> None:
    """``COMMIT`` under the wipe gate (refused and rolled back once the wipe has begun)."""
    path = _guarded_path(conn)
    pause("db.commit")
    try:
        if path is None:
            conn.execute("COMMIT")
        else:
            with wipeguard.writing(path):
                conn.execute("COMMIT")
    except BaseException as exc:
        rollback(conn)
        _raise_if_wiped(conn, exc)
        raise


@contextmanager
def transaction(conn: Connection) -> Iterator[Connection]:
    """``BEGIN IMMEDIATE`` … ``COMMIT``; rolls back on any exception. Both ends are guarded.
    The app writes only inside these (``tests/vault/test_wipe_guard.py`` traces a whole session
    and fails on any write statement run outside a transaction)."""
    begin(conn)
    try:
        yield conn
    except BaseException as exc:
        rollback(conn)
        _raise_if_wiped(conn, exc)
        raise
    commit(conn)


@contextmanager
def writable(conn: Connection) -> Iterator[Connection]:
    """Writes outside a transaction (``ATTACH`` + ``sqlcipher_export`` for key rotation): the
    wipe is checked first, and the progress handler stops the work once it begins."""
    path = _guarded_path(conn)
    if path is not None:
        wipeguard.check(path)
    try:
        yield conn
    except sqlcipher3.Error as exc:
        _raise_if_wiped(conn, exc)
        raise


def new_session(conn: Connection) -> None:
    """Raise the session counter (at every unlock; see :func:`probe`)."""
    with transaction(conn):
        raw = get_meta(conn, META_SESSION)
        n = int.from_bytes(raw, "big") + 1 if raw else 1
        set_meta(conn, META_SESSION, n.to_bytes(8, "big"))


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
    """Fold the WAL into the database and truncate it (on lock and after deletes); guarded."""
    path = _guarded_path(conn)
    try:
        if path is None:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            with wipeguard.writing(path):
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlcipher3.Error as exc:
        _raise_if_wiped(conn, exc)
        raise


def integrity_problems(conn: Connection) -> list[str]:
    rows = conn.execute("PRAGMA integrity_check").fetchall()
    problems = [str(r[0]) for r in rows if r and r[0] != "ok"]
    rows = conn.execute("PRAGMA cipher_integrity_check").fetchall()
    problems += [str(r[0]) for r in rows if r and r[0]]
    return problems
