"""Emergency: the night someone in her circle is detained (issue 9), calm and one step at a time.

Two tabs:

* **Someone was detained.** With no emergency open: who was detained (her circle, family first,
  or a new person) and Start. With one open: the log of the night on the left (one line per
  entry; Enter adds it with the time filled in; the log reads "23:40 — …" in time order) and,
  beside it, the first steps (ticking one writes it into the log; general guidance to review with
  her lawyer, not legal advice; her wording is editable), the places to ask (tick one: what it
  answered and who answered), the person's details for inquiries, and the emergency card as it
  prints — written to a PDF only when she asks, after a warning that printers and copy shops keep
  copies. "Close and make an incident…" turns the log into an incident (with evidence files) in a
  background job and shows it in the incident list. A closed emergency is shown read-only.
* **Before anything happens.** Her lawyers and helpers with their phone numbers and the places to
  ask (police departments, temporary detention, hospitals), entered by her in advance — the app
  ships no phone numbers — and her wording of the first steps.

Keys: the log's line has the focus whenever an open emergency is shown; Enter adds the entry;
Space ticks the current step or place; Enter on a person starts; Enter in a list of the second tab
edits, Delete deletes.

Test hooks: every dialog is opened with ``open()`` and kept on the screen while it is open
(``person_dialog``, ``check_dialog``, ``steps_dialog``, ``close_dialog``, ``listed_dialog``); the
close runs in ``job``. Message boxes and file pickers go through their own hooks.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from defender_desk.app import (
    CONTACT_KIND_LABELS,
    FUTURE_SLACK,
    PLACE_KIND_LABELS,
    ContactKind,
    Emergency,
    EmergencyContact,
    EmergencyPlace,
    EmergencyView,
    LogEntry,
    PlaceCheck,
    PlaceKind,
    card_texts,
    local_minute,
    timeline_lines,
)
from defender_desk.app import emergency_guidance as guidance_mod
from defender_desk.domain import taxonomy
from defender_desk.domain.dates import FuzzyDate
from defender_desk.domain.models import Person, PersonRole
from defender_desk.errors import DefenderDeskError, InvalidInput
from defender_desk.i18n import N_, _, get_language, ngettext
from defender_desk.ui import filepicker
from defender_desk.ui.kit import confirm as dialogs
from defender_desk.ui.kit.form import EditorDialog, FieldsDraft, register_opener
from defender_desk.ui.kit.jobs import Job, error_text
from defender_desk.ui.kit.screen import PlainLabel, Screen
from defender_desk.ui.kit.widgets import (
    error_label,
    field_error_text,
    fill_combo,
    name_widget,
    select_data,
)
from defender_desk.ui.screens.incident_parts import PeopleChecklist
from defender_desk.ui.screens.person_form import PersonDialog, person_details

if TYPE_CHECKING:
    from defender_desk.app import Desk
    from defender_desk.ui.kit.host import Host

__all__ = [
    "LIKELY_CATEGORIES",
    "STEP_MARK",
    "CheckDialog",
    "CloseDialog",
    "EmergencyScreen",
    "ListedDialog",
    "StepsDialog",
    "card_html",
    "entry_time",
    "one_mark",
    "split_phones",
]

#: A ticked step is written into the log as this mark and the step's text (no language in it).
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


# -- her lawyers, helpers and places, entered in advance -----------------------------------


class ListedDialog(EditorDialog):
    """Add or edit a lawyer or helper (``what="contact"``) or a place to ask (``"place"``).
    :attr:`record` holds it after Save."""

    wanted_size = QSize(560, 520)

    def __init__(
        self,
        controller: Host,
        what: str,
        item: EmergencyContact | EmergencyPlace | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(controller, parent)
        self.desk = controller.desk
        self.what = what
        self.draft_kind = "emergency_place" if what == "place" else "emergency_contact"
        self.item = item
        self.record: EmergencyContact | EmergencyPlace | None = None
        body = QWidget()
        self.intro = _wrapping(body, NOTE_STYLE)
        self.kind = QComboBox(body)
        self.name = QLineEdit(body)
        self.phones = QLineEdit(body)
        self.address = QLineEdit(body)
        self.notes = QPlainTextEdit(body)
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.provenance = _wrapping(body, NOTE_STYLE)
        self.kind_label, self.name_label = QLabel(body), QLabel(body)
        self.phones_label, self.address_label = QLabel(body), QLabel(body)
        self.notes_label = QLabel(body)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for label, field in (
            (self.kind_label, self.kind),
            (self.name_label, self.name),
            (self.phones_label, self.phones),
            (self.address_label, self.address),
            (self.notes_label, self.notes),
        ):
            label.setBuddy(field)
            form.addRow(label, field)
        form.setRowVisible(self.address, what == "place")
        layout = QVBoxLayout(body)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.provenance)
        self.set_body(body)
        self.retranslate()
        if item is not None:
            select_data(self.kind, item.kind.value)
            self.name.setText(item.name)
            self.phones.setText(", ".join(item.phones))
            if isinstance(item, EmergencyPlace):
                self.address.setText(item.address)
            self.notes.setPlainText(item.notes)
        self.provenance.setVisible(item is not None and bool(item.source))
        self.finish()
        self.name.setFocus()

    def draft_record_id(self) -> str | None:
        return self.item.id if self.item is not None else None

    def retranslate(self) -> None:
        place = self.what == "place"
        if place:
            title = _("A place to ask") if self.item is None else _("Edit the place")
            self.intro.setText(
                _(
                    "A district police department, a temporary detention facility or a hospital"
                    " of your area, with the numbers you checked yourself."
                )
            )
            fill_combo(self.kind, [(_(PLACE_KIND_LABELS[k]), k.value) for k in PlaceKind])
        else:
            title = _("A lawyer or helper") if self.item is None else _("Edit the contact")
            self.intro.setText(_("Someone to call that night, with at least one phone number."))
            fill_combo(self.kind, [(_(CONTACT_KIND_LABELS[k]), k.value) for k in ContactKind])
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.kind_label.setText(_("&Kind:"))
        name_widget(self.kind, _("Kind"))
        self.name_label.setText(_("&Name:"))
        name_widget(self.name, _("Name"))
        self.phones_label.setText(_("&Phone numbers:"))
        name_widget(self.phones, _("Phone numbers"))
        self.phones.setPlaceholderText(_("Separate several numbers with commas"))
        self.address_label.setText(_("&Address:"))
        name_widget(self.address, _("Address"))
        self.notes_label.setText(_("No&tes:"))
        name_widget(self.notes, _("Notes"))
        self.provenance.setAccessibleName(_("Where the number comes from"))
        if self.item is not None and self.item.source:
            checked = self.item.checked_on.isoformat() if self.item.checked_on else ""
            self.provenance.setText(
                _("Taken from {source}; checked on {date}.").format(
                    source=self.item.source, date=checked
                )
            )
        self.retranslate_buttons(_("Save"))

    def labels(self) -> dict[str, str]:
        return {
            "kind": _("Kind"),
            "name": _("Name"),
            "phones": _("Phone numbers"),
            "address": _("Address"),
            "notes": _("Notes"),
        }

    def draft(self) -> dict[str, Any]:
        draft: dict[str, Any] = {
            "kind": self.kind.currentData(),
            "name": self.name.text(),
            "phones": split_phones(self.phones.text()),
            "notes": self.notes.toPlainText(),
        }
        if self.what == "place":
            draft["address"] = self.address.text()
        return draft

    def save(self) -> None:
        self.error.setText("")
        d = self.desk
        try:
            if self.what == "place":
                self.record = (
                    d.add_emergency_place(self.draft())
                    if self.item is None
                    else d.edit_emergency_place(self.item.id, self.draft())
                )
            else:
                self.record = (
                    d.add_emergency_contact(self.draft())
                    if self.item is None
                    else d.edit_emergency_contact(self.item.id, self.draft())
                )
        except DefenderDeskError as exc:
            _show_form_error(self.error, exc, self.labels())
            return
        self.saved()


# -- a place asked --------------------------------------------------------------------------


class CheckDialog(QDialog):
    """What a place answered and who answered (name or badge number). ``place`` is one of her
    places, or None for a place not in her list (typed here). :attr:`check` after Save."""

    def __init__(
        self,
        desk: Desk,
        emergency_id: str,
        place: EmergencyPlace | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.desk = desk
        self.emergency_id = emergency_id
        self.place = place
        self.check: PlaceCheck | None = None
        self.place_name = PlainLabel(place.name if place else "", self)
        self.place_name.setWordWrap(True)
        self.place_name.setStyleSheet("font-weight: bold;")
        self.place_phones = _wrapping(self)
        self.place_phones.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.place_edit = QLineEdit(self)
        self.answer = QLineEdit(self)
        self.officer = QLineEdit(self)
        self.time = QLineEdit(self)
        self.time.setMaximumWidth(self.fontMetrics().horizontalAdvance("00:00") * 3)
        self.error = error_label(self)
        self.place_label, self.answer_label = QLabel(self), QLabel(self)
        self.officer_label, self.time_label = QLabel(self), QLabel(self)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow(self.place_name)
        form.addRow(self.place_phones)
        for label, field in (
            (self.place_label, self.place_edit),
            (self.answer_label, self.answer),
            (self.officer_label, self.officer),
            (self.time_label, self.time),
        ):
            label.setBuddy(field)
            form.addRow(label, field)
        form.setRowVisible(self.place_edit, place is None)
        form.setRowVisible(self.place_name, place is not None)
        form.setRowVisible(self.place_phones, place is not None and bool(place.phones))
        self.buttons = _dialog_buttons(self, _("Write it into the log"), _("Write it into the log"))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        self.retranslate()
        (self.answer if place is not None else self.place_edit).setFocus()

    def retranslate(self) -> None:
        title = _("What the place answered")
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.place_name.setAccessibleName(_("Place"))
        if self.place is not None and self.place.phones:
            self.place_phones.setText(
                _("Phone numbers: {phones}").format(phones=", ".join(self.place.phones))
            )
        self.place_phones.setAccessibleName(_("Phone numbers"))
        self.place_label.setText(_("&Place:"))
        name_widget(self.place_edit, _("Place asked"))
        self.place_edit.setPlaceholderText(_("e.g. a hospital that is not in your list"))
        self.answer_label.setText(_("&Answer:"))
        name_widget(self.answer, _("What they answered"))
        self.answer.setPlaceholderText(_("e.g. the duty officer says she is not there"))
        self.officer_label.setText(_("&Officer:"))
        name_widget(self.officer, _("Officer's name or badge number"))
        self.officer.setPlaceholderText(_("Name or badge number, if given"))
        self.time_label.setText(_("T&ime, if not now:"))
        name_widget(self.time, _("Time, if not now"))
        self.time.setPlaceholderText(_("now"))
        self.error.setAccessibleName(_("Problem"))
        _name_buttons(self.buttons, _("Write it into the log"), _("Write it into the log"))

    def accept(self) -> None:
        self.error.setText("")
        try:
            when = entry_time(self.time.text(), self.desk.clock())
        except ValueError:
            self.error.setText(_("Write the time as 23:40, or leave it empty for now."))
            self.time.setFocus()
            return
        place = self.place.id if self.place is not None else self.place_edit.text()
        try:
            self.check = self.desk.check_place(
                self.emergency_id, place, self.answer.text(), self.officer.text(), when
            )
        except DefenderDeskError as exc:
            _show_form_error(
                self.error,
                exc,
                {
                    "place": _("Place"),
                    "answer": _("Answer"),
                    "officer": _("Officer"),
                    "happened_at": _("Time"),
                },
            )
            return
        super().accept()


# -- her wording of the first steps --------------------------------------------------------


class StepsDialog(QDialog):
    """The first steps, one per line, in a language of her choice; Save stores her wording,
    "Use the shipped steps" goes back to the app's. The disclaimer stays with them, always."""

    def __init__(self, desk: Desk, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.lang = lang
        self.changed = False  # something was saved or reset
        self.language_label = QLabel(self)
        self.language = QComboBox(self)
        for code, name in LANGUAGE_NAMES.items():
            self.language.addItem(name, code)
        select_data(self.language, lang)
        self.language_label.setBuddy(self.language)
        self.disclaimer = _wrapping(self, NOTE_STYLE)
        self.how = _wrapping(self)
        self.status = _wrapping(self, NOTE_STYLE)
        self.text = QPlainTextEdit(self)
        self.text.setTabChangesFocus(True)
        self.text.setMinimumHeight(self.fontMetrics().lineSpacing() * 10)
        self.text_label = QLabel(self)
        self.text_label.setBuddy(self.text)
        self.error = error_label(self)
        self.reset_button = _button(self, self.reset)
        self.buttons = _dialog_buttons(self, _("Save"), _("Save the steps"))
        self.buttons.addButton(self.reset_button, QDialogButtonBox.ButtonRole.ResetRole)
        top = QHBoxLayout()
        top.addWidget(self.language_label)
        top.addWidget(self.language)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.disclaimer)
        layout.addWidget(self.how)
        layout.addWidget(self.text_label)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(680, 520)
        self.retranslate()
        self.load(lang)
        self.language.currentIndexChanged.connect(lambda _i: self._language_chosen())
        self.text.setFocus()

    def retranslate(self) -> None:
        title = _("The first steps")
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.language_label.setText(_("&Language of the steps:"))
        name_widget(self.language, _("Language of the steps"))
        self.how.setText(
            _(
                "One step per line. The same steps are shown on the emergency screen and"
                " printed on the card."
            )
        )
        self.text_label.setText(_("&Steps:"))
        name_widget(self.text, _("The first steps, one per line"))
        self.disclaimer.setAccessibleName(_("Not legal advice"))
        self.status.setAccessibleName(_("Whose wording"))
        self.error.setAccessibleName(_("Problem"))
        self.reset_button.setText(_("Use the shipped steps"))
        self.reset_button.setAccessibleName(_("Go back to the steps shipped with the app"))
        _name_buttons(self.buttons, _("Save"), _("Save the steps"))

    def load(self, lang: str) -> None:
        self.lang = lang
        g = self.desk.first_steps(lang)
        self.text.setPlainText("\n".join(g.steps))
        self.text.document().setModified(False)
        self.disclaimer.setText(g.disclaimer)
        self.status.setText(
            _("This is your wording.")
            if g.edited
            else _("These are the steps shipped with the app.")
        )
        self.error.setText("")

    def _language_chosen(self) -> None:
        lang = self.language.currentData()
        if lang == self.lang:
            return
        if self.text.document().isModified() and not dialogs.confirm(
            self, _("Leave your changes to these steps unsaved?")
        ):
            self.language.blockSignals(True)
            select_data(self.language, self.lang)
            self.language.blockSignals(False)
            return
        self.load(lang)

    def steps(self) -> list[str]:
        return [line.strip() for line in self.text.toPlainText().splitlines() if line.strip()]

    def reset(self) -> None:
        if not dialogs.confirm(
            self, _("Replace your wording of the steps in this language with the app's?")
        ):
            return
        try:
            self.desk.reset_first_steps(self.lang)
        except DefenderDeskError as exc:
            self.error.setText(error_text(exc))
            return
        self.changed = True
        self.load(self.lang)

    def accept(self) -> None:
        self.error.setText("")
        steps = self.steps()
        if not steps:
            self.error.setText(_("Write at least one step."))
            return
        try:
            self.desk.set_first_steps(steps, self.lang)
        except DefenderDeskError as exc:
            _show_form_error(self.error, exc, {"steps": _("Steps")})
            return
        self.changed = True
        super().accept()


# -- closing --------------------------------------------------------------------------------


class CloseDialog(QDialog):
    """What the incident made from the log gets: a category (a short list of the likely ones),
    a title, a few words before the timeline, who acted, and evidence files. Accepting only
    collects :meth:`values`; the screen closes the emergency in a background job."""

    def __init__(
        self, host: Host, emergency: Emergency, person: Person | None, parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self.desk = desk = host.desk
        self.emergency = emergency
        self.person = person
        self.paths: list[Path] = []
        self.intro = _wrapping(self)
        self.category = QComboBox(self)
        # The longest likely category (Russian, Kazakh) is shown whole: the dialog widens.
        self.category.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.title = QLineEdit(self)
        self.summary = QPlainTextEdit(self)
        self.summary.setTabChangesFocus(True)
        self.summary.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.place = QLineEdit(self)
        self.actors = PeopleChecklist(
            host,
            self,
            with_self=False,
            roles=lambda p: p.role is PersonRole.ACTOR,
            new_role=PersonRole.ACTOR,
        )
        self.actors.set_people(desk.list_people(), [])
        self.files = QListWidget(self)
        self.files.setMaximumHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.add_files_button = _button(self, self.add_files)
        self.remove_file_button = _button(self, self.remove_file)
        self.files_note = _wrapping(self, NOTE_STYLE)
        self.error = error_label(self)
        self.category_label, self.title_label = QLabel(self), QLabel(self)
        self.summary_label, self.place_label = QLabel(self), QLabel(self)
        self.actors_label, self.files_label = QLabel(self), QLabel(self)
        file_buttons = QHBoxLayout()
        file_buttons.addWidget(self.add_files_button)
        file_buttons.addWidget(self.remove_file_button)
        file_buttons.addStretch(1)
        files_box = QVBoxLayout()
        files_box.setContentsMargins(0, 0, 0, 0)
        files_box.addWidget(self.files)
        files_box.addLayout(file_buttons)
        files_box.addWidget(self.files_note)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for label, field in (
            (self.category_label, self.category),
            (self.title_label, self.title),
            (self.summary_label, self.summary),
            (self.place_label, self.place),
        ):
            label.setBuddy(field)
            form.addRow(label, field)
        self.actors_label.setBuddy(self.actors.list)
        form.addRow(self.actors_label, self.actors)
        self.files_label.setBuddy(self.files)
        form.addRow(self.files_label, files_box)
        self.buttons = _dialog_buttons(self, "", "")
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(640)
        self.retranslate()
        self._update_files()
        self.category.currentIndexChanged.connect(lambda _i: self._update_placeholder())
        self.category.setFocus()

    def retranslate(self) -> None:
        title = _("Close and make an incident")
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.intro.setText(
            _(
                "The log becomes one incident: its entries, in time order, are the incident's"
                " description, and it starts at the first entry. The log itself stays here,"
                " read-only; nothing more can be added to it."
            )
        )
        lang = get_language()
        fill_combo(self.category, [(taxonomy.label(c, lang), c) for c in LIKELY_CATEGORIES])
        self.category_label.setText(_("&Category:"))
        name_widget(self.category, _("Category"))
        self.title_label.setText(_("&Title:"))
        name_widget(self.title, _("Title"))
        self._update_placeholder()
        self.summary_label.setText(_("&Summary:"))
        name_widget(self.summary, _("A few words before the timeline"))
        self.summary.setPlaceholderText(_("Optional: a few words before the timeline"))
        self.place_label.setText(_("&Where:"))
        name_widget(self.place, _("Where it happened"))
        self.place.setPlaceholderText(_("Optional"))
        self.actors_label.setText(_("Who acted:"))
        self.actors.set_texts(_("Who acted"), _("New actor…"), _("Add a new actor"))
        self.files_label.setText(_("&Evidence files:"))
        name_widget(self.files, _("Evidence files to attach"))
        self.add_files_button.setText(_("Add files…"))
        self.add_files_button.setAccessibleName(_("Add evidence files"))
        self.remove_file_button.setText(_("Remove"))
        self.remove_file_button.setAccessibleName(_("Remove the selected file from the list"))
        self.files_note.setText(
            _(
                "Screenshots of the messages, a medical certificate… They are encrypted into the"
                " vault and attached to the incident; the originals stay where they are."
            )
        )
        self.error.setAccessibleName(_("Problem"))
        _name_buttons(
            self.buttons, _("Close and make the incident"), _("Close and make the incident")
        )

    def _update_placeholder(self) -> None:
        name = self.person.name if self.person is not None else ""
        self.title.setPlaceholderText(
            _("If empty: “{category} — {name}”").format(
                category=self.category.currentText(), name=name
            )
        )

    def add_files(self) -> None:
        for path in filepicker.pick_files(self, _("Evidence files for the incident")):
            if path not in self.paths:
                self.paths.append(path)
        self._update_files()

    def remove_file(self) -> None:
        row = self.files.currentRow()
        if 0 <= row < len(self.paths):
            del self.paths[row]
        self._update_files()

    def _update_files(self) -> None:
        self.files.clear()
        for path in self.paths:
            self.files.addItem(path.name)
        self.remove_file_button.setEnabled(bool(self.paths))

    def values(self) -> dict[str, Any]:
        return {
            "category": self.category.currentData(),
            "title": self.title.text().strip() or None,
            "summary": self.summary.toPlainText(),
            "actor_ids": self.actors.checked_ids(),
            "place": self.place.text().strip(),
            "evidence_paths": list(self.paths),
        }


# -- the screen -----------------------------------------------------------------------------


class EmergencyScreen(Screen):
    title = N_("Emergency")
    key = "emergency"

    def __init__(self, controller: Host, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        self.current_id: str | None = None
        self._want_start = False  # she asked for the start page while one is open
        self._loaded = False
        self.view: EmergencyView | None = None
        self.person: Person | None = None
        self._people: dict[str, Person] = {}
        self._emergencies: list[Emergency] = []
        self._contacts: list[EmergencyContact] = []
        self._places: list[EmergencyPlace] = []
        self._steps: tuple[str, ...] = ()
        self._done_steps: set[int] = set()
        self.person_dialog: PersonDialog | None = None
        self.check_dialog: CheckDialog | None = None
        self.steps_dialog: StepsDialog | None = None
        self.close_dialog: CloseDialog | None = None
        self.listed_dialog: ListedDialog | None = None
        self.job: Job | None = None

        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.night = QWidget(self.tabs)
        self.prep = QWidget(self.tabs)
        self.tabs.addTab(self.night, "")
        self.tabs.addTab(self.prep, "")
        self.stack = QStackedWidget(self.night)
        self._build_start()
        self._build_emergency()
        self._build_prep()
        night_layout = QVBoxLayout(self.night)
        night_layout.setContentsMargins(0, 8, 0, 0)
        night_layout.addWidget(self.stack)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        self.tabs.currentChanged.connect(lambda _i: self._tab_changed())

        self.close_shortcut = QShortcut(QKeySequence("Ctrl+Shift+E"), self)
        self.close_shortcut.activated.connect(self.close_emergency)
        controller.locked.connect(self._locked)
        # What she is typing in the log's next entry and in the details is kept at a lock.
        current = lambda: self.view.emergency.id if self.view is not None else None  # noqa: E731
        self.entry_draft = FieldsDraft(
            controller, "emergency_entry", [self.entry, self.time_edit], current
        )
        self.details_draft = FieldsDraft(
            controller,
            "emergency_details",
            [self.d_full_name, self.d_birth, self.d_iin, self.d_phone, self.d_details],
            current,
        )
        self.retranslate()

    # -- building ----------------------------------------------------------------------------
    def _build_start(self) -> None:
        page = QWidget(self.stack)
        self.start_page = page
        self.start_intro = _wrapping(page)
        self.who_label = QLabel(page)
        self.who_label.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.people_list = QListWidget(page)
        self.people_list.setMinimumHeight(120)
        self.people_list.activated.connect(lambda _i: self.start())
        self.who_label.setBuddy(self.people_list)
        self.new_person_button = _button(page, self.new_person)
        self.start_button = _button(page, self.start)
        self.start_button.setStyleSheet("font-weight: bold; padding: 4px 18px;")
        self.start_error = error_label(page)
        self.start_hint = _wrapping(page, NOTE_STYLE)
        self.prepare_button = _button(page, self.show_preparation)
        self.past_label = QLabel(page)
        self.past_list = QListWidget(page)
        self.past_list.setMaximumHeight(self.fontMetrics().lineSpacing() * 6 + 12)
        self.past_list.activated.connect(lambda _i: self.open_selected_emergency())
        self.past_label.setBuddy(self.past_list)
        self.open_past_button = _button(page, self.open_selected_emergency)

        person_buttons = QHBoxLayout()
        person_buttons.addWidget(self.new_person_button)
        person_buttons.addStretch(1)
        person_buttons.addWidget(self.start_button)
        hint_row = QHBoxLayout()
        hint_row.addWidget(self.start_hint, 1)
        hint_row.addWidget(self.prepare_button, 0, Qt.AlignmentFlag.AlignTop)
        past_row = QHBoxLayout()
        past_row.addWidget(self.past_label)
        past_row.addStretch(1)
        past_row.addWidget(self.open_past_button)
        lay = QVBoxLayout(page)
        lay.addWidget(self.start_intro)
        lay.addSpacing(6)
        lay.addWidget(self.who_label)
        lay.addWidget(self.people_list, 1)
        lay.addLayout(person_buttons)
        lay.addWidget(self.start_error)
        lay.addSpacing(6)
        lay.addLayout(hint_row)
        lay.addSpacing(6)
        lay.addLayout(past_row)
        lay.addWidget(self.past_list)
        self.stack.addWidget(page)

    def _build_emergency(self) -> None:
        page = QWidget(self.stack)
        self.emergency_page = page
        self.banner = _frame(page, "emergencyBanner", CALM_FRAME)
        self.em_heading = PlainLabel("", self.banner)
        self.em_heading.setStyleSheet(HEADING_STYLE)
        self.em_heading.setWordWrap(True)
        self.em_status = _wrapping(self.banner)
        self.others_button = _button(self.banner, self.show_start)
        self.close_button = _button(self.banner, self.close_emergency)
        self.show_incident_button = _button(self.banner, self.show_incident)
        banner_buttons = QHBoxLayout()
        banner_buttons.addWidget(self.em_status, 1)
        banner_buttons.addWidget(self.others_button, 0, Qt.AlignmentFlag.AlignBottom)
        banner_buttons.addWidget(self.show_incident_button, 0, Qt.AlignmentFlag.AlignBottom)
        banner_buttons.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignBottom)
        banner_lay = QVBoxLayout(self.banner)
        banner_lay.addWidget(self.em_heading)
        banner_lay.addLayout(banner_buttons)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, page)
        self.splitter.setChildrenCollapsible(False)

        # left: the log of the night
        self.log_box = QGroupBox(self.splitter)
        self.entry_widgets = QWidget(self.log_box)
        entry_parent = self.entry_widgets
        self.entry_label = QLabel(entry_parent)
        self.entry_label.setWordWrap(True)
        self.entry = QLineEdit(entry_parent)
        self.entry.returnPressed.connect(self.add_entry)
        self.entry_label.setBuddy(self.entry)
        self.add_button = _button(entry_parent, self.add_entry)
        self.time_label = QLabel(entry_parent)
        self.time_edit = QLineEdit(entry_parent)
        self.time_edit.setMaximumWidth(self.fontMetrics().horizontalAdvance("00:00") * 3)
        self.time_edit.returnPressed.connect(self.add_entry)
        self.time_label.setBuddy(self.time_edit)
        self.time_note = _wrapping(entry_parent, NOTE_STYLE)
        self.entry_error = error_label(entry_parent)
        self.closed_note = _wrapping(self.log_box, NOTE_STYLE)
        self.log_label = QLabel(self.log_box)
        self.log_view = _wrapping_list(self.log_box)
        self.log_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.log_label.setBuddy(self.log_view)
        entry_row = QHBoxLayout()
        entry_row.addWidget(self.entry, 1)
        entry_row.addWidget(self.add_button)
        time_row = QHBoxLayout()
        time_row.addWidget(self.time_label)
        time_row.addWidget(self.time_edit)
        time_row.addWidget(self.time_note, 1)
        ew = QVBoxLayout(self.entry_widgets)
        ew.setContentsMargins(0, 0, 0, 0)
        ew.addWidget(self.entry_label)
        ew.addLayout(entry_row)
        ew.addLayout(time_row)
        ew.addWidget(self.entry_error)
        log_lay = QVBoxLayout(self.log_box)
        log_lay.addWidget(self.entry_widgets)
        log_lay.addWidget(self.closed_note)
        log_lay.addWidget(self.log_label)
        log_lay.addWidget(self.log_view, 1)

        # right: steps, places, details, card
        self.side = QTabWidget(self.splitter)
        self.side.setUsesScrollButtons(True)
        self.side.setElideMode(Qt.TextElideMode.ElideNone)
        self._build_steps_tab()
        self._build_places_tab()
        self._build_details_tab()
        self._build_card_tab()
        self.splitter.addWidget(self.log_box)
        self.splitter.addWidget(self.side)
        self.splitter.setStretchFactor(0, 5)
        self.splitter.setStretchFactor(1, 6)

        lay = QVBoxLayout(page)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.banner)
        lay.addWidget(self.splitter, 1)
        self.stack.addWidget(page)

    def _build_steps_tab(self) -> None:
        tab = QWidget(self.side)
        self.steps_tab = tab
        self.steps_disclaimer = _wrapping(tab, NOTE_STYLE)
        self.steps_list = _wrapping_list(tab)
        self.steps_list.itemChanged.connect(self._step_changed)
        self.steps_hint = _wrapping(tab)
        self.edit_steps_button = _button(tab, self.edit_steps)
        lay = QVBoxLayout(tab)
        lay.addWidget(self.steps_disclaimer)
        lay.addWidget(self.steps_list, 1)
        lay.addWidget(self.steps_hint)
        lay.addWidget(self.edit_steps_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.side.addTab(tab, "")

    def _build_places_tab(self) -> None:
        tab = QWidget(self.side)
        self.places_tab = tab
        self.places_summary = _wrapping(tab)
        self.places_list = _wrapping_list(tab)
        self.places_list.itemChanged.connect(self._place_changed)
        self.places_list.currentRowChanged.connect(lambda _r: self._update_place_buttons())
        self.check_button = _button(tab, self.check_selected_place)
        self.other_place_button = _button(tab, self.check_other_place)
        self.add_places_button = _button(tab, self.show_preparation)
        buttons = QHBoxLayout()
        buttons.addWidget(self.check_button)
        buttons.addWidget(self.other_place_button)
        buttons.addStretch(1)
        lay = QVBoxLayout(tab)
        lay.addWidget(self.places_summary)
        lay.addWidget(self.places_list, 1)
        lay.addLayout(buttons)
        lay.addWidget(self.add_places_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.side.addTab(tab, "")

    def _build_details_tab(self) -> None:
        tab = QWidget(self.side)
        self.details_tab = tab
        self.details_intro = _wrapping(tab, NOTE_STYLE)
        self.d_full_name = QLineEdit(tab)
        self.d_birth = QLineEdit(tab)
        self.d_iin = QLineEdit(tab)
        self.d_phone = QLineEdit(tab)
        self.d_details = QPlainTextEdit(tab)
        self.d_details.setTabChangesFocus(True)
        self.d_details.setMinimumHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.d_labels: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for key, field in (
            ("full_name", self.d_full_name),
            ("date_of_birth", self.d_birth),
            ("id_number", self.d_iin),
            ("phone", self.d_phone),
            ("details", self.d_details),
        ):
            label = QLabel(tab)
            label.setBuddy(field)
            self.d_labels[key] = label
            form.addRow(label, field)
        self.save_details_button = _button(tab, self.save_details)
        self.details_error = error_label(tab)
        self.details_status = _wrapping(tab, NOTE_STYLE)
        lay = QVBoxLayout(tab)
        lay.addWidget(self.details_intro)
        lay.addLayout(form)
        lay.addWidget(self.details_error)
        row = QHBoxLayout()
        row.addWidget(self.save_details_button)
        row.addWidget(self.details_status, 1)
        lay.addLayout(row)
        lay.addStretch(1)
        self.side.addTab(tab, "")

    def _build_card_tab(self) -> None:
        tab = QWidget(self.side)
        self.card_tab = tab
        self.card_language_label = QLabel(tab)
        self.card_language = QComboBox(tab)
        for code, name in LANGUAGE_NAMES.items():
            self.card_language.addItem(name, code)
        self.card_language.currentIndexChanged.connect(lambda _i: self._card_language_chosen())
        self._card_language_set = False  # she chose one; else it follows the interface
        self.card_language_label.setBuddy(self.card_language)
        self.card_view = QTextBrowser(tab)
        self.card_view.setOpenLinks(False)
        self.card_view.setOpenExternalLinks(False)
        self.card_view.setTabChangesFocus(True)
        self.card_warning = _wrapping(tab, NOTE_STYLE)
        self.save_card_button = _button(tab, self.save_card)
        self.card_status = _wrapping(tab)
        self.card_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top = QHBoxLayout()
        top.addWidget(self.card_language_label)
        top.addWidget(self.card_language)
        top.addStretch(1)
        lay = QVBoxLayout(tab)
        lay.addLayout(top)
        lay.addWidget(self.card_view, 1)
        lay.addWidget(self.card_warning)
        lay.addWidget(self.save_card_button, 0, Qt.AlignmentFlag.AlignLeft)
        lay.addWidget(self.card_status)
        self.side.addTab(tab, "")

    def _build_prep(self) -> None:
        page = self.prep
        self.prep_intro = _wrapping(page)
        self.contacts_box = QGroupBox(page)
        self.contacts_tree = self._tree(self.contacts_box, 3)
        self.contacts_tree.itemActivated.connect(lambda *_a: self.edit_contact())
        self.contacts_tree.currentItemChanged.connect(lambda *_a: self._update_prep_buttons())
        self.add_contact_button = _button(self.contacts_box, self.add_contact)
        self.edit_contact_button = _button(self.contacts_box, self.edit_contact)
        self.delete_contact_button = _button(self.contacts_box, self.delete_contact)
        self.places_box = QGroupBox(page)
        self.places_tree = self._tree(self.places_box, 4)
        self.places_tree.itemActivated.connect(lambda *_a: self.edit_place())
        self.places_tree.currentItemChanged.connect(lambda *_a: self._update_prep_buttons())
        self.add_place_button = _button(self.places_box, self.add_place)
        self.edit_place_button = _button(self.places_box, self.edit_place)
        self.delete_place_button = _button(self.places_box, self.delete_place)
        self.prep_steps_box = QGroupBox(page)
        self.prep_steps_text = _wrapping(self.prep_steps_box)
        self.prep_edit_steps_button = _button(self.prep_steps_box, self.edit_steps)
        for box, tree, buttons in (
            (
                self.contacts_box,
                self.contacts_tree,
                (self.add_contact_button, self.edit_contact_button, self.delete_contact_button),
            ),
            (
                self.places_box,
                self.places_tree,
                (self.add_place_button, self.edit_place_button, self.delete_place_button),
            ),
        ):
            row = QHBoxLayout()
            for b in buttons:
                row.addWidget(b)
            row.addStretch(1)
            box_lay = QVBoxLayout(box)
            box_lay.addWidget(tree, 1)
            box_lay.addLayout(row)
        steps_lay = QHBoxLayout(self.prep_steps_box)
        steps_lay.addWidget(self.prep_steps_text, 1)
        steps_lay.addWidget(self.prep_edit_steps_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.contact_delete_shortcut = QShortcut(
            QKeySequence(QKeySequence.StandardKey.Delete), self.contacts_tree
        )
        self.contact_delete_shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        self.contact_delete_shortcut.activated.connect(self.delete_contact)
        self.place_delete_shortcut = QShortcut(
            QKeySequence(QKeySequence.StandardKey.Delete), self.places_tree
        )
        self.place_delete_shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        self.place_delete_shortcut.activated.connect(self.delete_place)
        lay = QVBoxLayout(page)
        lay.setContentsMargins(0, 8, 0, 0)
        lay.addWidget(self.prep_intro)
        lay.addWidget(self.contacts_box, 2)
        lay.addWidget(self.places_box, 3)
        lay.addWidget(self.prep_steps_box)

    @staticmethod
    def _tree(parent: QWidget, columns: int) -> QTreeWidget:
        tree = QTreeWidget(parent)
        tree.setColumnCount(columns)
        tree.setRootIsDecorated(False)
        tree.setUniformRowHeights(True)
        tree.setAlternatingRowColors(True)
        tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        tree.setMinimumHeight(90)
        header = tree.header()
        header.setStretchLastSection(True)
        for col in range(columns - 1):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
        return tree

    # -- texts -------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.tabs.setTabText(0, _("Someone was detained"))
        self.tabs.setTabText(1, _("Before anything happens"))
        self.tabs.setAccessibleName(_("Emergency"))
        # start page
        self.start_intro.setText(
            _(
                "Take a breath. This screen goes with you step by step: it shows what to do"
                " next and writes down what happens, with the time. Everything stays in your"
                " encrypted vault."
            )
        )
        self.start_intro.setAccessibleName(_("About this screen"))
        self.who_label.setText(_("&Who was detained?"))
        name_widget(self.people_list, _("Who was detained"))
        self.new_person_button.setText(_("New person…"))
        self.new_person_button.setAccessibleName(_("Add the person who was detained"))
        self.start_button.setText(_("Start"))
        self.start_button.setAccessibleName(_("Start the emergency for the chosen person"))
        self.start_error.setAccessibleName(_("Problem"))
        self.start_hint.setAccessibleName(_("Before anything happens"))
        self.prepare_button.setText(_("Lawyers and places…"))
        self.prepare_button.setAccessibleName(_("Enter your lawyers, helpers and places to ask"))
        self.past_label.setText(_("&Emergencies:"))
        name_widget(self.past_list, _("Emergencies, open and closed"))
        self.open_past_button.setText(_("Open"))
        self.open_past_button.setAccessibleName(_("Open the selected emergency"))
        # emergency page
        self.em_heading.setAccessibleName(_("Emergency"))
        self.em_status.setAccessibleName(_("State of the emergency"))
        self.others_button.setText(_("Someone else…"))
        self.others_button.setAccessibleName(_("Someone else was detained, or another emergency"))
        self.close_button.setText(_("Close and make an incident…"))
        self.close_button.setAccessibleName(_("Close the emergency and make an incident"))
        self.close_button.setToolTip("Ctrl+Shift+E")  # same in every language
        self.show_incident_button.setText(_("Show the incident"))
        self.show_incident_button.setAccessibleName(
            _("Show the incident this emergency was closed into")
        )
        self.log_box.setTitle(_("Log of the night"))
        self.entry_label.setText(_("&What happened? One line — Enter adds it with the time."))
        name_widget(self.entry, _("New entry of the log"))
        self.entry.setPlaceholderText(
            _("e.g. District police: the duty officer says she is not there")
        )
        self.add_button.setText(_("Add"))
        self.add_button.setAccessibleName(_("Add the entry to the log"))
        self.time_label.setText(_("T&ime, if not now:"))
        name_widget(self.time_edit, _("Time, if not now"))
        self.time_edit.setPlaceholderText(_("now"))
        self.time_note.setText(_("For something you write down later, e.g. 21:30."))
        self.time_note.setAccessibleName(_("About the time"))
        self.entry_error.setAccessibleName(_("Problem"))
        self.closed_note.setAccessibleName(_("State of the log"))
        self.log_label.setText(_("&Entries, in time order:"))
        name_widget(self.log_view, _("Log of the night, in time order"))
        self.side.setAccessibleName(_("What to do"))
        self.side.setTabText(self.side.indexOf(self.steps_tab), _("First steps"))
        self.side.setTabText(self.side.indexOf(self.places_tab), _("Places to ask"))
        self.side.setTabText(self.side.indexOf(self.details_tab), _("Details"))
        self.side.setTabText(self.side.indexOf(self.card_tab), _("Card"))
        self.steps_disclaimer.setAccessibleName(_("Not legal advice"))
        name_widget(self.steps_list, _("First steps; tick one when it is done"))
        self.steps_hint.setAccessibleName(_("About the steps"))
        self.edit_steps_button.setText(_("Edit the steps…"))
        self.edit_steps_button.setAccessibleName(_("Edit the first steps"))
        self.places_summary.setAccessibleName(_("Places asked"))
        name_widget(self.places_list, _("Places to ask; tick one when you have asked"))
        self.check_button.setText(_("Write down the answer…"))
        self.check_button.setAccessibleName(_("Write down what the selected place answered"))
        self.other_place_button.setText(_("Another place…"))
        self.other_place_button.setAccessibleName(_("Write down the answer of another place"))
        self.add_places_button.setText(_("Add places to your list…"))
        self.add_places_button.setAccessibleName(_("Add places to ask to your list"))
        self.details_intro.setText(
            _(
                "What police and hospitals ask for. Printed on the card; nothing else about the"
                " night is."
            )
        )
        self.details_intro.setAccessibleName(_("About the details"))
        for key, text in (
            ("full_name", _("&Full name:")),
            ("date_of_birth", _("Date of &birth:")),
            ("id_number", _("II&N:")),
            ("phone", _("&Phone:")),
            ("details", _("Distinguishing &details:")),
        ):
            self.d_labels[key].setText(text)
        name_widget(self.d_full_name, _("Full name"))
        name_widget(self.d_birth, _("Date of birth"))
        self.d_birth.setPlaceholderText(_("e.g. 17.05.2003"))
        name_widget(self.d_iin, _("IIN"))
        self.d_iin.setPlaceholderText(_("12 digits"))
        name_widget(self.d_phone, _("Phone"))
        name_widget(self.d_details, _("Distinguishing details"))
        self.d_details.setPlaceholderText(_("Clothes, height, the phone's case…"))
        self.save_details_button.setText(_("Save the details"))
        self.save_details_button.setAccessibleName(_("Save the details for inquiries"))
        self.details_error.setAccessibleName(_("Problem"))
        self.details_status.setAccessibleName(_("Saved"))
        self.card_language_label.setText(_("&Language of the card:"))
        name_widget(self.card_language, _("Language of the card"))
        name_widget(self.card_view, _("The emergency card"))
        self.card_warning.setText(
            _(
                "The card is shown here only. Saved as a PDF it is NOT encrypted, and printers,"
                " print spoolers and copy shops keep copies of what they print."
            )
        )
        self.card_warning.setAccessibleName(_("Warning about the card"))
        self.save_card_button.setText(_("Save the card as PDF…"))
        self.save_card_button.setAccessibleName(_("Save the card as a PDF file"))
        self.card_status.setAccessibleName(_("Where the card was saved"))
        # before anything happens
        self.prep_intro.setText(
            _(
                "Enter these on a calm day. The app ships no phone numbers: every number here"
                " is one you entered yourself — check them from time to time. They are printed"
                " on the emergency card, with the first steps."
            )
        )
        self.prep_intro.setAccessibleName(_("About these lists"))
        self.contacts_box.setTitle(_("Lawyers and helpers"))
        self.contacts_tree.setHeaderLabels([_("Name"), _("Kind"), _("Phone numbers")])
        name_widget(self.contacts_tree, _("Lawyers and helpers"))
        self.places_box.setTitle(_("Places to ask"))
        self.places_tree.setHeaderLabels([_("Name"), _("Kind"), _("Phone numbers"), _("Address")])
        name_widget(self.places_tree, _("Places to ask"))
        for button, text, name in (
            (self.add_contact_button, _("Add…"), _("Add a lawyer or helper")),
            (self.edit_contact_button, _("Edit…"), _("Edit the selected lawyer or helper")),
            (self.delete_contact_button, _("Delete"), _("Delete the selected lawyer or helper")),
            (self.add_place_button, _("Add…"), _("Add a place to ask")),
            (self.edit_place_button, _("Edit…"), _("Edit the selected place")),
            (self.delete_place_button, _("Delete"), _("Delete the selected place")),
        ):
            button.setText(text)
            button.setAccessibleName(name)
        self.prep_steps_box.setTitle(_("First steps"))
        self.prep_steps_text.setText(
            _(
                "The checklist for the night is general guidance to review with your lawyer in"
                " advance — not legal advice. Change its wording to what you agreed on."
            )
        )
        self.prep_steps_text.setAccessibleName(_("About the first steps"))
        self.prep_edit_steps_button.setText(_("Edit the first steps…"))
        self.prep_edit_steps_button.setAccessibleName(_("Edit the first steps"))
        if self._loaded and self.desk.unlocked:
            self.refresh()

    # -- data --------------------------------------------------------------------------------
    def refresh(self) -> None:
        if not self.desk.unlocked:
            return
        self._loaded = True
        d = self.desk
        self._people = {p.id: p for p in d.list_people()}
        self._contacts = d.list_emergency_contacts()
        self._places = d.list_emergency_places()
        self._emergencies = d.list_emergencies()
        self._fill_prep()
        ids = {e.id for e in self._emergencies}
        if self.current_id not in ids:
            self.current_id = None
        if self.current_id is None and not self._want_start:
            first_open = next((e for e in self._emergencies if e.is_open), None)
            self.current_id = first_open.id if first_open is not None else None
        if self.current_id is None:
            self._show_start_page()
        else:
            self._show_emergency_page(self.current_id)

    def navigate_with(self, **kwargs: Any) -> None:
        """``emergency_id=``: show that emergency (from the overview)."""
        emergency_id = kwargs.get("emergency_id")
        if emergency_id:
            self.current_id = str(emergency_id)
            self._want_start = False
        self.tabs.setCurrentWidget(self.night)
        self.refresh()

    def _focus_first(self) -> None:
        if not self.isVisible() or self.tabs.currentWidget() is not self.night:
            return
        if self.stack.currentWidget() is self.start_page:
            self.people_list.setFocus()
        elif self.view is not None and self.view.emergency.is_open:
            self.entry.setFocus()
        else:
            self.log_view.setFocus()

    def _tab_changed(self) -> None:
        self._focus_first()

    # -- the start page ----------------------------------------------------------------------
    def _show_start_page(self) -> None:
        self.view = None
        self.person = None
        keep = self.people_list.currentItem()
        keep_id = keep.data(ID_ROLE) if keep is not None else None
        self.people_list.clear()
        people = [p for p in self._people.values() if p.role is not PersonRole.ACTOR]
        family = [p for p in people if p.role is PersonRole.FAMILY]
        others = [p for p in people if p.role is not PersonRole.FAMILY]
        for person in family + others:
            details = person_details(person)
            item = QListWidgetItem(person.name + (f" ({details})" if details else ""))
            item.setData(ID_ROLE, person.id)
            self.people_list.addItem(item)
        row = next(
            (
                i
                for i in range(self.people_list.count())
                if self.people_list.item(i).data(ID_ROLE) == keep_id
            ),
            0,
        )
        if self.people_list.count():
            self.people_list.setCurrentRow(row)
        self.start_button.setEnabled(self.people_list.count() > 0)
        self.start_error.setText(
            ""
            if self.people_list.count()
            else _("Nobody in your circle yet: press “New person…” to add who was detained.")
        )
        missing = []
        if not self._contacts:
            missing.append(_("your lawyer's number"))
        if not self._places:
            missing.append(_("the places to ask"))
        if missing:
            self.start_hint.setText(
                _(
                    "Not entered yet: {what}. You can add them under “Before anything happens” —"
                    " now, or once you have started."
                ).format(what=", ".join(missing))
            )
        else:
            contacts = ngettext(
                "{n} lawyer or helper to call",
                "{n} lawyers or helpers to call",
                len(self._contacts),
            ).format(n=len(self._contacts))
            places = ngettext("{n} place to ask", "{n} places to ask", len(self._places)).format(
                n=len(self._places)
            )
            self.start_hint.setText(
                _("Prepared: {contacts}, {places}.").format(contacts=contacts, places=places)
            )
        self.past_list.clear()
        for em in self._emergencies:
            who = self._people.get(em.person_id)
            name = who.name if who is not None else "?"
            if em.is_open:
                text = _("{name} — open since {when}").format(name=name, when=_when(em.started_at))
            else:
                assert em.closed_at is not None
                text = _("{name} — closed {when}").format(name=name, when=_when(em.closed_at))
            item = QListWidgetItem(text)
            item.setData(ID_ROLE, em.id)
            if em.is_open:
                _bold(item)
            self.past_list.addItem(item)
        if self.past_list.count():
            self.past_list.setCurrentRow(0)
        has_past = bool(self._emergencies)
        for w in (self.past_label, self.past_list, self.open_past_button):
            w.setVisible(has_past)
        self.stack.setCurrentWidget(self.start_page)
        self._focus_first()

    def show_start(self) -> None:
        """Another person was detained, or she wants another emergency: the start page."""
        self._want_start = True
        self.current_id = None
        self.refresh()

    def new_person(self) -> None:
        self.person_dialog = PersonDialog(self.controller, self.window(), PersonRole.FAMILY)
        self.person_dialog.accepted.connect(self._person_created)
        self.person_dialog.finished.connect(lambda _r: self._dialog_done("person_dialog"))
        self.person_dialog.open()

    def _person_created(self) -> None:
        dlg = self.person_dialog
        if dlg is None or dlg.person is None:
            return
        self.refresh()
        for i in range(self.people_list.count()):
            if self.people_list.item(i).data(ID_ROLE) == dlg.person.id:
                self.people_list.setCurrentRow(i)
        self.start_button.setFocus()

    def start(self) -> None:
        item = self.people_list.currentItem()
        if item is None:
            self.start_error.setText(_("Choose who was detained first."))
            return
        try:
            emergency = self.desk.start_emergency(item.data(ID_ROLE))
        except DefenderDeskError as exc:
            self.start_error.setText(error_text(exc))
            return
        self.start_error.setText("")
        self._want_start = False
        self.current_id = emergency.id
        self.side.setCurrentWidget(self.steps_tab)
        self.refresh()

    def open_selected_emergency(self) -> None:
        item = self.past_list.currentItem()
        if item is None:
            return
        self._want_start = False
        self.current_id = item.data(ID_ROLE)
        self.refresh()

    def show_preparation(self) -> None:
        self.tabs.setCurrentWidget(self.prep)
        self.contacts_tree.setFocus()

    # -- the emergency page ------------------------------------------------------------------
    def _show_emergency_page(self, emergency_id: str) -> None:
        d = self.desk
        view = d.get_emergency(emergency_id)
        self.view = view
        em = view.emergency
        self.person = self._people.get(em.person_id)
        name = self.person.name if self.person is not None else "?"
        self.em_heading.setText(_("Emergency: {name}").format(name=name))
        is_open = em.is_open
        if is_open:
            self.banner.setStyleSheet(CALM_FRAME.format(name=self.banner.objectName()))
            self.em_status.setText(
                _("Open since {when}. Take it one step at a time; the log keeps the times.").format(
                    when=_when(em.started_at)
                )
            )
        else:
            assert em.closed_at is not None
            self.banner.setStyleSheet(CLOSED_FRAME.format(name=self.banner.objectName()))
            self.em_status.setText(
                _("Closed {when} into an incident. Its log can no longer change.").format(
                    when=_when(em.closed_at)
                )
            )
        self.close_button.setVisible(is_open)
        self.close_shortcut.setEnabled(is_open)
        self.show_incident_button.setVisible(not is_open and em.incident_id is not None)
        self.entry_widgets.setVisible(is_open)
        self.closed_note.setVisible(not is_open)
        self.closed_note.setText(
            ""
            if is_open
            else _(
                "This emergency is closed: nothing more can be added to its log. Add what you"
                " learn later to its incident."
            )
        )
        self._render_log(view.entries)
        self._render_steps(view.entries, is_open)
        self._render_places(view, is_open)
        self._render_details(em)
        self._render_card()
        self.stack.setCurrentWidget(self.emergency_page)
        self._focus_first()

    def _render_log(self, entries: Sequence[LogEntry], focus_id: str | None = None) -> None:
        lang = get_language()
        self.log_view.clear()
        day = None
        focus_item: QListWidgetItem | None = None
        for entry in entries:
            lines = timeline_lines([entry], lang)
            if entry.happened_at.date() != day:
                day = entry.happened_at.date()
                header = QListWidgetItem(lines[0])
                header.setFlags(Qt.ItemFlag.ItemIsEnabled)
                _bold(header)
                self.log_view.addItem(header)
            item = QListWidgetItem(lines[-1])
            item.setData(ID_ROLE, entry.id)
            self.log_view.addItem(item)
            if entry.id == focus_id:
                focus_item = item
        if not entries:
            empty = QListWidgetItem(
                _("Nothing written yet. Each line you add appears here with its time.")
            )
            empty.setFlags(Qt.ItemFlag.ItemIsEnabled)
            empty.setForeground(QColor("#6b7280"))
            self.log_view.addItem(empty)
        target = focus_item or (
            self.log_view.item(self.log_view.count() - 1) if self.log_view.count() else None
        )
        if target is not None:
            self.log_view.scrollToItem(target)
            if focus_item is not None:
                self.log_view.setCurrentItem(focus_item)

    def _render_steps(self, entries: Sequence[LogEntry], is_open: bool) -> None:
        lang = get_language()
        g = self.desk.first_steps(lang)
        self._steps = g.steps
        written = {e.text for e in entries}
        done: set[int] = set()
        for code in guidance_mod.LANGUAGES:
            steps = g.steps if code == lang else self.desk.first_steps(code).steps
            done |= {i for i, s in enumerate(steps) if one_mark(s) in written}
        self._done_steps = done
        self.steps_disclaimer.setText(g.disclaimer)
        self.steps_list.blockSignals(True)
        self.steps_list.clear()
        for i, step in enumerate(g.steps):
            item = QListWidgetItem(step)
            item.setData(ID_ROLE, i)
            flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
            if is_open and i not in done:
                flags |= Qt.ItemFlag.ItemIsUserCheckable
            item.setFlags(flags)
            item.setCheckState(Qt.CheckState.Checked if i in done else Qt.CheckState.Unchecked)
            self.steps_list.addItem(item)
        self.steps_list.blockSignals(False)
        hint = ngettext("{done} of {n} step done.", "{done} of {n} steps done.", len(g.steps))
        hint = hint.format(done=len(done & set(range(len(g.steps)))), n=len(g.steps))
        if is_open:
            hint += " " + _("Ticking a step writes it into the log, with the time.")
        self.steps_hint.setText(hint)
        self.edit_steps_button.setEnabled(True)

    def _render_places(self, view: EmergencyView, is_open: bool) -> None:
        keep = self.places_list.currentItem()
        keep_key = keep.data(ID_ROLE) if keep is not None else None
        self.places_list.blockSignals(True)
        self.places_list.clear()
        asked = 0
        for status in view.places:
            place = status.place
            head = place.name + " — " + _(PLACE_KIND_LABELS[place.kind])
            lines = [head]
            if place.phones:
                lines.append(", ".join(place.phones))
            lines += [self._check_line(c) for c in status.checks]
            item = QListWidgetItem("\n".join(lines))
            item.setData(ID_ROLE, place.id)
            flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
            if is_open:
                flags |= Qt.ItemFlag.ItemIsUserCheckable
            item.setFlags(flags)
            item.setCheckState(Qt.CheckState.Checked if status.asked else Qt.CheckState.Unchecked)
            asked += status.asked
            self.places_list.addItem(item)
        for check in view.other_checks:
            item = QListWidgetItem(check.place + "\n" + self._check_line(check))
            item.setData(ID_ROLE, "")
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            item.setCheckState(Qt.CheckState.Checked)
            self.places_list.addItem(item)
        self.places_list.blockSignals(False)
        for i in range(self.places_list.count()):
            if keep_key and self.places_list.item(i).data(ID_ROLE) == keep_key:
                self.places_list.setCurrentRow(i)
        if self.places_list.currentRow() < 0 and view.places:
            self.places_list.setCurrentRow(0)
        total = len(view.places)
        if total:
            self.places_summary.setText(
                ngettext(
                    "{asked} of {n} place asked. Tick a place when you have asked it.",
                    "{asked} of {n} places asked. Tick a place when you have asked it.",
                    total,
                ).format(asked=asked, n=total)
            )
        elif view.other_checks:
            n = len(view.other_checks)
            self.places_summary.setText(
                ngettext("{n} place asked.", "{n} places asked.", n).format(n=n)
                + " "
                + _(
                    "To have them ready next time, add the district police departments and the"
                    " hospitals of your area to your list."
                )
            )
        else:
            self.places_summary.setText(
                _(
                    "No places in your list yet. Add the district police departments and the"
                    " hospitals of your area; or write down the answer of any place you asked."
                )
            )
        self.add_places_button.setVisible(True)
        self.other_place_button.setEnabled(is_open)
        self._update_place_buttons()

    def _check_line(self, check: PlaceCheck) -> str:
        text = f"✓ {check.checked_at:%H:%M} — {check.answer}"
        return text + (f" ({check.officer})" if check.officer else "")

    def _update_place_buttons(self) -> None:
        item = self.places_list.currentItem()
        is_open = self.view is not None and self.view.emergency.is_open
        self.check_button.setEnabled(is_open and item is not None and bool(item.data(ID_ROLE)))

    def _render_details(self, em: Emergency) -> None:
        det = em.details
        self.d_full_name.setText(det.full_name)
        self.d_full_name.setPlaceholderText(
            _("As in her records: {name}").format(name=self.person.name)
            if self.person is not None
            else ""
        )
        self.d_birth.setText(det.date_of_birth.strftime("%d.%m.%Y") if det.date_of_birth else "")
        self.d_iin.setText(det.id_number)
        self.d_phone.setText(det.phone)
        self._details_loaded = True
        self.d_details.setPlainText(det.details)
        self.details_error.setText("")
        self.details_status.setText("")

    def _card_language_chosen(self) -> None:
        self._card_language_set = True
        self._render_card()

    def _render_card(self) -> None:
        if not self._card_language_set:
            self.card_language.blockSignals(True)
            select_data(self.card_language, get_language())
            self.card_language.blockSignals(False)
        if self.view is None or not self.desk.unlocked:
            self.card_view.clear()
            return
        lang = self.card_language.currentData() or get_language()
        try:
            card = self.desk.card_input(self.view.emergency.id, lang)
        except DefenderDeskError as exc:
            self.card_view.setPlainText(error_text(exc))
            return
        self.card_view.setHtml(card_html(card, guidance_mod.DISCLAIMER[card.language]))

    # -- the log -----------------------------------------------------------------------------
    def add_entry(self) -> LogEntry | None:
        if self.view is None or not self.view.emergency.is_open:
            return None
        self.entry_error.setText("")
        try:
            when = entry_time(self.time_edit.text(), self.desk.clock())
        except ValueError:
            self.entry_error.setText(_("Write the time as 23:40, or leave it empty for now."))
            self.time_edit.setFocus()
            return None
        if not self.entry.text().strip():
            self.entry_error.setText(_("Write in one line what happened, then press Enter."))
            self.entry.setFocus()
            return None
        try:
            entry: LogEntry = self.desk.log(self.view.emergency.id, self.entry.text(), when)
        except DefenderDeskError as exc:
            _show_form_error(self.entry_error, exc, {"text": _("Entry"), "happened_at": _("Time")})
            return None
        self.entry.clear()
        self.time_edit.clear()
        self.entry_draft.forget_draft()
        self.entry_draft.mark_clean()
        self._reload_view(focus_id=entry.id)
        self.entry.setFocus()
        return entry

    def _reload_view(self, focus_id: str | None = None) -> None:
        """After a change to the open emergency: its log, steps and places again."""
        if self.view is None:
            return
        view = self.desk.get_emergency(self.view.emergency.id)
        self.view = view
        self._render_log(view.entries, focus_id)
        self._render_steps(view.entries, view.emergency.is_open)
        self._render_places(view, view.emergency.is_open)

    def _step_changed(self, item: QListWidgetItem) -> None:
        if self.view is None:
            return
        index = int(item.data(ID_ROLE))
        # Not inside the list's own signal: the list is rebuilt.
        if item.checkState() != Qt.CheckState.Checked or index in self._done_steps:
            QTimer.singleShot(0, self._rerender_steps)
            return
        QTimer.singleShot(0, lambda: self.tick_step(index))

    def _rerender_steps(self) -> None:
        if self.view is not None:
            self._render_steps(self.view.entries, self.view.emergency.is_open)

    def tick_step(self, index: int) -> LogEntry | None:
        """Write the step into the log ("✓ …" at the time now); it then shows as done."""
        if self.view is None or not self.view.emergency.is_open:
            return None
        if not 0 <= index < len(self._steps):
            return None
        try:
            entry: LogEntry = self.desk.log(self.view.emergency.id, one_mark(self._steps[index]))
        except DefenderDeskError as exc:
            dialogs.error(self, error_text(exc))
            self._render_steps(self.view.entries, self.view.emergency.is_open)
            return None
        self._reload_view(focus_id=entry.id)
        for i in range(self.steps_list.count()):
            if self.steps_list.item(i).data(ID_ROLE) == index:
                self.steps_list.setCurrentRow(i)
        return entry

    def _place_changed(self, item: QListWidgetItem) -> None:
        if self.view is None:
            return
        # The tick follows what was written down: undo the click, then ask for the answer
        # (not inside the list's own signal: the list is rebuilt).
        place_id = item.data(ID_ROLE)
        QTimer.singleShot(0, lambda: self._place_ticked(place_id))

    def _place_ticked(self, place_id: str) -> None:
        if self.view is None:
            return
        self._render_places(self.view, self.view.emergency.is_open)
        if place_id:
            self.check_place(place_id)

    def check_selected_place(self) -> None:
        item = self.places_list.currentItem()
        if item is not None and item.data(ID_ROLE):
            self.check_place(item.data(ID_ROLE))

    def check_other_place(self) -> None:
        self.check_place(None)

    def check_place(self, place_id: str | None) -> CheckDialog | None:
        if self.view is None or not self.view.emergency.is_open:
            return None
        place = next((p for p in self._places if p.id == place_id), None) if place_id else None
        self.check_dialog = CheckDialog(self.desk, self.view.emergency.id, place, self.window())
        self.check_dialog.accepted.connect(self._checked)
        self.check_dialog.finished.connect(lambda _r: self._dialog_done("check_dialog"))
        self.check_dialog.open()
        return self.check_dialog

    def _checked(self) -> None:
        dlg = self.check_dialog
        if dlg is None or dlg.check is None:
            return
        self._reload_view(focus_id=dlg.check.entry_id)
        self.places_list.setFocus()

    # -- steps -------------------------------------------------------------------------------
    def edit_steps(self) -> StepsDialog:
        self.steps_dialog = StepsDialog(self.desk, get_language(), self.window())
        self.steps_dialog.finished.connect(lambda _r: self._steps_edited())
        self.steps_dialog.open()
        return self.steps_dialog

    def _steps_edited(self) -> None:
        dlg = self.steps_dialog
        if dlg is not None and dlg.changed and self.desk.unlocked:
            self.refresh()
        self._dialog_done("steps_dialog")

    # -- details -----------------------------------------------------------------------------
    def save_details(self) -> None:
        if self.view is None:
            return
        self.details_error.setText("")
        self.details_status.setText("")
        changes = {
            "full_name": self.d_full_name.text(),
            "date_of_birth": self.d_birth.text(),
            "id_number": self.d_iin.text(),
            "phone": self.d_phone.text(),
            "details": self.d_details.toPlainText(),
        }
        labels = {
            "details.full_name": _("Full name"),
            "details.date_of_birth": _("Date of birth"),
            "details.id_number": _("IIN"),
            "details.phone": _("Phone"),
            "details.details": _("Distinguishing details"),
        }
        try:
            em = self.desk.edit_emergency_details(self.view.emergency.id, changes)
        except DefenderDeskError as exc:
            _show_form_error(self.details_error, exc, labels)
            return
        self.view = self.desk.get_emergency(em.id)
        self._render_details(em)
        self.details_draft.forget_draft()
        self._render_card()
        self.details_status.setText(_("Saved. The card shows them."))

    # -- card --------------------------------------------------------------------------------
    def save_card(self) -> Path | None:
        """Only on her request, after the warning: the picker, then the PDF."""
        if self.view is None:
            return None
        self.card_status.setText("")
        if not dialogs.confirm(
            self,
            _(
                "The card will be written to a file that is NOT encrypted. Printers, print"
                " spoolers and copy shops keep copies of what they print. Save it anyway?"
            ),
        ):
            return None
        path = filepicker.pick_save_path(self, _("Save the card as PDF"), "card.pdf")
        if path is None:
            return None
        lang = self.card_language.currentData() or get_language()
        try:
            self.desk.save_card(self.view.emergency.id, path, lang)
        except DefenderDeskError as exc:
            dialogs.error(self, error_text(exc))
            return None
        self.card_status.setText(_("Saved: {path}").format(path=str(path)))
        return path

    # -- closing -----------------------------------------------------------------------------
    def close_emergency(self) -> CloseDialog | None:
        if self.view is None or not self.view.emergency.is_open:
            return None
        if self.job is not None and self.job.thread.isRunning():
            return None
        self.close_dialog = CloseDialog(
            self.controller, self.view.emergency, self.person, self.window()
        )
        self.close_dialog.accepted.connect(self._close_accepted)
        self.close_dialog.open()
        return self.close_dialog

    def _close_accepted(self) -> None:
        dlg = self.close_dialog
        if dlg is None or self.view is None:
            return
        values = dlg.values()
        emergency_id = self.view.emergency.id
        desk, lang = self.desk, get_language()
        self.close_dialog = None
        dlg.deleteLater()

        def work(progress: Callable[[int, int], None], cancelled: Callable[[], bool]) -> Any:
            return desk.close_emergency(
                emergency_id, lang=lang, progress=progress, cancel=cancelled, **values
            )

        self.job = Job(self, _("Closing the emergency into an incident…"), work, self._closed)
        self.job.ended.connect(self._after_job)
        self.job.start()

    def _after_job(self) -> None:
        if self.desk.unlocked:
            self.refresh()

    def _closed(self, incident: Any) -> None:
        self.current_id = None
        self._want_start = False
        if self.desk.unlocked:
            self.refresh()
        self._show_incident_id(incident.id)

    def show_incident(self) -> None:
        if self.view is not None and self.view.emergency.incident_id:
            self._show_incident_id(self.view.emergency.incident_id)

    def _show_incident_id(self, incident_id: str) -> None:
        mw = self.controller.main_window
        if mw is not None and "incidents" in mw.screens:
            # Its editor over the incident list as it was: never a list narrowed to one
            # incident, which looks as if the others were gone.
            mw.show_screen("incidents", open_id=incident_id)

    # -- before anything happens -------------------------------------------------------------
    def _fill_prep(self) -> None:
        for tree, items in ((self.contacts_tree, self._contacts), (self.places_tree, self._places)):
            current = tree.currentItem()
            keep = current.data(0, ID_ROLE) if current is not None else None
            tree.clear()
            for it in items:
                if isinstance(it, EmergencyPlace):
                    cols = [
                        it.name,
                        _(PLACE_KIND_LABELS[it.kind]),
                        ", ".join(it.phones),
                        it.address,
                    ]
                else:
                    cols = [it.name, _(CONTACT_KIND_LABELS[it.kind]), ", ".join(it.phones)]
                row = QTreeWidgetItem(cols)
                row.setData(0, ID_ROLE, it.id)
                if it.source:
                    row.setToolTip(
                        0,
                        _("Taken from {source}; checked on {date}.").format(
                            source=it.source,
                            date=it.checked_on.isoformat() if it.checked_on else "",
                        ),
                    )
                tree.addTopLevelItem(row)
                if it.id == keep:
                    tree.setCurrentItem(row)
            first = tree.topLevelItem(0)
            if tree.currentItem() is None and first is not None:
                tree.setCurrentItem(first)
            for col in range(tree.columnCount() - 1):
                tree.resizeColumnToContents(col)
                tree.setColumnWidth(col, min(tree.columnWidth(col) + 12, 320))
        self._update_prep_buttons()

    def _update_prep_buttons(self) -> None:
        has_contact = self.contacts_tree.currentItem() is not None
        has_place = self.places_tree.currentItem() is not None
        self.edit_contact_button.setEnabled(has_contact)
        self.delete_contact_button.setEnabled(has_contact)
        self.edit_place_button.setEnabled(has_place)
        self.delete_place_button.setEnabled(has_place)

    def _selected(self, tree: QTreeWidget) -> str | None:
        item = tree.currentItem()
        return item.data(0, ID_ROLE) if item is not None else None

    def _open_listed(self, what: str, item: EmergencyContact | EmergencyPlace | None) -> None:
        self.listed_dialog = ListedDialog(self.controller, what, item, self.window())
        self.listed_dialog.accepted.connect(self.refresh)
        self.listed_dialog.finished.connect(lambda _r: self._dialog_done("listed_dialog"))
        self.listed_dialog.open()

    def add_contact(self) -> None:
        self._open_listed("contact", None)

    def edit_contact(self) -> None:
        cid = self._selected(self.contacts_tree)
        item = next((c for c in self._contacts if c.id == cid), None)
        if item is not None:
            self._open_listed("contact", item)

    def add_place(self) -> None:
        self._open_listed("place", None)

    def edit_place(self) -> None:
        pid = self._selected(self.places_tree)
        item = next((p for p in self._places if p.id == pid), None)
        if item is not None:
            self._open_listed("place", item)

    def delete_contact(self) -> None:
        cid = self._selected(self.contacts_tree)
        item = next((c for c in self._contacts if c.id == cid), None)
        if item is None:
            return
        if not dialogs.confirm(self, _("Delete “{name}” from your list?").format(name=item.name)):
            return
        try:
            self.desk.delete_emergency_contact(item.id)
        except DefenderDeskError as exc:
            dialogs.error(self, error_text(exc))
        self.refresh()

    def delete_place(self) -> None:
        pid = self._selected(self.places_tree)
        item = next((p for p in self._places if p.id == pid), None)
        if item is None:
            return
        text = _("Delete “{name}” from your list?").format(name=item.name)
        text += "\n\n" + _("What it answered in an emergency stays in that emergency's log.")
        if not dialogs.confirm(self, text):
            return
        try:
            self.desk.delete_emergency_place(item.id)
        except DefenderDeskError as exc:
            dialogs.error(self, error_text(exc))
        self.refresh()

    # -- life cycle --------------------------------------------------------------------------
    def _dialog_done(self, attr: str) -> None:
        dlg = getattr(self, attr)
        if dlg is not None:
            setattr(self, attr, None)
            dlg.deleteLater()  # its record text goes with it

    def _locked(self) -> None:
        """The vault was locked (the process restarts next): drop every record shown."""
        for attr in ("person_dialog", "check_dialog", "steps_dialog", "close_dialog"):
            dlg = getattr(self, attr)
            if dlg is not None:
                dlg.reject()
        if self.listed_dialog is not None:
            self.listed_dialog.reject()
        self.view = None
        self.person = None
        self._people = {}
        self._emergencies = []
        self._contacts = []
        self._places = []
        for lst in (self.people_list, self.past_list, self.log_view, self.steps_list):
            lst.clear()
        self.places_list.clear()
        self.contacts_tree.clear()
        self.places_tree.clear()
        self.card_view.clear()
        for edit in (
            self.entry,
            self.time_edit,
            self.d_full_name,
            self.d_birth,
            self.d_iin,
            self.d_phone,
        ):
            edit.clear()
        self.d_details.clear()
        self.em_heading.setText("")
        self.em_status.setText("")


def _open_emergency_draft(host: Host, draft: Any) -> Any:
    """Continue what was typed on the emergency screen (an entry, the details, a contact or a
    place) where it was typed."""
    mw = host.main_window
    if mw is None or "emergency" not in mw.screens:
        return None
    screen = mw.show_screen("emergency")
    if draft.kind in ("emergency_contact", "emergency_place"):
        what = "place" if draft.kind == "emergency_place" else "contact"
        items = screen._places if what == "place" else screen._contacts
        item = next((i for i in items if i.id == draft.record_id), None)
        screen.listed_dialog = ListedDialog(host, what, item, screen.window())
        screen.listed_dialog.accepted.connect(screen.refresh)
        screen.listed_dialog.open()
        screen.listed_dialog.open_draft(draft)
        return screen.listed_dialog
    showing = screen.view.emergency.id if screen.view is not None else None
    if draft.record_id and draft.record_id != showing:
        screen._show_emergency_page(draft.record_id)
    target = screen.entry_draft if draft.kind == "emergency_entry" else screen.details_draft
    target.open_draft(draft)
    return screen


for _kind in ("emergency_contact", "emergency_place", "emergency_entry", "emergency_details"):
    register_opener(_kind, _open_emergency_draft)
