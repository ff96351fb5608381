from __future__ import annotations

import random
from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from defender_desk.domain import dates
from defender_desk.domain.dates import FuzzyDate, InvalidDate, Precision, parse_when
from defender_desk.errors import InvalidInput

NB = "\u00a0"


@pytest.mark.parametrize(
    ("text", "precision", "canonical"),
    [
        ("2023-05-14T21:30", Precision.EXACT, "2023-05-14T21:30"),
        ("2023-05-14 21:30", Precision.EXACT, "2023-05-14T21:30"),
        ("2023-05-14T21:30[Asia/Almaty]", Precision.EXACT, "2023-05-14T21:30[Asia/Almaty]"),
        ("2023-05-14", Precision.DAY, "2023-05-14"),
        ("  2023-05 ", Precision.MONTH, "2023-05"),
        ("2023", Precision.YEAR, "2023"),
        ("~2021", Precision.APPROXIMATE, "~2021"),
        ("~ 2021", Precision.APPROXIMATE, "~2021"),
        ("~2021-2022", Precision.APPROXIMATE, "~2021-2022"),
        ("2021-2022", Precision.APPROXIMATE, "~2021-2022"),
        ("2021–2022", Precision.APPROXIMATE, "~2021-2022"),
        ("2024-02-29", Precision.DAY, "2024-02-29"),
    ],
)
def test_parse_when(text: str, precision: Precision, canonical: str) -> None:
    d = parse_when(text)
    assert d.precision is precision
    assert str(d) == canonical
    assert parse_when(str(d)) == d


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", dates.R_EMPTY),
        ("   ", dates.R_EMPTY),
        ("garbage", dates.R_FORM),
        ("14.05.2023", dates.R_FORM),
        ("2023-5", dates.R_FORM),
        ("2023-05-14T21", dates.R_FORM),
        ("2023-05-14T21:30:15", dates.R_FORM),
        ("~2021-05", dates.R_FORM),
        ("٢٠٢٣", dates.R_FORM),  # non-ASCII digits
        ("2023-02-30", dates.R_DAY),
        ("2023-02-29", dates.R_DAY),
        ("2023-04-31", dates.R_DAY),
        ("2023-13", dates.R_MONTH),
        ("2023-00-10", dates.R_MONTH),
        ("2023-05-14T25:00", dates.R_HOUR),
        ("2023-05-14T24:00", dates.R_HOUR),
        ("2023-05-14T21:60", dates.R_MINUTE),
        ("2023-05-14T21:30[Mars/Olympus]", dates.R_ZONE),
        ("2023-05-14T21:30[../../etc/passwd]", dates.R_ZONE),
        ("1899", dates.R_YEAR),
        ("~2101", dates.R_YEAR),
        ("~2022-2021", dates.R_RANGE),
        ("2021-2021", dates.R_RANGE),
    ],
)
def test_impossible_dates(text: str, reason: str) -> None:
    with pytest.raises(InvalidDate) as info:
        parse_when(text)
    assert info.value.fields == {"reason": reason}
    assert isinstance(info.value, InvalidInput)
    if text.strip():
        assert text.strip() not in str(info.value)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"precision": Precision.YEAR, "year": 2021, "month": 5},
        {"precision": Precision.MONTH, "year": 2021},
        {"precision": Precision.DAY, "year": 2021, "month": 5},
        {"precision": Precision.EXACT, "year": 2021, "month": 5, "day": 1, "hour": 3},
        {"precision": Precision.DAY, "year": 2021, "month": 5, "day": 1, "tz": "UTC"},
        {"precision": Precision.YEAR, "year": 2021, "year_end": 2022},
        {"precision": Precision.YEAR, "year": True},
        {"precision": "year", "year": 2021},
    ],
)
def test_parts_must_match_precision(kwargs: dict[str, object]) -> None:
    with pytest.raises(InvalidDate) as info:
        FuzzyDate(**kwargs)  # type: ignore[arg-type]
    assert info.value.fields["reason"] == dates.R_PARTS


def test_bounds() -> None:
    exact = parse_when("2023-05-14T21:30")
    assert exact.earliest() == datetime(2023, 5, 14, 21, 30)
    assert exact.latest() == datetime(2023, 5, 14, 21, 30, 59, 999999)
    day = parse_when("2023-05-14")
    assert (day.earliest(), day.latest()) == (
        datetime(2023, 5, 14),
        datetime(2023, 5, 14, 23, 59, 59, 999999),
    )
    assert parse_when("2024-02").latest() == datetime(2024, 2, 29, 23, 59, 59, 999999)
    assert parse_when("2023-12").latest() == datetime(2023, 12, 31, 23, 59, 59, 999999)
    year = parse_when("2017")
    assert (year.earliest(), year.latest()) == (
        datetime(2017, 1, 1),
        datetime(2017, 12, 31, 23, 59, 59, 999999),
    )
    about = parse_when("~2021")  # widened by one year each side
    assert about.earliest() == datetime(2020, 1, 1)
    assert about.latest() == datetime(2022, 12, 31, 23, 59, 59, 999999)
    span = parse_when("~2021-2022")  # a range is not widened
    assert span.earliest() == datetime(2021, 1, 1)
    assert span.latest() == datetime(2022, 12, 31, 23, 59, 59, 999999)


def test_time_zone_is_kept_but_does_not_shift_bounds() -> None:
    local = parse_when("2023-05-14T21:30")
    zoned = parse_when("2023-05-14T21:30[Asia/Almaty]")
    assert zoned.tz == "Asia/Almaty"
    assert zoned.earliest() == local.earliest()
    assert zoned != local


def test_sort_order() -> None:
    expected = [
        "~2020",
        "2020-11",
        "~2021",
        "~2021-2022",
        "2021",
        "2021-01",
        "2021-01-01",
        "2021-01-01T00:00",
        "2021-01-01T08:00",
        "2021-05-01",
        "2022",
    ]
    shuffled = expected[:]
    random.Random(7).shuffle(shuffled)
    ordered = sorted((parse_when(t) for t in shuffled), key=FuzzyDate.sort_key)
    assert [str(d) for d in ordered] == expected


def test_overlaps() -> None:
    about = parse_when("~2021")
    assert about.overlaps(datetime(2020, 6, 1), datetime(2020, 6, 30))
    assert not parse_when("2021").overlaps(datetime(2020, 6, 1), datetime(2020, 6, 30))
    assert parse_when("2021-03").overlaps(None, None)
    assert parse_when("2021-03").overlaps(parse_when("2021-03-31"), None)
    assert not parse_when("2021-03").overlaps(parse_when("2021-04"), None)
    assert parse_when("2021-03").overlaps(None, parse_when("2021-03-01"))
    assert not parse_when("2021-03").overlaps(None, parse_when("2021-02"))
    # a span: from March to "about 2023"
    start, end = parse_when("2021-03"), parse_when("~2023")
    assert dates.span_overlaps(start, end, parse_when("2022"), parse_when("2022"))
    assert not dates.span_overlaps(start, None, parse_when("2022"), parse_when("2022"))


def test_end_before_start() -> None:
    with pytest.raises(InvalidDate) as info:
        dates.check_order(parse_when("2021"), parse_when("2020"))
    assert info.value.fields == {"reason": dates.R_ORDER}
    with pytest.raises(InvalidDate):
        dates.check_order(parse_when("2023-05-14T21:30"), parse_when("2023-05-14T21:00"))
    # overlapping uncertain periods are fine
    dates.check_order(parse_when("~2021"), parse_when("2020"))
    dates.check_order(parse_when("2023-05-14T21:30"), parse_when("2023-05-14"))
    dates.check_order(parse_when("2023-05"), parse_when("2023-05-01"))
    dates.check_order(parse_when("2023"), None)


@pytest.mark.parametrize(
    ("text", "en", "ru", "kk"),
    [
        (
            "2023-05-14T21:30",
            "14 May 2023, 21:30",
            f"14 мая 2023{NB}г., 21:30",
            f"2023{NB}ж. 14 мамыр, 21:30",
        ),
        ("2023-05-14", "14 May 2023", f"14 мая 2023{NB}г.", f"2023{NB}ж. 14 мамыр"),
        ("2022-05", "May 2022", f"май 2022{NB}г.", f"2022{NB}ж. мамыр"),
        ("2023-01", "January 2023", f"январь 2023{NB}г.", f"2023{NB}ж. қаңтар"),
        ("2023", "2023", f"2023{NB}г.", f"2023{NB}ж."),
        ("~2021", "about 2021", f"около 2021{NB}г.", f"шамамен 2021{NB}ж."),
        ("~2021-2022", "2021–2022", "2021–2022", "2021–2022"),
    ],
)
def test_render(text: str, en: str, ru: str, kk: str) -> None:
    d = parse_when(text)
    assert d.render("en") == en
    assert d.render("ru") == ru
    assert d.render("kk") == kk
    assert d.render("xx") == en


def test_render_exact_with_zone() -> None:
    d = parse_when("2022-03-14T23:00[Asia/Almaty]")
    assert d.render("ru") == f"14 марта 2022{NB}г., 23:00 (Asia/Almaty)"


dates_strategy = st.one_of(
    st.builds(FuzzyDate.about, st.integers(1900, 2100)),
    st.integers(1900, 2099).flatmap(
        lambda y: st.builds(FuzzyDate.about, st.just(y), st.integers(y + 1, 2100))
    ),
    st.builds(FuzzyDate.in_year, st.integers(1900, 2100)),
    st.builds(FuzzyDate.in_month, st.integers(1900, 2100), st.integers(1, 12)),
    st.dates(datetime(1900, 1, 1).date(), datetime(2100, 12, 31).date()).map(
        lambda d: FuzzyDate.on_day(d.year, d.month, d.day)
    ),
    st.builds(
        lambda d, h, m, tz: FuzzyDate.exact(d.year, d.month, d.day, h, m, tz),
        st.dates(datetime(1900, 1, 1).date(), datetime(2100, 12, 31).date()),
        st.integers(0, 23),
        st.integers(0, 59),
        st.sampled_from([None, "Asia/Almaty", "UTC"]),
    ),
)


@given(dates_strategy)
def test_round_trip_and_bounds_property(d: FuzzyDate) -> None:
    assert parse_when(str(d)) == d
    assert d.earliest() <= d.sort_key()[0] <= d.latest()
    assert d.overlaps(d.earliest(), d.earliest())
    assert not d.ends_before(d)
    for lang in ("en", "ru", "kk"):
        assert str(d.year) in d.render(lang)


@given(dates_strategy, dates_strategy)
def test_sort_key_agrees_with_non_overlap(a: FuzzyDate, b: FuzzyDate) -> None:
    # when one date certainly ends before the other starts, it also sorts first
    if a.ends_before(b):
        assert a.sort_key() < b.sort_key()
