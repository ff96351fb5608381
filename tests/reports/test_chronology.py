"""The export's report.pdf, checked with the real poppler tools (pdftotext, pdfinfo, pdffonts)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from defender_desk.errors import InvalidInput
from defender_desk.reports.chronology import (
    _TEXTS,
    LANGUAGES,
    ReportEvidence,
    ReportIncident,
    format_size,
    render_chronology,
    texts,
)
from defender_desk.reports.pdf import fonts_dir
from tests.reports import (
    CREATED,
    KAZAKH_LETTERS,
    LANGS,
    PHOTO,
    flat,
    overlaps,
    page_count,
    pages_of,
    poppler,
    report_input,
    save,
    sha,
    text_of,
    words_of,
)

MM = 72 / 25.4  # points per millimetre


def test_fonts_and_licence_ship_inside_the_package() -> None:
    base = fonts_dir()
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSansMono.ttf"):
        assert (base / name).read_bytes()[:4] == b"\x00\x01\x00\x00"  # TrueType
    licence = (base / "LICENSE-DejaVu.txt").read_text(encoding="utf-8")
    assert "Bitstream Vera" in licence and "Arev" in licence


def test_every_language_has_every_text() -> None:
    assert set(_TEXTS) == set(LANGUAGES) == set(LANGS)
    keys = set(_TEXTS["en"])
    for lang in LANGS:
        assert set(_TEXTS[lang]) == keys, lang
        assert all(v.strip() for v in _TEXTS[lang].values()), lang
    assert "{page}" in texts("kk")["page"] and "{pages}" in texts("kk")["page"]


@pytest.mark.parametrize("lang", LANGS)
def test_report_renders_scenario(lang: str, tmp_path: Path) -> None:
    data = report_input(lang)
    path = save(render_chronology(data), tmp_path, f"report-{lang}.pdf")
    t = texts(lang)
    pages = page_count(path)
    text = flat(text_of(path))

    # Fixed texts in the chosen language, and the page footer with the real page count.
    for key in ("title", "summary", "chronology", "details", "obligations", "attendance"):
        assert t[key] in text, key
    assert t["page"].format(page=1, pages=pages) in text
    assert t["page"].format(page=pages, pages=pages) in text
    # Cover: who, period, verification code, chain head, export id, how to verify.
    assert data.owner_name in text
    assert "2016-01-01 — 2026-11-25" in text
    assert data.verification_code in text
    assert data.chain_head in text
    assert data.export_id in text
    assert "manifest.sig" in text and "sha256sum -c" in text
    # Record content (Cyrillic), evidence names and hashes, each hash unbroken on one line.
    raw = text_of(path)
    for inc in data.incidents:
        assert flat(inc.title) in text
        for item in inc.evidence:
            ev = item if isinstance(item, ReportEvidence) else ReportEvidence(*item)
            assert ev.file_name in text
            assert ev.sha256 in raw.split(), ev.file_name
    assert "повестка_акимат_scan.pdf" in text
    assert "Подкинули старшей дочери анашу" in text or "Үлкен қызыма есірткі" in text
    assert "2026-10-26 10:00" in text  # attendance log
    assert "Беседа с инспектором" in text  # supervision event
    if lang == "kk":
        for letter in KAZAKH_LETTERS:
            assert letter in text, letter
        assert "Тәркіленген телефоннан жіберілген хабарламалар" in text
    if lang == "ru":
        assert "2,4 МБ (2 516 582 байт)" in text  # pdftotext gives the no-break spaces as spaces


@pytest.mark.parametrize("lang", LANGS)
def test_fonts_are_embedded(lang: str, tmp_path: Path) -> None:
    path = save(render_chronology(report_input(lang)), tmp_path, "r.pdf")
    rows = poppler("pdffonts", path).splitlines()[2:]
    assert rows, "no fonts listed"
    for row in rows:
        cols = row.split()
        assert "DejaVu" in cols[0], row
        assert cols[-5] == "yes", f"not embedded: {row}"  # emb sub uni object ID


def test_sections_come_in_order(tmp_path: Path) -> None:
    path = save(render_chronology(report_input("en")), tmp_path, "r.pdf")
    text = flat(text_of(path))
    t = texts("en")
    marks = [
        t["verify_title"],
        t["by_category"],
        t["col_title"],
        t["record_id"],
        t["obligations"],
        t["attendance"],
        t["supervision"],
    ]
    positions = [text.index(m) for m in marks]
    assert positions == sorted(positions)


def test_chronology_follows_position_not_input_order(tmp_path: Path) -> None:
    data = report_input("ru")
    shuffled = list(reversed(data.incidents))
    path = save(render_chronology(dataclasses.replace(data, incidents=shuffled)), tmp_path, "r.pdf")
    text = flat(text_of(path))
    table = text[text.index(texts("ru")["col_actors"]) : text.index(texts("ru")["details"])]
    # A wrapped cell keeps its first line together: find each title by its first two words.
    found = [table.index(" ".join(inc.title.split()[:2])) for inc in data.incidents]
    assert found == sorted(found)
    # Sections are numbered in the same order.
    assert f"1. {data.incidents[0].title}" in text
    assert f"7. {data.incidents[6].title}" in text


def test_same_input_gives_same_bytes() -> None:
    data = report_input("kk")
    first = render_chronology(data)
    assert render_chronology(data) == first
    later = dataclasses.replace(data, created_at=CREATED.replace(minute=31))
    assert render_chronology(later) != first


def test_metadata_is_neutral(tmp_path: Path) -> None:
    data = report_input("ru")
    path = save(render_chronology(data), tmp_path, "r.pdf")
    info = poppler("pdfinfo", path)
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    assert fields["Title"].strip() == "Хронология"
    assert fields["Creator"].strip() == "Defender Desk"
    assert "2026" in fields["CreationDate"]
    for inc in data.incidents:
        assert inc.title not in info
    assert data.owner_name not in info
    assert "Author" not in fields and "Subject" not in fields and "Keywords" not in fields


def test_nothing_overlaps_or_leaves_the_page(tmp_path: Path) -> None:
    path = save(render_chronology(report_input("kk")), tmp_path, "r.pdf")
    (width, height), words = words_of(path)
    assert words
    assert overlaps(words) == []
    margin = 18 * MM
    for w in words:
        assert w.x0 >= margin - 1 and w.x1 <= width - margin + 1, w
        assert w.y0 >= 8 * MM and w.y1 <= height - 8 * MM, w


def test_pages_render_to_images(tmp_path: Path) -> None:
    path = save(render_chronology(report_input("ru")), tmp_path, "r.pdf")
    poppler("pdftoppm", "-r", "30", "-png", path, tmp_path / "page")
    assert len(list(tmp_path.glob("page-*.png"))) == page_count(path)


def test_thousand_incidents_with_headings_on_every_table_page(tmp_path: Path) -> None:
    data = report_input("ru")
    model = data.incidents[5]
    many = [
        dataclasses.replace(
            model,
            id=f"inc-{n:05d}",
            position=n,
            title=f"Инцидент №{n:04d} " + "длинное название " * (n % 9),
        )
        for n in range(1, 1001)
    ]
    path = save(render_chronology(dataclasses.replace(data, incidents=many)), tmp_path, "r.pdf")
    pages = pages_of(path)
    assert len(pages) == page_count(path) > 300
    t = texts("ru")
    first_detail = next(i for i, p in enumerate(pages) if t["details"] in p)
    table_pages = [i for i in range(first_detail) if "Инцидент №" in pages[i]]
    assert len(table_pages) > 10
    for i in table_pages:
        page = flat(pages[i])
        for heading in (t["col_date"], t["col_category"], t["col_title"], t["col_actors"]):
            assert heading in page, (i, heading)
    table = flat(" ".join(pages[i] for i in table_pages))
    spots = [table.index(f"Инцидент №{n:04d}") for n in range(1, 1001)]
    assert spots == sorted(spots)
    body = flat(" ".join(pages[first_detail:]))
    assert "1000. Инцидент №1000" in body
    assert body.count(PHOTO.sha256) == 1000


def test_long_description_loses_nothing(tmp_path: Path) -> None:
    words = [f"с{n:05d}ё" for n in range(12_500)]  # 8 characters each with its space
    description = " ".join(words)
    assert len(description) >= 99_999
    data = report_input("ru")
    inc = dataclasses.replace(data.incidents[0], description=description)
    path = save(render_chronology(dataclasses.replace(data, incidents=[inc])), tmp_path, "r.pdf")
    out = text_of(path).split()
    found = [w for w in out if len(w) == 7 and w.startswith("с") and w.endswith("ё")]
    assert found == words


def test_hostile_text_does_not_break_the_report(tmp_path: Path) -> None:
    hostile = (
        "ctrl\x00\x07\x1b {nb} \ufdd0\ufdd0\ufdd0\ufdd0 中文 \u202eRTL\u202c \ud800 tab\there "
        "crlf\r\nend " + "Ж" * 5000
    )
    data = report_input("en")
    inc = dataclasses.replace(
        data.incidents[5],
        title=hostile,
        place="x" * 3000,
        targets=["daughter"] * 500,
        tags=["t" * 300] * 40,
        evidence=[ReportEvidence("a" * 900 + ".jpg", "image/jpeg", 10**13, sha("x"))] * 3,
    )
    path = save(
        render_chronology(
            dataclasses.replace(data, incidents=[inc], owner_name=hostile, export_id="e" * 500)
        ),
        tmp_path,
        "r.pdf",
    )
    pages = page_count(path)
    text = text_of(path)
    assert "{nb}" in text  # record text is never taken for the page-count marker
    assert texts("en")["page"].format(page=pages, pages=pages) in flat(text)
    assert "\ufffd" in text  # the CJK characters DejaVu lacks, shown as replacement marks
    assert "\x00" not in text and "\x1b" not in text
    assert sha("x") in text.split()
    assert "9.1 TB (10,000,000,000,000 bytes)" in flat(text)


def test_export_without_obligations_leaves_their_sections_out(tmp_path: Path) -> None:
    data = dataclasses.replace(report_input("en"), obligations_included=False)
    text = flat(text_of(save(render_chronology(data), tmp_path, "r.pdf")))
    t = texts("en")
    assert t["obligations"] not in text and t["attendance"] not in text
    assert t["details"] in text


def test_empty_report_still_renders(tmp_path: Path) -> None:
    data = dataclasses.replace(
        report_input("kk"),
        incidents=[],
        obligations=[],
        attendance=[],
        supervision=[],
        by_category={},
        by_actor_kind={},
        by_target={},
        period_from="",
        period_until="",
        created_at=CREATED.replace(tzinfo=None),
    )
    text = flat(text_of(save(render_chronology(data), tmp_path, "r.pdf")))
    t = texts("kk")
    for key in ("no_incidents", "no_obligations", "no_attendance", "no_supervision", "none"):
        assert t[key] in text, key
    assert t["period_all"] in text


def test_incident_without_optional_fields(tmp_path: Path) -> None:
    inc = ReportIncident(id="x1", when="2017", position=1, category="Harassment", title="")
    data = dataclasses.replace(report_input("en"), incidents=[inc])
    text = flat(text_of(save(render_chronology(data), tmp_path, "r.pdf")))
    assert texts("en")["no_evidence"] in text


def test_unsupported_language_is_refused_without_content() -> None:
    data = dataclasses.replace(report_input("ru"), language="de")
    with pytest.raises(InvalidInput) as caught:
        render_chronology(data)
    assert caught.value.fields["field"] == "language"
    assert data.owner_name not in str(caught.value)


@pytest.mark.parametrize(
    ("size", "lang", "expected"),
    [
        (0, "en", "0 bytes"),
        (1023, "ru", "1\u00a0023 байт"),
        (2_516_582, "ru", "2,4 МБ (2\u00a0516\u00a0582 байт)"),
        (2_516_582, "en", "2.4 MB (2,516,582 bytes)"),
        (1024, "kk", "1,0 КБ (1\u00a0024 байт)"),
    ],
)
def test_format_size(size: int, lang: str, expected: str) -> None:
    assert format_size(size, lang) == expected
