from __future__ import annotations

import json
import unicodedata
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import pytest
from pydantic import ValidationError

from defender_desk.domain import models
from defender_desk.domain.dates import parse_when
from defender_desk.domain.models import (
    Channel,
    Evidence,
    FollowUp,
    FollowUpKind,
    Incident,
    InstitutionKind,
    Person,
    PersonRole,
    Relation,
    Summons,
    SummonsStatus,
    canonical_json,
    enum_label,
    replace,
    validation_to_error,
)
from defender_desk.errors import InvalidInput

SECRET = "Айгерим задержана в РОВД"  # record content that must never reach an error


def incident(**changes: Any) -> Incident:
    fields: dict[str, Any] = {
        "id": "inc-1",
        "category": "020103020200",
        "title": "Угроза мужу",
        "happened": parse_when("~2021"),
    }
    fields.update(changes)
    return Incident(**fields)


def invalid(**changes: Any) -> InvalidInput:
    with pytest.raises(ValidationError) as info:
        incident(**changes)
    assert SECRET not in str(info.value)
    err = validation_to_error(info.value)
    assert SECRET not in str(err) and SECRET not in repr(err.fields)
    return err


def test_a_full_incident() -> None:
    inc = incident(
        category="020103020200",
        description=SECRET,
        until=parse_when("2022"),
        place="дома",
        targets_self=False,
        target_ids=["p-erlan", "p-erlan"],
        actor_ids=["p-unknown"],
        witness_ids=[],
        channel=Channel.IN_PERSON,
        severity=5,
        follow_ups=[
            FollowUp(kind=FollowUpKind.LAWYER_TOLD, text="Нурлан", when=parse_when("2021"))
        ],
        tags=["семья", " угрозы "],
    )
    assert inc.target_ids == ["p-erlan"]
    assert inc.tags == ["семья", "угрозы"]
    assert inc.overlaps(parse_when("2022-06"), None)
    assert not inc.overlaps(None, parse_when("2019"))


def test_canonical_json() -> None:
    inc = incident(tags=["суд"], description="«кавычки» и ӘКІМДІК")
    raw = canonical_json(inc)
    text = raw.decode("utf-8")
    assert "«кавычки» и ӘКІМДІК" in text  # not \\u-escaped
    assert " " not in text.replace("«кавычки» и ӘКІМДІК", "").replace("Угроза мужу", "")
    data = json.loads(raw)
    assert list(data) == sorted(data)
    assert data["happened"] == "~2021"
    assert data["until"] is None  # every field present, defaults too
    assert canonical_json(Incident.model_validate_json(raw)) == raw
    assert canonical_json(incident(tags=["суд"], description="«кавычки» и ӘКІМДІК")) == raw


def test_stored_json_is_read_back_strictly() -> None:
    inc = incident(channel=Channel.SMS, summons=None)
    again = Incident.model_validate_json(canonical_json(inc))
    assert again == inc
    assert again.channel is Channel.SMS
    bad = json.loads(canonical_json(inc))
    bad["happened"] = "2023-02-30"
    with pytest.raises(ValidationError) as info:
        Incident.model_validate_json(json.dumps(bad))
    err = validation_to_error(info.value)
    assert err.fields["field"] == "happened"
    assert err.fields["reason"] == "that day does not exist in that month"


def test_strict_python_input() -> None:
    assert invalid(channel="sms").fields["field"] == "channel"
    assert invalid(happened="2021").fields["field"] == "happened"
    assert invalid(severity="3").fields["reason"] == "wrong type"


def test_unknown_category() -> None:
    err = invalid(category="999999999999")
    assert err.fields == {"field": "category", "reason": "unknown category code", "count": 1}
    assert incident(category=" dd-smear ").category == "DD-SMEAR"


def test_title_limits() -> None:
    assert len(incident(title="я" * models.TITLE_MAX).title) == models.TITLE_MAX
    err = invalid(title=SECRET * 20)
    assert err.fields["field"] == "title"
    assert err.fields["reason"] == models.R_TOO_LONG
    assert err.fields["limit"] == models.TITLE_MAX
    assert invalid(title="   ").fields["reason"] == models.R_EMPTY
    assert invalid(title="две\nстроки").fields["reason"] == models.R_CONTROL
    assert incident(title="  Угроза\n").title == "Угроза"  # text read from stdin


def test_description_limit() -> None:
    assert len(incident(description="ж" * models.TEXT_MAX).description) == models.TEXT_MAX
    err = invalid(description="ж" * (models.TEXT_MAX + 1))
    assert (err.fields["field"], err.fields["limit"]) == ("description", models.TEXT_MAX)
    assert incident(description="строка 1\nстрока 2\n").description == "строка 1\nстрока 2\n"


def test_undecodable_text_is_refused() -> None:
    err = invalid(title="file\udcff")  # what surrogateescape makes of a non-UTF-8 byte
    assert err.fields["reason"] == models.R_NOT_TEXT


def test_text_is_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Қайрат й ё")
    assert decomposed != "Қайрат й ё"
    assert incident(title=decomposed).title == "Қайрат й ё"


def test_tags_are_normalised() -> None:
    tags = [" суд ", unicodedata.normalize("NFD", "йод"), "СУД", "йод", "Ә"]
    assert incident(tags=tags).tags == ["суд", "йод", "Ә"]
    err = invalid(tags=["ok", "т" * (models.TAG_MAX + 1)])
    assert err.fields["field"] == "tags.1"
    assert err.fields["reason"] == models.R_TOO_LONG
    assert err.fields["limit"] == models.TAG_MAX
    assert invalid(tags=["  "]).fields["field"] == "tags.0"
    assert invalid(tags=[f"t{i}" for i in range(models.TAGS_MAX + 1)]).fields["reason"] == (
        models.R_TOO_MANY
    )


def test_end_before_start() -> None:
    err = invalid(happened=parse_when("2021-05-01"), until=parse_when("2021-04"))
    assert err.fields["field"] == "until"
    assert err.fields["reason"] == "the end is before the start"
    # uncertain periods that overlap are fine
    assert incident(happened=parse_when("~2021"), until=parse_when("2020")).until is not None
    assert incident(happened=parse_when("2021-05-01"), until=parse_when("2021-05")).until


@pytest.mark.parametrize("severity", [0, 6, -1])
def test_severity_range(severity: int) -> None:
    assert invalid(severity=severity).fields == {
        "field": "severity",
        "reason": "out of range",
        "count": 1,
    }


def test_summons_only_on_summons_kinds() -> None:
    s = Summons(
        who_summoned="следователь",
        legal_basis="ст. 78 УПК",
        status=SummonsStatus.WITNESS,
        erdr_number="231400031000123",
        appointed=parse_when("2021-09-02T10:00"),
        place="РОВД",
        lawyer_present=False,
    )
    assert incident(category="DD-SUMMONS", summons=s).summons == s
    assert incident(category="DD-CONVERSATION", summons=Summons()).summons == Summons()
    err = invalid(category="020103010000", summons=s)
    assert err.fields["field"] == "summons"
    assert err.fields["reason"] == models.R_SUMMONS


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("231400031000123", "231400031000123"),
        ("2314 0003 1000 123", "231400031000123"),
        ("231400031000", "231400031000"),
        ("23140003100012345678", "23140003100012345678"),
    ],
)
def test_erdr_number_accepted(raw: str, stored: str) -> None:
    assert Summons(erdr_number=raw).erdr_number == stored


@pytest.mark.parametrize(
    "raw", ["23140003100", "231400031000123456789", "23140003100012A", "", "١٢٣٤٥٦٧٨٩٠١٢"]
)
def test_erdr_number_refused(raw: str) -> None:
    with pytest.raises(ValidationError) as info:
        Summons(erdr_number=raw)
    err = validation_to_error(info.value)
    assert err.fields["field"] == "erdr_number"
    assert err.fields["reason"] == models.R_ERDR


def test_summons_field_errors_are_located() -> None:
    err = invalid(category="DD-SUMMONS", summons={"erdr_number": "12"})
    assert err.fields["field"] == "summons.erdr_number"
    with pytest.raises(ValidationError) as info:
        Incident.model_validate_json(
            json.dumps(
                {
                    "id": "i",
                    "category": "DD-SUMMONS",
                    "title": "t",
                    "happened": "2021",
                    "summons": {"place": "x" * (models.PLACE_MAX + 1)},
                }
            )
        )
    assert validation_to_error(info.value).fields["field"] == "summons.place"


def test_ids_are_printable() -> None:
    assert invalid(id="a b").fields["field"] == "id"
    assert invalid(actor_ids=["ok", "../x"]).fields["field"] == "actor_ids.1"
    assert invalid(id="x" * 65).fields["reason"] == models.R_TOO_LONG


def test_frozen_and_replace() -> None:
    inc = incident()
    with pytest.raises(ValidationError):
        inc.title = "другое"  # type: ignore[misc]
    changed = replace(inc, title="другое", severity=2)
    assert (changed.title, changed.severity, changed.id) == ("другое", 2, inc.id)
    with pytest.raises(ValidationError) as info:
        replace(inc, until=parse_when("2010"))
    assert validation_to_error(info.value).fields["field"] == "until"


def test_unknown_field() -> None:
    err = invalid(secret=SECRET)
    assert err.fields["field"] == "secret"
    assert err.fields["reason"] == "unknown field"


# -- people -------------------------------------------------------------------------------


def test_person_roles() -> None:
    erlan = Person(id="p1", name="Ерлан", role=PersonRole.FAMILY, relation=Relation.SPOUSE)
    assert erlan.relation is Relation.SPOUSE
    rovd = Person(id="p2", name="РОВД", role=PersonRole.ACTOR, institution=InstitutionKind.POLICE)
    assert rovd.institution is InstitutionKind.POLICE
    assert Person(id="p3", name="Нурлан", role=PersonRole.LAWYER).notes == ""
    with pytest.raises(ValidationError) as info:
        Person(id="p4", name=SECRET, role=PersonRole.ACTOR, relation=Relation.CHILD)
    err = validation_to_error(info.value)
    assert err.fields["field"] == "relation"
    assert SECRET not in str(info.value)
    with pytest.raises(ValidationError) as info:
        Person(id="p5", name="x", role=PersonRole.FAMILY, institution=InstitutionKind.BANK)
    assert validation_to_error(info.value).fields["field"] == "institution"
    with pytest.raises(ValidationError) as info:
        Person(id="p6", name="", role=PersonRole.WITNESS)
    assert validation_to_error(info.value).fields == {
        "field": "name",
        "reason": models.R_EMPTY,
        "count": 1,
    }


# -- evidence -----------------------------------------------------------------------------

NOW = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


def evidence(**changes: Any) -> Evidence:
    fields: dict[str, Any] = {
        "id": "ev1",
        "incident_id": "inc-1",
        "original_name": "Повестка.pdf",
        "media_type": "application/pdf",
        "size": 1234,
        "sha256": "AB" * 32,
        "added_at": NOW,
        "object_name": "3f/Qx7mZ0aLk2",
    }
    fields.update(changes)
    return Evidence(**fields)


def test_evidence() -> None:
    ev = evidence(camera_time=datetime(2022, 3, 14, 23, 1))
    assert ev.sha256 == "ab" * 32
    assert json.loads(canonical_json(ev))["added_at"] == "2024-03-01T12:00:00Z"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"sha256": "ab" * 31}, "sha256"),
        ({"sha256": "zz" * 32}, "sha256"),
        ({"object_name": "../etc/passwd"}, "object_name"),
        ({"object_name": "/abs"}, "object_name"),
        ({"object_name": "ab/c.pdf"}, "object_name"),
        ({"added_at": datetime(2024, 3, 1)}, "added_at"),  # naive
        ({"size": -1}, "size"),
        ({"media_type": "pdf"}, "media_type"),
        ({"original_name": "bad\udcffname.jpg"}, "original_name"),
        ({"original_name": ""}, "original_name"),
    ],
)
def test_evidence_refused(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        evidence(**changes)
    assert validation_to_error(info.value).fields["field"] == field


# -- labels -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "enum",
    [Relation, PersonRole, InstitutionKind, Channel, SummonsStatus, FollowUpKind],
)
def test_every_enum_member_has_a_label(enum: type[StrEnum]) -> None:
    for member in enum:
        label = enum_label(member)
        assert label and label[0].isupper()


def test_required_enum_values() -> None:
    assert {m.value for m in InstitutionKind} >= {
        "local_administration",
        "police",
        "prosecutor",
        "court",
        "bailiff",
        "bank",
        "collection_agency",
        "employer",
        "security_service",
        "unknown",
    }
    assert {m.value for m in Channel} == {
        "in_person",
        "phone_call",
        "sms",
        "messenger",
        "social_media",
        "third_party",
        "via_creditor",
        "summons_letter",
    }
