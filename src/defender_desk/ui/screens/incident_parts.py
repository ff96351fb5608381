"""Parts of the incident editor: the category picker, the date-precision control, the people
checklists, a follow-up row and the evidence drop zone."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, QDateTime, QEvent, QLocale, QObject, Qt, QTime, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from defender_desk.domain import taxonomy
from defender_desk.domain.dates import YEAR_MAX, YEAR_MIN, FuzzyDate, Precision
from defender_desk.domain.models import FOLLOW_UP_LABELS, FollowUpKind, Person, PersonRole
from defender_desk.i18n import N_, _, get_language
from defender_desk.ui.kit.format import date_format
from defender_desk.ui.kit.widgets import PlainLabel, fill_combo, name_widget, select_data
from defender_desk.ui.screens.person_form import PersonDialog, person_details

if TYPE_CHECKING:
    from defender_desk.ui.kit.host import Host

SEVERITY_LABELS: dict[int, str] = {
    1: N_("1 — minor"),
    2: N_("2 — moderate"),
    3: N_("3 — serious"),
    4: N_("4 — very serious"),
    5: N_("5 — life or liberty at risk"),
}
PRECISION_LABELS: dict[Precision, str] = {
    Precision.EXACT: N_("Exact date and time"),
    Precision.DAY: N_("Day"),
    Precision.MONTH: N_("Month"),
    Precision.YEAR: N_("Year"),
    Precision.APPROXIMATE: N_("Approximately"),
}


# -- the category picker --------------------------------------------------------------------


class CategoryPicker(QWidget):
    """A search box over the category tree (labels in the current language). ``changed``
    carries the chosen code.

    The choice is the *selected* row, and only that: tabbing into the tree moves the cursor
    without choosing anything (Qt puts the cursor on the first row when a tree gets focus), and
    what is highlighted is always what "Chosen:" says. Down in the search box goes to the first
    result; Enter there takes it. Each category is listed once, in its primary place."""

    changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._code: str | None = None
        self.label = QLabel(self)
        self.search = QLineEdit(self)
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        self.search.returnPressed.connect(self._take_first_visible)
        self.search.installEventFilter(self)
        self.label.setBuddy(self.search)
        self.model = QStandardItemModel(self)
        self.tree = QTreeView(self)
        self.tree.setModel(self.model)
        self.tree.setHeaderHidden(True)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setIndentation(14)
        self.tree.setUniformRowHeights(True)
        # Long Russian and Kazakh labels are never cut: the tree scrolls sideways instead.
        self.tree.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.tree.header().setStretchLastSection(False)
        self.tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.tree.selectionModel().selectionChanged.connect(lambda *_a: self._selection_changed())
        self.chosen = PlainLabel("", self)
        self.chosen.setWordWrap(True)
        self.chosen.setStyleSheet("font-weight: bold;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.search)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.chosen)
        self.retranslate()

    def retranslate(self) -> None:
        self.label.setText(_("&Category (type to search):"))
        name_widget(self.search, _("Search the categories"))
        self.search.setPlaceholderText(_("e.g. threat, угроза, қорқыту"))
        name_widget(self.tree, _("Categories"))
        self.chosen.setAccessibleName(_("Chosen category"))
        self._build()

    def _build(self) -> None:
        lang = get_language()
        self.model.clear()
        parents: list[QStandardItem] = []
        metrics = self.tree.fontMetrics()
        widest = 0
        skip_below: int | None = None
        for entry in taxonomy.walk():
            if skip_below is not None and entry.depth > skip_below:
                continue  # inside a category's second placement
            skip_below = None
            if not entry.primary:
                skip_below = entry.depth  # listed once, where it belongs first
                continue
            item = QStandardItem(entry.category.label(lang))
            item.setData(entry.category.code, Qt.ItemDataRole.UserRole)
            item.setToolTip(entry.category.label(lang))
            del parents[entry.depth :]
            (parents[-1] if parents else self.model.invisibleRootItem()).appendRow(item)
            parents.append(item)
            widest = max(
                widest,
                (entry.depth + 1) * self.tree.indentation()
                + metrics.horizontalAdvance(item.text())
                + 16,
            )
        # Measured here: the header cannot size a hidden column to its contents by itself.
        self.tree.setColumnWidth(0, widest)
        self.tree.expandAll()
        self._filter(self.search.text())
        if self._code:
            self._select(self._code)
        self._update_chosen()

    def _items(self) -> list[QStandardItem]:
        out: list[QStandardItem] = []
        stack = [self.model.invisibleRootItem()]
        while stack:
            node = stack.pop()
            for row in range(node.rowCount()):
                child = node.child(row)
                out.append(child)
                stack.append(child)
        return out

    def _filter(self, text: str) -> None:
        matched = {c.code for c in taxonomy.search(text, get_language())}

        def visit(node: QStandardItem) -> bool:
            any_visible = False
            for row in range(node.rowCount()):
                child = node.child(row)
                below = visit(child)
                visible = below or child.data(Qt.ItemDataRole.UserRole) in matched
                self.tree.setRowHidden(row, node.index(), not visible)
                any_visible |= visible
            return any_visible

        visit(self.model.invisibleRootItem())
        self.tree.expandAll()

    def _take_first_visible(self) -> None:
        matched = {c.code for c in taxonomy.search(self.search.text(), get_language())}
        for item in self._items_in_order():
            if not self._hidden(item) and item.data(Qt.ItemDataRole.UserRole) in matched:
                self.tree.setCurrentIndex(item.index())
                self.tree.setFocus()
                return

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if (
            obj is self.search
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Down
        ):
            self._take_first_visible()
            return True
        return super().eventFilter(obj, event)

    def _items_in_order(self) -> list[QStandardItem]:
        out: list[QStandardItem] = []

        def visit(node: QStandardItem) -> None:
            for row in range(node.rowCount()):
                out.append(node.child(row))
                visit(node.child(row))

        visit(self.model.invisibleRootItem())
        return out

    def _hidden(self, item: QStandardItem) -> bool:
        parent = item.parent() or self.model.invisibleRootItem()
        return self.tree.isRowHidden(item.row(), parent.index())

    def _selection_changed(self) -> None:
        rows = self.tree.selectionModel().selectedIndexes()
        code = rows[0].data(Qt.ItemDataRole.UserRole) if rows else None
        if code and code != self._code:
            self._code = code
            self._update_chosen()
            self.changed.emit(code)

    def _select(self, code: str) -> None:
        for item in self._items_in_order():
            if item.data(Qt.ItemDataRole.UserRole) == code:
                self.tree.setCurrentIndex(item.index())
                self.tree.scrollTo(item.index())
                return

    def code(self) -> str | None:
        return self._code

    def set_code(self, code: str | None) -> None:
        self._code = code
        if code:
            self._select(code)
        self._update_chosen()
        if code:
            self.changed.emit(code)

    def _update_chosen(self) -> None:
        if not self._code:
            self.chosen.setText(_("No category chosen yet."))
            return
        lang = get_language()
        path = [c.label(lang) for c in taxonomy.ancestors(self._code)]
        path.append(taxonomy.label(self._code, lang))
        self.chosen.setText(_("Chosen: {path}").format(path=" › ".join(path)))


# -- the date-precision control -------------------------------------------------------------


class DateControl(QWidget):
    """A precision (exact / day / month / year / approximate) and the widgets that fit it.

    ``optional`` adds a first choice "no end date" (``none_text``); ``unset_text`` adds a first
    choice for a date she has not given yet (a new incident: never a made-up "exact, today
    00:00"). :meth:`value` returns a :class:`FuzzyDate` (or None for either first choice) and
    raises :class:`InvalidDate` for an impossible one."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        optional: bool = False,
        none_text: str = "",
        unset_text: str = "",
    ) -> None:
        super().__init__(parent)
        self.optional = optional or bool(unset_text)
        self.none_text = unset_text or none_text or N_("No end date")
        self._tz: str | None = None
        self.precision = QComboBox(self)
        # As wide as its longest choice in the current language (Kazakh ones are long).
        self.precision.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.datetime_edit = QDateTimeEdit(self)
        self.datetime_edit.setCalendarPopup(True)
        self.date_edit = QDateEdit(self)
        self.date_edit.setCalendarPopup(True)
        for edit in (self.datetime_edit, self.date_edit):
            edit.setMinimumDate(QDate(YEAR_MIN, 1, 1))
            edit.setMaximumDate(QDate(YEAR_MAX, 12, 31))
        self.month = QComboBox(self)
        self.about_label = QLabel(self)
        self.year = QSpinBox(self)
        self.range_box = QCheckBox(self)
        self.year_end = QSpinBox(self)
        for spin in (self.year, self.year_end):
            spin.setRange(YEAR_MIN, YEAR_MAX)
            spin.setGroupSeparatorShown(False)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for w in (
            self.precision,
            self.datetime_edit,
            self.date_edit,
            self.month,
            self.about_label,
            self.year,
            self.range_box,
            self.year_end,
        ):
            row.addWidget(w)
        row.addStretch(1)
        self.precision.currentIndexChanged.connect(self._adapt)
        self.range_box.toggled.connect(self._adapt)
        self.retranslate()
        today = date.today()
        self.set_value(
            None if self.optional else FuzzyDate.on_day(today.year, today.month, today.day)
        )

    def retranslate(self) -> None:
        items: list[tuple[str, Any]] = []
        if self.optional:
            items.append((_(self.none_text), None))
        items += [(_(PRECISION_LABELS[p]), p.value) for p in reversed(Precision)]
        fill_combo(self.precision, items)
        name_widget(self.precision, _("How precisely you know the date"))
        name_widget(self.datetime_edit, _("Date and time"))
        name_widget(self.date_edit, _("Date"))
        name_widget(self.month, _("Month"))
        name_widget(self.year, _("Year"))
        self.range_box.setText(_("to"))
        self.range_box.setAccessibleName(_("Between two years"))
        name_widget(self.year_end, _("Last possible year"))
        self.datetime_edit.setDisplayFormat(date_format(True))
        self.date_edit.setDisplayFormat(date_format(False))
        loc = QLocale(get_language())
        fill_combo(
            self.month,
            [(loc.standaloneMonthName(m, QLocale.FormatType.LongFormat), m) for m in range(1, 13)],
        )
        self._adapt()

    def current_precision(self) -> Precision | None:
        data = self.precision.currentData()
        return Precision(data) if data else None

    def _adapt(self) -> None:
        p = self.current_precision()
        self.datetime_edit.setVisible(p is Precision.EXACT)
        self.date_edit.setVisible(p is Precision.DAY)
        self.month.setVisible(p is Precision.MONTH)
        self.year.setVisible(p in (Precision.MONTH, Precision.YEAR, Precision.APPROXIMATE))
        approx = p is Precision.APPROXIMATE
        self.about_label.setVisible(approx)
        self.about_label.setText(_("about") if not self.range_box.isChecked() else _("between"))
        self.range_box.setVisible(approx)
        self.year_end.setVisible(approx and self.range_box.isChecked())
        self.range_box.setText(_("and") if self.range_box.isChecked() else _("or a range"))

    def _sync_from(self, fd: FuzzyDate) -> None:
        """Put ``fd`` into every page so switching precision keeps what is known."""
        today = date.today()
        # A date known to the year: switching to "month" starts at this month, not January.
        month = fd.month or (today.month if fd.year == today.year else 1)
        qd = QDate(fd.year, month, fd.day or 1)
        self.date_edit.setDate(qd)
        self.datetime_edit.setDateTime(QDateTime(qd, QTime(fd.hour or 0, fd.minute or 0)))
        select_data(self.month, month)
        self.year.setValue(fd.year)
        self.year_end.setValue(fd.year_end or fd.year + 1)
        self.range_box.setChecked(fd.year_end is not None)

    def set_value(self, fd: FuzzyDate | None) -> None:
        if fd is None:
            today = date.today()
            self._sync_from(FuzzyDate.on_day(today.year, today.month, today.day))
            self._tz = None
            if not select_data(self.precision, None):
                select_data(self.precision, Precision.DAY.value)
        else:
            self._sync_from(fd)
            self._tz = fd.tz
            select_data(self.precision, fd.precision.value)
        self._adapt()

    def value(self) -> FuzzyDate | None:
        p = self.current_precision()
        if p is None:
            return None
        if p is Precision.EXACT:
            dt = self.datetime_edit.dateTime()
            d, t = dt.date(), dt.time()
            return FuzzyDate.exact(d.year(), d.month(), d.day(), t.hour(), t.minute(), self._tz)
        if p is Precision.DAY:
            d = self.date_edit.date()
            return FuzzyDate.on_day(d.year(), d.month(), d.day())
        if p is Precision.MONTH:
            return FuzzyDate.in_month(self.year.value(), int(self.month.currentData()))
        if p is Precision.YEAR:
            return FuzzyDate.in_year(self.year.value())
        end = self.year_end.value() if self.range_box.isChecked() else None
        return FuzzyDate.about(self.year.value(), end)

    def focus_widget(self) -> QWidget:
        return self.precision


# -- people checklist -----------------------------------------------------------------------


class PeopleChecklist(QWidget):
    """A checkable list of people (optionally with "Myself" first) and a "New…" button that
    adds a person inline."""

    created = Signal(object)

    def __init__(
        self,
        host: Host,
        parent: QWidget | None,
        *,
        with_self: bool,
        roles: Callable[[Person], bool],
        new_role: PersonRole,
    ) -> None:
        super().__init__(parent)
        self.host = host
        self.desk = host.desk
        self.with_self = with_self
        self.roles = roles
        self.new_role = new_role
        self.list = QListWidget(self)
        self.list.setMinimumHeight(70)
        self.list.setMaximumHeight(110)
        self.new_button = QPushButton(self)
        self.new_button.clicked.connect(self.create_inline)
        self.dialog: PersonDialog | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.new_button, 0, Qt.AlignmentFlag.AlignLeft)
        self._self_checked = False
        self._people: list[Person] = []
        self._checked: list[str] = []

    def set_texts(self, list_name: str, new_text: str, new_name: str) -> None:
        name_widget(self.list, list_name)
        self.new_button.setText(new_text)
        self.new_button.setAccessibleName(new_name)
        if self.with_self and self.list.count():
            self.list.item(0).setText(_("Myself"))

    def set_people(
        self, people: Sequence[Person], checked: Sequence[str], self_checked: bool = False
    ) -> None:
        self._people = list(people)
        keep = set(checked)
        self.list.clear()
        if self.with_self:
            me = QListWidgetItem(_("Myself"))
            me.setData(Qt.ItemDataRole.UserRole, "self")
            me.setCheckState(Qt.CheckState.Checked if self_checked else Qt.CheckState.Unchecked)
            self.list.addItem(me)
        for person in people:
            if not (self.roles(person) or person.id in keep):
                continue
            details = person_details(person)
            item = QListWidgetItem(person.name + (f" ({details})" if details else ""))
            item.setData(Qt.ItemDataRole.UserRole, person.id)
            item.setCheckState(
                Qt.CheckState.Checked if person.id in keep else Qt.CheckState.Unchecked
            )
            self.list.addItem(item)

    def _items(self) -> list[QListWidgetItem]:
        return [self.list.item(i) for i in range(self.list.count())]

    def checked_ids(self) -> list[str]:
        return [
            i.data(Qt.ItemDataRole.UserRole)
            for i in self._items()
            if i.checkState() == Qt.CheckState.Checked
            and i.data(Qt.ItemDataRole.UserRole) != "self"
        ]

    def self_checked(self) -> bool:
        return any(
            i.data(Qt.ItemDataRole.UserRole) == "self" and i.checkState() == Qt.CheckState.Checked
            for i in self._items()
        )

    def set_checked(self, person_id: str, on: bool = True) -> None:
        for i in self._items():
            if i.data(Qt.ItemDataRole.UserRole) == person_id:
                i.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def create_inline(self) -> None:
        self.dialog = PersonDialog(self.host, self.window(), self.new_role)
        self.dialog.accepted.connect(self._created)
        self.dialog.open()

    def _created(self) -> None:
        assert self.dialog is not None
        person = self.dialog.person
        if person is None:
            return
        checked = [*self.checked_ids(), person.id]
        self.set_people(self.desk.list_people(), checked, self.self_checked())
        self.created.emit(person)


# -- follow-ups -----------------------------------------------------------------------------


class FollowUpRow(QWidget):
    remove = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = QComboBox(self)
        self.text = QLineEdit(self)
        self.when = QLineEdit(self)
        self.when.setMaximumWidth(130)
        self.remove_button = QPushButton(self)
        self.remove_button.setAutoDefault(False)
        self.remove_button.clicked.connect(lambda: self.remove.emit(self))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.kind)
        row.addWidget(self.text, 1)
        row.addWidget(self.when)
        row.addWidget(self.remove_button)
        self.retranslate()

    def retranslate(self) -> None:
        fill_combo(self.kind, [(_(FOLLOW_UP_LABELS[k]), k.value) for k in FollowUpKind])
        name_widget(self.kind, _("What was done"))
        name_widget(self.text, _("Details of what was done"))
        self.text.setPlaceholderText(_("Details (optional)"))
        name_widget(self.when, _("When it was done"))
        self.when.setPlaceholderText(_("When, e.g. 2022-03-15"))
        self.remove_button.setText(_("Remove"))
        self.remove_button.setAccessibleName(_("Remove this follow-up"))


# -- evidence drop zone ---------------------------------------------------------------------


class DropZone(QFrame):
    """Accepts files dragged in from the desktop; emits their paths."""

    files_dropped = Signal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumHeight(56)
        self.setStyleSheet("DropZone { border: 2px dashed #6b7280; border-radius: 6px; }")
        self.label = PlainLabel("", self)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)

    @staticmethod
    def _paths(event: QDragEnterEvent | QDropEvent) -> list[Path]:
        mime = event.mimeData()
        if mime is None or not mime.hasUrls():
            return []
        return [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._paths(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: Any) -> None:
        event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = self._paths(event)
        if paths:
            event.acceptProposedAction()
            self.files_dropped.emit(paths)
        else:
            event.ignore()
