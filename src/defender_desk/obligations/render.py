"""Countdowns, dates, schedules and reminder texts in English, Russian and Kazakh.

Dates, weekday names, lists and plural categories come from CLDR through Babel (English dates in
the British order, "25 December 2028"). The few sentence templates live here, one table per
language keyed by CLDR plural category, until the gettext catalogs carry them. Russian has
one/few/many ("1 день, 2 дня, 5 дней"); Kazakh nouns do not inflect after a numeral ("31 күн",
"2 жыл 1 ай"), and its templates are built so that no case ending has to follow a number or a
date (colons, "… қалды"). The Kazakh wording is a starting point for a translator from
Kazakhstan to check.

Wording rule: the end of a restriction is stated as a fact ("the restriction ends"), never as
advice about what becomes allowed. A notification is neutral unless the user opted in to
details; the neutral text carries no record content (no title, place, date or kind).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Literal

from babel import Locale
from babel.dates import format_date
from babel.lists import format_list

from defender_desk.i18n import get_language
from defender_desk.obligations.models import CheckIn, Hearing, RestrictionKind, rule_parts
from defender_desk.obligations.schedule import Countdown, Reminder, Span

__all__ = [
    "Lang",
    "describe_rule",
    "format_day",
    "format_when",
    "notification_text",
    "quantity",
    "render_countdown",
    "render_duration",
    "render_restriction_end",
    "render_span",
    "restriction_label",
]

Lang = Literal["en", "ru", "kk"]
Unit = Literal["year", "month", "day", "hour", "minute"]
_LOCALE: dict[str, str] = {"en": "en_GB", "ru": "ru", "kk": "kk"}

# "{n}" forms per CLDR plural category. Russian forms are nominative = accusative (so they work
# after «осталось» and «через»), except «минуту», which is only ever used after «через».
_UNITS: dict[str, dict[Unit, dict[str, str]]] = {
    "en": {
        "year": {"one": "{n} year", "other": "{n} years"},
        "month": {"one": "{n} month", "other": "{n} months"},
        "day": {"one": "{n} day", "other": "{n} days"},
        "hour": {"one": "{n} hour", "other": "{n} hours"},
        "minute": {"one": "{n} minute", "other": "{n} minutes"},
    },
    "ru": {
        "year": {"one": "{n} год", "few": "{n} года", "many": "{n} лет", "other": "{n} года"},
        "month": {
            "one": "{n} месяц",
            "few": "{n} месяца",
            "many": "{n} месяцев",
            "other": "{n} месяца",
        },
        "day": {"one": "{n} день", "few": "{n} дня", "many": "{n} дней", "other": "{n} дня"},
        "hour": {"one": "{n} час", "few": "{n} часа", "many": "{n} часов", "other": "{n} часа"},
        "minute": {
            "one": "{n} минуту",
            "few": "{n} минуты",
            "many": "{n} минут",
            "other": "{n} минуты",
        },
    },
    "kk": {
        "year": {"other": "{n} жыл"},
        "month": {"other": "{n} ай"},
        "day": {"other": "{n} күн"},
        "hour": {"other": "{n} сағат"},
        "minute": {"other": "{n} минут"},
    },
}

_RESTRICTIONS: dict[str, dict[RestrictionKind, str]] = {
    "en": {
        "public_activity": "ban on public activity",
        "leave_area": "ban on leaving the area",
        "curfew": "ban on leaving home at set hours",
        "reporting": "duty to report",
        "no_contact": "ban on contacting certain people",
        "other": "restriction",
    },
    "ru": {
        "public_activity": "лишение права заниматься общественной деятельностью",
        "leave_area": "запрет выезда за пределы места жительства",
        "curfew": "запрет покидать жилище в определённое время",
        "reporting": "обязанность являться на отметку",
        "no_contact": "запрет общения с определёнными лицами",
        "other": "ограничение",
    },
    "kk": {
        "public_activity": "қоғамдық қызметпен айналысу құқығынан айыру",
        "leave_area": "тұрғылықты жерден шығуға тыйым",
        "curfew": "белгілі бір уақытта тұрғын үйден шығуға тыйым",
        "reporting": "тіркеуге келу міндеті",
        "no_contact": "белгілі бір адамдармен байланысуға тыйым",
        "other": "шектеу",
    },
}

# Countdown and end-of-restriction sentences. {what}: the kind's label; {date}/{start}: dates;
# {left}: a quantity or span; {verb}: Russian «остался»/«осталось», agreeing with {left}.
_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "probation": "probation ends in {left} (last day: {date})",
        "probation_today": "probation ends today (its last day)",
        "probation_later": "probation starts on {start}",
        "restriction": "{what} until {date} — {left} left",
        "restriction_today": "{what} until {date} — today is its last day",
        "restriction_later": "{what} from {start} until {date}",
        "restriction_open": "{what} from {start}, no end date",
        "hearing": "hearing in {left} ({date})",
        "hearing_today": "hearing today",
        "ends": "the restriction ends on {date}: that is its last day",
        "ends_today": "the restriction ends today: this is its last day",
        "ended": "the restriction ended on {date}",
        "ends_never": "the restriction has no end date",
        "neutral": "Reminder: something is planned in {left}",
        "detailed": "{title}: {when}",
        "moved": "moved from {when}",
    },
    "ru": {
        "probation": "пробационный контроль заканчивается через {left} (последний день — {date})",
        "probation_today": "пробационный контроль заканчивается сегодня (последний день)",
        "probation_later": "пробационный контроль начинается {start}",
        "restriction": "{what} до {date} — {verb} {left}",
        "restriction_today": "{what} до {date} — сегодня последний день",
        "restriction_later": "{what} с {start} до {date}",
        "restriction_open": "{what} с {start}, без даты окончания",
        "hearing": "судебное заседание через {left} ({date})",
        "hearing_today": "судебное заседание сегодня",
        "ends": "ограничение заканчивается {date}: это последний день его действия",
        "ends_today": "ограничение заканчивается сегодня: это последний день его действия",
        "ended": "ограничение закончилось {date}",
        "ends_never": "у ограничения нет даты окончания",
        "neutral": "Напоминание: запланированное дело через {left}",
        "detailed": "{title}: {when}",
        "moved": "перенесено, прежнее время — {when}",
    },
    "kk": {
        "probation": "пробациялық бақылаудың аяқталуына {left} қалды (соңғы күні — {date})",
        "probation_today": "пробациялық бақылау бүгін аяқталады (соңғы күні)",
        "probation_later": "пробациялық бақылаудың басталатын күні — {start}",
        "restriction": "{what}: соңғы күні — {date}, {left} қалды",
        "restriction_today": "{what}: соңғы күні — бүгін ({date})",
        "restriction_later": "{what}: басталуы — {start}, соңғы күні — {date}",
        "restriction_open": "{what}: басталуы — {start}, аяқталу күні жоқ",
        "hearing": "сот отырысына {left} қалды ({date})",
        "hearing_today": "сот отырысы бүгін",
        "ends": "шектеудің соңғы күні — {date}",
        "ends_today": "шектеудің соңғы күні — бүгін",
        "ended": "шектеу аяқталды, соңғы күні — {date}",
        "ends_never": "шектеудің аяқталу күні жоқ",
        "neutral": "Еске салу: жоспарланған іске {left} қалды",
        "detailed": "{title}: {when}",
        "moved": "ауыстырылған, бұрынғы уақыты — {when}",
    },
}


def _lang(lang: str | None) -> str:
    code = lang or get_language()
    if code not in _LOCALE:
        raise ValueError(f"unsupported language {code!r}")
    return code


def _plural(n: int, lang: str) -> str:
    return str(Locale.parse(_LOCALE[lang]).plural_form(n))


def quantity(n: int, unit: Unit, lang: str | None = None) -> str:
    """``n`` with its unit: "1 day", «5 дней», "31 күн"."""
    forms = _UNITS[_lang(lang)][unit]
    return (forms.get(_plural(n, _lang(lang))) or forms["other"]).format(n=n)


def _largest(parts: list[tuple[int, Unit]], lang: str, fallback: Unit) -> str:
    shown = [(n, u) for n, u in parts if n][:2] or [(0, fallback)]
    return " ".join(quantity(n, u, lang) for n, u in shown)


def render_span(span: Span, lang: str | None = None) -> str:
    """The two largest non-zero units: "2 years 1 month", «1 месяц 5 дней», "31 күн"."""
    parts: list[tuple[int, Unit]] = [
        (span.years, "year"),
        (span.months, "month"),
        (span.days, "day"),
    ]
    return _largest(parts, _lang(lang), "day")


def render_duration(delta: timedelta, lang: str | None = None) -> str:
    """A lead time: "1 day", «2 часа», "30 минут" (two largest units, whole minutes)."""
    minutes = int(delta.total_seconds()) // 60
    days, rest = divmod(minutes, 24 * 60)
    parts: list[tuple[int, Unit]] = [(days, "day"), (rest // 60, "hour"), (rest % 60, "minute")]
    return _largest(parts, _lang(lang), "minute")


def format_day(day: date, lang: str | None = None) -> str:
    """A long date: "25 December 2028", «25 декабря 2028 г.», "2028 ж. 25 желтоқсан"."""
    return str(format_date(day, "long", locale=_LOCALE[_lang(lang)]))


def format_when(moment: datetime, lang: str | None = None) -> str:
    """Weekday, date and wall time as stored (in the obligation's own zone)."""
    code = _lang(lang)
    return f"{format_date(moment.date(), 'full', locale=_LOCALE[code])}, {moment:%H:%M}"


def _verb(n: int, lang: str) -> str:
    # Russian: the verb agrees with the first number; every unit here is masculine.
    return "остался" if lang == "ru" and _plural(n, lang) == "one" else "осталось"


def render_countdown(countdown: Countdown, lang: str | None = None) -> str:
    """One line for a countdown: "ban on public activity until 25 December 2028 — 2 years
    1 month left", "probation ends in 31 days (last day: 25 December 2026)"."""
    code = _lang(lang)
    t = _TEXT[code]
    c = countdown
    start = format_day(c.starts, code)
    if c.ends is None or c.days_left is None or c.left is None:
        what = _RESTRICTIONS[code][c.restriction_kind or "other"]
        return t["restriction_open"].format(what=what, start=start)
    end = format_day(c.ends, code)
    if c.kind == "probation":
        if not c.started:
            return t["probation_later"].format(start=start)
        if c.days_left == 0:
            return t["probation_today"]
        return t["probation"].format(left=quantity(c.days_left, "day", code), date=end)
    if c.kind == "hearing":
        if c.days_left == 0:
            return t["hearing_today"]
        return t["hearing"].format(left=quantity(c.days_left, "day", code), date=end)
    what = _RESTRICTIONS[code][c.restriction_kind or "other"]
    if not c.started:
        return t["restriction_later"].format(what=what, start=start, date=end)
    if c.days_left == 0:
        return t["restriction_today"].format(what=what, date=end)
    first = next((n for n in (c.left.years, c.left.months, c.left.days) if n), 0)
    return t["restriction"].format(
        what=what, date=end, left=render_span(c.left, code), verb=_verb(first, code)
    )


def restriction_label(kind: RestrictionKind, lang: str | None = None) -> str:
    """The kind of a restriction in words: "ban on public activity"."""
    return _RESTRICTIONS[_lang(lang)][kind]


def render_restriction_end(until: date | None, today: date, lang: str | None = None) -> str:
    """When a restriction ends, as a fact: "the restriction ends on 25 December 2028: that is
    its last day" (never what becomes allowed afterwards)."""
    t = _TEXT[_lang(lang)]
    if until is None:
        return t["ends_never"]
    if until == today:
        return t["ends_today"]
    key = "ended" if until < today else "ends"
    return t[key].format(date=format_day(until, lang))


def notification_text(
    reminder: Reminder,
    lang: str | None = None,
    *,
    details: bool = False,
    obligation: CheckIn | Hearing | None = None,
) -> str:
    """The text for an OS notification. Neutral (no record content at all) unless ``details``
    is True, which the user must have opted in to; then ``obligation`` gives title and place."""
    code = _lang(lang)
    t = _TEXT[code]
    if not details:
        return t["neutral"].format(left=render_duration(reminder.lead, code))
    if obligation is None or obligation.id != reminder.obligation_id:
        raise ValueError("details need the reminder's own obligation")
    occ = reminder.occurrence
    parts = [format_when(occ.at, code)]
    place = obligation.place if isinstance(obligation, CheckIn) else obligation.body
    if place:
        parts.append(place)
    if occ.original is not None:
        parts.append(t["moved"].format(when=format_when(occ.original, code)))
    return t["detailed"].format(title=obligation.title, when="; ".join(parts))


# ---------------------------------------------------------------------------------------------
# Repeat rules in words

_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_BYDAY = re.compile(r"([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)")
_EN_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# Russian: dative plural («по понедельникам»), accusative («каждый … понедельник») and gender.
_RU_DAT = (
    "понедельникам",
    "вторникам",
    "средам",
    "четвергам",
    "пятницам",
    "субботам",
    "воскресеньям",
)
_RU_ACC = ("понедельник", "вторник", "среду", "четверг", "пятницу", "субботу", "воскресенье")
_RU_GENDER = ("m", "m", "f", "m", "f", "f", "n")
_RU_EVERY = {"m": "каждый", "f": "каждую", "n": "каждое"}
_RU_ORD = {"m": "-й", "f": "-ю", "n": "-е"}
_RU_LAST = {"m": "последний", "f": "последнюю", "n": "последнее"}
_KK_DAYS = ("дүйсенбі", "сейсенбі", "сәрсенбі", "бейсенбі", "жұма", "сенбі", "жексенбі")
_KK_DAYS_POSS = (
    "дүйсенбісі",
    "сейсенбісі",
    "сәрсенбісі",
    "бейсенбісі",
    "жұмасы",
    "сенбісі",
    "жексенбісі",
)

_RULES: dict[str, dict[str, str]] = {
    "en": {
        "daily": "every day at {time}",
        "weekly": "every {days} at {time}",
        "biweekly": "every other week on {days} at {time}",
        "nth": "every {nth} {day} at {time}",
        "monthday": "on the {days} of every month at {time}",
        "lastday": "on the last day of every month at {time}",
        "workday1": "on the first working day of every month at {time}",
        "workday-1": "on the last working day of every month at {time}",
        "custom": "custom schedule ({rule}) at {time}",
    },
    "ru": {
        "daily": "каждый день в {time}",
        "weekly": "по {days} в {time}",
        "biweekly": "раз в две недели по {days} в {time}",
        "nth": "{every} {nth} {day} в {time}",
        "monthday": "каждый месяц {days} числа в {time}",
        "lastday": "в последний день каждого месяца в {time}",
        "workday1": "в первый рабочий день каждого месяца в {time}",
        "workday-1": "в последний рабочий день каждого месяца в {time}",
        "custom": "особое расписание ({rule}), в {time}",
    },
    "kk": {
        "daily": "күн сайын, сағат {time}",
        "weekly": "әр {days}, сағат {time}",
        "biweekly": "екі аптада бір рет: {days}, сағат {time}",
        "nth": "әр айдың {nth} {day}, сағат {time}",
        "monthday": "әр айдың {days}-күні, сағат {time}",
        "lastday": "әр айдың соңғы күні, сағат {time}",
        "workday1": "әр айдың бірінші жұмыс күні, сағат {time}",
        "workday-1": "әр айдың соңғы жұмыс күні, сағат {time}",
        "custom": "арнайы кесте ({rule}), сағат {time}",
    },
}


_DAY_NAMES = {"en": _EN_DAYS, "ru": _RU_DAT, "kk": _KK_DAYS}


def _weekdays(wds: list[int], lang: str) -> str:
    return _join([_DAY_NAMES[lang][w] for w in sorted(wds)], lang)


def _en_ordinal(n: int) -> str:
    if n == -1:
        return "last"
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _ordinals(ns: list[int], lang: str, gender: str = "m") -> list[str]:
    if lang == "en":
        return [_en_ordinal(n) for n in ns]
    if lang == "ru":
        return [_RU_LAST[gender] if n == -1 else f"{n}{_RU_ORD[gender]}" for n in ns]
    return ["соңғы" if n == -1 else f"{n}-ші" for n in ns]


def _join(items: list[str], lang: str) -> str:
    return str(format_list(items, locale=_LOCALE[lang]))


def _nth_weekday(days: list[tuple[int | None, int]], lang: str) -> dict[str, str] | None:
    """One weekday, each time numbered within the month ("every 2nd and 4th Monday")."""
    if len({wd for _, wd in days}) != 1 or any(n not in (1, 2, 3, 4, 5, -1) for n, _ in days):
        return None
    wd = days[0][1]
    ns = sorted((n for n, _ in days if n is not None), key=lambda n: n if n > 0 else 6)
    gender = _RU_GENDER[wd]
    day = {"en": _EN_DAYS[wd], "ru": _RU_ACC[wd], "kk": _KK_DAYS_POSS[wd]}[lang]
    return {"nth": _join(_ordinals(ns, lang, gender), lang), "day": day, "every": _RU_EVERY[gender]}


def _describe(p: Mapping[str, str], start: datetime, lang: str) -> tuple[str, dict[str, str]]:
    freq, interval = p.get("FREQ"), int(p.get("INTERVAL", "1"))
    keys = set(p) - {"FREQ", "INTERVAL", "WKST", "BYHOUR", "BYMINUTE"}
    byday = [
        (int(n) if n else None, _WEEKDAYS.index(w)) for n, w in _BYDAY.findall(p.get("BYDAY", ""))
    ]
    plain = [wd for n, wd in byday if n is None]
    if freq == "DAILY" and interval == 1 and not keys:
        return "daily", {}
    if freq == "WEEKLY" and interval in (1, 2) and keys <= {"BYDAY"} and len(plain) == len(byday):
        wds = plain or [start.weekday()]
        return ("weekly" if interval == 1 else "biweekly"), {"days": _weekdays(wds, lang)}
    if freq != "MONTHLY" or interval != 1:
        return "custom", {}
    if keys == {"BYDAY"} and byday and not plain and (found := _nth_weekday(byday, lang)):
        return "nth", found
    if keys == {"BYMONTHDAY"}:
        mdays = sorted(int(d) for d in p["BYMONTHDAY"].split(","))
        if mdays == [-1]:
            return "lastday", {}
        if all(1 <= d <= 31 for d in mdays):
            if lang == "en":
                return "monthday", {"days": _join([_en_ordinal(d) for d in mdays], lang)}
            if lang == "ru":
                return "monthday", {"days": _join([f"{d}-го" for d in mdays], lang)}
            return "monthday", {"days": _join([str(d) for d in mdays], lang)}
    if keys == {"BYDAY", "BYSETPOS"} and sorted(plain) == [0, 1, 2, 3, 4] and len(byday) == 5:
        if p["BYSETPOS"] in ("1", "+1", "-1"):
            return f"workday{p['BYSETPOS'].lstrip('+')}", {}
    return "custom", {}


def describe_rule(checkin: CheckIn, lang: str | None = None) -> str:
    """The check-in schedule in plain words: "every 2nd and 4th Monday at 10:00",
    «каждый 2-й и 4-й понедельник в 10:00», "әр айдың 2-ші және 4-ші дүйсенбісі, сағат 10:00".
    Common cases only; anything else is shown as the rule itself. Working days are Monday to
    Friday: the rule knows nothing of public holidays."""
    code = _lang(lang)
    p = rule_parts(checkin.rrule)
    hours, minutes = (
        p.get("BYHOUR", str(checkin.start.hour)),
        p.get("BYMINUTE", str(checkin.start.minute)),
    )
    key, fields = _describe(p, checkin.start, code)
    if "," in hours or "," in minutes:
        key = "custom"
    when = f"{int(hours.split(',')[0]):02d}:{int(minutes.split(',')[0]):02d}"
    if key == "custom":
        fields = {"rule": ";".join(f"{k}={v}" for k, v in p.items())}
    return _RULES[code][key].format(time=when, **fields)
