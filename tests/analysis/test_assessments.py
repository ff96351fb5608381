"""Threat assessments: the five steps, levels 1–5, versions kept, reassess-by as a reminder."""

from __future__ import annotations

import json
import secrets
from datetime import UTC, date, datetime, timedelta

import pytest

from defender_desk.analysis.facade import IncidentHasAssessments, PersonHasAssessments
from defender_desk.analysis.models import Certainty, ThreatNature, risk_level
from defender_desk.errors import InvalidInput, NotFound
from defender_desk.vault import db, history

from .conftest import NOW


def draft(**kw):
    return {"likelihood": 3, "impact": 4, **kw}


def test_add_with_the_five_steps(desk, cast):
    a = desk.add_assessment(
        draft(
            actor_id=cast["akimat"],
            source_certainty="probable",
            nature="declared",
            facts="Две беседы",
            pattern="После каждой акции",
            objective="Чтобы прекратила",
            source="Тот же сотрудник",
            conclusion="Пока словами",
            measures="Только с адвокатом",
            reassess_by="2025-09-01",
        )
    )
    assert a.id.startswith("a-") and a.version == 1
    assert a.assessed_on == date(2025, 6, 15)  # today in the user's zone, by the desk's clock
    assert (a.source_certainty, a.nature) == (Certainty.PROBABLE, ThreatNature.DECLARED)
    assert (a.risk, risk_level(a.risk)) == (12, "high")
    assert desk.get_assessment(a.id) == a
    assert [r["operation"] for r in desk.history_of(a.id)] == ["create"]


@pytest.mark.parametrize("field", ["likelihood", "impact"])
@pytest.mark.parametrize("value", [0, 6, -1])
def test_levels_outside_1_to_5_are_refused(desk, cast, field, value):
    with pytest.raises(InvalidInput) as info:
        desk.add_assessment(draft(actor_id=cast["akimat"], **{field: value}))
    assert info.value.fields["field"] == field
    assert desk.list_assessments() == []


def test_subject_is_needed_and_must_exist(desk, cast):
    with pytest.raises(InvalidInput) as info:
        desk.add_assessment(draft())
    assert info.value.fields["field"] == "incident_id"
    with pytest.raises(NotFound):
        desk.add_assessment(draft(incident_id="i-nothere"))
    with pytest.raises(NotFound):
        desk.add_assessment(draft(actor_id="p-nothere"))
    incident = desk.add_incident({"category": "020103010000", "title": "t", "happened": "2025"})
    with pytest.raises(InvalidInput) as info:  # a certainty without an actor
        desk.add_assessment(draft(incident_id=incident.id, source_certainty="confirmed"))
    assert info.value.fields["field"] == "source_certainty"


def test_each_reassessment_is_a_new_dated_version_all_kept(desk, cast):
    a = desk.add_assessment(
        draft(
            actor_id=cast["akimat"], facts="v1", assessed_on="2025-01-10", reassess_by="2025-04-01"
        )
    )
    b = desk.reassess(a.id, {"likelihood": 5, "facts": "v2", "assessed_on": "2025-04-02"})
    c = desk.reassess(a.id, {"reassess_by": None})  # today; clears the date
    assert (b.version, c.version) == (2, 3)
    assert b.impact == 4 and b.reassess_by == date(2025, 4, 1)  # carried over
    assert c.assessed_on == date(2025, 6, 15) and c.reassess_by is None and c.facts == "v2"
    versions = desk.assessment_versions(a.id)
    assert [(v.version, v.assessed_on.isoformat(), v.facts, v.likelihood) for v in versions] == [
        (1, "2025-01-10", "v1", 3),
        (2, "2025-04-02", "v2", 5),
        (3, "2025-06-15", "v2", 5),
    ]
    assert desk.get_assessment(a.id) == c
    assert [r["operation"] for r in desk.history_of(a.id)] == ["create", "edit", "edit"]
    contents = [json.loads(r["content"]) for r in desk.history_of(a.id)]
    assert [x["version"] for x in contents] == [1, 2, 3]
    with pytest.raises(InvalidInput) as info:
        desk.reassess(a.id, {"assessed_on": "2025-06-14"})  # before the latest version
    assert info.value.fields["field"] == "assessed_on"
    assert len(desk.assessment_versions(a.id)) == 3
    assert desk.check().ok


def test_a_reassess_by_date_in_the_past_is_accepted_and_due_at_once(desk, cast):
    a = desk.add_assessment(draft(actor_id=cast["akimat"], reassess_by="2025-01-01"))
    later = desk.add_assessment(draft(actor_id=cast["police"], reassess_by="2025-06-20"))
    due = desk.assessments_due()
    assert [(d.assessment_id, d.status) for d in due] == [(a.id, "overdue")]
    assert [d.assessment_id for d in desk.assessments_due(days=5)] == [a.id, later.id]
    assert desk.assessments_due(days=5)[1].status == "due"
    reminders = desk.assessment_reminders()
    assert [r.assessment_id for r in reminders] == [a.id]
    assert reminders[0].fires_at == datetime(2024, 12, 31, 19, 0, tzinfo=UTC)  # 00:00 in Almaty
    assert desk.assessment_reminders(since=NOW - timedelta(minutes=1)) == []  # shown already
    # on its day the later one fires at midnight, once
    on_day = datetime(2025, 6, 20, 0, 30, tzinfo=UTC)
    assert [r.assessment_id for r in desk.assessment_reminders(on_day, since=NOW)] == [later.id]
    # reassessing moves the date: the reminder goes
    desk.reassess(a.id, {"reassess_by": "2025-12-01"})
    assert [d.assessment_id for d in desk.assessments_due()] == []


def test_list_by_actor_follows_incidents_and_confirmed_links(desk, cast):
    incident = desk.add_incident(
        {
            "category": "020103010000",
            "title": "t",
            "happened": "2025-02",
            "actor_ids": [cast["police"]],
        }
    )
    on_incident = desk.add_assessment(draft(incident_id=incident.id, assessed_on="2025-02-10"))
    on_unknown = desk.add_assessment(draft(actor_id=cast["unknown"], assessed_on="2025-03-10"))
    on_akimat = desk.add_assessment(draft(actor_id=cast["akimat"], assessed_on="2025-04-10"))
    assert [a.id for a in desk.list_assessments()] == [on_akimat.id, on_unknown.id, on_incident.id]
    assert [a.id for a in desk.list_assessments(cast["police"])] == [on_incident.id]
    desk.link_people(cast["unknown"], cast["police"], "possible")
    assert [a.id for a in desk.list_assessments(cast["police"])] == [on_incident.id]
    desk.link_people(cast["unknown"], cast["police"], "confirmed")
    assert [a.id for a in desk.list_assessments(cast["police"])] == [on_unknown.id, on_incident.id]


def test_deleting_what_an_assessment_names_is_refused_and_delete_purges(desk, cast):
    incident = desk.add_incident({"category": "020103010000", "title": "t", "happened": "2025"})
    a = desk.add_assessment(draft(incident_id=incident.id, actor_id=cast["unknown"]))
    with pytest.raises(IncidentHasAssessments):
        desk.delete_incident(incident.id)
    with pytest.raises(PersonHasAssessments):
        desk.delete_person(cast["unknown"])
    desk.reassess(a.id, {"likelihood": 1})
    desk.delete_assessment(a.id)
    with pytest.raises(NotFound):
        desk.get_assessment(a.id)
    revisions = desk.history_of(a.id)
    assert [r["operation"] for r in revisions] == ["create", "edit", "delete"]
    assert all(r["content"] is None for r in revisions)
    assert desk._open().conn.execute("SELECT count(*) FROM assessment_versions").fetchone()[0] == 0
    desk.delete_incident(incident.id)
    desk.delete_person(cast["unknown"])
    assert desk.check().ok


def test_check_finds_an_assessment_changed_outside_the_app(desk, cast):
    a = desk.add_assessment(draft(actor_id=cast["akimat"]))
    desk.reassess(a.id, {"likelihood": 5})
    conn = desk._open().conn
    conn.execute(
        "UPDATE assessment_versions SET data = replace(data, ?, ?)"
        " WHERE assessment_id = ? AND version = 2",
        ('"likelihood":5', '"likelihood":1', a.id),
    )
    assert not desk.check().ok


def test_migration_0006_analysis(tmp_path):
    import sqlcipher3

    k = secrets.token_bytes(32)
    raw = sqlcipher3.connect(str(tmp_path / "m.db"), isolation_level=None)
    raw.execute(f"PRAGMA key = \"x'{k.hex()}'\"")
    raw.execute("PRAGMA foreign_keys = ON")
    assert db.migrate(raw, target=5) == 5
    raw.execute(
        "INSERT INTO people(id, name, role, data) VALUES ('p-1', 'a', 'actor', '{}'),"
        " ('p-2', 'b', 'actor', '{}')"
    )
    assert db.migrate(raw, target=6) == 6
    tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"person_links", "assessments", "assessment_versions"} <= tables
    raw.execute(
        "INSERT INTO person_links(id, person_id, same_as_id, certainty, data)"
        " VALUES ('l-1', 'p-1', 'p-2', 'possible', '{}')"
    )
    bad = [
        # the same pair the other way round
        "INSERT INTO person_links VALUES ('l-2', 'p-2', 'p-1', 'probable', '{}')",
        # a person linked to themselves
        "INSERT INTO person_links VALUES ('l-3', 'p-1', 'p-1', 'probable', '{}')",
        # a certainty outside the three
        "INSERT INTO person_links VALUES ('l-4', 'p-1', 'p-9', 'likely', '{}')",
        # a person who does not exist
        "INSERT INTO person_links VALUES ('l-5', 'p-1', 'p-9', 'possible', '{}')",
        # an assessment about nothing
        "INSERT INTO assessments(id, version, assessed_on, created_at, updated_at, data)"
        " VALUES ('a-1', 1, '2025-01-01', 'x', 'x', '{}')",
        # a linked person deleted by the database alone
        "DELETE FROM people WHERE id = 'p-2'",
    ]
    for statement in bad:
        with pytest.raises(sqlcipher3.IntegrityError):
            raw.execute(statement)
    raw.execute(
        "INSERT INTO assessments(id, actor_id, version, assessed_on, created_at, updated_at, data)"
        " VALUES ('a-1', 'p-1', 1, '2025-01-01', 'x', 'x', '{}')"
    )
    raw.execute("INSERT INTO assessment_versions VALUES ('a-1', 1, '2025-01-01', 'x', '{}')")
    raw.execute("DELETE FROM assessments WHERE id = 'a-1'")  # versions follow
    assert raw.execute("SELECT count(*) FROM assessment_versions").fetchone()[0] == 0
    assert db.migrate(raw) == db.latest_version()
    assert history.verify(raw) == []
    raw.close()
