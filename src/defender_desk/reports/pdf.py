"""Shared fpdf2 set-up for the PDFs Defender Desk prints (the export's report, the emergency card).

Fonts come only from the package (``resources/fonts``, DejaVu, licence beside them): no system
font is assumed. Text from the record goes through :meth:`ReportPDF.clean` before it is drawn, so
control characters, characters the fonts lack and the page-count marker cannot reach fpdf2 (whose
missing-glyph warning would otherwise copy record text into a log).

Text is wrapped here (:meth:`ReportPDF.wrap`, greedy, one pass) and drawn line by line with
``cell``: fpdf2's own line breaking is quadratic in the length of a line, which made a report of
1,000 incidents take half a minute. Nothing here writes a file: :func:`render` returns bytes.
"""

from __future__ import annotations

import contextlib
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import TTFFont

__all__ = [
    "FONT_MONO",
    "FONT_SANS",
    "Column",
    "ReportPDF",
    "fonts_dir",
    "open_pdf",
    "render",
]

FONT_SANS = "DejaVuSans"
FONT_MONO = "DejaVuSansMono"
_FONT_FILES: tuple[tuple[str, str, str], ...] = (
    (FONT_SANS, "", "DejaVuSans.ttf"),
    (FONT_SANS, "B", "DejaVuSans-Bold.ttf"),
    (FONT_MONO, "", "DejaVuSansMono.ttf"),
)
# Marker fpdf2 replaces with the number of pages once the document is complete. Its characters
# are Unicode noncharacters, which ``clean`` removes from every text, so record content can never
# be mistaken for it. Four characters reserve the width of four digits.
PAGES_ALIAS = "\ufdd0" * 4
ELLIPSIS = "…"
LINE = 0.45  # line height as a fraction of the font size in points, in mm

BLACK = (0, 0, 0)
GREY_TEXT = (90, 90, 90)
RULE_GREY = (170, 170, 170)
HEADING_FILL = (226, 230, 236)
ZEBRA_FILL = (246, 247, 249)

Color = tuple[int, int, int]


def fonts_dir() -> Traversable:
    """Where the shipped fonts live inside the package."""
    return resources.files("defender_desk") / "resources" / "fonts"


def _dropped(ch: str) -> bool:
    # Cc control, Cf format (bidi overrides, zero-width, soft hyphen), Cs lone surrogate,
    # Co private use, Cn unassigned and noncharacters (so also the page-count marker).
    return unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn")


@dataclass(frozen=True, slots=True)
class Column:
    """One column of :meth:`ReportPDF.data_table`: heading, relative width, font, alignment
    ("L" or "R")."""

    heading: str
    weight: float
    mono: bool = False
    align: str = "L"


class ReportPDF(FPDF):
    """An A4 document with the shipped fonts, a running header and a "page X of Y" footer."""

    def __init__(
        self,
        font_paths: dict[tuple[str, str], Path],
        *,
        language: str,
        title: str,
        created_at: datetime,
        running_header: str = "",
        footer_template: str | None = None,
        margins: tuple[float, float, float, float] = (18.0, 20.0, 18.0, 18.0),
    ) -> None:
        super().__init__(unit="mm", format="A4")
        left, top, right, bottom = margins
        self.set_margins(left, top, right)
        self.set_auto_page_break(True, margin=bottom)
        self.c_margin = 1.0
        for family, style, _name in _FONT_FILES:
            self.add_font(family, style, fname=font_paths[(family, style)])
        self.set_text_shaping(False)
        # Code points with a glyph, from the fonts fpdf2 just parsed: text must draw in both
        # the regular and the bold face.
        sans, bold, mono = (self._coverage(family, style) for family, style, _ in _FONT_FILES)
        self._cover_sans = sans & bold
        self._cover_mono = mono
        self._widths: dict[tuple[str, str, float], dict[str, float]] = {}
        self.alias_nb_pages(PAGES_ALIAS)
        self.running_header = self.clean(running_header, single_line=True)
        self.footer_template = footer_template
        # Neutral metadata: no record content, a fixed date so equal input gives equal bytes.
        self.set_creator("Defender Desk")
        self.set_title(title)
        self.set_lang(language)
        stamp = created_at if created_at.tzinfo else created_at.replace(tzinfo=UTC)
        self.set_creation_date(stamp)
        self.set_font(FONT_SANS, size=10)

    def _coverage(self, family: str, style: str) -> frozenset[int]:
        font = self.fonts[family.lower() + style]
        assert isinstance(font, TTFFont)
        return frozenset(font.cmap)

    # -- text hygiene and measuring -----------------------------------------------------------

    def clean(self, text: str, *, mono: bool = False, single_line: bool = False) -> str:
        """``text`` made safe to draw: no controls, and a character the fonts lack shown as
        U+FFFD. ``single_line`` folds every run of whitespace into one space."""
        if not text:
            return ""
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
        if single_line:
            text = " ".join(text.split())
        cover = self._cover_mono if mono else self._cover_sans
        out: list[str] = []
        for ch in text:
            if ch == "\n":
                out.append(ch)
            elif _dropped(ch):
                continue
            elif ord(ch) in cover:
                out.append(ch)
            else:
                out.append("\ufffd" if 0xFFFD in cover else "?")
        return "".join(out)

    def use(self, size: float, *, style: str = "", mono: bool = False) -> None:
        """Select the sans (or mono) font at ``size`` points."""
        self.set_font(FONT_MONO if mono else FONT_SANS, "" if mono else style, size)

    def width_of(self, text: str) -> float:
        """Width of ``text`` in mm in the current font (cached per character)."""
        key = (self.font_family, self.font_style, self.font_size_pt)
        table = self._widths.get(key)
        if table is None:
            table = self._widths[key] = {}
        total = 0.0
        for ch in text:
            width = table.get(ch)
            if width is None:
                width = table[ch] = self.get_string_width(ch)
            total += width
        return total

    def wrap(self, text: str, width: float) -> list[str]:
        """``text`` (already clean) broken into lines that fit a cell ``width`` mm wide in the
        current font: at spaces, or inside a word too long for a line."""
        room = width - 2 * self.c_margin
        space = self.width_of(" ")
        lines: list[str] = []
        for paragraph in text.split("\n"):
            line, line_w = "", 0.0
            for word in paragraph.split(" "):
                word_w = self.width_of(word)
                if line and line_w + space + word_w <= room:
                    line, line_w = f"{line} {word}", line_w + space + word_w
                    continue
                if line:
                    lines.append(line)
                if word_w <= room:
                    line, line_w = word, word_w
                    continue
                line, line_w = "", 0.0
                for ch in word:
                    ch_w = self.width_of(ch)
                    if line and line_w + ch_w > room:
                        lines.append(line)
                        line, line_w = "", 0.0
                    line, line_w = line + ch, line_w + ch_w
            lines.append(line)
        return lines

    def clip_lines(self, lines: list[str], max_lines: int, width: float) -> list[str]:
        """At most ``max_lines`` lines, the last one ending in an ellipsis if any were cut."""
        if len(lines) <= max_lines:
            return lines
        kept = lines[:max_lines]
        last = kept[-1]
        room = width - 2 * self.c_margin - self.width_of(" " + ELLIPSIS)
        while last and self.width_of(last) > room:
            last = last[:-1]
        kept[-1] = f"{last.rstrip()} {ELLIPSIS}"
        return kept

    # -- page furniture -----------------------------------------------------------------------

    def header(self) -> None:
        if self.page_no() <= 1 or not self.running_header:
            return
        self.set_y(9)
        self.use(7.5)
        self.set_text_color(*GREY_TEXT)
        text = self.clip_lines(self.wrap(self.running_header, self.epw), 1, self.epw)[0]
        self.cell(self.epw, 4, text, align="L")
        self.set_draw_color(*RULE_GREY)
        self.set_line_width(0.2)
        self.line(self.l_margin, 14, self.w - self.r_margin, 14)
        self.set_text_color(*BLACK)
        self.set_y(self.t_margin)

    def footer(self) -> None:
        if self.footer_template is None:
            return
        self.set_y(-12)
        self.use(8)
        self.set_text_color(*GREY_TEXT)
        text = self.footer_template.format(page=self.page_no(), pages=PAGES_ALIAS)
        self.cell(self.epw, 4, text, align="C")
        self.set_text_color(*BLACK)

    # -- drawing ------------------------------------------------------------------------------

    def draw_lines(
        self,
        lines: Sequence[str],
        *,
        x: float,
        width: float,
        line_h: float,
        align: str = "L",
        breakable: bool = True,
    ) -> None:
        """Draw ``lines`` one under the other from the current y; with ``breakable`` a new page
        starts whenever the next line would not fit."""
        for line in lines:
            if breakable and self.y + line_h > self.page_break_trigger:
                self.add_page()
            self.set_x(x)
            self.cell(width, line_h, line, align=align, new_x=XPos.LEFT, new_y=YPos.NEXT)

    def paragraph(
        self,
        text: str,
        *,
        size: float = 10,
        style: str = "",
        mono: bool = False,
        color: Color = BLACK,
        indent: float = 0,
        max_lines: int | None = None,
    ) -> None:
        """Free text at full width (less ``indent``), wrapped and broken across pages."""
        self.use(size, style=style, mono=mono)
        width = self.epw - indent
        lines = self.wrap(self.clean(text, mono=mono), width)
        if max_lines is not None:
            lines = self.clip_lines(lines, max_lines, width)
        self.set_text_color(*color)
        self.draw_lines(lines, x=self.l_margin + indent, width=width, line_h=size * LINE)
        self.set_text_color(*BLACK)

    def heading(
        self,
        text: str,
        *,
        size: float = 14,
        space_before: float = 4,
        outline_level: int | None = None,
        link: int | None = None,
    ) -> None:
        """A bold heading kept with a few lines of what follows; optionally an entry of the
        PDF outline (bookmarks) and the target of an internal ``link``."""
        text = self.clean(text)
        self.use(size, style="B")
        line_h = size * LINE
        lines = self.wrap(text, self.epw)
        # Kept with what follows unless it is too long for that; then it breaks like a paragraph.
        keep = min(len(lines), 10)
        if self.y + space_before + keep * line_h + 16 > self.page_break_trigger:
            self.add_page()
        elif self.y > self.t_margin + 1:
            self.ln(space_before)
        if outline_level is not None:
            outline = " ".join(text.split())
            if len(outline) > 90:
                outline = outline[:89].rstrip() + ELLIPSIS
            self.start_section(outline, level=outline_level, strict=False)
        if link is not None:
            self.set_link(link, y=self.y, page=self.page)
        self.use(size, style="B")
        self.draw_lines(lines, x=self.l_margin, width=self.epw, line_h=line_h)
        self.ln(1.5)

    def fields(
        self,
        pairs: Sequence[tuple[str, str]],
        *,
        label_width: float = 45,
        size: float = 9.5,
        long_after_lines: int = 12,
    ) -> None:
        """Label/value rows. A value longer than ``long_after_lines`` lines goes under its label
        at full width, free to break across pages; a short row is never split."""
        line_h = size * LINE
        value_w = self.epw - label_width
        for label, raw in pairs:
            value = self.clean(raw) if raw.strip() else "—"
            self.use(size)
            value_lines = self.wrap(value, value_w)
            self.use(size - 0.5, style="B")
            if len(value_lines) > long_after_lines:
                label_lines = self.wrap(self.clean(label), self.epw)
                if self.y + (len(label_lines) + 2) * line_h > self.page_break_trigger:
                    self.add_page()
                self.set_text_color(*GREY_TEXT)
                self.draw_lines(label_lines, x=self.l_margin, width=self.epw, line_h=line_h)
                self.set_text_color(*BLACK)
                self.use(size)
                lines = self.wrap(value, self.epw)
                self.draw_lines(lines, x=self.l_margin, width=self.epw, line_h=line_h)
                self.ln(1)
                continue
            label_lines = self.wrap(self.clean(label), label_width - 1)
            height = max(len(value_lines), len(label_lines)) * line_h
            if self.y + height + 0.8 > self.page_break_trigger:
                self.add_page()
            top = self.y
            self.set_text_color(*GREY_TEXT)
            self.draw_lines(
                label_lines, x=self.l_margin, width=label_width - 1, line_h=line_h, breakable=False
            )
            self.set_text_color(*BLACK)
            self.set_y(top)
            self.use(size)
            self.draw_lines(
                value_lines,
                x=self.l_margin + label_width,
                width=value_w,
                line_h=line_h,
                breakable=False,
            )
            self.set_xy(self.l_margin, top + height + 0.8)

    def hex_lines(self, value: str, width: float, size: float) -> list[str]:
        """``value`` (a hash) cut into lines that fit ``width`` mm in the mono font, in whole
        groups of 8 characters, so a 64-character SHA-256 stays on one line when it can."""
        self.use(size, mono=True)
        char_w = self.width_of("0")
        per_line = max(1, int((width - 2 * self.c_margin) // char_w))
        if per_line < len(value) and per_line >= 8:
            per_line -= per_line % 8
        return [value[i : i + per_line] for i in range(0, len(value), per_line)] or [""]

    def mono_block(self, value: str, *, size: float = 8, indent: float = 0) -> None:
        """A hash or identifier in the mono font, cut by :meth:`hex_lines`."""
        width = self.epw - indent
        lines = self.hex_lines(self.clean(value, mono=True, single_line=True), width, size)
        self.use(size, mono=True)
        self.draw_lines(lines, x=self.l_margin + indent, width=width, line_h=size * LINE)

    def data_table(
        self,
        columns: Sequence[Column],
        rows: Sequence[Sequence[str]],
        *,
        size: float = 8.5,
        max_lines: int = 24,
        links: Sequence[int | None] | None = None,
    ) -> None:
        """A wrapping table whose heading row repeats at the top of every page it spans.

        Cell text is folded onto one flow and cut after ``max_lines`` lines (the full text
        belongs elsewhere in the document), so a row never outgrows a page and is never split;
        ``links`` optionally makes the first cell of each row an internal link.
        """
        total = sum(c.weight for c in columns)
        widths = [self.epw * c.weight / total for c in columns]
        pad_x, pad_y = 1.2, 1.0
        line_h = size * LINE
        saved_margin = self.c_margin
        self.c_margin = pad_x

        def layout(values: Sequence[str], bold: bool) -> list[list[str]]:
            cells: list[list[str]] = []
            for index, (col, width) in enumerate(zip(columns, widths, strict=True)):
                raw = values[index] if index < len(values) else ""
                text = self.clean(raw, mono=col.mono and not bold, single_line=True)
                self.use(size - (0.5 if col.mono and not bold else 0), style="B" if bold else "",
                         mono=col.mono and not bold)  # fmt: skip
                cells.append(self.clip_lines(self.wrap(text, width), max_lines, width))
            return cells

        def draw_row(
            cells: list[list[str]], bold: bool, fill: Color | None, link: int | None
        ) -> None:
            height = max(len(lines) for lines in cells) * line_h + 2 * pad_y
            top = self.y
            if fill is not None:
                self.set_fill_color(*fill)
                self.rect(self.l_margin, top, self.epw, height, style="F")
            x = self.l_margin
            for col, width, lines in zip(columns, widths, cells, strict=True):
                mono = col.mono and not bold
                self.use(size - (0.5 if mono else 0), style="B" if bold else "", mono=mono)
                self.set_y(top + pad_y)
                self.draw_lines(
                    lines, x=x, width=width, line_h=line_h, align=col.align, breakable=False
                )
                x += width
            if link is not None:
                self.link(self.l_margin, top, widths[0], height, link)
            self.set_draw_color(*RULE_GREY)
            self.set_line_width(0.15)
            self.line(self.l_margin, top + height, self.l_margin + self.epw, top + height)
            self.set_xy(self.l_margin, top + height)

        head = layout([c.heading for c in columns], bold=True)
        head_h = max(len(lines) for lines in head) * line_h + 2 * pad_y
        for index, values in enumerate(rows):
            cells = layout(values, bold=False)
            height = max(len(lines) for lines in cells) * line_h + 2 * pad_y
            first = index == 0
            if self.y + height + (head_h if first else 0) > self.page_break_trigger:
                self.add_page()
                first = True
            if first:
                draw_row(head, True, HEADING_FILL, None)
            link = links[index] if links is not None else None
            draw_row(cells, False, ZEBRA_FILL if index % 2 else None, link)
        self.c_margin = saved_margin
        self.use(10)


@contextlib.contextmanager
def _font_paths() -> Iterator[dict[tuple[str, str], Path]]:
    base = fonts_dir()
    with contextlib.ExitStack() as stack:
        yield {
            (family, style): stack.enter_context(resources.as_file(base / name))
            for family, style, name in _FONT_FILES
        }


@contextlib.contextmanager
def open_pdf(
    *,
    language: str,
    title: str,
    created_at: datetime,
    running_header: str = "",
    footer_template: str | None = None,
    margins: tuple[float, float, float, float] = (18.0, 20.0, 18.0, 18.0),
) -> Iterator[ReportPDF]:
    """A fresh :class:`ReportPDF`; the font files stay open (fpdf2 reads them lazily) until the
    block ends, so call ``bytes(pdf.output())`` inside it."""
    with _font_paths() as paths:
        yield ReportPDF(
            paths,
            language=language,
            title=title,
            created_at=created_at,
            running_header=running_header,
            footer_template=footer_template,
            margins=margins,
        )


def render(
    draw: Callable[[ReportPDF], None],
    *,
    language: str,
    title: str,
    created_at: datetime,
    running_header: str = "",
    footer_template: str | None = None,
    margins: tuple[float, float, float, float] = (18.0, 20.0, 18.0, 18.0),
) -> bytes:
    """Run ``draw`` on a fresh document and return the PDF's bytes."""
    with open_pdf(
        language=language,
        title=title,
        created_at=created_at,
        running_header=running_header,
        footer_template=footer_template,
        margins=margins,
    ) as pdf:
        draw(pdf)
        return bytes(pdf.output())
