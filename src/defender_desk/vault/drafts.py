"""Drafts of open editors, kept in the encrypted database (table ``drafts``, migration 0006).

Not part of the record: no history revision, no search index, not exported. At most one draft
per editor and record (``kind`` + ``record_id``): saving again replaces it. Errors:
:class:`InvalidInput` for an unknown kind or a payload that is not a JSON object.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from datetime import datetime
from typing import Any

from defender_desk.domain.drafts import DRAFT_KINDS, Draft
from defender_desk.errors import N_, InvalidInput, NotFound
from defender_desk.vault import db

Connection = Any
#: A draft is the text of one editor; anything larger is not something she typed.
PAYLOAD_MAX = 4 * 1024 * 1024


class DraftStore:
    def __init__(self, conn: Connection, clock: Callable[[], datetime]) -> None:
        self.conn = conn
        self.clock = clock

    def save(self, kind: str, record_id: str | None, payload: dict[str, Any]) -> Draft:
        if kind not in DRAFT_KINDS:
            raise InvalidInput(field="kind", reason=N_("unknown kind of draft"))
        if not isinstance(payload, dict):
            raise InvalidInput(field="payload", reason=N_("a draft must be a set of fields"))
        text = json.dumps(payload, ensure_ascii=False, sort_keys=True)
        if len(text) > PAYLOAD_MAX:
            raise InvalidInput(field="payload", reason=N_("the draft is too large"))
        now = self.clock()
        draft_id = "d-" + secrets.token_hex(6)
        with db.transaction(self.conn):
            self.conn.execute(
                "DELETE FROM drafts WHERE kind = ? AND record_id IS ?", (kind, record_id)
            )
            self.conn.execute(
                "INSERT INTO drafts(id, kind, record_id, saved_at, payload) VALUES (?, ?, ?, ?, ?)",
                (draft_id, kind, record_id, now.isoformat(), text),
            )
        return Draft(draft_id, kind, record_id, now, json.loads(text))

    def listing(self) -> list[Draft]:
        rows = self.conn.execute(
            "SELECT id, kind, record_id, saved_at, payload FROM drafts ORDER BY saved_at, id"
        ).fetchall()
        return [self._draft(r) for r in rows]

    def get(self, draft_id: str) -> Draft:
        row = self.conn.execute(
            "SELECT id, kind, record_id, saved_at, payload FROM drafts WHERE id = ?", (draft_id,)
        ).fetchone()
        if row is None:
            raise NotFound(kind="draft", id=draft_id)
        return self._draft(row)

    def delete(self, draft_id: str) -> None:
        with db.transaction(self.conn):
            self.conn.execute("DELETE FROM drafts WHERE id = ?", (draft_id,))

    @staticmethod
    def _draft(row: Any) -> Draft:
        return Draft(
            id=row[0],
            kind=row[1],
            record_id=row[2],
            saved_at=datetime.fromisoformat(row[3]),
            payload=json.loads(row[4]),
        )
