"""The emergency store and the Desk's emergency methods, with a controlled clock and zone."""

from __future__ import annotations

import json
import re
import secrets
import time
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from pathlib import Path

import pytest

from defender_desk.app import Desk
from defender_desk.domain.dates import FuzzyDate
from defender_desk.emergency import guidance
from defender_desk.emergency.store import (
    EmergencyAlreadyClosed,
    EmergencyClosed,
    EmergencyPersonUnknown,
    EmptyEntry,
    timeline_lines,
)
from defender_desk.errors import DefenderDeskError, FolderProblem, InvalidInput, NotFound
from defender_desk.reports.card import _TEXTS as CARD_TEXTS
from defender_desk.reports.card import default_first_steps
from defender_desk.secret import Secret
from defender_desk.vault import db, history
from tests.conftest import PASS
from tests.emergency import LOCAL_TZ
from tests.reports import flat, page_count, save, text_of

# 14 March 2022, 18:40 UTC = 23:40 in Almaty (UTC+5)
T0 = datetime(2022, 3, 14, 18, 40, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


@pytest.fixture(autouse=True)
def local_zone(monkeypatch):
    monkeypatch.setenv("TZ", LOCAL_TZ)
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def clock() -> Clock:
    return Clock(T0)


@pytest.fixture
def desk(tmp_path: Path, clock: Clock):
    d = Desk(tmp_path / "vault", clock=clock)
    d.create(Secret.from_text(PASS))
    yield d
    d.lock()


@pytest.fixture
def people(desk):
    daughter = desk.add_person({"name": "Айгерим", "role": "family", "relation": "child"})
    police = desk.add_person({"name": "РОВД", "role": "actor", "institution": "police"})
    return daughter, police


def local(*args: int) -> datetime:
    return datetime(*args)  # naive: local wall time


# -- the migration --------------------------------------------------------------------------------


def test_migration_0005_emergency(tmp_path):
    import sqlcipher3

    k = secrets.token_bytes(32)
    raw = sqlcipher3.connect(str(tmp_path / "m.db"), isolation_level=None)
    raw.execute(f"PRAGMA key = \"x'{k.hex()}'\"")
    raw.execute("PRAGMA foreign_keys = ON")
    assert db.migrate(raw, target=4) == 4
    assert db.migrate(raw, target=5) == 5
    tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {
        "emergency_contacts",
        "emergency_places",
        "emergencies",
        "emergency_entries",
        "emergency_checks",
        "emergency_guidance",
    } <= tables
    # an emergency needs a person that exists; a kind outside the list is refused
    with pytest.raises(sqlcipher3.IntegrityError):
        raw.execute(
            "INSERT INTO emergencies(id, person_id, started_at, data)"
            " VALUES ('e', 'nobody', 'x', '{}')"
        )
    with pytest.raises(sqlcipher3.IntegrityError):
        raw.execute(
            "INSERT INTO emergency_places(id, kind, name, phones, address, notes, source, data)"
            " VALUES ('p', 'embassy', 'n', '[]', '', '', '', '{}')"
        )
    assert db.migrate(raw) == db.latest_version()
    raw.close()


# -- contacts and places --------------------------------------------------------------------------


def test_nothing_is_shipped_no_phone_numbers(desk):
    assert desk.list_emergency_contacts() == []
    assert desk.list_emergency_places() == []
    runs = re.compile(r"[+\d][\d ()\-]{6,}\d")

    def phone_in(text: str) -> bool:  # a Kazakh number has 11 digits; dates have 8
        return any(sum(c.isdigit() for c in m) >= 10 for m in runs.findall(text))

    shipped = [resources.files("defender_desk.emergency") / n for n in ("guidance.py", "store.py")]
    shipped.append(resources.files("defender_desk.reports") / "card.py")
    for f in shipped:
        assert not phone_in(f.read_text(encoding="utf-8")), f.name
    for lang in guidance.LANGUAGES:
        assert not any(phone_in(s) for s in desk.first_steps(lang).steps)
    assert phone_in("+7 (727) 123-45-67") and not phone_in("2003-05-17")


def test_contacts_and_places_crud(desk):
    lawyer = desk.add_emergency_contact(
        {"kind": "lawyer", "name": "Нурлан", "phones": [" +7 701 111\n22 33 "], "notes": "ночью"}
    )
    assert lawyer.phones == ["+7 701 111 22 33"] and lawyer.entered_by_her
    helper = desk.add_emergency_contact(
        {
            "kind": "helper",
            "name": "Правозащитный центр",
            "phones": ["+7 727 000 00 01"],
            "source": "the centre's own website, contacts page",
            "checked_on": "2026-11-20",
        }
    )
    assert not helper.entered_by_her and helper.checked_on == date(2026, 11, 20)
    ovd = desk.add_emergency_place(
        {"kind": "police", "name": "РОВД Алмалинского района", "address": "ул. Примерная, 1"}
    )
    hospital = desk.add_emergency_place({"kind": "hospital", "name": "Больница №4"})
    ivs = desk.add_emergency_place({"kind": "detention", "name": "ИВС"})
    # helpers after lawyers; places police, detention, hospital
    assert [c.id for c in desk.list_emergency_contacts()] == [lawyer.id, helper.id]
    assert [p.id for p in desk.list_emergency_places()] == [ovd.id, ivs.id, hospital.id]

    edited = desk.edit_emergency_place(ovd.id, {"phones": ["102"]})
    assert edited.phones == ["102"] and edited.address == "ул. Примерная, 1"
    revisions = desk.history_of(ovd.id)
    assert [r["operation"] for r in revisions] == ["create", "edit"]

    desk.delete_emergency_contact(helper.id)
    assert [c.id for c in desk.list_emergency_contacts()] == [lawyer.id]
    assert all(r["content"] is None for r in desk.history_of(helper.id))
    with pytest.raises(NotFound):
        desk.delete_emergency_contact(helper.id)
    with pytest.raises(NotFound):
        desk.edit_emergency_place("ep-missing", {"name": "x"})
    assert desk.emergencies.consistency_problems() == []


@pytest.mark.parametrize(
    ("draft", "field"),
    [
        ({"kind": "lawyer", "name": "Нурлан"}, "phones"),  # a contact needs a number
        ({"kind": "lawyer", "name": "Нурлан", "phones": ["ночью"]}, "phones.0"),
        ({"kind": "lawyer", "name": " ", "phones": ["1"]}, "name"),
        ({"kind": "notary", "name": "N", "phones": ["1"]}, "kind"),
        # a number she did not enter herself: the source and the date checked, both
        ({"kind": "helper", "name": "N", "phones": ["1"], "source": "site"}, "checked_on"),
        ({"kind": "helper", "name": "N", "phones": ["1"], "checked_on": "2026-01-01"}, "source"),
    ],
)
def test_bad_contacts_are_refused(desk, draft, field):
    with pytest.raises(InvalidInput) as err:
        desk.add_emergency_contact(draft)
    assert err.value.fields["field"] == field
    assert desk.list_emergency_contacts() == []


# -- starting --------------------------------------------------------------------------------------


def test_emergency_for_a_person_that_does_not_exist(desk, people):
    with pytest.raises(EmergencyPersonUnknown) as err:
        desk.start_emergency("p-nosuch")
    assert isinstance(err.value, NotFound)
    assert err.value.fields["id"] == "p-nosuch"
    assert desk.list_emergencies() == []


def test_start_again_for_the_same_person_keeps_one_log(desk, people):
    daughter, _police = people
    first = desk.start_emergency(daughter.id)
    again = desk.start_emergency(daughter.id, {"id_number": "030517-600-123"})
    assert again.id == first.id
    assert again.details.id_number == "030517600123"
    assert [e.id for e in desk.list_emergencies(open_only=True)] == [first.id]


def test_details_for_inquiries_are_checked(desk, people):
    daughter, _ = people
    e = desk.start_emergency(daughter.id, {"date_of_birth": "17.05.2003", "phone": "+7 777 1"})
    assert e.details.date_of_birth == date(2003, 5, 17)
    for bad, field in (
        ({"id_number": "12345"}, "details.id_number"),
        ({"date_of_birth": "31.02.2003"}, "details.date_of_birth"),
        ({"phone": "нет"}, "details.phone"),
    ):
        with pytest.raises(InvalidInput) as err:
            desk.edit_emergency_details(e.id, bad)
        assert err.value.fields["field"] == field


# -- the log ---------------------------------------------------------------------------------------


def test_time_is_filled_in_from_the_clock_in_the_local_zone(desk, people, clock):
    daughter, _ = people
    e = desk.start_emergency(daughter.id)
    entry = desk.log(e.id, "  РОВД: дежурный говорит,\nчто её нет  ")
    assert entry.happened_at == local(2022, 3, 14, 23, 40)  # 18:40 UTC at UTC+5
    assert entry.written_at == T0
    assert entry.text == "РОВД: дежурный говорит, что её нет"  # one line
    assert entry.written_order == 1
    # an aware time is converted to the local zone
    later = desk.log(e.id, "смс с её номера", datetime(2022, 3, 14, 18, 50, 31, tzinfo=UTC))
    assert later.happened_at == local(2022, 3, 14, 23, 50)


@pytest.mark.parametrize("text", ["", "   ", "\n\n", "\t"])
def test_empty_entry_is_refused(desk, people, text):
    e = desk.start_emergency(people[0].id)
    with pytest.raises(EmptyEntry) as err:
        desk.log(e.id, text)
    assert isinstance(err.value, DefenderDeskError)
    assert desk.get_emergency(e.id).entries == ()


def test_entries_out_of_order_are_kept_in_time_order(desk, people, clock):
    e = desk.start_emergency(people[0].id)
    a = desk.log(e.id, "A, 23:40, written first")
    clock.advance(minutes=50)  # 00:30
    b = desk.log(e.id, "B, 00:30, written second")
    c = desk.log(e.id, "C, 21:30, written third", local(2022, 3, 14, 21, 30))
    d = desk.log(e.id, "D, 23:40 too, written fourth", local(2022, 3, 14, 23, 40))
    entries = desk.get_emergency(e.id).entries
    assert [x.id for x in entries] == [c.id, a.id, d.id, b.id]  # time order, ties as written
    assert [x.written_order for x in entries] == [3, 1, 4, 2]  # the original order, recorded
    assert [x.written_late() for x in entries] == [True, False, True, False]
    lines = timeline_lines(entries, "en")
    assert lines == [
        "14 March 2022",
        "21:30 — C, 21:30, written third [written 15 March 2022, 00:30]",
        "23:40 — A, 23:40, written first",
        "23:40 — D, 23:40 too, written fourth [written 15 March 2022, 00:30]",
        "15 March 2022",
        "00:30 — B, 00:30, written second",
    ]


def test_a_time_still_to_come_is_refused(desk, people):
    e = desk.start_emergency(people[0].id)
    with pytest.raises(InvalidInput) as err:
        desk.log(e.id, "typo in the hour", local(2022, 3, 15, 3, 40))
    assert err.value.fields["field"] == "happened_at"
    desk.log(e.id, "a few minutes ahead is fine", local(2022, 3, 14, 23, 45))


def test_place_checks_are_entries_of_the_log(desk, people, clock):
    e = desk.start_emergency(people[0].id)
    ovd = desk.add_emergency_place({"kind": "police", "name": "РОВД Алмалинского района"})
    hospital = desk.add_emergency_place({"kind": "hospital", "name": "Больница №4"})
    check = desk.check_place(e.id, "ровд алмалинского района", "её нет", "сержант, жетон 0417")
    assert check.place_id == ovd.id and check.place == "РОВД Алмалинского района"
    free = desk.check_place(e.id, "Приёмный покой БСМП", "не поступала")
    assert free.place_id is None
    by_id = desk.check_place(e.id, hospital.id, "не поступала", "")
    view = desk.get_emergency(e.id)
    assert [s.asked for s in view.places] == [True, True]
    assert view.places[0].checks == (check,)
    assert view.places[1].checks == (by_id,)
    assert view.other_checks == (free,)
    texts = [x.text for x in view.entries]
    assert texts == [
        "РОВД Алмалинского района: её нет (сержант, жетон 0417)",
        "Приёмный покой БСМП: не поступала",
        "Больница №4: не поступала",
    ]
    assert view.entries[0].check_id == check.id
    with pytest.raises(InvalidInput) as err:
        desk.check_place(e.id, "Больница №4", " ")
    assert err.value.fields["field"] == "answer"
    # a place deleted from her list later: the check keeps the name as asked
    desk.delete_emergency_place(ovd.id)
    view = desk.get_emergency(e.id)
    assert [c.place for c in view.other_checks] == ["РОВД Алмалинского района", free.place]


# -- closing ---------------------------------------------------------------------------------------


def test_close_turns_the_log_into_an_incident(desk, people, clock, tmp_path):
    daughter, police = people
    e = desk.start_emergency(daughter.id)
    desk.log(e.id, "Айгерим не вернулась домой", local(2022, 3, 14, 21, 30))
    desk.check_place(e.id, "РОВД Алмалинского района", "дежурный говорит, что её нет")
    clock.advance(hours=8, minutes=20)  # 08:00 next morning
    last = desk.log(e.id, "Отпустили; телефон вернули, звонить не давали всю ночь")
    shot = tmp_path / "sms.png"
    shot.write_bytes(b"\x89PNG screenshot of the messages")

    incident = desk.close_emergency(
        e.id,
        " dd-incommunicado ",
        actor_ids=[police.id],
        summary="Задержание дочери; ночь в РОВД без звонка.",
        evidence_paths=[shot],
        lang="ru",
    )
    assert incident.category == "DD-INCOMMUNICADO"
    assert incident.target_ids == [daughter.id] and not incident.targets_self
    assert incident.actor_ids == [police.id]
    assert incident.happened == FuzzyDate.exact(2022, 3, 14, 21, 30)
    assert incident.until == FuzzyDate.exact(2022, 3, 15, 8, 0)
    assert incident.title.endswith("— Айгерим")
    assert incident.description.splitlines() == [
        "Задержание дочери; ночь в РОВД без звонка.",
        "",
        "14 марта 2022\u00a0г.",
        "21:30 — Айгерим не вернулась домой [записано: 23:40]",
        "23:40 — РОВД Алмалинского района: дежурный говорит, что её нет",
        "15 марта 2022\u00a0г.",
        "08:00 — Отпустили; телефон вернули, звонить не давали всю ночь",
    ]
    assert [x.original_name for x in desk.list_evidence(incident.id)] == ["sms.png"]

    closed = desk.get_emergency(e.id)
    assert not closed.emergency.is_open and closed.emergency.incident_id == incident.id
    assert len(closed.entries) == 3  # the log stays, read-only
    # the log itself stays in the history chain
    assert json.loads(desk.history_of(last.id)[0]["content"])["text"] == last.text
    assert [r["operation"] for r in desk.history_of(e.id)] == ["create", "edit"]
    assert desk.check().ok
    assert desk.emergencies.consistency_problems() == []
    # and the export's report gets the structured timeline
    timeline = desk.emergency_timeline(incident.id, "en")
    assert timeline[0].when == "14 March 2022, 21:30"
    assert timeline[-1].text == last.text


def test_entry_or_check_in_a_closed_emergency_is_refused(desk, people):
    e = desk.start_emergency(people[0].id)
    desk.log(e.id, "entry")
    desk.close_emergency(e.id, "DD-INCOMMUNICADO", lang="en")
    with pytest.raises(EmergencyClosed):
        desk.log(e.id, "too late")
    with pytest.raises(EmergencyClosed):
        desk.check_place(e.id, "РОВД", "её нет")
    assert len(desk.get_emergency(e.id).entries) == 1


def test_closing_twice_is_refused(desk, people):
    e = desk.start_emergency(people[0].id)
    first = desk.close_emergency(e.id, "DD-INCOMMUNICADO", lang="en")
    with pytest.raises(EmergencyAlreadyClosed) as err:
        desk.close_emergency(e.id, "DD-INCOMMUNICADO", lang="en")
    assert isinstance(err.value, EmergencyClosed)
    assert [i.id for i in desk.list_incidents()] == [first.id]
    # an emergency with nothing logged dates its incident from when it started
    assert first.happened == FuzzyDate.exact(2022, 3, 14, 23, 40)
    assert first.until is None


def test_close_with_a_bad_category_or_actor_changes_nothing(desk, people):
    e = desk.start_emergency(people[0].id)
    desk.log(e.id, "entry")
    with pytest.raises(InvalidInput):
        desk.close_emergency(e.id, "DD-NO-SUCH", lang="en")
    with pytest.raises(NotFound):
        desk.close_emergency(e.id, "DD-INCOMMUNICADO", actor_ids=["p-nosuch"], lang="en")
    assert desk.get_emergency(e.id).emergency.is_open
    assert desk.list_incidents() == []
    desk.log(e.id, "still open")


def test_incident_deleted_later_leaves_the_log(desk, people):
    e = desk.start_emergency(people[0].id)
    desk.log(e.id, "entry")
    incident = desk.close_emergency(e.id, "DD-INCOMMUNICADO", lang="kk")
    desk.delete_incident(incident.id)
    view = desk.get_emergency(e.id)
    assert view.emergency.incident_id is None and not view.emergency.is_open
    assert len(view.entries) == 1


def test_delete_emergency_purges_its_log(desk, people):
    e = desk.start_emergency(people[0].id)
    entry = desk.log(e.id, "secret words of the night")
    check = desk.check_place(e.id, "РОВД", "её нет")
    desk.delete_emergency(e.id)
    with pytest.raises(NotFound):
        desk.get_emergency(e.id)
    for rid in (e.id, entry.id, check.id):
        assert all(r["content"] is None for r in desk.history_of(rid))
    assert history.verify(desk._open().conn) == []


# -- first steps -----------------------------------------------------------------------------------


def test_first_steps_are_shipped_in_three_languages_and_hers_to_edit(desk):
    for lang in guidance.LANGUAGES:
        shipped = desk.first_steps(lang)
        assert not shipped.edited
        assert shipped.steps == tuple(default_first_steps(lang))
        assert len(shipped.steps) == 6
        assert shipped.disclaimer == CARD_TEXTS[lang]["disclaimer"]
    mine = desk.set_first_steps(["Позвонить Нурлану", "", "Обзвонить РОВД по списку"], "ru")
    assert mine.edited and mine.steps == ("Позвонить Нурлану", "Обзвонить РОВД по списку")
    assert desk.first_steps("ru").steps == mine.steps
    assert not desk.first_steps("kk").edited  # other languages keep the shipped text
    again = desk.set_first_steps(["Позвонить Нурлану"], "ru")
    assert desk.first_steps("ru").steps == again.steps
    assert [r["operation"] for r in desk.history_of("emergency-guidance-ru")] == [
        "create",
        "edit",
    ]
    assert desk.reset_first_steps("ru") == guidance.shipped("ru")
    assert desk.first_steps("ru") == guidance.shipped("ru")
    with pytest.raises(InvalidInput):
        desk.set_first_steps(["", " "], "ru")
    with pytest.raises(InvalidInput):
        desk.first_steps("de")
    assert desk.emergencies.consistency_problems() == []


# -- the card --------------------------------------------------------------------------------------


def test_card_has_what_the_night_needs_and_no_incident_details(desk, people, tmp_path):
    daughter, _ = people
    e = desk.start_emergency(
        daughter.id,
        {
            "full_name": "Сейтова Айгерим Ерлановна",
            "date_of_birth": "2003-05-17",
            "id_number": "030517600123",
            "details": "чёрная куртка",
        },
    )
    desk.add_emergency_contact({"kind": "lawyer", "name": "Нурлан", "phones": ["+7 701 1"]})
    desk.add_emergency_place(
        {"kind": "police", "name": "РОВД Алмалинского района", "phones": ["+7 727 2"]}
    )
    desk.log(e.id, "подбросили анашу")
    desk.check_place(e.id, "РОВД Алмалинского района", "дежурный говорит, что её нет")
    desk.set_first_steps(["Позвонить Нурлану"], "ru")
    path = save(desk.card_pdf(e.id, "ru"), tmp_path, "card.pdf")
    assert page_count(path) == 1
    text = flat(text_of(path))
    for expected in (
        "Сейтова Айгерим Ерлановна",
        "17.05.2003",
        "030517 600 123",
        "чёрная куртка",
        "Нурлан — адвокат",
        "+7 701 1",
        "РОВД Алмалинского района (полиция)",
        "+7 727 2",
        "Позвонить Нурлану",
        CARD_TEXTS["ru"]["disclaimer"],
    ):
        assert expected in text, expected
    assert "анашу" not in text and "её нет" not in text  # nothing of the log


def test_card_without_places_says_what_to_add(desk, people, tmp_path):
    e = desk.start_emergency(people[0].id)
    for lang in guidance.LANGUAGES:
        path = save(desk.card_pdf(e.id, lang), tmp_path, f"card-{lang}.pdf")
        assert page_count(path) == 1
        text = flat(text_of(path))
        assert flat(CARD_TEXTS[lang]["no_places"]) in text
        assert flat(CARD_TEXTS[lang]["no_contacts"]) in text
        assert "Айгерим" in text  # the name in her records stands in for the full name


def test_save_card_refuses_to_overwrite(desk, people, tmp_path):
    e = desk.start_emergency(people[0].id)
    target = tmp_path / "out" / "card.pdf"
    target.parent.mkdir()
    desk.save_card(e.id, target, "en")
    assert target.read_bytes().startswith(b"%PDF")
    target.write_bytes(b"hers")
    with pytest.raises(FolderProblem):
        desk.save_card(e.id, target, "en")
    assert target.read_bytes() == b"hers"
    assert sorted(p.name for p in target.parent.iterdir()) == ["card.pdf"]  # no temp left


# -- privacy of errors and consistency -------------------------------------------------------------


def test_errors_never_carry_record_content(desk, people):
    e = desk.start_emergency(people[0].id)
    desk.close_emergency(e.id, "DD-INCOMMUNICADO", lang="en")
    with pytest.raises(EmergencyClosed) as err:
        desk.log(e.id, "тайные слова")
    assert "тайные" not in str(err.value) and "тайные" not in repr(err.value.fields)


def test_an_edit_outside_the_app_is_reported(desk, people):
    e = desk.start_emergency(people[0].id)
    entry = desk.log(e.id, "23:40 real")
    conn = desk._open().conn
    conn.execute(
        "UPDATE emergency_entries SET data = replace(data, 'real', 'fake') WHERE id = ?",
        (entry.id,),
    )
    problems = desk.emergencies.consistency_problems()
    assert [p.fields["id"] for p in problems] == [entry.id]
