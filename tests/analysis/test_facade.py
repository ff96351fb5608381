"""The analysis through the facade, and the practice vault showing the escalation."""

from __future__ import annotations

from datetime import date

from defender_desk import practice
from defender_desk.analysis.models import TargetShift, Trend
from defender_desk.domain.dates import parse_when


def add(desk, when, actor, severity=None, **kw):
    draft = {"category": "020103010000", "title": "t", "happened": when, "actor_ids": [actor]}
    if severity is not None:
        draft["severity"] = severity
    return desk.add_incident({"targets_self": True, **draft, **kw})


def test_analysis_escalating_actors_and_incident_pages(desk, cast):
    akimat, unknown = cast["akimat"], cast["unknown"]
    add(desk, "2024-08-01", akimat, 2)
    add(desk, "2025-02-01", akimat, 3)
    last = add(desk, "2025-05-01", akimat, 4)
    for _ in range(3):
        add(desk, "~2021", unknown, 5)
    result = desk.analysis()
    assert result.reference == (2025, 6)  # this month, by the desk's clock
    a = result.actor(akimat)
    assert a is not None and a.trend is Trend.ESCALATING
    u = result.actor(unknown)
    assert u is not None and (u.incidents, u.undated, u.trend) == (3, 3, Trend.INSUFFICIENT)
    assert [x.id for x in desk.escalating_actors()] == [akimat]
    assert [x.id for x in desk.actors_of_incident(last.id)] == [akimat]
    assert desk.actor_analysis(akimat, parse_when("2025")).incidents == 2
    # a confirmed link merges them; the incident's page follows the group
    desk.link_people(unknown, akimat, "confirmed")
    merged = desk.actor_analysis(unknown)
    assert merged.id == akimat and merged.incidents == 6 and merged.undated == 3
    assert [x.id for x in desk.analysis().actors if x.id in (akimat, unknown)] == [akimat]


def test_practice_vault_shows_the_escalation(desk):
    today = date(2025, 6, 15)
    ids = practice.build(desk, today)
    result = desk.analysis(today=today)
    names = {a.name: a for a in result.actors}
    akimat = names["Отдел внутренней политики акимата"]
    police = names["РОВД (районный отдел полиции)"]
    for actor in (akimat, police):
        assert actor.trend is Trend.ESCALATING
        assert actor.target_shift is TargetShift.TOWARDS_FAMILY
    assert akimat.basis.recent.max_severity == 4 and akimat.basis.previous.max_severity == 3
    assert police.basis.recent.max_severity == 5 and police.basis.previous.max_severity == 2
    people = {p.name: p.id for p in desk.list_people()}
    assert set(akimat.new_targets) == {people["Ерлан"], people["Айгерим"]}
    assert police.new_targets == (people["Ерлан"],)
    assert akimat.undated == 1  # the "about 2021" conversation: on no month
    la = akimat.latest_assessment
    assert la is not None and la.version == 2 and (la.likelihood, la.impact) == (4, 4)
    assert [v.likelihood for v in desk.assessment_versions(la.id)] == [2, 4]
    assert desk.get_person(akimat.id).aliases == ["ОВП акимата"]
    assert [m.person_id for m in desk.match_identifier("87015551234")] == [people["Неизвестный"]]
    assert {x.id for x in desk.escalating_actors(today=today)} >= {akimat.id, police.id}
    # the rest of the practice vault is as before
    assert desk.get_incident(ids["planted"]).severity == 5
    assert len(desk.list_evidence()) == 3
    assert desk.check().ok
