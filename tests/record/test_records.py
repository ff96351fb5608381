"""People and incidents through the facade: validation, links, search, filters, history."""

from __future__ import annotations

import pytest

from defender_desk.domain.dates import parse_when
from defender_desk.errors import InvalidInput, NotFound
from defender_desk.vault import history
from defender_desk.vault.records import IncidentFilter, PersonInUse


def incident(**kw):
    base = {"category": "020103010000", "title": "Угроза", "happened": "2021"}
    return {**base, **kw}


def test_add_show_edit(desk, family):
    daughter, police = family
    i = desk.add_incident(
        incident(
            category="DD-FABRICATED",
            title="Дочери подбросили анашу",
            happened="2022-03-14T21:30",
            target_ids=[daughter.id],
            targets_self=True,
            actor_ids=[police.id],
            channel="in_person",
            severity=5,
            tags=["дочь", "РОВД"],
        )
    )
    got = desk.get_incident(i.id)
    assert got == i
    assert got.happened == parse_when("2022-03-14T21:30")
    edited = desk.edit_incident(i.id, {"description": "Всю ночь держали без звонка"})
    assert edited.description.startswith("Всю ночь")
    assert edited.title == i.title
    ops = [r["operation"] for r in desk.history_of(i.id)]
    assert ops == ["create", "edit"]


@pytest.mark.parametrize(
    ("draft", "field"),
    [
        (incident(category="999999999999"), "category"),
        (incident(happened="2021", until="2019"), "until"),
        (incident(happened="2023-02-30"), "happened"),
        (incident(happened="2023-13"), "happened"),
        (incident(happened="2023-05-14T25:00"), "happened"),
        (incident(title="x" * 201), "title"),
        (incident(description="x" * 100_001), "description"),
        (incident(title=""), "title"),
        (incident(summons={"who_summoned": "акимат"}), "summons"),
        (incident(tags=["x" * 65]), "tags.0"),
    ],
)
def test_bad_incident_input(desk, draft, field):
    with pytest.raises(InvalidInput) as info:
        desk.add_incident(draft)
    assert info.value.fields["field"] == field
    assert "Угроза" not in str(info.value)
    assert desk.count_incidents() == 0


def test_unknown_people_are_refused(desk, family):
    with pytest.raises(NotFound) as info:
        desk.add_incident(incident(target_ids=["p-nobody22"]))
    assert info.value.fields["id"] == "p-nobody22"
    with pytest.raises(NotFound):
        desk.add_incident(incident(actor_ids=["p-nobody33"]))
    assert desk.count_incidents() == 0


def test_deleting_a_referenced_person_names_the_incidents(desk, family):
    daughter, _police = family
    a = desk.add_incident(incident(target_ids=[daughter.id]))
    b = desk.add_incident(incident(actor_ids=[daughter.id]))
    with pytest.raises(PersonInUse) as info:
        desk.delete_person(daughter.id)
    assert set(info.value.fields["ids"]) == {a.id, b.id}
    desk.delete_incident(a.id)
    desk.delete_incident(b.id)
    desk.delete_person(daughter.id)
    with pytest.raises(NotFound):
        desk.get_person(daughter.id)


def test_person_role_rules(desk):
    with pytest.raises(InvalidInput):
        desk.add_person({"name": "Ерлан", "role": "actor", "relation": "spouse"})
    with pytest.raises(InvalidInput):
        desk.add_person({"name": "Банк", "role": "family", "institution": "bank"})


def test_search_folds_cyrillic_and_kazakh_case(desk, family):
    a = desk.add_incident(incident(title="Дочь задержали в РОВД"))
    b = desk.add_incident(incident(title="Шақыру", description="ӘКІМДІК шақырды әңгімеге"))
    c = desk.add_incident(incident(title="Bank called mother", tags=["Collectors"]))

    def ids(q):
        return {i.id for i in desk.list_incidents(IncidentFilter(query=q))}

    assert ids("дочь") == ids("Дочь") == ids("ДОЧЬ") == {a.id}
    assert ids("әкімдік") == ids("ӘКІМДІК") == {b.id}
    assert ids("collectors") == {c.id}
    assert ids("ро") == {a.id}  # two letters: the scan fallback
    assert ids("nothing like this") == set()
    assert ids('"; DROP TABLE incidents; --') == set()


def test_search_finds_people_and_file_names(desk, family, tmp_path):
    daughter, _police = family
    i = desk.add_incident(incident(target_ids=[daughter.id]))
    assert [x.id for x in desk.list_incidents(IncidentFilter(query="Айгерим"))] == [i.id]
    f = tmp_path / "скриншот-смс.png"
    f.write_bytes(b"\x89PNG fake")
    desk.add_evidence(i.id, f)
    assert [x.id for x in desk.list_incidents(IncidentFilter(query="скриншот"))] == [i.id]
    desk.edit_person(daughter.id, {"name": "Айгерим Н."})
    assert [x.id for x in desk.list_incidents(IncidentFilter(query="Айгерим Н"))] == [i.id]


def test_filters_with_uncertain_dates(desk, family):
    daughter, police = family
    about = desk.add_incident(
        incident(happened="~2021", title="Беседа", category="DD-CONVERSATION")
    )
    may = desk.add_incident(incident(happened="2022-05", target_ids=[daughter.id]))
    exact = desk.add_incident(
        incident(happened="2022-03-14T21:30", actor_ids=[police.id], channel="sms", severity=4)
    )

    def ids(**kw):
        return [i.id for i in desk.list_incidents(IncidentFilter(**kw))]

    assert ids() == [about.id, exact.id, may.id]
    # "about 2021" may mean 2020–2022, so it is shown too (better one too many than one hidden)
    assert ids(date_from=parse_when("2022-04"), date_until=parse_when("2022-06")) == [
        about.id,
        may.id,
    ]
    assert ids(date_from=parse_when("2023-04"), date_until=parse_when("2023-06")) == []
    assert about.id in ids(date_from=parse_when("2020"), date_until=parse_when("2020"))
    assert about.id not in ids(date_from=parse_when("2023"))
    assert ids(categories=["020103000000"]) == [about.id, exact.id, may.id]  # descendants
    assert ids(categories=["DD-CONVERSATION"]) == [about.id]
    assert ids(target=daughter.id) == [may.id]
    assert ids(actor=police.id) == [exact.id]
    assert ids(actor_kind="police") == [exact.id]
    assert ids(channel="sms") == [exact.id]
    assert ids(severity_min=4) == [exact.id]
    assert ids(has_evidence=True) == []
    assert [i.id for i in desk.list_incidents(newest_first=True)] == [may.id, exact.id, about.id]
    assert [i.id for i in desk.list_incidents(limit=1, offset=1)] == [exact.id]


def test_delete_purges_history_but_chain_verifies(desk):
    i = desk.add_incident(incident(title="секретный текст 7f3a"))
    desk.edit_incident(i.id, {"title": "секретный текст 7f3b"})
    desk.delete_incident(i.id)
    revs = desk.history_of(i.id)
    assert [r["operation"] for r in revs] == ["create", "edit", "delete"]
    assert all(r["content"] is None for r in revs)
    assert all(r["commitment"] for r in revs)
    conn = desk._open().conn
    assert history.verify(conn) == []
    rows = conn.execute("SELECT nonce, content FROM revisions WHERE record_id = ?", (i.id,))
    assert all(n is None and c is None for n, c in rows)
    assert desk.list_incidents(IncidentFilter(query="7f3a")) == []
    assert desk.check().ok


def test_altered_revision_is_named_by_check(desk, cli):
    a = desk.add_incident(incident(title="первый"))
    desk.add_incident(incident(title="второй"))
    conn = desk._open().conn
    conn.execute(
        "UPDATE revisions SET content = CAST(? AS BLOB) WHERE record_id = ?",
        (b'{"title":"forged"}', a.id),
    )
    report = desk.check()
    assert not report.ok
    assert report.problems[0].fields["seq"] == 1
    assert "does not match its commitment" in report.problems[0].message


def test_reordered_or_dropped_revision_is_named(desk):
    desk.add_incident(incident(title="a"))
    desk.add_incident(incident(title="b"))
    desk.add_incident(incident(title="c"))
    conn = desk._open().conn
    conn.execute("DELETE FROM revisions WHERE seq = 2")
    problems = history.verify(conn)
    assert problems and problems[0].fields["seq"] == 2


def test_record_edited_behind_the_apps_back(desk):
    i = desk.add_incident(incident(title="a"))
    conn = desk._open().conn
    conn.execute(
        "UPDATE incidents SET data = replace(data, '\"a\"', '\"b\"') WHERE id = ?", (i.id,)
    )
    report = desk.check()
    assert not report.ok
    assert any(p.fields.get("id") == i.id for p in report.problems)


def test_link_hash_changes_with_every_field():
    base = ("x" * 32).encode()
    args = (base, 1, "i-1", "create", "2026-01-01T00:00:00.000000Z", b"c" * 32)
    h = history.link(*args)
    for i, changed in enumerate(
        [b"y" * 32, 2, "i-2", "edit", "2026-01-01T00:00:00.000001Z", b"d" * 32]
    ):
        other = list(args)
        other[i] = changed
        assert history.link(*other) != h


def test_person_with_an_emergency_log_cannot_be_deleted(desk, family):
    from defender_desk.vault.records import PersonInEmergency

    daughter, _police = family
    emergency = desk.start_emergency(daughter.id)
    with pytest.raises(PersonInEmergency) as info:
        desk.delete_person(daughter.id)
    assert info.value.fields["ids"] == [emergency.id]
