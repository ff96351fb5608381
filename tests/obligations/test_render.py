"""Localised wording: plural forms, dates, countdowns, schedules, notification texts."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from defender_desk.obligations.models import CheckIn, Hearing, Move, Probation, Restriction
from defender_desk.obligations.render import (
    describe_rule,
    format_day,
    notification_text,
    quantity,
    render_countdown,
    render_duration,
    render_restriction_end,
    render_span,
)
from defender_desk.obligations.schedule import Span, countdowns, due_reminders

SECRET_TITLE = "Отметка у инспектора Б."
SECRET_PLACE = "ул. Секретная, 7"
NNBSP = "\u202f"  # CLDR puts a narrow no-break space before «г.» and «ж.»


def checkin(rule: str, start: datetime = datetime(2025, 1, 1, 10, 0), **over: object) -> CheckIn:
    fields: dict[str, object] = {
        "id": "c1",
        "title": SECRET_TITLE,
        "rrule": rule,
        "start": start,
        "zone": "Asia/Almaty",
        "place": SECRET_PLACE,
    }
    fields.update(over)
    return CheckIn.model_validate(fields)


# --- plural forms -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "day", "month", "year"),
    [
        (1, "1 день", "1 месяц", "1 год"),
        (2, "2 дня", "2 месяца", "2 года"),
        (4, "4 дня", "4 месяца", "4 года"),
        (5, "5 дней", "5 месяцев", "5 лет"),
        (11, "11 дней", "11 месяцев", "11 лет"),
        (12, "12 дней", "12 месяцев", "12 лет"),
        (21, "21 день", "21 месяц", "21 год"),
        (22, "22 дня", "22 месяца", "22 года"),
        (25, "25 дней", "25 месяцев", "25 лет"),
        (31, "31 день", "31 месяц", "31 год"),
        (111, "111 дней", "111 месяцев", "111 лет"),
        (0, "0 дней", "0 месяцев", "0 лет"),
    ],
)
def test_russian_plurals(n: int, day: str, month: str, year: str) -> None:
    assert [quantity(n, u, "ru") for u in ("day", "month", "year")] == [day, month, year]


@pytest.mark.parametrize(("n", "text"), [(1, "1 күн"), (2, "2 күн"), (31, "31 күн")])
def test_kazakh_does_not_inflect_after_numerals(n: int, text: str) -> None:
    assert quantity(n, "day", "kk") == text


def test_english_plurals() -> None:
    assert [quantity(n, "day", "en") for n in (0, 1, 2, 31)] == [
        "0 days",
        "1 day",
        "2 days",
        "31 days",
    ]
    assert quantity(1, "year", "en") == "1 year"


@pytest.mark.parametrize(
    ("span", "en", "ru", "kk"),
    [
        (Span(2, 1, 1), "2 years 1 month", "2 года 1 месяц", "2 жыл 1 ай"),
        (Span(0, 1, 5), "1 month 5 days", "1 месяц 5 дней", "1 ай 5 күн"),
        (Span(5, 0, 3), "5 years 3 days", "5 лет 3 дня", "5 жыл 3 күн"),
        (Span(0, 0, 0), "0 days", "0 дней", "0 күн"),
    ],
)
def test_spans_show_the_two_largest_units(span: Span, en: str, ru: str, kk: str) -> None:
    assert [render_span(span, lang) for lang in ("en", "ru", "kk")] == [en, ru, kk]


def test_lead_times() -> None:
    assert render_duration(timedelta(days=1), "en") == "1 day"
    assert render_duration(timedelta(hours=2), "ru") == "2 часа"
    assert render_duration(timedelta(minutes=90), "ru") == "1 час 30 минут"
    assert render_duration(timedelta(minutes=1), "ru") == "1 минуту"  # after «через»
    assert render_duration(timedelta(hours=5), "kk") == "5 сағат"


# --- dates and countdowns -----------------------------------------------------------------------


def test_long_dates() -> None:
    day = date(2028, 12, 25)
    assert format_day(day, "en") == "25 December 2028"
    assert format_day(day, "ru") == f"25 декабря 2028{NNBSP}г."
    assert format_day(day, "kk") == f"2028{NNBSP}ж. 25 желтоқсан"


PROBATION = Probation(id="p", title="t", start=date(2025, 12, 26), until=date(2026, 12, 25))
BAN = Restriction(
    id="r",
    title="t",
    restriction_kind="public_activity",
    start=date(2026, 12, 26),
    until=date(2028, 12, 25),
)


def lines(today: date, lang: str) -> list[str]:
    return [render_countdown(c, lang) for c in countdowns([PROBATION, BAN], today)]


def test_seed_countdowns_in_three_languages() -> None:
    today = date(2026, 11, 24)
    assert lines(today, "en") == [
        "probation ends in 31 days (last day: 25 December 2026)",
        "ban on public activity from 26 December 2026 until 25 December 2028",
    ]
    assert lines(today, "ru")[0] == (
        "пробационный контроль заканчивается через 31 день"
        f" (последний день — 25 декабря 2026{NNBSP}г.)"
    )
    assert lines(today, "kk")[0] == (
        f"пробациялық бақылаудың аяқталуына 31 күн қалды (соңғы күні — 2026{NNBSP}ж. 25 желтоқсан)"
    )


def test_running_ban_countdown() -> None:
    first_day = date(2026, 12, 26)
    assert lines(first_day, "en") == [
        "ban on public activity until 25 December 2028 — 2 years left"
    ]
    assert lines(first_day, "ru")[0].endswith("— осталось 2 года")
    assert lines(first_day, "kk")[0].endswith(", 2 жыл қалды")
    today = date(2027, 11, 24)
    assert lines(today, "en") == [
        "ban on public activity until 25 December 2028 — 1 year 1 month left"
    ]
    assert lines(today, "ru") == [
        f"лишение права заниматься общественной деятельностью до 25 декабря 2028{NNBSP}г."
        " — остался 1 год 1 месяц"
    ]
    assert lines(today, "kk") == [
        f"қоғамдық қызметпен айналысу құқығынан айыру: соңғы күні — 2028{NNBSP}ж. 25 желтоқсан,"
        " 1 жыл 1 ай қалды"
    ]
    assert lines(date(2028, 12, 5), "ru")[0].endswith("— остался 21 день")
    assert lines(date(2028, 12, 3), "ru")[0].endswith("— осталось 23 дня")


def test_last_days_are_said_as_today() -> None:
    assert lines(date(2026, 12, 25), "en")[0] == "probation ends today (its last day)"
    assert lines(date(2028, 12, 25), "en") == [
        "ban on public activity until 25 December 2028 — today is its last day"
    ]
    assert lines(date(2028, 12, 26), "en") == []


def test_open_ended_and_hearing_countdowns() -> None:
    open_ended = Restriction(id="r", title="t", restriction_kind="curfew", start=date(2026, 1, 1))
    hearing = Hearing(id="h", title="t", at=datetime(2026, 1, 20, 15, 30), zone="Asia/Almaty")
    today = date(2026, 1, 10)
    got = [render_countdown(c, "en") for c in countdowns([open_ended, hearing], today)]
    assert got == [
        "hearing in 10 days (20 January 2026)",
        "ban on leaving home at set hours from 1 January 2026, no end date",
    ]
    (h,) = countdowns([hearing], date(2026, 1, 20))
    assert render_countdown(h, "ru") == "судебное заседание сегодня"


ADVICE = {
    "en": ("allowed", "may ", "can ", "free", "permitted"),
    "ru": ("можно", "разреш", "свобод"),
    "kk": ("болады", "рұқсат", "еркін"),
}


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_restriction_end_is_a_fact_never_advice(lang: str) -> None:
    until, texts = date(2028, 12, 25), []
    for today in (date(2028, 1, 1), until, date(2029, 1, 1)):
        texts.append(render_restriction_end(until, today, lang))
    texts.append(render_restriction_end(None, until, lang))
    assert len(set(texts)) == 4
    for text in texts:
        assert not any(word in text.lower() for word in ADVICE[lang]), text
    assert render_restriction_end(until, date(2028, 1, 1), "en") == (
        "the restriction ends on 25 December 2028: that is its last day"
    )
    assert render_restriction_end(until, date(2028, 1, 1), "ru").startswith(
        f"ограничение заканчивается 25 декабря 2028{NNBSP}г."
    )


# --- schedules in words -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "en", "ru", "kk"),
    [
        (
            "FREQ=MONTHLY;BYDAY=2MO,4MO",
            "every 2nd and 4th Monday at 10:00",
            "каждый 2-й и 4-й понедельник в 10:00",
            "әр айдың 2-ші және 4-ші дүйсенбісі, сағат 10:00",
        ),
        (
            "FREQ=MONTHLY;BYDAY=-1FR",
            "every last Friday at 10:00",
            "каждую последнюю пятницу в 10:00",
            "әр айдың соңғы жұмасы, сағат 10:00",
        ),
        (
            "FREQ=MONTHLY;BYDAY=3SU;BYHOUR=9;BYMINUTE=30",
            "every 3rd Sunday at 09:30",
            "каждое 3-е воскресенье в 09:30",
            "әр айдың 3-ші жексенбісі, сағат 09:30",
        ),
        (
            "FREQ=WEEKLY;BYDAY=TH,MO",
            "every Monday and Thursday at 10:00",
            "по понедельникам и четвергам в 10:00",
            "әр дүйсенбі және бейсенбі, сағат 10:00",
        ),
        (
            "FREQ=WEEKLY;INTERVAL=02;BYDAY=WE",
            "every other week on Wednesday at 10:00",
            "раз в две недели по средам в 10:00",
            "екі аптада бір рет: сәрсенбі, сағат 10:00",
        ),
        (
            "FREQ=MONTHLY;BYMONTHDAY=1,15",
            "on the 1st and 15th of every month at 10:00",
            "каждый месяц 1-го и 15-го числа в 10:00",
            "әр айдың 1 және 15-күні, сағат 10:00",
        ),
        (
            "FREQ=MONTHLY;BYMONTHDAY=-1",
            "on the last day of every month at 10:00",
            "в последний день каждого месяца в 10:00",
            "әр айдың соңғы күні, сағат 10:00",
        ),
        (
            "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1",
            "on the first working day of every month at 10:00",
            "в первый рабочий день каждого месяца в 10:00",
            "әр айдың бірінші жұмыс күні, сағат 10:00",
        ),
        (
            "FREQ=DAILY",
            "every day at 10:00",
            "каждый день в 10:00",
            "күн сайын, сағат 10:00",
        ),
    ],
)
def test_describe_common_rules(rule: str, en: str, ru: str, kk: str) -> None:
    c = checkin(rule)
    assert [describe_rule(c, lang) for lang in ("en", "ru", "kk")] == [en, ru, kk]


def test_weekly_without_byday_uses_the_start_weekday() -> None:
    # 1 January 2025 is a Wednesday.
    assert describe_rule(checkin("FREQ=WEEKLY"), "en") == "every Wednesday at 10:00"


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29",
        "FREQ=MONTHLY;BYDAY=2MO,4TU",
        "FREQ=WEEKLY;INTERVAL=3;BYDAY=MO",
        "FREQ=DAILY;BYHOUR=9,15",
        "FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=1",
    ],
)
def test_other_rules_fall_back_to_the_rule_itself(rule: str) -> None:
    c = checkin(rule)
    assert describe_rule(c, "en").startswith("custom schedule (FREQ=")
    assert describe_rule(c, "ru").startswith("особое расписание (FREQ=")
    assert describe_rule(c, "kk").startswith("арнайы кесте (FREQ=")


def test_language_defaults_to_the_current_one_and_is_checked() -> None:
    assert describe_rule(checkin("FREQ=DAILY")) == "every day at 10:00"
    with pytest.raises(ValueError, match="unsupported"):
        quantity(1, "day", "de")


# --- notification texts -------------------------------------------------------------------------


def test_neutral_notification_carries_no_record_content() -> None:
    c = checkin("FREQ=MONTHLY;BYDAY=2MO,4MO")
    *_, r = due_reminders([c], datetime.fromisoformat("2025-01-13T09:00:00+05:00"))
    assert r.lead == timedelta(hours=2)
    for lang, text in [
        ("en", "Reminder: something is planned in 2 hours"),
        ("ru", "Напоминание: запланированное дело через 2 часа"),
        ("kk", "Еске салу: жоспарланған іске 2 сағат қалды"),
    ]:
        neutral = notification_text(r, lang)
        assert neutral == text
        for content in (SECRET_TITLE, SECRET_PLACE, "10:00", "13", "отметк", "check-in"):
            assert content.lower() not in neutral.lower()


def test_detailed_notification_only_on_opt_in() -> None:
    c = checkin(
        "FREQ=MONTHLY;BYDAY=2MO,4MO",
        moves=[Move(original=datetime(2025, 1, 13, 10), to=datetime(2025, 1, 14, 11))],
    )
    (r, *_) = due_reminders([c], datetime.fromisoformat("2025-01-14T10:00:00+05:00"))
    text = notification_text(r, "en", details=True, obligation=c)
    assert text == (
        f"{SECRET_TITLE}: Tuesday, 14 January 2025, 11:00; {SECRET_PLACE};"
        " moved from Monday, 13 January 2025, 10:00"
    )
    ru = notification_text(r, "ru", details=True, obligation=c)
    assert ru.startswith(f"{SECRET_TITLE}: вторник, 14 января 2025{NNBSP}г., 11:00")
    with pytest.raises(ValueError, match="obligation"):
        notification_text(r, "en", details=True)
    other = Hearing(id="h", title="t", at=datetime(2025, 1, 20, 10), zone="Asia/Almaty")
    with pytest.raises(ValueError, match="obligation"):
        notification_text(r, "en", details=True, obligation=other)
