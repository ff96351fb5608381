"""Lists over the facade: a lazy, paged table model and an empty-state line.

:class:`PagedModel` asks the facade only for the row count up front; rows come in pages of
:attr:`PagedModel.page_size` when the view first shows one of them, and at most
:attr:`PagedModel.pages_kept` pages stay in memory (record text held by the list is bounded,
100,000 rows cost no more than a page). A screen says only how to count, how to fetch a page,
and what each cell shows.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QWidget

from defender_desk.i18n import _
from defender_desk.ui.kit.widgets import PlainLabel

__all__ = ["EmptyState", "PagedModel"]

T = TypeVar("T")


class PagedModel(QAbstractTableModel, Generic[T]):
    """A table whose rows are fetched page by page. Subclasses implement :meth:`count_rows`,
    :meth:`fetch`, :meth:`cell` and :meth:`key`; ``columns`` are msgids (marked with N_).
    ``fetched`` lists every page fetched (tests)."""

    page_size = 200
    pages_kept = 20
    key_role = Qt.ItemDataRole.UserRole

    def __init__(self, columns: Sequence[str], parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = tuple(columns)
        self._count = 0
        self._pages: OrderedDict[int, list[T]] = OrderedDict()
        self.fetched: list[int] = []

    # -- what a screen says -----------------------------------------------------------------
    def count_rows(self) -> int:  # pragma: no cover - overridden
        return 0

    def fetch(self, offset: int, limit: int) -> list[T]:  # pragma: no cover - overridden
        return []

    def cell(self, row: T, column: int, role: int) -> Any:  # pragma: no cover - overridden
        return None

    def key(self, row: T) -> str:  # pragma: no cover - overridden
        return ""

    # -- loading -----------------------------------------------------------------------------
    def reset_rows(self) -> None:
        """Count again and drop every page (after a change or a new filter)."""
        self.beginResetModel()
        self._pages.clear()
        self.fetched = []
        self._count = self.count_rows()
        self.endResetModel()

    def clear(self) -> None:
        self.beginResetModel()
        self._pages.clear()
        self._count = 0
        self.endResetModel()

    def _page(self, number: int) -> list[T]:
        rows = self._pages.get(number)
        if rows is not None:
            self._pages.move_to_end(number)
            return rows
        rows = self.fetch(number * self.page_size, self.page_size)
        self._pages[number] = rows
        self.fetched.append(number)
        while len(self._pages) > self.pages_kept:
            self._pages.popitem(last=False)
        return rows

    def row_at(self, row: int) -> T | None:
        if not 0 <= row < self._count:
            return None
        rows = self._page(row // self.page_size)
        index = row % self.page_size
        return rows[index] if index < len(rows) else None

    def key_at(self, row: int) -> str | None:
        r = self.row_at(row)
        return self.key(r) if r is not None else None

    def loaded_row_of(self, key: str) -> int | None:
        """The row of ``key`` if it is on a page already fetched (no query)."""
        for number, rows in self._pages.items():
            for i, r in enumerate(rows):
                if self.key(r) == key:
                    return number * self.page_size + i
        return None

    # -- Qt model ------------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _(self.columns[section])
        return None

    def data(
        self,
        index: QModelIndex | QPersistentModelIndex,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if not index.isValid():
            return None
        if role not in (Qt.ItemDataRole.DisplayRole, self.key_role) and role not in (
            Qt.ItemDataRole.TextAlignmentRole,
        ):
            return None
        r = self.row_at(index.row())
        if r is None:
            return None
        if role == self.key_role:
            return self.key(r)
        return self.cell(r, index.column(), role)

    def retranslated(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.columns) - 1)
        if self._count:
            self.dataChanged.emit(
                self.index(0, 0), self.index(self._count - 1, len(self.columns) - 1)
            )


class EmptyState(PlainLabel):
    """The line a list shows when it has no rows: what to do first, or how to see everything
    again when a filter hides it all."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)

    def show_for(self, rows: int, *, filtered: bool, empty: str, nothing_matches: str) -> None:
        self.setText(nothing_matches if filtered else empty)
        self.setVisible(rows == 0)
