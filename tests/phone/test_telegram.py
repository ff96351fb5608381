"""The streaming Telegram Desktop parser: same result whatever the chunk size, and refusals."""

from __future__ import annotations

import json

import pytest

from defender_desk.phone import telegram
from defender_desk.phone.model import ParsedMessage
from tests.phone import generators as g


def parse(data: bytes, chunk: int = 1 << 20) -> tuple[dict[str, object], list[ParsedMessage]]:
    out: list[ParsedMessage] = []
    parser = telegram.StreamParser(out.append)
    for i in range(0, len(data), chunk):
        parser.feed(data[i : i + chunk])
    assert parser.finish() == len(out)
    return parser.header, out


@pytest.fixture
def export(tmp_path):
    folder = g.telegram_export(tmp_path / "ChatExport", g.daughter_night("ru"), "Айгерим")
    return (folder / "result.json").read_bytes()


@pytest.mark.parametrize("chunk", [1, 3, 64, 1 << 20])
def test_any_chunking_gives_the_same_messages(export, chunk):
    header, messages = parse(export, chunk)
    assert header == {"name": "Айгерим", "type": "personal_chat", "id": 5000000002}
    reference = json.loads(export)["messages"]
    assert len(messages) == len(reference)
    for i, (m, ref) in enumerate(zip(messages, reference, strict=True)):
        assert m.json_index == i and m.source_id == ref["id"]
        assert m.sent_at == ref["date"]
    assert parse(export, 1)[1] == parse(export)[1]


def test_text_entities_photos_voice_and_accounts(export):
    _, messages = parse(export)
    multi = messages[2]
    assert (
        multi.text == "Мама, со мной всё в порядке.\nНе ищи меня.\nНе езди в отдел, я сама позвоню"
    )
    assert multi.sender == "Айгерим" and multi.sender_key == "telegram:user5000000002"
    photo = messages[4]
    assert photo.attachments == ["photos/photo_105@14-03-2022_23-04-12.jpg"]
    voice = messages[7]
    assert voice.attachments[0].startswith("voice_messages/audio_108@")


def test_files_left_out_of_the_export_keep_their_name(tmp_path):
    folder = g.telegram_export(tmp_path / "x", g.daughter_night("ru"), "Айгерим", media=False)
    _, messages = parse((folder / "result.json").read_bytes())
    assert messages[7].attachments == ["audio_108.ogg"]
    assert messages[4].attachments == []  # a photo left out has no name at all


def test_service_messages_are_system_lines(tmp_path):
    turns = [*g.daughter_night("ru"), g.Turn(g.daughter_night("ru")[-1].at, None)]
    folder = g.telegram_export(tmp_path / "x", turns, "Айгерим")
    _, messages = parse((folder / "result.json").read_bytes())
    assert messages[-1].kind == "system" and messages[-1].text == "pin_message"


def _cut(data: bytes, at: int) -> bytes:
    return data[:at]


@pytest.mark.parametrize(
    ("mutate", "words"),
    [
        (lambda d: d[: len(d) // 2], "cut off"),
        (lambda d: d[:-2], "cut off"),
        (lambda d: d + b"\n{}", "more data"),
        (lambda d: d.replace(b'"id": 103', b'"id": 101', 1), "out of order"),
        (lambda d: d.replace(b'"date": "2022-03-14T23:00:12"', b'"date": "14.03.2022"', 1), "date"),
        (lambda d: d.replace(b'"messages": [', b'"messages": [\n 42,', 1), "not in the form"),
        (lambda d: d.replace(b'"from": "', b'"from": ', 1), "not valid JSON"),
        (lambda d: b"[1, 2, 3]", "not a Telegram"),
        (lambda d: d.replace(b"\xd0\x90", b"\xd0", 1), "UTF-8"),
    ],
)
def test_damaged_or_edited_exports_are_refused(export, mutate, words):
    with pytest.raises(telegram.Refusal) as exc:
        parse(mutate(export), 4096)
    assert words in exc.value.reason


def test_a_whole_account_export_is_refused():
    data = json.dumps({"about": "x", "chats": {"list": []}}).encode()
    with pytest.raises(telegram.Refusal) as exc:
        parse(data)
    assert "whole-account" in exc.value.reason
