"""The history of one record: each change, when it was recorded (her time), whether its content
is kept or purged, and its fingerprint in the chain."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from defender_desk.i18n import N_, _
from defender_desk.ui.kit.format import recorded_time
from defender_desk.ui.kit.screen import fit_to_screen
from defender_desk.ui.kit.widgets import name_widget, wrapping

if TYPE_CHECKING:
    from defender_desk.app import Desk

OPERATION_LABELS = {"create": N_("Created"), "edit": N_("Edited"), "delete": N_("Deleted")}


class HistoryDialog(QDialog):
    """The revisions of one record: operation, when it was recorded, hash; purged ones marked."""

    def __init__(self, desk: Desk, record_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.revisions = desk.history_of(record_id)
        self.intro = wrapping(self)
        self.table = QTableWidget(self)
        self.table.setColumnCount(5)
        self.table.setRowCount(len(self.revisions))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        mono = QFont("DejaVu Sans Mono")
        for row, rev in enumerate(self.revisions):
            self.table.setItem(row, 0, QTableWidgetItem(str(rev["seq"])))
            h = QTableWidgetItem(rev["hash"])
            h.setFont(mono)
            self.table.setItem(row, 4, h)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.buttons)
        self.retranslate()
        fit_to_screen(self, QSize(900, 420))

    def retranslate(self) -> None:
        self.setWindowTitle(_("History of this record"))
        self.setAccessibleName(_("History of this record"))
        self.intro.setText(
            _(
                "Every change is a link in a chain of fingerprints. A purged entry keeps only its"
                " fingerprint: it shows that a change was made, not what it said."
            )
        )
        self.table.setHorizontalHeaderLabels(
            [_("No."), _("Change"), _("Recorded (your time)"), _("Content"), _("Fingerprint")]
        )
        name_widget(self.table, _("Revisions"))
        for row, rev in enumerate(self.revisions):
            op = OPERATION_LABELS.get(rev["operation"])
            self.table.setItem(row, 1, QTableWidgetItem(_(op) if op else rev["operation"]))
            self.table.setItem(row, 2, QTableWidgetItem(recorded_time(rev["recorded_at"])))
            purged = rev["content"] is None
            item = QTableWidgetItem(_("purged") if purged else _("kept"))
            if purged:
                font = item.font()
                font.setItalic(True)
                item.setFont(font)
                item.setForeground(Qt.GlobalColor.darkRed)
            self.table.setItem(row, 3, item)
        self.table.resizeColumnsToContents()
        close = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setText(_("Close"))
        close.setAccessibleName(_("Close"))

    def purged_rows(self) -> list[int]:
        return [r for r, rev in enumerate(self.revisions) if rev["content"] is None]
