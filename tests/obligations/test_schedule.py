"""The schedule engine: windows, edge days, the 2024 zone change, due/overdue, countdowns."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from defender_desk.obligations.models import (
    AttendanceEntry,
    CheckIn,
    Hearing,
    Move,
    ObligationError,
    Probation,
    Restriction,
)
from defender_desk.obligations.schedule import (
    Span,
    bound_to_probation,
    countdowns,
    due,
    due_reminders,
    in_force,
    occurrences,
    time_left,
    today_in,
)

ALMATY = ZoneInfo("Asia/Almaty")
EVER = (datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))


def checkin(rule: str = "FREQ=MONTHLY;BYDAY=2MO,4MO", **over: object) -> CheckIn:
    fields: dict[str, object] = {
        "id": "c1",
        "title": "Отметка",
        "rrule": rule,
        "start": datetime(2025, 1, 1, 10, 0),
        "zone": "Asia/Almaty",
    }
    fields.update(over)
    return CheckIn.model_validate(fields)


def walls(obligation: CheckIn | Hearing, start: datetime, end: datetime) -> list[datetime]:
    return [o.at.replace(tzinfo=None) for o in occurrences(obligation, start, end)]


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ALMATY)


def entry(day: date, status: str = "attended", obligation_id: str = "c1") -> AttendanceEntry:
    return AttendanceEntry.model_validate(
        {"id": f"a{day}", "obligation_id": obligation_id, "occurrence": day, "status": status}
    )


# --- occurrences --------------------------------------------------------------------------------


def test_second_and_fourth_monday() -> None:
    got = walls(checkin(), local(2025, 1, 1), local(2025, 4, 1))
    expected = [
        datetime(2025, m, d, 10)
        for m in (1, 2, 3)
        for d in sorted(
            day
            for week in calendar.monthcalendar(2025, m)
            for day in [week[calendar.MONDAY]]
            if day
        )[1:4:2]
    ]
    assert (
        got
        == expected
        == [
            datetime(2025, 1, 13, 10),
            datetime(2025, 1, 27, 10),
            datetime(2025, 2, 10, 10),
            datetime(2025, 2, 24, 10),
            datetime(2025, 3, 10, 10),
            datetime(2025, 3, 24, 10),
        ]
    )


def test_fifth_monday_is_skipped_in_months_without_one() -> None:
    got = walls(checkin("FREQ=MONTHLY;BYDAY=5MO"), local(2025, 1, 1), local(2026, 1, 1))
    fifth = [
        datetime(2025, m, weeks[4][0], 10)
        for m in range(1, 13)
        if len(weeks := [w for w in calendar.monthcalendar(2025, m) if w[0]]) == 5
    ]
    assert (
        got
        == fifth
        == [
            datetime(2025, 3, 31, 10),
            datetime(2025, 6, 30, 10),
            datetime(2025, 9, 29, 10),
            datetime(2025, 12, 29, 10),
        ]
    )


def test_the_31st_is_skipped_in_shorter_months() -> None:
    got = walls(checkin("FREQ=MONTHLY;BYMONTHDAY=31"), local(2025, 1, 1), local(2026, 1, 1))
    months = [m for m in range(1, 13) if calendar.monthrange(2025, m)[1] == 31]
    assert got == [datetime(2025, m, 31, 10) for m in months]
    assert len(got) == 7


def test_leap_day_occurs_only_in_leap_years() -> None:
    rule = checkin("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", start=datetime(2023, 1, 1, 9, 0))
    assert walls(rule, local(2023, 1, 1), local(2033, 1, 1)) == [
        datetime(y, 2, 29, 9) for y in (2024, 2028, 2032)
    ]


def test_window_is_half_open_and_needs_aware_bounds() -> None:
    c = checkin()
    assert walls(c, local(2025, 1, 13, 10), local(2025, 1, 27, 10)) == [datetime(2025, 1, 13, 10)]
    with pytest.raises(ValueError, match="aware"):
        occurrences(c, datetime(2025, 1, 1), local(2025, 2, 1))


def test_moves_and_cancellations_are_applied() -> None:
    c = checkin(
        moves=[Move(original=datetime(2025, 1, 13, 10), to=datetime(2025, 1, 14, 15, 30))],
        cancelled=[datetime(2025, 1, 27, 10)],
    )
    found = occurrences(c, local(2025, 1, 1), local(2025, 2, 28))
    assert [o.at.replace(tzinfo=None) for o in found] == [
        datetime(2025, 1, 14, 15, 30),
        datetime(2025, 2, 10, 10),
        datetime(2025, 2, 24, 10),
    ]
    assert found[0].moved and found[0].original == local(2025, 1, 13, 10)
    assert not found[1].moved and found[1].scheduled == found[1].at


def test_a_move_counts_in_the_window_of_its_new_time() -> None:
    c = checkin(moves=[Move(original=datetime(2025, 1, 27, 10), to=datetime(2025, 2, 3, 10))])
    assert walls(c, local(2025, 1, 20), local(2025, 2, 1)) == []
    assert walls(c, local(2025, 2, 1), local(2025, 2, 5)) == [datetime(2025, 2, 3, 10)]


def test_hearing_and_obligations_without_occurrences() -> None:
    h = Hearing(id="h", title="t", at=datetime(2026, 1, 20, 15, 30), zone="Asia/Almaty")
    assert [o.kind for o in occurrences(h, *EVER)] == ["hearing"]
    p = Probation(id="p", title="t", start=date(2025, 1, 1), until=date(2025, 12, 31))
    assert occurrences(p, *EVER) == []


# --- the 2024-03-01 zone change -----------------------------------------------------------------


@pytest.mark.parametrize("zone", ["Asia/Almaty", "Asia/Qostanay"])
def test_weekly_checkin_stays_at_ten_local_across_the_change(zone: str) -> None:
    c = checkin("FREQ=WEEKLY;BYDAY=MO", start=datetime(2024, 2, 1, 10), zone=zone)
    found = occurrences(c, datetime(2024, 2, 19, tzinfo=UTC), datetime(2024, 3, 5, tzinfo=UTC))
    assert [o.at.day for o in found] == [19, 26, 4]
    assert [o.at.strftime("%H:%M") for o in found] == ["10:00"] * 3
    assert [o.at.astimezone(UTC).hour for o in found] == [4, 4, 5]  # UTC+6, then UTC+5
    assert [o.at.utcoffset() for o in found] == [timedelta(hours=h) for h in (6, 6, 5)]


def test_zones_that_did_not_change_in_2024() -> None:
    c = checkin("FREQ=WEEKLY;BYDAY=MO", start=datetime(2024, 2, 1, 10), zone="Asia/Aqtobe")
    found = occurrences(c, datetime(2024, 2, 19, tzinfo=UTC), datetime(2024, 3, 12, tzinfo=UTC))
    assert {o.at.astimezone(UTC).hour for o in found} == {5}


def test_a_repeated_wall_time_means_the_first_one() -> None:
    # In Almaty 2024-02-29 23:00-23:59 happened twice (00:00 +06 became 23:00 +05).
    h = Hearing(id="h", title="t", at=datetime(2024, 2, 29, 23, 30), zone="Asia/Almaty")
    (occ,) = occurrences(h, *EVER)
    assert occ.at.astimezone(UTC) == datetime(2024, 2, 29, 17, 30, tzinfo=UTC)


def test_window_in_utc_around_the_change_loses_nothing() -> None:
    c = checkin("FREQ=DAILY", start=datetime(2024, 2, 27, 23, 30), zone="Asia/Almaty")
    whole = occurrences(c, datetime(2024, 2, 27, tzinfo=UTC), datetime(2024, 3, 3, tzinfo=UTC))
    cut = datetime(2024, 2, 29, 18, 0, tzinfo=UTC)
    left = occurrences(c, datetime(2024, 2, 27, tzinfo=UTC), cut)
    right = occurrences(c, cut, datetime(2024, 3, 3, tzinfo=UTC))
    assert left + right == whole
    assert [o.at.day for o in whole] == [27, 28, 29, 1, 2]


def test_reminder_lead_is_real_time_across_the_change() -> None:
    # 00:30 on 1 March 2024 (UTC+5) is 19:30 UTC; two real hours before is 17:30 UTC, which
    # was 23:30 at UTC+6. Subtracting on the wall clock would give 22:30 (three hours before).
    h = Hearing(
        id="h",
        title="t",
        at=datetime(2024, 3, 1, 0, 30),
        zone="Asia/Almaty",
        reminders=[timedelta(hours=2)],
    )
    (r,) = due_reminders([h], datetime(2024, 2, 29, 18, 0, tzinfo=UTC))
    assert r.fires_at == datetime(2024, 2, 29, 17, 30, tzinfo=UTC)
    assert due_reminders([h], datetime(2024, 2, 29, 17, 29, tzinfo=UTC)) == []


# --- due and overdue ----------------------------------------------------------------------------


def test_due_today_then_overdue_then_resolved() -> None:
    c = checkin(start=datetime(2025, 1, 13, 10, 0))
    before = due([c], [], now=local(2025, 1, 13, 9), zone="Asia/Almaty")
    assert [(d.status, d.occurrence.at) for d in before] == [("due", local(2025, 1, 13, 10))]
    after = due([c], [], now=local(2025, 1, 13, 11), zone="Asia/Almaty")
    assert [(d.status, d.occurrence.at) for d in after] == [("overdue", local(2025, 1, 13, 10))]
    assert (
        due([c], [entry(date(2025, 1, 13))], now=local(2025, 1, 13, 11), zone="Asia/Almaty") == []
    )


def test_next_days_window_ends_with_the_last_day() -> None:
    c = checkin(start=datetime(2025, 1, 13, 10, 0))
    now = local(2025, 1, 13, 9)
    in_13 = due([c], [], now=now, zone="Asia/Almaty", days=13)
    in_14 = due([c], [], now=now, zone="Asia/Almaty", days=14)
    assert len(in_13) == 1 and len(in_14) == 2  # the 27th is 14 days on
    with pytest.raises(ValueError, match="negative"):
        due([c], [], now=now, zone="Asia/Almaty", days=-1)


def test_every_unlogged_past_occurrence_is_overdue_until_logged() -> None:
    c = checkin(
        start=datetime(2024, 12, 1, 10),
        moves=[Move(original=datetime(2024, 12, 23, 10), to=datetime(2024, 12, 24, 10))],
    )
    now = local(2025, 1, 13, 9)
    overdue = [d for d in due([c], [], now=now, zone="Asia/Almaty") if d.status == "overdue"]
    assert [d.occurrence.at.day for d in overdue] == [9, 24]
    # Resolved by an entry for the scheduled date or for the moved-to date; any status counts.
    for log in (
        [entry(date(2024, 12, 9), "missed"), entry(date(2024, 12, 23), "moved")],
        [entry(date(2024, 12, 9)), entry(date(2024, 12, 24))],
    ):
        assert [d.status for d in due([c], log, now=now, zone="Asia/Almaty")] == ["due"]
    # An entry for another obligation resolves nothing.
    other = [entry(date(2024, 12, 9), obligation_id="c2")]
    assert len(due([c], other, now=now, zone="Asia/Almaty")) == 3


def test_due_uses_the_users_day() -> None:
    # 20:00 UTC on the 12th is already the 13th in Almaty.
    now = datetime(2025, 1, 12, 20, 0, tzinfo=UTC)
    assert today_in(now, "Asia/Almaty") == date(2025, 1, 13)
    c = checkin(start=datetime(2025, 1, 13, 10, 0))
    assert len(due([c], [], now=now, zone="Asia/Almaty")) == 1
    assert due([c], [], now=now, zone="UTC") == []


# --- the last day of probation, countdowns ------------------------------------------------------

PROBATION = Probation(id="p", title="Пробация", start=date(2025, 12, 26), until=date(2026, 12, 25))
BAN = Restriction(
    id="r",
    title="Запрет",
    restriction_kind="public_activity",
    start=date(2026, 12, 26),
    until=date(2028, 12, 25),
)


def test_the_last_day_of_probation_is_a_day_of_probation() -> None:
    assert in_force(PROBATION, date(2026, 12, 25))
    assert not in_force(PROBATION, date(2026, 12, 26))
    assert not in_force(PROBATION, date(2025, 12, 25))
    (last,) = [c for c in countdowns([PROBATION], date(2026, 12, 25))]
    assert (last.days_left, last.started) == (0, True)
    assert countdowns([PROBATION], date(2026, 12, 26)) == []


def test_seed_countdowns() -> None:
    today = date(2026, 11, 24)  # the probation's last day is 31 days after today
    probation, ban = countdowns([BAN, PROBATION], today)
    assert (probation.kind, probation.days_left, probation.ends) == (
        "probation",
        31,
        date(2026, 12, 25),
    )
    assert (ban.kind, ban.started, ban.ends) == ("restriction", False, date(2028, 12, 25))
    assert ban.restriction_kind == "public_activity"
    assert ban.left == Span(2, 1, 2)


def test_overlapping_restrictions_each_keep_their_own_end() -> None:
    area = Restriction(
        id="r2",
        title="t",
        restriction_kind="leave_area",
        start=date(2026, 1, 1),
        until=date(2027, 3, 1),
    )
    contact = Restriction(id="r3", title="t", restriction_kind="no_contact", start=date(2026, 6, 1))
    today = date(2027, 1, 1)
    shown = countdowns([contact, BAN, area], today)
    assert [(c.obligation_id, c.ends, c.days_left) for c in shown] == [
        ("r2", date(2027, 3, 1), 59),
        ("r", date(2028, 12, 25), 724),
        ("r3", None, None),
    ]
    assert all(c.started for c in shown)


def test_hearing_countdown_and_past_hearing() -> None:
    h = Hearing(id="h", title="t", at=datetime(2026, 1, 20, 15, 30), zone="Asia/Almaty")
    (c,) = countdowns([h], date(2026, 1, 10))
    assert (c.kind, c.days_left) == ("hearing", 10)
    assert countdowns([h], date(2026, 1, 21)) == []


@pytest.mark.parametrize(
    ("today", "last", "span"),
    [
        (date(2026, 11, 24), date(2028, 12, 25), Span(2, 1, 2)),
        (date(2026, 12, 26), date(2028, 12, 25), Span(2, 0, 0)),  # first day of a 2-year ban
        (date(2028, 12, 25), date(2028, 12, 25), Span(0, 0, 1)),  # its last day
        # relativedelta's month ends: 31 January + 1 month is 29 February.
        (date(2028, 1, 31), date(2028, 2, 28), Span(0, 1, 0)),
        (date(2028, 2, 29), date(2029, 2, 27), Span(1, 0, 0)),
        (date(2028, 1, 30), date(2028, 2, 27), Span(0, 0, 29)),
    ],
)
def test_time_left(today: date, last: date, span: Span) -> None:
    assert time_left(today, last) == span


# --- check-ins bounded by probation -------------------------------------------------------------


def test_checkins_end_with_probation_including_its_last_day() -> None:
    # 2026-12-14 and 2026-12-28 are the 2nd and 4th Mondays of December 2026.
    c = bound_to_probation(checkin(start=datetime(2026, 12, 1, 10)), PROBATION)
    assert c.until == PROBATION.until
    assert walls(c, *EVER) == [datetime(2026, 12, 14, 10)]
    weekly = checkin("FREQ=WEEKLY;BYDAY=FR", start=datetime(2026, 12, 1, 10))
    bounded = bound_to_probation(weekly, PROBATION)  # 25 December 2026 is a Friday
    assert walls(bounded, *EVER)[-1] == datetime(2026, 12, 25, 10)


def test_checkins_past_probation_are_refused() -> None:
    with pytest.raises(ObligationError) as exc:
        bound_to_probation(checkin(until=date(2027, 1, 31)), PROBATION)
    assert exc.value.fields["field"] == "until"
    with pytest.raises(ObligationError):
        bound_to_probation(checkin(start=datetime(2027, 1, 1, 10)), PROBATION)
    inside = checkin(until=date(2025, 12, 31))
    assert bound_to_probation(inside, PROBATION) is inside


def test_bounding_revalidates() -> None:
    # The only check-in left would be after the probation's end: the rule never occurs.
    c = checkin("FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=30", start=datetime(2026, 12, 1, 10))
    with pytest.raises(ObligationError):
        bound_to_probation(c, PROBATION)


# --- reminders ----------------------------------------------------------------------------------


def test_reminders_fire_at_each_lead_until_the_occurrence() -> None:
    c = checkin(start=datetime(2025, 1, 13, 10, 0))  # leads: 1 day, 2 hours
    at = local(2025, 1, 13, 10)
    assert due_reminders([c], at - timedelta(hours=25)) == []
    (day,) = due_reminders([c], at - timedelta(hours=23))
    assert (day.lead, day.fires_at) == (timedelta(days=1), (at - timedelta(days=1)).astimezone(UTC))
    both = due_reminders([c], at - timedelta(hours=1))
    assert [r.lead for r in both] == [timedelta(days=1), timedelta(hours=2)]
    since = at - timedelta(hours=3)
    assert [r.lead for r in due_reminders([c], at - timedelta(hours=1), since=since)] == [
        timedelta(hours=2)
    ]
    assert due_reminders([c], at) == []
    assert (
        due_reminders([c], at - timedelta(hours=1), attendance=[entry(date(2025, 1, 13), "moved")])
        == []
    )


def test_reminder_keys_are_stable_and_distinct() -> None:
    c = checkin(start=datetime(2025, 1, 13, 10, 0))
    first = due_reminders([c], local(2025, 1, 13, 9))
    again = due_reminders([c], local(2025, 1, 13, 9, 30))
    assert [r.key for r in first] == [r.key for r in again]
    assert len({r.key for r in first}) == 2
    assert first[0].obligation_id == "c1"


def test_no_leads_no_reminders_and_probation_has_none() -> None:
    c = checkin(start=datetime(2025, 1, 13, 10, 0), reminders=[])
    assert due_reminders([c, PROBATION, BAN], local(2025, 1, 13, 9)) == []


def test_reminders_across_obligations_are_sorted_by_firing_time() -> None:
    c = checkin(start=datetime(2025, 1, 13, 10, 0))
    h = Hearing(
        id="h",
        title="t",
        at=datetime(2025, 1, 13, 9, 30),
        zone="Asia/Almaty",
        reminders=[timedelta(hours=1)],
    )
    got = due_reminders([c, h], local(2025, 1, 13, 9))
    assert [r.fires_at for r in got] == sorted(r.fires_at for r in got)
    assert {r.obligation_id for r in got} == {"c1", "h"}


def test_day_start_helper_is_midnight_local() -> None:
    assert datetime.combine(date(2025, 1, 13), time(), ALMATY) == local(2025, 1, 13)
