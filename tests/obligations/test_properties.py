"""Properties of the schedule engine, over many rules, zones, windows and moves (hypothesis)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from hypothesis import assume, event, given, settings
from hypothesis import strategies as st

from defender_desk.obligations.models import CheckIn, Move, MovedOntoAnother
from defender_desk.obligations.schedule import Occurrence, occurrences

ZONES = ["Asia/Almaty", "Asia/Qostanay", "Asia/Aqtobe", "UTC"]
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


@st.composite
def rules(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["weekly", "nth", "monthday", "workday", "daily", "leap"]))
    if kind == "weekly":
        days = draw(st.lists(st.sampled_from(DAYS), min_size=1, max_size=3, unique=True))
        interval = draw(st.integers(1, 3))
        return f"FREQ=WEEKLY;INTERVAL={interval};BYDAY={','.join(days)}"
    if kind == "nth":
        ns = draw(
            st.lists(st.sampled_from([1, 2, 3, 4, 5, -1]), min_size=1, max_size=2, unique=True)
        )
        day = draw(st.sampled_from(DAYS))
        return "FREQ=MONTHLY;BYDAY=" + ",".join(f"{n}{day}" for n in ns)
    if kind == "monthday":
        days = draw(
            st.lists(st.sampled_from([1, 15, 29, 30, 31, -1]), min_size=1, max_size=2, unique=True)
        )
        return "FREQ=MONTHLY;BYMONTHDAY=" + ",".join(map(str, days))
    if kind == "workday":
        return f"FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS={draw(st.sampled_from([1, -1]))}"
    if kind == "daily":
        return f"FREQ=DAILY;INTERVAL={draw(st.integers(1, 10))}"
    return "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29"


wall_starts = st.datetimes(min_value=datetime(2023, 6, 1), max_value=datetime(2025, 6, 1)).map(
    lambda d: d.replace(minute=d.minute // 15 * 15, second=0, microsecond=0)
)


@st.composite
def checkins(draw: st.DrawFn) -> CheckIn:
    return CheckIn(
        id="c",
        title="t",
        rrule=draw(rules()),
        start=draw(wall_starts),
        zone=draw(st.sampled_from(ZONES)),
    )


@st.composite
def windows(draw: st.DrawFn) -> tuple[datetime, datetime]:
    start = draw(st.datetimes(min_value=datetime(2023, 1, 1), max_value=datetime(2026, 1, 1)))
    length = draw(st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=200)))
    return start.replace(tzinfo=UTC), (start + length).replace(tzinfo=UTC)


def utc(o: Occurrence) -> datetime:
    return o.at.astimezone(UTC)


def walls(found: list[Occurrence]) -> list[datetime]:
    return sorted(o.at.replace(tzinfo=None) for o in found)


@settings(deadline=None, max_examples=150)
@given(checkins(), windows())
def test_occurrences_are_sorted_unique_and_inside_the_window(
    c: CheckIn, window: tuple[datetime, datetime]
) -> None:
    lo, hi = window
    found = occurrences(c, lo, hi)
    instants = [utc(o) for o in found]
    assert all(a < b for a, b in pairwise(instants))  # sorted, unique
    assert len({o.at.replace(tzinfo=None) for o in found}) == len(found)
    assert all(lo <= t < hi for t in instants)
    assert all(c.is_scheduled(o.at.replace(tzinfo=None)) for o in found)


@settings(deadline=None, max_examples=100)
@given(checkins(), windows(), st.floats(0, 1))
def test_splitting_a_window_loses_and_doubles_nothing(
    c: CheckIn, window: tuple[datetime, datetime], where: float
) -> None:
    lo, hi = window
    cut = lo + (hi - lo) * where
    assert occurrences(c, lo, cut) + occurrences(c, cut, hi) == occurrences(c, lo, hi)


deltas = st.one_of(
    st.integers(-8, 8).map(lambda n: timedelta(weeks=n)),  # often lands on another check-in
    st.integers(-60, 60).map(lambda n: timedelta(days=n)),
    st.integers(-4000, 4000).map(lambda n: timedelta(minutes=15 * n)),
)


@settings(deadline=None, max_examples=200)
@given(checkins(), st.integers(0, 50), deltas)
def test_moving_one_never_loses_another(c: CheckIn, pick: int, delta: timedelta) -> None:
    zone = ZoneInfo(c.zone)
    first = c.start.replace(tzinfo=zone)
    candidates = occurrences(c, first, first + timedelta(days=400))
    assume(candidates)
    original = candidates[pick % len(candidates)].at.replace(tzinfo=None)
    target = original + delta
    around = (
        (min(original, target) - timedelta(days=2)).replace(tzinfo=zone),
        (max(original, target) + timedelta(days=2)).replace(tzinfo=zone),
    )
    before = walls(occurrences(c, *around))
    fields = c.model_dump() | {"moves": [Move(original=original, to=target)]}
    try:
        moved = CheckIn.model_validate(fields)
    except MovedOntoAnother:
        # Refused only when the target is another scheduled check-in: nothing silently lost.
        assert target != original and c.is_scheduled(target)
        event("refused: moved onto another check-in")
        return
    event("moved")
    after = occurrences(moved, *around)
    expected = sorted([w for w in before if w != original] + [target])
    assert walls(after) == expected
    (moved_one,) = [o for o in after if o.moved]
    assert moved_one.original is not None
    assert moved_one.original.replace(tzinfo=None) == original


@settings(deadline=None, max_examples=100)
@given(checkins(), st.integers(0, 50))
def test_cancelling_one_removes_exactly_that_one(c: CheckIn, pick: int) -> None:
    zone = ZoneInfo(c.zone)
    window = (c.start.replace(tzinfo=zone), c.start.replace(tzinfo=zone) + timedelta(days=400))
    before = occurrences(c, *window)
    assume(before)
    gone = before[pick % len(before)].at.replace(tzinfo=None)
    cancelled = CheckIn.model_validate(c.model_dump() | {"cancelled": [gone]})
    assert walls(occurrences(cancelled, *window)) == [w for w in walls(before) if w != gone]
