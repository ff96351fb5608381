"""The obligation records, validated on construction.

Every model is frozen, strict (no silent coercion: a date is a ``date``, not a string, except when
reading JSON) and forbids unknown fields. Validation problems that only we can judge (an end
before a start, a repeat rule that never occurs, a check-in moved onto another one) raise an
:class:`ObligationError` whose ``reason`` is an ``N_()``-marked phrase; wrong types and missing
fields raise pydantic's ``ValidationError`` from the constructors, and :func:`parse_obligation` /
:func:`parse_record` turn those into an :class:`ObligationError` too. No error carries record
content: only field names and fixed phrases.

Times of day are **local wall time in a named IANA zone** (naive ``datetime`` + ``zone``); see
:mod:`defender_desk.obligations.schedule` for why and for what the end dates mean.

To change a record, validate again: ``Model.model_validate({**old.model_dump(), **changes})``
(``model_copy(update=...)`` would skip validation).
"""

from __future__ import annotations

import re
from datetime import MAXYEAR, date, datetime, time, timedelta
from functools import lru_cache
from typing import Annotated, Any, Literal, NoReturn, TypeAlias, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import rrule as RRule  # the class; CheckIn.rrule is the text
from dateutil.rrule import rrulestr
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    model_validator,
)

from defender_desk.errors import N_, InvalidInput

__all__ = [
    "DEFAULT_LEADS",
    "AttendanceEntry",
    "CheckIn",
    "Hearing",
    "Move",
    "MovedOntoAnother",
    "Obligation",
    "ObligationError",
    "Probation",
    "Restriction",
    "RestrictionKind",
    "ScheduleError",
    "SupervisingBody",
    "SupervisionEvent",
    "parse_obligation",
    "parse_record",
    "parse_rule",
    "rule_parts",
]


class ObligationError(InvalidInput):
    """A value of an obligation does not fit; ``field`` names it, ``reason`` says why."""

    message = N_("{field}: {reason}")


class ScheduleError(ObligationError):
    """The repeat rule (RRULE) of a check-in cannot be used."""

    message = N_("the repeat rule: {reason}")
    hint = N_("example: FREQ=MONTHLY;BYDAY=2MO,4MO means every 2nd and 4th Monday")


class MovedOntoAnother(ScheduleError):
    """A moved check-in would land on another one: refused, so that neither is lost."""

    message = N_("{field}: {reason}")
    hint = N_("cancel one of the two instead, or move it to another time")


def _fail(field: str, reason: str) -> NoReturn:
    raise ObligationError(field=field, reason=reason)


RestrictionKind: TypeAlias = Literal[
    "public_activity", "leave_area", "curfew", "reporting", "no_contact", "other"
]
#: Reminder lead times used when none are given: a day before, and two hours before.
DEFAULT_LEADS: tuple[timedelta, ...] = (timedelta(days=1), timedelta(hours=2))
_MIN_LEAD, _MAX_LEAD = timedelta(minutes=1), timedelta(days=60)
#: How far ahead validation looks for a first occurrence ("never occurs" means not in this span).
_HORIZON = timedelta(days=3653)
#: Caps on a check-in rule, so that expanding it stays cheap (a rule with 1,380 check-ins a day
#: froze the desktop for seconds): at most this many a day, and this many in all.
MAX_PER_DAY = 4
MAX_OCCURRENCES = 8000
_CYCLE = timedelta(days=146097)  # 400 Gregorian years
_FREQS = frozenset({"DAILY", "WEEKLY", "MONTHLY", "YEARLY"})
_PART = re.compile(r"[A-Z]+=[A-Z0-9+,-]+")
_BYDAY = re.compile(r"([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)")
# RFC 5545 ranges; zero is never allowed. INTERVAL is capped where a check-in still makes sense.
_RANGES: dict[str, tuple[int, int]] = {
    "INTERVAL": (1, 1000),
    "BYSECOND": (0, 59),
    "BYMINUTE": (0, 59),
    "BYHOUR": (0, 23),
    "BYMONTHDAY": (-31, 31),
    "BYYEARDAY": (-366, 366),
    "BYWEEKNO": (-53, 53),
    "BYMONTH": (1, 12),
    "BYSETPOS": (-366, 366),
}


def _wall(value: datetime, info: ValidationInfo) -> datetime:
    if value.tzinfo is not None:
        _fail(info.field_name or "time", N_("give the local time without a UTC offset"))
    if not 1900 <= value.year <= 2200:
        _fail(info.field_name or "time", N_("the year is out of range"))
    return value.replace(microsecond=0)


def _title(value: str, info: ValidationInfo) -> str:
    if not value.strip():
        _fail(info.field_name or "title", N_("this must not be empty"))
    return value


class _Model(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", hide_input_in_errors=True, frozen=True)


def _check_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        _fail("zone", N_("unknown time zone"))
    return value


def _check_leads(leads: list[timedelta]) -> list[timedelta]:
    if any(not _MIN_LEAD <= lead <= _MAX_LEAD for lead in leads):
        _fail("reminders", N_("a reminder must come between a minute and 60 days before"))
    if len(set(leads)) != len(leads):
        _fail("reminders", N_("the same reminder is given twice"))
    return sorted(leads, reverse=True)


WallTime = Annotated[datetime, AfterValidator(_wall)]
Title = Annotated[str, AfterValidator(_title)]
ZoneName = Annotated[str, AfterValidator(_check_zone)]
Leads = Annotated[list[timedelta], AfterValidator(_check_leads)]


def _end_of(day: date) -> datetime:
    """The last wall-clock second of ``day`` (rrule's UNTIL is inclusive)."""
    return datetime.combine(day, time(23, 59, 59))


class SupervisingBody(_Model):
    name: str = ""
    address: str = ""
    officer: str = ""


class Probation(_Model):
    kind: Literal["probation"] = "probation"
    id: str
    title: Title
    start: date
    #: The last day of probation, as the verdict states it (inclusive); never computed.
    until: date
    body: SupervisingBody = Field(default_factory=SupervisingBody)
    conditions: list[str] = Field(default_factory=list)
    decision: str = ""  # court decision reference

    @model_validator(mode="after")
    def _order(self) -> Probation:
        if self.until < self.start:
            _fail("until", N_("the end is before the start"))
        return self


class Restriction(_Model):
    kind: Literal["restriction"] = "restriction"
    id: str
    title: Title
    restriction_kind: RestrictionKind
    start: date
    #: The last day the restriction applies, as the decision states it; None = open-ended.
    until: date | None = None
    decision: str = ""  # the source decision
    forbids: str = ""  # what it forbids, in her own words

    @model_validator(mode="after")
    def _order(self) -> Restriction:
        if self.until is not None and self.until < self.start:
            _fail("until", N_("the end is before the start"))
        return self


class Move(_Model):
    """One check-in moved from its scheduled wall time to another."""

    original: WallTime
    to: WallTime


def _unreadable() -> NoReturn:
    raise ScheduleError(field="rrule", reason=N_("the repeat rule cannot be read"))


def _ints(value: str, low: int, high: int) -> None:
    for item in value.split(","):
        if not re.fullmatch(r"[+-]?\d{1,4}", item) or not low <= int(item) <= high:
            _unreadable()
        if low < 0 and int(item) == 0:
            _unreadable()


def rule_parts(text: str) -> dict[str, str]:
    """``FREQ=WEEKLY;BYDAY=MO`` (an optional ``RRULE:`` prefix allowed) as ``{"FREQ": ...}``,
    checked against RFC 5545's names and ranges (dateutil alone lets some through: INTERVAL=0
    repeats forever, BYDAY=+60MO crashes while iterating)."""
    parts: dict[str, str] = {}
    for item in text.strip().upper().removeprefix("RRULE:").split(";"):
        if not _PART.fullmatch(item) or item.split("=")[0] in parts:
            _unreadable()
        name, value = item.split("=")
        parts[name] = value
        if name in _RANGES:
            _ints(value, *_RANGES[name])
        elif name not in ("FREQ", "WKST", "UNTIL", "COUNT", "BYDAY"):
            _unreadable()
    # A numbered weekday ("2MO") only means something within a month or a year.
    freq = parts.get("FREQ")
    limit = 5 if freq == "MONTHLY" or (freq == "YEARLY" and "BYMONTH" in parts) else 0
    limit = 53 if freq == "YEARLY" and not limit else limit
    for day in parts.get("BYDAY", "MO").split(","):
        found = _BYDAY.fullmatch(day)
        if not found or (found[1] is not None and not 0 < abs(int(found[1])) <= limit):
            _unreadable()
    return parts


@lru_cache(maxsize=256)
def parse_rule(text: str, start: datetime) -> RRule:
    """Parse one RRULE with ``start`` (naive wall time) as DTSTART, or raise ScheduleError.

    Only one rule, no DTSTART/EXDATE lines (the model holds those), no UNTIL/COUNT (the end is
    the ``until`` date, so there is one place for it) and nothing more frequent than daily.
    """
    parts = rule_parts(text)
    if "UNTIL" in parts or "COUNT" in parts:
        raise ScheduleError(
            field="rrule", reason=N_("UNTIL and COUNT are not used here; give the end date instead")
        )
    if parts.get("FREQ") not in _FREQS:
        raise ScheduleError(
            field="rrule", reason=N_("check-ins repeat daily, weekly, monthly or yearly")
        )
    per_day = 1
    for name in ("BYHOUR", "BYMINUTE", "BYSECOND"):
        if name in parts:
            per_day *= len(set(parts[name].split(",")))
    if per_day > MAX_PER_DAY:
        raise ScheduleError(
            field="rrule", reason=N_("a check-in can repeat at most four times a day")
        )
    parts.setdefault("WKST", "MO")  # RFC 5545's default, not the process-wide calendar's
    try:
        rule = rrulestr(";".join(f"{k}={v}" for k, v in parts.items()), dtstart=start)
    except (ValueError, TypeError, KeyError, IndexError, OverflowError):
        raise ScheduleError(field="rrule", reason=N_("the repeat rule cannot be read")) from None
    if not isinstance(rule, RRule):  # pragma: no cover - a single RRULE line always gives one
        raise ScheduleError(field="rrule", reason=N_("the repeat rule cannot be read"))
    return rule


class CheckIn(_Model):
    """A recurring check-in: RRULE from ``start`` (local wall time in ``zone``) to ``until``.

    ``start`` gives the first day considered and the time of day; like RFC 5545 (and dateutil),
    it is itself a check-in only if the rule matches it. Days the rule names that do not exist
    in a month (a 5th Monday, the 31st) are skipped in that month.
    """

    kind: Literal["checkin"] = "checkin"
    id: str
    title: Title
    rrule: str
    start: WallTime
    zone: ZoneName
    place: str = ""
    #: Last day of check-ins (inclusive); None = until further notice.
    until: date | None = None
    moves: list[Move] = Field(default_factory=list)
    cancelled: list[WallTime] = Field(default_factory=list)
    reminders: Leads = Field(default_factory=lambda: list(DEFAULT_LEADS))

    def rule(self, end: datetime | None = None) -> RRule:
        """The dateutil rule, stopping at ``until`` and, if given, at ``end`` (wall time)."""
        stops = [t for t in (end, _end_of(self.until) if self.until else None) if t is not None]
        rule = parse_rule(self.rrule, self.start)
        return rule.replace(until=min(stops)) if stops else rule

    def occurs(self) -> bool:
        """Whether the rule has a check-in between ``start`` and ``until`` (or ten years on).

        dateutil checks its UNTIL only against matching dates, so a rule that never matches
        (30 February) would run on to the year 9999: seconds for a daily rule. The Gregorian
        calendar repeats exactly every 400 years (146097 days, a whole number of weeks), so the
        same question is asked of a copy shifted to the last 400 years before 9999, where that
        run is short.
        """
        last = self.start + _HORIZON
        if self.until is not None:
            last = min(last, _end_of(self.until))
        shift = _CYCLE * ((MAXYEAR - 1 - last.year) // 400)
        probe = parse_rule(self.rrule, self.start + shift).replace(until=last + shift)
        try:
            return next(iter(probe), None) is not None
        except (IndexError, ValueError, OverflowError):  # pragma: no cover - a dateutil bug net
            _unreadable()

    def occurrence_count(self, limit: int) -> int:
        """How many check-ins the rule gives from ``start`` to ``until`` (or ten years on), or
        an upper bound of it when that bound (most per day × days) is already under ``limit``;
        never counts past ``limit``."""
        last = self.start + _HORIZON
        if self.until is not None:
            last = min(last, _end_of(self.until))
        parts = rule_parts(self.rrule)
        per_day = 1
        for name in ("BYHOUR", "BYMINUTE", "BYSECOND"):
            if name in parts:
                per_day *= len(set(parts[name].split(",")))
        days = (last.date() - self.start.date()).days + 1
        if per_day * days < limit:
            return per_day * days
        rule = parse_rule(self.rrule, self.start).replace(until=last)
        count = 0
        for _ in rule:
            count += 1
            if count >= limit:
                break
        return count

    def is_scheduled(self, wall: datetime) -> bool:
        """Whether the rule (before moves and cancellations) has a check-in at ``wall``."""
        return wall in self.rule(end=wall)

    @model_validator(mode="after")
    def _schedule(self) -> CheckIn:
        if self.until is not None and self.until < self.start.date():
            _fail("until", N_("the end is before the start"))
        if not self.occurs():
            raise ScheduleError(field="rrule", reason=N_("the repeat rule never occurs"))
        if self.occurrence_count(MAX_OCCURRENCES + 1) > MAX_OCCURRENCES:
            raise ScheduleError(
                field="rrule",
                reason=N_(
                    "the repeat rule gives more than 8000 check-ins; give an earlier end date"
                ),
            )
        originals = [m.original for m in self.moves]
        targets = [m.to for m in self.moves]
        if any(abs(t - self.start) > _HORIZON for t in [*originals, *targets, *self.cancelled]):
            _fail("moves", N_("this is more than ten years from the start"))
        if len(set(originals)) != len(originals):
            _fail("moves", N_("the same check-in is moved twice"))
        if len(set(self.cancelled)) != len(self.cancelled):
            _fail("cancelled", N_("the same check-in is cancelled twice"))
        if set(originals) & set(self.cancelled):
            _fail("cancelled", N_("a check-in is both moved and cancelled"))
        if not all(self.is_scheduled(t) for t in originals):
            _fail("moves", N_("a moved check-in is not one of the scheduled ones"))
        if not all(self.is_scheduled(t) for t in self.cancelled):
            _fail("cancelled", N_("a cancelled check-in is not one of the scheduled ones"))
        if len(set(targets)) != len(targets):
            raise MovedOntoAnother(field="moves", reason=N_("two check-ins are moved to one time"))
        freed = set(originals) | set(self.cancelled)
        if any(t not in freed and self.is_scheduled(t) for t in targets):
            raise MovedOntoAnother(
                field="moves", reason=N_("a check-in is moved onto the time of another check-in")
            )
        return self


class Hearing(_Model):
    """A hearing or a procedural deadline at a local wall time in ``zone``."""

    kind: Literal["hearing"] = "hearing"
    id: str
    title: Title
    at: WallTime
    zone: ZoneName
    body: str = ""  # court or body
    case: str = ""  # case number
    bring: str = ""  # what to bring
    basis: str = ""  # legal basis of the deadline
    reminders: Leads = Field(default_factory=lambda: list(DEFAULT_LEADS))


class AttendanceEntry(_Model):
    """Proof of compliance for one occurrence (by its local date, scheduled or moved-to)."""

    id: str
    title: str = ""
    obligation_id: str
    occurrence: date
    status: Literal["attended", "missed", "moved"]
    note: str = ""  # the reason when missed
    evidence: list[str] = Field(default_factory=list)  # evidence ids


class SupervisionEvent(_Model):
    """A warning, a permission, a notification of a change, or hours of compulsory labour."""

    id: str
    title: str = ""
    obligation_id: str
    kind: Literal["warning", "permission", "notification", "labour"]
    day: date
    hours: float | None = None  # labour only
    note: str = ""
    evidence: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _hours(self) -> SupervisionEvent:
        if self.kind == "labour" and (self.hours is None or not 0 < self.hours <= 24):
            _fail("hours", N_("labour needs its hours, more than 0 and at most 24"))
        if self.kind != "labour" and self.hours is not None:
            _fail("hours", N_("hours are only for labour"))
        return self


Obligation: TypeAlias = Annotated[
    Probation | Restriction | CheckIn | Hearing, Field(discriminator="kind")
]
_OBLIGATION: TypeAdapter[Probation | Restriction | CheckIn | Hearing] = TypeAdapter(Obligation)
_M = TypeVar("_M", bound=BaseModel)


def _from_pydantic(exc: ValidationError) -> ObligationError:
    first = exc.errors(include_url=False, include_input=False, include_context=False)[0]
    field = ".".join(str(p) for p in first["loc"]) or "kind"
    kind = first["type"]
    if kind == "missing":
        reason = N_("this is required")
    elif kind == "extra_forbidden":
        reason = N_("this field is not known")
    elif kind.startswith("union_tag") or kind == "literal_error":
        reason = N_("this is not one of the choices")
    else:
        reason = N_("this value has the wrong type")
    return ObligationError(field=field, reason=reason)


def parse_obligation(data: Any) -> Probation | Restriction | CheckIn | Hearing:
    """An obligation from a dict (Python objects) or from JSON text, chosen by its ``kind``."""
    try:
        if isinstance(data, str | bytes):
            return _OBLIGATION.validate_json(data)
        return _OBLIGATION.validate_python(data)
    except ValidationError as exc:
        raise _from_pydantic(exc) from None


def parse_record(model: type[_M], data: Any) -> _M:
    """Any of the models from a dict or JSON text, with our error instead of pydantic's."""
    try:
        if isinstance(data, str | bytes):
            return model.model_validate_json(data)
        return model.model_validate(data)
    except ValidationError as exc:
        raise _from_pydantic(exc) from None
