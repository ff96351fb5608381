"""The CLI contract of issue 18, through the real CLI in a subprocess:

chat import FILE [--format whatsapp|telegram] [--json]     → prints the chat's id
chat list [--json] | chat show ID [--json] [--query TEXT]
chat attach CHAT_ID --incident ID --messages SEQ[,SEQ…]
evidence show ID [--json]        (adds "metadata": {"captured_at","device","has_location"})
evidence redact ID --box X,Y,W,H [--box …] [--strip-metadata]  → prints the working copy's id
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess

from PIL import Image

from defender_desk.app import Desk
from defender_desk.secret import Secret
from tests.conftest import PASS
from tests.phone import generators as g

ID = re.compile(r"^[a-z]-[a-z0-9]{8}$")
MESSAGE_KEYS = {"seq", "sent_at", "sender", "text", "attachments"}


def test_chat_session(cli, made_vault, tmp_path):
    vault, _ = made_vault

    def run(*args, code=0):
        r = cli(vault, list(args), [PASS])
        assert r.code == code, r.err
        return r

    android, _ = g.whatsapp_android(g.daughter_night("ru"), "ru")
    (tmp_path / "Чат WhatsApp с контактом Айгерим.txt").write_bytes(android)
    txt, names = g.whatsapp_ios(g.daughter_night("ru"), "Айгерим", "ru", media=True)
    (tmp_path / "WhatsApp Chat - Айгерим.zip").write_bytes(
        g.whatsapp_zip(txt, names, ios=True, chat_title="Айгерим")
    )
    folder = g.telegram_export(
        tmp_path / "ChatExport_2022-03-15", g.daughter_night("ru"), "Айгерим"
    )

    a = run("chat", "import", str(tmp_path / "Чат WhatsApp с контактом Айгерим.txt")).out.strip()
    assert ID.match(a)
    z = json.loads(
        run("chat", "import", str(tmp_path / "WhatsApp Chat - Айгерим.zip"), "--json").out
    )
    assert ID.match(z["id"]) and z["format"] == "whatsapp" and z["message_count"] == 9
    t = run("chat", "import", str(folder), "--format", "telegram").out.strip()

    listed = json.loads(run("chat", "list", "--json").out)
    assert [c["id"] for c in listed] == [a, z["id"], t]
    assert "Айгерим" in run("chat", "list").out

    shown = json.loads(run("chat", "show", a, "--json").out)
    assert len(shown["messages"]) == 9
    for m in shown["messages"]:
        assert MESSAGE_KEYS <= set(m)
    fourth = shown["messages"][3]
    assert fourth == {**fourth, "seq": 4, "sent_at": "2022-03-14T23:00", "sender": "Айгерим",
                      "attachments": []}  # fmt: skip
    assert fourth["text"].startswith("Мама, со мной всё в порядке.\nНе ищи меня")
    assert fourth["source"]["line"] == 4
    zshown = json.loads(run("chat", "show", z["id"], "--json").out)
    assert zshown["messages"][5]["attachments"] == [names[0]]
    found = json.loads(run("chat", "show", t, "--json", "--query", "адвокату").out)
    assert [m["seq"] for m in found["messages"]] == [6]
    assert "Не ищи меня" in run("chat", "show", a).out

    title = "Сообщения с изъятого телефона"
    incident = run(
        "incident", "add", "--category", "DD-SEIZED-PHONE", "--title", title,
        "--happened", "2022-03-14T23:00",
    ).out.strip()  # fmt: skip
    r = run("chat", "attach", a, "--incident", incident, "--messages", "4,7-8")
    assert "3 messages" in r.out
    shown = json.loads(run("chat", "show", a, "--json").out)
    assert [m["seq"] for m in shown["messages"] if m["incidents"] == [incident]] == [4, 7, 8]
    r = run("chat", "attach", a, "--incident", incident, "--messages", "99", code=1)
    assert "no message 99" in r.err
    r = run("chat", "attach", a, "--incident", incident, "--messages", "4;5", code=2)

    # a photo "taken" two years after the incident, with GPS
    photo = tmp_path / "IMG_20240320.jpg"
    photo.write_bytes(g.photo(captured="2024:03:20 15:00:00"))
    e = run("evidence", "add", incident, str(photo)).out.strip()
    ev = json.loads(run("evidence", "show", e, "--json").out)
    assert ev["metadata"] == {
        "captured_at": "2024-03-20T15:00:00+05:00",
        "device": "samsung SM-A525F",
        "has_location": True,
    }
    assert ev["contradiction"]["direction"] == "after" and ev["contradiction"]["days"] > 700
    assert "Contradiction: captured 736 days after" in run("evidence", "show", e).out

    copy = run("evidence", "redact", e, "--box", "100,70,50,40", "--box", "0,0,8,8",
               "--strip-metadata").out.strip()  # fmt: skip
    assert ID.match(copy) and copy != e
    shown_copy = json.loads(run("evidence", "show", copy, "--json").out)
    assert shown_copy["metadata"] == {"captured_at": None, "device": None, "has_location": False}
    assert shown_copy["working_copy_of"]["original_id"] == e
    assert shown_copy["working_copy_of"]["original_sha256"] == ev["sha256"]
    assert json.loads(run("evidence", "show", e, "--json").out)["working_copies"] == [copy]
    run("evidence", "redact", e, "--box", "300,200,50,50", code=2)
    run("evidence", "redact", e, code=2)

    desk = Desk(vault)
    desk.unlock(Secret.from_text(PASS))
    try:
        out = desk.read_evidence(copy)
        original = desk.read_evidence(e)
        assert desk.working_copy_for(e).id == copy
    finally:
        desk.lock()
    assert original == photo.read_bytes()
    exiftool = shutil.which("exiftool")
    assert exiftool, "exiftool is missing: apt-get install libimage-exiftool-perl"
    tags = subprocess.run([exiftool, "-a", "-G1", "-s", "-"], input=out, capture_output=True,
                          check=True).stdout.decode()  # fmt: skip
    assert "GPS" not in tags and "SM-A525F" not in tags
    with Image.open(io.BytesIO(out)) as im:
        rgb = im.convert("RGB")
        assert {rgb.getpixel((x, y)) for x in range(100, 150) for y in range(70, 110)} == {
            (0, 0, 0)
        }


def test_bad_chat_input_says_why(cli, made_vault, tmp_path):
    vault, _ = made_vault
    letter = tmp_path / "письмо.txt"
    letter.write_text("Уважаемая Сауле!\nПриглашаем вас на беседу.\n", encoding="utf-8")
    r = cli(vault, ["chat", "import", str(letter)], [PASS])
    assert r.code == 1 and "is not a chat export" in r.err
    cut = tmp_path / "cut.txt"
    cut.write_bytes(g.whatsapp_android(g.daughter_night("ru"), "ru")[0][:-20])
    r = cli(vault, ["chat", "import", str(cut)], [PASS])
    assert (
        r.code == 1
        and "line 11" in r.err
        and "cut off" in r.err
        and "nothing was imported" in r.err
    )
    bad = tmp_path / "bad.txt"
    bad.write_bytes("14.03.2022, 23:00 - А: x\n31.02.2022, 23:01 - А: y\n".encode())
    r = cli(vault, ["chat", "import", str(bad)], [PASS], lang="ru")
    assert r.code == 1 and "строка 2" in r.err
    r = cli(vault, ["chat", "import", str(tmp_path / "nothing.txt")], [PASS])
    assert r.code == 1 and "does not exist" in r.err
    r = cli(vault, ["chat", "list", "--json"], [PASS])
    assert json.loads(r.out) == []
    r = cli(vault, ["evidence", "list", "--json"], [PASS])
    assert json.loads(r.out) == []
