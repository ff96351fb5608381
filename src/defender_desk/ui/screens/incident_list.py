"""The incident list's table model: only the row count up front, rows in pages of 200 as the
view shows them, at most 20 pages kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt

from defender_desk.app import IncidentFilter
from defender_desk.domain import taxonomy
from defender_desk.domain.models import (
    Incident,
)
from defender_desk.errors import DefenderDeskError
from defender_desk.i18n import N_, _, get_language
from defender_desk.ui.kit.listing import PagedModel

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


class IncidentTableModel(PagedModel[_Row]):
    """Rows of the current filter, newest first, fetched in pages (:class:`PagedModel`)."""

    page_size = PAGE_SIZE
    pages_kept = MAX_PAGES_KEPT

    def __init__(self, desk: Desk, parent: Any = None) -> None:
        super().__init__(COLUMNS, parent)
        self.desk = desk
        self.flt = IncidentFilter()
        self.names: dict[str, str] = {}

    def reload(self, flt: IncidentFilter | None = None) -> None:
        if flt is not None:
            self.flt = flt
        self.names = {p.id: p.name for p in self.desk.list_people()} if self.desk.unlocked else {}
        self.reset_rows()

    def clear(self) -> None:
        self.names = {}
        super().clear()

    def count_rows(self) -> int:
        return self.desk.count_incidents(self.flt) if self.desk.unlocked else 0

    def fetch(self, offset: int, limit: int) -> list[_Row]:
        if not self.desk.unlocked:
            return []
        incidents = self.desk.list_incidents(
            self.flt, limit=limit, offset=offset, newest_first=True
        )
        counts = self.desk.records.evidence_counts(i.id for i in incidents)
        return [_Row(i, counts.get(i.id, 0)) for i in incidents]

    def key(self, row: _Row) -> str:
        return row.incident.id

    def incident_id(self, row: int) -> str | None:
        return self.key_at(row)

    def cell(self, r: _Row, col: int, role: int) -> Any:
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter) if col == COL_EVIDENCE else None
        inc = r.incident
        lang = get_language()
        if col == COL_DATE:
            text = inc.happened.render(lang)
            if inc.until is not None:
                text += " – " + inc.until.render(lang)
            return text
        if col == COL_CATEGORY:
            try:
                return taxonomy.label(inc.category, lang)
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
