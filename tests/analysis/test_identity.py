"""Actors with uncertain identity: aliases, typed identifiers, identification as a revision."""

from __future__ import annotations

import json

import pytest

from defender_desk.domain.identifiers import IdentifierKind, identifier_key
from defender_desk.domain.models import Identifier, Person
from defender_desk.errors import InvalidInput
from defender_desk.vault import history

# -- identifiers ---------------------------------------------------------------------------------

KZ_MOBILE = [
    "+7 701 123 45 67",
    "+7 (701) 123-45-67",
    "+77011234567",
    "8 701 123 45 67",
    "8 (701) 123-45-67",
    "87011234567",
    "8-701-123-45-67",
    "7011234567",
    "701 123 4567",
    "007 701 123 45 67",
    "+7(701)1234567",
    "77011234567",
    "8.701.123.45.67",
]


@pytest.mark.parametrize("written", KZ_MOBILE)
def test_a_kazakh_mobile_number_written_the_usual_ways_is_one_key(written):
    assert identifier_key("phone", written) == "+77011234567"


def test_other_phone_numbers():
    assert identifier_key("phone", "8 7172 55 12 34") == "+77172551234"  # Astana landline
    assert identifier_key("phone", "+998 90 123 45 67") == "+998901234567"
    assert identifier_key("phone", "102") == "102"  # a short service number stays short
    assert identifier_key("phone", "55-12-34") == "551234"
    assert identifier_key("phone", "+7 701 123 45 67") != identifier_key(
        "phone", "+7 701 123 45 68"
    )


def test_plates_and_badges_match_across_layouts_and_spacing():
    latin = identifier_key("plate", "777 ABC 02")
    assert latin == "777ABC02"
    assert identifier_key("plate", "777 АВС 02") == latin  # Cyrillic А, В, С
    assert identifier_key("plate", "777авс-02") == latin
    assert identifier_key("badge", "№ 12-345") == identifier_key("badge", "12345")
    assert identifier_key("other", "  Серый   Камри ") == identifier_key("other", "серый камри")


def test_a_phone_identifier_must_look_like_a_number():
    def make(value: str) -> Identifier:
        return Identifier.model_validate_json(json.dumps({"kind": "phone", "value": value}))

    assert make("+7 701 123 45 67").key() == "+77011234567"
    for bad in ("call me", "+7 701 ABC", "12", "1" * 16, "7+01"):
        with pytest.raises(Exception):  # noqa: B017 - pydantic's ValidationError
            make(bad)
    assert (
        Identifier.model_validate_json('{"kind": "badge", "value": "Б-17"}').kind
        is IdentifierKind.BADGE
    )


def test_person_aliases_and_identifiers_are_deduplicated_by_their_keys():
    p = Person.model_validate_json(
        json.dumps(
            {
                "id": "p-1",
                "name": "РОВД",
                "role": "actor",
                "aliases": ["Участковый", "участковый", " УЧАСТКОВЫЙ "],
                "identifiers": [
                    {"kind": "phone", "value": "8 701 123 45 67"},
                    {"kind": "phone", "value": "+77011234567"},
                    {"kind": "plate", "value": "777 АВС 02"},
                ],
            }
        )
    )
    assert p.aliases == ["Участковый"]
    assert [i.value for i in p.identifiers] == ["8 701 123 45 67", "777 АВС 02"]


def test_old_person_records_still_read():
    old = '{"id":"p-1","institution":null,"name":"Банк","notes":"","relation":null,"role":"actor"}'
    assert Person.model_validate_json(old).aliases == []


# -- through the facade ----------------------------------------------------------------------------


def test_alias_add_remove_each_a_revision(desk, cast):
    pid = cast["akimat"]
    before = len(desk.history_of(pid))
    desk.add_alias(pid, "ОВП акимата")
    desk.add_alias(pid, "овп АКИМАТА")  # known already: nothing written
    assert desk.get_person(pid).aliases == ["ОВП акимата"]
    assert len(desk.history_of(pid)) == before + 1
    desk.remove_alias(pid, "ОВП  акимата")
    assert desk.get_person(pid).aliases == []
    assert len(desk.history_of(pid)) == before + 2


def test_identifiers_and_matching(desk, cast):
    desk.add_identifier(cast["unknown"], "phone", "+7 (701) 555-12-34")
    desk.add_identifier(cast["police"], "plate", "777 ABC 02")
    desk.add_alias(cast["police"], "Участковый Серик")
    desk.add_identifier(cast["unknown"], "phone", "87015551234")  # the same number: kept once
    assert len(desk.get_person(cast["unknown"]).identifiers) == 1

    found = desk.match_identifier("8 701 555 12 34")
    assert [(m.person_id, m.how, m.kind) for m in found] == [
        (cast["unknown"], "identifier", IdentifierKind.PHONE)
    ]
    assert [m.person_id for m in desk.match_identifier("777 авс 02")] == [cast["police"]]
    assert [m.how for m in desk.match_identifier("участковый серик")] == ["alias"]
    assert [m.how for m in desk.match_identifier("рОвд")] == ["name"]
    assert desk.match_identifier("+7 701 555 12 35") == []

    desk.remove_alias(cast["unknown"], "8 (701) 555 12 34")  # no such alias: the identifier
    assert desk.get_person(cast["unknown"]).identifiers == []
    with pytest.raises(InvalidInput) as info:
        desk.add_identifier(cast["unknown"], "phone", "не номер")
    assert info.value.fields["field"] == "value"


def test_identifying_an_unknown_actor_is_a_revision_never_a_rewrite(desk, cast):
    unknown = cast["unknown"]
    incidents = [
        desk.add_incident(
            {
                "category": "020103010000",
                "title": f"Звонок {n}",
                "happened": f"2025-0{n}-01",
                "target_ids": [cast["husband"]],
                "actor_ids": [unknown],
            }
        )
        for n in (1, 2, 3)
    ]
    conn = desk._open().conn
    incident_revisions = {i.id: desk.history_of(i.id) for i in incidents}
    head_before = history.head(conn)[0]

    person = desk.identify_person(unknown, "Капитан Сейткали", institution="police")
    assert person.name == "Капитан Сейткали"
    assert person.aliases == ["Неизвестный"]  # what she knew then, still findable
    assert person.institution is not None and person.institution.value == "police"

    # exactly one new revision, of the person; the incidents are untouched
    assert history.head(conn)[0] == head_before + 1
    assert {i.id: desk.history_of(i.id) for i in incidents} == incident_revisions
    assert all(desk.get_incident(i.id).actor_ids == [unknown] for i in incidents)
    revisions = desk.history_of(unknown)
    assert [r["operation"] for r in revisions] == ["create", "edit"]
    assert json.loads(revisions[0]["content"])["name"] == "Неизвестный"
    known = desk.identity_history(unknown)
    assert [(k.operation, k.person.name) for k in known] == [
        ("create", "Неизвестный"),
        ("edit", "Капитан Сейткали"),
    ]
    assert history.verify(conn) == []
    assert [m.person_id for m in desk.match_identifier("неизвестный")] == [unknown]
