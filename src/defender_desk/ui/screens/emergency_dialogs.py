"""The emergency screen's dialogs: her lawyers, helpers and places (entered in advance), what a
place answered, her wording of the first steps, and closing the emergency into an incident.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from defender_desk.app import (
    CONTACT_KIND_LABELS,
    PLACE_KIND_LABELS,
    ContactKind,
    Emergency,
    EmergencyContact,
    EmergencyPlace,
    PlaceCheck,
    PlaceKind,
)
from defender_desk.domain import taxonomy
from defender_desk.domain.models import Person, PersonRole
from defender_desk.errors import DefenderDeskError
from defender_desk.i18n import _, get_language
from defender_desk.ui import filepicker
from defender_desk.ui.kit import confirm as dialogs
from defender_desk.ui.kit.form import EditorDialog
from defender_desk.ui.kit.jobs import error_text
from defender_desk.ui.kit.screen import PlainLabel
from defender_desk.ui.kit.widgets import (
    error_label,
    fill_combo,
    name_widget,
    select_data,
)
from defender_desk.ui.screens.emergency_parts import (
    LANGUAGE_NAMES,
    LIKELY_CATEGORIES,
    NOTE_STYLE,
    _button,
    _dialog_buttons,
    _name_buttons,
    _show_form_error,
    _wrapping,
    entry_time,
    split_phones,
)
from defender_desk.ui.screens.incident_parts import PeopleChecklist

if TYPE_CHECKING:
    from defender_desk.app import Desk
    from defender_desk.ui.kit.host import Host

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
        self.answer.setPlaceholderText(
            _("e.g. the duty officer says nobody by that name is held there")
        )
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
