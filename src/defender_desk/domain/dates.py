"""Uncertain dates: "14 May 2023 at 21:30", "May 2022", "2017", "about 2021", "2021–2022".

A :class:`FuzzyDate` has a :class:`Precision` and only the parts that precision allows. It is
naive local wall time; an exact time may also name its IANA time zone (kept and shown, never
used to shift the bounds).

**WHEN syntax** (:func:`parse_when`; ``str(d)`` gives the canonical form back)::

    2023-05-14T21:30               exact, to the minute (a space instead of T is accepted)
    2023-05-14T21:30[Asia/Almaty]  exact, with its time zone (RFC 9557 suffix)
    2023-05-14                     day
    2023-05                        month
    2023                           year
    ~2021                          approximate: "about 2021"
    ~2021-2022                     approximate range: "2021–2022" (also written 2021-2022,
                                   with or without the tilde, with a hyphen or an en dash)

Years run from :data:`YEAR_MIN` to :data:`YEAR_MAX`. Anything else raises
:class:`InvalidDate` with a ``reason`` (an untranslated message, never the input).

**Bounds.** :meth:`FuzzyDate.earliest` / :meth:`FuzzyDate.latest` are the first and last
microsecond the date can mean, inclusive. "About 2021" is widened by
:data:`APPROXIMATE_MARGIN_YEARS` on each side (2020-01-01 … 2022-12-31): "three or four years
ago" is a guess, and a date filter should rather show one incident too many than hide one. A
range (``~2021-2022``) means what it says and is not widened.

**Sorting.** :meth:`FuzzyDate.sort_key` orders by the start of the *stated* period (so "about
2021" sorts with 2021, not with 2020), then from less to more precise (about 2021 → 2021 →
May 2021 → 1 May 2021 → 1 May 2021 08:00), then by the end of the period, then canonically.
"""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from babel.dates import format_date, format_skeleton
from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from defender_desk.errors import N_, InvalidInput

__all__ = [
    "APPROXIMATE_MARGIN_YEARS",
    "YEAR_MAX",
    "YEAR_MIN",
    "FuzzyDate",
    "InvalidDate",
    "Precision",
    "check_order",
    "parse_when",
    "span_overlaps",
]

YEAR_MIN = 1900
YEAR_MAX = 2100
APPROXIMATE_MARGIN_YEARS = 1
PYDANTIC_ERROR = "defender_desk_invalid"  # pydantic error type carrying our own ``reason``

R_EMPTY = N_("no date given")
R_FORM = N_("not a date in a known form (2023-05-14T21:30, 2023-05-14, 2023-05, 2023 or ~2021)")
R_YEAR = N_("the year must be between 1900 and 2100")
R_MONTH = N_("the month must be between 1 and 12")
R_DAY = N_("that day does not exist in that month")
R_HOUR = N_("the hour must be between 0 and 23")
R_MINUTE = N_("the minute must be between 0 and 59")
R_ZONE = N_("unknown time zone")
R_RANGE = N_("a range of years must end after it starts")
R_PARTS = N_("the parts of the date do not match its precision")
R_ORDER = N_("the end is before the start")


class InvalidDate(InvalidInput):
    """A date that cannot be (``2023-02-30``, month 13, hour 25, empty, garbage)."""

    message = N_("not a valid date: {reason}")


def pydantic_error(reason: str, **ctx: Any) -> PydanticCustomError:
    """A pydantic error whose ``reason`` (an ``N_`` message) :func:`models.validation_to_error`
    passes on; use it inside validators instead of raising a DefenderDeskError."""
    return PydanticCustomError(PYDANTIC_ERROR, "{reason}", {"reason": reason, **ctx})


class Precision(StrEnum):
    """From least to most precise."""

    APPROXIMATE = "approximate"
    YEAR = "year"
    MONTH = "month"
    DAY = "day"
    EXACT = "exact"


_RANK = {p: i for i, p in enumerate(Precision)}
_PARTS: dict[Precision, frozenset[str]] = {
    Precision.APPROXIMATE: frozenset({"year", "year_end"}),
    Precision.YEAR: frozenset({"year"}),
    Precision.MONTH: frozenset({"year", "month"}),
    Precision.DAY: frozenset({"year", "month", "day"}),
    Precision.EXACT: frozenset({"year", "month", "day", "hour", "minute", "tz"}),
}
_OPTIONAL = frozenset({"year_end", "tz"})


@dataclass(frozen=True, slots=True)
class FuzzyDate:
    """A date known to some precision. Construct through :func:`parse_when` or the class
    methods; direct construction is validated too (raises :class:`InvalidDate`).

    In a pydantic model it validates from (JSON) and serialises to (JSON) the canonical WHEN
    string; in Python mode the model expects a FuzzyDate instance.
    """

    precision: Precision
    year: int
    month: int | None = None
    day: int | None = None
    hour: int | None = None
    minute: int | None = None
    tz: str | None = None
    year_end: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.precision, Precision):
            raise InvalidDate(reason=R_PARTS)
        allowed = _PARTS[self.precision]
        for name in ("month", "day", "hour", "minute", "tz", "year_end"):
            present = getattr(self, name) is not None
            if present and name not in allowed:
                raise InvalidDate(reason=R_PARTS)
            if not present and name in allowed and name not in _OPTIONAL:
                raise InvalidDate(reason=R_PARTS)
        for name in ("year", "month", "day", "hour", "minute", "year_end"):
            value = getattr(self, name)
            if value is not None and type(value) is not int:
                raise InvalidDate(reason=R_PARTS)
        if not YEAR_MIN <= self.year <= YEAR_MAX:
            raise InvalidDate(reason=R_YEAR)
        if self.year_end is not None:
            if not YEAR_MIN <= self.year_end <= YEAR_MAX:
                raise InvalidDate(reason=R_YEAR)
            if self.year_end <= self.year:
                raise InvalidDate(reason=R_RANGE)
        if self.month is not None and not 1 <= self.month <= 12:
            raise InvalidDate(reason=R_MONTH)
        if self.day is not None:
            assert self.month is not None
            try:
                date(self.year, self.month, self.day)
            except ValueError:
                raise InvalidDate(reason=R_DAY) from None
        if self.hour is not None and not 0 <= self.hour <= 23:
            raise InvalidDate(reason=R_HOUR)
        if self.minute is not None and not 0 <= self.minute <= 59:
            raise InvalidDate(reason=R_MINUTE)
        if self.tz is not None:
            _check_zone(self.tz)

    # -- constructors ----------------------------------------------------------------------

    @classmethod
    def exact(
        cls, year: int, month: int, day: int, hour: int, minute: int, tz: str | None = None
    ) -> FuzzyDate:
        return cls(Precision.EXACT, year, month, day, hour, minute, tz)

    @classmethod
    def on_day(cls, year: int, month: int, day: int) -> FuzzyDate:
        return cls(Precision.DAY, year, month, day)

    @classmethod
    def in_month(cls, year: int, month: int) -> FuzzyDate:
        return cls(Precision.MONTH, year, month)

    @classmethod
    def in_year(cls, year: int) -> FuzzyDate:
        return cls(Precision.YEAR, year)

    @classmethod
    def about(cls, year: int, year_end: int | None = None) -> FuzzyDate:
        """ "About ``year``", or "between ``year`` and ``year_end``" if given."""
        return cls(Precision.APPROXIMATE, year, year_end=year_end)

    # -- bounds and order --------------------------------------------------------------------

    def _stated(self) -> tuple[datetime, datetime]:
        """First and last microsecond of the period as stated (no approximate margin)."""
        p = self.precision
        if p is Precision.EXACT:
            assert self.month and self.day and self.hour is not None and self.minute is not None
            start = datetime(self.year, self.month, self.day, self.hour, self.minute)
            return start, start + timedelta(minutes=1, microseconds=-1)
        if p is Precision.DAY:
            assert self.month and self.day
            start = datetime(self.year, self.month, self.day)
            return start, datetime.combine(start.date(), time.max)
        if p is Precision.MONTH:
            assert self.month
            start = datetime(self.year, self.month, 1)
            nxt = datetime(self.year + self.month // 12, self.month % 12 + 1, 1)
            return start, nxt - timedelta(microseconds=1)
        last = self.year_end if self.year_end is not None else self.year
        return datetime(self.year, 1, 1), datetime.combine(date(last, 12, 31), time.max)

    def _margin(self) -> int:
        if self.precision is Precision.APPROXIMATE and self.year_end is None:
            return APPROXIMATE_MARGIN_YEARS
        return 0

    def earliest(self) -> datetime:
        """The first moment this date can mean (naive local time, inclusive)."""
        start = self._stated()[0]
        return start.replace(year=max(start.year - self._margin(), 1))

    def latest(self) -> datetime:
        """The last moment this date can mean (naive local time, inclusive)."""
        end = self._stated()[1]
        return end.replace(year=min(end.year + self._margin(), 9999))

    def sort_key(self) -> tuple[datetime, int, datetime, str]:
        """Stated start, then less precise before more precise, then stated end, then text."""
        start, end = self._stated()
        return (start, _RANK[self.precision], end, str(self))

    def ends_before(self, start: FuzzyDate) -> bool:
        """True if this date, as an end, is certainly before ``start`` (no overlap at all)."""
        return self.latest() < start.earliest()

    def overlaps(
        self, range_from: datetime | FuzzyDate | None, range_until: datetime | FuzzyDate | None
    ) -> bool:
        """True if this date may fall within [range_from, range_until] (None: open end)."""
        return span_overlaps(self, None, range_from, range_until)

    # -- text ------------------------------------------------------------------------------

    def __str__(self) -> str:
        """The canonical WHEN string (see the module docstring); ``parse_when`` reads it."""
        p = self.precision
        if p is Precision.APPROXIMATE:
            return f"~{self.year}" + (f"-{self.year_end}" if self.year_end else "")
        if p is Precision.YEAR:
            return f"{self.year}"
        text = f"{self.year:04d}-{self.month:02d}"
        if p is Precision.MONTH:
            return text
        text += f"-{self.day:02d}"
        if p is Precision.DAY:
            return text
        text += f"T{self.hour:02d}:{self.minute:02d}"
        return text + (f"[{self.tz}]" if self.tz else "")

    def render(self, lang: str = "en") -> str:
        """The date as a person writes it in ``lang`` (en, ru, kk; anything else: English).

        en: "14 May 2023, 21:30", "May 2023", "2023", "about 2021", "2021–2022";
        ru: "14 мая 2023 г., 21:30", "май 2022 г.", "2023 г.", "около 2021 г.", "2021–2022";
        kk: "2023 ж. 14 мамыр, 21:30", "2022 ж. мамыр", "2023 ж.", "шамамен 2021 ж.".
        A no-break space (U+00A0) keeps the year and «г.»/«ж.» together. An exact time with a
        zone ends with the zone's name in parentheses.
        """
        words = _WORDS.get(lang, _WORDS["en"])
        loc = words["locale"]
        p = self.precision
        if p is Precision.APPROXIMATE:
            if self.year_end is not None:
                text = words["range"].format(start=self.year, end=self.year_end)
            else:
                text = words["about"].format(year=self.year)
        elif p is Precision.YEAR:
            text = words["year"].format(year=self.year)
        elif p is Precision.MONTH:
            assert self.month
            text = format_skeleton("yMMMM", date(self.year, self.month, 1), locale=loc)
        else:
            assert self.month and self.day
            text = format_date(date(self.year, self.month, self.day), "long", locale=loc)
            if p is Precision.EXACT:
                text += f", {self.hour:02d}:{self.minute:02d}"
                if self.tz:
                    text += f" ({self.tz})"
        return text.replace("\u202f", "\u00a0")

    # -- pydantic --------------------------------------------------------------------------

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        from_text = core_schema.no_info_after_validator_function(
            _from_json, core_schema.str_schema(strict=True)
        )
        return core_schema.json_or_python_schema(
            json_schema=from_text,
            python_schema=core_schema.is_instance_schema(cls),
            serialization=core_schema.plain_serializer_function_ser_schema(str, when_used="json"),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "type": "string",
            "description": "2023-05-14T21:30 | 2023-05-14 | 2023-05 | 2023 | ~2021 | ~2021-2022",
        }


# Fixed words per language: a small explicit table instead of gettext, so rendering does not
# depend on the catalogs. Babel (CLDR) supplies month names and day/month patterns.
_WORDS: dict[str, dict[str, str]] = {
    "en": {"locale": "en_GB", "year": "{year}", "about": "about {year}", "range": "{start}–{end}"},
    "ru": {
        "locale": "ru",
        "year": "{year}\u00a0г.",
        "about": "около {year}\u00a0г.",
        "range": "{start}–{end}",
    },
    "kk": {
        "locale": "kk",
        "year": "{year}\u00a0ж.",
        "about": "шамамен {year}\u00a0ж.",
        "range": "{start}–{end}",
    },
}

_APPROX = re.compile(r"(~)?\s*(\d{4})(?:\s*[-–]\s*(\d{4}))?", re.ASCII)
_ISO = re.compile(
    r"(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})(?:\[([^\]\s]{1,64})\])?)?)?)?",
    re.ASCII,
)


def parse_when(text: str) -> FuzzyDate:
    """Parse WHEN (see the module docstring); raise :class:`InvalidDate` with a reason."""
    text = text.strip()
    if not text:
        raise InvalidDate(reason=R_EMPTY)
    m = _APPROX.fullmatch(text)
    if m and (m.group(1) or m.group(3)):
        end = int(m.group(3)) if m.group(3) else None
        return FuzzyDate.about(int(m.group(2)), end)
    m = _ISO.fullmatch(text)
    if not m:
        raise InvalidDate(reason=R_FORM)
    year, month, day, hour, minute = (int(g) if g else None for g in m.groups()[:5])
    assert year is not None
    if month is None:
        return FuzzyDate.in_year(year)
    if day is None:
        return FuzzyDate.in_month(year, month)
    if hour is None or minute is None:
        return FuzzyDate.on_day(year, month, day)
    return FuzzyDate.exact(year, month, day, hour, minute, m.group(6))


def _check_zone(name: str) -> None:
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9_+\-]+)*", name):
        raise InvalidDate(reason=R_ZONE)
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise InvalidDate(reason=R_ZONE) from None


def _from_json(text: str) -> FuzzyDate:
    try:
        return parse_when(text)
    except InvalidDate as exc:
        raise pydantic_error(exc.fields["reason"]) from None


def check_order(start: FuzzyDate, end: FuzzyDate | None) -> None:
    """Raise :class:`InvalidDate` if ``end`` is certainly before ``start``. Uncertain dates
    that overlap are fine ("about 2021" … "2020" passes; "2021" … "2020" does not)."""
    if end is not None and end.ends_before(start):
        raise InvalidDate(reason=R_ORDER)


def span_overlaps(
    start: FuzzyDate,
    end: FuzzyDate | None,
    range_from: datetime | FuzzyDate | None,
    range_until: datetime | FuzzyDate | None,
) -> bool:
    """True if the span ``start``…``end`` (or ``start`` alone) may fall within the filter
    [range_from, range_until], both inclusive, None meaning unbounded. A FuzzyDate as
    ``range_from`` counts from its earliest moment, as ``range_until`` up to its latest."""
    lo = range_from.earliest() if isinstance(range_from, FuzzyDate) else range_from
    hi = range_until.latest() if isinstance(range_until, FuzzyDate) else range_until
    first = start.earliest()
    last = (end or start).latest()
    return (hi is None or first <= hi) and (lo is None or last >= lo)
