"""The incident editor: what happened, when (to the precision she knows), who it was aimed at
and who acted, how, what was done about it, the summons details for a summons, and the evidence
files — dropped in, encrypted into the vault at once, and viewed from memory only.

Also here: the category tree picker, the date-precision control, the evidence viewer and the
history dialog (the incident list uses the last one too).

Evidence added to a *new* incident is imported unattached while the form is open and attached
when she saves; if she discards the new incident those files are deleted again (after asking).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, QDateTime, QLocale, QSize, Qt, QTime, QTimer, Signal
from PySide6.QtGui import (
    QDragEnterEvent,
    QDropEvent,
    QFont,
    QImage,
    QKeySequence,
    QPixmap,
    QResizeEvent,
    QShortcut,
    QShowEvent,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from defender_desk.domain import taxonomy
from defender_desk.domain.dates import (
    YEAR_MAX,
    YEAR_MIN,
    FuzzyDate,
    InvalidDate,
    Precision,
    parse_when,
)
from defender_desk.domain.models import (
    CHANNEL_LABELS,
    FOLLOW_UP_LABELS,
    STATUS_LABELS,
    Channel,
    Evidence,
    FollowUpKind,
    Incident,
    Person,
    PersonRole,
    SummonsStatus,
)
from defender_desk.errors import DefenderDeskError, InvalidInput
from defender_desk.i18n import N_, _, get_language, ngettext
from defender_desk.ui import dialogs, filepicker
from defender_desk.ui.base import PlainLabel
from defender_desk.ui.jobs import Job, error_text
from defender_desk.ui.screens.people import (
    PersonDialog,
    error_label,
    field_error_text,
    fill_combo,
    name_widget,
    person_details,
    select_data,
)

if TYPE_CHECKING:
    from defender_desk.app import Desk
    from defender_desk.ui.app import Controller

R_CHOOSE_CATEGORY = N_("choose one from the list")

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
OPERATION_LABELS = {"create": N_("Created"), "edit": N_("Edited"), "delete": N_("Deleted")}
TEXT_TYPES = ("application/json", "application/xml", "application/x-sh", "application/csv")


# -- small formatting helpers ---------------------------------------------------------------


def human_size(size: int) -> str:
    if size < 1024:
        return ngettext("{n} byte", "{n} bytes", size).format(n=size)
    value = float(size)
    for unit in (N_("{n} KB"), N_("{n} MB"), N_("{n} GB"), N_("{n} TB")):
        value /= 1024
        if value < 1024 or unit == "{n} TB":
            number = f"{value:.1f}"
            if get_language() in ("ru", "kk"):
                number = number.replace(".", ",")
            return _(unit).format(n=number)
    return str(size)  # pragma: no cover - unreachable


def local_time(moment: datetime | None) -> str:
    if moment is None:
        return "—"
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.strftime("%Y-%m-%d %H:%M")


def recorded_time(text: str) -> str:
    """A history ``recorded_at`` (UTC, ``…Z``) in local time, to the second."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def is_text_type(media_type: str) -> bool:
    return (
        media_type.startswith("text/")
        or media_type in TEXT_TYPES
        or media_type.endswith(("+json", "+xml"))
    )


def date_format(with_time: bool) -> str:
    fmt = "d MMM yyyy" if get_language() == "en" else "dd.MM.yyyy"
    return fmt + " HH:mm" if with_time else fmt


# -- the category picker --------------------------------------------------------------------


class CategoryPicker(QWidget):
    """A search box over the category tree (labels in the current language). ``changed``
    carries the chosen code."""

    changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._code: str | None = None
        self.label = QLabel(self)
        self.search = QLineEdit(self)
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        self.search.returnPressed.connect(self._take_first_visible)
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
        self.tree.selectionModel().currentChanged.connect(self._current_changed)
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
        for entry in taxonomy.walk():
            item = QStandardItem(entry.category.label(lang))
            item.setData(entry.category.code, Qt.ItemDataRole.UserRole)
            item.setToolTip(entry.category.label(lang))
            if not entry.primary:
                font = item.font()
                font.setItalic(True)
                item.setFont(font)
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
        for item in self._items_in_order():
            if not self._hidden(item) and item.data(Qt.ItemDataRole.UserRole) in {
                c.code for c in taxonomy.search(self.search.text(), get_language())
            }:
                self.tree.setCurrentIndex(item.index())
                self.tree.setFocus()
                return

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

    def _current_changed(self, current: Any, _previous: Any = None) -> None:
        code = current.data(Qt.ItemDataRole.UserRole) if current.isValid() else None
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

    ``optional`` adds a first choice "no end date". :meth:`value` returns a
    :class:`FuzzyDate` (or None) and raises :class:`InvalidDate` for an impossible one."""

    def __init__(
        self, parent: QWidget | None = None, *, optional: bool = False, none_text: str = ""
    ) -> None:
        super().__init__(parent)
        self.optional = optional
        self.none_text = none_text or N_("No end date")
        self._tz: str | None = None
        self.precision = QComboBox(self)
        self.precision.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.precision.setMinimumContentsLength(14)
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
        today = date.today()
        self.set_value(None if optional else FuzzyDate.on_day(today.year, today.month, today.day))
        self.retranslate()

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
        qd = QDate(fd.year, fd.month or 1, fd.day or 1)
        self.date_edit.setDate(qd)
        self.datetime_edit.setDateTime(QDateTime(qd, QTime(fd.hour or 0, fd.minute or 0)))
        select_data(self.month, fd.month or 1)
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
        desk: Desk,
        parent: QWidget | None,
        *,
        with_self: bool,
        roles: Callable[[Person], bool],
        new_role: PersonRole,
    ) -> None:
        super().__init__(parent)
        self.desk = desk
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
        self.dialog = PersonDialog(self.desk, self.window(), self.new_role)
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


# -- evidence viewer ------------------------------------------------------------------------


class EvidenceViewer(QDialog):
    """Shows one evidence file decrypted into memory: an image, text, or (anything else) its
    metadata and SHA-256. Nothing is written anywhere."""

    def __init__(self, desk: Desk, evidence: Evidence, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # The decrypted picture or text must not linger in a hidden window once closed.
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.evidence = evidence
        self.kind = "other"
        self._pixmap: QPixmap | None = None
        self.resize(860, 640)
        self.content: QWidget | None = None
        self.image_label: QLabel | None = None
        self.text_view: QPlainTextEdit | None = None
        self.fit_box: QCheckBox | None = None
        self.note = PlainLabel("", self)
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        self.error = error_label(self)
        data: bytes | None = None
        try:
            data = desk.read_evidence(evidence.id)
        except DefenderDeskError as exc:
            self.error.setText(error_text(exc))
        if data is not None and evidence.media_type.startswith("image/"):
            image = QImage()
            if image.loadFromData(data):
                self.kind = "image"
                self._pixmap = QPixmap.fromImage(image)
                self.scroll = QScrollArea(self)
                self.scroll.setAlignment(Qt.AlignmentFlag.AlignCenter)
                self.image_label = QLabel(self.scroll)
                self.image_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
                self.scroll.setWidget(self.image_label)
                self.scroll.setWidgetResizable(True)
                self.fit_box = QCheckBox(self)
                self.fit_box.setChecked(True)
                self.fit_box.toggled.connect(self._show_pixmap)
                layout.addWidget(self.fit_box)
                layout.addWidget(self.scroll, 1)
                self.content = self.scroll
        elif data is not None and is_text_type(evidence.media_type):
            self.kind = "text"
            text = data.decode("utf-8", errors="replace")
            self.replaced = "\ufffd" in text and b"\xef\xbf\xbd" not in data
            self.text_view = QPlainTextEdit(self)
            self.text_view.setReadOnly(True)
            self.text_view.setPlainText(text)
            self.text_view.setTabChangesFocus(True)
            layout.addWidget(self.text_view, 1)
            self.content = self.text_view
        del data
        layout.addWidget(self.note)
        self.meta = QFormLayout()
        self.meta_labels: list[tuple[QLabel, PlainLabel, str]] = []
        for key, value in (
            (N_("File name:"), evidence.original_name),
            (N_("Type:"), evidence.media_type),
            (N_("Size:"), ""),
            (N_("SHA-256:"), evidence.sha256),
            (N_("File time:"), local_time(evidence.file_time)),
            (N_("Camera time:"), local_time(evidence.camera_time)),
            (N_("Added to the vault:"), local_time(evidence.added_at)),
        ):
            label = QLabel(self)
            field = PlainLabel(value, self)
            field.setWordWrap(True)
            field.setTextInteractionFlags(
                Qt.TextInteractionFlag.TextSelectableByKeyboard
                | Qt.TextInteractionFlag.TextSelectableByMouse
            )
            if key == N_("SHA-256:"):
                field.setFont(QFont("DejaVu Sans Mono"))
                self.sha_field = field
            if key == N_("Size:"):
                self.size_field = field
            self.meta.addRow(label, field)
            self.meta_labels.append((label, field, key))
        layout.addLayout(self.meta)
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.retranslate()
        if self.kind == "image":
            self._show_pixmap()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Evidence file"))
        self.setAccessibleName(_("Evidence file"))
        for label, field, key in self.meta_labels:
            label.setText(_(key))
            field.setAccessibleName(_(key).rstrip(":"))
        self.size_field.setText(human_size(self.evidence.size))
        if self.fit_box is not None:
            self.fit_box.setText(_("Fit to the window"))
            self.fit_box.setAccessibleName(_("Fit the picture to the window"))
        if self.image_label is not None:
            self.image_label.setAccessibleName(_("The picture"))
            self.scroll.setAccessibleName(_("The picture"))
        if self.text_view is not None:
            name_widget(self.text_view, _("The text of the file"))
        notes = {
            "image": _("Shown from memory; no copy of the file is written anywhere."),
            "text": _("Shown from memory; no copy of the file is written anywhere."),
            "other": _(
                "This kind of file cannot be shown here. Its fingerprint (SHA-256) lets anyone"
                " check that a copy is identical."
            ),
        }
        note = notes[self.kind]
        if self.kind == "text" and getattr(self, "replaced", False):
            note += " " + _("Some bytes are not valid text and are shown as �.")
        self.note.setText(note)
        self.note.setAccessibleName(note)
        self.error.setAccessibleName(_("Problem"))
        close = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setText(_("Close"))
        close.setAccessibleName(_("Close"))

    def _show_pixmap(self) -> None:
        if self._pixmap is None or self.image_label is None or self.fit_box is None:
            return
        area = self.scroll.viewport().size() - QSize(4, 4)
        size = self._pixmap.size()
        if self.fit_box.isChecked() and (
            size.width() > area.width() or size.height() > area.height()
        ):
            self.image_label.setPixmap(
                self._pixmap.scaled(
                    area.expandedTo(QSize(32, 32)),
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
        else:
            self.image_label.setPixmap(self._pixmap)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # The scroll area's viewport gets its new size after this event: scale afterwards.
        QTimer.singleShot(0, self._show_pixmap)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, self._show_pixmap)


# -- history ---------------------------------------------------------------------------------


class HistoryDialog(QDialog):
    """The revisions of one record: operation, when it was recorded, hash; purged ones marked."""

    def __init__(self, desk: Desk, record_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.revisions = desk.history_of(record_id)
        self.resize(900, 420)
        self.intro = PlainLabel("", self)
        self.intro.setWordWrap(True)
        self.table = QTableWidget(self)
        self.table.setColumnCount(5)
        self.table.setRowCount(len(self.revisions))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        mono = QFont("DejaVu Sans Mono")
        for row, rev in enumerate(self.revisions):
            self.table.setItem(row, 0, QTableWidgetItem(str(rev["seq"])))
            self.table.setItem(row, 2, QTableWidgetItem(recorded_time(rev["recorded_at"])))
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

    def retranslate(self) -> None:
        self.setWindowTitle(_("History of this record"))
        self.setAccessibleName(_("History of this record"))
        self.intro.setText(
            _(
                "Every change is a link in a chain of hashes. A purged entry keeps only its hash:"
                " it shows that a change was made, not what it said."
            )
        )
        self.table.setHorizontalHeaderLabels(
            [_("No."), _("Change"), _("Recorded (your time)"), _("Content"), _("Hash (SHA-256)")]
        )
        name_widget(self.table, _("Revisions"))
        for row, rev in enumerate(self.revisions):
            op = OPERATION_LABELS.get(rev["operation"])
            self.table.setItem(row, 1, QTableWidgetItem(_(op) if op else rev["operation"]))
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


# -- the editor ------------------------------------------------------------------------------


class IncidentEditor(QDialog):
    """Create (``incident_id=None``) or edit one incident. After Save, :attr:`incident` holds
    the stored incident and the dialog is accepted."""

    def __init__(
        self,
        controller: Controller,
        incident_id: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self.desk: Desk = controller.desk
        self.incident_id = incident_id
        self.incident: Incident | None = (
            self.desk.get_incident(incident_id) if incident_id else None
        )
        self.pending: list[Evidence] = []  # imported for a new incident, attached on save
        self.job: Job | None = None
        self.viewer: EvidenceViewer | None = None
        self.history: HistoryDialog | None = None
        self.resize(1100, 780)
        self.setSizeGripEnabled(True)

        # left: category
        self.category = CategoryPicker(self)
        self.category.changed.connect(self._category_changed)

        # right: the form, scrolled
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget(self.scroll)
        self.body = body

        self.what_box = QGroupBox(body)
        self.title_edit = QLineEdit(self.what_box)
        self.description = QPlainTextEdit(self.what_box)
        self.description.setTabChangesFocus(True)
        self.description.setMinimumHeight(90)
        self.description.setMaximumHeight(160)
        self.start = DateControl(self.what_box)
        self.end = DateControl(self.what_box, optional=True)
        self.place = QLineEdit(self.what_box)
        self.what_form = QFormLayout(self.what_box)
        self.what_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.title_label, self.description_label = QLabel(), QLabel()
        self.start_label, self.end_label, self.place_label = QLabel(), QLabel(), QLabel()
        self.what_form.addRow(self.title_label, self.title_edit)
        self.what_form.addRow(self.description_label, self.description)
        self.what_form.addRow(self.start_label, self.start)
        self.what_form.addRow(self.end_label, self.end)
        self.what_form.addRow(self.place_label, self.place)
        self.title_label.setBuddy(self.title_edit)
        self.description_label.setBuddy(self.description)
        self.start_label.setBuddy(self.start.precision)
        self.end_label.setBuddy(self.end.precision)
        self.place_label.setBuddy(self.place)

        self.who_box = QGroupBox(body)
        self.targets = PeopleChecklist(
            self.desk,
            self.who_box,
            with_self=True,
            roles=lambda p: p.role is not PersonRole.ACTOR,
            new_role=PersonRole.FAMILY,
        )
        self.actors = PeopleChecklist(
            self.desk,
            self.who_box,
            with_self=False,
            roles=lambda p: p.role is PersonRole.ACTOR,
            new_role=PersonRole.ACTOR,
        )
        self.witnesses = PeopleChecklist(
            self.desk,
            self.who_box,
            with_self=False,
            roles=lambda p: p.role is not PersonRole.ACTOR,
            new_role=PersonRole.WITNESS,
        )
        for checklist in (self.targets, self.actors, self.witnesses):
            checklist.created.connect(self._person_created)
        self.who_form = QFormLayout(self.who_box)
        self.who_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.targets_label, self.actors_label = QLabel(), QLabel()
        self.witnesses_label = QLabel()
        self.who_form.addRow(self.targets_label, self.targets)
        self.who_form.addRow(self.actors_label, self.actors)
        self.who_form.addRow(self.witnesses_label, self.witnesses)
        self.targets_label.setBuddy(self.targets.list)
        self.actors_label.setBuddy(self.actors.list)
        self.witnesses_label.setBuddy(self.witnesses.list)

        self.how_box = QGroupBox(body)
        self.channel = QComboBox(self.how_box)
        self.severity = QComboBox(self.how_box)
        self.tags = QLineEdit(self.how_box)
        self.how_form = QFormLayout(self.how_box)
        self.how_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.channel_label, self.severity_label, self.tags_label = QLabel(), QLabel(), QLabel()
        self.how_form.addRow(self.channel_label, self.channel)
        self.how_form.addRow(self.severity_label, self.severity)
        self.how_form.addRow(self.tags_label, self.tags)
        self.channel_label.setBuddy(self.channel)
        self.severity_label.setBuddy(self.severity)
        self.tags_label.setBuddy(self.tags)

        self.follow_box = QGroupBox(body)
        self.follow_rows: list[FollowUpRow] = []
        self.follow_layout = QVBoxLayout(self.follow_box)
        self.add_follow_button = QPushButton(self.follow_box)
        self.add_follow_button.clicked.connect(lambda: self.add_follow_up().kind.setFocus())
        self.follow_layout.addWidget(self.add_follow_button, 0, Qt.AlignmentFlag.AlignLeft)

        self.summons_box = QGroupBox(body)
        self.who_summoned = QLineEdit(self.summons_box)
        self.legal_basis = QLineEdit(self.summons_box)
        self.status = QComboBox(self.summons_box)
        self.erdr = QLineEdit(self.summons_box)
        self.appointed = DateControl(self.summons_box, optional=True, none_text=N_("Not known"))
        self.summons_place = QLineEdit(self.summons_box)
        self.lawyer_present = QComboBox(self.summons_box)
        self.letter = QComboBox(self.summons_box)
        self.summons_form = QFormLayout(self.summons_box)
        self.summons_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.summons_labels: dict[str, QLabel] = {}
        for key, widget in (
            ("who_summoned", self.who_summoned),
            ("legal_basis", self.legal_basis),
            ("status", self.status),
            ("erdr_number", self.erdr),
            ("appointed", self.appointed),
            ("place", self.summons_place),
            ("lawyer_present", self.lawyer_present),
            ("letter_evidence_id", self.letter),
        ):
            label = QLabel(self.summons_box)
            label.setBuddy(widget.precision if isinstance(widget, DateControl) else widget)
            self.summons_labels[key] = label
            self.summons_form.addRow(label, widget)

        self.evidence_box = QGroupBox(body)
        self.drop_zone = DropZone(self.evidence_box)
        self.drop_zone.files_dropped.connect(self.add_files)
        self.add_files_button = QPushButton(self.evidence_box)
        self.add_files_button.clicked.connect(self.choose_files)
        self.evidence_table = QTableWidget(self.evidence_box)
        self.evidence_table.setColumnCount(4)
        self.evidence_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.evidence_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.evidence_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.evidence_table.verticalHeader().setVisible(False)
        self.evidence_table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.Stretch
        )
        self.evidence_table.setMinimumHeight(110)
        self.evidence_table.cellActivated.connect(lambda _r, _c: self.view_evidence())
        self.view_button = QPushButton(self.evidence_box)
        self.view_button.clicked.connect(self.view_evidence)
        self.detach_button = QPushButton(self.evidence_box)
        self.detach_button.clicked.connect(self.detach_evidence)
        self.delete_evidence_button = QPushButton(self.evidence_box)
        self.delete_evidence_button.clicked.connect(self.delete_evidence)
        ev = QVBoxLayout(self.evidence_box)
        zone_row = QHBoxLayout()
        zone_row.addWidget(self.drop_zone, 1)
        zone_row.addWidget(self.add_files_button)
        ev.addLayout(zone_row)
        ev.addWidget(self.evidence_table)
        ev_buttons = QHBoxLayout()
        ev_buttons.addWidget(self.view_button)
        ev_buttons.addWidget(self.detach_button)
        ev_buttons.addWidget(self.delete_evidence_button)
        ev_buttons.addStretch(1)
        ev.addLayout(ev_buttons)

        col = QVBoxLayout(body)
        for box in (
            self.what_box,
            self.who_box,
            self.how_box,
            self.summons_box,
            self.follow_box,
            self.evidence_box,
        ):
            col.addWidget(box)
        col.addStretch(1)
        self.scroll.setWidget(body)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.category)
        self.splitter.addWidget(self.scroll)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([450, 650])
        self.splitter.setChildrenCollapsible(False)

        self.error = error_label(self)
        self.history_button = QPushButton(self)
        self.history_button.setVisible(incident_id is not None)
        self.history_button.clicked.connect(self.show_history)
        # Plain buttons, none of them default: Enter inside a field never saves or opens
        # anything by surprise (a button box would make Save the default when shown).
        self.save_button = QPushButton(self)
        self.save_button.clicked.connect(self.save)
        self.cancel_button = QPushButton(self)
        self.cancel_button.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.history_button)
        bottom.addStretch(1)
        bottom.addWidget(self.save_button)
        bottom.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.error)
        layout.addLayout(bottom)

        self.save_shortcut = QShortcut(QKeySequence("Ctrl+S"), self)
        self.save_shortcut.activated.connect(self.save)
        self.evidence_delete_shortcut = QShortcut(
            QKeySequence(QKeySequence.StandardKey.Delete), self.evidence_table
        )
        self.evidence_delete_shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        self.evidence_delete_shortcut.activated.connect(self.delete_evidence)

        # Enter in a field must not press some button (New person…, Remove…): saving is an
        # explicit Ctrl+S or the Save button.
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)
            button.setDefault(False)

        self.setTabOrder(self.category.search, self.category.tree)
        self.setTabOrder(self.category.tree, self.title_edit)
        self.retranslate()
        self._load()
        controller.language_changed.connect(self.retranslate)
        (self.title_edit if self.incident else self.category.search).setFocus()

    # -- texts ----------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.setWindowTitle(_("Edit incident") if self.incident else _("New incident"))
        self.setAccessibleName(self.windowTitle())
        self.category.retranslate()
        self.what_box.setTitle(_("What happened, when and where"))
        self.title_label.setText(_("&Title:"))
        name_widget(self.title_edit, _("Title"))
        self.title_edit.setPlaceholderText(_("A few words you will recognise later"))
        self.description_label.setText(_("&Description:"))
        name_widget(self.description, _("Description"))
        self.start_label.setText(_("When it &started:"))
        self.end_label.setText(_("When it &ended:"))
        self.place_label.setText(_("&Place:"))
        name_widget(self.place, _("Place"))
        for control, which in ((self.start, _("start")), (self.end, _("end"))):
            control.retranslate()
            name_widget(
                control.precision, _("How precisely you know the {which}").format(which=which)
            )
        self.who_box.setTitle(_("Who"))
        self.targets_label.setText(_("Aimed at:"))
        self.targets.set_texts(
            _("Aimed at (whom it was aimed at)"), _("New person…"), _("Add a new person")
        )
        self.actors_label.setText(_("Who acted:"))
        self.actors.set_texts(_("Who acted"), _("New actor…"), _("Add a new actor"))
        self.witnesses_label.setText(_("Witnesses:"))
        self.witnesses.set_texts(_("Witnesses"), _("New witness…"), _("Add a new witness"))
        self.how_box.setTitle(_("How"))
        self.channel_label.setText(_("C&hannel:"))
        fill_combo(
            self.channel,
            [(_("Not stated"), None), *[(_(CHANNEL_LABELS[c]), c.value) for c in Channel]],
        )
        name_widget(self.channel, _("Channel"))
        self.severity_label.setText(_("Se&verity:"))
        fill_combo(
            self.severity,
            [(_("Not stated"), None), *[(_(SEVERITY_LABELS[n]), n) for n in SEVERITY_LABELS]],
        )
        name_widget(self.severity, _("Severity"))
        self.tags_label.setText(_("T&ags:"))
        name_widget(self.tags, _("Tags, separated by commas"))
        self.tags.setPlaceholderText(_("separated by commas"))
        self.follow_box.setTitle(_("What was done about it"))
        self.add_follow_button.setText(_("Add a follow-up"))
        self.add_follow_button.setAccessibleName(_("Add a follow-up"))
        for row in self.follow_rows:
            row.retranslate()
        self.summons_box.setTitle(_("Summons details"))
        for key, text in (
            ("who_summoned", _("Who summoned you:")),
            ("legal_basis", _("Legal basis given:")),
            ("status", _("Your status:")),
            ("erdr_number", _("Pre-trial investigation number (ЕРДР):")),
            ("appointed", _("When you were told to come:")),
            ("place", _("Where:")),
            ("lawyer_present", _("Lawyer present:")),
            ("letter_evidence_id", _("The letter (evidence file):")),
        ):
            self.summons_labels[key].setText(text)
        name_widget(self.who_summoned, _("Who summoned you"))
        name_widget(self.legal_basis, _("Legal basis given"))
        fill_combo(self.status, [(_(STATUS_LABELS[s]), s.value) for s in SummonsStatus])
        name_widget(self.status, _("Your status"))
        name_widget(self.erdr, _("Pre-trial investigation number (ЕРДР)"))
        self.erdr.setPlaceholderText(_("15 digits"))
        self.appointed.retranslate()
        name_widget(
            self.appointed.precision, _("How precisely you know when you were told to come")
        )
        name_widget(self.summons_place, _("Where you were told to come"))
        fill_combo(
            self.lawyer_present, [(_("Not stated"), None), (_("Yes"), True), (_("No"), False)]
        )
        name_widget(self.lawyer_present, _("Lawyer present"))
        name_widget(self.letter, _("The letter (evidence file)"))
        self.evidence_box.setTitle(_("Evidence"))
        self.drop_zone.label.setText(
            _("Drop files here (photos, screenshots, letters). They are encrypted into the vault.")
        )
        self.drop_zone.setAccessibleName(_("Drop evidence files here"))
        self.drop_zone.label.setAccessibleName(_("Drop evidence files here"))
        self.add_files_button.setText(_("Add files…"))
        self.add_files_button.setAccessibleName(_("Add evidence files"))
        self.evidence_table.setHorizontalHeaderLabels(
            [_("File name"), _("Type"), _("Size"), _("Added")]
        )
        name_widget(self.evidence_table, _("Evidence files"))
        self.view_button.setText(_("View"))
        self.view_button.setAccessibleName(_("View the selected evidence file"))
        self.detach_button.setText(_("Detach"))
        self.detach_button.setAccessibleName(
            _("Detach the selected file from this incident (it stays in the vault)")
        )
        self.delete_evidence_button.setText(_("Delete file"))
        self.delete_evidence_button.setAccessibleName(_("Delete the selected evidence file"))
        self.error.setAccessibleName(_("Problem"))
        self.history_button.setText(_("History…"))
        self.history_button.setAccessibleName(_("History of this incident"))
        self.save_button.setText(_("Save") + "  (Ctrl+S)")
        self.save_button.setAccessibleName(_("Save the incident"))
        self.cancel_button.setText(_("Cancel"))
        self.cancel_button.setAccessibleName(_("Cancel"))
        if self.desk.unlocked:
            self._fill_evidence()

    # -- loading -----------------------------------------------------------------------------
    def _load(self) -> None:
        inc = self.incident
        people = self.desk.list_people()
        self.targets.set_people(
            people, inc.target_ids if inc else [], bool(inc and inc.targets_self)
        )
        self.actors.set_people(people, inc.actor_ids if inc else [])
        self.witnesses.set_people(people, inc.witness_ids if inc else [])
        if inc is None:
            self.category.set_code(None)
            self._category_changed("")
            self._fill_evidence()
            return
        self.category.set_code(inc.category)
        self.title_edit.setText(inc.title)
        self.description.setPlainText(inc.description)
        self.start.set_value(inc.happened)
        self.end.set_value(inc.until)
        self.place.setText(inc.place)
        select_data(self.channel, inc.channel.value if inc.channel else None)
        select_data(self.severity, inc.severity)
        self.tags.setText(", ".join(inc.tags))
        for fu in inc.follow_ups:
            row = self.add_follow_up()
            select_data(row.kind, fu.kind.value)
            row.text.setText(fu.text)
            row.when.setText(str(fu.when) if fu.when else "")
        s = inc.summons
        if s is not None:
            self.who_summoned.setText(s.who_summoned)
            self.legal_basis.setText(s.legal_basis)
            select_data(self.status, s.status.value)
            self.erdr.setText(s.erdr_number or "")
            self.appointed.set_value(s.appointed)
            self.summons_place.setText(s.place)
            select_data(self.lawyer_present, s.lawyer_present)
        self._fill_evidence()
        if s is not None and s.letter_evidence_id:
            select_data(self.letter, s.letter_evidence_id)
        self._category_changed(inc.category)

    def _category_changed(self, code: str) -> None:
        self.summons_box.setVisible(bool(code) and taxonomy.is_summons(code))

    def _person_created(self, person: Person) -> None:
        people = self.desk.list_people()
        for checklist in (self.targets, self.actors, self.witnesses):
            keep = checklist.checked_ids()
            checklist.set_people(people, keep, checklist.self_checked())

    def add_follow_up(self) -> FollowUpRow:
        row = FollowUpRow(self.follow_box)
        row.remove.connect(self._remove_follow_up)
        self.follow_rows.append(row)
        self.follow_layout.insertWidget(self.follow_layout.count() - 1, row)
        return row

    def _remove_follow_up(self, row: FollowUpRow) -> None:
        self.follow_rows.remove(row)
        row.hide()
        row.deleteLater()
        self.add_follow_button.setFocus()

    # -- evidence ---------------------------------------------------------------------------
    def evidence(self) -> list[Evidence]:
        if self.incident_id is None:
            return list(self.pending)
        return self.desk.list_evidence(self.incident_id)

    def _fill_evidence(self) -> None:
        items = self.evidence()
        keep = self.selected_evidence()
        self.evidence_table.setRowCount(len(items))
        for row, ev in enumerate(items):
            name = QTableWidgetItem(ev.original_name)
            name.setData(Qt.ItemDataRole.UserRole, ev.id)
            self.evidence_table.setItem(row, 0, name)
            self.evidence_table.setItem(row, 1, QTableWidgetItem(ev.media_type))
            self.evidence_table.setItem(row, 2, QTableWidgetItem(human_size(ev.size)))
            self.evidence_table.setItem(row, 3, QTableWidgetItem(local_time(ev.added_at)))
            if keep is not None and ev.id == keep.id:
                self.evidence_table.selectRow(row)
        self.evidence_table.resizeColumnToContents(1)
        self.evidence_table.resizeColumnToContents(2)
        self.evidence_table.resizeColumnToContents(3)
        if items and self.evidence_table.currentRow() < 0:
            self.evidence_table.selectRow(0)
        has = bool(items)
        self.view_button.setEnabled(has)
        self.delete_evidence_button.setEnabled(has)
        self.detach_button.setEnabled(has and self.incident_id is not None)
        current = self.letter.currentData()
        fill_combo(self.letter, [(_("None"), None), *[(ev.original_name, ev.id) for ev in items]])
        select_data(self.letter, current)

    def selected_evidence(self) -> Evidence | None:
        row = self.evidence_table.currentRow()
        if row < 0 or self.evidence_table.item(row, 0) is None:
            return None
        eid = self.evidence_table.item(row, 0).data(Qt.ItemDataRole.UserRole)
        return next((e for e in self.evidence() if e.id == eid), None)

    def choose_files(self) -> None:
        paths = filepicker.pick_files(self, _("Add evidence files"))
        if paths:
            self.add_files(paths)

    def add_files(self, untrusted_paths: list[Path]) -> Job | None:
        """Encrypt the files into the vault (in a thread, with progress and cancel)."""
        if not untrusted_paths:
            return None
        if self.job is not None and self.job.thread.isRunning():
            self.error.setText(
                _("Wait until the files being added are in the vault, then try again.")
            )
            return None
        desk, incident_id = self.desk, self.incident_id
        imported: list[Evidence] = []

        def work(progress: Callable[[int, int], None], cancelled: Callable[[], bool]) -> Any:
            for path in untrusted_paths:
                imported.append(
                    desk.add_evidence(incident_id, path, progress=progress, cancel=cancelled)
                )
            return imported

        label = ngettext(
            "Encrypting {n} file into the vault…",
            "Encrypting {n} files into the vault…",
            len(untrusted_paths),
        ).format(n=len(untrusted_paths))
        self.job = Job(self, label, work)
        self.job.ended.connect(lambda: self._imported(imported))
        return self.job.start()

    def _imported(self, imported: list[Evidence]) -> None:
        if self.incident_id is None:
            self.pending.extend(imported)
        self._fill_evidence()
        if imported:
            self.evidence_table.selectRow(self.evidence_table.rowCount() - 1)

    def view_evidence(self) -> None:
        ev = self.selected_evidence()
        if ev is None:
            return
        self.viewer = EvidenceViewer(self.desk, ev, self)
        self.viewer.open()

    def detach_evidence(self) -> None:
        ev = self.selected_evidence()
        if ev is None or self.incident_id is None:
            return
        if not dialogs.confirm(
            self,
            _(
                "Detach this file from the incident? It stays in the vault, encrypted, but is no"
                " longer listed here."
            ),
        ):
            return
        try:
            self.desk.evidence.attach(ev.id, None)
            self.desk.records.reindex(self.incident_id)
        except DefenderDeskError as exc:
            self.error.setText(error_text(exc))
        self._fill_evidence()

    def delete_evidence(self) -> None:
        ev = self.selected_evidence()
        if ev is None:
            return
        if not dialogs.confirm(
            self,
            _("Delete the evidence file “{name}” from the vault?").format(name=ev.original_name)
            + "\n\n"
            + _(
                "Its encrypted copy is erased and its details are purged from the history: only"
                " a hash remains. This cannot be undone."
            ),
        ):
            return
        try:
            self.desk.delete_evidence(ev.id)
        except DefenderDeskError as exc:
            self.error.setText(error_text(exc))
        self.pending = [e for e in self.pending if e.id != ev.id]
        self._fill_evidence()

    # -- saving -------------------------------------------------------------------------------
    def _date(self, control: DateControl, field: str) -> str | None:
        try:
            fd = control.value()
        except InvalidDate as exc:
            raise InvalidInput(field=field, reason=exc.fields["reason"]) from None
        return None if fd is None else str(fd)

    def collect(self) -> dict[str, Any]:
        """The form as a JSON-shaped draft for the facade; raises :class:`InvalidInput`."""
        code = self.category.code()
        if not code:
            raise InvalidInput(field="category", reason=R_CHOOSE_CATEGORY)
        follow_ups: list[dict[str, Any]] = []
        for index, row in enumerate(self.follow_rows):
            entry: dict[str, Any] = {"kind": row.kind.currentData(), "text": row.text.text()}
            if row.when.text().strip():
                try:
                    entry["when"] = str(parse_when(row.when.text()))
                except InvalidDate as exc:
                    raise InvalidInput(
                        field=f"follow_ups.{index}.when", reason=exc.fields["reason"]
                    ) from None
            follow_ups.append(entry)
        draft: dict[str, Any] = {
            "category": code,
            "title": self.title_edit.text(),
            "description": self.description.toPlainText(),
            "happened": self._date(self.start, "happened"),
            "until": self._date(self.end, "until"),
            "place": self.place.text(),
            "targets_self": self.targets.self_checked(),
            "target_ids": self.targets.checked_ids(),
            "actor_ids": self.actors.checked_ids(),
            "witness_ids": self.witnesses.checked_ids(),
            "channel": self.channel.currentData(),
            "severity": self.severity.currentData(),
            "follow_ups": follow_ups,
            "tags": [t.strip() for t in self.tags.text().split(",") if t.strip()],
            "summons": self._summons() if taxonomy.is_summons(code) else None,
        }
        return draft

    def _summons(self) -> dict[str, Any] | None:
        summons: dict[str, Any] = {
            "who_summoned": self.who_summoned.text(),
            "legal_basis": self.legal_basis.text(),
            "status": self.status.currentData(),
            "place": self.summons_place.text(),
        }
        if self.erdr.text().strip():
            summons["erdr_number"] = self.erdr.text()
        appointed = self._date(self.appointed, "summons.appointed")
        if appointed is not None:
            summons["appointed"] = appointed
        if self.lawyer_present.currentData() is not None:
            summons["lawyer_present"] = self.lawyer_present.currentData()
        if self.letter.currentData():
            summons["letter_evidence_id"] = self.letter.currentData()
        empty = (
            not any(str(summons[k]).strip() for k in ("who_summoned", "legal_basis", "place"))
            and summons["status"] == SummonsStatus.NONE_STATED.value
            and len(summons) == 4
        )
        return None if empty else summons

    def field_labels(self) -> dict[str, str]:
        return {
            "category": _("Category"),
            "title": _("Title"),
            "description": _("Description"),
            "happened": _("When it started"),
            "until": _("When it ended"),
            "place": _("Place"),
            "targets_self": _("Aimed at"),
            "target_ids": _("Aimed at"),
            "actor_ids": _("Who acted"),
            "witness_ids": _("Witnesses"),
            "channel": _("Channel"),
            "severity": _("Severity"),
            "follow_ups": _("What was done about it"),
            "tags": _("Tags"),
            "summons": _("Summons details"),
            "summons.who_summoned": _("Who summoned you"),
            "summons.legal_basis": _("Legal basis given"),
            "summons.status": _("Your status"),
            "summons.erdr_number": _("Pre-trial investigation number (ЕРДР)"),
            "summons.appointed": _("When you were told to come"),
            "summons.place": _("Where you were told to come"),
            "summons.letter_evidence_id": _("The letter (evidence file)"),
        }

    def field_widget(self, field: str) -> QWidget | None:
        widgets: dict[str, QWidget] = {
            "category": self.category.search,
            "title": self.title_edit,
            "description": self.description,
            "happened": self.start.precision,
            "until": self.end.precision,
            "place": self.place,
            "targets_self": self.targets.list,
            "target_ids": self.targets.list,
            "actor_ids": self.actors.list,
            "witness_ids": self.witnesses.list,
            "channel": self.channel,
            "severity": self.severity,
            "follow_ups": self.add_follow_button,
            "tags": self.tags,
            "summons.who_summoned": self.who_summoned,
            "summons.legal_basis": self.legal_basis,
            "summons.erdr_number": self.erdr,
            "summons.appointed": self.appointed.precision,
            "summons.place": self.summons_place,
        }
        if field.startswith("follow_ups.") and field.split(".")[1].isdigit():
            index = int(field.split(".")[1])
            if index < len(self.follow_rows):
                row = self.follow_rows[index]
                return row.when if field.endswith(".when") else row.text
        parts = field.split(".")
        for n in range(len(parts), 0, -1):
            widget = widgets.get(".".join(parts[:n]))
            if widget is not None:
                return widget
        return None

    def show_error(self, exc: DefenderDeskError) -> None:
        if isinstance(exc, InvalidInput):
            field = str(exc.fields.get("field", ""))
            self.error.setText(field_error_text(exc, self.field_labels()))
            widget = self.field_widget(field)
            if widget is not None:
                if self.body.isAncestorOf(widget):
                    self.scroll.ensureWidgetVisible(widget)
                widget.setFocus()
        else:
            self.error.setText(error_text(exc))

    def save(self) -> None:
        self.error.setText("")
        try:
            draft = self.collect()
            if self.incident_id is None:
                incident = self.desk.add_incident({k: v for k, v in draft.items() if v is not None})
                for ev in self.pending:
                    self.desk.evidence.attach(ev.id, incident.id)
                if self.pending:
                    self.desk.records.reindex(incident.id)
                self.pending = []
                self.incident_id = incident.id
            else:
                incident = self.desk.edit_incident(self.incident_id, draft)
        except DefenderDeskError as exc:
            self.show_error(exc)
            return
        self.incident = incident
        super().accept()

    def reject(self) -> None:
        if self.pending:
            n = len(self.pending)
            if not dialogs.confirm(
                self,
                ngettext(
                    "Discard this new incident? The {n} file you added will be deleted from the"
                    " vault.",
                    "Discard this new incident? The {n} files you added will be deleted from the"
                    " vault.",
                    n,
                ).format(n=n),
            ):
                return
            for ev in self.pending:
                try:
                    self.desk.delete_evidence(ev.id)
                except DefenderDeskError:
                    continue
            self.pending = []
        super().reject()

    def show_history(self) -> None:
        if self.incident_id is None:
            return
        self.history = HistoryDialog(self.desk, self.incident_id, self)
        self.history.open()


__all__ = [
    "CategoryPicker",
    "DateControl",
    "DropZone",
    "EvidenceViewer",
    "HistoryDialog",
    "IncidentEditor",
    "PeopleChecklist",
    "human_size",
]
