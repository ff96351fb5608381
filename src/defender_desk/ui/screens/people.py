"""People: her family, the actors (a person and/or an institution), witnesses, lawyers and
colleagues — add, edit, delete — and where each person appears in her incidents.

Also home of the person form used inline by the incident editor (:class:`PersonDialog`) and of
a few small helpers the record screens share (combo boxes filled from enums, accessible names).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from defender_desk.domain.models import (
    INSTITUTION_LABELS,
    RELATION_LABELS,
    InstitutionKind,
    Person,
    PersonRole,
    Relation,
)
from defender_desk.errors import DefenderDeskError, InvalidInput
from defender_desk.i18n import N_, _, describe_error, get_language, ngettext
from defender_desk.ui import dialogs
from defender_desk.ui.base import PlainLabel, Screen
from defender_desk.ui.jobs import error_text
from defender_desk.vault.records import IncidentFilter, PersonInUse

if TYPE_CHECKING:
    from defender_desk.app import Desk
    from defender_desk.ui.app import Controller

# -- small helpers shared by the record screens ---------------------------------------------


def name_widget(widget: QWidget, text: str) -> None:
    """Set the accessible name of ``widget`` and of the line edit inside a spin box or an
    editable combo box (screen readers land on that one)."""
    widget.setAccessibleName(text)
    for inner in widget.findChildren(QLineEdit):
        if inner.parent() is widget:
            inner.setAccessibleName(text)


def fill_combo(combo: QComboBox, items: Sequence[tuple[str, Any]]) -> None:
    """Replace the items (text, data), keeping the current choice where it still exists."""
    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    for text, data in items:
        combo.addItem(text, data)
    index = combo.findData(current)
    combo.setCurrentIndex(index if index >= 0 else 0)
    combo.blockSignals(False)


def select_data(combo: QComboBox, value: Any) -> bool:
    index = combo.findData(value)
    if index >= 0:
        combo.setCurrentIndex(index)
    return index >= 0


def error_label(parent: QWidget) -> PlainLabel:
    label = PlainLabel("", parent)
    label.setWordWrap(True)
    label.setStyleSheet("color: #b91c1c;")
    return label


def person_details(person: Person) -> str:
    """Relation (family) or institution kind (actor), translated; else ''."""
    if person.relation is not None:
        return _(RELATION_LABELS[person.relation])
    if person.institution is not None:
        return _(INSTITUTION_LABELS[person.institution])
    return ""


def field_error_text(exc: InvalidInput, labels: dict[str, str]) -> str:
    """``describe_error`` with the field's untranslated name replaced by its label."""
    field = str(exc.fields.get("field", ""))
    label = labels.get(field) or labels.get(field.split(".")[0])
    if label is None:
        return describe_error(exc)
    return describe_error(InvalidInput(**{**exc.fields, "field": label}))


ROLE_GROUPS: dict[PersonRole, str] = {
    PersonRole.FAMILY: N_("Family"),
    PersonRole.ACTOR: N_("Actors (who did it)"),
    PersonRole.WITNESS: N_("Witnesses"),
    PersonRole.LAWYER: N_("Lawyers"),
    PersonRole.COLLEAGUE: N_("Colleagues"),
}
ROLE_NAMES: dict[PersonRole, str] = {
    PersonRole.FAMILY: N_("Family member"),
    PersonRole.ACTOR: N_("Actor (who did it)"),
    PersonRole.WITNESS: N_("Witness"),
    PersonRole.LAWYER: N_("Lawyer"),
    PersonRole.COLLEAGUE: N_("Colleague"),
}
LINK_NAMES = {"target": N_("aimed at"), "actor": N_("acted"), "witness": N_("witness")}


# -- the person form ------------------------------------------------------------------------


class PersonForm(QWidget):
    """Name, role, relation (family only), institution kind (actor only), notes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = QLineEdit(self)
        self.role = QComboBox(self)
        self.relation = QComboBox(self)
        self.institution = QComboBox(self)
        self.notes = QPlainTextEdit(self)
        self.notes.setTabChangesFocus(True)
        self.notes.setMinimumHeight(60)
        self.error = error_label(self)
        self.name_label, self.role_label = QLabel(self), QLabel(self)
        self.relation_label, self.institution_label = QLabel(self), QLabel(self)
        self.notes_label = QLabel(self)
        for label, field in (
            (self.name_label, self.name),
            (self.role_label, self.role),
            (self.relation_label, self.relation),
            (self.institution_label, self.institution),
            (self.notes_label, self.notes),
        ):
            label.setBuddy(field)
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.form.addRow(self.name_label, self.name)
        self.form.addRow(self.role_label, self.role)
        self.form.addRow(self.relation_label, self.relation)
        self.form.addRow(self.institution_label, self.institution)
        self.form.addRow(self.notes_label, self.notes)
        self.form.addRow(self.error)
        self.role.currentIndexChanged.connect(self._role_changed)
        self.retranslate()
        self._role_changed()

    def retranslate(self) -> None:
        self.name_label.setText(_("&Name or alias:"))
        name_widget(self.name, _("Name or alias"))
        self.role_label.setText(_("&Role:"))
        name_widget(self.role, _("Role"))
        self.relation_label.setText(_("Re&lation to you:"))
        name_widget(self.relation, _("Relation to you"))
        self.institution_label.setText(_("&Institution:"))
        name_widget(self.institution, _("Institution"))
        self.notes_label.setText(_("No&tes:"))
        name_widget(self.notes, _("Notes (contact details, anything useful)"))
        self.error.setAccessibleName(_("Problem"))
        fill_combo(self.role, [(_(ROLE_NAMES[r]), r.value) for r in PersonRole])
        fill_combo(
            self.relation,
            [(_("Not stated"), None), *[(_(RELATION_LABELS[r]), r.value) for r in Relation]],
        )
        fill_combo(
            self.institution,
            [
                (_("A person, no institution"), None),
                *[(_(INSTITUTION_LABELS[k]), k.value) for k in InstitutionKind],
            ],
        )

    def _role_changed(self) -> None:
        role = self.role.currentData()
        family, actor = role == PersonRole.FAMILY.value, role == PersonRole.ACTOR.value
        self.form.setRowVisible(self.relation, family)
        self.form.setRowVisible(self.institution, actor)

    def load(self, person: Person | None, role: PersonRole = PersonRole.FAMILY) -> None:
        self.error.setText("")
        self.name.setText(person.name if person else "")
        select_data(self.role, (person.role if person else role).value)
        select_data(self.relation, person.relation.value if person and person.relation else None)
        select_data(
            self.institution,
            person.institution.value if person and person.institution else None,
        )
        self.notes.setPlainText(person.notes if person else "")
        self._role_changed()

    def draft(self) -> dict[str, Any]:
        role = self.role.currentData()
        return {
            "name": self.name.text(),
            "role": role,
            "relation": self.relation.currentData() if role == PersonRole.FAMILY.value else None,
            "institution": (
                self.institution.currentData() if role == PersonRole.ACTOR.value else None
            ),
            "notes": self.notes.toPlainText(),
        }

    def labels(self) -> dict[str, str]:
        return {
            "name": _("Name or alias"),
            "role": _("Role"),
            "relation": _("Relation to you"),
            "institution": _("Institution"),
            "notes": _("Notes"),
        }

    def show_error(self, exc: DefenderDeskError) -> None:
        if isinstance(exc, InvalidInput):
            self.error.setText(field_error_text(exc, self.labels()))
            field = str(exc.fields.get("field", ""))
            widget = {"name": self.name, "notes": self.notes}.get(field)
            if widget is not None:
                widget.setFocus()
        else:
            self.error.setText(error_text(exc))

    def save(self, desk: Desk, person_id: str | None) -> Person | None:
        """Add or edit through the facade; on a refusal show it and return None."""
        self.error.setText("")
        try:
            if person_id is None:
                return desk.add_person(self.draft())
            return desk.edit_person(person_id, self.draft())
        except DefenderDeskError as exc:
            self.show_error(exc)
            return None


class PersonDialog(QDialog):
    """Add one person without leaving the incident editor; :attr:`person` after Save."""

    def __init__(
        self, desk: Desk, parent: QWidget | None = None, role: PersonRole = PersonRole.FAMILY
    ) -> None:
        super().__init__(parent)
        self.desk = desk
        self.person: Person | None = None
        self.form = PersonForm(self)
        self.form.load(None, role)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)
        self.retranslate()
        self.form.name.setFocus()

    def retranslate(self) -> None:
        self.setWindowTitle(_("New person"))
        self.setAccessibleName(_("New person"))
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        save.setText(_("Save"))
        save.setAccessibleName(_("Save the person"))
        cancel.setText(_("Cancel"))
        cancel.setAccessibleName(_("Cancel"))

    def accept(self) -> None:
        person = self.form.save(self.desk, None)
        if person is not None:
            self.person = person
            super().accept()


# -- the screen -----------------------------------------------------------------------------


class PeopleScreen(Screen):
    title = N_("People")
    key = "people"

    #: emitted after any change to people (other screens reload their lists)
    people_changed = Signal()

    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        self.current_id: str | None = None
        self._people: dict[str, Person] = {}
        self._appears_ids: list[str] = []

        self.heading = QLabel(self)
        self.heading.setObjectName("heading")
        self.heading.setStyleSheet("font-size: 16pt; font-weight: bold;")
        self.intro = PlainLabel("", self)
        self.intro.setWordWrap(True)

        # left: the list
        self.tree = QTreeWidget(self)
        self.tree.setColumnCount(2)
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.currentItemChanged.connect(self._current_changed)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.new_button = QPushButton(self)
        self.new_button.clicked.connect(self.new_person)
        self.delete_button = QPushButton(self)
        self.delete_button.clicked.connect(self.delete_current)
        left = QWidget(self)
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.tree, 1)
        lb = QHBoxLayout()
        lb.addWidget(self.new_button)
        lb.addWidget(self.delete_button)
        lb.addStretch(1)
        ll.addLayout(lb)

        # right: the form and where the person appears
        right = QWidget(self)
        self.form_box = QGroupBox(right)
        self.form = PersonForm(self.form_box)
        self.save_button = QPushButton(self.form_box)
        self.save_button.clicked.connect(self.save)
        self.save_button.setDefault(True)
        fl = QVBoxLayout(self.form_box)
        fl.addWidget(self.form)
        fl.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignRight)
        self.appears_box = QGroupBox(right)
        self.appears = QListWidget(self.appears_box)
        self.appears.setWordWrap(True)
        self.appears.itemActivated.connect(self._open_incident)
        self.appears_note = PlainLabel("", self.appears_box)
        self.appears_note.setWordWrap(True)
        self.show_all_button = QPushButton(self.appears_box)
        self.show_all_button.clicked.connect(self.show_in_incidents)
        al = QVBoxLayout(self.appears_box)
        al.addWidget(self.appears, 1)
        al.addWidget(self.appears_note)
        al.addWidget(self.show_all_button, 0, Qt.AlignmentFlag.AlignLeft)
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.form_box)
        rl.addWidget(self.appears_box, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([470, 450])
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.intro)
        layout.addWidget(self.splitter, 1)

        self.new_shortcut = QShortcut(QKeySequence("Ctrl+N"), self)
        self.new_shortcut.activated.connect(self.new_person)
        self.delete_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.tree)
        self.delete_shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        self.delete_shortcut.activated.connect(self.delete_current)
        controller.locked.connect(self._locked)
        self.retranslate()

    def _locked(self) -> None:
        """The vault was locked (the process restarts next): drop every record shown."""
        self.tree.clear()
        self.appears.clear()
        self._people = {}
        self.current_id = None
        self.form.load(None)

    # -- texts ----------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.heading.setText(_("People"))
        self.intro.setText(
            _(
                "Your family, who acted against you (a person or an institution), witnesses,"
                " lawyers and colleagues. Incidents name them as targets, actors or witnesses."
            )
        )
        self.tree.setHeaderLabels([_("Name"), _("Relation or institution")])
        name_widget(self.tree, _("People, grouped by role"))
        self.new_button.setText(_("New person") + "  (Ctrl+N)")
        self.new_button.setAccessibleName(_("New person"))
        self.delete_button.setText(_("Delete"))
        self.delete_button.setAccessibleName(_("Delete the selected person"))
        self.save_button.setText(_("Save"))
        self.save_button.setAccessibleName(_("Save the person"))
        self.appears_box.setTitle(_("Where this person appears"))
        name_widget(self.appears, _("Incidents where this person appears"))
        self.show_all_button.setText(_("Show them in the incident list"))
        self.show_all_button.setAccessibleName(_("Show them in the incident list"))
        self.appears_note.setAccessibleName(_("Where this person appears"))
        self._update_form_title()
        if self.desk.unlocked:
            self.refresh()

    def _update_form_title(self) -> None:
        self.form_box.setTitle(_("Edit person") if self.current_id else _("New person"))

    # -- data -------------------------------------------------------------------------------
    def refresh(self) -> None:
        if not self.desk.unlocked:
            return
        keep = self.current_id
        people = self.desk.list_people()
        self._people = {p.id: p for p in people}
        self.tree.blockSignals(True)
        self.tree.clear()
        select: QTreeWidgetItem | None = None
        for role in PersonRole:
            members = [p for p in people if p.role is role]
            group = QTreeWidgetItem(self.tree, [f"{_(ROLE_GROUPS[role])} ({len(members)})", ""])
            group.setData(0, Qt.ItemDataRole.UserRole, None)
            group.setData(0, Qt.ItemDataRole.UserRole + 1, role.value)
            group.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            for person in members:
                item = QTreeWidgetItem(group, [person.name, person_details(person)])
                item.setData(0, Qt.ItemDataRole.UserRole, person.id)
                item.setData(0, Qt.ItemDataRole.UserRole + 1, role.value)
                if person.id == keep:
                    select = item
            group.setExpanded(True)
        self.tree.blockSignals(False)
        if select is not None:
            self.tree.setCurrentItem(select)
        elif keep is not None:
            self.new_person()
        else:
            self._show_appearances(None)

    def person_item(self, person_id: str) -> QTreeWidgetItem | None:
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            for j in range(group.childCount()):
                if group.child(j).data(0, Qt.ItemDataRole.UserRole) == person_id:
                    return group.child(j)
        return None

    def select_person(self, person_id: str) -> None:
        item = self.person_item(person_id)
        if item is not None:
            self.tree.setCurrentItem(item)

    def _current_changed(self, item: QTreeWidgetItem | None, _prev: Any = None) -> None:
        if item is None:
            return
        pid = item.data(0, Qt.ItemDataRole.UserRole)
        if pid is None:  # a group heading: prepare a new person of that role
            self.current_id = None
            self.form.load(None, PersonRole(item.data(0, Qt.ItemDataRole.UserRole + 1)))
            self._update_form_title()
            self._show_appearances(None)
            return
        self._show_person(self._people[pid])

    def _show_person(self, person: Person) -> None:
        self.current_id = person.id
        self.form.load(person)
        self._update_form_title()
        self._show_appearances(person.id)

    def _show_appearances(self, person_id: str | None) -> None:
        self.appears.clear()
        self._appears_ids = []
        self.show_all_button.setEnabled(False)
        if person_id is None:
            self.appears_note.setText(_("Choose a person to see the incidents that name them."))
            return
        links: dict[str, list[str]] = {}
        for incident_id, link in self.desk.records.person_incidents(person_id):
            links.setdefault(incident_id, []).append(link)
        self._appears_ids = list(links)
        if not links:
            self.appears_note.setText(_("No incident names this person."))
            return
        lang = get_language()
        shown = self.desk.list_incidents(
            IncidentFilter(ids=self._appears_ids), limit=100, newest_first=True
        )
        for incident in shown:
            roles = ", ".join(_(LINK_NAMES[k]) for k in links[incident.id] if k in LINK_NAMES)
            text = f"{incident.happened.render(lang)} — {incident.title}  ({roles})"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, incident.id)
            self.appears.addItem(item)
        total = len(self._appears_ids)
        note = ngettext("Named in {n} incident.", "Named in {n} incidents.", total).format(n=total)
        if total > len(shown):
            note += " " + _("The newest {shown} are listed here.").format(shown=len(shown))
        self.appears_note.setText(note)
        self.show_all_button.setEnabled(True)

    # -- actions ----------------------------------------------------------------------------
    def new_person(self) -> None:
        item = self.tree.currentItem()
        role = PersonRole.FAMILY
        if item is not None and item.data(0, Qt.ItemDataRole.UserRole + 1):
            role = PersonRole(item.data(0, Qt.ItemDataRole.UserRole + 1))
        self.tree.blockSignals(True)
        self.tree.clearSelection()
        self.tree.blockSignals(False)
        self.current_id = None
        self.form.load(None, role)
        self._update_form_title()
        self._show_appearances(None)
        self.form.name.setFocus()

    def save(self) -> None:
        person = self.form.save(self.desk, self.current_id)
        if person is None:
            return
        self.current_id = person.id
        self.refresh()
        self.select_person(person.id)
        self.people_changed.emit()

    def delete_current(self) -> None:
        person = self._people.get(self.current_id or "")
        if person is None:
            return
        if not dialogs.confirm(
            self,
            _("Delete {name} from your people?").format(name=person.name)
            + "\n\n"
            + _(
                "Their details are also purged from the history: only a hash remains, which"
                " shows that a record existed but not what it said. This cannot be undone."
            ),
        ):
            return
        try:
            self.desk.delete_person(person.id)
        except PersonInUse as exc:
            dialogs.error(self, self.in_use_text(exc.fields.get("ids", [])))
            return
        except DefenderDeskError as exc:
            dialogs.error(self, error_text(exc))
            return
        self.current_id = None
        self.refresh()
        self.new_person()
        self.people_changed.emit()

    def in_use_text(self, ids: Iterable[str], limit: int = 10) -> str:
        ids = list(ids)
        lang = get_language()
        listed = self.desk.list_incidents(IncidentFilter(ids=ids), limit=limit, newest_first=True)
        lines = [
            ngettext(
                "This person is still named in {n} incident:",
                "This person is still named in {n} incidents:",
                len(ids),
            ).format(n=len(ids))
        ]
        lines += [f"• {i.happened.render(lang)} — {i.title}" for i in listed]
        if len(ids) > len(listed):
            lines.append(_("…and {n} more.").format(n=len(ids) - len(listed)))
        lines.append("")
        lines.append(
            _("Remove them from those incidents first (open each one and untick their name).")
        )
        return "\n".join(lines)

    def _open_incident(self, item: QListWidgetItem) -> None:
        incident_id = item.data(Qt.ItemDataRole.UserRole)
        from defender_desk.ui.screens.incident_editor import IncidentEditor

        self.editor = IncidentEditor(self.controller, incident_id, self)
        self.editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.editor.accepted.connect(self.refresh)
        self.editor.open()

    def show_in_incidents(self) -> None:
        if not self._appears_ids or self.controller.main_window is None:
            return
        self.controller.main_window.show_screen(
            "incidents", filter=IncidentFilter(ids=list(self._appears_ids))
        )
