"""Telegram Desktop chat exports ("Export chat history", format "Machine-readable JSON").

The export is a folder: ``result.json`` plus media folders (``photos/``, ``files/``,
``video_files/``, ``voice_messages/``, ``stickers/``…) that ``result.json`` names by relative
path. ``result.json`` of one chat is an object ``{"name", "type", "id", "messages": [...]}``;
each message has ``id``, ``type`` (``message`` or ``service``), ``date`` (the exporting
computer's local wall time, ``2022-03-14T23:00:05``), ``date_unixtime``, ``from`` and
``from_id`` (``user123456789``) — or ``actor``/``actor_id`` for a service message — and
``text``: a string, or an array of strings and ``{"type", "text"}`` entities. Media:
``photo``, ``file`` (or ``(File not included. …)`` when the export left it out), with
``file_name``, ``media_type``, ``thumbnail``. A whole-account export (``"chats": {"list":…}``)
is refused: export the one chat.

Streaming: the top-level object is walked token by token and each value — each message — is
decoded with the standard library's JSON decoder (``raw_decode``), so memory is bounded by the
largest single message (:data:`MAX_VALUE`), never by the file.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from defender_desk.errors import N_
from defender_desk.phone.identifiers import normalise_telegram
from defender_desk.phone.model import ParsedMessage

MAX_VALUE = 16 * 1024 * 1024
NOT_INCLUDED = "(File not included."
_WS = " \t\r\n"
#: Keys of a message that name a file of the export.
_FILE_KEYS = ("photo", "file")


class Refusal(Exception):
    def __init__(self, reason: str, index: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.index = index


def looks_like_export(head: bytes) -> bool:
    """True if ``head`` (the first bytes of a file) starts like a Telegram JSON export."""
    text = head.decode("utf-8", "ignore").lstrip("\ufeff" + _WS)
    return (text.startswith("{") and '"messages"' in text[:65536]) or (
        text.startswith("{") and '"name"' in text[:4096] and '"type"' in text[:4096]
    )


def message_text(value: Any) -> str:
    """The text of a message: a string, or the concatenation of an entities array."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        parts: list[str] = []
        for part in value:
            if isinstance(part, str):
                parts.append(part)
            elif isinstance(part, dict) and isinstance(part.get("text"), str):
                parts.append(part["text"])
            else:
                raise ValueError("text entity")
        return "".join(parts)
    raise ValueError("text")


class StreamParser:
    """Feed the bytes of ``result.json`` with :meth:`feed`, then call :meth:`finish`. Each
    message is handed to ``emit``; ``header`` gets the chat's name, type and id."""

    def __init__(self, emit: Callable[[ParsedMessage], None]) -> None:
        self.emit = emit
        self.decoder = codecs.getincrementaldecoder("utf-8")("strict")
        self.json = json.JSONDecoder()
        self.buf = ""
        self.pos = 0
        self.state = "start"  # start, key, colon, value, after_value, messages, after_message
        self.key = ""
        self.header: dict[str, Any] = {}
        self.index = 0
        self.last_id: int | None = None
        self.seen_messages = False
        self.eof = False

    # -- input ---------------------------------------------------------------------------------
    def feed(self, chunk: bytes) -> None:
        try:
            self.buf += self.decoder.decode(chunk)
        except UnicodeDecodeError:
            raise Refusal(
                N_("it is not UTF-8 text: the file may be damaged or was edited")
            ) from None
        self._run()
        if self.pos:
            self.buf = self.buf[self.pos :]
            self.pos = 0
        if len(self.buf) > MAX_VALUE:
            raise Refusal(N_("a message is far too large for a chat export"), self.index)

    def finish(self) -> int:
        try:
            self.buf += self.decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise Refusal(N_("the file ends in the middle of a character: it is cut off")) from None
        self.eof = True
        self._run()
        if self.state != "done":
            raise Refusal(N_("the file ends too early: the export is cut off or damaged"))
        if self.buf[self.pos :].strip(_WS):
            raise Refusal(N_("there is more data after the end of the export: it was edited"))
        if not self.seen_messages:
            raise Refusal(N_("it has no list of messages"))
        return self.index

    # -- the top-level object ------------------------------------------------------------------
    def _skip_ws(self) -> bool:
        """Skip whitespace; False if the buffer ran out (more input needed)."""
        n = len(self.buf)
        while self.pos < n and self.buf[self.pos] in _WS:
            self.pos += 1
        return self.pos < n

    def _value(self) -> tuple[bool, Any]:
        """Decode one JSON value at ``pos``; (False, None) if it is not complete yet."""
        try:
            value, end = self.json.raw_decode(self.buf, self.pos)
        except json.JSONDecodeError as exc:
            if self.eof:
                raise Refusal(
                    N_("the file ends too early: the export is cut off or damaged"), self.index
                ) from None
            # An error well before the end of what was read is damage, not a value that goes
            # on in the next chunk (a cut literal or number is at most a few characters).
            if exc.pos < len(self.buf) - 8 and not exc.msg.startswith("Unterminated"):
                raise Refusal(N_("the file is damaged: it is not valid JSON"), self.index) from None
            return False, None
        if end == len(self.buf) and not self.eof and isinstance(value, int | float):
            return False, None  # a number may go on in the next chunk
        self.pos = end
        return True, value

    def _run(self) -> None:
        while True:
            if self.state == "done":
                return
            if not self._skip_ws():
                return
            c = self.buf[self.pos]
            if self.state == "start":
                if self.pos == 0 and c == "\ufeff":
                    self.pos += 1
                    continue
                if c != "{":
                    raise Refusal(N_("it is not a Telegram JSON export"))
                self.pos += 1
                self.state = "key"
            elif self.state == "key":
                if c == "}":
                    self.pos += 1
                    self.state = "done"
                    continue
                if c != '"':
                    raise Refusal(N_("it is not a Telegram JSON export"))
                ok, key = self._value()
                if not ok:
                    return
                self.key = key
                self.state = "colon"
            elif self.state == "colon":
                if c != ":":
                    raise Refusal(N_("it is not a Telegram JSON export"))
                self.pos += 1
                self.state = "value"
            elif self.state == "value":
                if self.key == "messages":
                    if c != "[":
                        raise Refusal(N_("it is not a Telegram JSON export"))
                    self.pos += 1
                    self.seen_messages = True
                    self.state = "messages"
                    continue
                if self.key in ("chats", "left_chats", "contacts", "personal_information"):
                    raise Refusal(
                        N_(
                            "it is a whole-account export; export the one chat instead "
                            "(in the chat: ⋮ → Export chat history, JSON)"
                        )
                    )
                ok, value = self._value()
                if not ok:
                    return
                if self.key in ("name", "type", "id") and isinstance(value, str | int):
                    self.header[self.key] = value
                self.state = "after_value"
            elif self.state == "after_value":
                if c == ",":
                    self.pos += 1
                    self.state = "key"
                elif c == "}":
                    self.pos += 1
                    self.state = "done"
                else:
                    raise Refusal(N_("it is not a Telegram JSON export"))
            elif self.state == "messages":
                if c == "]":
                    self.pos += 1
                    self.state = "after_value"
                    continue
                ok, value = self._value()
                if not ok:
                    return
                self._message(value)
                self.state = "after_message"
            elif self.state == "after_message":
                if c == ",":
                    self.pos += 1
                    self.state = "messages"
                elif c == "]":
                    self.pos += 1
                    self.state = "after_value"
                else:
                    raise Refusal(N_("the list of messages is damaged"), self.index)

    # -- one message ---------------------------------------------------------------------------
    def _message(self, value: Any) -> None:
        index = self.index
        bad = N_("this message is not in the form Telegram Desktop writes: the export was edited")
        if not isinstance(value, dict):
            raise Refusal(bad, index)
        mid, kind, date = value.get("id"), value.get("type"), value.get("date")
        if not isinstance(mid, int) or isinstance(mid, bool) or not isinstance(date, str):
            raise Refusal(bad, index)
        if self.last_id is not None and mid <= self.last_id:
            raise Refusal(N_("the messages are out of order: the export was edited"), index)
        try:
            moment = datetime.fromisoformat(date)
        except ValueError:
            raise Refusal(N_("the date cannot be read in any supported format"), index) from None
        if moment.tzinfo is not None:
            moment = moment.replace(tzinfo=None)
        try:
            text = message_text(value.get("text", ""))
        except ValueError:
            raise Refusal(bad, index) from None
        if kind == "service":
            sender_raw, sender_id = value.get("actor"), value.get("actor_id")
            system = True
        else:
            sender_raw, sender_id = value.get("from"), value.get("from_id")
            system = False
        sender = sender_raw if isinstance(sender_raw, str) else ""
        key = normalise_telegram(sender_id) if isinstance(sender_id, str) else None
        if system:
            action = value.get("action")
            if isinstance(action, str) and not text:
                text = action
        attachments = []
        for name in _FILE_KEYS:
            path = value.get(name)
            if isinstance(path, str) and path:
                if path.startswith(NOT_INCLUDED):
                    file_name = value.get("file_name")
                    if isinstance(file_name, str) and file_name:
                        attachments.append(file_name)
                else:
                    attachments.append(path)
        self.last_id = mid
        self.index += 1
        self.emit(
            ParsedMessage(
                sent_at=moment.isoformat(timespec="seconds"),
                sender=sender,
                sender_key=key,
                kind="system" if system else "message",
                text=text,
                attachments=attachments,
                json_index=index,
                source_id=mid,
            )
        )
