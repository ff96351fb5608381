"""The obligations' CLI contract through the real CLI, with the scenario of
``shared/seed/scenario.md``: what she sees each morning, and every bad input of the issue that
the pure tests do not already cover."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from dateutil.relativedelta import relativedelta

from defender_desk.app import Desk
from defender_desk.obligations.schedule import today_in
from defender_desk.secret import Secret
from tests.conftest import PASS, Result

ALMATY = ZoneInfo("Asia/Almaty")
Cli = Callable[..., Result]


@pytest.fixture
def v(made_vault: tuple[Path, str]) -> Path:
    return made_vault[0]


def run(cli: Cli, v: Path, *args: str, stdin: str | None = None, lang: str | None = None) -> str:
    r = cli(v, list(args), [PASS], stdin=stdin, lang=lang)
    assert r.code == 0, r.err
    return r.out.strip()


def run_json(cli: Cli, v: Path, *args: str) -> Any:
    return json.loads(run(cli, v, *args, "--json"))


def fails(cli: Cli, v: Path, *args: str, code: int = 1) -> str:
    r = cli(v, list(args), [PASS])
    assert r.code == code, (r.code, r.out, r.err)
    assert r.out == ""
    return r.err


def morning(day: date, hour: int = 8) -> str:
    return datetime.combine(day, time(hour), ALMATY).isoformat()


def second_and_fourth_mondays(first: date, last: date) -> list[date]:
    """Independent of the engine: the 2nd and 4th Monday of each month, first..last."""
    found: list[date] = []
    month = date(first.year, first.month, 1)
    while month <= last:
        monday = month + timedelta(days=(7 - month.weekday()) % 7)
        found += [monday + timedelta(days=7), monday + timedelta(days=21)]
        month = (month + timedelta(days=32)).replace(day=1)
    return [d for d in found if first <= d <= last]


# -- the contract ----------------------------------------------------------------------------


def test_contract(cli: Cli, v: Path, tmp_path: Path) -> None:
    probation = run(
        cli, v, "obligation", "add", "--kind", "probation", "--title", "Пробация",
        "--from", "2024-06-26", "--until", "2025-06-25", "--body", "Служба пробации",
        "--officer", "инспектор Б.", "--condition", "являться на отметку",
        "--decision", "приговор 2-123/2024",
    )  # fmt: skip
    assert probation.startswith("o-") and "\n" not in probation  # only the id
    checkin = run(
        cli, v, "obligation", "add", "--kind", "checkin", "--title", "Отметка",
        "--from", "2024-06-26", "--at", "10:00", "--rrule", "FREQ=MONTHLY;BYDAY=2MO,4MO",
        "--place", "ул. Абая, 1", "--reminder", "1d", "--reminder", "2h",
    )  # fmt: skip
    ban = run(
        cli, v, "obligation", "add", "--kind", "restriction", "--title", "Запрет",
        "--restriction-kind", "public-activity", "--from", "2025-06-26", "--until", "2027-06-25",
        "--forbids", "-",
        stdin="митинги, интервью, посты\n",
    )  # fmt: skip
    appeal = run(
        cli, v, "obligation", "add", "--kind", "hearing", "--title", "Срок апелляции",
        "--at", "2025-05-30T23:59", "--body", "Областной суд", "--case", "2-123/2024",
        "--basis", "ст. 416 УПК",
    )  # fmt: skip
    listed = run_json(cli, v, "obligation", "list")
    by_id = {o["id"]: o for o in listed}
    assert [o["id"] for o in listed] == [probation, checkin, appeal, ban]  # by first day
    assert by_id[probation]["body"] == {
        "name": "Служба пробации",
        "officer": "инспектор Б.",
        "address": "",
    }
    assert by_id[checkin]["start"] == "2024-06-26T10:00:00"
    assert by_id[checkin]["zone"] == "Asia/Almaty"
    assert by_id[checkin]["until"] == "2025-06-25"  # ends with the probation
    assert by_id[checkin]["reminders"] == ["P1D", "PT2H"]
    assert by_id[ban]["restriction_kind"] == "public_activity"
    assert by_id[ban]["forbids"] == "митинги, интервью, посты"
    assert by_id[appeal]["at"] == "2025-05-30T23:59:00"
    assert by_id[appeal]["case"] == "2-123/2024"

    text = run(cli, v, "obligation", "list")
    assert "every 2nd and 4th Monday at 10:00" in text
    assert "ban on public activity" in text

    # edit: given options replace old values; the rest stays
    run(cli, v, "obligation", "edit", checkin, "--at", "11:00", "--place", "ул. Абая, 2")
    edited = {o["id"]: o for o in run_json(cli, v, "obligation", "list")}[checkin]
    assert edited["start"] == "2024-06-26T11:00:00"
    assert (edited["place"], edited["rrule"]) == ("ул. Абая, 2", "FREQ=MONTHLY;BYDAY=2MO,4MO")
    run(cli, v, "obligation", "edit", probation, "--address", "ул. Ленина, 5")
    body = {o["id"]: o for o in run_json(cli, v, "obligation", "list")}[probation]["body"]
    assert body == {
        "name": "Служба пробации",
        "officer": "инспектор Б.",
        "address": "ул. Ленина, 5",
    }

    # single check-ins: move (a day means its only check-in; a day as target keeps the time)
    run(cli, v, "obligation", "edit", checkin, "--move", "2025-05-12", "2025-05-13")
    run(cli, v, "obligation", "edit", checkin, "--cancel", "2025-04-28T11:00")
    moved = {o["id"]: o for o in run_json(cli, v, "obligation", "list")}[checkin]
    assert moved["moves"] == [{"original": "2025-05-12T11:00:00", "to": "2025-05-13T11:00:00"}]
    assert moved["cancelled"] == ["2025-04-28T11:00:00"]
    run(cli, v, "obligation", "edit", checkin, "--restore", "2025-04-28")
    assert {o["id"]: o for o in run_json(cli, v, "obligation", "list")}[checkin]["cancelled"] == []

    # the attendance log and supervision events, with evidence through the evidence store
    stamp = tmp_path / "штамп.jpg"
    stamp.write_bytes(b"\xff\xd8 stamp")
    entry = run(
        cli, v, "checkin", "log", checkin, "--date", "2025-05-13", "--status", "attended",
        "--evidence", str(stamp),
    )  # fmt: skip
    missed = run(
        cli, v, "checkin", "log", checkin, "--date", "2025-04-14T11:00", "--status", "missed",
        "--note", "-",
        stdin="болела, справка из поликлиники\n",
    )  # fmt: skip
    scan = tmp_path / "warning.pdf"
    scan.write_bytes(b"%PDF warning")
    warning = run(
        cli, v, "supervision", "log", probation, "--kind", "warning", "--date", "2025-04-15",
        "--note", "за неявку", "--evidence", str(scan),
    )  # fmt: skip
    labour = run(
        cli, v, "supervision", "log", probation, "--kind", "labour", "--date", "2025-04-20",
        "--hours", "2,5",
    )  # fmt: skip
    assert entry.startswith("a-") and warning.startswith("s-")
    logged = {o["id"]: o for o in run_json(cli, v, "obligation", "list")}
    [attended, was_missed] = sorted(logged[checkin]["attendance"], key=lambda e: e["id"] != entry)
    assert (was_missed["id"], was_missed["status"]) == (missed, "missed")
    assert was_missed["note"] == "болела, справка из поликлиники"
    assert [e["id"] for e in logged[probation]["supervision"]] == [warning, labour]
    assert logged[probation]["supervision"][1]["hours"] == 2.5
    files = run_json(cli, v, "evidence", "list")
    assert {f["original_name"] for f in files} == {"штамп.jpg", "warning.pdf"}
    assert all(f["incident_id"] is None for f in files)
    assert attended["evidence"] == [f["id"] for f in files if f["original_name"] == "штамп.jpg"]
    assert "за неявку" in run(cli, v, "obligation", "list")
    assert run_json(cli, v, "check")["ok"] is True

    # due and countdown on a chosen morning
    due = run_json(cli, v, "due", "--days", "14", "--now", morning(date(2025, 5, 20)))
    assert due[-3:] == [
        {
            "date": "2025-04-28T11:00:00+05:00",
            "title": "Отметка",
            "kind": "checkin",
            "status": "overdue",
            "obligation_id": checkin,
            "moved_from": None,
        },
        {
            "date": "2025-05-26T11:00:00+05:00",
            "title": "Отметка",
            "kind": "checkin",
            "status": "due",
            "obligation_id": checkin,
            "moved_from": None,
        },
        {
            "date": "2025-05-30T23:59:00+05:00",
            "title": "Срок апелляции",
            "kind": "hearing",
            "status": "due",
            "obligation_id": appeal,
            "moved_from": None,
        },
    ]
    assert all(d["status"] == "overdue" for d in due[:-2])  # nothing logged before April
    dates = [d["date"][:10] for d in due]
    assert dates[0] == "2024-07-08"  # the first 2nd Monday after the start
    assert not {"2025-04-14", "2025-05-12", "2025-05-13"} & set(dates)  # logged
    countdown = run_json(cli, v, "countdown", "--today", "2025-05-25")
    assert [(c["title"], c["kind"], c["ends"], c["days_left"]) for c in countdown] == [
        ("Срок апелляции", "hearing", "2025-05-30", 5),
        ("Пробация", "probation", "2025-06-25", 31),
        ("Запрет", "restriction", "2027-06-25", 761),
    ]
    assert [c["started"] for c in countdown] == [False, True, False]

    # deleting takes the log with it and keeps the files
    out = run(cli, v, "obligation", "delete", checkin)
    assert "2 attendance entries" in out and "1 evidence file was kept" in out
    assert checkin not in {o["id"] for o in run_json(cli, v, "obligation", "list")}
    assert len(run_json(cli, v, "evidence", "list")) == 2
    revisions = run_json(cli, v, "incident", "history", entry)
    assert [r["operation"] for r in revisions] == ["create", "delete"]
    assert all(r["content"] is None for r in revisions)
    assert run_json(cli, v, "check")["ok"] is True


def test_due_json_shape(cli: Cli, v: Path) -> None:
    checkin = run(
        cli, v, "obligation", "add", "--kind", "checkin", "--title", "Отметка",
        "--from", "2025-05-01T10:00", "--rrule", "FREQ=WEEKLY;BYDAY=MO",
    )  # fmt: skip
    run(cli, v, "obligation", "edit", checkin, "--move", "2025-05-12", "2025-05-14T15:30")
    due = run_json(cli, v, "due", "--days", "7", "--now", "2025-05-12T08:00")
    assert due == [
        {
            "date": "2025-05-05T10:00:00+05:00",
            "title": "Отметка",
            "kind": "checkin",
            "status": "overdue",
            "obligation_id": checkin,
            "moved_from": None,
        },
        {
            "date": "2025-05-14T15:30:00+05:00",
            "title": "Отметка",
            "kind": "checkin",
            "status": "due",
            "obligation_id": checkin,
            "moved_from": "2025-05-12T10:00:00+05:00",
        },
        {
            "date": "2025-05-19T10:00:00+05:00",
            "title": "Отметка",
            "kind": "checkin",
            "status": "due",
            "obligation_id": checkin,
            "moved_from": None,
        },
    ]
    for item in due:
        assert datetime.fromisoformat(item["date"]).utcoffset() == timedelta(hours=5)
    # --days 0: the rest of today only (and what is overdue)
    assert [d["status"] for d in run_json(cli, v, "due", "--now", "2025-05-12T08:00")] == [
        "overdue"
    ]
    # the plain text names the time, the title and the move
    text = run(cli, v, "due", "--days", "7", "--now", "2025-05-12T08:00")
    assert "Wednesday, 14 May 2025, 15:30" in text and "moved from" in text
    assert run(cli, v, "due", "--now", "2025-04-01T08:00") == "Nothing is due."


def test_countdown_open_ended_and_overlapping(cli: Cli, v: Path) -> None:
    run(
        cli, v, "obligation", "add", "--kind", "restriction", "--title", "Выезд",
        "--restriction-kind", "leave-area", "--from", "2025-01-01",
    )  # fmt: skip
    run(
        cli, v, "obligation", "add", "--kind", "restriction", "--title", "Комендантский час",
        "--restriction-kind", "curfew", "--from", "2025-03-01", "--until", "2025-09-30",
    )  # fmt: skip
    run(
        cli, v, "obligation", "add", "--kind", "restriction", "--title", "Запрет",
        "--restriction-kind", "public-activity", "--from", "2025-06-01", "--until", "2027-05-31",
    )  # fmt: skip
    countdown = run_json(cli, v, "countdown", "--today", "2025-06-01")
    assert [(c["title"], c["ends"], c["days_left"], c["started"]) for c in countdown] == [
        ("Комендантский час", "2025-09-30", 121, True),
        ("Запрет", "2027-05-31", 729, True),
        ("Выезд", None, None, True),  # open-ended: no end, so no days left
    ]
    assert countdown[2]["restriction_kind"] == "leave_area"
    text = run(cli, v, "countdown", "--today", "2025-06-01")
    assert "Запрет: ban on public activity until 31 May 2027 — 2 years left" in text
    assert "Выезд: ban on leaving the area from 1 January 2025, no end date" in text
    assert "2 года" in run(cli, v, "countdown", "--today", "2025-06-01", lang="ru")
    assert "2 жыл қалды" in run(cli, v, "countdown", "--today", "2025-06-01", lang="kk")


def test_last_day_of_probation_is_a_day_of_probation(cli: Cli, v: Path) -> None:
    run(
        cli, v, "obligation", "add", "--kind", "probation", "--title", "Пробация",
        "--from", "2024-06-26", "--until", "2025-06-25",
    )  # fmt: skip
    [last] = run_json(cli, v, "countdown", "--today", "2025-06-25")
    assert (last["days_left"], last["ends"]) == (0, "2025-06-25")
    assert "probation ends today" in run(cli, v, "countdown", "--today", "2025-06-25")
    assert run_json(cli, v, "countdown", "--today", "2025-06-26") == []
    assert run(cli, v, "countdown", "--today", "2025-06-26") == "Nothing is running."


def test_across_the_2024_zone_change(cli: Cli, v: Path) -> None:
    # Almaty went from UTC+6 to UTC+5 on 2024-03-01; the check-in stays at 10:00 local time
    run(
        cli, v, "obligation", "add", "--kind", "checkin", "--title", "Отметка",
        "--from", "2024-02-01T10:00[Asia/Almaty]", "--rrule", "FREQ=WEEKLY;BYDAY=MO",
        "--until", "2024-03-11",
    )  # fmt: skip
    due = run_json(cli, v, "due", "--now", "2024-03-11T08:00+05:00")
    assert [d["date"] for d in due] == [
        "2024-02-05T10:00:00+06:00",
        "2024-02-12T10:00:00+06:00",
        "2024-02-19T10:00:00+06:00",
        "2024-02-26T10:00:00+06:00",
        "2024-03-04T10:00:00+05:00",
        "2024-03-11T10:00:00+05:00",
    ]
    assert [d["status"] for d in due] == ["overdue"] * 5 + ["due"]


def test_days_that_do_not_exist_in_some_months(cli: Cli, v: Path) -> None:
    run(
        cli, v, "obligation", "add", "--kind", "checkin", "--title", "31-е",
        "--from", "2025-01-01T10:00", "--rrule", "FREQ=MONTHLY;BYMONTHDAY=31",
        "--until", "2025-06-30",
    )  # fmt: skip
    run(
        cli, v, "obligation", "add", "--kind", "checkin", "--title", "5-й понедельник",
        "--from", "2025-01-01T10:00", "--rrule", "FREQ=MONTHLY;BYDAY=5MO",
        "--until", "2025-12-31",
    )  # fmt: skip
    run(
        cli, v, "obligation", "add", "--kind", "checkin", "--title", "29 февраля",
        "--from", "2025-01-01T10:00", "--rrule", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29",
    )  # fmt: skip
    due = run_json(cli, v, "due", "--now", "2028-03-01T08:00")
    days = [(d["title"], d["date"][:10]) for d in due]
    assert [d for t, d in days if t == "31-е"] == ["2025-01-31", "2025-03-31", "2025-05-31"]
    assert [d for t, d in days if t == "5-й понедельник"] == [
        "2025-03-31",
        "2025-06-30",
        "2025-09-29",
        "2025-12-29",
    ]
    assert [d for t, d in days if t == "29 февраля"] == ["2028-02-29"]


# -- the scenario: each morning of her last month ------------------------------------------------


def test_scenario_each_morning(cli: Cli, v: Path, tmp_path: Path) -> None:
    today = today_in(datetime.now(UTC), "Asia/Almaty")
    start = today - relativedelta(months=11)
    last = today + timedelta(days=31)  # probation ends 31 days after today
    ban_from = last + timedelta(days=1)
    ban_until = ban_from + relativedelta(years=2) - timedelta(days=1)

    probation = run(
        cli, v, "obligation", "add", "--kind", "probation", "--title", "Пробация",
        "--from", start.isoformat(), "--until", last.isoformat(),
        "--body", "Районная служба пробации", "--condition", "являться по графику",
        "--condition", "не менять место жительства без уведомления",
    )  # fmt: skip
    checkin = run(
        cli, v, "obligation", "add", "--kind", "checkin", "--title", "Отметка в пробации",
        "--from", start.isoformat(), "--at", "10:00", "--rrule", "FREQ=MONTHLY;BYDAY=2MO,4MO",
        "--place", "служба пробации",
    )  # fmt: skip
    ban = run(
        cli, v, "obligation", "add", "--kind", "restriction", "--title", "Запрет",
        "--restriction-kind", "public-activity", "--from", ban_from.isoformat(),
        "--until", ban_until.isoformat(),
    )  # fmt: skip

    mondays = second_and_fourth_mondays(start, last)
    past = [d for d in mondays if d < today]
    assert len(past) >= 18
    # one of them was moved by the officer to the next day, 15:00
    moved = past[-3]
    run(cli, v, "obligation", "edit", checkin, "--move", moved.isoformat(),
        f"{moved + timedelta(days=1)}T15:00")  # fmt: skip
    run(cli, v, "checkin", "log", checkin, "--date", moved.isoformat(), "--status", "moved")
    stamp = tmp_path / "stamp.jpg"
    stamp.write_bytes(b"\xff\xd8 stamp")
    run(cli, v, "checkin", "log", checkin, "--date", f"{moved + timedelta(days=1)}T15:00",
        "--status", "attended", "--evidence", str(stamp))  # fmt: skip
    # the other past check-ins are logged through the facade (the CLI costs a process each)
    desk = Desk(v)
    desk.unlock(Secret.from_text(PASS))
    try:
        for day in past[:-1]:
            if day != moved:
                desk.log_checkin(checkin, day, "attended")
    finally:
        desk.lock()

    # this morning: the last check-in before today was not logged yet
    due = run_json(cli, v, "due", "--days", "14", "--now", morning(today))
    overdue = [d for d in due if d["status"] == "overdue"]
    assert [d["date"][:10] for d in overdue] == [past[-1].isoformat()]
    coming = [d for d in mondays if today <= d <= today + timedelta(days=14)]
    assert [d["date"] for d in due if d["status"] == "due"] == [
        f"{d}T10:00:00+05:00" for d in coming
    ]
    run(cli, v, "checkin", "log", checkin, "--date", past[-1].isoformat(), "--status", "missed",
        "--note", "болела; справка")  # fmt: skip
    assert [d["status"] for d in run_json(cli, v, "due", "--now", morning(today))] in (
        [],
        ["due"],  # today is itself a check-in Monday
    )

    # today by the real clock (the test may cross midnight in Almaty)
    countdown = run_json(cli, v, "countdown")
    now_today = today_in(datetime.now(UTC), "Asia/Almaty")
    left = (last - now_today).days
    assert [(c["title"], c["kind"], c["ends"], c["days_left"]) for c in countdown] == [
        ("Пробация", "probation", last.isoformat(), left),
        ("Запрет", "restriction", ban_until.isoformat(), (ban_until - now_today).days),
    ]
    assert left in (31, 30)
    assert [c["started"] for c in countdown] == [True, False]
    text = run(cli, v, "countdown")
    assert f"probation ends in {left} days" in text

    # the next check-in morning, the morning after (not logged: overdue), the last day, after
    first_coming = next(d for d in mondays if d >= today)
    [due_then] = run_json(cli, v, "due", "--now", morning(first_coming))
    assert (due_then["date"], due_then["status"]) == (f"{first_coming}T10:00:00+05:00", "due")
    [late] = run_json(cli, v, "due", "--now", morning(first_coming + timedelta(days=1)))
    assert (late["date"][:10], late["status"]) == (first_coming.isoformat(), "overdue")
    last_day = run_json(cli, v, "countdown", "--today", last.isoformat())
    assert [(c["kind"], c["days_left"], c["started"]) for c in last_day] == [
        ("probation", 0, True),
        ("restriction", (ban_until - last).days, False),
    ]
    after = run_json(cli, v, "countdown", "--today", ban_from.isoformat())
    assert [(c["title"], c["days_left"], c["started"]) for c in after] == [
        ("Запрет", (ban_until - ban_from).days, True)
    ]
    assert "ban on public activity until" in run(
        cli, v, "countdown", "--today", ban_from.isoformat()
    )
    assert "2 years left" in run(cli, v, "countdown", "--today", ban_from.isoformat())

    # every morning of the month, through the facade with a clock: she logs each check-in
    class Clock:
        now = datetime.combine(today, time(8), ALMATY)

        def __call__(self) -> datetime:
            return self.now

    clock = Clock()
    desk = Desk(v, clock=clock)
    desk.unlock(Secret.from_text(PASS))
    try:
        for offset in range(0, 45):
            day = today + timedelta(days=offset)
            clock.now = datetime.combine(day, time(8), ALMATY)
            checkins_today = [day] if day in mondays else []
            assert [(d.occurrence.at.date(), d.status) for d in desk.due()] == [
                (d, "due") for d in checkins_today
            ], day
            running = {c.obligation_id: c for c in desk.countdown()}
            if day <= last:
                assert running[probation].days_left == (last - day).days
            else:
                assert probation not in running
            assert running[ban].started == (day >= ban_from)
            assert running[ban].days_left == (ban_until - day).days
            if checkins_today:
                clock.now = datetime.combine(day, time(11), ALMATY)
                desk.log_checkin(checkin, day, "attended")
        assert checkin not in {r.obligation_id for r in desk.reminders()}
    finally:
        desk.lock()


# -- bad input through the CLI ----------------------------------------------------------------


def test_bad_repeat_rules(cli: Cli, v: Path) -> None:
    base = ["obligation", "add", "--kind", "checkin", "--title", "Отметка", "--from"]
    err = fails(cli, v, *base, "2025-01-01T10:00", "--rrule", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30")
    assert "the repeat rule never occurs" in err and "hint:" in err
    err = fails(cli, v, *base, "2025-01-01T10:00", "--rrule", "каждый второй понедельник")
    assert "the repeat rule cannot be read" in err
    err = fails(cli, v, *base, "2025-01-01T10:00", "--rrule", "FREQ=WEEKLY;COUNT=3")
    assert "UNTIL and COUNT" in err
    err = fails(cli, v, *base, "2025-01-01T10:00", "--rrule", "FREQ=HOURLY")
    assert "daily, weekly, monthly or yearly" in err
    # never occurs before its end
    err = fails(
        cli, v, *base, "2025-01-01T10:00", "--rrule", "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=25",
        "--until", "2025-06-30",
    )  # fmt: skip
    assert "never occurs" in err
    assert run_json(cli, v, "obligation", "list") == []


def test_bad_dates(cli: Cli, v: Path) -> None:
    probation = ["obligation", "add", "--kind", "probation", "--title", "Пробация"]
    err = fails(cli, v, *probation, "--from", "2025-06-26", "--until", "2025-06-25")
    assert "until: the end is before the start" in err
    err = fails(
        cli, v, "obligation", "add", "--kind", "checkin", "--title", "x", "--from",
        "2025-06-26T10:00", "--until", "2025-06-01", "--rrule", "FREQ=DAILY",
    )  # fmt: skip
    assert "the end is before the start" in err
    for vague in ("2025-06", "~2025"):
        err = fails(cli, v, *probation, "--from", vague, "--until", "2026-06-25")
        assert "--from: give a day" in err
    assert "--until: give a day" in fails(
        cli, v, *probation, "--from", "2025-06-01", "--until", "2026-06-25T10:00"
    )
    assert "not a valid date" in fails(
        cli, v, *probation, "--from", "2025-02-30", "--until", "2026-06-25"
    )
    hearing = ["obligation", "add", "--kind", "hearing", "--title", "Суд", "--at"]
    assert "--at: give a date and time" in fails(cli, v, *hearing, "2025-06-02")
    assert "unknown time zone" in fails(cli, v, *hearing, "2025-06-02T10:00[Mars/Base]")
    err = fails(cli, v, *hearing, "2025-06-02T10:00[Asia/Almaty]", "--zone", "Asia/Qostanay")
    assert "two different time zones" in err
    assert run_json(cli, v, "obligation", "list") == []


def test_options_that_do_not_fit_the_kind(cli: Cli, v: Path) -> None:
    probation = ["obligation", "add", "--kind", "probation", "--title", "Пробация",
                 "--from", "2025-01-01", "--until", "2025-12-31"]  # fmt: skip
    assert "--rrule is not used" in fails(cli, v, *probation, "--rrule", "FREQ=DAILY", code=2)
    assert "--case is not used" in fails(cli, v, *probation, "--case", "1", code=2)
    err = fails(
        cli, v, "obligation", "add", "--kind", "hearing", "--title", "Суд",
        "--at", "2025-06-02T10:00", "--until", "2025-06-03", code=2,
    )  # fmt: skip
    assert "--until is not used" in err
    err = fails(cli, v, "obligation", "add", "--kind", "probation", "--title", "x",
                "--from", "2025-01-01", code=2)  # fmt: skip
    assert "--until is required" in err
    err = fails(cli, v, "obligation", "add", "--kind", "restriction", "--title", "x",
                "--from", "2025-01-01", code=2)  # fmt: skip
    assert "--restriction-kind is required" in err
    err = fails(cli, v, "obligation", "add", "--kind", "checkin", "--title", "x",
                "--rrule", "FREQ=DAILY", code=2)  # fmt: skip
    assert "--from is required" in err
    err = fails(cli, v, "obligation", "add", "--kind", "checkin", "--title", "x",
                "--from", "2025-01-01", "--rrule", "FREQ=DAILY")  # fmt: skip
    assert "give the time of the check-ins" in err
    fails(cli, v, "obligation", "add", "--kind", "parole", "--title", "x", code=2)
    # a check-in at a time the rule gives is fine without --at
    run(cli, v, "obligation", "add", "--kind", "checkin", "--title", "x",
        "--from", "2025-01-01", "--rrule", "FREQ=DAILY;BYHOUR=9")  # fmt: skip
    p = run(cli, v, *probation)
    assert "--place is not used" in fails(cli, v, "obligation", "edit", p, "--place", "x", code=2)
    err = fails(cli, v, "obligation", "edit", p, "--move", "2025-01-01", "2025-01-02", code=2)
    assert "--move is not used" in err
    assert "--reminder" in fails(cli, v, "obligation", "add", "--kind", "hearing",
                                 "--title", "x", "--at", "2025-06-02T10:00",
                                 "--reminder", "soon")  # fmt: skip


def test_moved_onto_another_through_the_cli(cli: Cli, v: Path) -> None:
    checkin = run(
        cli, v, "obligation", "add", "--kind", "checkin", "--title", "Отметка",
        "--from", "2025-01-01T10:00", "--rrule", "FREQ=MONTHLY;BYDAY=2MO,4MO",
    )  # fmt: skip
    err = fails(cli, v, "obligation", "edit", checkin, "--move", "2025-05-12", "2025-05-26")
    assert "moved onto the time of another check-in" in err and "hint:" in err
    err = fails(cli, v, "obligation", "edit", checkin,
                "--move", "2025-05-12", "2025-05-13T15:00",
                "--move", "2025-05-26", "2025-05-13T15:00")  # fmt: skip
    assert "two check-ins are moved to one time" in err
    assert "there is no check-in on this day" in fails(
        cli, v, "obligation", "edit", checkin, "--cancel", "2025-05-13"
    )
    assert "neither moved nor cancelled" in fails(
        cli, v, "obligation", "edit", checkin, "--restore", "2025-05-12"
    )
    # moving onto a slot that was itself cancelled is allowed: nothing is lost
    run(cli, v, "obligation", "edit", checkin, "--cancel", "2025-05-26")
    run(cli, v, "obligation", "edit", checkin, "--move", "2025-05-12", "2025-05-26")
    due = run_json(cli, v, "due", "--now", "2025-05-26T08:00")
    assert [(d["date"][:10], d["moved_from"]) for d in due if d["date"] >= "2025-05"] == [
        ("2025-05-26", "2025-05-12T10:00:00+05:00")
    ]


def test_bad_log_entries(cli: Cli, v: Path, tmp_path: Path) -> None:
    checkin = run(
        cli, v, "obligation", "add", "--kind", "checkin", "--title", "Отметка",
        "--from", "2025-01-01T10:00", "--rrule", "FREQ=MONTHLY;BYDAY=2MO,4MO",
    )  # fmt: skip
    probation = run(cli, v, "obligation", "add", "--kind", "probation", "--title", "Пробация",
                    "--from", "2025-01-01", "--until", "2025-12-31")  # fmt: skip
    log = ["checkin", "log", checkin, "--status", "attended", "--date"]
    assert "no check-in or hearing on this day" in fails(cli, v, *log, "2025-05-13")
    assert "--date: give a day" in fails(cli, v, *log, "2025-05")
    assert "has not come yet" in fails(cli, v, *log, "2030-01-14")
    err = fails(cli, v, "checkin", "log", probation, "--date", "2025-05-12",
                "--status", "attended")  # fmt: skip
    assert "logged for check-ins and hearings" in err
    assert "no obligation with id o-nothere" in fails(
        cli, v, "checkin", "log", "o-nothere", "--date", "2025-05-12", "--status", "attended"
    )
    fails(cli, v, "checkin", "log", checkin, "--date", "2025-05-12", "--status", "late", code=2)
    err = fails(cli, v, *log, "2025-05-12", "--evidence", str(tmp_path / "нет.jpg"))
    assert "the file does not exist" in err and "нет.jpg" in err
    sup = ["supervision", "log", probation, "--date", "2025-05-12", "--kind"]
    assert "labour needs its hours" in fails(cli, v, *sup, "labour")
    assert "labour needs its hours" in fails(cli, v, *sup, "labour", "--hours", "30")
    assert "hours are only for labour" in fails(cli, v, *sup, "warning", "--hours", "2")
    fails(cli, v, *sup, "labour", "--hours", "many", code=2)
    fails(cli, v, *sup, "praise", code=2)
    # nothing was written by any of these
    listed = run_json(cli, v, "obligation", "list")
    assert all(o["attendance"] == [] and o["supervision"] == [] for o in listed)
    assert run_json(cli, v, "evidence", "list") == []


def test_bad_due_and_countdown_options(cli: Cli, v: Path) -> None:
    fails(cli, v, "due", "--days", "-1", code=2)
    fails(cli, v, "due", "--days", "two", code=2)
    fails(cli, v, "due", "--days", "100000", code=2)
    fails(cli, v, "due", "--now", "tomorrow", code=2)
    fails(cli, v, "countdown", "--today", "2025-02-30", code=2)
    assert run_json(cli, v, "due") == []
    assert run_json(cli, v, "countdown") == []
    assert run(cli, v, "obligation", "list") == "No obligations recorded."
    help_text = run(cli, v, "due", "--help")
    assert "--days" in help_text and "--now" not in help_text


def test_errors_carry_no_record_content(cli: Cli, v: Path) -> None:
    secret = "Секретная отметка у инспектора Б."
    checkin = run(
        cli, v, "obligation", "add", "--kind", "checkin", "--title", secret,
        "--from", "2025-01-01T10:00", "--rrule", "FREQ=MONTHLY;BYDAY=2MO,4MO",
    )  # fmt: skip
    for args in (
        ["obligation", "edit", checkin, "--move", "2025-05-12", "2025-05-26"],
        ["obligation", "edit", checkin, "--until", "2024-01-01"],
        ["checkin", "log", checkin, "--date", "2025-05-13", "--status", "attended"],
    ):
        assert secret not in fails(cli, v, *args)
