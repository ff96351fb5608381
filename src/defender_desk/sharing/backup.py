"""Backup and restore of the whole vault, as one age file for her recovery identity only.

**Backup.** Everything the vault holds — every table of the database (records, the history
chain, obligations, contacts, the export log, and the vault's keys in ``meta``: the storage
identity of evidence files and her sharing identity) and every evidence object (as stored:
already encrypted to the storage identity) — is streamed, in the container below, straight
into ``pyrage.encrypt_io`` with **one recipient: her recovery recipient** (``meta
recovery_recipient``, derived from the recovery code by
:func:`defender_desk.vault.recovery.backup_recipient`). She may hand the file to her lawyer for
safe keeping: he cannot read it. Nothing readable touches the disk; memory stays bounded.
The time of the last successful backup is kept in ``meta last_backup_at``.

Not in a backup: the vault's own header secrets (``vault_id``, ``header_generation``,
``recovery_kek``, ``recovery_recipient``, ``created_at``), which a restored vault makes anew,
and the full-text index, which is rebuilt.

**Restore** (:func:`restore`) takes the file, the recovery code and a new passphrase and builds
a new vault in a folder that is missing or empty (``store.create`` with the same recovery code,
so the code keeps opening it and its backups). The backup is decrypted as a stream: database
rows go into one transaction, evidence objects into place through ``safewrite``; only after the
last byte authenticated, every record and object hash matched, the history chain verified and
every evidence file decrypted to its recorded SHA-256 is the transaction committed. On any
failure everything written is removed and the folder is left as it was.

**Container** (inside the age encryption)::

    "defender-desk-backup-1\\n"
    record*   : "F" u16 name-length, name (UTF-8), chunk*, u32 0, SHA-256 of the record's data
      chunk   : u32 length (1…1 MiB), data
    end       : "Z" u32 number of records, SHA-256 of every byte before this digest

Records, in order: ``backup.json`` (format, versions, time, tables, counts, the history head),
``db/<table>.jsonl`` (a first line ``{"columns": […]}``, then one JSON array per row; a BLOB is
``{"b64": "…"}``), ``objects/<object name>`` (one per evidence file).

**What a restore can and cannot trust.** The backup is encrypted to her recovery *recipient*, a
public key that anyone who opened her database knows, and its hashes are unkeyed: whoever had
her database (and her coerced passphrase) can make a "backup" with an incident deleted or his own
receiving key planted, and it restores and verifies. No key kept in the database can help against
that. What helps is what he cannot change:

- :func:`inspect` (and :func:`restore`'s ``on_info``) reads ``backup.json`` — the first record —
  *before anything is written*: when the backup says it was made, its history head (sequence
  number and hash) and its counts, for her to compare with what she knows; ``made_before``
  refuses a backup made on or after a date she gives (the day of the search), with nothing
  written. After the whole backup is read, the head and the counts are checked against what was
  restored.
- After a restore she rotates every key (``rekey``): a key planted in the backup dies with it.
- Where her lawyer holds signed receipts of history heads he received (the court package),
  :func:`missing_witnessed_heads` says which of those heads the restored history does not
  contain (``restore(..., witnessed_heads=…)`` refuses such a backup and names the head).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import json
import re
import shutil
import struct
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import pyrage

from defender_desk import __version__, inputs, safewrite
from defender_desk.errors import (
    N_,
    Cancelled,
    DefenderDeskError,
    FolderProblem,
    NewerFormat,
    VaultDamaged,
    WrongSecret,
)
from defender_desk.paths import VaultPaths
from defender_desk.secret import Secret
from defender_desk.sharing import open_export
from defender_desk.sharing.export import encrypt_to_file, resolve_output
from defender_desk.vault import db, history, recovery, store
from defender_desk.vault.evidence import EvidenceStore
from defender_desk.vault.records import RecordStore

__all__ = [
    "META_LAST_BACKUP",
    "BackupDamaged",
    "BackupInfo",
    "BackupLacksWitnessedHead",
    "BackupNotYours",
    "BackupResult",
    "BackupTooNew",
    "RestoreResult",
    "backup",
    "inspect",
    "last_backup",
    "missing_witnessed_heads",
    "restore",
]

Connection = Any
Progress = Callable[[int, int], None]
MAGIC: Final = b"defender-desk-backup-1\n"
FORMAT: Final = "defender-desk-backup"
META_LAST_BACKUP: Final = "last_backup_at"
CHUNK: Final = 1 << 20
MAX_NAME: Final = 512
MAX_JSON_RECORD: Final = 1 << 20
# Meta keys that belong to one vault's header and are made anew by a restore.
NOT_BACKED_UP: Final = frozenset(
    {
        store.META_VAULT_ID,
        store.META_GENERATION,
        store.META_RECOVERY_KEK,
        store.META_RECOVERY_RECIPIENT,
        store.META_CREATED,
        db.META_SESSION,
    }
)
_OBJECT_NAME: Final = re.compile(r"[A-Za-z0-9_-]{1,64}(?:/[A-Za-z0-9_-]{1,64}){0,3}")
_TABLE_NAME: Final = re.compile(r"[a-z_][a-z0-9_]{0,63}")


class BackupDamaged(DefenderDeskError):
    message = N_("the backup cannot be restored: {reason}")
    exit_code = 1


class BackupNotYours(WrongSecret):
    message = N_("this backup was not made with this recovery code")
    hint = N_("compare the recovery code with the one you wrote down, digit by digit")


class BackupTooNew(DefenderDeskError):
    """``made_before`` refused the backup; nothing was written."""

    message = N_(
        "this backup says it was made on {made}, not before {limit}: it was not restored and"
        " nothing was written"
    )
    hint = N_("use a backup made before that date, for example one your lawyer kept")
    exit_code = 1


class BackupLacksWitnessedHead(DefenderDeskError):
    """The backup's history does not contain a head someone signed a receipt for."""

    message = N_(
        "this backup's history does not contain revision {seq} ({hash}) that was signed for"
        " earlier: it may have been altered; it was not restored"
    )
    exit_code = 1


@dataclass(frozen=True)
class BackupInfo:
    """What ``backup.json`` says — read before anything is written. Claims, not proof: see
    the module docstring."""

    created_at: datetime | None
    head_seq: int | None
    head_hash: str | None
    counts: dict[str, int]
    schema_version: int
    generator_version: str
    objects: int


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    created_at: datetime
    tables: int
    objects: int


@dataclass(frozen=True)
class RestoreResult:
    path: Path
    backup_created_at: str
    incidents: int
    people: int
    evidence: int
    revisions: int
    info: BackupInfo | None = None


#: The tables whose row counts a backup states (and a restore checks).
COUNTED = ("incidents", "people", "evidence", "revisions", "obligations", "contacts", "emergencies")


def _counts(conn: Connection, tables: list[str]) -> dict[str, int]:
    return {
        t: int(conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0])
        for t in COUNTED
        if t in tables
    }


def missing_witnessed_heads(
    conn: Connection, heads: Iterable[tuple[int, str | bytes]]
) -> list[tuple[int, str]]:
    """The witnessed history heads — ``(sequence number, hash)`` pairs someone signed a receipt
    for — that the history in ``conn`` does not contain (no revision with that number, or one
    with another hash). In the order given."""
    missing: list[tuple[int, str]] = []
    for seq, digest in heads:
        want = digest.hex() if isinstance(digest, bytes) else str(digest).lower()
        row = conn.execute("SELECT hash FROM revisions WHERE seq = ?", (int(seq),)).fetchone()
        if row is None or bytes(row[0]).hex() != want:
            missing.append((int(seq), want))
    return missing


def last_backup(conn: Connection) -> datetime | None:
    raw = db.get_meta(conn, META_LAST_BACKUP)
    if raw is None:
        return None
    try:
        return datetime.fromisoformat(raw.decode("ascii"))
    except ValueError:
        return None


# -- which tables ---------------------------------------------------------------------------


def _tables(conn: Connection) -> list[str]:
    """The tables a backup carries: every real table except SQLite's own, ``schema_version``,
    virtual tables (full-text indexes) and their shadow tables. In creation order."""
    rows = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY rowid"
    ).fetchall()
    virtual = [str(n) for n, sql in rows if str(sql or "").upper().startswith("CREATE VIRTUAL")]
    out: list[str] = []
    for raw_name, _sql in rows:
        name = str(raw_name)
        if name.startswith("sqlite_") or name == "schema_version" or name in virtual:
            continue
        if any(name.startswith(v + "_") for v in virtual):
            continue
        out.append(name)
    return out


def _columns(conn: Connection, table: str) -> list[str]:
    return [str(r[1]) for r in conn.execute(f'PRAGMA table_info("{table}")')]


# -- the stream -----------------------------------------------------------------------------


class _IterStream(io.RawIOBase):
    """A readable over an iterator of byte strings (for ``pyrage.encrypt_io``); like
    ``ZipReadStream``: check :attr:`complete` and :attr:`error` afterwards."""

    def __init__(self, pieces: Iterator[bytes | memoryview]) -> None:
        super().__init__()
        self._pieces = pieces
        self._pending = memoryview(b"")
        self.complete = False
        self.error: BaseException | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self.error is not None:
            raise self.error
        try:
            while not len(self._pending) and not self.complete:
                try:
                    self._pending = memoryview(next(self._pieces)).cast("B")
                except StopIteration:
                    self.complete = True
        except BaseException as exc:
            self.error = exc
            raise
        n = min(len(buffer), len(self._pending))
        memoryview(buffer).cast("B")[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n


def _encode_value(value: Any) -> Any:
    if isinstance(value, bytes | bytearray | memoryview):
        return {"b64": base64.b64encode(bytes(value)).decode("ascii")}
    return value


def _table_lines(conn: Connection, table: str) -> Iterator[bytes]:
    columns = _columns(conn, table)
    buf = bytearray(json.dumps({"columns": columns}).encode() + b"\n")
    cols = ", ".join(f'"{c}"' for c in columns)
    query = f'SELECT {cols} FROM "{table}"'
    if table == "meta":
        marks = ",".join("?" * len(NOT_BACKED_UP))
        query += f" WHERE key NOT IN ({marks})"
        rows = conn.execute(query, sorted(NOT_BACKED_UP))
    else:
        rows = conn.execute(query)
    for row in rows:
        buf += json.dumps([_encode_value(v) for v in row], ensure_ascii=False).encode("utf-8")
        buf += b"\n"
        if len(buf) >= CHUNK:
            yield bytes(buf)
            buf.clear()
    if buf:
        yield bytes(buf)


def _file_chunks(path: Path) -> Iterator[bytes]:
    try:
        with open(path, "rb") as f:
            while chunk := f.read(CHUNK):
                yield chunk
    except FileNotFoundError:
        raise VaultDamaged(what=N_("an evidence file is missing; run 'check'")) from None
    except OSError as exc:
        raise safewrite.storage_error(path, exc) from None


def _container(records: Iterable[tuple[str, Iterable[bytes]]]) -> Iterator[bytes | memoryview]:
    total = hashlib.sha256(MAGIC)
    yield MAGIC
    count = 0
    for name, chunks in records:
        raw = name.encode("utf-8")
        head = b"F" + struct.pack(">H", len(raw)) + raw
        total.update(head)
        yield head
        digest = hashlib.sha256()
        for data in chunks:
            view = memoryview(data)
            for i in range(0, len(view), CHUNK):
                piece = view[i : i + CHUNK]
                length = struct.pack(">I", len(piece))
                total.update(length)
                total.update(piece)
                digest.update(piece)
                yield length
                yield piece
        tail = struct.pack(">I", 0) + digest.digest()
        total.update(tail)
        yield tail
        count += 1
    end = b"Z" + struct.pack(">I", count)
    total.update(end)
    yield end + total.digest()


def backup(
    conn: Connection,
    paths: VaultPaths,
    *,
    clock: Callable[[], datetime],
    output: Path | None = None,
    progress: Progress | None = None,
    cancel: Callable[[], bool] | None = None,
) -> BackupResult:
    """Write a backup of the whole vault (see the module docstring); ``output`` is a file or a
    folder (a neutral name is made in it). Raises :class:`~defender_desk.errors.Cancelled`,
    :class:`~defender_desk.errors.StorageError`, ... — and then no file is left."""
    raw = db.get_meta(conn, store.META_RECOVERY_RECIPIENT)
    if raw is None:
        raise VaultDamaged(what=N_("the recovery recipient is missing"))
    recipient = raw.decode("ascii")
    now = clock()
    path = resolve_output(output, now)
    tables = _tables(conn)
    conn.execute("BEGIN")  # one consistent snapshot for the whole backup
    try:
        objects = [
            str(r[0]) for r in conn.execute("SELECT object_name FROM evidence ORDER BY object_name")
        ]
        total = sum(
            (paths.objects / name).stat().st_size
            for name in objects
            if (paths.objects / name).exists()
        )
        page = (
            int(conn.execute("PRAGMA page_count").fetchone()[0])
            * int(conn.execute("PRAGMA page_size").fetchone()[0])  # sqlcipher3 gives a str
        )
        total += int(page)
        done = 0

        def counted(chunks: Iterable[bytes]) -> Iterator[bytes]:
            nonlocal done
            for chunk in chunks:
                if cancel is not None and cancel():
                    raise Cancelled()
                done += len(chunk)
                if progress is not None:
                    progress(min(done, total), total)
                yield chunk

        info = {
            "format": FORMAT,
            "version": 1,
            "generator": {"name": "Defender Desk", "version": __version__},
            "schema_version": db.schema_version(conn),
            "created_at": history.timestamp(now),
            "tables": tables,
            "objects": len(objects),
            "counts": _counts(conn, tables),
            "head": {"seq": history.head(conn)[0], "hash": history.head(conn)[1].hex()},
        }

        def records() -> Iterator[tuple[str, Iterable[bytes]]]:
            yield "backup.json", [json.dumps(info, indent=2).encode()]
            for table in tables:
                yield f"db/{table}.jsonl", counted(_table_lines(conn, table))
            for name in objects:
                yield f"objects/{name}", counted(_file_chunks(paths.objects / name))

        stream = _IterStream(_container(records()))
        size = encrypt_to_file(stream, path, [recipient])
    finally:
        conn.execute("ROLLBACK")
    with db.transaction(conn):
        db.set_meta(conn, META_LAST_BACKUP, now.astimezone(UTC).isoformat().encode("ascii"))
    if progress is not None:
        progress(total, total)
    return BackupResult(path, size, now, len(tables), len(objects))


# -- restore --------------------------------------------------------------------------------


class _Parser:
    """A writable that parses the container as pyrage pushes the plaintext into it."""

    def __init__(self, on_record: Callable[[str], _Record]) -> None:
        self.on_record = on_record
        self.buf = bytearray()
        self.total = hashlib.sha256()
        self.state = "magic"
        self.need = len(MAGIC)
        self.record: _Record | None = None
        self.record_hash = hashlib.sha256()
        self.remaining = 0
        self.count = 0
        self.error: BaseException | None = None

    def write(self, data: bytes) -> int:
        if self.error is not None:
            raise self.error
        try:
            self.buf += data
            while self._step():
                pass
        except BaseException as exc:
            self.error = exc
            raise
        return len(data)

    def flush(self) -> None:
        pass

    def writable(self) -> bool:
        return True

    def _take(self, n: int, *, hashed: bool = True) -> bytes:
        out = bytes(self.buf[:n])
        del self.buf[:n]
        if hashed:
            self.total.update(out)
        return out

    def _step(self) -> bool:
        if self.state == "chunk":
            if not self.buf:
                return False
            piece = self._take(min(len(self.buf), self.remaining))
            self.remaining -= len(piece)
            self.record_hash.update(piece)
            assert self.record is not None
            self.record.data(piece)
            if not self.remaining:
                self.state = "length"
            return True
        if self.state == "done":
            if self.buf:
                raise BackupDamaged(reason=N_("it has data after its end"))
            return False
        if len(self.buf) < self._needed():
            return False
        if self.state == "magic":
            if self._take(len(MAGIC)) != MAGIC:
                raise BackupDamaged(reason=N_("it is not a Defender Desk backup"))
            self.state = "tag"
        elif self.state == "tag":
            tag = self._take(1)
            if tag == b"F":
                self.state = "name"
            elif tag == b"Z":
                self.state = "end"
            else:
                raise BackupDamaged(reason=N_("it is damaged"))
        elif self.state == "name":
            (length,) = struct.unpack(">H", bytes(self.buf[:2]))
            if not 0 < length <= MAX_NAME:
                raise BackupDamaged(reason=N_("it is damaged"))
            if len(self.buf) < 2 + length:
                return False
            self._take(2)
            try:
                name = self._take(length).decode("utf-8")
            except UnicodeDecodeError:
                raise BackupDamaged(reason=N_("it is damaged")) from None
            self.record = self.on_record(name)
            self.record_hash = hashlib.sha256()
            self.state = "length"
        elif self.state == "length":
            (length,) = struct.unpack(">I", self._take(4))
            if length > CHUNK:
                raise BackupDamaged(reason=N_("it is damaged"))
            if length:
                self.remaining, self.state = length, "chunk"
            else:
                self.state = "digest"
        elif self.state == "digest":
            if self._take(32) != self.record_hash.digest():
                raise BackupDamaged(reason=N_("a part of it does not match its hash"))
            assert self.record is not None
            self.record.end()
            self.record = None
            self.count += 1
            self.state = "tag"
        elif self.state == "end":
            (count,) = struct.unpack(">I", self._take(4))
            expected = self.total.digest()
            if count != self.count or self._take(32, hashed=False) != expected:
                raise BackupDamaged(reason=N_("it does not match its hash"))
            self.state = "done"
        return True

    def _needed(self) -> int:
        return {
            "magic": len(MAGIC),
            "tag": 1,
            "name": 2,
            "length": 4,
            "digest": 32,
            "end": 36,
        }[self.state]

    def finish(self) -> None:
        if self.state != "done" or self.buf:
            raise BackupDamaged(reason=N_("it is incomplete"))


class _Record:
    def data(self, piece: bytes) -> None:
        raise NotImplementedError

    def end(self) -> None:
        raise NotImplementedError

    def abort(self) -> None:
        """Called when the restore fails while this record is open."""


class _JsonRecord(_Record):
    def __init__(self, done: Callable[[bytes], None]) -> None:
        self.buf = bytearray()
        self.done = done

    def data(self, piece: bytes) -> None:
        self.buf += piece
        if len(self.buf) > MAX_JSON_RECORD:
            raise BackupDamaged(reason=N_("it is damaged"))

    def end(self) -> None:
        self.done(bytes(self.buf))


class _TableRecord(_Record):
    """Inserts rows as their lines arrive."""

    def __init__(self, restorer: _Restorer, table: str) -> None:
        self.r, self.table = restorer, table
        self.partial = bytearray()
        self.columns: list[str] | None = None
        self.sql = ""
        self.rows = 0

    def data(self, piece: bytes) -> None:
        self.partial += piece
        while (nl := self.partial.find(b"\n")) >= 0:
            line = bytes(self.partial[:nl])
            del self.partial[: nl + 1]
            self._line(line)
        if len(self.partial) > 64 * CHUNK:
            raise BackupDamaged(reason=N_("it is damaged"))

    def _line(self, line: bytes) -> None:
        try:
            value = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise BackupDamaged(reason=N_("a table in it is damaged")) from None
        if self.columns is None:
            cols = value.get("columns") if isinstance(value, dict) else None
            if not isinstance(cols, list) or not all(isinstance(c, str) for c in cols):
                raise BackupDamaged(reason=N_("a table in it is damaged"))
            self.columns = self.r.prepare_table(self.table, cols)
            names = ", ".join(f'"{c}"' for c in self.columns)
            marks = ", ".join("?" * len(self.columns))
            self.sql = f'INSERT INTO "{self.table}" ({names}) VALUES ({marks})'
            if self.table == "meta":
                self.sql += " ON CONFLICT(key) DO UPDATE SET value = excluded.value"
            return
        if not isinstance(value, list) or len(value) != len(self.columns):
            raise BackupDamaged(reason=N_("a table in it is damaged"))
        row = [_decode_value(v) for v in value]
        if self.table == "meta" and row[self.columns.index("key")] in NOT_BACKED_UP:
            return
        try:
            self.r.conn.execute(self.sql, row)
        except Exception:  # noqa: BLE001 - sqlcipher3's errors: a row that does not fit
            raise BackupDamaged(reason=N_("a table in it does not fit this version")) from None
        self.rows += 1

    def end(self) -> None:
        if self.partial or self.columns is None:
            raise BackupDamaged(reason=N_("a table in it is damaged"))
        self.r.row_counts[self.table] = self.rows


class _ObjectRecord(_Record):
    def __init__(self, target: Path) -> None:
        safewrite.ensure_private_dir(target.parent)
        self.out = safewrite.AtomicFile(target, overwrite=False)

    def data(self, piece: bytes) -> None:
        self.out.write(piece)

    def end(self) -> None:
        self.out.commit()

    def abort(self) -> None:
        self.out.discard()


def _decode_value(value: Any) -> Any:
    if isinstance(value, dict):
        b64 = value.get("b64")
        if not isinstance(b64, str) or len(value) != 1:
            raise BackupDamaged(reason=N_("a table in it is damaged"))
        try:
            return base64.b64decode(b64, validate=True)
        except ValueError:
            raise BackupDamaged(reason=N_("a table in it is damaged")) from None
    if isinstance(value, list):
        raise BackupDamaged(reason=N_("a table in it is damaged"))
    return value


class _StopAfterInfo(Exception):
    """Raised by :func:`inspect` once ``backup.json`` is read: nothing more is needed."""


def _parse_info(raw: bytes) -> tuple[dict[str, Any], BackupInfo]:
    try:
        info = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise BackupDamaged(reason=N_("it is damaged")) from None
    if not isinstance(info, dict) or info.get("format") != FORMAT or info.get("version") != 1:
        raise BackupDamaged(reason=N_("it is not a Defender Desk backup"))
    tables = info.get("tables")
    if not isinstance(tables, list) or not all(
        isinstance(t, str) and _TABLE_NAME.fullmatch(t) for t in tables
    ):
        raise BackupDamaged(reason=N_("it is damaged"))
    schema = info.get("schema_version")
    if not isinstance(schema, int) or schema > db.latest_version():
        raise NewerFormat(found=schema)
    created: datetime | None
    try:
        created = datetime.fromisoformat(str(info.get("created_at")))
        if created.tzinfo is None:
            created = created.replace(tzinfo=UTC)
    except ValueError:
        created = None
    head = info.get("head")
    seq = head.get("seq") if isinstance(head, dict) else None
    digest = head.get("hash") if isinstance(head, dict) else None
    counts = info.get("counts")
    if not isinstance(counts, dict) or not all(
        isinstance(k, str) and isinstance(v, int) and v >= 0 for k, v in counts.items()
    ):
        counts = {}
    generator = info.get("generator")
    version = generator.get("version") if isinstance(generator, dict) else None
    objects = info.get("objects")
    return info, BackupInfo(
        created_at=created,
        head_seq=seq if isinstance(seq, int) and seq >= 0 else None,
        head_hash=digest
        if isinstance(digest, str) and re.fullmatch(r"[0-9a-f]{64}", digest)
        else None,
        counts=dict(counts),
        schema_version=schema,
        generator_version=version if isinstance(version, str) else "",
        objects=objects if isinstance(objects, int) else 0,
    )


class _Restorer:
    """Receives the records: reads ``backup.json`` (and lets the caller look at it, and
    refuses a backup made too late) before it creates the vault at the next one, fills it."""

    def __init__(
        self,
        paths: VaultPaths,
        code: str,
        passphrase: Secret,
        clock: Callable[[], datetime],
        *,
        made_before: datetime | None = None,
        on_info: Callable[[BackupInfo], None] | None = None,
        info_only: bool = False,
    ) -> None:
        self.paths, self.code, self.passphrase, self.clock = paths, code, passphrase, clock
        self.made_before, self.on_info, self.info_only = made_before, on_info, info_only
        self.vault: store.OpenVault | None = None
        self.info: dict[str, Any] | None = None
        self.summary: BackupInfo | None = None
        self.current: _Record | None = None
        self.seen: set[str] = set()
        self.row_counts: dict[str, int] = {}
        self.objects = 0
        self.in_transaction = False

    @property
    def conn(self) -> Connection:
        assert self.vault is not None
        return self.vault.conn

    def on_record(self, name: str) -> _Record:
        if name in self.seen:
            raise BackupDamaged(reason=N_("a part of it appears twice"))
        self.seen.add(name)
        if self.info is None:
            if name != "backup.json" or self.summary is not None:
                raise BackupDamaged(reason=N_("it is not a Defender Desk backup"))
            self.current = _JsonRecord(self._info)
        elif name.startswith("db/") and name.endswith(".jsonl"):
            table = name[3:-6]
            if table not in self.info["tables"]:
                raise BackupDamaged(reason=N_("it is damaged"))
            self.current = _TableRecord(self, table)
        elif name.startswith("objects/") and _OBJECT_NAME.fullmatch(name[8:]):
            self.objects += 1
            self.current = _ObjectRecord(self.paths.objects / name[8:])
        else:
            raise BackupDamaged(reason=N_("it holds a part this version does not know"))
        return self.current

    def _info(self, raw: bytes) -> None:
        info, summary = _parse_info(raw)
        self.summary = summary
        if self.on_info is not None:
            self.on_info(summary)
        if self.made_before is not None:
            limit = self.made_before
            if summary.created_at is None or summary.created_at >= limit:
                made = "?" if summary.created_at is None else summary.created_at.isoformat()
                raise BackupTooNew(made=made, limit=limit.isoformat())
        if self.info_only:
            raise _StopAfterInfo()
        self.info = info
        created = store.create(self.paths, self.passphrase, recovery_code=self.code)
        self.vault = created.vault
        existing = set(_tables(self.conn))
        for t in info["tables"]:
            if t not in existing:
                raise BackupDamaged(reason=N_("a table in it does not fit this version"))
        self.conn.execute("PRAGMA foreign_keys = OFF")
        db.begin(self.conn)
        self.in_transaction = True

    def prepare_table(self, table: str, columns: list[str]) -> list[str]:
        have = set(_columns(self.conn, table))
        if not columns or any(c not in have for c in columns):
            raise BackupDamaged(reason=N_("a table in it does not fit this version"))
        return columns

    def finish(self, witnessed_heads: Iterable[tuple[int, str | bytes]] = ()) -> RestoreResult:
        assert self.info is not None and self.vault is not None and self.summary is not None
        conn = self.conn
        if set(self.info["tables"]) != set(self.row_counts):
            raise BackupDamaged(reason=N_("it is incomplete"))
        if self.objects != self.info.get("objects"):
            raise BackupDamaged(reason=N_("it is incomplete"))
        if conn.execute("PRAGMA foreign_key_check").fetchall():
            raise BackupDamaged(reason=N_("its records do not fit together"))
        problems = history.verify(conn)
        if problems:
            raise BackupDamaged(reason=N_("its history chain does not verify"))
        # What backup.json said (and was shown before anything was written) must be true.
        seq, digest = history.head(conn)
        summary = self.summary
        if (summary.head_seq is not None and summary.head_seq != seq) or (
            summary.head_hash is not None and summary.head_hash != digest.hex()
        ):
            raise BackupDamaged(reason=N_("it does not hold what it says it holds"))
        if summary.counts and summary.counts != _counts(conn, list(self.info["tables"])):
            raise BackupDamaged(reason=N_("it does not hold what it says it holds"))
        for missing_seq, missing_hash in missing_witnessed_heads(conn, witnessed_heads):
            raise BackupLacksWitnessedHead(seq=missing_seq, hash=missing_hash)
        try:  # the overview then says when the backup she restored was made
            made = datetime.fromisoformat(str(self.info.get("created_at")))
            db.set_meta(conn, META_LAST_BACKUP, made.astimezone(UTC).isoformat().encode())
        except ValueError:
            pass
        db.commit(conn)
        self.in_transaction = False
        conn.execute("PRAGMA foreign_keys = ON")
        records = RecordStore(conn, self.clock)
        ids = [str(r[0]) for r in conn.execute("SELECT id FROM incidents ORDER BY id")]
        with db.transaction(conn):
            conn.execute("DELETE FROM incident_search")
            for incident_id in ids:
                records.reindex(incident_id)
        if records.consistency_problems():
            raise BackupDamaged(reason=N_("its records differ from their history"))
        evidence = EvidenceStore(conn, self.paths.objects, self.clock)
        if evidence.verify():
            raise BackupDamaged(reason=N_("an evidence file in it does not match its hash"))
        db.checkpoint(conn)

        def count(table: str) -> int:
            return int(conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])

        return RestoreResult(
            path=self.paths.root,
            backup_created_at=str(self.info.get("created_at", "")),
            incidents=count("incidents"),
            people=count("people"),
            evidence=count("evidence"),
            revisions=count("revisions"),
            info=self.summary,
        )

    def abort(self) -> None:
        if self.current is not None:
            with contextlib.suppress(Exception):
                self.current.abort()
        if self.vault is not None:
            if self.in_transaction:
                with contextlib.suppress(Exception):
                    db.rollback(self.conn)
            with contextlib.suppress(Exception):
                self.vault.close()
            self.vault = None


class _CountingReader:
    def __init__(self, f: io.BufferedReader, total: int, progress: Progress | None) -> None:
        self.f, self.total, self.progress, self.done = f, total, progress, 0

    def read(self, n: int = -1) -> bytes:
        data = self.f.read(n)
        self.done += len(data)
        if self.progress is not None:
            self.progress(self.done, self.total)
        return data

    def readable(self) -> bool:
        return True


def _folder_state(paths: VaultPaths) -> set[str] | None:
    """None if the folder is missing, else the names already in it — only the settings, the
    backup-exclusion markers and a lock file are accepted (a pending wipe is finished first)."""
    root = paths.root
    if not root.exists() and not root.is_symlink():
        return None
    if not root.is_dir():
        raise FolderProblem(path=str(root), reason=N_("it is not a folder"))
    store.finish_pending_wipe(paths)
    names = {p.name for p in root.iterdir()}
    if names - store.FOLDER_FILES:
        raise FolderProblem(
            path=str(root), reason=N_("it is not empty; restore into a new or empty folder")
        )
    return names


def _clean_up(root: Path, before: set[str] | None) -> None:
    if before is None:
        shutil.rmtree(root, ignore_errors=True)
        return
    for child in list(root.iterdir()) if root.is_dir() else []:
        if child.name in before:
            continue
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                child.unlink()


def _open_backup(backup_file: Path) -> tuple[io.BufferedReader, int]:
    """The backup file, a regular file only (a FIFO or a device is refused, never read)."""
    try:
        f, st = inputs.open_regular(backup_file)
    except inputs.NotReadable as exc:
        raise BackupDamaged(reason=exc.reason) from None
    return f, st.st_size  # type: ignore[return-value]


def _decrypt(
    f: io.BufferedReader,
    total: int,
    key: Any,
    restorer: _Restorer,
    parser: _Parser,
    progress: Progress | None,
) -> None:
    head = f.read(open_export.MAX_HEADER + 4096)
    header = open_export.parse_header(head)
    if header.has_scrypt:
        raise open_export.PassphraseRefused()
    f.seek(0)
    try:
        pyrage.decrypt_io(_CountingReader(f, total, progress), parser, [key])
    except Exception as exc:  # noqa: BLE001 - pyrage flattens errors into text
        if parser.error is not None:
            raise parser.error from None
        text = str(exc)
        if isinstance(exc, pyrage.DecryptError) and "No matching keys" in text:
            raise BackupNotYours() from None
        if isinstance(exc, pyrage.DecryptError) and "Header MAC" in text:
            raise open_export.AgeHeaderTampered() from None
        if isinstance(exc, pyrage.DecryptError) and restorer.summary is None:
            raise open_export.AgeHeaderInvalid() from None
        raise open_export.AgePayloadDamaged() from None


def _backup_key(code_secret: Secret) -> Any:
    identity_text = recovery.backup_identity(code_secret)
    try:
        return pyrage.x25519.Identity.from_str(identity_text)
    finally:
        del identity_text


def inspect(backup_file: Path, recovery_code: str) -> BackupInfo:
    """What the backup says about itself (``backup.json``, its first record): read and
    decrypted only that far; nothing is written. Raises like :func:`restore`."""
    with recovery.to_secret(recovery_code) as code_secret:
        key = _backup_key(code_secret)
    f, total = _open_backup(Path(backup_file))
    restorer = _Restorer(
        VaultPaths(Path(".")), "", Secret(b"-"), lambda: datetime.now(UTC), info_only=True
    )
    parser = _Parser(restorer.on_record)
    with f:
        try:
            _decrypt(f, total, key, restorer, parser, None)
        except _StopAfterInfo:
            pass
    if restorer.summary is None:
        raise BackupDamaged(reason=N_("it is incomplete"))
    return restorer.summary


def restore(
    backup_file: Path,
    vault_dir: Path,
    recovery_code: str,
    new_passphrase: Secret,
    *,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    progress: Progress | None = None,
    made_before: datetime | None = None,
    on_info: Callable[[BackupInfo], None] | None = None,
    witnessed_heads: Iterable[tuple[int, str | bytes]] = (),
) -> RestoreResult:
    """Build a new vault in ``vault_dir`` (missing or empty) from ``backup_file``.

    ``on_info`` is called with what the backup says about itself before anything is written
    (it may raise to stop); ``made_before`` (aware) refuses a backup made at or after it
    (:class:`BackupTooNew`, nothing written); ``witnessed_heads`` refuses a backup whose history
    lacks one of them (:class:`BackupLacksWitnessedHead`).

    Raises :class:`~defender_desk.errors.RecoveryCodeInvalid` (a typo, before any slow work),
    :class:`BackupNotYours` (the code does not open this backup),
    :class:`~defender_desk.errors.FolderProblem` (the folder is not empty), the
    :class:`~defender_desk.sharing.open_export.AgeFileRefused` family (not an age file, damaged),
    :class:`BackupDamaged`. On failure the folder is left as it was.
    """
    paths = VaultPaths(Path(vault_dir))
    with recovery.to_secret(recovery_code) as code_secret:
        code = recovery.format_code(code_secret.buffer.decode("ascii"))
        key = _backup_key(code_secret)
    if not new_passphrase:
        from defender_desk.errors import EmptyPassphrase

        raise EmptyPassphrase()
    before = _folder_state(paths)
    f, total = _open_backup(Path(backup_file))
    restorer = _Restorer(
        paths, code, new_passphrase, clock, made_before=made_before, on_info=on_info
    )
    parser = _Parser(restorer.on_record)
    try:
        with f:
            _decrypt(f, total, key, restorer, parser, progress)
        parser.finish()
        if restorer.info is None:  # pragma: no cover - finish() refuses an empty stream
            raise BackupDamaged(reason=N_("it is incomplete"))
        result = restorer.finish(witnessed_heads)
    except BaseException:
        restorer.abort()
        _clean_up(paths.root, before)
        raise
    assert restorer.vault is not None
    restorer.vault.close()
    return result
