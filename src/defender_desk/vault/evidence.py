"""Evidence files: streamed in, age-encrypted to the vault's storage identity, verified.

Each file becomes ``objects/xx/<random>`` — no original name or extension on disk — encrypted
with pyrage's ``encrypt_io`` (bounded memory, other threads keep running) to the *storage
identity*, an X25519 key that lives only in the database and is never shown or exported. The
SHA-256 of the plaintext is computed while streaming. Order of work, so nothing is orphaned:
the object is written (atomically, through ``safewrite``) first, then its row is inserted; a
failure after the object was written removes it; objects without a row (a killed process) are
removed at the next unlock.

Reading back decrypts into memory (for viewing) or streams into a caller's writer (export);
both check the hash. Nothing here writes plaintext to disk.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import mimetypes
import os
import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import pyrage

from defender_desk import filenames, inputs, safewrite
from defender_desk.domain.models import Evidence, canonical_json
from defender_desk.errors import N_, Cancelled, DefenderDeskError, NotFound
from defender_desk.secret import Secret
from defender_desk.vault import db, history

Connection = Any
Progress = Callable[[int, int], None]  # (bytes done, total)
CHUNK = 1024 * 1024
META_STORAGE_IDENTITY = "storage_identity"


class EvidenceFileProblem(DefenderDeskError):
    """The file to import cannot be used; ``reason`` says why (never its content)."""

    message = N_("cannot import {path}: {reason}")


class EvidenceDamaged(DefenderDeskError):
    message = N_("the evidence file {id} is damaged: {reason}")
    exit_code = 5


def ensure_storage_identity(conn: Connection) -> None:
    if db.get_meta(conn, META_STORAGE_IDENTITY) is None:
        ident = pyrage.x25519.Identity.generate()
        with db.transaction(conn):
            db.set_meta(conn, META_STORAGE_IDENTITY, str(ident).encode("ascii"))


class _HashingReader:
    """Reads the source for ``encrypt_io``: hashes, counts, reports progress, honours cancel."""

    def __init__(
        self, f: IO[bytes], total: int, progress: Progress | None, cancel: Callable[[], bool] | None
    ) -> None:
        self.f, self.total, self.progress, self.cancel = f, total, progress, cancel
        self.sha = hashlib.sha256()
        self.done = 0
        self.error: BaseException | None = None

    def read(self, n: int = -1) -> bytes:
        # pyrage turns an exception raised here into a bare EncryptError: keep the real one.
        try:
            return self._read(n)
        except BaseException as exc:
            self.error = exc
            raise

    def _read(self, n: int) -> bytes:
        if self.cancel is not None and self.cancel():
            raise Cancelled()
        data = self.f.read(CHUNK if n is None or n < 0 else min(n, CHUNK))
        self.sha.update(data)
        self.done += len(data)
        if self.progress is not None:
            self.progress(self.done, self.total)
        return data

    def readable(self) -> bool:
        return True


class _ErrorKeepingWriter:
    """Passes writes on; remembers the error pyrage would otherwise flatten."""

    def __init__(self, out: Any) -> None:
        self.out = out
        self.error: BaseException | None = None

    def write(self, data: bytes) -> int:
        try:
            return int(self.out.write(data))
        except BaseException as exc:
            self.error = exc
            raise

    def flush(self) -> None:
        pass

    def writable(self) -> bool:
        return True


class _HashingWriter:
    """Receives decrypted plaintext; hashes it and passes it on (or keeps it in memory)."""

    def __init__(self, sink: Any | None, limit: int | None = None) -> None:
        self.sink = sink
        self.buf = io.BytesIO() if sink is None else None
        self.sha = hashlib.sha256()
        self.size = 0
        self.limit = limit

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.limit is not None and self.size > self.limit:
            raise OSError("more plaintext than the recorded size")
        self.sha.update(data)
        if self.buf is not None:
            self.buf.write(data)
        elif self.sink is not None:
            self.sink.write(data)
        return len(data)

    def flush(self) -> None:
        pass

    def writable(self) -> bool:
        return True


class EvidenceStore:
    def __init__(self, conn: Connection, objects: Path, clock: Callable[[], datetime]) -> None:
        self.conn = conn
        self.objects = objects
        self.clock = clock

    # -- keys ---------------------------------------------------------------------------------
    def _identity(self) -> Any:
        raw = db.get_meta(self.conn, META_STORAGE_IDENTITY)
        assert raw is not None
        with Secret(raw) as s:
            return pyrage.x25519.Identity.from_str(s.buffer.decode("ascii"))

    # -- import -------------------------------------------------------------------------------
    def add(
        self,
        untrusted_path: Path,
        incident_id: str | None,
        *,
        progress: Progress | None = None,
        cancel: Callable[[], bool] | None = None,
        on_written: Callable[[Evidence], None] | None = None,
    ) -> Evidence:
        """Import one file (a regular file only: a FIFO or a device is refused, never read).
        Raises :class:`EvidenceFileProblem`, :class:`StorageError`, :class:`Cancelled`; on any
        failure no object and no row remain.

        The name is kept in its display form (valid text, control characters as visible
        escapes, a Windows-1251 name read as Cyrillic) and, when that differs from the exact
        bytes, the exact bytes too (:mod:`defender_desk.filenames`)."""
        display, exact = filenames.name_parts(untrusted_path)
        try:
            f, st = inputs.open_regular(untrusted_path)
        except inputs.NotReadable as exc:
            raise EvidenceFileProblem(path=display, reason=exc.reason) from None
        with f:
            if st.st_size == 0:
                raise EvidenceFileProblem(path=display, reason=N_("the file is empty"))
            return self._store(
                f,
                st.st_size,
                display,
                incident_id,
                file_time=datetime.fromtimestamp(st.st_mtime, UTC),
                progress=progress,
                cancel=cancel,
                on_written=on_written,
                still_same=lambda: os.fstat(f.fileno()).st_size == st.st_size,
                exact_name=exact,
            )

    def add_stream(
        self,
        name: str,
        source: IO[bytes],
        size: int,
        incident_id: str | None,
        *,
        media_type: str | None = None,
        file_time: datetime | None = None,
        progress: Progress | None = None,
        cancel: Callable[[], bool] | None = None,
        on_written: Callable[[Evidence], None] | None = None,
    ) -> Evidence:
        """Import ``size`` bytes read from ``source`` (an in-memory buffer, a ZIP entry, a
        decrypting stream) under the display name ``name`` — no file on disk is involved."""
        if size <= 0:
            raise EvidenceFileProblem(path=name, reason=N_("the file is empty"))
        display = filenames.display_name(name)
        return self._store(
            source,
            size,
            display,
            incident_id,
            file_time=file_time,
            media_type=media_type,
            progress=progress,
            cancel=cancel,
            on_written=on_written,
            exact_name=None if display == name else filenames.exact_bytes(name, display),
        )

    def _store(
        self,
        f: IO[bytes],
        size: int,
        display: str,
        incident_id: str | None,
        *,
        file_time: datetime | None,
        media_type: str | None = None,
        progress: Progress | None,
        cancel: Callable[[], bool] | None,
        on_written: Callable[[Evidence], None] | None,
        still_same: Callable[[], bool] = lambda: True,
        exact_name: str | None = None,
    ) -> Evidence:
        evidence = self.encrypt_object(
            f,
            size,
            display,
            incident_id,
            file_time=file_time,
            media_type=media_type,
            progress=progress,
            cancel=cancel,
            still_same=still_same,
            exact_name=exact_name,
        )
        try:
            with db.transaction(self.conn):
                self.insert(evidence)
                if on_written is not None:
                    on_written(evidence)
        except BaseException:
            self.discard(evidence)
            raise
        return evidence

    def encrypt_object(
        self,
        f: IO[bytes],
        size: int,
        display: str,
        incident_id: str | None,
        *,
        file_time: datetime | None,
        media_type: str | None = None,
        progress: Progress | None = None,
        cancel: Callable[[], bool] | None = None,
        still_same: Callable[[], bool] = lambda: True,
        exact_name: str | None = None,
    ) -> Evidence:
        """First half of an import: stream ``size`` bytes of ``f`` into a new encrypted object
        and return its :class:`Evidence` — **no row yet**. The caller then calls
        :meth:`insert` inside its own transaction (with whatever else must commit with it), or
        :meth:`discard` on any failure. Used to import several objects and their parsed
        content in one transaction (chat exports)."""
        object_name = f"{secrets.token_hex(1)}/{secrets.token_hex(16)}"
        target = self.objects / object_name
        safewrite.ensure_private_dir(target.parent)
        reader = _HashingReader(f, size, progress, cancel)
        recipient = self._identity().to_public()
        with safewrite.atomic_stream(target, overwrite=False) as out:
            sink = _ErrorKeepingWriter(out)
            try:
                pyrage.encrypt_io(reader, sink, [recipient])
            except (pyrage.EncryptError, OSError, ValueError):
                for cause in (sink.error, reader.error):
                    if isinstance(cause, DefenderDeskError):
                        raise cause from None
                raise EvidenceFileProblem(
                    path=display, reason=N_("the file could not be read to the end")
                ) from None
            if reader.done != size or not still_same():
                raise EvidenceFileProblem(
                    path=display, reason=N_("the file changed while it was being imported")
                )
        try:
            media = media_type or mimetypes.guess_type(display)[0] or "application/octet-stream"
            return Evidence.model_validate_json(
                Evidence(
                    id=_new_id(),
                    incident_id=incident_id,
                    original_name=display,
                    original_name_bytes=exact_name,
                    media_type=media,
                    size=reader.done,
                    sha256=reader.sha.hexdigest(),
                    file_time=file_time,
                    added_at=self.clock(),
                    object_name=object_name,
                ).model_dump_json()
            )
        except BaseException:
            with contextlib.suppress(OSError):
                target.unlink()
            raise

    def insert(self, evidence: Evidence) -> None:
        """Second half of an import: the row and its history entry, inside the caller's
        transaction (see :meth:`encrypt_object`)."""
        self._write(evidence, "create")

    def discard(self, evidence: Evidence) -> None:
        """Remove the object of an import whose row was never committed."""
        with contextlib.suppress(OSError):
            (self.objects / evidence.object_name).unlink()

    def _write(self, evidence: Evidence, operation: str) -> None:
        data = canonical_json(evidence)
        self.conn.execute(
            "INSERT INTO evidence(id, incident_id, object_name, original_name, size, sha256,"
            " added_at, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET"
            " incident_id = excluded.incident_id, data = excluded.data",
            (
                evidence.id,
                evidence.incident_id,
                evidence.object_name,
                evidence.original_name,
                evidence.size,
                evidence.sha256,
                evidence.added_at.isoformat(),
                data.decode("utf-8"),
            ),
        )
        history.append(self.conn, "evidence", evidence.id, operation, data, self.clock())

    # -- reading ------------------------------------------------------------------------------
    def get(self, evidence_id: str) -> Evidence:
        row = self.conn.execute("SELECT data FROM evidence WHERE id = ?", (evidence_id,)).fetchone()
        if row is None:
            raise NotFound(kind=N_("evidence file"), id=evidence_id)
        return Evidence.model_validate_json(row[0])

    def listing(self, incident_id: str | None = None) -> list[Evidence]:
        if incident_id is None:
            rows = self.conn.execute("SELECT data FROM evidence ORDER BY added_at, id")
        else:
            rows = self.conn.execute(
                "SELECT data FROM evidence WHERE incident_id = ? ORDER BY added_at, id",
                (incident_id,),
            )
        return [Evidence.model_validate_json(r[0]) for r in rows]

    def read_bytes(self, evidence_id: str) -> bytes:
        """The whole plaintext in memory (for viewing), hash-checked."""
        evidence = self.get(evidence_id)
        writer = _HashingWriter(None, limit=evidence.size)
        self._decrypt(evidence, writer)
        assert writer.buf is not None
        return writer.buf.getvalue()

    def stream_to(self, evidence_id: str, sink: Any) -> Evidence:
        """Decrypt into ``sink`` (a writable file object), hash-checked at the end. On
        :class:`EvidenceDamaged` the caller must discard what it received."""
        evidence = self.get(evidence_id)
        self._decrypt(evidence, _HashingWriter(sink, limit=evidence.size))
        return evidence

    def _decrypt(self, evidence: Evidence, writer: _HashingWriter) -> None:
        path = self.objects / evidence.object_name
        try:
            with open(path, "rb") as f:
                pyrage.decrypt_io(f, writer, [self._identity()])
        except FileNotFoundError:
            raise EvidenceDamaged(
                id=evidence.id, reason=N_("its encrypted file is missing")
            ) from None
        except (pyrage.DecryptError, OSError, ValueError):
            raise EvidenceDamaged(id=evidence.id, reason=N_("it cannot be decrypted")) from None
        if writer.size != evidence.size or writer.sha.hexdigest() != evidence.sha256:
            raise EvidenceDamaged(id=evidence.id, reason=N_("its content does not match its hash"))

    # -- changes ------------------------------------------------------------------------------
    def attach(self, evidence_id: str, incident_id: str | None) -> Evidence:
        evidence = self.get(evidence_id)
        changed = Evidence.model_validate_json(
            evidence.model_copy(update={"incident_id": incident_id}).model_dump_json()
        )
        with db.transaction(self.conn):
            self._write(changed, "edit")
        return changed

    def delete(self, evidence_id: str) -> Evidence:
        evidence = self.get(evidence_id)
        with db.transaction(self.conn):
            self.conn.execute("DELETE FROM evidence WHERE id = ?", (evidence_id,))
            tomb = b'{"deleted":"' + evidence_id.encode() + b'"}'
            history.append(self.conn, "evidence", evidence_id, "delete", tomb, self.clock())
            history.purge(self.conn, evidence_id)
        with contextlib.suppress(FileNotFoundError):
            (self.objects / evidence.object_name).unlink()
        db.checkpoint(self.conn)
        return evidence

    # -- checks -------------------------------------------------------------------------------
    def verify(self, progress: Progress | None = None) -> list[history.Problem]:
        """Decrypt and re-hash every file; name each one that is missing or altered."""
        problems: list[history.Problem] = []
        items = self.listing()
        for n, evidence in enumerate(items, 1):
            try:
                self._decrypt(evidence, _HashingWriter(_Null(), limit=evidence.size))
            except EvidenceDamaged as exc:
                problems.append(
                    history.Problem(
                        N_("evidence: {id} ({name}): {reason}"),
                        {
                            "id": evidence.id,
                            "name": evidence.object_name,
                            "reason": exc.fields["reason"],
                        },
                    )
                )
            if progress is not None:
                progress(n, len(items))
        return problems

    def remove_orphans(self) -> int:
        """Delete objects that no row names (left by a killed import) and stale temp files."""
        if not self.objects.is_dir():
            return 0
        known = {r[0] for r in self.conn.execute("SELECT object_name FROM evidence")}
        removed = 0
        for sub in self.objects.iterdir():
            if not sub.is_dir():
                continue
            removed += safewrite.remove_stale_temps(sub)
            for obj in sub.iterdir():
                if f"{sub.name}/{obj.name}" not in known and not obj.name.startswith("."):
                    with contextlib.suppress(OSError):
                        obj.unlink()
                        removed += 1
        return removed


class _Null:
    def write(self, data: bytes) -> int:
        return len(data)


def _new_id() -> str:
    from defender_desk.vault.records import new_id

    return new_id("e")
