"""The WhatsApp parser on generated exports of every supported shape, and its refusals."""

from __future__ import annotations

import pytest

from defender_desk.phone import whatsapp
from defender_desk.phone.model import ParsedMessage
from tests.phone import generators as g


def parse(data: bytes, chunk: int = 1 << 20) -> tuple[whatsapp.Shape, list[ParsedMessage]]:
    scanner = whatsapp.Scanner()
    for i in range(0, len(data), chunk):
        scanner.feed(data[i : i + chunk])
    shape, order = scanner.finish()
    out: list[ParsedMessage] = []
    parser = whatsapp.Parser(shape, order, out.append)
    for i in range(0, len(data), chunk):
        parser.feed(data[i : i + chunk])
    assert parser.finish() == len(out)
    return shape, out


@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
@pytest.mark.parametrize("media", [False, True])
@pytest.mark.parametrize("ios", [False, True])
def test_every_shape_parses_the_same_conversation(lang, media, ios):
    turns = g.daughter_night("kk" if lang == "kk" else "ru")
    twelve = lang == "en"
    if ios:
        data, names = g.whatsapp_ios(turns, "Айгерим", lang, media=media, twelve=twelve)
    else:
        data, names = g.whatsapp_android(turns, lang, media=media, twelve=twelve)
    shape, messages = parse(data)
    assert shape.style == ("ios" if ios else "android")
    assert len(messages) == len(turns) + 1  # the encryption notice first
    assert messages[0].kind == "system"
    for m, t in zip(messages[1:], turns, strict=True):
        stamp = t.at.isoformat(timespec="seconds" if ios else "minutes")
        assert m.sent_at == stamp
        assert m.sender == t.sender
        assert m.kind == "message"
        if t.media and media:
            assert len(m.attachments) == 1 and m.attachments[0] in names
            assert m.text == ""
        else:
            assert m.attachments == []
        if not t.media:
            assert m.text == t.text  # multi-line kept, no direction marks
        assert "\u200e" not in m.text
    assert sum(len(m.attachments) for m in messages) == len(names)


def test_kazakh_two_digit_years_and_russian_four_digit_years():
    ru, _ = g.whatsapp_android(g.daughter_night("ru"), "ru")
    kk, _ = g.whatsapp_android(g.daughter_night("kk"), "kk")
    assert ru.startswith(b"14.03.2022, ") and kk.startswith(b"14.03.22, ")
    assert parse(ru)[1][1].sent_at == parse(kk)[1][1].sent_at == "2022-03-14T20:40"


def test_us_twelve_hour_clock_is_month_first_and_pm_is_afternoon():
    data, _ = g.whatsapp_android(g.daughter_night("ru"), "en", twelve=True)
    assert b"3/14/22, 11:00\xe2\x80\xafPM - " in data  # U+202F before PM, as Android 14+
    shape, messages = parse(data)
    assert shape.ampm and messages[3].sent_at == "2022-03-14T23:00"


def test_slash_dates_take_their_order_from_the_file():
    day_first = b"13/03/2022, 21:30 - A: x\n01/04/2022, 09:00 - A: y\n"
    month_first = b"3/13/22, 9:30 PM - A: x\n4/1/22, 9:00 AM - A: y\n"
    assert [m.sent_at for m in parse(day_first)[1]] == ["2022-03-13T21:30", "2022-04-01T09:00"]
    assert [m.sent_at for m in parse(month_first)[1]] == ["2022-03-13T21:30", "2022-04-01T09:00"]


def test_an_undecidable_order_is_guessed_and_says_so():
    scanner = whatsapp.Scanner()
    scanner.feed(b"3/4/22, 21:30 - A: x\n")
    shape, order = scanner.finish()
    assert order.day_first and order.guessed
    assert order.describe(shape) == "android dd/mm/yy, hh:mm (order guessed)"
    scanner = whatsapp.Scanner()
    scanner.feed(b"3/4/22, 9:30 PM - A: x\n3/14/22, 9:31 PM - A: y\n")
    shape, order = scanner.finish()
    assert not order.day_first and not order.guessed


def test_positions_point_back_into_the_file():
    data, _ = g.whatsapp_android(g.daughter_night("ru"), "ru")
    _, messages = parse(data, chunk=7)  # tiny chunks: lines cross chunk edges
    lines = data.split(b"\n")
    for m in messages:
        assert m.byte_offset is not None and m.byte_length is not None and m.line is not None
        piece = data[m.byte_offset : m.byte_offset + m.byte_length].decode()
        assert piece.startswith(lines[m.line - 1].decode())
        first_text = m.text.split("\n")[0]
        assert first_text in piece
    multi = next(m for m in messages if "\n" in m.text)
    assert data[multi.byte_offset : multi.byte_offset + multi.byte_length].count(b"\n") == 3
    assert sum(m.byte_length or 0 for m in messages) == len(data)


def test_ios_lines_inside_a_message_end_with_bare_lf():
    data, _ = g.whatsapp_ios(g.daughter_night("ru"), "Айгерим", "ru")
    assert b"\r\n" in data and "Мама, со мной всё в порядке.\nНе ищи меня".encode() in data
    _, messages = parse(data)
    assert (
        messages[3].text
        == "Мама, со мной всё в порядке.\nНе ищи меня.\nНе езди в отдел, я сама позвоню"
    )


def test_phone_number_senders_get_an_identifier():
    data, _ = g.whatsapp_android(g.husband_threats("ru"), "ru")
    _, messages = parse(data)
    keys = {m.sender: m.sender_key for m in messages if m.kind == "message"}
    assert keys[g.UNKNOWN] == g.UNKNOWN_KEY
    assert keys["Ерлан"] is None
    assert messages[-1].kind == "system" and messages[-1].sender == ""


def test_a_pasted_line_of_another_shape_is_text_not_a_new_message():
    data = (
        "14.03.2022, 23:00 - Айгерим: посмотри, что мне переслали:\n"
        "[3/14/22, 11:00:05 PM] Someone: hello\n"
        "14.03.2022, 23:01 - Сауле: вижу\n"
    ).encode()
    _, messages = parse(data)
    assert len(messages) == 2
    assert messages[0].text.endswith("[3/14/22, 11:00:05 PM] Someone: hello")


@pytest.mark.parametrize(
    ("data", "line", "words"),
    [
        (b"hello, this is a letter\n14.03.2022, 23:00 - A: x\n", 1, "first line"),
        (b"14.03.2022, 23:00 - A: x\n14.03.2022, 23:01 - A: cut off he", 2, "cut off"),
        (b"14.03.2022, 23:00 - A: x\n31.02.2022, 23:01 - A: y\n", 2, "date"),
        (b"14.03.2022, 23:00 - A: x\n14.03.2022, 25:01 - A: y\n", 2, "date"),
        (b"14.03.2022, 23:00 - A: \xd0\n", 1, "UTF-8"),
        (b"14.03.2022, 23:00 - A: x\x00y\n", 1, "binary"),
        (
            b"13/03/2022, 21:30 - A: x\n3/14/22, 9:30 - A: y\n12/13/2022, 21:30 - A: z\n",
            3,
            "one format",
        ),
    ],
)
def test_bad_exports_are_refused_with_the_line(data, line, words):
    with pytest.raises(whatsapp.Refusal) as exc:
        parse(data)
    assert exc.value.line == line
    assert words in exc.value.reason


def test_a_runaway_message_is_refused(monkeypatch):
    monkeypatch.setattr(whatsapp, "MAX_MESSAGE", 1000)
    data = b"14.03.2022, 23:00 - A: x\n" + b"y" * 600 + b"\n" + b"z" * 600 + b"\n"
    with pytest.raises(whatsapp.Refusal) as exc:
        parse(data)
    assert "too long" in exc.value.reason
