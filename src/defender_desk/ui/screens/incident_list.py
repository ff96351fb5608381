"""The incident list's table model: only the row count up front, rows in pages of 200 as the
view shows them, at most 20 pages kept.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from defender_desk.app import IncidentFilter
from defender_desk.domain import taxonomy
from defender_desk.domain.models import (
    Incident,
)
from defender_desk.errors import DefenderDeskError
from defender_desk.i18n import N_, _, get_language

if TYPE_CHECKING:
    from defender_desk.app import Desk

PAGE_SIZE = 200
MAX_PAGES_KEPT = 20  # at most 4,000 rows of record text held by the list at once

COLUMNS: tuple[str, ...] = (
    N_("When"),
    N_("Category"),
    N_("Title"),
    N_("Aimed at"),
    N_("Who acted"),
    N_("Evidence"),
)
COL_DATE, COL_CATEGORY, COL_TITLE, COL_TARGETS, COL_ACTORS, COL_EVIDENCE = range(6)
ID_ROLE = Qt.ItemDataRole.UserRole


@dataclass(frozen=True)
class _Row:
    incident: Incident
    evidence: int


class IncidentTableModel(QAbstractTableModel):
    """Rows of the current filter, newest first. Only the row count is asked for up front;
    rows come in pages of :data:`PAGE_SIZE` when the view first shows one of them, and at most
    :data:`MAX_PAGES_KEPT` pages stay in memory. ``fetched`` lists every page fetch (tests)."""

    def __init__(self, desk: Desk, parent: Any = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.flt = IncidentFilter()
        self._count = 0
        self._pages: OrderedDict[int, list[_Row]] = OrderedDict()
        self.fetched: list[int] = []
        self.names: dict[str, str] = {}

    # -- loading -------------------------------------------------------------------------------
    def reload(self, flt: IncidentFilter | None = None) -> None:
        self.beginResetModel()
        if flt is not None:
            self.flt = flt
        self._pages.clear()
        self.fetched = []
        self.names = {p.id: p.name for p in self.desk.list_people()} if self.desk.unlocked else {}
        self._count = self.desk.count_incidents(self.flt) if self.desk.unlocked else 0
        self.endResetModel()

    def clear(self) -> None:
        self.beginResetModel()
        self._pages.clear()
        self._count = 0
        self.names = {}
        self.endResetModel()

    def _page(self, number: int) -> list[_Row]:
        rows = self._pages.get(number)
        if rows is not None:
            self._pages.move_to_end(number)
            return rows
        if not self.desk.unlocked:
            return []
        incidents = self.desk.list_incidents(
            self.flt, limit=PAGE_SIZE, offset=number * PAGE_SIZE, newest_first=True
        )
        counts = self.desk.records.evidence_counts(i.id for i in incidents)
        rows = [_Row(i, counts.get(i.id, 0)) for i in incidents]
        self._pages[number] = rows
        self.fetched.append(number)
        while len(self._pages) > MAX_PAGES_KEPT:
            self._pages.popitem(last=False)
        return rows

    def row_at(self, row: int) -> _Row | None:
        if not 0 <= row < self._count:
            return None
        rows = self._page(row // PAGE_SIZE)
        index = row % PAGE_SIZE
        return rows[index] if index < len(rows) else None

    def incident_id(self, row: int) -> str | None:
        r = self.row_at(row)
        return r.incident.id if r else None

    def loaded_row_of(self, incident_id: str) -> int | None:
        """The row of ``incident_id`` if it is on a page already fetched (no query)."""
        for number, rows in self._pages.items():
            for i, r in enumerate(rows):
                if r.incident.id == incident_id:
                    return number * PAGE_SIZE + i
        return None

    # -- Qt model ------------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _(COLUMNS[section])
        return None

    def data(
        self,
        index: QModelIndex | QPersistentModelIndex,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == COL_EVIDENCE:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role not in (Qt.ItemDataRole.DisplayRole, ID_ROLE):
            return None
        r = self.row_at(index.row())
        if r is None:
            return None
        inc = r.incident
        if role == ID_ROLE:
            return inc.id
        col = index.column()
        if col == COL_DATE:
            text = inc.happened.render(get_language())
            if inc.until is not None:
                text += " – " + inc.until.render(get_language())
            return text
        if col == COL_CATEGORY:
            try:
                return taxonomy.label(inc.category, get_language())
            except DefenderDeskError:
                return inc.category
        if col == COL_TITLE:
            return inc.title
        if col == COL_TARGETS:
            names = [_("Myself")] if inc.targets_self else []
            names += [self.names.get(pid, "?") for pid in inc.target_ids]
            return ", ".join(names)
        if col == COL_ACTORS:
            return ", ".join(self.names.get(pid, "?") for pid in inc.actor_ids)
        if col == COL_EVIDENCE:
            return str(r.evidence) if r.evidence else ""
        return None

    def retranslated(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)
        if self._count:
            self.dataChanged.emit(self.index(0, 0), self.index(self._count - 1, len(COLUMNS) - 1))
