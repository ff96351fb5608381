"""Chats: a messenger export kept as evidence and its messages as a timeline she can search.

**Import** (:meth:`ChatStore.import_export`), all or nothing:

1. The export is opened once and its format found (a WhatsApp ``.txt`` or ``.zip``, a Telegram
   Desktop ``result.json`` or its folder).
2. *Pass one* streams the export file into a new encrypted evidence object (no row yet) and,
   on the way, checks it whole: a WhatsApp text is scanned for its shape and date order, a
   Telegram JSON is parsed and the media files its messages name are collected. A WhatsApp
   ``.zip`` is checked with the project's hostile-ZIP reader and its chat text scanned.
   Telegram media files named by the messages and present in the export's folder are then
   encrypted too, each its own evidence object.
3. One transaction: the evidence rows, the chat row, and *pass two* — the export read again and
   parsed, each message inserted with its place in the file (WhatsApp: line, byte offset and
   length of its lines in the chat text; Telegram: index in ``messages`` and message id) and
   indexed for search. Pass two hashes what it reads and must find the hash of pass one (for a
   ``.zip``, whose chat text is read from inside, the file must be the same size and age as in
   pass one and each entry's CRC must match). Then the chat's record goes into the history
   chain. Any failure — a refusal, a cancel, a full disk — rolls the transaction back and
   removes the objects: nothing is half-imported.

Memory stays bounded: both passes read 1 MiB chunks and hold at most one line or one message
(4 MiB for WhatsApp, 16 MiB for Telegram) and 500 pending rows.

**Search** uses the chat's own full-text index (``chat_search``: FTS5, ``unicode61`` words,
contentless), apart from the incidents' search: each word of the query must begin a word of the
message (case-insensitive in Russian and Kazakh). Words, not trigrams: a 200 MB chat indexes
several times faster and smaller; the price is no match in the middle of a word.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import IO, Any

from defender_desk import inputs
from defender_desk.errors import N_, Cancelled, DefenderDeskError, InvalidInput, NotFound
from defender_desk.phone import telegram, whatsapp
from defender_desk.phone.errors import (
    ChatLineRefused,
    ChatMessageRefused,
    ChatRefused,
    MessagesNotFound,
    UnknownChatFormat,
)
from defender_desk.phone.identifiers import normalise
from defender_desk.phone.model import ParsedMessage
from defender_desk.sharing.zipstream import SafeZipReader, ZipLimits, ZipRefused
from defender_desk.vault import db, history
from defender_desk.vault.evidence import EvidenceFileProblem, EvidenceStore, Progress

Connection = Any
CHUNK = 1024 * 1024
BATCH = 500
#: The largest chat text (WhatsApp) or result.json (Telegram) accepted.
MAX_CHAT_BYTES = 1024 * 1024 * 1024
#: The most media files imported with one Telegram export.
MAX_FILES = 10_000
#: Distinct senders remembered in the chat's summary (a broadcast group may have thousands).
MAX_SENDERS = 1_000
FORMATS = ("whatsapp", "telegram")
_SKIP_NAMES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})


@dataclass(frozen=True)
class Sender:
    name: str
    key: str | None
    count: int


@dataclass(frozen=True)
class Chat:
    id: str
    format: str
    title: str
    evidence_id: str
    imported_at: str
    message_count: int
    first_at: str | None
    last_at: str | None
    variant: str
    entry: str | None
    senders: list[Sender]
    files: dict[str, str] = field(default_factory=dict)  # path in the export -> evidence id

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "format": self.format,
            "title": self.title,
            "evidence_id": self.evidence_id,
            "imported_at": self.imported_at,
            "message_count": self.message_count,
            "first_at": self.first_at,
            "last_at": self.last_at,
            "variant": self.variant,
            "entry": self.entry,
            "senders": [{"name": s.name, "key": s.key, "count": s.count} for s in self.senders],
            "files": dict(self.files),
        }


@dataclass(frozen=True)
class ChatMessage:
    """One message and where it sits in the original export (``source``)."""

    chat_id: str
    seq: int
    sent_at: str
    sender: str
    sender_key: str | None
    kind: str
    text: str
    attachments: list[str]
    evidence_id: str
    source: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "sent_at": self.sent_at,
            "sender": self.sender,
            "text": self.text,
            "attachments": list(self.attachments),
            "kind": self.kind,
            "sender_key": self.sender_key,
            "source": {"evidence_id": self.evidence_id, **self.source},
        }


@dataclass
class _Plan:
    fmt: str
    kind: str  # text | zip | json
    display: str
    file: IO[bytes]
    size: int
    mtime: datetime
    media_type: str
    title: str
    folder: Path | None = None  # Telegram: where the media paths start
    zip: SafeZipReader | None = None
    entry: int | None = None
    entry_name: str | None = None


def _canonical(data: dict[str, Any]) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _display(path: Path) -> str:
    raw = os.fsencode(path.name)
    return raw.decode("utf-8", "replace") or "?"


class _Tee:
    """A reader for the encryption pass that also feeds a checker and counts progress."""

    def __init__(self, f: IO[bytes], check: Callable[[bytes], None] | None) -> None:
        self.f = f
        self.check = check

    def read(self, n: int = -1) -> bytes:
        data = self.f.read(CHUNK if n is None or n < 0 else min(n, CHUNK))
        if data and self.check is not None:
            self.check(data)
        return data

    def readable(self) -> bool:
        return True


class ChatStore:
    def __init__(
        self, conn: Connection, evidence: EvidenceStore, clock: Callable[[], datetime]
    ) -> None:
        self.conn = conn
        self.evidence = evidence
        self.clock = clock

    # -- import -------------------------------------------------------------------------------
    def import_export(
        self,
        untrusted_path: Path,
        fmt: str | None = None,
        *,
        progress: Progress | None = None,
        cancel: Callable[[], bool] | None = None,
    ) -> Chat:
        """Import a chat export (see the module's docstring). Raises :class:`ChatRefused`
        (and its line / message variants), :class:`UnknownChatFormat`,
        :class:`EvidenceFileProblem`, :class:`Cancelled`, :class:`StorageError`."""
        if fmt is not None and fmt not in FORMATS:
            raise InvalidInput(field="format", reason=N_("use whatsapp or telegram"))
        with contextlib.ExitStack() as stack:
            plan = self._plan(Path(untrusted_path), fmt, stack)
            return self._import(plan, progress, cancel)
        raise AssertionError("unreachable")  # pragma: no cover

    def _import(
        self, plan: _Plan, progress: Progress | None, cancel: Callable[[], bool] | None
    ) -> Chat:
        refuse = _Refuser(plan.display)
        st = os.fstat(plan.file.fileno())
        media_paths: dict[str, None] = {}
        scanner: whatsapp.Scanner | None = None
        checker: Callable[[bytes], None] | None = None
        if plan.kind == "text":
            scanner = whatsapp.Scanner()
            checker = refuse.wrap(scanner.feed)
        elif plan.kind == "json":

            def collect(message: ParsedMessage) -> None:
                for name in message.attachments:
                    if len(media_paths) < MAX_FILES and _safe_relative(name):
                        media_paths[name] = None

            json_scan = telegram.StreamParser(collect)
            checker = refuse.wrap(json_scan.feed)
        total_work = plan.size * 2
        done_before = 0

        def step(done: int, _total: int) -> None:
            if progress is not None:
                progress(min(done_before + done, total_work), total_work)

        def unchanged() -> bool:
            now = os.fstat(plan.file.fileno())
            return (now.st_size, now.st_mtime_ns) == (st.st_size, st.st_mtime_ns)

        pending = []
        try:
            plan.file.seek(0)
            main = self.evidence.encrypt_object(
                _Tee(plan.file, checker),  # type: ignore[arg-type]
                plan.size,
                plan.display,
                None,
                file_time=plan.mtime,
                media_type=plan.media_type,
                progress=step,
                cancel=cancel,
                still_same=unchanged,
            )
            pending.append(main)
            done_before = plan.size
            shape: whatsapp.Shape | None = None
            order: whatsapp.DateOrder | None = None
            if scanner is not None:
                shape, order = refuse.call(scanner.finish)
            elif plan.kind == "zip":
                shape, order = self._scan_zip(plan, refuse, cancel)
            elif plan.kind == "json":
                refuse.call(json_scan.finish)
            files: dict[str, Any] = {}
            if plan.folder is not None:
                for rel in media_paths:
                    ev = self._import_media(plan.folder, rel, cancel)
                    if ev is not None:
                        pending.append(ev)
                        files[rel] = ev
            with db.transaction(self.conn):
                for ev in pending:
                    self.evidence.insert(ev)
                chat = self._insert(plan, main, shape, order, files, refuse, step, cancel)
                if not unchanged():
                    raise EvidenceFileProblem(
                        path=plan.display,
                        reason=N_("the file changed while it was being imported"),
                    )
            return chat
        except BaseException:
            for ev in pending:
                self.evidence.discard(ev)
            raise

    def _scan_zip(
        self, plan: _Plan, refuse: _Refuser, cancel: Callable[[], bool] | None
    ) -> tuple[whatsapp.Shape, whatsapp.DateOrder]:
        scanner = whatsapp.Scanner()
        for chunk in self._entry_chunks(plan, refuse):
            if cancel is not None and cancel():
                raise Cancelled()
            refuse.call(scanner.feed, chunk)
        shape, order = refuse.call(scanner.finish)
        return shape, order

    def _entry_chunks(self, plan: _Plan, refuse: _Refuser) -> Iterator[bytes]:
        assert plan.zip is not None and plan.entry is not None
        try:
            yield from plan.zip.iter_chunks(plan.entry, chunk_size=CHUNK)
        except ZipRefused as exc:
            raise ChatRefused(path=plan.display, reason=exc.reason) from None

    def _import_media(
        self, folder: Path, rel: str, cancel: Callable[[], bool] | None
    ) -> Any | None:
        path = folder.joinpath(*PurePosixPath(rel).parts)
        try:
            # only a regular file really inside the export folder (no symlink out of it)
            if path.is_symlink() or not path.resolve().is_relative_to(folder.resolve()):
                return None
            # a regular file only: a FIFO or a device is never opened for reading (it would block)
            f, st = inputs.open_regular(path)
        except (OSError, inputs.NotReadable):
            return None  # named by a message but not in the export (not downloaded)
        with f:
            if st.st_size == 0:
                return None
            return self.evidence.encrypt_object(
                f,
                st.st_size,
                rel,
                None,
                file_time=datetime.fromtimestamp(st.st_mtime, UTC),
                cancel=cancel,
                still_same=lambda: os.fstat(f.fileno()).st_size == st.st_size,
            )

    def _insert(
        self,
        plan: _Plan,
        main: Any,
        shape: whatsapp.Shape | None,
        order: whatsapp.DateOrder | None,
        files: dict[str, Any],
        refuse: _Refuser,
        step: Progress,
        cancel: Callable[[], bool] | None,
    ) -> Chat:
        from defender_desk.vault.records import new_id

        chat_id = new_id("c")
        imported_at = history.timestamp(self.clock())
        row = self.conn.execute("SELECT coalesce(max(rid), 0) FROM chat_messages").fetchone()
        first_rid = int(row[0]) + 1
        self.conn.execute(
            "INSERT INTO chats(id, evidence_id, format, imported_at, message_count, first_rid,"
            " data) VALUES (?, ?, ?, ?, 0, ?, '{}')",
            (chat_id, main.id, plan.fmt, imported_at, first_rid),
        )
        for rel, ev in files.items():
            self.conn.execute(
                "INSERT INTO chat_files(chat_id, path, evidence_id) VALUES (?, ?, ?)",
                (chat_id, rel, ev.id),
            )
        sink = _RowSink(self.conn, chat_id, first_rid)
        if plan.kind == "json":
            parser: Any = telegram.StreamParser(sink.add)
        else:
            assert shape is not None and order is not None
            parser = whatsapp.Parser(shape, order, sink.add)
        sha = hashlib.sha256()
        read = 0
        if plan.kind == "zip":
            chunks: Iterable[bytes] = self._entry_chunks(plan, refuse)
        else:
            plan.file.seek(0)
            chunks = iter(lambda: plan.file.read(CHUNK), b"")
        for chunk in chunks:
            if cancel is not None and cancel():
                raise Cancelled()
            sha.update(chunk)
            read += len(chunk)
            refuse.call(parser.feed, chunk)
            step(min(read, plan.size), plan.size)
        refuse.call(parser.finish)
        sink.flush()
        if plan.kind != "zip" and (read != main.size or sha.hexdigest() != main.sha256):
            raise EvidenceFileProblem(
                path=plan.display, reason=N_("the file changed while it was being imported")
            )
        title = plan.title
        if plan.kind == "json":
            name = parser.header.get("name")
            if isinstance(name, str) and name.strip():
                title = name.strip()
        chat = Chat(
            id=chat_id,
            format=plan.fmt,
            title=title,
            evidence_id=main.id,
            imported_at=imported_at,
            message_count=sink.count,
            first_at=sink.first,
            last_at=sink.last,
            variant=(
                order.describe(shape)
                if shape is not None and order is not None
                else "telegram-desktop-json"
            ),
            entry=plan.entry_name,
            senders=sink.senders(),
            files={rel: ev.id for rel, ev in files.items()},
        )
        data = _canonical(chat.to_json())
        self.conn.execute(
            "UPDATE chats SET message_count = ?, data = ? WHERE id = ?",
            (sink.count, data.decode("utf-8"), chat_id),
        )
        history.append(self.conn, "chat", chat_id, "create", data, self.clock())
        return chat

    # -- finding the format -------------------------------------------------------------------
    def _plan(self, path: Path, fmt: str | None, stack: contextlib.ExitStack) -> _Plan:
        display = _display(path)
        folder: Path | None = None
        if path.is_dir():
            folder = path
            path = path / "result.json"
            if not path.is_file():
                raise UnknownChatFormat(
                    path=display, reason=N_("the folder has no result.json (Telegram Desktop)")
                )
            display = display + "/result.json"
        try:
            f, st = inputs.open_regular(path)
        except inputs.NotReadable as exc:
            raise EvidenceFileProblem(path=display, reason=exc.reason) from None
        stack.enter_context(f)
        if st.st_size == 0:
            raise EvidenceFileProblem(path=display, reason=N_("the file is empty"))
        mtime = datetime.fromtimestamp(st.st_mtime, UTC)
        head = f.read(65536)
        f.seek(0)
        plan = _Plan(
            fmt="",
            kind="",
            display=display,
            file=f,
            size=st.st_size,
            mtime=mtime,
            media_type="application/octet-stream",
            title=Path(display).stem,
        )
        if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
            return self._plan_zip(plan, fmt)
        first_line = head.split(b"\n", 1)[0]
        if telegram.looks_like_export(head):
            if fmt not in (None, "telegram"):
                raise UnknownChatFormat(path=display, reason=N_("it is not a WhatsApp chat"))
            plan.fmt, plan.kind, plan.media_type = "telegram", "json", "application/json"
            plan.folder = folder if folder is not None else path.parent
            self._check_size(plan)
            return plan
        if whatsapp.looks_like_export(first_line):
            if fmt not in (None, "whatsapp"):
                raise UnknownChatFormat(
                    path=display, reason=N_("it is not a Telegram Desktop export")
                )
            plan.fmt, plan.kind, plan.media_type = "whatsapp", "text", "text/plain"
            self._check_size(plan)
            return plan
        reasons = {
            "whatsapp": N_("its first line is not a WhatsApp message"),
            "telegram": N_("it is not a Telegram Desktop JSON export"),
        }
        raise UnknownChatFormat(
            path=display,
            reason=reasons.get(
                fmt or "",
                N_(
                    "it is neither a WhatsApp chat (.txt or .zip) nor a Telegram Desktop "
                    "export (result.json)"
                ),
            ),
        )

    def _check_size(self, plan: _Plan) -> None:
        size = plan.size
        if plan.zip is not None and plan.entry is not None:
            size = plan.zip.entries[plan.entry].size
        if size > MAX_CHAT_BYTES:
            raise ChatRefused(
                path=plan.display, reason=N_("the chat is larger than 1 GiB; split the export")
            )

    def _plan_zip(self, plan: _Plan, fmt: str | None) -> _Plan:
        if fmt == "telegram":
            raise UnknownChatFormat(
                path=plan.display,
                reason=N_("give the Telegram export's folder or its result.json, not a ZIP"),
            )
        try:
            reader = SafeZipReader(plan.file, ZipLimits(max_entries=100_000))
        except ZipRefused as exc:
            raise ChatRefused(path=plan.display, reason=exc.reason) from None
        texts = [e for e in reader.entries if e.name.lower().endswith(".txt")]
        chosen = [e for e in texts if e.name == "_chat.txt"]
        if not chosen:
            chosen = []
            for e in texts:
                head = b""
                try:
                    for chunk in reader.iter_chunks(e.index, chunk_size=4096):
                        head += chunk
                        if b"\n" in head or len(head) > 65536:
                            break
                except ZipRefused as exc:
                    raise ChatRefused(path=plan.display, reason=exc.reason) from None
                if whatsapp.looks_like_export(head.split(b"\n", 1)[0]):
                    chosen.append(e)
        if not chosen:
            raise UnknownChatFormat(
                path=plan.display, reason=N_("the archive holds no WhatsApp chat text")
            )
        if len(chosen) > 1:
            raise UnknownChatFormat(
                path=plan.display, reason=N_("the archive holds more than one chat")
            )
        plan.fmt, plan.kind, plan.media_type = "whatsapp", "zip", "application/zip"
        plan.zip, plan.entry, plan.entry_name = reader, chosen[0].index, chosen[0].name
        self._check_size(plan)
        return plan

    # -- reading ------------------------------------------------------------------------------
    def get(self, chat_id: str) -> Chat:
        row = self.conn.execute("SELECT data FROM chats WHERE id = ?", (chat_id,)).fetchone()
        if row is None:
            raise NotFound(kind=N_("chat"), id=chat_id)
        return _chat_from(json.loads(row[0]))

    def listing(self) -> list[Chat]:
        rows = self.conn.execute("SELECT data FROM chats ORDER BY rid")
        return [_chat_from(json.loads(r[0])) for r in rows]

    def _range(self, chat_id: str) -> tuple[int, int, str]:
        """(first rid, message count, evidence id) of a chat."""
        row = self.conn.execute(
            "SELECT first_rid, message_count, evidence_id FROM chats WHERE id = ?", (chat_id,)
        ).fetchone()
        if row is None:
            raise NotFound(kind=N_("chat"), id=chat_id)
        return int(row[0]), int(row[1]), str(row[2])

    def messages(
        self,
        chat_id: str,
        query: str | None = None,
        *,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[ChatMessage]:
        """The chat's messages in the export's order; with ``query`` only those whose text or
        sender contains it (case-insensitive)."""
        first, count, evidence_id = self._range(chat_id)
        sql = f"SELECT {_COLUMNS} FROM chat_messages m WHERE m.rid BETWEEN ? AND ?"
        args: list[Any] = [first, first + count - 1]
        if query is not None and query.strip():
            clause, qargs = _query_clause(query.strip())
            sql += " AND " + clause
            args += qargs
        sql += " ORDER BY m.rid LIMIT ? OFFSET ?"
        args += [-1 if limit is None else limit, offset]
        return [_message_from(r, evidence_id) for r in self.conn.execute(sql, args)]

    def message(self, chat_id: str, seq: int) -> ChatMessage:
        first, count, evidence_id = self._range(chat_id)
        if not 1 <= seq <= count:
            raise MessagesNotFound(id=chat_id, seq=seq)
        row = self.conn.execute(
            f"SELECT {_COLUMNS} FROM chat_messages m WHERE m.rid = ?", (first + seq - 1,)
        ).fetchone()
        if row is None:
            raise MessagesNotFound(id=chat_id, seq=seq)
        return _message_from(row, evidence_id)

    def search(self, query: str, *, limit: int = 200) -> list[ChatMessage]:
        """Messages of every chat that contain ``query``, oldest first."""
        clause, qargs = _query_clause(query.strip())
        rows = self.conn.execute(
            f"SELECT {_COLUMNS}, c.evidence_id FROM chat_messages m JOIN chats c"
            f" ON c.id = m.chat_id WHERE {clause} ORDER BY m.sent_at, m.rid LIMIT ?",
            [*qargs, limit],
        )
        return [_message_from(r[:-1], r[-1]) for r in rows]

    # -- messages and incidents ---------------------------------------------------------------
    def attach(self, chat_id: str, incident_id: str, seqs: Iterable[int]) -> list[int]:
        """Link messages to an incident (the incident must exist). Returns the sequence numbers
        newly linked; already linked ones are left as they are."""
        wanted = sorted(set(seqs))
        if not wanted:
            raise InvalidInput(field="messages", reason=N_("name at least one message"))
        _first, count, _ev = self._range(chat_id)
        missing = [s for s in wanted if not 1 <= s <= count]
        if missing:
            raise MessagesNotFound(id=chat_id, seq=missing[0])
        now = self.clock()
        added: list[int] = []
        with db.transaction(self.conn):
            for seq in wanted:
                cur = self.conn.execute(
                    "INSERT OR IGNORE INTO chat_links(incident_id, chat_id, seq, linked_at)"
                    " VALUES (?, ?, ?, ?)",
                    (incident_id, chat_id, seq, history.timestamp(now)),
                )
                if cur.rowcount:
                    added.append(seq)
            if added:
                self._record_links(chat_id, incident_id, now)
        return added

    def detach(self, chat_id: str, incident_id: str, seqs: Iterable[int]) -> int:
        wanted = sorted(set(seqs))
        now = self.clock()
        with db.transaction(self.conn):
            removed = 0
            for seq in wanted:
                cur = self.conn.execute(
                    "DELETE FROM chat_links WHERE incident_id = ? AND chat_id = ? AND seq = ?",
                    (incident_id, chat_id, seq),
                )
                removed += cur.rowcount
            if removed:
                self._record_links(chat_id, incident_id, now)
        return removed

    def _record_links(self, chat_id: str, incident_id: str, now: datetime) -> None:
        """The history chain gets the links of one chat to one incident as they now are, under
        their own record id (``<chat>@<incident>``: an incident's or a person's own revisions
        must stay their live record, which exports prove)."""
        seqs = [
            int(r[0])
            for r in self.conn.execute(
                "SELECT seq FROM chat_links WHERE chat_id = ? AND incident_id = ? ORDER BY seq",
                (chat_id, incident_id),
            )
        ]
        record_id = link_record_id(chat_id, incident_id)
        operation = "edit" if history.latest_content(self.conn, record_id) else "create"
        content = _canonical({"chat_id": chat_id, "incident_id": incident_id, "seqs": seqs})
        history.append(self.conn, "chat_link", record_id, operation, content, now)

    def linked(self, incident_id: str) -> list[ChatMessage]:
        """The messages linked to an incident, in time order, each with its source."""
        rows = self.conn.execute(
            f"SELECT {_COLUMNS}, c.evidence_id FROM chat_links l"
            " JOIN chats c ON c.id = l.chat_id"
            " JOIN chat_messages m ON m.rid = c.first_rid + l.seq - 1"
            " WHERE l.incident_id = ? ORDER BY m.sent_at, m.chat_id, m.seq",
            (incident_id,),
        )
        return [_message_from(r[:-1], r[-1]) for r in rows]

    def incidents_of(self, chat_id: str) -> dict[int, list[str]]:
        """For each linked message of a chat, the incidents it is linked to."""
        out: dict[int, list[str]] = {}
        for seq, incident_id in self.conn.execute(
            "SELECT seq, incident_id FROM chat_links WHERE chat_id = ? ORDER BY seq, incident_id",
            (chat_id,),
        ):
            out.setdefault(int(seq), []).append(str(incident_id))
        return out

    # -- identifiers --------------------------------------------------------------------------
    def link_identifier(self, identifier: str, person_id: str) -> str:
        """Attach a sender's number or account to a person; returns the normalised key."""
        key = normalise(identifier)
        if key is None:
            raise InvalidInput(
                field="identifier",
                reason=N_("not a phone number or a Telegram account id (user123…)"),
            )
        from defender_desk.vault.records import new_id

        now = self.clock()
        link_id = new_id("n")
        with db.transaction(self.conn):
            cur = self.conn.execute(
                "INSERT OR IGNORE INTO identifier_people(id, identifier, person_id, linked_at)"
                " VALUES (?, ?, ?, ?)",
                (link_id, key, person_id, history.timestamp(now)),
            )
            if cur.rowcount:
                content = _canonical({"id": link_id, "identifier": key, "person_id": person_id})
                history.append(self.conn, "identifier", link_id, "create", content, now)
        return key

    def unlink_identifier(self, identifier: str, person_id: str) -> bool:
        """Detach it; the link's history is purged (trigger ``identifier_people_purge``)."""
        key = normalise(identifier) or identifier
        now = self.clock()
        with db.transaction(self.conn):
            row = self.conn.execute(
                "SELECT id FROM identifier_people WHERE identifier = ? AND person_id = ?",
                (key, person_id),
            ).fetchone()
            if row is None:
                return False
            self.conn.execute("DELETE FROM identifier_people WHERE id = ?", (row[0],))
            tomb = _canonical({"deleted": str(row[0])})
            history.append(self.conn, "identifier", str(row[0]), "delete", tomb, now)
        return True

    def people_of(self, identifier: str) -> list[str]:
        key = normalise(identifier) or identifier
        return [
            str(r[0])
            for r in self.conn.execute(
                "SELECT person_id FROM identifier_people WHERE identifier = ? ORDER BY person_id",
                (key,),
            )
        ]

    def identifiers_of(self, person_id: str) -> list[str]:
        return [
            str(r[0])
            for r in self.conn.execute(
                "SELECT identifier FROM identifier_people WHERE person_id = ? ORDER BY identifier",
                (person_id,),
            )
        ]

    def sightings(self, identifier: str) -> list[dict[str, Any]]:
        """Where this number or account wrote: one entry per chat, with the number of
        messages and the first and last time (so "the same number wrote to my husband and to
        me" shows as two chats)."""
        key = normalise(identifier) or identifier
        rows = self.conn.execute(
            "SELECT m.chat_id, count(*), min(m.sent_at), max(m.sent_at) FROM chat_messages m"
            " WHERE m.sender_key = ? GROUP BY m.chat_id ORDER BY min(m.sent_at)",
            (key,),
        )
        return [
            {"chat_id": str(r[0]), "messages": int(r[1]), "first_at": r[2], "last_at": r[3]}
            for r in rows
        ]

    def consistency_problems(self) -> list[history.Problem]:
        """Chats whose stored count does not match their messages."""
        problems = []
        for chat_id, count, real in self.conn.execute(
            "SELECT c.id, c.message_count, (SELECT count(*) FROM chat_messages m WHERE m.rid"
            " BETWEEN c.first_rid AND c.first_rid + c.message_count - 1 AND m.chat_id = c.id)"
            " FROM chats c"
        ):
            if int(count) != int(real):
                problems.append(
                    history.Problem(N_("chat {id}: messages are missing"), {"id": str(chat_id)})
                )
        return problems


def link_record_id(chat_id: str, incident_id: str) -> str:
    """The history record of one chat's messages linked to one incident."""
    return f"{chat_id}@{incident_id}"


_COLUMNS = (
    "m.chat_id, m.seq, m.sent_at, m.sender, m.sender_key, m.kind, m.text, m.attachments,"
    " m.line, m.byte_offset, m.byte_length, m.json_index, m.source_id"
)


def _message_from(row: Any, evidence_id: str) -> ChatMessage:
    (chat_id, seq, sent_at, sender, key, kind, text, attachments, line, offset, length,
     index, source_id) = row  # fmt: skip
    if index is not None:
        source: dict[str, Any] = {"json_index": index, "message_id": source_id}
    else:
        source = {"line": line, "byte_offset": offset, "byte_length": length}
    return ChatMessage(
        chat_id=str(chat_id),
        seq=int(seq),
        sent_at=str(sent_at),
        sender=str(sender),
        sender_key=key,
        kind=str(kind),
        text=str(text),
        attachments=list(json.loads(attachments)),
        evidence_id=evidence_id,
        source=source,
    )


def _chat_from(data: dict[str, Any]) -> Chat:
    return Chat(
        id=data["id"],
        format=data["format"],
        title=data["title"],
        evidence_id=data["evidence_id"],
        imported_at=data["imported_at"],
        message_count=data["message_count"],
        first_at=data["first_at"],
        last_at=data["last_at"],
        variant=data["variant"],
        entry=data["entry"],
        senders=[Sender(s["name"], s["key"], s["count"]) for s in data["senders"]],
        files=dict(data.get("files", {})),
    )


_WORD = re.compile(r"[^\W_]+")


def _query_clause(query: str) -> tuple[str, list[Any]]:
    """Every word of the query must begin a word of the message's text or sender (any case):
    ``адвокат`` finds «адвокату» and «Адвокатқа». Text without letters or digits falls back to
    a case-folded substring scan."""
    words = _WORD.findall(query)
    if words:
        match = " ".join('"' + w + '"*' for w in words[:16])
        return "m.rid IN (SELECT rowid FROM chat_search WHERE chat_search MATCH ?)", [match]
    pattern = (
        "%" + query.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    )
    return (
        "(dd_fold(m.text) LIKE ? ESCAPE '\\' OR dd_fold(m.sender) LIKE ? ESCAPE '\\')",
        [pattern, pattern],
    )


def _safe_relative(name: str) -> bool:
    """A media path of a Telegram export that stays inside the export's folder."""
    if not name or "\\" in name or "\x00" in name or name.startswith("/"):
        return False
    parts = PurePosixPath(name).parts
    return bool(parts) and all(p not in ("", ".", "..") for p in parts) and ":" not in parts[0]


class _Refuser:
    """Turns the parsers' internal refusals into :class:`ChatRefused` errors."""

    def __init__(self, display: str) -> None:
        self.display = display

    def error(self, exc: Exception) -> DefenderDeskError:
        if isinstance(exc, whatsapp.Refusal):
            if exc.line is not None:
                return ChatLineRefused(path=self.display, line=exc.line, reason=exc.reason)
            return ChatRefused(path=self.display, reason=exc.reason)
        assert isinstance(exc, telegram.Refusal)
        if exc.index is not None:
            return ChatMessageRefused(path=self.display, index=exc.index, reason=exc.reason)
        return ChatRefused(path=self.display, reason=exc.reason)

    def call(self, fn: Callable[..., Any], *args: Any) -> Any:
        try:
            return fn(*args)
        except (whatsapp.Refusal, telegram.Refusal) as exc:
            raise self.error(exc) from None

    def wrap(self, fn: Callable[[bytes], None]) -> Callable[[bytes], None]:
        return lambda chunk: self.call(fn, chunk)


class _RowSink:
    """Inserts parsed messages in batches, with their search rows; keeps the chat's summary."""

    def __init__(self, conn: Connection, chat_id: str, first_rid: int) -> None:
        self.conn = conn
        self.chat_id = chat_id
        self.rid = first_rid
        self.count = 0
        self.rows: list[tuple[Any, ...]] = []
        self.search: list[tuple[Any, ...]] = []
        self.first: str | None = None
        self.last: str | None = None
        self._senders: dict[str, list[Any]] = {}

    def add(self, m: ParsedMessage) -> None:
        self.count += 1
        self.rows.append(
            (
                self.rid,
                self.chat_id,
                self.count,
                m.sent_at,
                m.sender,
                m.sender_key,
                m.kind,
                m.text,
                json.dumps(m.attachments, ensure_ascii=False),
                m.line,
                m.byte_offset,
                m.byte_length,
                m.json_index,
                m.source_id,
            )
        )
        self.search.append((self.rid, m.sender, m.text))
        self.rid += 1
        if self.first is None or m.sent_at < self.first:
            self.first = m.sent_at
        if self.last is None or m.sent_at > self.last:
            self.last = m.sent_at
        if m.sender and m.kind == "message":
            entry = self._senders.get(m.sender)
            if entry is not None:
                entry[1] += 1
                if entry[0] is None:
                    entry[0] = m.sender_key
            elif len(self._senders) < MAX_SENDERS:
                self._senders[m.sender] = [m.sender_key, 1]
        if len(self.rows) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            self.conn.executemany(
                "INSERT INTO chat_messages(rid, chat_id, seq, sent_at, sender, sender_key, kind,"
                " text, attachments, line, byte_offset, byte_length, json_index, source_id)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                self.rows,
            )
            self.conn.executemany(
                "INSERT INTO chat_search(rowid, sender, text) VALUES (?, ?, ?)", self.search
            )
            self.rows.clear()
            self.search.clear()

    def senders(self) -> list[Sender]:
        items = sorted(self._senders.items(), key=lambda kv: (-kv[1][1], kv[0]))
        return [Sender(name, key, count) for name, (key, count) in items]
