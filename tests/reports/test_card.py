"""The emergency card: one A4 page, checked with the real poppler tools."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from defender_desk.errors import InvalidInput
from defender_desk.reports.card import _TEXTS, CardContact, default_first_steps, render_card
from tests.reports import (
    KAZAKH_LETTERS,
    LANGS,
    card_input,
    flat,
    overlaps,
    page_count,
    poppler,
    save,
    text_of,
    words_of,
)

MM = 72 / 25.4


def _render(tmp_path: Path, name: str, **changes: object) -> tuple[Path, str]:
    lang = str(changes.pop("lang", "ru"))
    places = changes.pop("places_count", None)
    data = card_input(lang, places=places if isinstance(places, int) else None)
    if changes:
        data = dataclasses.replace(data, **changes)  # type: ignore[arg-type]
    path = save(render_card(data), tmp_path, name)
    assert page_count(path) == 1
    return path, flat(text_of(path))


def test_every_language_has_every_text() -> None:
    assert set(_TEXTS) == set(LANGS)
    keys = set(_TEXTS["en"])
    for lang in LANGS:
        assert set(_TEXTS[lang]) == keys, lang
        steps = default_first_steps(lang)
        assert len(steps) == 6 and all(s.strip() for s in steps), lang


@pytest.mark.parametrize("lang", LANGS)
def test_card_is_one_page_with_what_the_night_needs(lang: str, tmp_path: Path) -> None:
    data = card_input(lang)
    _path, text = _render(tmp_path, f"card-{lang}.pdf", lang=lang)
    t = _TEXTS[lang]
    assert t["title"] in text
    assert data.person.full_name in text
    assert "2003-05-17" in text and "030517 600 123" in text
    assert "телефон в розовом чехле" in text
    lawyer = data.contacts[0]
    assert lawyer.name in text
    for phone in lawyer.phones:
        assert phone in text
    for place in data.places:
        assert place.name in text
        assert place.address in text
        for phone in place.phones:
            assert phone in text
    for step in default_first_steps(lang):
        assert step in text
    assert t["disclaimer"] in text
    assert t["answer"] in text
    assert t["more"].split("{n}")[-1].strip() not in text  # nothing left out
    if lang == "kk":
        for letter in KAZAKH_LETTERS.replace("һ", ""):  # no «һ» in the card's Kazakh texts
            assert letter in text, letter


@pytest.mark.parametrize("lang", LANGS)
def test_fonts_are_embedded_and_metadata_neutral(lang: str, tmp_path: Path) -> None:
    data = card_input(lang)
    path, _text = _render(tmp_path, "card.pdf", lang=lang)
    rows = poppler("pdffonts", path).splitlines()[2:]
    assert rows
    for row in rows:
        assert "DejaVu" in row.split()[0] and row.split()[-5] == "yes", row
    info = poppler("pdfinfo", path)
    assert f"Title:           {_TEXTS[lang]['meta_title']}" in info
    assert "Creator:         Defender Desk" in info
    assert data.person.full_name not in info


def test_no_places_yet_says_what_to_add(tmp_path: Path) -> None:
    _path, text = _render(tmp_path, "card.pdf", lang="en", places=[])
    assert flat(_TEXTS["en"]["no_places"]) in text
    assert "police departments" in text and "hospitals" in text
    for step in default_first_steps("en"):
        assert step in text  # still useful


def test_no_lawyer_yet_says_so(tmp_path: Path) -> None:
    _path, text = _render(tmp_path, "card.pdf", lang="kk", contacts=[])
    assert flat(_TEXTS["kk"]["no_contacts"]) in text


@pytest.mark.parametrize("count", [6, 9])
def test_several_places_all_fit(count: int, tmp_path: Path) -> None:
    _path, text = _render(tmp_path, "card.pdf", places_count=count)
    for n in range(4, count + 1):
        assert f"Отдел полиции № {n} " in text + " "
    assert "в приложении" not in text


@pytest.mark.parametrize("count", [25, 200])
def test_many_places_are_cut_with_a_note(count: int, tmp_path: Path) -> None:
    _path, text = _render(tmp_path, "card.pdf", places_count=count)
    match = re.search(r"ещё (\d+) — в приложении", text)
    assert match is not None
    hidden = int(match[1])
    shown = 3 + sum(1 for n in range(4, count + 1) if f"Отдел полиции № {n} " in text + " ")
    assert hidden > 0 and shown >= 6
    assert shown + hidden == count
    # The ones shown are the first ones, in order.
    assert all(f"Отдел полиции № {n} " in text + " " for n in range(4, shown + 1))


def test_edited_steps_replace_the_shipped_ones(tmp_path: Path) -> None:
    steps = ["Позвонить Нурлану", "Проверить РОВД Алмалинского района"]
    _path, text = _render(tmp_path, "card.pdf", steps=steps)
    for step in steps:
        assert step in text
    assert default_first_steps("ru")[1] not in text
    assert _TEXTS["ru"]["disclaimer"] in text


def test_hostile_and_huge_input_still_fits_one_page(tmp_path: Path) -> None:
    hostile = "ctrl\x00\x1b {nb} 中文 \u202eRTL\u202c \ud800 crlf\r\n" + "Ж" * 3000
    base = card_input("ru", places=12)
    person = dataclasses.replace(base.person, full_name=hostile, details="длинно " * 20_000)
    contacts = [CardContact(hostile, "адвокат", ("+7 701 111 22 33",) * 30)] * 8
    path, text = _render(
        tmp_path, "card.pdf", person=person, contacts=contacts, steps=[hostile] * 40
    )
    assert "{nb}" in text
    assert "\x00" not in text
    _assert_layout(path)


def _assert_layout(path: Path) -> None:
    """No text over other text, nothing outside the margins or over the "prepared on" line."""
    (width, height), words = words_of(path)
    assert words
    assert overlaps(words) == []
    footer_top = min(w.y0 for w in words if w.y0 > height - 14 * MM)
    for w in words:
        assert w.x0 >= 12 * MM and w.x1 <= width - 12 * MM, w
        assert w.y0 >= 10 * MM and w.y1 <= height - 8 * MM, w
        assert w.y1 <= footer_top - 2 * MM or w.y0 >= footer_top, w


@pytest.mark.parametrize("count", [0, 3, 40])
def test_nothing_overlaps_or_leaves_the_page(count: int, tmp_path: Path) -> None:
    path, _text = _render(tmp_path, "card.pdf", places_count=count, lang="kk")
    _assert_layout(path)


def test_card_renders_to_an_image(tmp_path: Path) -> None:
    path, _text = _render(tmp_path, "card.pdf")
    poppler("pdftoppm", "-r", "30", "-png", path, tmp_path / "card")
    assert len(list(tmp_path.glob("card-*.png"))) == 1


def test_same_input_gives_same_bytes() -> None:
    data = card_input("kk")
    assert render_card(data) == render_card(data)


def test_unsupported_language_is_refused() -> None:
    with pytest.raises(InvalidInput):
        render_card(dataclasses.replace(card_input("en"), language="fr"))
    with pytest.raises(InvalidInput):
        default_first_steps("fr")
