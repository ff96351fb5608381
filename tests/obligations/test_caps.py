"""Issue 12, item 9: a check-in rule with 1,380 occurrences a day was accepted, and expanding it
froze the desktop for 10–27 s (with the panic wipe unresponsive). Rules are capped: at most
four check-ins a day and 8,000 in all; refused with a clear message."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from defender_desk.obligations.models import (
    MAX_OCCURRENCES,
    MAX_PER_DAY,
    CheckIn,
    ScheduleError,
)
from tests.conftest import PASS

MINUTES = ",".join(str(m) for m in range(60))
HOURS = ",".join(str(h) for h in range(23))


def checkin(rrule: str, until: date | None = None) -> CheckIn:
    return CheckIn(
        id="o-1",
        title="Отметка",
        rrule=rrule,
        start=datetime(2025, 1, 1, 10, 0),
        zone="Asia/Almaty",
        until=until,
    )


def test_1380_a_day_is_refused_before_any_expansion(cli, made_vault):
    vault, _ = made_vault
    rule = f"FREQ=DAILY;BYHOUR={HOURS};BYMINUTE={MINUTES}"  # 23 × 60 = 1,380 a day
    with pytest.raises(ScheduleError) as info:
        checkin(rule)
    assert info.value.fields["reason"] == "a check-in can repeat at most four times a day"
    r = cli(vault, ["obligation", "add", "--kind", "checkin", "--title", "x",
                    "--from", "2025-01-01T10:00", "--rrule", rule], [PASS], timeout=60)  # fmt: skip
    assert r.code == 1 and "at most four times a day" in r.err, r.err


def test_four_a_day_is_the_most():
    assert MAX_PER_DAY == 4
    checkin("FREQ=DAILY;BYHOUR=8,12,16,20", until=date(2027, 1, 1))
    with pytest.raises(ScheduleError):
        checkin("FREQ=DAILY;BYHOUR=8,12,16,20,22", until=date(2025, 2, 1))
    with pytest.raises(ScheduleError):
        checkin("FREQ=WEEKLY;BYDAY=MO;BYHOUR=8,9;BYMINUTE=0,30;BYSECOND=0,30")


def test_more_than_8000_in_all_is_refused():
    assert MAX_OCCURRENCES == 8000
    # four a day for ten years (the horizon of an open-ended rule): 14,612
    with pytest.raises(ScheduleError) as info:
        checkin("FREQ=DAILY;BYHOUR=8,12,16,20")
    assert "more than 8000 check-ins" in info.value.fields["reason"]
    # ... fine with an end: four a day for a year
    checkin("FREQ=DAILY;BYHOUR=8,12,16,20", until=date(2025, 12, 31))
    # a daily rule for ten years (3,653) is well inside
    checkin("FREQ=DAILY")
    # four a day but on two days a week: the rule is counted, not just bounded (4,176 < 8,000)
    twice_weekly = checkin("FREQ=WEEKLY;BYDAY=MO,TH;BYHOUR=8,12,16,20")
    assert 4100 < twice_weekly.occurrence_count(MAX_OCCURRENCES + 1) < 4200
    with pytest.raises(ScheduleError):  # four days a week: 8,352
        checkin("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH;BYHOUR=8,12,16,20")
