"""The night of the scenario through the real CLI: start for the daughter, log the night, ask the
places, print the card, close into an incident that reads as a clear timeline."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from defender_desk.reports.card import _TEXTS as CARD_TEXTS
from defender_desk.reports.card import default_first_steps
from tests.conftest import PASS
from tests.emergency import LOCAL_TZ
from tests.reports import flat, page_count, text_of

ENV = {"TZ": LOCAL_TZ}


@pytest.fixture
def v(made_vault):
    return made_vault[0]


def call(cli, v, *args, stdin=None, lang=None):
    return cli(v, list(args), [PASS], stdin=stdin, lang=lang, env=ENV)


def run(cli, v, *args, stdin=None, lang=None):
    r = call(cli, v, *args, stdin=stdin, lang=lang)
    assert r.code == 0, r.err
    return r.out.strip()


@pytest.fixture
def circle(cli, v):
    daughter = run(
        cli, v, "person", "add", "--name", "Айгерим", "--role", "family", "--relation", "child"
    )
    police = run(
        cli, v, "person", "add", "--name", "РОВД", "--role", "actor", "--institution", "police"
    )
    return daughter, police


NIGHT = [
    ("2022-03-14T21:30", "Айгерим не вернулась домой, телефон не отвечает"),
    ("2022-03-14T23:05", "С её номера пришло смс: «у меня всё хорошо, не ищите»"),
    ("2022-03-15T02:10", "Обзвонили больницы из списка, её нигде нет"),
    ("2022-03-15T08:00", "Утром ей дали телефон: она в РОВД, «пригласите только своих мам»"),
]


def test_the_night_through_the_cli(cli, v, circle, tmp_path):
    daughter, police = circle
    # prepared in advance: her lawyer and the places of her area (the app ships none)
    assert json.loads(run(cli, v, "emergency", "contacts", "list", "--json")) == []
    assert json.loads(run(cli, v, "emergency", "places", "list", "--json")) == []
    run(
        cli, v, "emergency", "contacts", "add", "--kind", "lawyer", "--name", "Нурлан",
        "--phone", "+7 701 555 01 02", "--phone", "+7 727 555 03 04",
    )  # fmt: skip
    rovd = run(
        cli, v, "emergency", "places", "add", "--kind", "police",
        "--name", "РОВД Алмалинского района", "--phone", "+7 727 555 10 20",
        "--address", "ул. Примерная, 1",
    )  # fmt: skip
    run(
        cli, v, "emergency", "places", "add", "--kind", "hospital", "--name", "Больница №4",
        "--phone", "+7 727 555 30 40",
    )  # fmt: skip
    places = json.loads(run(cli, v, "emergency", "places", "list", "--json"))
    assert [p["name"] for p in places] == ["РОВД Алмалинского района", "Больница №4"]

    # the night
    em = run(
        cli, v, "emergency", "start", "--person", daughter,
        "--full-name", "Сейтова Айгерим Ерлановна", "--born", "17.05.2003",
        "--iin", "030517 600 123", "--details", "чёрная куртка, розовый чехол телефона",
    )  # fmt: skip
    assert em.startswith("em-")
    assert run(cli, v, "emergency", "start", "--person", daughter) == em  # one log, not two
    at, text = NIGHT[0]
    run(cli, v, "emergency", "log", em, text, "--at", at)
    at, text = NIGHT[1]
    run(cli, v, "emergency", "log", em, "-", "--at", at, stdin=text + "\n")
    run(
        cli, v, "emergency", "place", em, "--place", rovd,
        "--answer", "дежурный говорит, что её нет", "--officer", "сержант, жетон 0417",
        "--at", "2022-03-14T23:40",
    )  # fmt: skip
    # written later, out of order: kept in time order
    at, text = NIGHT[3]
    run(cli, v, "emergency", "log", em, text, "--at", at)
    at, text = NIGHT[2]
    run(cli, v, "emergency", "log", em, text, "--at", at)
    run(
        cli, v, "emergency", "place", em, "--place", "больница №4", "--answer", "не поступала",
        "--at", "2022-03-15T01:50",
    )  # fmt: skip

    shown = json.loads(run(cli, v, "emergency", "show", em, "--json"))
    entries = shown["entries"]
    assert [x["happened_at"][11:16] for x in entries] == [
        "21:30", "23:05", "23:40", "01:50", "02:10", "08:00",
    ]  # fmt: skip
    assert [x["written_order"] for x in entries] == [1, 2, 3, 6, 5, 4]
    assert all(x["written_late"] for x in entries)  # all written "now", years after 2022
    assert [len(p["checks"]) for p in shown["places"]] == [1, 1]
    listed = json.loads(run(cli, v, "emergency", "list", "--json"))
    assert [(e["id"], e["open"], e["entry_count"]) for e in listed] == [(em, True, 6)]
    assert listed[0]["person_name"] == "Айгерим"

    # the card for the husband who drives to the hospitals: one page, no incident details
    card = tmp_path / "card.pdf"
    r = call(cli, v, "emergency", "card", em, "-o", str(card), "--language", "ru")
    assert r.code == 0, r.err
    assert "print spoolers" in r.err and "copy shops" in r.err
    assert page_count(card) == 1
    text = flat(text_of(card))
    for expected in (
        CARD_TEXTS["ru"]["title"],
        "Сейтова Айгерим Ерлановна",
        "17.05.2003",
        "030517 600 123",
        "Нурлан — адвокат",
        "+7 701 555 01 02",
        "РОВД Алмалинского района (полиция)",
        "+7 727 555 10 20",
        "ул. Примерная, 1",
        "Больница №4 (больница)",
        *default_first_steps("ru"),
        CARD_TEXTS["ru"]["disclaimer"],
    ):
        assert expected in text, expected
    for _at, line in NIGHT:
        assert line[:20] not in text
    assert "жетон 0417" not in text and "не поступала" not in text
    before = card.read_bytes()
    r = call(cli, v, "emergency", "card", em, "-o", str(card))
    assert r.code == 1 and "already exists" in r.err
    assert card.read_bytes() == before

    # close: the log becomes an incident with its evidence
    shot = tmp_path / "sms-screenshot.png"
    shot.write_bytes(b"\x89PNG the messages sent from her phone")
    incident = run(
        cli, v, "emergency", "close", em, "--category", "DD-INCOMMUNICADO", "--actor", police,
        "--evidence", str(shot),
    )  # fmt: skip
    assert incident.startswith("i-")
    shown = json.loads(run(cli, v, "incident", "show", incident, "--json"))
    assert shown["category"] == "DD-INCOMMUNICADO"
    assert shown["happened"] == "2022-03-14T21:30"
    assert shown["until"] == "2022-03-15T08:00"
    assert shown["target_ids"] == [daughter] and shown["actor_ids"] == [police]
    assert shown["title"] == "Incommunicado detention of a relative — Айгерим"
    assert shown["evidence_count"] == 1
    assert shown["evidence"][0]["original_name"] == "sms-screenshot.png"
    lines = shown["description"].splitlines()
    # a clear timeline of the night: the day, then "HH:MM — text" in time order
    assert lines[0] == "14 March 2022"
    assert lines[4] == "15 March 2022"
    night = [line.split(" [written ")[0] for i, line in enumerate(lines) if i not in (0, 4)]
    assert night == [
        f"21:30 — {NIGHT[0][1]}",
        f"23:05 — {NIGHT[1][1]}",
        "23:40 — РОВД Алмалинского района: дежурный говорит, что её нет (сержант, жетон 0417)",
        "01:50 — Больница №4: не поступала",
        f"02:10 — {NIGHT[2][1]}",
        f"08:00 — {NIGHT[3][1]}",
    ]
    assert all(" [written " in line for line in lines if " — " in line)  # written later
    # the incident is found by the words of the night
    found = json.loads(run(cli, v, "search", "пригласите только своих мам", "--json"))
    assert [i["id"] for i in found] == [incident]

    listed = json.loads(run(cli, v, "emergency", "list", "--json"))
    assert (listed[0]["open"], listed[0]["incident_id"]) == (False, incident)
    # the log itself stays in the history chain
    first_entry = json.loads(run(cli, v, "emergency", "show", em, "--json"))["entries"][0]
    revisions = json.loads(run(cli, v, "incident", "history", first_entry["id"], "--json"))
    assert json.loads(revisions[0]["content"])["text"] == NIGHT[0][1]
    assert json.loads(run(cli, v, "check", "--json"))["ok"] is True


def test_time_is_filled_in(cli, v, circle):
    em = run(cli, v, "emergency", "start", "--person", circle[0])
    run(cli, v, "emergency", "log", em, "РОВД: дежурный говорит, что её нет")
    entry = json.loads(run(cli, v, "emergency", "show", em, "--json"))["entries"][0]
    written = datetime.fromisoformat(entry["written_at"]).astimezone(UTC)
    happened = datetime.fromisoformat(entry["happened_at"])
    # the wall time of the process's zone (UTC+5), to the minute, when it was written
    expected = (written + timedelta(hours=5)).replace(tzinfo=None, second=0, microsecond=0)
    assert happened == expected
    assert not entry["written_late"]
    out = run(cli, v, "emergency", "show", em)
    assert f"{happened:%H:%M} — РОВД: дежурный говорит, что её нет" in out


def test_bad_inputs(cli, v, circle):
    daughter, _police = circle
    # an emergency for a person that does not exist
    r = call(cli, v, "emergency", "start", "--person", "p-nosuch")
    assert r.code == 1 and "no person with id p-nosuch" in r.err
    assert json.loads(run(cli, v, "emergency", "list", "--json")) == []

    em = run(cli, v, "emergency", "start", "--person", daughter)
    # an empty entry, given or from stdin
    for args, stdin in ((["  "], None), (["-"], "\n\n")):
        r = call(cli, v, "emergency", "log", em, *args, stdin=stdin)
        assert r.code == 1 and "the entry is empty" in r.err
    # a time that is not a time
    r = call(cli, v, "emergency", "log", em, "text", "--at", "yesterday")
    assert r.code == 2 and "--at" in r.err
    run(cli, v, "emergency", "log", em, "the only entry", "--at", "2022-03-14T21:30")

    run(cli, v, "emergency", "close", em, "--category", "DD-INCOMMUNICADO")
    # an entry in a closed emergency; a place asked in a closed emergency
    r = call(cli, v, "emergency", "log", em, "too late")
    assert r.code == 1 and f"emergency {em} is closed" in r.err
    r = call(cli, v, "emergency", "place", em, "--place", "РОВД", "--answer", "её нет")
    assert r.code == 1 and "is closed" in r.err
    # closing twice
    r = call(cli, v, "emergency", "close", em, "--category", "DD-INCOMMUNICADO")
    assert r.code == 1 and "already closed" in r.err
    assert len(json.loads(run(cli, v, "incident", "list", "--json"))) == 1
    shown = json.loads(run(cli, v, "emergency", "show", em, "--json"))
    assert [x["text"] for x in shown["entries"]] == ["the only entry"]
    # an emergency that does not exist
    r = call(cli, v, "emergency", "log", "em-nosuch", "text")
    assert r.code == 1 and "no emergency with id em-nosuch" in r.err
    # a contact with a number from elsewhere must name the source and the date checked
    r = call(
        cli, v, "emergency", "contacts", "add", "--kind", "helper", "--name", "Центр",
        "--phone", "+7 727 555 00 00", "--source", "their website",
    )  # fmt: skip
    assert r.code == 1 and "checked_on" in r.err


def test_card_with_no_places_yet_says_what_to_add(cli, v, circle, tmp_path):
    em = run(cli, v, "emergency", "start", "--person", circle[0])
    for lang in ("en", "ru", "kk"):
        card = tmp_path / f"card-{lang}.pdf"
        run(cli, v, "emergency", "card", em, "-o", str(card), lang=lang)
        assert page_count(card) == 1
        text = flat(text_of(card))
        assert flat(CARD_TEXTS[lang]["no_places"]) in text
        assert flat(CARD_TEXTS[lang]["no_contacts"]) in text
        assert CARD_TEXTS[lang]["title"] in text


def test_close_in_russian_and_kazakh(cli, v, circle):
    for lang, day, label in (
        ("ru", "14 марта 2022\u00a0г.", "Задержание или содержание родственника"),
        ("kk", "2022\u00a0ж. 14 наурыз", "Туысын сыртқы әлеммен байланыстырмай ұстау"),
    ):
        em = run(cli, v, "emergency", "start", "--person", circle[0])
        run(cli, v, "emergency", "log", em, "РОВД: её нет", "--at", "2022-03-14T23:40")
        incident = run(
            cli, v, "emergency", "close", em, "--category", "DD-INCOMMUNICADO", lang=lang
        )
        shown = json.loads(run(cli, v, "incident", "show", incident, "--json"))
        lines = shown["description"].splitlines()
        assert lines[0] == day, lang
        assert lines[1].startswith("23:40 — РОВД: её нет ["), lang
        assert shown["title"].startswith(label)


def test_contacts_places_and_steps_are_hers_to_edit(cli, v):
    lawyer = run(
        cli, v, "emergency", "contact", "add", "--kind", "lawyer", "--name", "Нурлан",
        "--phone", "+7 701 555 01 02",
    )  # fmt: skip
    run(cli, v, "emergency", "contacts", "edit", lawyer, "--phone", "+7 701 555 09 09")
    contacts = json.loads(run(cli, v, "emergency", "contacts", "list", "--json"))
    assert contacts[0]["phones"] == ["+7 701 555 09 09"] and contacts[0]["entered_by_her"]
    place = run(
        cli, v, "emergency", "places", "add", "--kind", "detention", "--name", "ИВС ДП",
        "--source", "the police department's own website", "--checked", "2026-11-20",
    )  # fmt: skip
    out = run(cli, v, "emergency", "places", "list")
    assert "ИВС ДП" in out and "2026-11-20" in out
    run(cli, v, "emergency", "places", "delete", place)
    run(cli, v, "emergency", "contacts", "delete", lawyer)
    assert json.loads(run(cli, v, "emergency", "places", "list", "--json")) == []
    assert json.loads(run(cli, v, "emergency", "contacts", "list", "--json")) == []

    shipped = json.loads(run(cli, v, "emergency", "steps", "show", "--language", "kk", "--json"))
    assert shipped["steps"] == list(default_first_steps("kk")) and not shipped["edited"]
    assert shipped["disclaimer"] == CARD_TEXTS["kk"]["disclaimer"]
    run(
        cli, v, "emergency", "steps", "set", "-", "--language", "ru",
        stdin="Позвонить Нурлану\n\nОбзвонить РОВД по списку\n",
    )  # fmt: skip
    mine = json.loads(run(cli, v, "emergency", "steps", "show", "--language", "ru", "--json"))
    assert mine["steps"] == ["Позвонить Нурлану", "Обзвонить РОВД по списку"] and mine["edited"]
    out = run(cli, v, "emergency", "steps", "reset", "--language", "ru")
    assert default_first_steps("ru")[0] in out and CARD_TEXTS["ru"]["disclaimer"] in out
