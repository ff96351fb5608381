"""A draft: what she was typing in an editor when the vault locked (issue 17).

Kept inside the encrypted vault (table ``drafts``), never on disk in the clear, and offered again
after the next unlock. A draft is not part of the record: it has no revision in the history
chain, is not searched and is never exported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = ["DRAFT_KINDS", "Draft"]

#: The editors that keep drafts. A draft of another kind is refused by the store.
DRAFT_KINDS = (
    "incident",
    "person",
    "obligation",
    "contact",
    "emergency_contact",
    "emergency_place",
    "emergency_entry",
    "emergency_details",
)


@dataclass(frozen=True)
class Draft:
    id: str
    kind: str
    #: the record the editor was changing; None for a new one
    record_id: str | None
    saved_at: datetime
    #: the editor's fields as JSON-shaped values (what the editor itself can load again)
    payload: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:  # never the content
        return f"Draft(id={self.id!r}, kind={self.kind!r})"
