"""Issue 13, items 7–9 and 11, and the report wording of issues 17 and 19: what a court reads.

Each report is made by a real export from a real vault and read back with ``pdftotext``.
"""

from __future__ import annotations

import io
import json
import re
import secrets
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from defender_desk.domain import wording
from defender_desk.domain.models import Person, Relation, Summons, canonical_json
from defender_desk.reports.card import CardContact, CardInput, CardPerson, render_card, with_label
from defender_desk.sharing.export import ExportSelection
from defender_desk.sharing.receipts import ssh_fingerprint
from defender_desk.vault import db, history
from tests.conftest import PASS
from tests.sharing.conftest import introduce
from tests.sharing.test_court import build_case, one_line, pdf_text
from tests.sharing.test_open_export import plaintext

FORBIDDEN = {"en": "Forbidden:", "ru": "Запрещено:", "kk": "Тыйым салынады:"}
TARGET = {"en": "Айгерим (daughter)", "ru": "Айгерим (дочь)", "kk": "Айгерим (қызы)"}
HUSBAND = {"en": "husband", "ru": "муж", "kk": "күйеуі"}
CONDITIONS = {"en": "Conditions", "ru": "Условия", "kk": "Шарттары"}


@pytest.fixture
def reports(her, lawyer, tmp_path) -> dict[str, Any]:
    case = build_case(her, tmp_path / "src")
    contact = introduce(her, lawyer)
    out: dict[str, Any] = {"case": case}
    for lang in ("en", "ru", "kk"):
        path = her.export([contact.id], ExportSelection(report_language=lang), output=tmp_path).path
        z = zipfile.ZipFile(io.BytesIO(plaintext(path, lawyer)))
        out[lang] = z.read("report.pdf")
        out[lang + "_text"] = pdf_text(out[lang], tmp_path, f"{lang}.pdf")
        out[lang + "_layout"] = pdf_text(out[lang], tmp_path, f"{lang}l.pdf", layout=True)
        out[lang + "_manifest"] = json.loads(z.read("manifest.json"))
    return out


# -- item 7: the ban reads as a ban ---------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_item7_restriction_is_shown_as_forbidden_in_the_pdf(reports, lang):
    text = one_line(reports[lang + "_text"])
    assert f"{FORBIDDEN[lang]} участвовать в общественной деятельности" in text
    ban = text.split("Лишение права заниматься общественной деятельностью", 1)[1]
    ban = ban.split(FORBIDDEN[lang], 1)[0]
    assert CONDITIONS[lang] not in ban  # not printed as a duty


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_item7_cli_and_the_desktop_label(her, cli, lang):
    assert wording.forbidden("участвовать в акциях", lang) == (
        f"{FORBIDDEN[lang]} участвовать в акциях"
    )
    her.add_obligation(
        {
            "kind": "restriction",
            "title": "Запрет",
            "restriction_kind": "public_activity",
            "start": "2026-01-01",
            "forbids": "участвовать в акциях",
        }
    )
    her.lock()
    r = cli(her.paths.root, ["obligation", "list"], [PASS], lang=lang)
    assert r.code == 0, r.err
    assert f"{FORBIDDEN[lang]} участвовать в акциях" in r.out


# -- item 8: relatives are relatives ---------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_item8_people_section_and_targets_with_relation(reports, lang):
    text = one_line(reports[lang + "_text"])
    assert TARGET[lang] in text
    people = {"en": "People", "ru": "Люди", "kk": "Адамдар"}[lang]
    section = text.split(people, 1)[1]
    for name in ("Айгерим", "Ерлан", "РОВД Алмалинского района"):
        assert name in section
    layout = reports[lang + "_layout"]
    row = next(line for line in layout.splitlines() if "Ерлан" in line and HUSBAND[lang] in line)
    assert row  # name and relation on one row of the people table
    police = next(line for line in layout.splitlines() if "РОВД Алмалинского" in line)
    assert {"en": "Police", "ru": "Полиция", "kk": "Полиция"}[lang] in police


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_item8_relations_on_the_cli(her, cli, lang):
    her.lock()
    ids = {}
    for relation in ("daughter", "son", "wife", "husband", "mother", "father", "sister",
                     "brother", "spouse", "child", "parent", "sibling", "other"):  # fmt: skip
        r = cli(her.paths.root, ["person", "add", "--name", f"N {relation}", "--role", "family",
                                 "--relation", relation], [PASS], lang=lang)  # fmt: skip
        assert r.code == 0, (relation, r.err)
        ids[relation] = r.out.strip()
    add = ["incident", "add", "--category", "DD-SUMMONS", "--title", "x", "--happened", "2024"]
    r = cli(her.paths.root, [*add, "--target", ids["daughter"]], [PASS], lang=lang)
    assert r.code == 0, r.err
    r = cli(her.paths.root, ["incident", "show", r.out.strip()], [PASS], lang=lang)
    assert f"N daughter ({wording.relation_word('daughter', lang)})" in r.out


def test_item8_existing_records_stay_byte_for_byte(her):
    """A record made with a neutral relation keeps its exact bytes (the chain hashes them)."""
    old = her.add_person({"name": "Гульнар", "role": "family", "relation": "parent"})
    conn = her._open().conn
    stored = conn.execute("SELECT data FROM people WHERE id = ?", (old.id,)).fetchone()[0]
    expected = (
        '{"aliases":[],"id":"' + old.id + '","identifiers":[],"institution":null,'
        '"name":"Гульнар","notes":"","relation":"parent","role":"family"}'
    )
    assert stored == expected
    assert Person.model_validate_json(stored) == old
    assert canonical_json(old).decode() == expected
    assert her.check().ok
    assert {r.value for r in Relation} >= {"spouse", "child", "parent", "sibling", "other"}
    mother = her.edit_person(old.id, {"relation": "mother"})
    assert mother.relation is Relation.MOTHER


# -- item 9: the attendance log shows what was logged ----------------------------------------


def test_item9_attendance_shows_no_invented_time(her):
    from defender_desk.obligations.render import format_day

    case = build_case(her, Path(her.paths.root).parent / "src9")
    _data, _obligations, attendance, _supervision = her.export_obligations(lang="ru")
    [row] = [a for a in attendance if a.record_id == case["entry"]]
    assert row.attended == format_day(case["attended_day"], "ru")  # a date, nothing more
    assert not re.search(r"\d\d:\d\d", row.attended)
    assert "10:00" in row.scheduled  # the schedule's time, labelled as scheduled


@pytest.mark.parametrize(
    ("lang", "scheduled", "logged"),
    [
        ("en", "Scheduled time", "Logged"),
        ("ru", "Время по графику", "Отмечено в журнале"),
        ("kk", "Кесте бойынша уақыты", "Журналға жазылғаны"),
    ],
)
def test_item9_attendance_columns_say_scheduled_and_logged(reports, lang, scheduled, logged):
    text = one_line(reports[lang + "_text"])
    assert scheduled in text and logged in text
    assert "Фактически" not in text and "Нақты келген уақыты" not in text


# -- item 11: record-entry dates and the key fingerprint -------------------------------------


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_item11_entry_dates_and_fingerprint(her, reports, lang):
    text = one_line(reports[lang + "_text"])
    assert ssh_fingerprint(her.me().signing_key) in text
    label = {"en": "Entered in the record", "ru": "Внесено в записи", "kk": "Жазбаға енгізілген"}
    assert label[lang] in text
    skeleton = reports[lang + "_manifest"]["chain"]["skeleton"]
    first = next(e for e in skeleton if e["record_id"] == reports["case"]["planted"])
    recorded = datetime.strptime(first["recorded_at"], "%Y-%m-%dT%H:%M:%S.%fZ")
    assert f"{recorded:%H:%M} (UTC+00:00)" in text


# -- issue 17, item 6: no legal field reads as a fact by default -----------------------------


def test_summons_status_unset_is_not_printed(reports):
    assert Summons().status is None
    for lang, label in (("en", "Procedural status"), ("ru", "Процессуальный статус"),
                        ("kk", "Іс жүргізу мәртебесі")):  # fmt: skip
        text = one_line(reports[lang + "_text"])
        assert label not in text
        assert {"en": "Summoned by", "ru": "Кто вызвал", "kk": "Кім шақырды"}[lang] in text
    text = one_line(reports["ru_text"])
    assert "Присутствовал адвокат" not in text  # not given: not printed either


# -- issue 17 / 19: wording of the report ----------------------------------------------------


def test_report_wording(reports, her, lawyer, tmp_path):
    ru, kk = one_line(reports["ru_text"]), one_line(reports["kk_text"])
    assert "Серьёзность" in ru and "Тяжесть" not in ru
    assert "Хронология инцидентов ·" not in ru  # no dangling separator without a name
    assert "СДТБ нөмірі" not in kk
    assert "я сама" not in ru and "продиктовал вам" not in ru
    # the owner as a target, when she leaves her name out
    summons = {"erdr_number": "123456789012345"}
    her.add_incident(
        {"category": "DD-SUMMONS", "title": "мне", "happened": "2026", "targets_self": True,
         "summons": summons}
    )  # fmt: skip
    contact = her.list_contacts()[0]
    for lang, words in (("ru", "автор записей"), ("kk", "жазбалардың авторы")):
        path = her.export([contact.id], ExportSelection(report_language=lang), output=tmp_path)
        report = zipfile.ZipFile(io.BytesIO(plaintext(path.path, lawyer))).read("report.pdf")
        text = one_line(pdf_text(report, tmp_path, f"self-{lang}.pdf"))
        assert words in text and "я сама" not in text
        if lang == "kk":
            assert "СДТБТ (ЕРДР) нөмірі" in text


def test_no_probation_probation(reports):
    for lang, kind in (("ru", "Пробационный контроль"), ("kk", "пробациялық бақылау")):
        text = one_line(reports[lang + "_text"])
        assert f"{kind}: {kind}" not in text and "Вид пробационный контроль" not in text


def test_card_does_not_repeat_the_role(tmp_path):
    assert with_label("Нурлан (адвокат)", "адвокат", " — {label}") == "Нурлан (адвокат)"
    assert with_label("Нурлан", "адвокат", " — {label}") == "Нурлан — адвокат"
    pdf = render_card(
        CardInput(
            language="ru",
            created_at=datetime(2026, 12, 7, tzinfo=UTC),
            person=CardPerson(full_name="Айгерим"),
            contacts=[CardContact("Нурлан (адвокат)", "адвокат", ("+7 700 000 00 00",))],
        )
    )
    text = one_line(pdf_text(pdf, tmp_path))
    assert "Нурлан (адвокат)" in text and "адвокат) — адвокат" not in text
    assert "(адвокат) (адвокат)" not in text


# -- the migration ----------------------------------------------------------------------------


def test_migration_0010_court(tmp_path):
    import sqlcipher3

    k = secrets.token_bytes(32)
    raw = sqlcipher3.connect(str(tmp_path / "m.db"), isolation_level=None)
    raw.execute(f"PRAGMA key = \"x'{k.hex()}'\"")
    raw.execute("PRAGMA foreign_keys = ON")
    assert db.migrate(raw, target=9) == 9
    raw.execute(
        "INSERT INTO people(id, name, role, relation, institution, data)"
        " VALUES ('p-1', 'Гульнар', 'family', 'parent', NULL, '{}')"
    )
    history.append(raw, "person", "p-1", "create", b"{}", datetime.now(UTC))
    before = raw.execute("SELECT * FROM people").fetchall(), history.head(raw)
    assert db.migrate(raw, target=10) == 10
    assert (raw.execute("SELECT * FROM people").fetchall(), history.head(raw)) == before
    tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"received_chains", "receipts"} <= tables
    import sqlcipher3.dbapi2 as dbapi

    with pytest.raises(dbapi.IntegrityError):
        raw.execute(
            "INSERT INTO received_chains(signer_key, seq, record_id, operation, recorded_at,"
            " hash) VALUES ('k', 0, 'r', 'create', 't', 'h')"
        )
    assert db.migrate(raw) == db.latest_version()
    raw.close()
