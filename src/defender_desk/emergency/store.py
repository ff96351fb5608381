"""Emergencies (issue 9): the night a relative is detained, kept as it happens.

What is stored (``vault/migrations/0005_emergency.sql``), each change a revision in the one
history chain:

* **contacts** (her lawyers and helpers, with phone numbers) and **places** to ask (district police
  departments, temporary detention, hospitals), entered by her in advance. The app ships none.
  Anything she did not enter herself names its ``source`` and the date it was ``checked_on``.
* an **emergency** for a person of her circle, with the details needed for inquiries (full name,
  date of birth, IIN, phone, distinguishing details);
* its **log**: one line per entry, the time filled in from the clock in this computer's zone (or
  given, for what she writes down later). Entries are shown in time order, ties in the order
  written; the order and the time of writing are kept (``written_order``, ``written_at``);
* **place checks**: the place asked, the answer, the officer's name or badge number — each also an
  entry of the log, so the timeline holds it in its place;
* **closing** turns the log into one incident (category, the person as target, actors, exact
  ``happened`` from the first entry, ``until`` from the last, the timeline written into the
  description) in the same transaction that closes the emergency; the log stays, read-only.

Times of the night are *local wall time to the minute*, naive, like incidents' dates: an aware
time is converted to this computer's zone, a naive one is taken as local already.

Errors: :class:`EmergencyPersonUnknown`, :class:`EmergencyClosed`, :class:`EmergencyAlreadyClosed`,
:class:`EmptyEntry` (all :class:`DefenderDeskError`), plus :class:`InvalidInput` from validation
and :class:`NotFound`. None carries record content.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, TypeVar

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    NaiveDatetime,
    ValidationError,
    model_validator,
)

from defender_desk.domain import taxonomy
from defender_desk.domain.dates import R_YEAR, YEAR_MAX, YEAR_MIN, FuzzyDate, pydantic_error
from defender_desk.domain.models import (
    NAME_MAX,
    PLACE_MAX,
    R_CONTROL,
    R_EMPTY,
    R_NOT_TEXT,
    R_TOO_LONG,
    TEXT_MAX,
    TITLE_MAX,
    Incident,
    RecordId,
    canonical_json,
    validation_to_error,
)
from defender_desk.emergency import guidance as guidance_mod
from defender_desk.errors import N_, DefenderDeskError, InvalidInput, NotFound
from defender_desk.vault import db, history
from defender_desk.vault.records import RecordStore, new_id

__all__ = [
    "CONTACT_KIND_LABELS",
    "ENTRY_MAX",
    "PLACE_KIND_LABELS",
    "ContactKind",
    "Emergency",
    "EmergencyAlreadyClosed",
    "EmergencyClosed",
    "EmergencyContact",
    "EmergencyPersonUnknown",
    "EmergencyPlace",
    "EmergencyStore",
    "EmergencyView",
    "EmptyEntry",
    "InquiryDetails",
    "LogEntry",
    "PlaceCheck",
    "PlaceKind",
    "PlaceStatus",
    "format_iin",
    "local_minute",
    "one_line",
    "report_timeline",
    "timeline_lines",
]

Connection = Any

# Limits, in characters after NFC normalisation.
ENTRY_MAX = 2_000  # one entry of the log
ANSWER_MAX = 1_000  # what a place answered
OFFICER_MAX = 200  # the officer's name or badge number
PHONE_MAX = 40
PHONES_MAX = 6
DETAILS_MAX = 2_000  # distinguishing details
SOURCE_MAX = 500
# A time more than this ahead of the clock is refused (a typo, not the night).
FUTURE_SLACK = timedelta(minutes=10)
# An entry written this long after the time it gives shows when it was written.
LATE_AFTER = timedelta(minutes=10)

R_PHONE = N_("a phone number needs at least one digit")
R_NO_PHONE = N_("add at least one phone number")
R_IIN = N_("an IIN has 12 digits")
R_SOURCE = N_("name where this was taken from, or leave the date checked empty")
R_CHECKED_ON = N_("give the date the source was checked")
R_FUTURE = N_("that time is still to come; give the time it happened")
R_MINUTE = N_("times of the night are kept to the minute")
R_LANGUAGE = N_("unsupported report language")
R_BIRTH = N_("not a date of birth (use 2003-05-17 or 17.05.2003)")

if TYPE_CHECKING:
    from defender_desk.reports.chronology import ReportTimelineEntry


# -- errors ----------------------------------------------------------------------------------


class EmergencyPersonUnknown(NotFound):
    """An emergency for a person who is not in her records."""

    message = N_("no person with id {id} in your records; add the person first")


class EmergencyClosed(DefenderDeskError):
    """An entry or a place check for an emergency that was closed."""

    message = N_("emergency {id} is closed; its log can no longer change")
    hint: ClassVar[str | None] = N_(
        "add what you learned to the incident it was closed into instead"
    )


class EmergencyAlreadyClosed(EmergencyClosed):
    message = N_("emergency {id} is already closed")
    hint = N_("its record is the incident it was closed into; edit that incident instead")


class EmptyEntry(InvalidInput):
    message = N_("the entry is empty; write in one line what happened")


# -- kinds -----------------------------------------------------------------------------------


class ContactKind(StrEnum):
    LAWYER = "lawyer"
    HELPER = "helper"


class PlaceKind(StrEnum):
    POLICE = "police"
    DETENTION = "detention"  # temporary detention facility (ИВС)
    HOSPITAL = "hospital"
    OTHER = "other"


CONTACT_KIND_LABELS: Mapping[ContactKind, str] = {
    ContactKind.LAWYER: N_("Lawyer"),
    ContactKind.HELPER: N_("Helper"),
}
PLACE_KIND_LABELS: Mapping[PlaceKind, str] = {
    PlaceKind.POLICE: N_("Police department"),
    PlaceKind.DETENTION: N_("Temporary detention facility"),
    PlaceKind.HOSPITAL: N_("Hospital"),
    PlaceKind.OTHER: N_("Other place"),
}
_PLACE_ORDER = {kind: i for i, kind in enumerate(PlaceKind)}
_CONTACT_ORDER = {kind: i for i, kind in enumerate(ContactKind)}


# -- text ------------------------------------------------------------------------------------


def _check_text(value: str, limit: int, *, one_line: bool, required: bool) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise pydantic_error(R_NOT_TEXT) from None
    value = unicodedata.normalize("NFC", value)
    if one_line:
        value = value.strip()
        if any(unicodedata.category(ch) == "Cc" for ch in value):
            raise pydantic_error(R_CONTROL)
    if required and not value.strip():
        raise pydantic_error(R_EMPTY)
    if len(value) > limit:
        raise pydantic_error(R_TOO_LONG, limit=limit)
    return value


def _line(limit: int, *, required: bool = False) -> AfterValidator:
    return AfterValidator(lambda v: _check_text(v, limit, one_line=True, required=required))


def one_line(text: str) -> str:
    """``text`` as one line: every run of white space (line breaks too) becomes one space. An
    entry pasted from a message keeps its words instead of being refused at night."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def _phone(value: str) -> str:
    value = _check_text(" ".join(value.split()), PHONE_MAX, one_line=True, required=True)
    if not any(ch.isdigit() for ch in value):
        raise pydantic_error(R_PHONE)
    return value


def _optional_phone(value: str) -> str:
    return _phone(value) if value.strip() else ""


def _iin(value: str) -> str:
    """The IIN (ИИН / ЖСН) as its 12 digits; spaces and hyphens are dropped; "" if none."""
    digits = re.sub(r"[\s-]", "", value)
    if not digits:
        return ""
    if not re.fullmatch(r"[0-9]{12}", digits, re.ASCII):
        raise pydantic_error(R_IIN)
    return digits


def _birth(value: Any) -> Any:
    """Accept ``17.05.2003`` as well as ``2003-05-17``; "" means not given."""
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        m = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text, re.ASCII)
        if m:
            text = f"{int(m[3]):04d}-{int(m[2]):02d}-{int(m[1]):02d}"
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text, re.ASCII):
            raise pydantic_error(R_BIRTH)
        try:
            parsed = date.fromisoformat(text)
        except ValueError:
            raise pydantic_error(R_BIRTH) from None
        if not YEAR_MIN <= parsed.year <= YEAR_MAX:
            raise pydantic_error(R_YEAR)
        return parsed
    return value


def format_iin(iin: str) -> str:
    """An IIN grouped 6-3-3 for reading aloud (12 digits; anything else as it is)."""
    return f"{iin[:6]} {iin[6:9]} {iin[9:]}" if len(iin) == 12 else iin


Phone = Annotated[str, AfterValidator(_phone)]
OptionalPhone = Annotated[str, AfterValidator(_optional_phone)]
Iin = Annotated[str, AfterValidator(_iin)]
NameText = Annotated[str, _line(NAME_MAX, required=True)]
OptionalName = Annotated[str, _line(NAME_MAX)]
PlaceName = Annotated[str, _line(PLACE_MAX, required=True)]
Address = Annotated[str, _line(PLACE_MAX)]
SourceText = Annotated[str, _line(SOURCE_MAX)]
EntryText = Annotated[str, _line(ENTRY_MAX, required=True)]
AnswerText = Annotated[str, _line(ANSWER_MAX, required=True)]
OfficerText = Annotated[str, _line(OFFICER_MAX)]
Notes = Annotated[
    str, AfterValidator(lambda v: _check_text(v, TEXT_MAX, one_line=False, required=False))
]
Details = Annotated[
    str, AfterValidator(lambda v: _check_text(v, DETAILS_MAX, one_line=False, required=False))
]
BirthDate = Annotated[date | None, BeforeValidator(_birth)]


def _minute(value: datetime) -> datetime:
    if value.second or value.microsecond:
        raise pydantic_error(R_MINUTE)
    return value


MinuteTime = Annotated[NaiveDatetime, AfterValidator(_minute)]


# -- models ----------------------------------------------------------------------------------

_CONFIG = ConfigDict(strict=True, extra="forbid", hide_input_in_errors=True, frozen=True)


class _Listed(BaseModel):
    """What contacts and places share. ``source``/``checked_on``: both or neither — a number she
    did not enter herself names where it was taken from and when it was last checked."""

    model_config = _CONFIG

    id: RecordId
    name: NameText
    phones: Annotated[list[Phone], Field(max_length=PHONES_MAX)] = Field(default_factory=list)
    notes: Notes = ""
    source: SourceText = ""
    checked_on: date | None = None

    @model_validator(mode="after")
    def _provenance(self) -> _Listed:
        if self.source and self.checked_on is None:
            raise pydantic_error(R_CHECKED_ON, field="checked_on")
        if self.checked_on is not None and not self.source:
            raise pydantic_error(R_SOURCE, field="source")
        return self

    @property
    def entered_by_her(self) -> bool:
        return not self.source


class EmergencyContact(_Listed):
    """A lawyer or helper to call that night (at least one phone number)."""

    kind: ContactKind

    @model_validator(mode="after")
    def _has_phone(self) -> EmergencyContact:
        if not self.phones:
            raise pydantic_error(R_NO_PHONE, field="phones")
        return self


class EmergencyPlace(_Listed):
    """A place to ask whether the person is held or was brought in."""

    kind: PlaceKind
    address: Address = ""


class InquiryDetails(BaseModel):
    """The person's details as asked for in inquiries (all optional; the card prints what is
    given). ``full_name`` defaults, on the card, to the name in her records."""

    model_config = _CONFIG

    full_name: OptionalName = ""
    date_of_birth: BirthDate = None
    id_number: Iin = ""
    phone: OptionalPhone = ""
    details: Details = ""


class Emergency(BaseModel):
    model_config = _CONFIG

    id: RecordId
    person_id: RecordId
    started_at: AwareDatetime
    closed_at: AwareDatetime | None = None
    incident_id: RecordId | None = None
    details: InquiryDetails = Field(default_factory=InquiryDetails)

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class LogEntry(BaseModel):
    """One line of the log. ``happened_at``: local wall time to the minute; ``written_at``: the
    UTC instant it was written; ``written_order``: 1, 2, 3… in the order written."""

    model_config = _CONFIG

    id: RecordId
    emergency_id: RecordId
    written_order: Annotated[int, Field(ge=1)]
    written_at: AwareDatetime
    happened_at: MinuteTime
    text: EntryText
    check_id: RecordId | None = None

    def written_late(self) -> bool:
        """True if written more than :data:`LATE_AFTER` after the time it gives."""
        return local_minute(self.written_at) - self.happened_at > LATE_AFTER


class PlaceCheck(BaseModel):
    """A place asked that night: ``place`` as asked (the name in her list, or free text),
    ``place_id`` when it is one of her places."""

    model_config = _CONFIG

    id: RecordId
    emergency_id: RecordId
    place_id: RecordId | None = None
    place: PlaceName
    answer: AnswerText
    officer: OfficerText = ""
    checked_at: MinuteTime
    entry_id: RecordId


class _GuidanceRecord(BaseModel):
    model_config = _CONFIG

    language: str
    steps: Annotated[
        list[Annotated[str, _line(guidance_mod.STEP_MAX, required=True)]],
        Field(min_length=1, max_length=guidance_mod.STEPS_MAX),
    ]


# -- views -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlaceStatus:
    """One of her places, with what it answered in this emergency (empty: not asked yet)."""

    place: EmergencyPlace
    checks: tuple[PlaceCheck, ...]

    @property
    def asked(self) -> bool:
        return bool(self.checks)


@dataclass(frozen=True, slots=True)
class EmergencyView:
    """An emergency as the screen shows it: the log in time order, her places as a checklist,
    and places asked that are not in her list."""

    emergency: Emergency
    entries: tuple[LogEntry, ...]
    places: tuple[PlaceStatus, ...]
    other_checks: tuple[PlaceCheck, ...]


# -- time ------------------------------------------------------------------------------------


def local_minute(moment: datetime) -> datetime:
    """Local wall time to the minute, naive. An aware ``moment`` is converted to this computer's
    zone; a naive one is taken as local wall time already."""
    if moment.tzinfo is not None:
        moment = moment.astimezone().replace(tzinfo=None)
    return moment.replace(second=0, microsecond=0)


def _utc_iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _minute_iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


# -- texts of the incident (fixed per language, like the reports: not the interface's) -------

_TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "written": "written {when}",
        "cut": "… {n} more entries are kept in the log of the emergency.",
    },
    "ru": {
        "written": "записано: {when}",
        "cut": "… ещё записей: {n} — они сохранены в журнале экстренной ситуации.",
    },
    "kk": {
        "written": "жазылған уақыты: {when}",
        "cut": "… тағы {n} жазба төтенше жағдай журналында сақталған.",
    },
}


def _texts(lang: str) -> Mapping[str, str]:
    try:
        return _TEXTS[lang]
    except KeyError:
        raise InvalidInput(field="language", reason=R_LANGUAGE) from None


def _exact(moment: datetime) -> FuzzyDate:
    return FuzzyDate.exact(moment.year, moment.month, moment.day, moment.hour, moment.minute)


def _written_note(entry: LogEntry, lang: str) -> str:
    if not entry.written_late():
        return ""
    written = local_minute(entry.written_at)
    when = (
        f"{written:%H:%M}"
        if written.date() == entry.happened_at.date()
        else _exact(written).render(lang)
    )
    return f" [{_texts(lang)['written'].format(when=when)}]"


def timeline_lines(entries: Sequence[LogEntry], lang: str) -> list[str]:
    """The log as lines of text: a line with the day whenever it changes (the first included),
    then ``23:40 — text`` per entry; an entry written down later says when it was written."""
    _texts(lang)
    lines: list[str] = []
    day: date | None = None
    for entry in entries:
        if entry.happened_at.date() != day:
            day = entry.happened_at.date()
            lines.append(FuzzyDate.on_day(day.year, day.month, day.day).render(lang))
        lines.append(f"{entry.happened_at:%H:%M} — {entry.text}{_written_note(entry, lang)}")
    return lines


def report_timeline(entries: Sequence[LogEntry], lang: str) -> list[ReportTimelineEntry]:
    from defender_desk.reports.chronology import ReportTimelineEntry

    """The log for the export's report: the exact time rendered in ``lang``, then the text."""
    return [
        ReportTimelineEntry(
            when=_exact(e.happened_at).render(lang), text=e.text + _written_note(e, lang)
        )
        for e in entries
    ]


def _description(summary: str, entries: Sequence[LogEntry], lang: str) -> str:
    head = summary.strip()
    lines = timeline_lines(entries, lang)
    text = "\n".join(([head, ""] if head else []) + lines)
    if len(text) <= TEXT_MAX:
        return text
    # Only for an absurdly long night: keep the first entries that fit, say how many are left.
    kept: list[str] = [head, ""] if head else []
    shown = 0
    budget = TEXT_MAX - 200
    for line in lines:
        if sum(len(x) + 1 for x in kept) + len(line) > budget:
            break
        kept.append(line)
        shown += 1 if " — " in line else 0
    kept.append(_texts(lang)["cut"].format(n=len(entries) - shown))
    return "\n".join(kept)[:TEXT_MAX]


# -- validation ------------------------------------------------------------------------------

M = TypeVar("M", bound=BaseModel)


def _bad_text(value: Any) -> bool:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_bad_text(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_bad_text(v) for v in value)
    return False


def _json_ready(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_ready(v) for v in value]
    if isinstance(value, StrEnum):
        return value.value
    return value


def _validate(model: type[M], data: Mapping[str, Any]) -> M:
    for key, value in data.items():
        if _bad_text(value):
            raise InvalidInput(field=key, reason=N_("the text is not valid Unicode"))
    try:
        return model.model_validate_json(json.dumps(_json_ready(dict(data))))
    except ValidationError as exc:
        raise validation_to_error(exc) from None


# -- the store -------------------------------------------------------------------------------


_LISTED_TABLES = {EmergencyContact: "emergency_contacts", EmergencyPlace: "emergency_places"}
_LISTED_KINDS = {EmergencyContact: "emergency_contact", EmergencyPlace: "emergency_place"}
_LISTED_PREFIX = {EmergencyContact: "ec", EmergencyPlace: "ep"}
L = TypeVar("L", EmergencyContact, EmergencyPlace)


def _guidance_record_id(lang: str) -> str:
    return f"emergency-guidance-{lang}"


class EmergencyStore:
    def __init__(self, conn: Connection, clock: Callable[[], datetime]) -> None:
        self.conn = conn
        self.clock = clock

    # -- contacts and places ------------------------------------------------------------------
    def add_contact(self, draft: Mapping[str, Any]) -> EmergencyContact:
        return self._add(EmergencyContact, draft)

    def edit_contact(self, contact_id: str, changes: Mapping[str, Any]) -> EmergencyContact:
        return self._edit(EmergencyContact, contact_id, changes)

    def delete_contact(self, contact_id: str) -> None:
        self._delete_listed(EmergencyContact, contact_id)

    def get_contact(self, contact_id: str) -> EmergencyContact:
        return self._get_listed(EmergencyContact, contact_id)

    def list_contacts(self) -> list[EmergencyContact]:
        """Lawyers first, then helpers; each in the order she entered them."""
        items = self._list(EmergencyContact)
        return sorted(items, key=lambda c: _CONTACT_ORDER[c.kind])

    def add_place(self, draft: Mapping[str, Any]) -> EmergencyPlace:
        return self._add(EmergencyPlace, draft)

    def edit_place(self, place_id: str, changes: Mapping[str, Any]) -> EmergencyPlace:
        return self._edit(EmergencyPlace, place_id, changes)

    def delete_place(self, place_id: str) -> None:
        """Delete one of her places; checks made at it keep the name as it was asked."""
        self._delete_listed(EmergencyPlace, place_id)

    def get_place(self, place_id: str) -> EmergencyPlace:
        return self._get_listed(EmergencyPlace, place_id)

    def list_places(self) -> list[EmergencyPlace]:
        """Police departments, temporary detention, hospitals, other; each in her order."""
        items = self._list(EmergencyPlace)
        return sorted(items, key=lambda p: _PLACE_ORDER[p.kind])

    def _add(self, model: type[L], draft: Mapping[str, Any]) -> L:
        item = _validate(model, {**draft, "id": new_id(_LISTED_PREFIX[model])})
        with db.transaction(self.conn):
            self._write_listed(item, "create")
        return item

    def _edit(self, model: type[L], item_id: str, changes: Mapping[str, Any]) -> L:
        current = self._get_listed(model, item_id)
        merged = {**current.model_dump(mode="json"), **changes, "id": item_id}
        item = _validate(model, merged)
        with db.transaction(self.conn):
            self._write_listed(item, "edit")
        return item

    def _get_listed(self, model: type[L], item_id: str) -> L:
        row = self.conn.execute(
            f"SELECT data FROM {_LISTED_TABLES[model]} WHERE id = ?", (item_id,)
        ).fetchone()
        if row is None:
            kind = N_("emergency contact") if model is EmergencyContact else N_("place")
            raise NotFound(kind=kind, id=item_id)
        return model.model_validate_json(row[0])

    def _list(self, model: type[L]) -> list[L]:
        return [
            model.model_validate_json(r[0])
            for r in self.conn.execute(f"SELECT data FROM {_LISTED_TABLES[model]} ORDER BY rid")
        ]

    def _write_listed(self, item: EmergencyContact | EmergencyPlace, operation: str) -> None:
        data = canonical_json(item)
        address = item.address if isinstance(item, EmergencyPlace) else None
        columns = ["id", "kind", "name", "phones", "notes", "source", "checked_on", "data"]
        values: list[Any] = [
            item.id,
            item.kind.value,
            item.name,
            json.dumps(item.phones, ensure_ascii=False),
            item.notes,
            item.source,
            item.checked_on.isoformat() if item.checked_on else None,
            data.decode("utf-8"),
        ]
        if address is not None:
            columns.insert(4, "address")
            values.insert(4, address)
        table = _LISTED_TABLES[type(item)]
        updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != "id")
        self.conn.execute(
            f"INSERT INTO {table}({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
            f" ON CONFLICT(id) DO UPDATE SET {updates}",
            values,
        )
        history.append(self.conn, _LISTED_KINDS[type(item)], item.id, operation, data, self.clock())

    def _delete_listed(self, model: type[L], item_id: str) -> None:
        self._get_listed(model, item_id)
        with db.transaction(self.conn):
            self.conn.execute(f"DELETE FROM {_LISTED_TABLES[model]} WHERE id = ?", (item_id,))
            self._tombstone(_LISTED_KINDS[model], item_id)
        db.checkpoint(self.conn)

    def _tombstone(self, kind: str, record_id: str) -> None:
        """A delete revision, then the content of every revision of the record purged."""
        tomb = json.dumps({"deleted": record_id}, separators=(",", ":")).encode()
        history.append(self.conn, kind, record_id, "delete", tomb, self.clock())
        history.purge(self.conn, record_id)

    # -- first steps ----------------------------------------------------------------------------
    def guidance(self, lang: str) -> guidance_mod.Guidance:
        """Her wording of the first steps in ``lang`` if she edited it, else the shipped one."""
        guidance_mod.check_language(lang)
        row = self.conn.execute(
            "SELECT data FROM emergency_guidance WHERE lang = ?", (lang,)
        ).fetchone()
        if row is None:
            return guidance_mod.shipped(lang)
        record = _GuidanceRecord.model_validate_json(row[0])
        return guidance_mod.edited(lang, record.steps)

    def set_guidance(self, lang: str, steps: Iterable[str]) -> guidance_mod.Guidance:
        """Replace the first steps in ``lang`` with hers (blank steps are dropped)."""
        guidance_mod.check_language(lang)
        kept = [s for s in steps if isinstance(s, str) and s.strip()]
        record = _validate(_GuidanceRecord, {"language": lang, "steps": kept})
        data = canonical_json(record)
        record_id = _guidance_record_id(lang)
        with db.transaction(self.conn):
            existed = self.conn.execute(
                "SELECT 1 FROM emergency_guidance WHERE lang = ?", (lang,)
            ).fetchone()
            self.conn.execute(
                "INSERT INTO emergency_guidance(lang, data) VALUES (?, ?)"
                " ON CONFLICT(lang) DO UPDATE SET data = excluded.data",
                (lang, data.decode("utf-8")),
            )
            history.append(
                self.conn,
                "emergency_guidance",
                record_id,
                "edit" if existed else "create",
                data,
                self.clock(),
            )
        return guidance_mod.edited(lang, record.steps)

    def reset_guidance(self, lang: str) -> guidance_mod.Guidance:
        """Back to the shipped first steps in ``lang``; her wording is purged from history."""
        guidance_mod.check_language(lang)
        with db.transaction(self.conn):
            cur = self.conn.execute("DELETE FROM emergency_guidance WHERE lang = ?", (lang,))
            if cur.rowcount:
                self._tombstone("emergency_guidance", _guidance_record_id(lang))
        return guidance_mod.shipped(lang)

    # -- emergencies --------------------------------------------------------------------------
    def start(self, person_id: str, details: Mapping[str, Any] | None = None) -> Emergency:
        """Open an emergency for a person of her circle. If one is already open for that person
        it is returned (with ``details`` applied) rather than a second one opened: a second
        click at night must not split the log."""
        if not self.conn.execute("SELECT 1 FROM people WHERE id = ?", (person_id,)).fetchone():
            raise EmergencyPersonUnknown(kind=N_("person"), id=person_id)
        row = self.conn.execute(
            "SELECT id FROM emergencies WHERE person_id = ? AND closed_at IS NULL"
            " ORDER BY started_at LIMIT 1",
            (person_id,),
        ).fetchone()
        if row is not None:
            return self.edit_details(row[0], details) if details else self.get(row[0])
        emergency = _validate(
            Emergency,
            {
                "id": new_id("em"),
                "person_id": person_id,
                "started_at": self.clock().astimezone(UTC),
                "details": dict(details or {}),
            },
        )
        with db.transaction(self.conn):
            self._write_emergency(emergency, "create")
        return emergency

    def edit_details(self, emergency_id: str, changes: Mapping[str, Any] | None) -> Emergency:
        """Change the person's details for inquiries (allowed while open and after)."""
        current = self.get(emergency_id)
        details = {**current.details.model_dump(mode="json"), **(changes or {})}
        emergency = _validate(Emergency, {**current.model_dump(mode="json"), "details": details})
        with db.transaction(self.conn):
            self._write_emergency(emergency, "edit")
        return emergency

    def get(self, emergency_id: str) -> Emergency:
        row = self.conn.execute(
            "SELECT data, incident_id FROM emergencies WHERE id = ?", (emergency_id,)
        ).fetchone()
        if row is None:
            raise NotFound(kind=N_("emergency"), id=emergency_id)
        return self._emergency_from_row(row[0], row[1])

    def listing(self, *, open_only: bool = False) -> list[Emergency]:
        """Newest first; open ones first of all."""
        rows = self.conn.execute(
            "SELECT data, incident_id FROM emergencies"
            " WHERE ? = 0 OR closed_at IS NULL"
            " ORDER BY closed_at IS NOT NULL, started_at DESC, id",
            (int(open_only),),
        )
        return [self._emergency_from_row(data, incident) for data, incident in rows]

    @staticmethod
    def _emergency_from_row(data: str, incident_id: str | None) -> Emergency:
        emergency = Emergency.model_validate_json(data)
        # The incident may have been deleted since (the column is then NULL).
        if emergency.incident_id != incident_id:
            emergency = emergency.model_copy(update={"incident_id": incident_id})
        return emergency

    def entry_counts(self) -> dict[str, int]:
        return {
            r[0]: int(r[1])
            for r in self.conn.execute(
                "SELECT emergency_id, count(*) FROM emergency_entries GROUP BY emergency_id"
            )
        }

    def _write_emergency(self, emergency: Emergency, operation: str) -> None:
        data = canonical_json(emergency)
        self.conn.execute(
            "INSERT INTO emergencies(id, person_id, started_at, closed_at, incident_id, data)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET"
            " closed_at = excluded.closed_at, incident_id = excluded.incident_id,"
            " data = excluded.data",
            (
                emergency.id,
                emergency.person_id,
                _utc_iso(emergency.started_at),
                _utc_iso(emergency.closed_at) if emergency.closed_at else None,
                emergency.incident_id,
                data.decode("utf-8"),
            ),
        )
        history.append(self.conn, "emergency", emergency.id, operation, data, self.clock())

    def _require_open(self, emergency_id: str) -> Emergency:
        emergency = self.get(emergency_id)
        if not emergency.is_open:
            raise EmergencyClosed(id=emergency_id)
        return emergency

    # -- the log ------------------------------------------------------------------------------
    def entries(self, emergency_id: str) -> list[LogEntry]:
        """The log in time order; entries with the same minute in the order written."""
        return [
            LogEntry.model_validate_json(r[0])
            for r in self.conn.execute(
                "SELECT data FROM emergency_entries WHERE emergency_id = ?"
                " ORDER BY happened_at, written_order",
                (emergency_id,),
            )
        ]

    def _when(self, happened_at: datetime | None, now: datetime) -> datetime:
        when = local_minute(now if happened_at is None else happened_at)
        if not YEAR_MIN <= when.year <= YEAR_MAX:
            raise InvalidInput(field="happened_at", reason=R_YEAR)
        if when > local_minute(now) + FUTURE_SLACK:
            raise InvalidInput(field="happened_at", reason=R_FUTURE)
        return when

    def log(self, emergency_id: str, text: str, happened_at: datetime | None = None) -> LogEntry:
        """Add one entry. The time is now (this computer's zone) unless ``happened_at`` is given
        (for what she writes down later); the entry takes its place in time order."""
        if not isinstance(text, str) or _bad_text(text):
            raise InvalidInput(field="text", reason=N_("the text is not valid Unicode"))
        line = one_line(text)
        if not line:
            raise EmptyEntry(field="text", reason=R_EMPTY)
        self._require_open(emergency_id)
        now = self.clock()
        when = self._when(happened_at, now)
        with db.transaction(self.conn):
            entry = self._append_entry(emergency_id, line, when, now, None)
        return entry

    def _append_entry(
        self,
        emergency_id: str,
        text: str,
        when: datetime,
        now: datetime,
        check_id: str | None,
        entry_id: str | None = None,
    ) -> LogEntry:
        """Inside the caller's transaction: re-check that the emergency is open, then write."""
        row = self.conn.execute(
            "SELECT closed_at FROM emergencies WHERE id = ?", (emergency_id,)
        ).fetchone()
        if row is None:
            raise NotFound(kind=N_("emergency"), id=emergency_id)
        if row[0] is not None:
            raise EmergencyClosed(id=emergency_id)
        order = int(
            self.conn.execute(
                "SELECT coalesce(max(written_order), 0) + 1 FROM emergency_entries"
                " WHERE emergency_id = ?",
                (emergency_id,),
            ).fetchone()[0]
        )
        entry = _validate(
            LogEntry,
            {
                "id": entry_id or new_id("ee"),
                "emergency_id": emergency_id,
                "written_order": order,
                "written_at": now.astimezone(UTC),
                "happened_at": when,
                "text": text,
                "check_id": check_id,
            },
        )
        data = canonical_json(entry)
        self.conn.execute(
            "INSERT INTO emergency_entries(id, emergency_id, written_order, written_at,"
            " happened_at, text, check_id, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                entry.id,
                emergency_id,
                entry.written_order,
                _utc_iso(entry.written_at),
                _minute_iso(entry.happened_at),
                entry.text,
                check_id,
                data.decode("utf-8"),
            ),
        )
        history.append(self.conn, "emergency_entry", entry.id, "create", data, now)
        return entry

    # -- places asked -------------------------------------------------------------------------
    def checks(self, emergency_id: str) -> list[PlaceCheck]:
        rows = self.conn.execute(
            "SELECT c.data, c.place_id FROM emergency_checks c"
            " JOIN emergency_entries e ON e.id = c.entry_id"
            " WHERE c.emergency_id = ? ORDER BY c.checked_at, e.written_order",
            (self.get(emergency_id).id,),
        )
        out: list[PlaceCheck] = []
        for data, place_id in rows:
            check = PlaceCheck.model_validate_json(data)
            if check.place_id != place_id:  # the place was deleted from her list since
                check = check.model_copy(update={"place_id": place_id})
            out.append(check)
        return out

    def _resolve_place(self, place: str) -> tuple[str | None, str]:
        """(place id, name) for ``place``: one of her places by id or by name (ignoring case),
        else free text."""
        text = one_line(place) if isinstance(place, str) else ""
        if not text:
            raise InvalidInput(field="place", reason=R_EMPTY)
        for item in self.list_places():
            if item.id == text or item.name.casefold() == text.casefold():
                return item.id, item.name
        return None, text

    def check_place(
        self,
        emergency_id: str,
        place: str,
        answer: str,
        officer: str = "",
        happened_at: datetime | None = None,
    ) -> PlaceCheck:
        """Record a place asked: what it answered and who answered (name or badge number). The
        check is also an entry of the log: ``Place: answer (officer)``."""
        for name, value in (("place", place), ("answer", answer), ("officer", officer)):
            if not isinstance(value, str) or _bad_text(value):
                raise InvalidInput(field=name, reason=N_("the text is not valid Unicode"))
        self._require_open(emergency_id)
        place_id, place_name = self._resolve_place(place)
        answer_line, officer_line = one_line(answer), one_line(officer)
        now = self.clock()
        when = self._when(happened_at, now)
        check = _validate(
            PlaceCheck,
            {
                "id": new_id("ek"),
                "emergency_id": emergency_id,
                "place_id": place_id,
                "place": place_name,
                "answer": answer_line,
                "officer": officer_line,
                "checked_at": when,
                "entry_id": new_id("ee"),
            },
        )
        text = f"{check.place}: {check.answer}" + (f" ({check.officer})" if check.officer else "")
        with db.transaction(self.conn):
            self._append_entry(emergency_id, text, when, now, check.id, check.entry_id)
            data = canonical_json(check)
            self.conn.execute(
                "INSERT INTO emergency_checks(id, emergency_id, place_id, place, answer, officer,"
                " checked_at, entry_id, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    check.id,
                    emergency_id,
                    check.place_id,
                    check.place,
                    check.answer,
                    check.officer,
                    _minute_iso(check.checked_at),
                    check.entry_id,
                    data.decode("utf-8"),
                ),
            )
            history.append(self.conn, "emergency_check", check.id, "create", data, now)
        return check

    def view(self, emergency_id: str) -> EmergencyView:
        emergency = self.get(emergency_id)
        checks = self.checks(emergency_id)
        places = self.list_places()
        known = {p.id for p in places}
        return EmergencyView(
            emergency=emergency,
            entries=tuple(self.entries(emergency_id)),
            places=tuple(
                PlaceStatus(p, tuple(c for c in checks if c.place_id == p.id)) for p in places
            ),
            other_checks=tuple(c for c in checks if c.place_id not in known),
        )

    # -- closing ------------------------------------------------------------------------------
    def close(
        self,
        emergency_id: str,
        category: str,
        *,
        lang: str,
        title: str | None = None,
        summary: str = "",
        actor_ids: Sequence[str] = (),
        place: str = "",
    ) -> Incident:
        """Close the emergency into a new incident, in one transaction: ``category`` (a taxonomy
        code), the person as its target, ``actor_ids`` as who acted, ``happened`` the first
        entry's time (exact), ``until`` the last one's, the description ``summary`` then the
        timeline of the night (fixed texts in ``lang``). The log stays, read-only."""
        emergency = self.get(emergency_id)
        if not emergency.is_open:
            raise EmergencyAlreadyClosed(id=emergency_id)
        _texts(lang)
        label = taxonomy.label(category, lang)  # UnknownCategory before anything is written
        records = RecordStore(self.conn, self.clock)
        person = records.get_person(emergency.person_id)
        entries = self.entries(emergency_id)
        first = entries[0].happened_at if entries else local_minute(emergency.started_at)
        last = entries[-1].happened_at if entries else first
        if title is None or not title.strip():
            title = f"{label} — {person.name}"
            if len(title) > TITLE_MAX:
                title = title[: TITLE_MAX - 1] + "…"
        draft: dict[str, Any] = {
            "id": new_id("i"),
            "category": category,
            "title": title,
            "description": _description(summary, entries, lang),
            "happened": str(_exact(first)),
            "target_ids": [emergency.person_id],
            "actor_ids": list(actor_ids),
            "place": place,
        }
        if last > first:
            draft["until"] = str(_exact(last))
        incident = _validate(Incident, draft)
        for pid in incident.actor_ids:
            if not self.conn.execute("SELECT 1 FROM people WHERE id = ?", (pid,)).fetchone():
                raise NotFound(kind=N_("person"), id=pid)
        closed = emergency.model_copy(
            update={"closed_at": self.clock().astimezone(UTC), "incident_id": incident.id}
        )
        closed = _validate(Emergency, closed.model_dump(mode="json"))
        with db.transaction(self.conn):
            row = self.conn.execute(
                "SELECT closed_at FROM emergencies WHERE id = ?", (emergency_id,)
            ).fetchone()
            if row is None or row[0] is not None:
                raise EmergencyAlreadyClosed(id=emergency_id)
            # RecordStore.add_incident opens its own transaction; closing must be one.
            records._write_incident(incident, "create")
            self._write_emergency(closed, "edit")
        return incident

    def by_incident(self, incident_id: str) -> Emergency | None:
        row = self.conn.execute(
            "SELECT data, incident_id FROM emergencies WHERE incident_id = ?", (incident_id,)
        ).fetchone()
        return None if row is None else self._emergency_from_row(row[0], row[1])

    # -- deleting -----------------------------------------------------------------------------
    def delete(self, emergency_id: str) -> None:
        """Delete an emergency with its log and checks, and purge their text from history. The
        incident it was closed into (if any) is not touched."""
        self.get(emergency_id)
        with db.transaction(self.conn):
            checks = [
                r[0]
                for r in self.conn.execute(
                    "SELECT id FROM emergency_checks WHERE emergency_id = ?", (emergency_id,)
                )
            ]
            entries = [
                r[0]
                for r in self.conn.execute(
                    "SELECT id FROM emergency_entries WHERE emergency_id = ?", (emergency_id,)
                )
            ]
            self.conn.execute("DELETE FROM emergencies WHERE id = ?", (emergency_id,))
            for check_id in checks:
                self._tombstone("emergency_check", check_id)
            for entry_id in entries:
                self._tombstone("emergency_entry", entry_id)
            self._tombstone("emergency", emergency_id)
        db.checkpoint(self.conn)

    # -- consistency --------------------------------------------------------------------------
    def consistency_problems(self) -> list[history.Problem]:
        """Live rows that differ from their latest revision (an edit outside the app)."""
        problems: list[history.Problem] = []
        sources = (
            ("emergency_contacts", "emergency contact", "id"),
            ("emergency_places", "place", "id"),
            ("emergencies", "emergency", "id"),
            ("emergency_entries", "emergency entry", "id"),
            ("emergency_checks", "place check", "id"),
            ("emergency_guidance", "first steps", "'emergency-guidance-' || lang"),
        )
        for table, kind, key in sources:
            for rid, data in self.conn.execute(f"SELECT {key}, data FROM {table} ORDER BY 1"):
                if history.latest_content(self.conn, rid) != data.encode("utf-8"):
                    problems.append(
                        history.Problem(
                            N_("history: the {kind} {id} differs from its last revision"),
                            {"kind": kind, "id": rid},
                        )
                    )
        return problems
