"""Patterns per actor: frequency and severity by month, targets, channels, trend. Pure.

Everything here is computed from plain records (incidents, people, links, assessments) and
returns plain values; nothing is translated, nothing touches the vault. The rules are written
for a reader to check by hand in ``docs/analysis.md``; in short:

**Actors.** Each person with the role *actor*, and each person named as an actor in an
incident, is analysed. People joined by *confirmed* "same as" links form one group, analysed as
one actor (an incident naming two members counts once). The group is shown under the person the
confirmed links point to (``same_as_id``) when that is one person, else under the member named
in the most incidents (ties: the lowest id). Probable and possible links never merge or move a
count; they are listed in ``possibly_same``.

**Months.** An incident dated to the month, the day or the minute is placed on the month it
started. One dated only to the year, or approximately ("about 2021"), has no month: it is
counted in ``incidents``, ``targets`` and ``channels`` and in ``undated``, and in no month.
So ``incidents == undated + sum of the months' counts``, always.

**Trend** (:func:`trend_of`). Two windows of ``window_months`` (6) calendar months: the
*recent* one ends with the reference month (the month of ``until``, else this month), the
*previous* one is the months just before it. Only incidents with a month count. With fewer than
:data:`MIN_INCIDENTS` (3) in the two windows together: ``insufficient``. Otherwise frequency goes
up / down / stays (recent count against previous count) and severity goes up / down / stays
(the highest severity in each window; no signal when a window has no rated incident). Either
going up: ``escalating`` (a rise in frequency or severity is never hidden by the other falling).
Else either going down: ``de-escalating``. Else ``stable``.

**Target shift** (:func:`target_shift_of`). In each window, the share of incidents aimed at a
relative (a target whose role is family). A higher share in the recent window than in the
previous one: ``towards_family``; lower: ``away_from_family``; equal: ``none``; either window
empty: ``insufficient``. ``new_targets`` lists who was targeted in the recent window and in
no other incident of this actor.

The trend and the target shift look at all of the actor's incidents up to the reference month;
``date_from`` narrows only the counts, months, targets and channels shown.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from defender_desk.analysis.models import (
    Certainty,
    PersonLink,
    TargetShift,
    ThreatAssessment,
    Trend,
)
from defender_desk.analysis.store import confirmed_groups
from defender_desk.domain.dates import FuzzyDate, Precision
from defender_desk.domain.models import Incident, Person, PersonRole

__all__ = [
    "ALL",
    "MIN_INCIDENTS",
    "NO_CHANNEL",
    "SELF",
    "WINDOW_MONTHS",
    "ActorAnalysis",
    "Analysis",
    "MonthPoint",
    "PossiblySame",
    "TrendBasis",
    "Window",
    "analyse",
    "month_of",
    "months_between",
    "target_shift_of",
    "trend_of",
]

WINDOW_MONTHS = 6
MIN_INCIDENTS = 3
SELF = "self"
ALL = "all"
NO_CHANNEL = "unspecified"

Change = Literal["up", "down", "same"]
Month = tuple[int, int]  # (year, month)


def month_of(when: FuzzyDate) -> Month | None:
    """The month an incident is placed on, or None when its date has no month."""
    if when.precision in (Precision.APPROXIMATE, Precision.YEAR):
        return None
    assert when.month is not None
    return (when.year, when.month)


def _index(month: Month) -> int:
    return month[0] * 12 + month[1] - 1


def _month(index: int) -> Month:
    return (index // 12, index % 12 + 1)


def months_between(first: Month, last: Month) -> list[Month]:
    """Every calendar month from ``first`` to ``last``, both included."""
    return [_month(i) for i in range(_index(first), _index(last) + 1)]


def _label(month: Month) -> str:
    return f"{month[0]:04d}-{month[1]:02d}"


@dataclass(frozen=True, slots=True)
class MonthPoint:
    year: int
    month: int
    count: int
    max_severity: int | None  # None: no incident that month has a severity

    @property
    def label(self) -> str:
        """``YYYY-MM``."""
        return _label((self.year, self.month))


@dataclass(frozen=True, slots=True)
class Window:
    """Calendar months ``first``…``last`` (both included) and what fell in them."""

    first: Month
    last: Month
    count: int
    max_severity: int | None
    family: int  # incidents aimed at one relative or more
    incident_ids: tuple[str, ...]

    @property
    def first_label(self) -> str:
        return _label(self.first)

    @property
    def last_label(self) -> str:
        return _label(self.last)


@dataclass(frozen=True, slots=True)
class TrendBasis:
    """What the trend was decided from, for a reader to check it."""

    window_months: int
    reference: Month
    previous: Window
    recent: Window
    frequency: Change
    severity: Change | None  # None: a window has no rated incident


@dataclass(frozen=True, slots=True)
class PossiblySame:
    person_id: str
    certainty: Certainty
    link_id: str


@dataclass(frozen=True)
class ActorAnalysis:
    """One actor (or group of confirmed-same people, or :data:`ALL`)."""

    id: str
    name: str
    members: tuple[str, ...]
    incident_ids: tuple[str, ...]  # in the range, in date order
    months: tuple[MonthPoint, ...]  # only months with incidents, in order
    undated_ids: tuple[str, ...]
    targets: Mapping[str, int]  # "self" and person ids → incidents aimed at them
    target_groups: Mapping[str, int]  # "self", "family", "others"
    channels: Mapping[str, int]  # channel value (or "unspecified") → incidents
    first: tuple[str, FuzzyDate] | None  # (incident id, date)
    last: tuple[str, FuzzyDate] | None
    trend: Trend
    basis: TrendBasis
    target_shift: TargetShift
    new_targets: tuple[str, ...]
    possibly_same: tuple[PossiblySame, ...] = ()
    latest_assessment: ThreatAssessment | None = None
    assessment_ids: tuple[str, ...] = field(default=())

    @property
    def incidents(self) -> int:
        return len(self.incident_ids)

    @property
    def undated(self) -> int:
        return len(self.undated_ids)

    def series(self, first: Month | None = None, last: Month | None = None) -> list[MonthPoint]:
        """Every month from ``first`` to ``last`` (default: this actor's first and last dated
        months) with zero counts filled in: ready to draw. Empty when there is nothing dated
        and no bounds."""
        if not self.months and (first is None or last is None):
            return []
        lo = first or (self.months[0].year, self.months[0].month)
        hi = last or (self.months[-1].year, self.months[-1].month)
        known = {(p.year, p.month): p for p in self.months}
        return [known.get(m) or MonthPoint(m[0], m[1], 0, None) for m in months_between(lo, hi)]


@dataclass(frozen=True)
class Analysis:
    actors: tuple[ActorAnalysis, ...]
    all: ActorAnalysis
    reference: Month
    window_months: int

    def month_span(self) -> tuple[Month, Month] | None:
        """The first and last dated months over every actor: one axis for every chart."""
        months = [(p.year, p.month) for p in self.all.months]
        return (months[0], months[-1]) if months else None

    def actor(self, person_id: str) -> ActorAnalysis | None:
        """The analysis of the actor (or group) that ``person_id`` belongs to."""
        for a in self.actors:
            if person_id in a.members:
                return a
        return None


def _max(values: Iterable[int | None]) -> int | None:
    rated = [v for v in values if v is not None]
    return max(rated) if rated else None


def _is_family(person_id: str, people: Mapping[str, Person]) -> bool:
    return person_id in people and people[person_id].role is PersonRole.FAMILY


def _aims_at_family(incident: Incident, people: Mapping[str, Person]) -> bool:
    return any(_is_family(pid, people) for pid in incident.target_ids)


def _window(
    incidents: Sequence[Incident], first: Month, last: Month, people: Mapping[str, Person]
) -> Window:
    lo, hi = _index(first), _index(last)
    inside = [
        i for i in incidents if (m := month_of(i.happened)) is not None and lo <= _index(m) <= hi
    ]
    return Window(
        first=first,
        last=last,
        count=len(inside),
        max_severity=_max(i.severity for i in inside),
        family=sum(_aims_at_family(i, people) for i in inside),
        incident_ids=tuple(i.id for i in inside),
    )


def _compare(recent: int, previous: int) -> Change:
    return "up" if recent > previous else "down" if recent < previous else "same"


def trend_of(
    incidents: Sequence[Incident],
    people: Mapping[str, Person],
    reference: Month,
    window_months: int = WINDOW_MONTHS,
) -> tuple[Trend, TrendBasis]:
    """The trend of ``incidents`` at ``reference`` (see the module docstring)."""
    if window_months < 1:
        raise ValueError("window_months must be at least 1")
    ref = _index(reference)
    recent = _window(incidents, _month(ref - window_months + 1), reference, people)
    previous = _window(
        incidents, _month(ref - 2 * window_months + 1), _month(ref - window_months), people
    )
    frequency = _compare(recent.count, previous.count)
    severity: Change | None = None
    if recent.max_severity is not None and previous.max_severity is not None:
        severity = _compare(recent.max_severity, previous.max_severity)
    basis = TrendBasis(window_months, reference, previous, recent, frequency, severity)
    if previous.count + recent.count < MIN_INCIDENTS:
        return Trend.INSUFFICIENT, basis
    signals = {frequency, severity}
    if "up" in signals:
        return Trend.ESCALATING, basis
    if "down" in signals:
        return Trend.DEESCALATING, basis
    return Trend.STABLE, basis


def target_shift_of(basis: TrendBasis) -> TargetShift:
    """Share of incidents aimed at a relative, recent window against previous window."""
    prev, rec = basis.previous, basis.recent
    if prev.count == 0 or rec.count == 0:
        return TargetShift.INSUFFICIENT
    recent_share, previous_share = rec.family * prev.count, prev.family * rec.count
    if recent_share > previous_share:
        return TargetShift.TOWARDS_FAMILY
    if recent_share < previous_share:
        return TargetShift.AWAY_FROM_FAMILY
    return TargetShift.NONE


def _targets_of(incident: Incident) -> list[str]:
    return ([SELF] if incident.targets_self else []) + list(incident.target_ids)


def _new_targets(incidents: Sequence[Incident], recent: Window) -> tuple[str, ...]:
    inside = set(recent.incident_ids)
    before: set[str] = set()
    for i in incidents:
        if i.id not in inside:
            before.update(_targets_of(i))
    found: dict[str, None] = {}
    for i in incidents:
        if i.id in inside:
            for t in _targets_of(i):
                if t not in before:
                    found.setdefault(t)
    return tuple(found)


def _summary(
    *,
    key: str,
    name: str,
    members: Sequence[str],
    every: Sequence[Incident],
    in_range: Sequence[Incident],
    people: Mapping[str, Person],
    reference: Month,
    window_months: int,
    possibly_same: Sequence[PossiblySame],
    assessments: Sequence[ThreatAssessment],
) -> ActorAnalysis:
    by_month: dict[Month, list[Incident]] = {}
    undated: list[str] = []
    targets: Counter[str] = Counter()
    groups: Counter[str] = Counter()
    channels: Counter[str] = Counter()
    for i in in_range:
        m = month_of(i.happened)
        if m is None:
            undated.append(i.id)
        else:
            by_month.setdefault(m, []).append(i)
        targets.update(_targets_of(i))
        if i.targets_self:
            groups[SELF] += 1
        if _aims_at_family(i, people):
            groups["family"] += 1
        if any(
            pid not in people or people[pid].role is not PersonRole.FAMILY for pid in i.target_ids
        ):
            groups["others"] += 1
        channels[i.channel.value if i.channel is not None else NO_CHANNEL] += 1
    months = tuple(
        MonthPoint(m[0], m[1], len(items), _max(i.severity for i in items))
        for m, items in sorted(by_month.items())
    )
    upto = [
        i for i in every if (m := month_of(i.happened)) is None or _index(m) <= _index(reference)
    ]
    trend, basis = trend_of(upto, people, reference, window_months)
    shift = target_shift_of(basis)
    ordered = sorted(in_range, key=Incident.sort_key)
    every_ids = {i.id for i in every}
    relevant = [
        a
        for a in assessments
        if (a.actor_id is not None and a.actor_id in members)
        or (a.incident_id is not None and a.incident_id in every_ids)
        or key == ALL
    ]
    relevant.sort(key=lambda a: (a.assessed_on, a.version, a.id))
    return ActorAnalysis(
        id=key,
        name=name,
        members=tuple(members),
        incident_ids=tuple(i.id for i in ordered),
        months=months,
        undated_ids=tuple(i for i in (x.id for x in ordered) if i in set(undated)),
        targets=dict(sorted(targets.items(), key=lambda kv: (kv[0] != SELF, kv[0]))),
        target_groups={g: groups[g] for g in (SELF, "family", "others")},
        channels=dict(sorted(channels.items())),
        first=(ordered[0].id, ordered[0].happened) if ordered else None,
        last=(ordered[-1].id, ordered[-1].happened) if ordered else None,
        trend=trend,
        basis=basis,
        target_shift=shift,
        new_targets=_new_targets(upto, basis.recent),
        possibly_same=tuple(possibly_same),
        latest_assessment=relevant[-1] if relevant else None,
        assessment_ids=tuple(dict.fromkeys(a.id for a in reversed(relevant))),
    )


def analyse(
    incidents: Iterable[Incident],
    people: Mapping[str, Person],
    links: Iterable[PersonLink],
    assessments: Iterable[ThreatAssessment],
    *,
    today: date,
    date_from: FuzzyDate | None = None,
    date_until: FuzzyDate | None = None,
    window_months: int = WINDOW_MONTHS,
) -> Analysis:
    """Analyse every actor and all of them together.

    ``incidents``: the whole record (the range is applied here); ``assessments``: the latest
    version of each. The reference month of the trend is the month of ``date_until``'s latest
    moment, else ``today``'s month. Actors come sorted by incidents in the range (most first),
    then name, then id."""
    every = sorted(incidents, key=Incident.sort_key)
    links = list(links)
    assessments = list(assessments)
    end = date_until.latest() if date_until is not None else None
    reference: Month = (end.year, end.month) if end is not None else (today.year, today.month)

    def in_range(i: Incident) -> bool:
        return i.overlaps(date_from, date_until)

    roots = confirmed_groups(links)
    members: dict[str, list[str]] = {}
    candidates = {p.id for p in people.values() if p.role is PersonRole.ACTOR}
    for i in every:
        candidates.update(pid for pid in i.actor_ids if pid in people)
    for root, member in ((roots.get(p, p), p) for p in sorted(candidates)):
        members.setdefault(root, []).append(member)
    # people linked by confirmed links to a candidate belong to its group too
    for pid, root in roots.items():
        if root in members and pid not in members[root] and pid in people:
            members[root].append(pid)
    for group in members.values():
        group.sort()

    by_person: dict[str, int] = Counter(pid for i in every for pid in set(i.actor_ids))
    result: list[ActorAnalysis] = []
    for group in members.values():
        group_set = set(group)
        pointed = {
            k.same_as_id
            for k in links
            if k.certainty is Certainty.CONFIRMED and k.same_as_id in group_set
        } - {
            k.person_id
            for k in links
            if k.certainty is Certainty.CONFIRMED and k.person_id in group_set
        }
        if len(pointed) == 1:
            key = next(iter(pointed))
        else:
            key = min(group, key=lambda p: (-by_person.get(p, 0), p))
        mine = [i for i in every if group_set.intersection(i.actor_ids)]
        maybe = sorted(
            (
                PossiblySame(k.other(pid), k.certainty, k.id)
                for k in links
                for pid in (k.person_id, k.same_as_id)
                if pid in group_set
                and k.other(pid) not in group_set
                and k.certainty is not Certainty.CONFIRMED
            ),
            key=lambda s: (s.person_id, s.link_id),
        )
        result.append(
            _summary(
                key=key,
                name=people[key].name,
                members=[key, *(p for p in group if p != key)],
                every=mine,
                in_range=[i for i in mine if in_range(i)],
                people=people,
                reference=reference,
                window_months=window_months,
                possibly_same=maybe,
                assessments=assessments,
            )
        )
    result.sort(key=lambda a: (-a.incidents, a.name.casefold(), a.id))
    everyone = _summary(
        key=ALL,
        name="",
        members=sorted(candidates),
        every=every,
        in_range=[i for i in every if in_range(i)],
        people=people,
        reference=reference,
        window_months=window_months,
        possibly_same=(),
        assessments=assessments,
    )
    return Analysis(tuple(result), everyone, reference, window_months)
