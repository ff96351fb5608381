"""The plain values the chat parsers produce."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class ParsedMessage:
    """One message as the export gives it. ``sent_at`` is the wall time the export writes
    (``YYYY-MM-DDTHH:MM`` or ``…:SS``, no zone); ``sender`` is '' for a system line without
    one; ``sender_key`` is the sender's normalised identifier when the export gives one.
    Where it sits: ``line``/``byte_offset``/``byte_length`` (WhatsApp) or
    ``json_index``/``source_id`` (Telegram)."""

    sent_at: str
    sender: str
    sender_key: str | None
    kind: str  # message | system
    text: str
    attachments: list[str] = field(default_factory=list)
    line: int | None = None
    byte_offset: int | None = None
    byte_length: int | None = None
    json_index: int | None = None
    source_id: int | None = None
