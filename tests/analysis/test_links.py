"""'Possibly the same' links: certainty, refusals, history, deletion of a linked actor."""

from __future__ import annotations

import json

import pytest

from defender_desk.analysis.models import Certainty
from defender_desk.analysis.store import (
    LinkContradictsConfirmed,
    LinkNeedsActors,
    LinkWouldConfirm,
    NotLinked,
    SelfLink,
)
from defender_desk.errors import NotFound
from defender_desk.i18n import describe_error
from defender_desk.vault import history


def test_link_change_certainty_unlink(desk, cast):
    link = desk.link_people(cast["unknown"], cast["police"], "possible", "голос похож")
    assert link.certainty is Certainty.POSSIBLE
    again = desk.link_people(cast["police"], cast["unknown"], "probable")  # either direction
    assert again.id == link.id and again.certainty is Certainty.PROBABLE
    assert again.note == "голос похож"
    assert [k.id for k in desk.list_links(cast["police"])] == [link.id]
    assert [r["operation"] for r in desk.history_of(link.id)] == ["create", "edit"]
    desk.unlink_people(cast["police"], cast["unknown"])
    assert desk.list_links() == []
    revisions = desk.history_of(link.id)
    assert [r["operation"] for r in revisions] == ["create", "edit", "delete"]
    assert json.loads(revisions[1]["content"])["certainty"] == "probable"  # not purged
    with pytest.raises(NotLinked):
        desk.unlink_people(cast["police"], cast["unknown"])


def test_linking_an_actor_to_itself_is_refused(desk, cast):
    with pytest.raises(SelfLink) as info:
        desk.link_people(cast["police"], cast["police"], "confirmed")
    assert "Ерлан" not in describe_error(info.value)
    assert desk.list_links() == []


def test_only_actors_that_exist_can_be_linked(desk, cast):
    with pytest.raises(LinkNeedsActors):
        desk.link_people(cast["husband"], cast["police"], "possible")
    with pytest.raises(NotFound):
        desk.link_people("p-nobody", cast["police"], "possible")


def test_a_weaker_link_contradicting_a_confirmed_chain_is_refused(desk, cast):
    a, b, c = cast["unknown"], cast["police"], cast["akimat"]
    desk.link_people(a, b, "confirmed")
    desk.link_people(b, c, "confirmed")
    for certainty in ("probable", "possible"):
        with pytest.raises(LinkContradictsConfirmed) as info:
            desk.link_people(a, c, certainty)  # a = b = c already
        assert info.value.fields["path_ids"] == [a, b, c]
        with pytest.raises(LinkContradictsConfirmed):
            desk.link_people(c, a, certainty)
    # downgrading one confirmed link of the chain is no contradiction: it is her revision
    assert desk.link_people(a, b, "probable").certainty is Certainty.PROBABLE
    # a confirmed link closing a cycle of confirmed links agrees with them
    desk.link_people(a, b, "confirmed")
    assert desk.link_people(a, c, "confirmed").certainty is Certainty.CONFIRMED
    # now a = b also through c: downgrading a-b alone would contradict the chain a = c = b
    with pytest.raises(LinkContradictsConfirmed) as info:
        desk.link_people(a, b, "possible")
    assert info.value.fields["path_ids"] == [a, c, b]


def test_confirming_would_contradict_an_existing_weaker_link(desk, cast):
    a, b, c = cast["unknown"], cast["police"], cast["akimat"]
    weak = desk.link_people(a, c, "possible")
    desk.link_people(a, b, "confirmed")
    with pytest.raises(LinkWouldConfirm) as info:
        desk.link_people(b, c, "confirmed")  # a = b = c, but a–c says only "possible"
    assert info.value.fields["link"] == weak.id
    assert len(desk.list_links()) == 2
    desk.link_people(a, c, "confirmed")  # upgrading the weak link itself is fine
    desk.link_people(b, c, "confirmed")
    assert len(desk.list_links()) == 3


def test_an_actor_deleted_while_linked_the_link_goes_the_history_keeps_it(desk, cast):
    link = desk.link_people(cast["unknown"], cast["police"], "probable", "тот же голос")
    desk.delete_person(cast["unknown"])
    assert desk.list_links() == []
    assert desk.list_links(cast["police"]) == []
    revisions = desk.history_of(link.id)
    assert [r["operation"] for r in revisions] == ["create", "delete"]
    kept = json.loads(revisions[0]["content"])
    assert kept["person_id"] == cast["unknown"] and kept["note"] == "тот же голос"
    # the person's own revisions are purged, as for any deleted person
    assert all(r["content"] is None for r in desk.history_of(cast["unknown"]))
    assert history.verify(desk._open().conn) == []
    assert desk.check().ok


def test_a_linked_actor_named_in_an_incident_is_not_deleted_and_keeps_its_links(desk, cast):
    from defender_desk.vault.records import PersonInUse

    desk.link_people(cast["unknown"], cast["police"], "possible")
    desk.add_incident(
        {
            "category": "020103010000",
            "title": "t",
            "happened": "2025",
            "actor_ids": [cast["unknown"]],
        }
    )
    with pytest.raises(PersonInUse):
        desk.delete_person(cast["unknown"])
    assert len(desk.list_links()) == 1


def test_check_finds_a_link_changed_outside_the_app(desk, cast):
    link = desk.link_people(cast["unknown"], cast["police"], "possible")
    conn = desk._open().conn
    conn.execute(
        "UPDATE person_links SET data = replace(data, 'possible', 'confirmed') WHERE id = ?",
        (link.id,),
    )
    report = desk.check()
    assert not report.ok
    assert any(p.fields.get("id") == link.id for p in report.problems)
