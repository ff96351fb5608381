"""The timeline: the month buckets (a pure function, no QApplication needed) and the chart
widget (painting, tooltip text, keyboard, and a click on a month opening exactly that month's
incidents in the incidents screen)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from defender_desk.domain.dates import parse_when
from defender_desk.domain.models import Incident, InstitutionKind, Person, PersonRole
from defender_desk.ui.timeline import (
    KIND_COLOURS,
    MIN_MONTHS,
    NO_ACTOR,
    PERSON,
    actor_kind,
    describe_month,
    month_buckets,
)

# -- the bucket function (no Qt objects at all) ---------------------------------------------


def _person(pid: str, role: str = "actor", institution: str | None = None) -> Person:
    return Person(
        id=pid,
        name=pid,
        role=PersonRole(role),
        institution=InstitutionKind(institution) if institution else None,
    )


def _incident(iid: str, when: str, actors: list[str] | None = None, until: str | None = None):
    return Incident(
        id=iid,
        category="020103000000",
        title=f"title {iid}",
        happened=parse_when(when),
        until=parse_when(until) if until else None,
        actor_ids=actors or [],
    )


PEOPLE = [
    _person("police", institution="police"),
    _person("bailiff", institution="bailiff"),
    _person("akimat", institution="local_administration"),
    _person("somebody"),  # an actor with no institution
    _person("daughter", role="family"),
]


def _bucket(timeline: Any, year: int, month: int) -> Any:
    index = timeline.index_of(year, month)
    assert index is not None, (year, month)
    return timeline.months[index]


def test_month_or_better_counts_in_its_month_and_uncertain_ones_are_set_apart() -> None:
    incidents = [
        _incident("rally", "2016-04", ["police"]),
        _incident("eviction", "2017", ["bailiff", "police"]),
        _incident("talk", "~2021", ["akimat"]),
        _incident("range", "~2020-2021", ["akimat"]),
        _incident("planted", "2022-03-14T21:30", ["police"], until="2022-05-15T08:00"),
        _incident("sms", "2022-03-14", ["police"]),
    ]
    timeline = month_buckets(incidents, PEOPLE)
    assert (timeline.months[0].year, timeline.months[0].month) == (2016, 4)
    assert (timeline.months[-1].year, timeline.months[-1].month) == (2022, 3)
    # every month in between, none skipped, none doubled
    assert len(timeline.months) == (2022 - 2016) * 12 + (3 - 4) + 1
    assert _bucket(timeline, 2016, 4).incident_ids == ("rally",)
    march = _bucket(timeline, 2022, 3)
    assert set(march.incident_ids) == {"planted", "sms"}
    assert march.counts == {"police": 2}
    # an end date does not spread an incident over later months
    assert _bucket(timeline, 2022, 1).total == 0
    # the year-only and approximate ones are not in any month, and are all listed
    assert sum(m.total for m in timeline.months) == 3 == timeline.dated
    assert [i for i, _d in timeline.uncertain] == ["eviction", "range", "talk"]
    assert timeline.highest == 2
    assert timeline.kinds == ["police"]


def test_each_incident_counts_once_under_the_first_actor_with_an_institution() -> None:
    by_id = {p.id: p for p in PEOPLE}
    assert actor_kind(_incident("a", "2022-01", ["somebody", "bailiff", "police"]), by_id) == (
        "bailiff"
    )
    assert actor_kind(_incident("b", "2022-01", ["somebody"]), by_id) == PERSON
    assert actor_kind(_incident("c", "2022-01", []), by_id) == NO_ACTOR
    assert actor_kind(_incident("d", "2022-01", ["gone"]), by_id) == PERSON

    timeline = month_buckets(
        [
            _incident("a", "2022-01", ["somebody", "bailiff", "police"]),
            _incident("b", "2022-01", ["police"]),
            _incident("c", "2022-01", []),
        ],
        PEOPLE,
    )
    january = _bucket(timeline, 2022, 1)
    assert january.total == 3
    # stacked in the legend's order; the bar is as high as the incidents it holds
    assert list(january.counts.items()) == [("police", 1), ("bailiff", 1), (NO_ACTOR, 1)]
    assert sum(january.counts.values()) == january.total
    assert timeline.kinds == ["police", "bailiff", NO_ACTOR]


def test_a_short_range_is_padded_and_nothing_dated_gives_no_months() -> None:
    timeline = month_buckets([_incident("x", "2024-02", ["police"])], PEOPLE)
    assert len(timeline.months) == MIN_MONTHS
    assert (timeline.months[-1].year, timeline.months[-1].month) == (2024, 2)
    assert (timeline.months[0].year, timeline.months[0].month) == (2023, 3)

    empty = month_buckets([_incident("y", "~2019")], PEOPLE)
    assert empty.months == []
    assert [i for i, _d in empty.uncertain] == ["y"]
    assert month_buckets([], PEOPLE).months == []


def test_describe_month_names_the_kinds() -> None:
    timeline = month_buckets(
        [_incident("a", "2022-03", ["police"]), _incident("b", "2022-03", ["akimat"])], PEOPLE
    )
    text = describe_month(_bucket(timeline, 2022, 3), "en")
    assert text == "March 2022: 2 incidents — Local administration (akimat): 1; Police: 1"


# -- the chart widget ---------------------------------------------------------------------------


def _overview(controller: Any) -> Any:
    return controller.main_window.show_screen("overview")


def _shown_chart(controller: Any, qtbot: Any) -> Any:
    mw = controller.main_window
    mw.resize(1180, 900)
    mw.show()
    qtbot.waitExposed(mw)
    screen = _overview(controller)
    qtbot.waitUntil(lambda: screen.chart.width() > 300)
    return screen, screen.chart


def test_click_on_a_month_lists_exactly_its_incidents(controller, scenario, qtbot) -> None:
    _screen, chart = _shown_chart(controller, qtbot)
    assert chart.timeline.dated == 3
    qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=chart.bar_centre(2022, 3))
    incidents = controller.main_window.current_screen()
    assert incidents.key == "incidents"
    # the month is the filter, and only the incidents counted in the bar are listed — not the
    # "about 2021" ones, which might fall in any month of 2020–2022
    assert incidents.date_from.text() == "2022-03"
    assert incidents.date_until.text() == "2022-03"
    shown = {incidents.model.incident_id(r) for r in range(incidents.model.rowCount())}
    expected = {scenario["incidents"][k].id for k in ("planted", "seized_phone")}
    assert shown == expected


def test_a_click_on_an_empty_month_stays_here(controller, scenario, qtbot) -> None:
    screen, chart = _shown_chart(controller, qtbot)
    qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=chart.bar_centre(2019, 6))
    assert controller.main_window.current_screen() is screen
    assert chart.month_at_index(chart.current).month == 6


def test_keyboard_moves_between_months_and_enter_opens(controller, scenario, qtbot) -> None:
    screen, chart = _shown_chart(controller, qtbot)
    chart.setFocus()
    qtbot.waitUntil(chart.hasFocus)
    # focus lands on the last month with incidents
    assert (
        chart.month_at_index(chart.current).year,
        chart.month_at_index(chart.current).month,
    ) == (
        2022,
        3,
    )
    assert "March 2022: 2 incidents" in screen.chart_status.text()
    qtbot.keyClick(chart, Qt.Key.Key_Left)
    assert chart.month_at_index(chart.current).month == 2
    assert "February 2022: 0 incidents" in chart.accessibleDescription()
    qtbot.keyClick(chart, Qt.Key.Key_PageUp)  # back to the previous month with incidents
    bucket = chart.month_at_index(chart.current)
    assert (bucket.year, bucket.month) == (2016, 4)
    qtbot.keyClick(chart, Qt.Key.Key_Home)
    assert chart.current == 0
    qtbot.keyClick(chart, Qt.Key.Key_End)
    assert chart.current == len(chart.timeline.months) - 1
    qtbot.keyClick(chart, Qt.Key.Key_Return)
    incidents = controller.main_window.current_screen()
    assert incidents.key == "incidents"
    assert incidents.model.rowCount() == 2


def test_the_chart_paints_bars_in_the_kind_colour_and_has_a_tooltip(
    controller, scenario, qtbot
) -> None:
    _screen, chart = _shown_chart(controller, qtbot)
    image = chart.grab().toImage()
    slot = chart.slot_rect(chart.timeline.index_of(2022, 3))
    low = chart.plot_rect().bottom() - 4
    assert QColor(image.pixel(round(slot.center().x()), low)) == QColor(KIND_COLOURS["police"])
    empty = chart.slot_rect(chart.timeline.index_of(2019, 6))
    assert QColor(image.pixel(round(empty.center().x()), low)) != QColor(KIND_COLOURS["police"])
    bucket = chart.timeline.months[chart.timeline.index_of(2022, 3)]
    assert chart.tooltip_text(bucket).startswith("March 2022: 2 incidents — Police: 2")
    assert chart.timeline.kinds == ["police"]
    assert chart.accessibleName()


def test_month_labels_are_localised(make_controller, qtbot) -> None:
    from defender_desk.ui.timeline import month_abbreviations

    make_controller("ru")
    assert month_abbreviations()[0] == "янв."
    assert month_abbreviations("kk")[0] == "қаң."
    assert month_abbreviations("en")[8] == "Sept"
