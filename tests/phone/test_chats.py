"""Chat import through the facade: kept as evidence byte for byte, parsed in one transaction,
searchable, linked to incidents, senders linked to people; the migration."""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from pathlib import Path

import pytest
import sqlcipher3

from defender_desk.app import Desk
from defender_desk.errors import Cancelled, NotFound
from defender_desk.phone import chats as chats_mod
from defender_desk.phone.errors import (
    ChatLineRefused,
    ChatMessageRefused,
    ChatRefused,
    MessagesNotFound,
    UnknownChatFormat,
)
from defender_desk.secret import Secret
from defender_desk.vault import db, history
from tests.conftest import PASS
from tests.phone import generators as g


@pytest.fixture
def desk(tmp_path: Path):
    d = Desk(tmp_path / "vault")
    d.create(Secret.from_text(PASS))
    yield d
    d.lock()


def objects(desk: Desk) -> list[Path]:
    return sorted(p for p in desk.paths.objects.rglob("*") if p.is_file())


def state(desk: Desk) -> tuple[int, ...]:
    conn = desk._open().conn
    tables = ("evidence", "chats", "chat_messages", "chat_search", "chat_files", "revisions")
    counts = [int(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in tables]
    return (*counts, len(objects(desk)))


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_android_export_is_kept_byte_for_byte_and_parsed(desk, tmp_path):
    data, _ = g.whatsapp_android(g.daughter_night("ru"), "ru")
    path = write(tmp_path, "Чат WhatsApp с контактом Айгерим.txt", data)
    chat = desk.import_chat(path)
    assert chat.format == "whatsapp" and chat.title == "Чат WhatsApp с контактом Айгерим"
    assert chat.message_count == 9 and chat.variant == "android dd.mm.yyyy, hh:mm"
    ev = desk.evidence.get(chat.evidence_id)
    assert ev.sha256 == hashlib.sha256(data).hexdigest() and ev.media_type == "text/plain"
    assert desk.read_evidence(ev.id) == data
    messages = desk.chat_messages(chat.id)
    assert [m.seq for m in messages] == list(range(1, 10))
    assert messages[3].sender == "Айгерим" and "Не ищи меня" in messages[3].text
    src = messages[3].source
    assert data[src["byte_offset"] :].startswith("14.03.2022, 23:00 - Айгерим".encode())
    assert messages[3].evidence_id == ev.id
    assert {s.name for s in chat.senders} == {"Айгерим", "Сауле"}


def test_ios_zip_with_media_kept_whole(desk, tmp_path):
    txt, names = g.whatsapp_ios(g.daughter_night("ru"), "Айгерим", "ru", media=True)
    data = g.whatsapp_zip(txt, names, ios=True, chat_title="Айгерим")
    chat = desk.import_chat(write(tmp_path, "WhatsApp Chat - Айгерим.zip", data))
    assert chat.entry == "_chat.txt" and chat.message_count == 9
    assert desk.read_evidence(chat.evidence_id) == data
    attachments = [a for m in desk.chat_messages(chat.id) for a in m.attachments]
    assert attachments == names
    assert attachments[0].startswith("00000016-PHOTO-2022-03-14-23-04-12")


def test_android_zip_finds_its_chat_text(desk, tmp_path):
    txt, names = g.whatsapp_android(g.daughter_night("kk"), "kk", media=True)
    data = g.whatsapp_zip(txt, names, ios=False, chat_title="Чат WhatsApp с контактом Айгерим")
    chat = desk.import_chat(write(tmp_path, "chat.zip", data))
    assert chat.entry == "Чат WhatsApp с контактом Айгерим.txt" and chat.message_count == 9


def test_telegram_folder_imports_its_media_as_evidence(desk, tmp_path):
    folder = g.telegram_export(
        tmp_path / "ChatExport_2022-03-15", g.daughter_night("ru"), "Айгерим"
    )
    (folder / "photos" / "unrelated.jpg").write_bytes(b"not named by any message")
    chat = desk.import_chat(folder)
    assert chat.format == "telegram" and chat.title == "Айгерим" and chat.message_count == 8
    assert sorted(chat.files) == sorted(
        [
            "photos/photo_105@14-03-2022_23-04-12.jpg",
            "voice_messages/audio_108@14-03-2022_23-21-12.ogg",
        ]
    )
    for rel, eid in chat.files.items():
        assert desk.read_evidence(eid) == (folder / rel).read_bytes()
    assert desk.read_evidence(chat.evidence_id) == (folder / "result.json").read_bytes()
    assert len(desk.list_evidence()) == 3  # result.json and the two files messages name
    # a file named by a message that is a link out of the export is not imported
    secret = tmp_path / "elsewhere.txt"
    secret.write_text("не из экспорта", encoding="utf-8")
    voice = folder / "voice_messages" / "audio_108@14-03-2022_23-21-12.ogg"
    voice.unlink()
    voice.symlink_to(secret)
    linked = desk.import_chat(folder)
    assert list(linked.files) == ["photos/photo_105@14-03-2022_23-04-12.jpg"]
    voice.unlink()
    voice.write_bytes(g.fake_media(voice.name))
    # result.json given directly finds the same media next to it
    again = desk.import_chat(folder / "result.json")
    assert sorted(again.files) == sorted(chat.files)


def test_format_option_must_agree(desk, tmp_path):
    data, _ = g.whatsapp_android(g.daughter_night("ru"), "ru")
    path = write(tmp_path, "a.txt", data)
    with pytest.raises(UnknownChatFormat):
        desk.import_chat(path, "telegram")
    assert desk.import_chat(path, "whatsapp").message_count == 9
    with pytest.raises(UnknownChatFormat):
        desk.import_chat(write(tmp_path, "letter.txt", "Уважаемая Сауле!\n".encode()))


@pytest.mark.parametrize(
    ("name", "data", "error"),
    [
        (
            "cut.txt",
            "14.03.2022, 23:00 - А: x\n14.03.2022, 23:01 - А: об".encode(),
            ChatLineRefused,
        ),
        (
            "date.txt",
            "14.03.2022, 23:00 - А: x\n30.02.2022, 23:01 - А: y\n".encode(),
            ChatLineRefused,
        ),
        (
            "cut.json",
            b'{"name": "x", "type": "personal_chat", "id": 1, "messages": [{"id": 1,',
            ChatRefused,
        ),
        ("bad.zip", b"PK\x03\x04" + b"\x00" * 100, ChatRefused),
    ],
)
def test_bad_input_leaves_nothing_behind(desk, tmp_path, name, data, error):
    before = state(desk)
    with pytest.raises(error):
        desk.import_chat(write(tmp_path, name, data))
    assert state(desk) == before


def test_an_edited_zip_entry_is_refused(desk, tmp_path):
    txt, names = g.whatsapp_ios(g.daughter_night("ru"), "Айгерим", "ru", media=True)
    data = bytearray(g.whatsapp_zip(txt, names, ios=True, chat_title="Айгерим"))
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("_chat.txt")
    at = info.header_offset + 30 + len(info.filename) + 10  # inside the deflated chat text
    data[at] ^= 0x55
    before = state(desk)
    with pytest.raises(ChatRefused):
        desk.import_chat(write(tmp_path, "edited.zip", bytes(data)))
    assert state(desk) == before


def test_edited_telegram_is_refused_by_message(desk, tmp_path):
    folder = g.telegram_export(tmp_path / "t", g.daughter_night("ru"), "Айгерим")
    path = folder / "result.json"
    path.write_bytes(path.read_bytes().replace(b'"id": 104', b'"id": 99', 1))
    before = state(desk)
    with pytest.raises(ChatMessageRefused) as exc:
        desk.import_chat(folder)
    assert exc.value.fields["index"] == 3
    assert state(desk) == before


def test_cancel_during_parsing_rolls_everything_back(desk, tmp_path, monkeypatch):
    """A failure after the rows started going in (here: cancel in pass two) leaves nothing."""
    monkeypatch.setattr(chats_mod, "BATCH", 2)
    folder = g.telegram_export(tmp_path / "t", g.daughter_night("ru"), "Айгерим")
    calls = {"n": 0}

    def cancel() -> bool:
        calls["n"] += 1
        conn = desk._open().conn
        # once the message rows are being written, stop
        return bool(conn.in_transaction) and calls["n"] > 3

    before = state(desk)
    with pytest.raises(Cancelled):
        desk.import_chat(folder, cancel=cancel)
    assert state(desk) == before


def test_a_file_changed_between_the_passes_is_refused(desk, tmp_path, monkeypatch):
    data, _ = g.whatsapp_android(g.daughter_night("ru"), "ru")
    path = write(tmp_path, "a.txt", data)
    real = chats_mod.ChatStore._insert

    def tamper(self, plan, *args):  # pass one done: someone rewrites the file in place
        st = os.stat(path)
        with open(path, "r+b") as f:
            f.write(b"2")  # 14.03.2022 becomes 24.03.2022: still a valid export
        os.utime(
            path, ns=(st.st_atime_ns, st.st_mtime_ns)
        )  # same size, same time: only the hash tells
        return real(self, plan, *args)

    monkeypatch.setattr(chats_mod.ChatStore, "_insert", tamper)
    before = state(desk)
    with pytest.raises(Exception) as exc:
        desk.import_chat(path)
    assert "changed" in str(exc.value.fields.get("reason", ""))
    assert state(desk) == before


def test_search_is_case_insensitive_in_russian_and_kazakh(desk, tmp_path):
    ru = desk.import_chat(
        write(tmp_path, "ru.txt", g.whatsapp_android(g.daughter_night("ru"), "ru")[0])
    )
    kk = desk.import_chat(
        write(tmp_path, "kk.txt", g.whatsapp_android(g.daughter_night("kk"), "kk")[0])
    )
    assert [m.seq for m in desk.chat_messages(ru.id, "АДВОКАТУ")] == [7]
    assert [m.seq for m in desk.chat_messages(kk.id, "адвокатқа")] == [7]
    assert [m.seq for m in desk.chat_messages(kk.id, "ҚЫЗЫМ")] == [8]
    assert [m.seq for m in desk.chat_messages(ru.id, "ты")] == [5, 7, 8]  # short: substring scan
    assert [m.seq for m in desk.chat_messages(ru.id, "Сауле")] == [3, 5, 8]  # sender too
    found = desk.search_chats("отдел")
    assert [(m.chat_id, m.seq) for m in found] == [(ru.id, 4)]
    assert desk.chat_messages(ru.id, limit=2, offset=3)[0].seq == 4


def test_attach_links_messages_to_an_incident(desk, tmp_path):
    chat = desk.import_chat(
        write(tmp_path, "ru.txt", g.whatsapp_android(g.daughter_night("ru"), "ru")[0])
    )
    incident = desk.add_incident(
        {
            "category": "DD-SEIZED-PHONE",
            "title": "Сообщения с изъятого телефона",
            "happened": "2022-03-14T23:00",
        }
    )
    assert desk.attach_messages(chat.id, incident.id, [4, 7, 4]) == [4, 7]
    assert desk.attach_messages(chat.id, incident.id, [7, 8]) == [8]
    linked = desk.incident_messages(incident.id)
    assert [(m.seq, m.source["line"]) for m in linked] == [(4, 4), (7, 9), (8, 10)]
    assert desk.message_incidents(chat.id) == {4: [incident.id], 7: [incident.id], 8: [incident.id]}
    with pytest.raises(MessagesNotFound):
        desk.attach_messages(chat.id, incident.id, [10])
    with pytest.raises(NotFound):
        desk.attach_messages(chat.id, "i-nothere", [1])
    kinds = [r[0] for r in desk._open().conn.execute("SELECT record_kind FROM revisions")]
    assert kinds.count("chat_link") == 2
    assert desk.detach_messages(chat.id, incident.id, [8]) == 1
    # the links have their own history record: the incident's own stays its live record
    revs = desk.history_of(chats_mod.link_record_id(chat.id, incident.id))
    assert [json.loads(r["content"])["seqs"] for r in revs] == [[4, 7], [4, 7, 8], [4, 7]]
    assert json.loads(desk.history_of(incident.id)[-1]["content"])["title"] == incident.title
    assert desk.check().ok
    desk.delete_incident(incident.id)
    assert desk.message_incidents(chat.id) == {}


def test_the_same_number_wrote_to_the_husband_and_to_her(desk, tmp_path):
    husband = desk.import_chat(
        write(tmp_path, "erlan.txt", g.whatsapp_android(g.husband_threats("ru"), "ru")[0])
    )
    hers = desk.import_chat(
        write(tmp_path, "me.txt", g.whatsapp_android(g.her_threat("ru"), "ru")[0])
    )
    actor = desk.add_person({"name": "Неизвестный", "role": "actor", "institution": "unknown"})
    assert desk.link_identifier("8 (701) 555-12-34", actor.id) == g.UNKNOWN_KEY
    assert desk.people_with_identifier(g.UNKNOWN) == [actor.id]
    assert desk.identifiers_of_person(actor.id) == [g.UNKNOWN_KEY]
    seen = desk.identifier_sightings(g.UNKNOWN_KEY)
    assert [(s["chat_id"], s["messages"]) for s in seen] == [(husband.id, 3), (hers.id, 1)]
    with pytest.raises(Exception):  # noqa: B017 - a name is not an identifier
        desk.link_identifier("Ерлан", actor.id)
    assert desk.check().ok  # the person's own revisions still are the person
    conn = desk._open().conn
    link_id = conn.execute("SELECT id FROM identifier_people").fetchone()[0]
    assert g.UNKNOWN_KEY.encode() in bytes(history.latest_content(conn, link_id) or b"")
    assert desk.unlink_identifier(g.UNKNOWN, actor.id)
    assert desk.people_with_identifier(g.UNKNOWN_KEY) == []
    contents = [r["content"] for r in desk.history_of(link_id)]
    assert contents[0] is None and g.UNKNOWN_KEY not in (contents[-1] or "")  # purged, tomb
    assert desk.check().ok


def test_deleting_the_export_deletes_the_chat_and_purges_its_history(desk, tmp_path):
    chat = desk.import_chat(
        write(tmp_path, "ru.txt", g.whatsapp_android(g.daughter_night("ru"), "ru")[0])
    )
    other = desk.import_chat(
        write(tmp_path, "kk.txt", g.whatsapp_android(g.daughter_night("kk"), "kk")[0])
    )
    desk.delete_evidence(chat.evidence_id)
    conn = desk._open().conn
    assert desk.list_chats() == [other]
    assert conn.execute("SELECT count(*) FROM chat_messages").fetchone()[0] == 9
    assert conn.execute("SELECT count(*) FROM chat_search").fetchone()[0] == 9
    assert desk.chat_messages(other.id, "адвокатқа")[0].seq == 7
    row = conn.execute("SELECT content FROM revisions WHERE record_id = ?", (chat.id,)).fetchone()
    assert row[0] is None
    assert history.verify(conn) == []
    assert desk.check().ok


def test_the_chat_record_is_in_the_history_chain(desk, tmp_path):
    chat = desk.import_chat(
        write(tmp_path, "ru.txt", g.whatsapp_android(g.daughter_night("ru"), "ru")[0])
    )
    revisions = desk.history_of(chat.id)
    assert len(revisions) == 1 and revisions[0]["operation"] == "create"
    assert json.loads(revisions[0]["content"])["message_count"] == 9


def test_migration_0009_phone(tmp_path):
    raw = sqlcipher3.connect(str(tmp_path / "m.db"), isolation_level=None)
    raw.execute("PRAGMA key = \"x'" + "22" * 32 + "'\"")
    raw.execute("PRAGMA foreign_keys = ON")
    assert db.migrate(raw, target=8) == 8
    tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master")}
    assert "chats" not in tables
    assert db.migrate(raw, target=9) == 9
    tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master")}
    assert {"chats", "chat_messages", "chat_search", "chat_files", "chat_links",
            "identifier_people", "evidence_metadata", "working_copies"} <= tables  # fmt: skip
    assert db.schema_version(raw) == 9
    assert db.migrate(raw) == db.latest_version()
    raw.close()


def test_a_fifo_is_refused_without_blocking_and_nothing_is_kept(desk, tmp_path):
    """A named pipe given as a chat export (or as a Telegram media file) is never opened for
    reading: opening it would block the program forever."""
    from defender_desk.vault.evidence import EvidenceFileProblem

    fifo = tmp_path / "chat.txt"
    os.mkfifo(fifo)
    before = state(desk)
    with pytest.raises(EvidenceFileProblem) as info:
        desk.import_chat(fifo)
    assert "regular file" in info.value.fields["reason"]
    assert state(desk) == before and objects(desk) == []
