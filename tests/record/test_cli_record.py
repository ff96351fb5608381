"""The record's CLI contract, through the real CLI."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap

import pytest

from defender_desk.app import Desk
from defender_desk.secret import Secret
from tests.conftest import PASS


@pytest.fixture
def v(made_vault):
    return made_vault[0]


def run(cli, v, *args, stdin=None):
    r = cli(v, list(args), [PASS], stdin=stdin)
    assert r.code == 0, r.err
    return r.out.strip()


def test_full_contract(cli, v, tmp_path):
    husband = run(
        cli, v, "person", "add", "--name", "Ерлан", "--role", "family", "--relation", "spouse"
    )
    unknown = run(
        cli,
        v,
        "person",
        "add",
        "--name",
        "Неизвестный",
        "--role",
        "actor",
        "--institution",
        "unknown",
    )
    bank = run(
        cli, v, "person", "add", "--name", "Банк", "--role", "actor", "--institution", "bank"
    )
    people = json.loads(run(cli, v, "person", "list", "--json"))
    assert {p["id"] for p in people} == {husband, unknown, bank}
    run(cli, v, "person", "edit", bank, "--name", "Банк (кредитор матери)")

    photo = tmp_path / "letter.jpg"
    photo.write_bytes(b"\xff\xd8 summons letter")
    threat = run(
        cli,
        v,
        "incident",
        "add",
        "--category",
        "020103020200",
        "--title",
        "-",
        "--happened",
        "~2021",
        "--target",
        husband,
        "--actor",
        unknown,
        "--channel",
        "phone-call",
        "--severity",
        "5",
        "--tag",
        "муж",
        "--evidence",
        str(photo),
        stdin="«Следи за своей женой, если хочешь видеть её живой»\n",
    )
    summons = run(
        cli,
        v,
        "incident",
        "add",
        "--category",
        "DD-SUMMONS",
        "--title",
        "Повестка",
        "--happened",
        "2021-03-02",
        "--until",
        "2021-03-02",
        "--target",
        "self",
        "--summoned-by",
        "следователь",
        "--status",
        "witness",
        "--erdr",
        "215500031000123",
        "--lawyer-present",
        "no",
        "--text",
        "-",
        stdin="Вызвали как свидетеля\n",
    )
    listing = json.loads(run(cli, v, "incident", "list", "--json"))
    assert [i["id"] for i in listing] == [threat, summons]
    assert all("title" in i for i in listing)
    assert listing[0]["title"].startswith("«Следи")
    shown = json.loads(run(cli, v, "incident", "show", summons, "--json"))
    assert shown["summons"]["erdr_number"] == "215500031000123"
    assert shown["description"] == "Вызвали как свидетеля"
    assert json.loads(run(cli, v, "search", "ЖЕНОЙ", "--json"))[0]["id"] == threat
    assert (
        json.loads(run(cli, v, "incident", "list", "--query", "свидетел", "--json"))[0]["id"]
        == summons
    )
    assert [
        i["id"] for i in json.loads(run(cli, v, "incident", "list", "--target", husband, "--json"))
    ] == [threat]
    assert [
        i["id"]
        for i in json.loads(
            run(cli, v, "incident", "list", "--from", "2021-03", "--until", "2021-03", "--json")
        )
    ] == [threat, summons]
    assert [
        i["id"]
        for i in json.loads(run(cli, v, "incident", "list", "--category", "020103000000", "--json"))
    ] == [threat, summons]
    ev = json.loads(run(cli, v, "evidence", "list", threat, "--json"))
    assert len(ev) == 1 and ev[0]["original_name"] == "letter.jpg"
    assert "object_name" not in ev[0]
    assert json.loads(run(cli, v, "evidence", "verify", "--json")) == {"ok": True, "problems": []}
    more = tmp_path / "sms.png"
    more.write_bytes(b"png")
    added = run(cli, v, "evidence", "add", threat, str(more))
    run(cli, v, "evidence", "delete", added)
    run(cli, v, "incident", "edit", threat, "--severity", "4")
    assert json.loads(run(cli, v, "incident", "show", threat, "--json"))["severity"] == 4
    run(cli, v, "incident", "delete", summons)
    assert json.loads(run(cli, v, "check", "--json"))["ok"] is True
    r = cli(v, ["person", "delete", husband], [PASS])
    assert r.code == 1 and threat in r.err
    # no original name on disk
    names = [p.name for p in (v / "objects").rglob("*")]
    assert not any("letter" in n or "jpg" in n for n in names)


@pytest.mark.parametrize(
    ("args", "expect"),
    [
        (["--category", "123", "--title", "t", "--happened", "2021"], "category"),
        (["--category", "020103010000", "--title", "t", "--happened", "2021-02-30"], "happened"),
        (
            ["--category", "020103010000", "--title", "t", "--happened", "2021", "--until", "2019"],
            "until",
        ),
        (["--category", "020103010000", "--title", "x" * 201, "--happened", "2021"], "title"),
        (
            [
                "--category",
                "020103010000",
                "--title",
                "t",
                "--happened",
                "2021",
                "--target",
                "p-nobody",
            ],
            "p-nobody",
        ),
    ],
)
def test_bad_input_cli(cli, v, args, expect):
    r = cli(v, ["incident", "add", *args], [PASS])
    assert r.code == 1, r.err
    assert expect in r.err
    assert json.loads(run(cli, v, "incident", "list", "--json")) == []


def test_two_stdin_options_refused(cli, v):
    r = cli(
        v,
        [
            "incident",
            "add",
            "--category",
            "020103010000",
            "--title",
            "-",
            "--happened",
            "2021",
            "--text",
            "-",
        ],
        [PASS],
        stdin="x",
    )
    assert r.code == 2


def test_undecodable_argument_is_refused_cleanly(v):
    rfd, wfd = os.pipe()
    os.write(wfd, (PASS + "\n").encode())
    os.close(wfd)
    proc = subprocess.run(
        [
            sys.executable.encode(),
            b"-m",
            b"defender_desk",
            b"--vault-dir",
            os.fsencode(v),
            b"--passphrase-fd",
            str(rfd).encode(),
            b"incident",
            b"add",
            b"--category",
            b"020103010000",
            b"--title",
            b"\xff\xfe bad",
            b"--happened",
            b"2021",
        ],
        capture_output=True,
        pass_fds=(rfd,),
        check=False,
    )
    os.close(rfd)
    assert proc.returncode == 1
    assert b"title" in proc.stderr


def test_kill_9_while_writing_keeps_every_acknowledged_incident(v):
    script = textwrap.dedent(
        f"""
        import sys
        from defender_desk.app import Desk
        from defender_desk.secret import Secret
        desk = Desk({str(v)!r})
        desk.unlock(Secret.from_text({PASS!r}))
        for n in range(1000):
            i = desk.add_incident({{"category": "020103010000", "title": f"угроза {{n}}",
                                   "happened": "2021", "description": "текст " * 50}})
            print(i.id, flush=True)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    acked = []
    assert proc.stdout is not None
    for line in proc.stdout:
        acked.append(line.strip())
        if len(acked) == 150:
            os.kill(proc.pid, signal.SIGKILL)
            break
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    desk = Desk(v)
    desk.unlock(Secret.from_text(PASS))
    try:
        assert desk.check().ok
        present = {i.id for i in desk.list_incidents()}
        assert set(acked) <= present
    finally:
        desk.lock()


def test_search_finds_what_she_means_through_the_cli(cli, v):
    daughter = run(cli, v, "person", "add", "--name", "Қызым Айгерим", "--role", "family",
                   "--relation", "child")  # fmt: skip
    a = run(cli, v, "incident", "add", "--category", "DD-SUMMONS", "--title",
            "Вызвали дочери в акимат", "--happened", "2024-03-01",
            "--target", daughter)  # fmt: skip
    b = run(cli, v, "incident", "add", "--category", "DD-CREDITOR", "--title", "Коллектор",
            "--happened", "2024-04", "--text", "Звонили: заёмщик не платит")  # fmt: skip

    def found(*args):
        return [i["id"] for i in json.loads(run(cli, v, *args, "--json"))]

    assert found("search", "дочь") == [a]
    assert found("search", "заемщик") == [b]
    assert found("search", "кызым") == [a]  # the person's name, typed on a Russian layout
    assert found("incident", "list", "--query", "ДОЧЕРЬЮ") == [a]
    assert found("search", "дочь коллектор") == []
    assert [p["id"] for p in json.loads(run(cli, v, "person", "list", "--query", "кызым",
                                            "--json"))] == [daughter]  # fmt: skip
    # categories need no vault
    r = cli(v, ["--lang", "ru", "category", "list", "--query", "подбросили", "--json"], [])
    assert r.code == 0, r.err
    assert [c["code"] for c in json.loads(r.out)] == ["DD-FABRICATED"]
    r = cli(v, ["--lang", "ru", "category", "list", "--query", "беседа"], [])
    assert r.code == 0 and "DD-SUMMONS" in r.out and "Повестка" in r.out
    r = cli(v, ["category", "list"], [])
    assert r.code == 0 and "  020103010000  Threats" in r.out
