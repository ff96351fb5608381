"""WhatsApp chat exports (the ``.txt`` that "Export chat" writes, alone or inside its ``.zip``).

What the phones write (checked against real exports of Android and iPhone in Russian, Czech and
English kept by public parser projects, and CLDR's patterns for ru-RU, ru-KZ and kk-KZ):

* **Android** ``14.03.2022, 21:30 - Имя: текст`` — no seconds; Russian ``dd.MM.yyyy``, Kazakh
  ``dd.MM.yy``, English ``M/d/yy, h:mm PM`` or ``dd/MM/yyyy, HH:mm``. A space before AM/PM may be
  U+202F. LF line ends; the file ends with a newline.
* **iPhone** ``[14.03.2022, 21:30:05] Имя: текст`` — with seconds; lines that carry an attachment
  or a notice start with U+200E (LRM); a message ends with CRLF, the lines inside a message with
  a bare LF. Older iPhones wrote ``14.03.2022, 21:30:05: Имя: текст`` without brackets.
* A message that spans several lines continues on lines without a date. Lines without a sender
  (``14.03.2022, 21:30 - Ерлан добавил(-а) Айгерим``) are system lines.
* Attachments: Android with media ``‎IMG-20220314-WA0002.jpg (файл добавлен)`` (``(file
  attached)``, ``(қосымша файл)``), caption on the next lines; iPhone with media
  ``‎<прикреплено: 00000012-PHOTO-2022-03-14-21-30-05.jpg>`` (``<attached: …>``). Exports
  without media keep the placeholder as the text (``<Без медиафайлов>``, ``изображение
  отсутствует``).

Date order: dots mean day first (ru, kk). With slashes the order is taken from the file: a
first number above 12 means day first, a second number above 12 means month first; when no
date tells, a 12-hour clock means month first (en-US), a 24-hour clock day first. Two-digit
years are 20yy. The first line fixes the shape (brackets, separator, year width, seconds,
AM/PM): a later line that looks like a date of another shape is text of the message before it
(someone pasted it), never a new message.

Both passes read bytes line by line (split at LF, which never occurs inside a UTF-8 sequence),
so memory is bounded by the longest line and the longest message (:data:`MAX_MESSAGE`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from defender_desk.errors import N_
from defender_desk.phone.identifiers import normalise_phone
from defender_desk.phone.model import ParsedMessage

#: Longest line and longest message accepted (WhatsApp's own limit is 65,536 characters).
MAX_LINE = 4 * 1024 * 1024
MAX_MESSAGE = 4 * 1024 * 1024

#: Invisible direction marks and BOMs that WhatsApp puts around names, dates and attachments.
MARKS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
_MARKS_RE = re.compile(f"[{MARKS}]")
_SP = "[ \u00a0\u202f]"
_DATE = r"(?P<d1>\d{1,2})(?P<sep>[./])(?P<d2>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})"
_TIME = (
    r"(?P<h>\d{1,2})(?P<tsep>[:.])(?P<mi>\d{2})(?:(?P=tsep)(?P<s>\d{2}))?"
    rf"(?:{_SP}?(?P<ampm>[AaPp]\.?[Mm]\.?))?"
)
_ANDROID = re.compile(rf"{_DATE}(?P<comma>,?){_SP}{_TIME}{_SP}[-–]{_SP}(?P<rest>.*)", re.S)
_IOS = re.compile(rf"\[{_DATE}(?P<comma>,?){_SP}{_TIME}\]{_SP}(?P<rest>.*)", re.S)
_IOS_OLD = re.compile(rf"{_DATE}(?P<comma>,?){_SP}{_TIME}:{_SP}(?P<rest>.*)", re.S)
_STYLES = (("android", _ANDROID), ("ios", _IOS), ("ios-old", _IOS_OLD))

_ATTACHED_ANDROID = re.compile(
    r"^(?P<name>[^\n]+?)\s\((?:file attached|файл добавлен|файл прикреплён|қосымша файл)\)$"
)
_ATTACHED_IOS = re.compile(
    r"<(?:(?:attached|прикреплено|тіркелді|тіркелген):\s(?P<name>[^<>\n]+)"
    r"|[^\W\d_]{2,24}:\s(?P<generic>\d{8}-[^<>\n]+))>"
)
#: Notices WhatsApp writes with the chat's name as the sender (iPhone) or without one.
_NOTICES = re.compile(
    r"^(?:Messages and calls are (?:now )?end-to-end encrypted"
    r"|Your security code with .+ changed"
    r"|Сообщения и звонки (?:теперь )?защищены сквозным шифрованием"
    r"|Ваш код безопасности с контактом .+ изменился"
    r"|Хабарлар мен қоңыраулар)"
)
MAX_SENDER = 128


@dataclass(frozen=True)
class Shape:
    """The shape of the export's date lines, fixed by its first line."""

    style: str  # android | ios | ios-old
    sep: str  # . or /
    year_digits: int
    comma: bool
    seconds: bool
    ampm: bool


@dataclass
class _Header:
    shape: Shape
    d1: int
    d2: int
    year: int
    hour: int
    minute: int
    second: int | None
    ampm: str | None
    rest: str


def _match_header(text: str) -> _Header | None:
    stripped = text.lstrip(MARKS)
    for style, pattern in _STYLES:
        m = pattern.fullmatch(stripped)
        if m is None:
            continue
        ampm = m.group("ampm")
        shape = Shape(
            style=style,
            sep=m.group("sep"),
            year_digits=len(m.group("y")),
            comma=bool(m.group("comma")),
            seconds=m.group("s") is not None,
            ampm=ampm is not None,
        )
        year = int(m.group("y"))
        return _Header(
            shape=shape,
            d1=int(m.group("d1")),
            d2=int(m.group("d2")),
            year=year + 2000 if shape.year_digits == 2 else year,
            hour=int(m.group("h")),
            minute=int(m.group("mi")),
            second=None if m.group("s") is None else int(m.group("s")),
            ampm=None if ampm is None else ampm.replace(".", "").lower(),
            rest=m.group("rest"),
        )
    return None


def looks_like_export(first_line: bytes) -> bool:
    """True if ``first_line`` (bytes, without its end) starts a WhatsApp export."""
    try:
        text = first_line.decode("utf-8").rstrip("\r")
    except UnicodeDecodeError:
        return False
    return _match_header(text) is not None


class Refusal(Exception):
    """Raised by the scanner and parser: ``reason`` (an N_ template) and the 1-based line."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


@dataclass
class _Line:
    number: int
    offset: int
    raw: bytes  # without the LF
    size: int  # with the LF if there was one


class LineSplitter:
    """Splits fed bytes into lines at LF; remembers each line's number and byte offset."""

    def __init__(self) -> None:
        self.buf = bytearray()
        self.number = 0
        self.offset = 0
        self.ended_with_newline = True
        self.total = 0

    def feed(self, chunk: bytes) -> Iterator[_Line]:
        self.total += len(chunk)
        self.buf += chunk
        start = 0
        while True:
            end = self.buf.find(b"\n", start)
            if end < 0:
                break
            yield self._line(bytes(self.buf[start:end]), end - start + 1)
            start = end + 1
        del self.buf[:start]
        if len(self.buf) > MAX_LINE:
            raise Refusal(N_("a line is far too long for a chat export"), self.number + 1)

    def close(self) -> Iterator[_Line]:
        if self.buf:
            self.ended_with_newline = False
            yield self._line(bytes(self.buf), len(self.buf))
            self.buf.clear()

    def _line(self, raw: bytes, size: int) -> _Line:
        self.number += 1
        line = _Line(self.number, self.offset, raw, size)
        self.offset += size
        return line


def _decode(line: _Line) -> str:
    if b"\x00" in line.raw:
        raise Refusal(N_("it contains binary data, not text"), line.number)
    try:
        text = line.raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Refusal(
            N_("it is not UTF-8 text: the file may be damaged or was edited"), line.number
        ) from None
    return text[:-1] if text.endswith("\r") else text


@dataclass
class DateOrder:
    """Which of the two first numbers is the day; ``guessed`` when no date in the file told
    (slash dates, every number 12 or less)."""

    day_first: bool
    guessed: bool = False

    def describe(self, shape: Shape) -> str:
        """The shape with the order filled in, e.g. ``android dd/mm/yy, hh:mm (guessed)``."""
        y = "yyyy" if shape.year_digits == 4 else "yy"
        s = shape.sep
        date = f"dd{s}mm{s}{y}" if self.day_first else f"mm{s}dd{s}{y}"
        t = "hh:mm" + (":ss" if shape.seconds else "") + (" am/pm" if shape.ampm else "")
        guess = " (order guessed)" if self.guessed else ""
        return f"{shape.style} {date}{',' if shape.comma else ''} {t}{guess}"


class Scanner:
    """The first pass (fed while the export is being encrypted): checks that the file is a
    WhatsApp export in one shape, valid UTF-8, ends with a newline, and finds the date order.
    Call :meth:`feed` with chunks and :meth:`finish` at the end."""

    def __init__(self) -> None:
        self.lines = LineSplitter()
        self.shape: Shape | None = None
        self.big_first = 0  # a line whose first number is above 12
        self.big_second = 0
        self.headers = 0

    def feed(self, chunk: bytes) -> None:
        for line in self.lines.feed(chunk):
            self._line(line)

    def _line(self, line: _Line) -> None:
        text = _decode(line)
        header = _match_header(text)
        if self.shape is None:
            if header is None:
                if line.number == 1 and not text.strip(MARKS + " "):
                    raise Refusal(N_("the file is empty"), 1)
                raise Refusal(
                    N_(
                        "the first line is not a message: this is not a WhatsApp chat export, "
                        "or its beginning was cut off"
                    ),
                    line.number,
                )
            self.shape = header.shape
        if header is None or header.shape != self.shape:
            return
        self.headers += 1
        if header.shape.sep == "/":
            if header.d1 > 12 and not self.big_first:
                self.big_first = line.number
            if header.d2 > 12 and not self.big_second:
                self.big_second = line.number
            if self.big_first and self.big_second:
                raise Refusal(
                    N_(
                        "the dates cannot be read in one format: the file was edited or joined "
                        "from several exports"
                    ),
                    max(self.big_first, self.big_second),
                )

    def finish(self) -> tuple[Shape, DateOrder]:
        for line in self.lines.close():
            self._line(line)
        if self.shape is None:
            raise Refusal(N_("the file is empty"), 1)
        if not self.lines.ended_with_newline:
            raise Refusal(
                N_("the last line is incomplete: the export seems to be cut off"),
                self.lines.number,
            )
        if self.shape.sep == "." or self.big_first:
            return self.shape, DateOrder(True)
        if self.big_second:
            return self.shape, DateOrder(False)
        # No date tells: a 12-hour clock is the US (month first), a 24-hour clock most others.
        return self.shape, DateOrder(not self.shape.ampm, guessed=True)


def _when(header: _Header, order: DateOrder, line: int) -> str:
    day, month = (header.d1, header.d2) if order.day_first else (header.d2, header.d1)
    hour = header.hour
    if header.ampm is not None:
        if not 1 <= hour <= 12:
            raise Refusal(N_("the date cannot be read in any supported format"), line)
        hour = hour % 12 + (12 if header.ampm == "pm" else 0)
    try:
        moment = datetime(header.year, month, day, hour, header.minute, header.second or 0)
    except ValueError:
        raise Refusal(N_("the date cannot be read in any supported format"), line) from None
    return moment.isoformat(timespec="seconds" if header.second is not None else "minutes")


@dataclass
class _Pending:
    line: int
    offset: int
    size: int
    sent_at: str
    sender: str
    first: str
    more: list[str] = field(default_factory=list)
    chars: int = 0


def clean(text: str) -> str:
    """The text without WhatsApp's invisible direction marks (the export keeps them)."""
    return _MARKS_RE.sub("", text)


class Parser:
    """The second pass: turns lines into :class:`ParsedMessage` and hands each to ``emit``."""

    def __init__(
        self, shape: Shape, order: DateOrder, emit: Callable[[ParsedMessage], None]
    ) -> None:
        self.shape = shape
        self.order = order
        self.emit = emit
        self.lines = LineSplitter()
        self.pending: _Pending | None = None
        self.count = 0

    def feed(self, chunk: bytes) -> None:
        for line in self.lines.feed(chunk):
            self._line(line)

    def finish(self) -> int:
        for line in self.lines.close():
            self._line(line)
        self._flush()
        return self.count

    def _line(self, line: _Line) -> None:
        text = _decode(line)
        header = _match_header(text)
        if header is not None and header.shape == self.shape:
            self._flush()
            sender, body = _split_sender(header.rest)
            self.pending = _Pending(
                line=line.number,
                offset=line.offset,
                size=line.size,
                sent_at=_when(header, self.order, line.number),
                sender=sender,
                first=body,
                chars=len(body),
            )
            return
        if self.pending is None:
            raise Refusal(N_("the first line is not a message"), line.number)
        self.pending.more.append(text)
        self.pending.size += line.size
        self.pending.chars += len(text) + 1
        if self.pending.chars > MAX_MESSAGE:
            raise Refusal(N_("a message is far too long for a chat export"), self.pending.line)

    def _flush(self) -> None:
        p, self.pending = self.pending, None
        if p is None:
            return
        attachments: list[str] = []
        first = clean(p.first)
        m = _ATTACHED_ANDROID.match(first)
        if m is not None:
            attachments.append(m.group("name").strip())
            first = ""

        def take_ios(m: re.Match[str]) -> str:
            attachments.append((m.group("name") or m.group("generic")).strip())
            return ""

        first = _ATTACHED_IOS.sub(take_ios, first).rstrip()
        lines = [first, *(clean(t) for t in p.more)] if first or p.more else []
        if lines and not lines[0] and attachments:
            lines = lines[1:]
        text = "\n".join(lines)
        sender = clean(p.sender).strip()
        kind = "system" if not sender or _NOTICES.match(text) else "message"
        self.count += 1
        self.emit(
            ParsedMessage(
                sent_at=p.sent_at,
                sender=sender,
                sender_key=normalise_phone(sender) if sender and kind == "message" else None,
                kind=kind,
                text=text,
                attachments=attachments,
                line=p.line,
                byte_offset=p.offset,
                byte_length=p.size,
            )
        )


def _split_sender(rest: str) -> tuple[str, str]:
    """``Имя: текст`` → (``Имя``, ``текст``); a line without ``": "`` is a system line."""
    at = rest.find(": ")
    if at < 0:
        if rest.endswith(":") and 0 < len(rest) - 1 <= MAX_SENDER:
            return rest[:-1], ""
        return "", rest
    sender = rest[:at]
    if not sender.strip(MARKS + " ") or len(sender) > MAX_SENDER:
        return "", rest
    return sender, rest[at + 2 :]
