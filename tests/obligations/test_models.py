"""Validation of the obligation models: bad input is refused with a reason, never content."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from pydantic import ValidationError

from defender_desk.errors import InvalidInput
from defender_desk.obligations.models import (
    DEFAULT_LEADS,
    AttendanceEntry,
    CheckIn,
    Hearing,
    Move,
    MovedOntoAnother,
    ObligationError,
    Probation,
    Restriction,
    ScheduleError,
    SupervisingBody,
    SupervisionEvent,
    parse_obligation,
    parse_record,
)

ZONE = "Asia/Almaty"
SECRET = "Айгерим — секретная запись"
# Every 2nd and 4th Monday at 10:00; January 2025: the 13th and the 27th.
SEED_RULE = "FREQ=MONTHLY;BYDAY=2MO,4MO"


def checkin(**over: object) -> CheckIn:
    fields: dict[str, object] = {
        "id": "c1",
        "title": SECRET,
        "rrule": SEED_RULE,
        "start": datetime(2025, 1, 1, 10, 0),
        "zone": ZONE,
        "place": "служба пробации",
    }
    fields.update(over)
    return CheckIn.model_validate(fields)


def reason_of(exc: pytest.ExceptionInfo[ObligationError]) -> str:
    return str(exc.value.fields["reason"])


def test_errors_are_invalid_input_and_carry_no_content() -> None:
    with pytest.raises(ObligationError) as exc:
        checkin(rrule="FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=30")
    assert isinstance(exc.value, InvalidInput)
    assert SECRET not in repr(exc.value) and SECRET not in str(exc.value.fields)
    assert str(exc.value) == "ScheduleError(field, reason)"


# --- end before start --------------------------------------------------------------------------


def test_probation_until_before_start_is_refused() -> None:
    with pytest.raises(ObligationError) as exc:
        Probation(id="p", title="t", start=date(2026, 1, 10), until=date(2026, 1, 9))
    assert exc.value.fields["field"] == "until"
    assert reason_of(exc) == "the end is before the start"


def test_probation_of_one_day_is_fine() -> None:
    p = Probation(id="p", title="t", start=date(2026, 1, 10), until=date(2026, 1, 10))
    assert p.body == SupervisingBody()


def test_restriction_until_before_start_is_refused_and_open_end_is_fine() -> None:
    with pytest.raises(ObligationError, match=r"field"):
        Restriction(
            id="r",
            title="t",
            restriction_kind="curfew",
            start=date(2026, 1, 10),
            until=date(2025, 1, 10),
        )
    r = Restriction(id="r", title="t", restriction_kind="other", start=date(2026, 1, 10))
    assert r.until is None


def test_checkin_until_before_start_is_refused() -> None:
    with pytest.raises(ObligationError) as exc:
        checkin(until=date(2024, 12, 31))
    assert reason_of(exc) == "the end is before the start"


# --- rules --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "rule",
    [
        "",
        "garbage",
        "FREQ=WEEKLY;BYDAY=XX",
        "FREQ=WEEKLY;BYDAY=MO;BYDAY=TU",
        "FREQ=WEEKLY;INTERVAL=0",  # dateutil would repeat the same day forever
        "FREQ=DAILY;INTERVAL=-1",
        "FREQ=YEARLY;BYDAY=+60MO",  # dateutil would crash while iterating
        "FREQ=YEARLY;BYMONTH=11;BYDAY=14MO",
        "FREQ=WEEKLY;BYDAY=2MO",  # a numbered weekday means nothing within a week
        "FREQ=MONTHLY;BYMONTHDAY=0",
        "FREQ=YEARLY;BYEASTER=0",  # dateutil's extension, not RFC 5545
        "FREQ=WEEKLY;BYHOUR=24",
        "FREQ=MONTHLY;BYMONTHDAY=40",
        "FREQ=WEEKLY;FOO=1",
        "FREQ=WEEKLY\nEXDATE:20250106T100000",
        "DTSTART:20250101T100000\nRRULE:FREQ=WEEKLY",
    ],
)
def test_unreadable_rules_are_refused(rule: str) -> None:
    with pytest.raises(ScheduleError) as exc:
        checkin(rrule=rule)
    assert exc.value.fields["field"] == "rrule"


@pytest.mark.parametrize(
    ("rule", "reason"),
    [
        ("FREQ=HOURLY", "check-ins repeat daily, weekly, monthly or yearly"),
        ("FREQ=WEEKLY;COUNT=3", "UNTIL and COUNT are not used here; give the end date instead"),
        (
            "FREQ=WEEKLY;UNTIL=20250301T000000",
            "UNTIL and COUNT are not used here; give the end date instead",
        ),
    ],
)
def test_rules_we_do_not_take(rule: str, reason: str) -> None:
    with pytest.raises(ScheduleError) as exc:
        checkin(rrule=rule)
    assert reason_of(exc) == reason


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",  # 30 February
        "FREQ=MONTHLY;BYMONTH=4;BYMONTHDAY=31",  # 31 April
        "FREQ=DAILY;BYMONTH=6;BYMONTHDAY=31",  # daily: would scan to 9999 without care
        "FREQ=WEEKLY;BYDAY=MO;BYSETPOS=2",  # one Monday a week, never a second
    ],
)
def test_rules_that_never_occur_are_refused(rule: str) -> None:
    with pytest.raises(ScheduleError) as exc:
        checkin(rrule=rule)
    assert reason_of(exc) == "the repeat rule never occurs"


def test_rule_that_occurs_only_after_until_never_occurs() -> None:
    with pytest.raises(ScheduleError, match="ScheduleError"):
        checkin(rrule="FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=25", until=date(2025, 6, 30))
    assert checkin(rrule="FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=25", until=date(2025, 12, 25))


def test_prefix_and_lower_case_are_accepted() -> None:
    assert checkin(rrule="RRULE:freq=monthly;byday=2mo,4mo").is_scheduled(datetime(2025, 1, 13, 10))


def test_leap_day_rule_is_valid() -> None:
    assert checkin(rrule="FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29").is_scheduled(
        datetime(2028, 2, 29, 10)
    )


# --- times and zones ----------------------------------------------------------------------------


def test_wall_times_must_be_naive() -> None:
    with pytest.raises(ObligationError) as exc:
        checkin(start=datetime(2025, 1, 1, 10, tzinfo=UTC))
    assert exc.value.fields["field"] == "start"
    with pytest.raises(ObligationError):
        Hearing(id="h", title="t", at=datetime(2025, 1, 1, 10, tzinfo=UTC), zone=ZONE)


@pytest.mark.parametrize("zone", ["Asia/Nowhere", "../../etc/passwd", "", "UTC+5"])
def test_unknown_zones_are_refused(zone: str) -> None:
    with pytest.raises(ObligationError) as exc:
        checkin(zone=zone)
    assert exc.value.fields == {"field": "zone", "reason": "unknown time zone"}


def test_years_far_out_are_refused() -> None:
    with pytest.raises(ObligationError, match="field"):
        Hearing(id="h", title="t", at=datetime(9999, 1, 1), zone=ZONE)


def test_microseconds_are_dropped() -> None:
    h = Hearing(id="h", title="t", at=datetime(2025, 1, 1, 10, 0, 0, 999), zone=ZONE)
    assert h.at == datetime(2025, 1, 1, 10, 0)


# --- moved and cancelled ------------------------------------------------------------------------


def test_moving_or_cancelling_something_not_scheduled_is_refused() -> None:
    with pytest.raises(ObligationError) as exc:
        checkin(moves=[Move(original=datetime(2025, 1, 14, 10), to=datetime(2025, 1, 15, 10))])
    assert reason_of(exc) == "a moved check-in is not one of the scheduled ones"
    with pytest.raises(ObligationError) as exc:
        checkin(cancelled=[datetime(2025, 1, 13, 11)])
    assert reason_of(exc) == "a cancelled check-in is not one of the scheduled ones"


def test_moving_twice_cancelling_twice_or_both_is_refused() -> None:
    jan13, jan27 = datetime(2025, 1, 13, 10), datetime(2025, 1, 27, 10)
    with pytest.raises(ObligationError, match="field"):
        checkin(
            moves=[
                Move(original=jan13, to=datetime(2025, 1, 14, 10)),
                Move(original=jan13, to=datetime(2025, 1, 15, 10)),
            ]
        )
    with pytest.raises(ObligationError) as exc:
        checkin(cancelled=[jan27, jan27])
    assert reason_of(exc) == "the same check-in is cancelled twice"
    with pytest.raises(ObligationError) as exc:
        checkin(moves=[Move(original=jan13, to=datetime(2025, 1, 14, 10))], cancelled=[jan13])
    assert reason_of(exc) == "a check-in is both moved and cancelled"


def test_moving_onto_another_checkin_is_refused() -> None:
    with pytest.raises(MovedOntoAnother) as exc:
        checkin(moves=[Move(original=datetime(2025, 1, 13, 10), to=datetime(2025, 1, 27, 10))])
    assert reason_of(exc) == "a check-in is moved onto the time of another check-in"
    assert exc.value.hint is not None


def test_two_moved_onto_one_time_is_refused() -> None:
    with pytest.raises(MovedOntoAnother):
        checkin(
            moves=[
                Move(original=datetime(2025, 1, 13, 10), to=datetime(2025, 1, 20, 10)),
                Move(original=datetime(2025, 1, 27, 10), to=datetime(2025, 1, 20, 10)),
            ]
        )


def test_moving_onto_a_freed_slot_is_allowed() -> None:
    jan13, jan27 = datetime(2025, 1, 13, 10), datetime(2025, 1, 27, 10)
    swapped = checkin(moves=[Move(original=jan13, to=jan27), Move(original=jan27, to=jan13)])
    assert len(swapped.moves) == 2
    onto_cancelled = checkin(moves=[Move(original=jan13, to=jan27)], cancelled=[jan27])
    assert onto_cancelled.cancelled == [jan27]


def test_moving_onto_a_time_after_until_is_not_a_collision() -> None:
    c = checkin(
        until=date(2025, 1, 31),
        moves=[Move(original=datetime(2025, 1, 27, 10), to=datetime(2025, 2, 10, 10))],
    )
    assert not c.is_scheduled(datetime(2025, 2, 10, 10))


# --- reminders, other records -------------------------------------------------------------------


def test_default_leads_and_their_validation() -> None:
    assert checkin().reminders == list(DEFAULT_LEADS)
    assert checkin(reminders=[timedelta(hours=2), timedelta(days=1)]).reminders == [
        timedelta(days=1),
        timedelta(hours=2),
    ]
    assert checkin(reminders=[]).reminders == []
    for bad in (
        [timedelta(0)],
        [timedelta(seconds=30)],
        [timedelta(hours=-1)],
        [timedelta(days=61)],
    ):
        with pytest.raises(ObligationError):
            checkin(reminders=bad)
    with pytest.raises(ObligationError) as exc:
        checkin(reminders=[timedelta(hours=2), timedelta(hours=2)])
    assert reason_of(exc) == "the same reminder is given twice"


def test_blank_title_is_refused() -> None:
    with pytest.raises(ObligationError) as exc:
        checkin(title="   ")
    assert exc.value.fields["field"] == "title"


def test_labour_needs_hours_and_only_labour_has_them() -> None:
    ok = SupervisionEvent(id="s", obligation_id="p", kind="labour", day=date(2025, 1, 5), hours=4)
    assert ok.hours == 4.0
    with pytest.raises(ObligationError):
        SupervisionEvent(id="s", obligation_id="p", kind="labour", day=date(2025, 1, 5))
    with pytest.raises(ObligationError):
        SupervisionEvent(id="s", obligation_id="p", kind="warning", day=date(2025, 1, 5), hours=1.5)


def test_strict_types_and_frozen_records() -> None:
    with pytest.raises(ValidationError):
        Probation.model_validate(
            {"id": "p", "title": "t", "start": "2025-01-01", "until": date(2025, 2, 1)}
        )
    with pytest.raises(ValidationError):
        Probation.model_validate(
            {"id": "p", "title": "t", "start": datetime(2025, 1, 1), "until": date(2025, 2, 1)}
        )
    entry = AttendanceEntry(
        id="a", obligation_id="c1", occurrence=date(2025, 1, 13), status="attended"
    )
    with pytest.raises(ValidationError):
        entry.status = "missed"  # type: ignore[misc]
    with pytest.raises(ValidationError):
        AttendanceEntry.model_validate(
            {"id": "a", "obligation_id": "c", "occurrence": date(2025, 1, 1), "status": "late"}
        )


# --- parsing and storage ------------------------------------------------------------------------


def all_kinds() -> list[Probation | Restriction | CheckIn | Hearing]:
    return [
        Probation(
            id="p",
            title="Пробация",
            start=date(2025, 11, 25),
            until=date(2026, 12, 25),
            body=SupervisingBody(name="служба пробации", address="ул. Абая 1", officer="—"),
            conditions=["являться на отметку", "не менять место жительства без уведомления"],
            decision="приговор № 1",
        ),
        Restriction(
            id="r",
            title="Запрет",
            restriction_kind="public_activity",
            start=date(2026, 12, 26),
            until=date(2028, 12, 25),
            forbids="заниматься общественной деятельностью",
        ),
        checkin(
            until=date(2026, 12, 25),
            moves=[Move(original=datetime(2025, 1, 13, 10), to=datetime(2025, 1, 14, 11))],
            cancelled=[datetime(2025, 1, 27, 10)],
        ),
        Hearing(id="h", title="Апелляция", at=datetime(2026, 1, 20, 15, 30), zone=ZONE, case="1-2"),
    ]


@pytest.mark.parametrize("record", all_kinds(), ids=lambda r: r.kind)
def test_json_round_trip_keeps_local_time_and_zone(
    record: Probation | Restriction | CheckIn | Hearing,
) -> None:
    text = record.model_dump_json()
    assert parse_obligation(text) == record
    assert parse_obligation(text.encode()) == record
    assert parse_obligation(record.model_dump()) == record
    if isinstance(record, CheckIn):
        # Stored as wall time without an offset, plus the zone's name: unambiguous across 2024.
        assert '"start":"2025-01-01T10:00:00"' in text and '"zone":"Asia/Almaty"' in text


def test_parse_errors_become_obligation_errors_without_input() -> None:
    with pytest.raises(ObligationError) as exc:
        parse_obligation(
            {"kind": "probation", "id": "p", "title": SECRET, "start": date(2025, 1, 1)}
        )
    assert exc.value.fields["reason"] == "this is required"
    assert "until" in exc.value.fields["field"]
    with pytest.raises(ObligationError) as exc:
        parse_obligation({"kind": "tax", "title": SECRET})
    assert exc.value.fields["reason"] == "this is not one of the choices"
    with pytest.raises(ObligationError) as exc:
        parse_obligation(
            '{"kind": "hearing", "id": "h", "title": "t", "at": "2026-01-01T10:00:00",'
            ' "zone": "Asia/Almaty", "secret": 1}'
        )
    assert exc.value.fields["reason"] == "this field is not known"
    with pytest.raises(ObligationError) as exc:
        parse_record(
            SupervisionEvent, {"id": "s", "obligation_id": "p", "kind": "warning", "day": SECRET}
        )
    assert exc.value.fields == {"field": "day", "reason": "this value has the wrong type"}
    assert SECRET not in repr(exc.value.fields)


def test_our_own_validation_errors_pass_through_parse() -> None:
    with pytest.raises(MovedOntoAnother):
        parse_obligation(
            checkin(rrule="FREQ=WEEKLY;BYDAY=MO").model_dump()
            | {"moves": [{"original": datetime(2025, 1, 6, 10), "to": datetime(2025, 1, 13, 10)}]}
        )
