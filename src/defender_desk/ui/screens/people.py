"""People: her family, the actors (a person and/or an institution), witnesses, lawyers and
colleagues — add, edit, delete — and where each person appears in her incidents.

The form on the right is an editor like any other (:class:`~defender_desk.ui.kit.form.FormPanel`):
showing another person, or a new one, with unsaved changes asks Save / Discard / Keep editing,
and a lock keeps what she typed as a draft in the vault.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from defender_desk.app import IncidentFilter, PersonInUse
from defender_desk.domain.models import Person, PersonRole
from defender_desk.errors import DefenderDeskError
from defender_desk.i18n import N_, _, get_language, ngettext
from defender_desk.ui.kit import confirm as dialogs
from defender_desk.ui.kit.form import FormPanel
from defender_desk.ui.kit.jobs import error_text
from defender_desk.ui.kit.screen import Screen
from defender_desk.ui.kit.widgets import heading, name_widget, wrapping
from defender_desk.ui.screens.person_form import (
    LINK_NAMES,
    ROLE_GROUPS,
    PersonForm,
    person_details,
)

if TYPE_CHECKING:
    from defender_desk.app import Draft
    from defender_desk.ui.kit.host import Host

ID_ROLE = Qt.ItemDataRole.UserRole
KIND_ROLE = Qt.ItemDataRole.UserRole + 1


class PersonPanel(FormPanel):
    """The person form with its Save button, as a tracked editor of the screen."""

    draft_kind = "person"

    def __init__(self, host: Host, parent: QWidget | None = None) -> None:
        super().__init__(host, parent)
        self.person_id: str | None = None
        self.box = QGroupBox(self)
        self.form = PersonForm(self.box)
        self.save_button = QPushButton(self.box)
        self.save_button.setDefault(True)
        lay = QVBoxLayout(self.box)
        lay.addWidget(self.form)
        lay.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignRight)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.box)

    def show_person(self, person: Person | None, role: PersonRole = PersonRole.FAMILY) -> None:
        self.person_id = person.id if person else None
        self.form.load(person, role)
        self.box.setTitle(_("Edit person") if person else _("New person"))
        self.mark_clean()

    def draft_record_id(self) -> str | None:
        return self.person_id

    def draft_state(self) -> dict[str, Any]:
        return self.form.draft()

    def load_draft(self, payload: dict[str, Any]) -> None:
        self.form.load_draft(payload)

    def save(self) -> bool:
        person = self.form.save(self.host.desk, self.person_id)
        if person is None:
            return False
        self.person_id = person.id
        self.box.setTitle(_("Edit person"))
        self.forget_draft()
        self.mark_clean()
        screen = self.parent()
        while screen is not None and not isinstance(screen, PeopleScreen):
            screen = screen.parent()
        if screen is not None:
            screen.saved(person)
        return True


class PeopleScreen(Screen):
    title = N_("People")
    key = "people"

    #: emitted after any change to people (other screens reload their lists)
    people_changed = Signal()

    def __init__(self, controller: Host, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        self._people: dict[str, Person] = {}
        self._appears_ids: list[str] = []

        self.heading = heading(self)
        self.intro = wrapping(self)

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
        self.panel = PersonPanel(controller, right)
        self.form = self.panel.form
        self.save_button = self.panel.save_button
        self.save_button.clicked.connect(self.save)
        self.appears_box = QGroupBox(right)
        self.appears = QListWidget(self.appears_box)
        self.appears.setWordWrap(True)
        self.appears.itemActivated.connect(self._open_incident)
        self.appears_note = wrapping(self.appears_box)
        self.show_all_button = QPushButton(self.appears_box)
        self.show_all_button.clicked.connect(self.show_in_incidents)
        al = QVBoxLayout(self.appears_box)
        al.addWidget(self.appears, 1)
        al.addWidget(self.appears_note)
        al.addWidget(self.show_all_button, 0, Qt.AlignmentFlag.AlignLeft)
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.panel)
        rl.addWidget(self.appears_box, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
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
        self.panel.show_person(None)
        self.retranslate()

    @property
    def current_id(self) -> str | None:
        return self.panel.person_id

    def _locked(self) -> None:
        """The vault was locked (the process restarts next): drop every record shown."""
        self.tree.clear()
        self.appears.clear()
        self._people = {}

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
        self.panel.box.setTitle(_("Edit person") if self.current_id else _("New person"))
        self.appears_box.setTitle(_("Where this person appears"))
        name_widget(self.appears, _("Incidents where this person appears"))
        self.show_all_button.setText(_("Show them in the incident list"))
        self.show_all_button.setAccessibleName(_("Show them in the incident list"))
        self.appears_note.setAccessibleName(_("Where this person appears"))
        if self.desk.unlocked:
            self._fill_tree(self.current_id)
            if self.current_id is not None:
                self._show_appearances(self.current_id)

    # -- data -------------------------------------------------------------------------------
    def refresh(self) -> None:
        if self.desk.unlocked:
            self._fill_tree(self.current_id)
            if self.current_id is None:
                self._show_appearances(None)

    def _fill_tree(self, keep: str | None) -> None:
        people = self.desk.list_people()
        self._people = {p.id: p for p in people}
        self.tree.blockSignals(True)
        self.tree.clear()
        select: QTreeWidgetItem | None = None
        for role in PersonRole:
            members = [p for p in people if p.role is role]
            group = QTreeWidgetItem(self.tree, [f"{_(ROLE_GROUPS[role])} ({len(members)})", ""])
            group.setData(0, ID_ROLE, None)
            group.setData(0, KIND_ROLE, role.value)
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            for person in members:
                item = QTreeWidgetItem(group, [person.name, person_details(person)])
                item.setData(0, ID_ROLE, person.id)
                item.setData(0, KIND_ROLE, role.value)
                if person.id == keep:
                    select = item
            group.setExpanded(True)
        if select is not None:
            self.tree.setCurrentItem(select)
        self.tree.blockSignals(False)

    def person_item(self, person_id: str) -> QTreeWidgetItem | None:
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            for j in range(group.childCount()):
                if group.child(j).data(0, ID_ROLE) == person_id:
                    return group.child(j)
        return None

    def select_person(self, person_id: str) -> None:
        item = self.person_item(person_id)
        if item is not None:
            self.tree.setCurrentItem(item)

    def _current_changed(self, item: QTreeWidgetItem | None, previous: Any = None) -> None:
        if item is None:
            return
        pid = item.data(0, ID_ROLE)
        if pid == self.current_id and pid is not None:
            return
        if not self.panel.may_leave():
            # she keeps editing: the list goes back to the person in the form
            self.tree.blockSignals(True)
            self.tree.setCurrentItem(previous)
            self.tree.blockSignals(False)
            return
        if pid is None:  # a group heading: prepare a new person of that role
            self.panel.show_person(None, PersonRole(item.data(0, KIND_ROLE)))
            self._show_appearances(None)
            return
        self.panel.show_person(self._people[pid])
        self._show_appearances(pid)

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
            item.setData(ID_ROLE, incident.id)
            self.appears.addItem(item)
        total = len(self._appears_ids)
        note = ngettext("Named in {n} incident.", "Named in {n} incidents.", total).format(n=total)
        if total > len(shown):
            note += " " + _("The newest {shown} are listed here.").format(shown=len(shown))
        self.appears_note.setText(note)
        self.show_all_button.setEnabled(True)

    # -- actions ----------------------------------------------------------------------------
    def new_person(self) -> None:
        if not self.panel.may_leave():
            return
        item = self.tree.currentItem()
        role = PersonRole.FAMILY
        if item is not None and item.data(0, ID_ROLE) is None and item.data(0, KIND_ROLE):
            role = PersonRole(item.data(0, KIND_ROLE))  # a group heading chosen: that role
        self.tree.blockSignals(True)
        self.tree.clearSelection()
        self.tree.setCurrentItem(None)
        self.tree.blockSignals(False)
        self.panel.show_person(None, role)
        self._show_appearances(None)
        self.form.name.setFocus()

    def open_draft(self, draft: Draft) -> None:
        """Continue a person draft kept at the last lock."""
        person = self._people.get(draft.record_id or "") if draft.record_id else None
        if draft.record_id and person is None and self.desk.unlocked:
            self._fill_tree(None)
            person = self._people.get(draft.record_id)
        self.panel.show_person(person)
        if person is not None:
            self.select_person(person.id)
        self.panel.open_draft(draft)
        self.form.name.setFocus()

    def save(self) -> None:
        self.panel.save()

    def saved(self, person: Person) -> None:
        self._fill_tree(person.id)
        self._show_appearances(person.id)
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
        self.panel.show_person(None)
        self._fill_tree(None)
        self._show_appearances(None)
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
        """Open the incident in the incidents screen (its editor)."""
        self.go_to_screen("incidents", open_id=item.data(ID_ROLE))

    def show_in_incidents(self) -> None:
        if self._appears_ids:
            self.go_to_screen("incidents", filter=IncidentFilter(ids=list(self._appears_ids)))
