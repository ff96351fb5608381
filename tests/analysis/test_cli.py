"""The CLI contract of issue 16, through the real CLI."""

from __future__ import annotations

import json

import pytest

from tests.conftest import PASS


@pytest.fixture
def v(made_vault):
    return made_vault[0]


def run(cli, v, *args, lang=None):
    r = cli(v, list(args), [PASS], lang=lang)
    assert r.code == 0, r.err
    return r.out.strip()


def fails(cli, v, *args, code=1):
    r = cli(v, list(args), [PASS])
    assert r.code == code, (r.code, r.out, r.err)
    return r.err


def person(cli, v, name, role="actor", *extra):
    return run(cli, v, "person", "add", "--name", name, "--role", role, *extra)


def incident(cli, v, when, actor, severity=None, *targets):
    args = ["incident", "add", "--category", "020103010000", "--title", "t", "--happened", when]
    args += ["--actor", actor]
    for t in targets or ("self",):
        args += ["--target", t]
    if severity is not None:
        args += ["--severity", str(severity)]
    return run(cli, v, *args)


def test_the_contract(cli, v):
    husband = person(cli, v, "Ерлан", "family", "--relation", "spouse")
    daughter = person(cli, v, "Айгерим", "family", "--relation", "child")
    akimat = person(cli, v, "Отдел внутренней политики акимата", "actor")
    police = person(cli, v, "РОВД", "actor", "--institution", "police")
    unknown = person(cli, v, "Неизвестный", "actor", "--institution", "unknown")

    # aliases and identifiers
    assert run(cli, v, "person", "alias", akimat, "--add", "ОВП акимата") == ""
    run(cli, v, "person", "alias", akimat, "--add", "Акимат")
    run(cli, v, "person", "alias", akimat, "--remove", "акимат")
    run(cli, v, "person", "identifier", unknown, "--add", "8 (701) 555-12-34", "--kind", "phone")
    people = {p["id"]: p for p in json.loads(run(cli, v, "person", "list", "--json"))}
    assert people[akimat]["aliases"] == ["ОВП акимата"]
    assert people[unknown]["identifiers"] == [{"kind": "phone", "value": "8 (701) 555-12-34"}]
    found = json.loads(run(cli, v, "person", "match", "+7 701 555 12 34", "--json"))
    assert [(m["person_id"], m["how"], m["kind"]) for m in found] == [
        (unknown, "identifier", "phone")
    ]

    # links
    link = run(cli, v, "person", "link", unknown, "--same-as", police, "--certainty", "probable")
    assert link.startswith("l-")
    links = json.loads(run(cli, v, "person", "links", "--json"))
    assert [(k["id"], k["certainty"]) for k in links] == [(link, "probable")]
    run(cli, v, "person", "unlink", police, "--from", unknown)
    assert json.loads(run(cli, v, "person", "links", "--json")) == []
    run(cli, v, "person", "link", unknown, "--same-as", police, "--certainty", "possible")

    # incidents: the akimat, rising in severity and moving to the family
    first = incident(cli, v, "2024-07-10", akimat, 2)
    incident(cli, v, "2024-10-17", akimat, 3)
    incident(cli, v, "~2021", akimat, 3)
    incident(cli, v, "2025-01-05", akimat, 3, husband)
    last = incident(cli, v, "2025-03-20", akimat, 4, daughter)
    incident(cli, v, "~2021", unknown, 5, husband)

    # assessments
    a = run(
        cli, v, "assessment", "add", "--actor", akimat, "--likelihood", "2", "--impact", "3",
        "--declared", "--facts", "Две беседы", "--pattern", "После акций", "--objective",
        "Чтобы прекратила", "--conclusion", "Пока словами", "--measures", "С адвокатом",
        "--reassess-by", "2025-03-01", "--on", "2024-11-01",
    )  # fmt: skip
    assert a.startswith("a-")
    on_incident = run(
        cli, v, "assessment", "add", "--incident", last, "--likelihood", "4", "--impact", "4",
        "--possible", "--reassess-by", "2025-07-01", "--on", "2025-03-21",
    )  # fmt: skip
    run(cli, v, "assessment", "reassess", a, "--likelihood", "4", "--on", "2025-04-01")
    shown = json.loads(run(cli, v, "assessment", "show", a, "--json"))
    assert (shown["version"], shown["likelihood"], shown["impact"]) == (2, 4, 3)
    assert [x["likelihood"] for x in shown["versions"]] == [2, 4]
    assert shown["facts"] == "Две беседы" and shown["nature"] == "declared"
    listed = json.loads(run(cli, v, "assessment", "list", "--json", "--actor", akimat))
    assert [x["id"] for x in listed] == [a, on_incident]  # latest assessed first
    assert json.loads(run(cli, v, "assessment", "list", "--json", "--actor", police)) == []
    due = json.loads(run(cli, v, "assessment", "due", "--json", "--today", "2025-06-15"))
    assert [(d["assessment_id"], d["status"]) for d in due] == [(a, "overdue")]
    text = run(cli, v, "assessment", "show", a)
    assert "Две беседы" in text and "v1" in text and "v2" in text

    # the analysis
    out = json.loads(run(cli, v, "analysis", "--json", "--today", "2025-06-15"))
    assert out["reference_month"] == "2025-06" and out["window_months"] == 6
    actors = {x["id"]: x for x in out["actors"]}
    assert set(actors) == {akimat, police, unknown}
    ak = actors[akimat]
    for key in ("id", "name", "incidents", "targets", "months", "undated", "trend"):
        assert key in ak
    assert ak["name"] == "Отдел внутренней политики акимата"
    assert ak["incidents"] == 5 and ak["undated"] == 1
    assert ak["targets"] == {"self": 3, husband: 1, daughter: 1}
    assert ak["months"] == [
        {"month": "2024-07", "count": 1, "max_severity": 2},
        {"month": "2024-10", "count": 1, "max_severity": 3},
        {"month": "2025-01", "count": 1, "max_severity": 3},
        {"month": "2025-03", "count": 1, "max_severity": 4},
    ]
    assert ak["trend"] == "escalating"
    assert ak["target_shift"] == "towards_family"
    assert ak["first"]["when"] == "~2021" and ak["last"] == {
        "incident_id": last,
        "when": "2025-03-20",
    }
    assert first in ak["incident_ids"]
    assert ak["latest_assessment"]["id"] == a and ak["latest_assessment"]["version"] == 2
    un = actors[unknown]
    assert (un["incidents"], un["undated"], un["months"], un["trend"]) == (1, 1, [], "insufficient")
    assert un["latest_assessment"] is None
    assert un["possibly_same"] == [
        {"id": police, "certainty": "possible", "link_id": un["possibly_same"][0]["link_id"]}
    ]
    assert actors[police]["incidents"] == 0
    assert out["all"]["incidents"] == 6

    one = json.loads(run(cli, v, "analysis", "--json", "--actor", unknown, "--today", "2025-06-15"))
    assert [x["id"] for x in one["actors"]] == [unknown]
    ranged = json.loads(
        run(cli, v, "analysis", "--json", "--actor", akimat, "--from", "2025", "--until", "2025-03")
    )
    r = ranged["actors"][0]
    assert (r["incidents"], r["undated"], ranged["reference_month"]) == (2, 0, "2025-03")
    assert r["trend"] == "escalating"

    text = run(cli, v, "analysis", "--actor", akimat, "--today", "2025-06-15")
    assert "escalating" in text and "2024-07" in text


def test_bad_inputs(cli, v):
    police = person(cli, v, "РОВД")
    unknown = person(cli, v, "Неизвестный")
    other = person(cli, v, "Участковый")
    err = fails(cli, v, "person", "link", police, "--same-as", police, "--certainty", "possible")
    assert "themselves" in err
    run(cli, v, "person", "link", unknown, "--same-as", police, "--certainty", "confirmed")
    run(cli, v, "person", "link", other, "--same-as", police, "--certainty", "confirmed")
    err = fails(cli, v, "person", "link", unknown, "--same-as", other, "--certainty", "possible")
    assert "already confirmed" in err
    fails(cli, v, "person", "link", unknown, "--same-as", police, "--certainty", "sure", code=2)
    for value in ("0", "6"):
        fails(
            cli, v, "assessment", "add", "--actor", police, "--likelihood", value, "--impact", "3",
            code=2,
        )  # fmt: skip
    fails(cli, v, "assessment", "add", "--likelihood", "3", "--impact", "3", code=2)
    fails(
        cli, v, "assessment", "add", "--actor", police, "--likelihood", "3", "--impact", "3",
        "--declared", "--possible", code=2,
    )  # fmt: skip
    past = run(
        cli, v, "assessment", "add", "--actor", police, "--likelihood", "3", "--impact", "3",
        "--reassess-by", "2001-01-01",
    )  # fmt: skip
    due = json.loads(run(cli, v, "assessment", "due", "--json"))
    assert [(d["assessment_id"], d["status"]) for d in due] == [(past, "overdue")]
    fails(cli, v, "person", "delete", police)  # the source of an assessment
    run(cli, v, "assessment", "delete", past)
    link = json.loads(run(cli, v, "person", "links", "--json", other))[0]
    run(cli, v, "person", "delete", other)  # linked: the link goes, its history stays
    remaining = [k["id"] for k in json.loads(run(cli, v, "person", "links", "--json"))]
    assert link["id"] not in remaining and len(remaining) == 1
    history = json.loads(run(cli, v, "incident", "history", link["id"], "--json"))
    assert [h["operation"] for h in history] == ["create", "delete"]
    assert json.loads(history[0]["content"])["person_id"] == other
    fails(cli, v, "person", "alias", police, "--add", "x", "--remove", "y", code=2)
    fails(cli, v, "person", "identifier", police, "--add", "123", code=2)  # no --kind
    err = fails(cli, v, "person", "identifier", police, "--add", "звонил", "--kind", "phone")
    assert "not a phone number" in err


def test_messages_in_russian_and_kazakh(cli, v):
    police = person(cli, v, "РОВД")
    for when, severity in (("2024-08-01", 2), ("2025-02-01", 3), ("2025-03-01", 4)):
        incident(cli, v, when, police, severity)
    ru = run(cli, v, "analysis", "--today", "2025-06-15", lang="ru")
    kk = run(cli, v, "analysis", "--today", "2025-06-15", lang="kk")
    assert "обостряется" in ru
    assert "escalating" not in ru and "escalating" not in kk
    err = cli(
        v,
        ["person", "link", police, "--same-as", police, "--certainty", "possible"],
        [PASS],
        lang="ru",
    ).err
    assert "самим собой" in err
