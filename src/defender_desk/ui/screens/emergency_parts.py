"""Parts of the emergency screen: its styles, the parsing of times and phone numbers, and the
card's preview (the card's own words in the card's language, as the printed page).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTreeWidgetItem,
    QWidget,
)

from defender_desk.app import (
    FUTURE_SLACK,
    card_texts,
    local_minute,
)
from defender_desk.app import emergency_guidance as guidance_mod
from defender_desk.domain.dates import FuzzyDate
from defender_desk.errors import DefenderDeskError, InvalidInput
from defender_desk.i18n import _, get_language
from defender_desk.ui.kit.jobs import error_text
from defender_desk.ui.kit.screen import PlainLabel
from defender_desk.ui.kit.widgets import (
    field_error_text,
)

if TYPE_CHECKING:
    pass

STEP_MARK = "✓ "
#: What such a night is most likely to be recorded as; the first is the default.
LIKELY_CATEGORIES: tuple[str, ...] = (
    "DD-INCOMMUNICADO",
    "030101000000",  # arrest
    "030102000000",  # detention
    "360103000000",  # violations of the rights of arrested persons
    "DD-FABRICATED",
    "DD-SEIZED-PHONE",
)
LANGUAGE_NAMES = {"en": "English", "ru": "Русский", "kk": "Қазақша"}
ID_ROLE = Qt.ItemDataRole.UserRole
CALM_FRAME = (
    "QFrame#{name} {{ background: #eff6ff; border: 1px solid #bfdbfe; border-radius: 6px; }}"
)
CLOSED_FRAME = (
    "QFrame#{name} {{ background: #f3f4f6; border: 1px solid #d1d5db; border-radius: 6px; }}"
)
NOTE_STYLE = "color: #4b5563; font-style: italic;"
HEADING_STYLE = "font-size: 16pt; font-weight: bold;"

_TIME = re.compile(r"\s*([0-9]{1,2})\s*[:.]\s*([0-9]{2})\s*", re.ASCII)
_PHONE_SPLIT = re.compile(r"[,;\n]")


# -- small helpers -------------------------------------------------------------------------


def entry_time(text: str, now: datetime) -> datetime | None:
    """The time typed for an entry written down later: ``""`` is now (``None``); ``23:40`` is
    that minute today — or yesterday, when it is still to come (the night crosses midnight).
    Local wall time, naive. ``ValueError`` for anything else."""
    if not text.strip():
        return None
    m = _TIME.fullmatch(text)
    if m is None:
        raise ValueError(text)
    hour, minute = int(m[1]), int(m[2])
    if hour > 23 or minute > 59:
        raise ValueError(text)
    today = local_minute(now)
    when = today.replace(hour=hour, minute=minute)
    if when > today + FUTURE_SLACK:
        when -= timedelta(days=1)
    return when


def one_mark(step: str) -> str:
    """A step as it is written into the log when ticked: the mark, then the step."""
    return STEP_MARK + " ".join(step.split())


def split_phones(text: str) -> list[str]:
    """Phone numbers typed in one line, separated by commas or semicolons."""
    return [p.strip() for p in _PHONE_SPLIT.split(text) if p.strip()]


def _when(moment: datetime) -> str:
    """Local wall time as the records render it: "14 March 2022, 23:40"."""
    m = local_minute(moment)
    return FuzzyDate.exact(m.year, m.month, m.day, m.hour, m.minute).render(get_language())


def _bold(item: QListWidgetItem | QTreeWidgetItem) -> None:
    font = QFont(item.font() if isinstance(item, QListWidgetItem) else item.font(0))
    font.setBold(True)
    if isinstance(item, QListWidgetItem):
        item.setFont(font)
    else:
        item.setFont(0, font)


def _frame(parent: QWidget, name: str, style: str) -> QFrame:
    frame = QFrame(parent)
    frame.setObjectName(name)
    frame.setStyleSheet(style.format(name=name))
    return frame


def _wrapping(parent: QWidget, style: str = "") -> PlainLabel:
    label = PlainLabel("", parent)
    label.setWordWrap(True)
    if style:
        label.setStyleSheet(style)
    return label


def _button(parent: QWidget, slot: Callable[[], Any]) -> QPushButton:
    button = QPushButton(parent)
    button.setAutoDefault(False)
    button.clicked.connect(lambda _checked=False: slot())
    return button


def _wrapping_list(parent: QWidget) -> QListWidget:
    """A list whose items wrap (long steps and answers are never cut)."""
    lst = QListWidget(parent)
    lst.setWordWrap(True)
    lst.setTextElideMode(Qt.TextElideMode.ElideNone)
    lst.setResizeMode(QListView.ResizeMode.Adjust)
    lst.setUniformItemSizes(False)
    lst.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    lst.setSpacing(2)
    return lst


def card_html(card: Any, disclaimer: str) -> str:
    """The card's content for the screen: the same fields as the printed page (the person, the
    lawyers and helpers, the places, the first steps with the disclaimer) — never the log. Every
    record text is escaped: it is shown as typed."""

    def e(text: str) -> str:
        return html.escape(text).replace("\n", "<br>")

    def phones(numbers: Sequence[str]) -> str:
        # A number is never broken across lines.
        return ", ".join(e(n).replace(" ", "&nbsp;").replace("-", "&#8209;") for n in numbers)

    # The card's own words in the card's language (what the printed page says), not the
    # window's: the preview and the PDF never differ.
    words = card_texts(card.language)
    p = card.person
    out = ["<h3>" + e(words["title"]) + "</h3>"]
    out.append("<p><b>" + e(words["person"]) + ":</b> " + e(p.full_name))
    for key, value in (
        ("dob", p.date_of_birth),
        ("id_number", p.id_number),
        ("phone", p.phone),
        ("details", p.details),
    ):
        if value:
            shown = phones([value]) if value is p.phone else e(value)
            out.append("<br>" + e(words[key]) + ": " + shown)
    out.append("</p>")
    out.append("<h4>" + e(words["contacts"]) + "</h4>")
    if card.contacts:
        out.append("<ul>")
        for c in card.contacts:
            role = f" ({e(c.role)})" if c.role else ""
            out.append(f"<li><b>{e(c.name)}</b>{role}: {phones(c.phones)}</li>")
        out.append("</ul>")
    else:
        out.append("<p>" + e(words["no_contacts"]) + "</p>")
    out.append("<h4>" + e(words["places"]) + "</h4>")
    if card.places:
        out.append("<ul>")
        for pl in card.places:
            parts = [f"<b>{e(pl.name)}</b>" + (f" ({e(pl.kind)})" if pl.kind else "")]
            if pl.phones:
                parts.append(phones(pl.phones))
            if pl.address:
                parts.append(e(pl.address))
            out.append("<li>" + " — ".join(parts) + "</li>")
        out.append("</ul>")
    else:
        out.append("<p>" + e(words["no_places"]) + "</p>")
    steps = card.steps if card.steps is not None else guidance_mod.shipped(card.language).steps
    out.append(f"<h4>{e(guidance_mod.TITLE[card.language])}</h4><ol>")
    out.extend(f"<li>{e(step)}</li>" for step in steps)
    out.append(f"</ol><p><i>{e(disclaimer)}</i></p>")
    return "".join(out)


def _show_form_error(label: QLabel, exc: DefenderDeskError, labels: dict[str, str]) -> None:
    if isinstance(exc, InvalidInput):
        label.setText(field_error_text(exc, labels))
    else:
        label.setText(error_text(exc))


def _dialog_buttons(dialog: QDialog, ok_text: str, ok_name: str) -> QDialogButtonBox:
    """OK/Cancel with her texts (set again by the dialog's ``retranslate``)."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog
    )
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    _name_buttons(buttons, ok_text, ok_name)
    return buttons


def _name_buttons(buttons: QDialogButtonBox, ok_text: str, ok_name: str) -> None:
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
    cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
    ok.setText(ok_text)
    ok.setAccessibleName(ok_name)
    cancel.setText(_("Cancel"))
    cancel.setAccessibleName(_("Cancel"))
