"""The schedule engine: occurrences, what is due or overdue, countdowns, reminders. Pure.

Rules this module decides (tested in ``tests/obligations``):

**End dates are inclusive.** A verdict's "until 25 December" includes 25 December, so
``Probation.until`` and ``Restriction.until`` are the *last day in force*. On that day the
obligation still runs (``days_left == 0``, "ends today"); the day after it no longer does and it
leaves the countdowns. "Ends in 31 days" means the last day is 31 calendar days after today.
"Today" is the calendar date of ``now`` in the user's zone. End dates are what she entered;
nothing here derives one from a duration.

**Times are stored as local wall time plus an IANA zone name** (``CheckIn.start``,
``Hearing.at``, moves and cancellations are naive; ``zone`` names the place). A rule is expanded
in wall time, so a weekly check-in at 10:00 stays at 10:00 when the zone's offset changes
(Asia/Almaty and Asia/Qostanay went from UTC+6 to UTC+5 on 2024-03-01); only then is the zone
attached (``fold=0``: a wall time that happens twice means the first one, one that is skipped
means the offset before the change). Every result is an aware ``datetime`` in that zone; every
comparison and every subtraction is done in UTC, never on wall clocks.

**A check-in moved onto another check-in is refused** (:class:`MovedOntoAnother`, at
validation), so no occurrence is ever silently lost or doubled. Moving onto a slot whose own
check-in was cancelled or moved away is allowed.

**Due / overdue:** an occurrence before ``now`` with no attendance entry is overdue; one from
``now`` to the end of the last day of the window is due. An entry (attended, missed or moved)
for the occurrence's scheduled or moved-to local date resolves it.

**Reminders:** for each occurrence and lead time, a reminder fires at ``occurrence - lead``
(absolute time: "2 hours before" is 2 real hours even across an offset change) and stays due
until the occurrence starts; ``since`` leaves out those already fired before it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from defender_desk.errors import N_
from defender_desk.obligations.models import (
    AttendanceEntry,
    CheckIn,
    Hearing,
    ObligationError,
    Probation,
    Restriction,
    RestrictionKind,
)

__all__ = [
    "Countdown",
    "Due",
    "Occurrence",
    "Reminder",
    "Span",
    "bound_to_probation",
    "countdowns",
    "due",
    "due_reminders",
    "in_force",
    "occurrences",
    "resolved",
    "time_left",
    "today_in",
]

AnyObligation = Probation | Restriction | CheckIn | Hearing
_DAY = timedelta(days=1)
_EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)


def _utc(value: datetime, name: str = "time") -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")
    return value.astimezone(UTC)


def _attach(wall: datetime, zone: ZoneInfo) -> datetime:
    return wall.replace(tzinfo=zone, fold=0)


def today_in(now: datetime, zone: str) -> date:
    """The calendar date of the aware instant ``now`` in the zone named ``zone``."""
    return _utc(now, "now").astimezone(ZoneInfo(zone)).date()


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One check-in or hearing. ``at`` is aware (wall time in the obligation's zone)."""

    obligation_id: str
    kind: Literal["checkin", "hearing"]
    at: datetime
    original: datetime | None = None  # the scheduled time, when moved

    @property
    def moved(self) -> bool:
        return self.original is not None

    @property
    def scheduled(self) -> datetime:
        return self.original or self.at

    def sort_key(self) -> tuple[datetime, datetime, str]:
        return (self.at.astimezone(UTC), self.at.replace(tzinfo=None), self.obligation_id)


def _checkin_candidates(c: CheckIn, start: datetime, end: datetime) -> list[Occurrence]:
    zone = ZoneInfo(c.zone)
    # Wall time is not monotonic across a backward offset change: widen by a day, filter in UTC.
    lo = start.astimezone(zone).replace(tzinfo=None) - _DAY
    hi = end.astimezone(zone).replace(tzinfo=None) + _DAY
    skip = set(c.cancelled) | {m.original for m in c.moves}
    found = [
        Occurrence(c.id, "checkin", _attach(w, zone))
        for w in c.rule(end=hi).between(lo, hi, inc=True)
        if w not in skip
    ]
    found += [
        Occurrence(c.id, "checkin", _attach(m.to, zone), _attach(m.original, zone)) for m in c.moves
    ]
    return found


def occurrences(obligation: AnyObligation, start: datetime, end: datetime) -> list[Occurrence]:
    """Occurrences with ``start <= at < end`` (aware bounds), sorted, moves and cancellations
    applied. Probations and restrictions have none (see :func:`countdowns`)."""
    lo, hi = _utc(start, "start"), _utc(end, "end")
    if isinstance(obligation, Hearing):
        found = [
            Occurrence(obligation.id, "hearing", _attach(obligation.at, ZoneInfo(obligation.zone)))
        ]
    elif isinstance(obligation, CheckIn):
        found = _checkin_candidates(obligation, lo, hi)
    else:
        return []
    return sorted((o for o in found if lo <= o.at < hi), key=Occurrence.sort_key)


def resolved(occurrence: Occurrence, attendance: Iterable[AttendanceEntry]) -> bool:
    """Whether an attendance entry answers for this occurrence (by its local dates)."""
    days = {occurrence.at.date(), occurrence.scheduled.date()}
    return any(
        e.obligation_id == occurrence.obligation_id and e.occurrence in days for e in attendance
    )


@dataclass(frozen=True, slots=True)
class Due:
    occurrence: Occurrence
    status: Literal["due", "overdue"]


def due(
    obligations: Iterable[AnyObligation],
    attendance: Iterable[AttendanceEntry],
    *,
    now: datetime,
    zone: str,
    days: int = 0,
) -> list[Due]:
    """Unresolved occurrences: overdue ones, then those due from ``now`` to the end of
    ``today + days`` (``days=0``: the rest of today) in the user's ``zone``."""
    if days < 0:
        raise ValueError("days must not be negative")
    now_utc = _utc(now, "now")
    entries = list(attendance)
    horizon = datetime.combine(
        today_in(now, zone) + timedelta(days=days + 1), time(), ZoneInfo(zone)
    )
    found = [
        o
        for ob in obligations
        for o in occurrences(ob, _EARLIEST, horizon)
        if not resolved(o, entries)
    ]
    found.sort(key=Occurrence.sort_key)
    return [Due(o, "overdue" if o.at < now_utc else "due") for o in found]


@dataclass(frozen=True, slots=True)
class Span:
    """Calendar time left: years, months and days (dateutil's relativedelta)."""

    years: int
    months: int
    days: int


def time_left(today: date, last_day: date) -> Span:
    """Time still under an obligation whose last day is ``last_day``, counting today and the
    last day in full: on the first day of a two-year ban, 2 years; on its last day, 1 day."""
    delta = relativedelta(last_day + _DAY, today)
    return Span(delta.years, delta.months, delta.days)


def in_force(obligation: Probation | Restriction, day: date) -> bool:
    """Whether ``day`` is within ``start..until``, both ends included."""
    return obligation.start <= day and (obligation.until is None or day <= obligation.until)


@dataclass(frozen=True, slots=True)
class Countdown:
    """One running or coming obligation. ``ends`` is its last day (inclusive) or None.

    ``days_left`` counts calendar days from today to the last day ("ends in 31 days"; 0 on the
    last day); ``left`` is :func:`time_left`, the span still to serve, last day included.
    """

    obligation_id: str
    kind: Literal["probation", "restriction", "hearing"]
    starts: date
    ends: date | None
    started: bool
    days_left: int | None
    left: Span | None
    restriction_kind: RestrictionKind | None = None


def countdowns(obligations: Iterable[AnyObligation], today: date) -> list[Countdown]:
    """Probations and restrictions not yet over (including those not yet begun, such as a ban
    starting after probation) and hearings from today on; sorted by end, open-ended last."""
    out: list[Countdown] = []
    for ob in obligations:
        if isinstance(ob, CheckIn):
            continue
        ends: date | None
        if isinstance(ob, Hearing):
            starts = ends = ob.at.date()
            extra: RestrictionKind | None = None
        else:
            starts, ends = ob.start, ob.until
            extra = ob.restriction_kind if isinstance(ob, Restriction) else None
        if ends is not None and ends < today:
            continue
        out.append(
            Countdown(
                obligation_id=ob.id,
                kind=ob.kind,
                starts=starts,
                ends=ends,
                started=starts <= today,
                days_left=None if ends is None else (ends - today).days,
                left=None if ends is None else time_left(today, ends),
                restriction_kind=extra,
            )
        )
    out.sort(key=lambda c: (c.ends is None, c.ends or date.max, c.kind, c.obligation_id))
    return out


@dataclass(frozen=True, slots=True)
class Reminder:
    occurrence: Occurrence
    lead: timedelta
    fires_at: datetime  # UTC

    @property
    def obligation_id(self) -> str:
        return self.occurrence.obligation_id

    @property
    def key(self) -> str:
        """Stable identity, so a front can remember which reminders it already showed."""
        wall = self.occurrence.scheduled.replace(tzinfo=None).isoformat()
        return f"{self.obligation_id}|{wall}|{int(self.lead.total_seconds())}"


def due_reminders(
    obligations: Iterable[AnyObligation],
    now: datetime,
    *,
    since: datetime | None = None,
    attendance: Iterable[AttendanceEntry] = (),
) -> list[Reminder]:
    """Reminders with ``fires_at <= now < occurrence`` (and ``fires_at > since`` if given)."""
    now_utc = _utc(now, "now")
    since_utc = None if since is None else _utc(since, "since")
    entries = list(attendance)
    out: list[Reminder] = []
    for ob in obligations:
        if not isinstance(ob, CheckIn | Hearing) or not ob.reminders:
            continue
        for occ in occurrences(ob, now_utc, now_utc + max(ob.reminders) + _DAY):
            if occ.at <= now_utc or resolved(occ, entries):
                continue
            for lead in ob.reminders:
                fires = occ.at.astimezone(UTC) - lead
                if fires <= now_utc and (since_utc is None or fires > since_utc):
                    out.append(Reminder(occ, lead, fires))
    out.sort(key=lambda r: (r.fires_at, r.occurrence.sort_key(), r.lead))
    return out


def bound_to_probation(checkin: CheckIn, probation: Probation) -> CheckIn:
    """The check-ins end with probation: fill ``until`` from it, or refuse one that runs past."""
    if checkin.start.date() > probation.until:
        raise ObligationError(field="start", reason=N_("the check-ins start after probation ends"))
    if checkin.until is not None:
        if checkin.until > probation.until:
            raise ObligationError(
                field="until", reason=N_("the check-ins continue after probation ends")
            )
        return checkin
    return CheckIn.model_validate({**checkin.model_dump(), "until": probation.until})
