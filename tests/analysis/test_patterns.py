"""The analysis per actor, pure: months, undated incidents, targets, trend, target shift,
confirmed groups. Each rule of docs/analysis.md has a test that breaks if the rule changes."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from defender_desk.analysis.models import (
    Certainty,
    PersonLink,
    TargetShift,
    ThreatAssessment,
    Trend,
)
from defender_desk.analysis.patterns import (
    ALL,
    MIN_INCIDENTS,
    MonthPoint,
    analyse,
    month_of,
    months_between,
)
from defender_desk.domain.dates import parse_when
from defender_desk.domain.models import Incident, Person

TODAY = date(2025, 6, 15)  # reference month 2025-06: recent 2025-01…06, previous 2024-07…12


def person(pid: str, role: str = "actor", **extra: Any) -> Person:
    return Person.model_validate_json(
        json.dumps({"id": pid, "name": pid.upper(), "role": role, **extra})
    )


PEOPLE = {
    p.id: p
    for p in (
        person("akimat"),
        person("police"),
        person("unknown"),
        person("husband", "family", relation="spouse"),
        person("daughter", "family", relation="child"),
        person("neighbour", "witness"),
    )
}
_n = 0


def inc(
    when: str, *actors: str, severity: int | None = None, targets=("self",), channel=None
) -> Incident:
    global _n
    _n += 1
    data: dict[str, Any] = {
        "id": f"i-{_n:03d}",
        "category": "020103010000",
        "title": "t",
        "happened": when,
        "actor_ids": list(actors),
        "targets_self": "self" in targets,
        "target_ids": [t for t in targets if t != "self"],
    }
    if severity is not None:
        data["severity"] = severity
    if channel is not None:
        data["channel"] = channel
    return Incident.model_validate_json(json.dumps(data))


def link(a: str, b: str, certainty: str, lid: str = "l-1") -> PersonLink:
    return PersonLink.model_validate_json(
        json.dumps({"id": lid, "person_id": a, "same_as_id": b, "certainty": certainty})
    )


def run(incidents, links=(), assessments=(), **kw):
    kw.setdefault("today", TODAY)
    return analyse(incidents, PEOPLE, links, assessments, **kw)


# -- months and undated ---------------------------------------------------------------------------


def test_month_of_each_precision():
    assert month_of(parse_when("2024-05-14T21:30")) == (2024, 5)
    assert month_of(parse_when("2024-05-14")) == (2024, 5)
    assert month_of(parse_when("2024-05")) == (2024, 5)
    assert month_of(parse_when("2024")) is None
    assert month_of(parse_when("~2021")) is None
    assert month_of(parse_when("~2021-2022")) is None


def test_months_counts_severity_and_undated_never_on_a_month():
    incidents = [
        inc("2025-03-02", "akimat", severity=2),
        inc("2025-03-20T10:00", "akimat", severity=4),
        inc("2025-03", "akimat"),
        inc("2025-05-01", "akimat"),  # no severity
        inc("2025", "akimat", severity=5),  # a year only: no month
        inc("~2024", "akimat", severity=5),  # approximate: no month
    ]
    a = run(incidents).actor("akimat")
    assert a is not None
    assert a.incidents == 6
    assert a.undated == 2
    assert [(p.label, p.count, p.max_severity) for p in a.months] == [
        ("2025-03", 3, 4),
        ("2025-05", 1, None),
    ]
    # the undated incidents' severity 5 is on no month
    assert all(p.max_severity != 5 for p in a.months)
    assert a.incidents == a.undated + sum(p.count for p in a.months)


def test_only_undated_incidents_are_insufficient_and_counted_as_undated():
    incidents = [inc("~2021", "unknown", severity=5) for _ in range(5)]
    a = run(incidents).actor("unknown")
    assert a is not None
    assert (a.incidents, a.undated, a.months) == (5, 5, ())
    assert a.trend is Trend.INSUFFICIENT
    assert a.target_shift is TargetShift.INSUFFICIENT
    assert a.series() == []


def test_series_fills_empty_months_ready_to_draw():
    a = run([inc("2024-11-02", "akimat", severity=3), inc("2025-02-02", "akimat")]).actor("akimat")
    assert a is not None
    assert [(p.label, p.count, p.max_severity) for p in a.series()] == [
        ("2024-11", 1, 3),
        ("2024-12", 0, None),
        ("2025-01", 0, None),
        ("2025-02", 1, None),
    ]
    assert a.series((2024, 12), (2025, 1)) == [
        MonthPoint(2024, 12, 0, None),
        MonthPoint(2025, 1, 0, None),
    ]
    assert months_between((2024, 11), (2025, 2)) == [(2024, 11), (2024, 12), (2025, 1), (2025, 2)]


def test_targets_channels_first_last():
    incidents = [
        inc("2025-01-05", "akimat", targets=("self",), channel="in_person"),
        inc("~2021", "akimat", targets=("husband",), channel="phone_call"),
        inc("2025-02-05", "akimat", targets=("self", "daughter", "neighbour")),
    ]
    a = run(incidents).actor("akimat")
    assert a is not None
    assert dict(a.targets) == {"self": 2, "daughter": 1, "husband": 1, "neighbour": 1}
    assert dict(a.target_groups) == {"self": 2, "family": 2, "others": 1}
    assert dict(a.channels) == {"in_person": 1, "phone_call": 1, "unspecified": 1}
    assert a.first is not None and a.last is not None
    assert str(a.first[1]) == "~2021" and a.first[0] == incidents[1].id
    assert a.last[0] == incidents[2].id


# -- the trend -----------------------------------------------------------------------------------


def test_windows_are_the_six_months_ending_this_month_and_the_six_before():
    a = run([inc("2025-06-30", "akimat"), inc("2024-07-01", "akimat"), inc("2024-06-30", "akimat")])
    b = a.actor("akimat").basis  # type: ignore[union-attr]
    assert (b.recent.first_label, b.recent.last_label) == ("2025-01", "2025-06")
    assert (b.previous.first_label, b.previous.last_label) == ("2024-07", "2024-12")
    assert (b.recent.count, b.previous.count) == (1, 1)  # 2024-06 is in neither window


def test_fewer_than_the_minimum_is_insufficient():
    assert MIN_INCIDENTS == 3
    two = [inc("2025-05-01", "akimat", severity=5), inc("2024-08-01", "akimat", severity=1)]
    assert run(two).actor("akimat").trend is Trend.INSUFFICIENT  # type: ignore[union-attr]
    three = [*two, inc("2025-04-01", "akimat", severity=1)]
    assert run(three).actor("akimat").trend is Trend.ESCALATING  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("previous", "recent", "expected"),
    [
        # (severities in the previous window, severities in the recent window)
        ([2, 2], [2, 2, 2], Trend.ESCALATING),  # more often, same severity
        ([2, 2], [4, 1], Trend.ESCALATING),  # as often, more severe
        ([4, 4, 4], [5], Trend.ESCALATING),  # less often but more severe: a rise is not hidden
        ([5], [1, 1, 1], Trend.ESCALATING),  # more often but less severe: likewise
        ([3, 3], [3, 3], Trend.STABLE),
        ([3, 3, 3], [3, 3], Trend.DEESCALATING),  # less often, same severity
        ([4, 4], [3, 2], Trend.DEESCALATING),  # as often, less severe
        ([3, 3, 3], [], Trend.DEESCALATING),  # nothing recent
        ([None, None], [None, None], Trend.STABLE),  # unrated: frequency alone
        ([None, 5], [None, None, None], Trend.ESCALATING),  # a window unrated: no severity signal
    ],
)
def test_trend_rule(previous, recent, expected):
    incidents = [inc(f"2024-{8 + n:02d}-03", "akimat", severity=s) for n, s in enumerate(previous)]
    incidents += [inc(f"2025-{1 + n:02d}-03", "akimat", severity=s) for n, s in enumerate(recent)]
    assert run(incidents).actor("akimat").trend is expected  # type: ignore[union-attr]


def test_undated_incidents_never_enter_the_windows():
    incidents = [inc("2025", "akimat", severity=5) for _ in range(5)]
    incidents += [inc("2024-09-01", "akimat", severity=3), inc("2025-02-01", "akimat", severity=3)]
    a = run(incidents).actor("akimat")
    assert a is not None
    assert (a.basis.previous.count, a.basis.recent.count) == (1, 1)
    assert a.trend is Trend.INSUFFICIENT


def test_until_sets_the_reference_month_and_from_narrows_only_the_counts():
    incidents = [
        inc("2023-08-01", "akimat", severity=1),
        inc("2024-02-01", "akimat", severity=3),
        inc("2024-03-01", "akimat", severity=4),
        inc("2025-05-01", "akimat", severity=1),  # after the reference month: ignored by the trend
    ]
    a = run(incidents, date_until=parse_when("2024-03")).actor("akimat")
    assert a is not None
    assert a.basis.reference == (2024, 3)
    assert a.trend is Trend.ESCALATING
    assert a.incidents == 3  # the one in 2025 is outside the range
    b = run(incidents, date_from=parse_when("2024-01"), date_until=parse_when("2024-03"))
    narrowed = b.actor("akimat")
    assert narrowed is not None
    assert narrowed.incidents == 2 and narrowed.trend is Trend.ESCALATING  # same windows


# -- the shift of targets ------------------------------------------------------------------------


def test_targets_moving_towards_her_family_and_new_targets():
    incidents = [
        inc("2024-08-01", "police", targets=("self",)),
        inc("2024-10-01", "police", targets=("self",)),
        inc("2025-02-01", "police", targets=("self",)),
        inc("2025-04-01", "police", targets=("husband",)),
        inc("2025-05-01", "police", targets=("daughter", "self")),
    ]
    a = run(incidents).actor("police")
    assert a is not None
    assert (a.basis.previous.family, a.basis.recent.family) == (0, 2)
    assert a.target_shift is TargetShift.TOWARDS_FAMILY
    assert a.new_targets == ("husband", "daughter")


def test_targets_moving_away_none_and_insufficient():
    away = [
        inc("2024-08-01", "police", targets=("husband",)),
        inc("2025-02-01", "police", targets=("self",)),
        inc("2025-03-01", "police", targets=("daughter",)),
    ]
    assert run(away).actor("police").target_shift is TargetShift.AWAY_FROM_FAMILY  # type: ignore[union-attr]
    same = [
        inc("2024-08-01", "police", targets=("husband",)),
        inc("2025-02-01", "police", targets=("daughter",)),
    ]
    assert run(same).actor("police").target_shift is TargetShift.NONE  # type: ignore[union-attr]
    only_recent = [inc("2025-02-01", "police", targets=("daughter",))]
    assert run(only_recent).actor("police").target_shift is TargetShift.INSUFFICIENT  # type: ignore[union-attr]


# -- actors with uncertain identity --------------------------------------------------------------


def test_confirmed_links_merge_probable_and_possible_do_not():
    incidents = [
        inc("2025-01-01", "unknown", severity=2),
        inc("2025-02-01", "police", severity=3),
        inc("2025-03-01", "police", "unknown", severity=4),  # both members: counted once
    ]
    merged = run(incidents, [link("unknown", "police", "confirmed")])
    police = merged.actor("unknown")
    assert police is not None and police is merged.actor("police")
    assert police.id == "police"  # shown under the one the link points to
    assert police.members == ("police", "unknown")
    assert police.incidents == 3
    assert [a.id for a in merged.actors if a.id in ("police", "unknown")] == ["police"]

    for certainty in ("probable", "possible"):
        apart = run(incidents, [link("unknown", "police", certainty)])
        police, unknown = apart.actor("police"), apart.actor("unknown")
        assert police is not None and unknown is not None and police is not unknown
        assert (police.incidents, unknown.incidents) == (2, 2)
        assert [(s.person_id, s.certainty) for s in unknown.possibly_same] == [
            ("police", Certainty(certainty))
        ]


def test_group_name_when_links_point_different_ways():
    incidents = [
        inc("2025-01-01", "akimat"),
        inc("2025-01-02", "akimat"),
        inc("2025-01-03", "police"),
    ]
    links = [
        link("unknown", "akimat", "confirmed", "l-1"),
        link("unknown", "police", "confirmed", "l-2"),
    ]
    group = run(incidents, links).actor("unknown")
    assert group is not None
    assert group.id == "akimat"  # two targets: the member with the most incidents
    assert set(group.members) == {"akimat", "police", "unknown"}


def test_all_actors_and_latest_assessment():
    incidents = [inc("2025-01-01", "akimat"), inc("2025-02-01", "police"), inc("2025-03-01")]

    def assessment(aid: str, on: str, **kw: Any) -> ThreatAssessment:
        data = {"id": aid, "assessed_on": on, "likelihood": 2, "impact": 2, **kw}
        return ThreatAssessment.model_validate_json(json.dumps(data))

    items = [
        assessment("a-1", "2025-01-10", actor_id="akimat"),
        assessment("a-2", "2025-03-10", incident_id=incidents[0].id),
        assessment("a-3", "2025-04-10", actor_id="police"),
    ]
    result = run(incidents, assessments=items)
    akimat = result.actor("akimat")
    assert akimat is not None and akimat.latest_assessment is not None
    assert akimat.latest_assessment.id == "a-2"  # through its incident, and the latest
    assert akimat.assessment_ids == ("a-2", "a-1")
    assert result.all.id == ALL
    assert result.all.incidents == 3  # every incident, with or without an actor
    assert result.all.latest_assessment is not None and result.all.latest_assessment.id == "a-3"
    assert result.month_span() == ((2025, 1), (2025, 3))


def test_worked_example_of_the_docs():
    """docs/analysis.md, "A worked example": keep the two in step."""
    incidents = [
        inc("2024-07-10", "akimat", severity=2, targets=("self",)),
        inc("2024-10-17", "akimat", severity=3, targets=("self",)),
        inc("~2021", "akimat", severity=3, targets=("self",)),
        inc("2025-01-05", "akimat", severity=3, targets=("husband",)),
        inc("2025-03-20", "akimat", severity=4, targets=("daughter",)),
    ]
    a = run(incidents).actor("akimat")
    assert a is not None
    assert (a.basis.previous.count, a.basis.previous.max_severity) == (2, 3)
    assert (a.basis.recent.count, a.basis.recent.max_severity) == (2, 4)
    assert (a.basis.frequency, a.basis.severity) == ("same", "up")
    assert a.trend is Trend.ESCALATING
    assert (a.basis.previous.family, a.basis.recent.family) == (0, 2)
    assert a.target_shift is TargetShift.TOWARDS_FAMILY
    assert a.undated == 1 and a.incidents == 5
