"""Before anything happens: her lawyers, helpers and places, kept ready (a mixin of
:class:`EmergencyScreen`), and the screen's life cycle.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QTreeWidget,
    QTreeWidgetItem,
)

from defender_desk.app import (
    CONTACT_KIND_LABELS,
    PLACE_KIND_LABELS,
    EmergencyContact,
    EmergencyPlace,
)
from defender_desk.errors import DefenderDeskError
from defender_desk.i18n import _
from defender_desk.ui.kit import confirm as dialogs
from defender_desk.ui.kit.jobs import error_text
from defender_desk.ui.screens.emergency_dialogs import ListedDialog
from defender_desk.ui.screens.emergency_parts import ID_ROLE

if TYPE_CHECKING:
    pass


class EmergencyPrep:
    """The preparation tab's actions."""

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
