"""The phone-evidence part of the facade: a mixin for :class:`defender_desk.app.Desk`.

Plain values in and out, so the desktop's Chats view, evidence viewer and redaction tool stay
thin: :meth:`PhoneFacade.import_chat` (with progress and cancel), :meth:`chat_messages` (paged,
searchable), :meth:`attach_messages`; :meth:`evidence_metadata` and
:meth:`metadata_contradiction` for the viewer; :meth:`redaction_preview` (PNG bytes for given
boxes) and :meth:`make_working_copy` for the tool; :meth:`working_copy_for` for exports that
carry working copies instead of originals.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from defender_desk.domain.models import Evidence
from defender_desk.errors import N_
from defender_desk.phone import media, redact
from defender_desk.phone.chats import Chat, ChatMessage, ChatStore
from defender_desk.phone.errors import NotAnImage
from defender_desk.phone.media import FileMetadata
from defender_desk.phone.redact import Box
from defender_desk.vault import db, history
from defender_desk.vault.evidence import Progress

if TYPE_CHECKING:
    from defender_desk.vault.evidence import EvidenceStore
    from defender_desk.vault.records import RecordStore
    from defender_desk.vault.store import OpenVault

__all__ = ["Box", "PhoneFacade"]


class PhoneFacade:
    """Mixin: needs ``_open()``, ``evidence``, ``records`` and ``clock`` from ``Desk``."""

    if TYPE_CHECKING:
        clock: Callable[[], datetime]

        def _open(self) -> OpenVault: ...

        @property
        def evidence(self) -> EvidenceStore: ...

        @property
        def records(self) -> RecordStore: ...

    @property
    def chats(self) -> ChatStore:
        return ChatStore(self._open().conn, self.evidence, self.clock)

    # -- chats --------------------------------------------------------------------------------
    def import_chat(
        self,
        untrusted_path: Path,
        fmt: str | None = None,
        *,
        progress: Progress | None = None,
        cancel: Callable[[], bool] | None = None,
    ) -> Chat:
        """Import a WhatsApp (.txt/.zip) or Telegram Desktop (folder or result.json) export:
        kept as evidence, its messages parsed — all in one transaction."""
        return self.chats.import_export(untrusted_path, fmt, progress=progress, cancel=cancel)

    def list_chats(self) -> list[Chat]:
        return self.chats.listing()

    def get_chat(self, chat_id: str) -> Chat:
        return self.chats.get(chat_id)

    def chat_messages(
        self,
        chat_id: str,
        query: str | None = None,
        *,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[ChatMessage]:
        return self.chats.messages(chat_id, query, limit=limit, offset=offset)

    def search_chats(self, query: str, *, limit: int = 200) -> list[ChatMessage]:
        return self.chats.search(query, limit=limit)

    def attach_messages(self, chat_id: str, incident_id: str, seqs: Iterable[int]) -> list[int]:
        """Link messages to an incident; returns the newly linked sequence numbers."""
        self.records.get_incident(incident_id)
        return self.chats.attach(chat_id, incident_id, seqs)

    def detach_messages(self, chat_id: str, incident_id: str, seqs: Iterable[int]) -> int:
        self.records.get_incident(incident_id)
        return self.chats.detach(chat_id, incident_id, seqs)

    def incident_messages(self, incident_id: str) -> list[ChatMessage]:
        """The chat messages linked to an incident, each with its source (the export's
        evidence id and its line/offset or JSON index) — for the viewer, reports, exports."""
        self.records.get_incident(incident_id)
        return self.chats.linked(incident_id)

    def message_incidents(self, chat_id: str) -> dict[int, list[str]]:
        return self.chats.incidents_of(chat_id)

    # -- identifiers --------------------------------------------------------------------------
    def link_identifier(self, identifier: str, person_id: str) -> str:
        """Attach a sender's number or Telegram account to a person (an actor); returns the
        normalised key (``tel:+7…`` / ``telegram:user…``)."""
        self.records.get_person(person_id)
        return self.chats.link_identifier(identifier, person_id)

    def unlink_identifier(self, identifier: str, person_id: str) -> bool:
        return self.chats.unlink_identifier(identifier, person_id)

    def people_with_identifier(self, identifier: str) -> list[str]:
        return self.chats.people_of(identifier)

    def identifiers_of_person(self, person_id: str) -> list[str]:
        return self.chats.identifiers_of(person_id)

    def identifier_sightings(self, identifier: str) -> list[dict[str, Any]]:
        return self.chats.sightings(identifier)

    # -- what a file says about itself --------------------------------------------------------
    def evidence_metadata(self, evidence_id: str, data: bytes | None = None) -> FileMetadata:
        """Capture time, device and whether a location is embedded (photos and videos), read
        from the decrypted bytes in memory (``data`` if the caller already holds them) and
        remembered in the vault. The stored original is never changed."""
        ev = self.evidence.get(evidence_id)
        conn = self._open().conn
        row = conn.execute(
            "SELECT sha256, data FROM evidence_metadata WHERE evidence_id = ?", (evidence_id,)
        ).fetchone()
        if row is not None and row[0] == ev.sha256:
            return FileMetadata.from_record(json.loads(row[1]))
        kind = media.kind_of(ev.media_type)
        if data is None:
            if kind == "other":
                return FileMetadata(kind="other")  # never decrypted just to find nothing
            if ev.size > media.MAX_BYTES:
                return FileMetadata(kind=kind, reason=N_("the file is too large to read here"))
            data = self.evidence.read_bytes(evidence_id)
        meta = media.read_metadata(data, ev.media_type)
        with db.transaction(conn):
            conn.execute(
                "INSERT INTO evidence_metadata(evidence_id, sha256, data) VALUES (?, ?, ?)"
                " ON CONFLICT(evidence_id) DO UPDATE SET sha256 = excluded.sha256,"
                " data = excluded.data",
                (evidence_id, ev.sha256, json.dumps(meta.to_record(), sort_keys=True)),
            )
        return meta

    def metadata_contradiction(
        self, evidence_id: str, incident_id: str | None = None
    ) -> dict[str, Any] | None:
        """The contradiction between the file's capture time and the incident's date (the
        evidence's own incident unless ``incident_id`` is given), see :mod:`.media`."""
        ev = self.evidence.get(evidence_id)
        target = incident_id or ev.incident_id
        if target is None:
            return None
        incident = self.records.get_incident(target)
        return media.contradiction(self.evidence_metadata(evidence_id).captured_at, incident)

    # -- working copies -----------------------------------------------------------------------
    def redaction_preview(
        self,
        evidence_id: str,
        boxes: Sequence[Box],
        *,
        max_side: int = 1024,
        data: bytes | None = None,
    ) -> bytes:
        """PNG bytes of the image with the boxes blacked out as the working copy will be."""
        self._image(evidence_id)
        raw = data if data is not None else self.evidence.read_bytes(evidence_id)
        return redact.preview_png(raw, list(boxes), evidence_id=evidence_id, max_side=max_side)

    def make_working_copy(
        self, evidence_id: str, boxes: Sequence[Box], *, strip_metadata: bool
    ) -> Evidence:
        """A new evidence file derived from an image: boxes blacked out, metadata stripped on
        request; linked to its original with the original's SHA-256 and what was changed.
        Not attached to any incident (the original stays the incident's evidence)."""
        original = self._image(evidence_id)
        data = self.evidence.read_bytes(evidence_id)
        copy = redact.working_copy(
            data, list(boxes), strip_metadata=strip_metadata, evidence_id=evidence_id
        )
        now = self.clock()
        record = {
            "original_id": original.id,
            "original_sha256": original.sha256,
            "original_name": original.original_name,
            "changes": copy.changes,
        }

        def link(ev: Evidence) -> None:
            content = json.dumps(
                {"evidence_id": ev.id, **record},
                sort_keys=True,
                separators=(",", ":"),
                ensure_ascii=False,
            ).encode()
            self._open().conn.execute(
                "INSERT INTO working_copies(evidence_id, original_id, original_sha256,"
                " created_at, data) VALUES (?, ?, ?, ?, ?)",
                (ev.id, original.id, original.sha256, history.timestamp(now), content.decode()),
            )
            history.append(
                self._open().conn, "working_copy", f"{ev.id}@working-copy", "create", content, now
            )

        return self.evidence.add_stream(
            f"working-copy-{original.id}.{copy.extension}",
            io.BytesIO(copy.data),
            len(copy.data),
            None,
            media_type=copy.media_type,
            on_written=link,
        )

    def working_copy_for(self, evidence_id: str) -> Evidence | None:
        """The newest working copy made from this evidence file, if any — what an export with
        ``--working-copies`` carries instead of the original."""
        row = (
            self._open()
            .conn.execute(
                "SELECT evidence_id FROM working_copies WHERE original_id = ?"
                " ORDER BY created_at DESC, rowid DESC LIMIT 1",
                (evidence_id,),
            )
            .fetchone()
        )
        return None if row is None else self.evidence.get(str(row[0]))

    def working_copies_of(self, evidence_id: str) -> list[Evidence]:
        rows = self._open().conn.execute(
            "SELECT evidence_id FROM working_copies WHERE original_id = ? ORDER BY created_at,"
            " rowid",
            (evidence_id,),
        )
        return [self.evidence.get(str(r[0])) for r in rows]

    def working_copy_info(self, evidence_id: str) -> dict[str, Any] | None:
        """If this evidence file is a working copy: ``original_id`` (None once the original was
        deleted), ``original_sha256``, ``created_at`` and ``changes``; else None."""
        row = (
            self._open()
            .conn.execute(
                "SELECT original_id, original_sha256, created_at, data FROM working_copies"
                " WHERE evidence_id = ?",
                (evidence_id,),
            )
            .fetchone()
        )
        if row is None:
            return None
        data = json.loads(row[3])
        return {
            "original_id": row[0],
            "original_sha256": row[1],
            "created_at": row[2],
            "changes": data["changes"],
        }

    def _image(self, evidence_id: str) -> Evidence:
        ev = self.evidence.get(evidence_id)
        if not ev.media_type.startswith("image/"):
            raise NotAnImage(id=evidence_id, reason=N_("it is not an image"))
        return ev
