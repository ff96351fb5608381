"""The person form (name, role, relation for family, institution for actors, notes), used by the
People screen and, as :class:`PersonDialog`, inline by the incident editor and the emergency
screen; and the one place that names relations and institutions (:func:`person_details`), so
relation values added to the domain appear everywhere at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QPlainTextEdit, QWidget

from defender_desk.domain.models import (
    INSTITUTION_LABELS,
    RELATION_LABELS,
    InstitutionKind,
    Person,
    PersonRole,
    Relation,
)
from defender_desk.errors import DefenderDeskError, InvalidInput
from defender_desk.i18n import N_, _
from defender_desk.ui.kit.form import EditorDialog, register_opener
from defender_desk.ui.kit.jobs import error_text
from defender_desk.ui.kit.widgets import (
    error_label,
    field_error_text,
    fill_combo,
    name_widget,
    select_data,
)

if TYPE_CHECKING:
    from defender_desk.app import Desk, Draft
    from defender_desk.ui.kit.host import Host

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


def relation_label(relation: Relation) -> str:
    """The translated name of a relation (every value of :class:`Relation`, present and
    future)."""
    return _(RELATION_LABELS.get(relation, relation.value))


def person_details(person: Person) -> str:
    """Relation (family) or institution kind (actor), translated; else ''."""
    if person.relation is not None:
        return relation_label(person.relation)
    if person.institution is not None:
        return _(INSTITUTION_LABELS[person.institution])
    return ""


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
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for label, field in (
            (self.name_label, self.name),
            (self.role_label, self.role),
            (self.relation_label, self.relation),
            (self.institution_label, self.institution),
            (self.notes_label, self.notes),
        ):
            label.setBuddy(field)
            self.form.addRow(label, field)
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
            [(_("Not stated"), None), *[(relation_label(r), r.value) for r in Relation]],
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

    def load_draft(self, payload: dict[str, Any]) -> None:
        self.name.setText(str(payload.get("name") or ""))
        select_data(self.role, payload.get("role") or PersonRole.FAMILY.value)
        select_data(self.relation, payload.get("relation"))
        select_data(self.institution, payload.get("institution"))
        self.notes.setPlainText(str(payload.get("notes") or ""))
        self._role_changed()

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


class PersonDialog(EditorDialog):
    """Add one person without leaving the incident editor; :attr:`person` after Save."""

    draft_kind = "person"
    wanted_size = QSize(520, 420)

    def __init__(
        self, host: Host, parent: QWidget | None = None, role: PersonRole = PersonRole.FAMILY
    ) -> None:
        super().__init__(host, parent)
        self.person: Person | None = None
        self.form = PersonForm()
        self.form.load(None, role)
        self.set_body(self.form)
        self.retranslate()
        self.finish()
        self.form.name.setFocus()

    def retranslate(self) -> None:
        self.setWindowTitle(_("New person"))
        self.setAccessibleName(_("New person"))
        self.retranslate_buttons(_("Save the person"))

    def draft_state(self) -> dict[str, Any]:
        return self.form.draft()

    def load_draft(self, payload: dict[str, Any]) -> None:
        self.form.load_draft(payload)

    def save(self) -> None:
        person = self.form.save(self.host.desk, None)
        if person is not None:
            self.person = person
            self.saved()


def _open_person_draft(host: Host, draft: Draft) -> Any:
    """A person draft continues in the People screen's form."""
    mw = host.main_window
    if mw is None or "people" not in mw.screens:
        return None
    screen = mw.show_screen("people")
    screen.open_draft(draft)
    return screen


register_opener("person", _open_person_draft)
