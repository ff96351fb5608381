"""Obligations: probation, restrictions, check-ins, hearings and deadlines; the check-ins and
hearings coming up (log attendance, move or cancel one); the attendance log (her proof of
compliance) and supervision events (warnings, permissions, notifications, compulsory labour).

The dialogs are in :mod:`.obligation_dialog` and :mod:`.obligation_log_dialogs`; the
schedule control and small helpers in :mod:`.obligation_parts`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from defender_desk.app import (
    AttendanceEntry,
    CheckIn,
    Countdown,
    Due,
    Hearing,
    Probation,
    Restriction,
    SupervisionEvent,
)
from defender_desk.errors import DefenderDeskError
from defender_desk.i18n import N_, _, get_language, ngettext
from defender_desk.ui.kit import confirm as dialogs
from defender_desk.ui.kit.form import register_opener
from defender_desk.ui.kit.jobs import call_off_gui, error_text
from defender_desk.ui.kit.screen import PlainLabel, Screen
from defender_desk.ui.kit.widgets import name_widget
from defender_desk.ui.screens.obligation_dialog import ObligationDialog
from defender_desk.ui.screens.obligation_log_dialogs import (
    AttendanceDialog,
    MoveDialog,
    SupervisionDialog,
)
from defender_desk.ui.screens.obligation_parts import (
    AMBER,
    ID_ROLE,
    KIND_GROUPS,
    LOGGED_AS,
    ORDINALS,
    SUPERVISION_LABELS,
    UPCOMING_DAYS,
    build_rule,
    describe_obligation,
    first_upper,
    format_day,
    format_when,
    friendly_rule,
    schedule_words,
    where,
)

if TYPE_CHECKING:
    from defender_desk.app import AnyObligation
    from defender_desk.ui.kit.host import Host

# -- the screen -------------------------------------------------------------------------------


__all__ = [
    "ID_ROLE",
    "ORDINALS",
    "AttendanceDialog",
    "MoveDialog",
    "ObligationDialog",
    "ObligationsScreen",
    "SupervisionDialog",
    "build_rule",
    "friendly_rule",
]


def _table(parent: QWidget, columns: int, stretch: int = 1) -> QTreeWidget:
    """A flat list with a header; column ``stretch`` takes the room left, the others fit
    their contents."""
    tree = QTreeWidget(parent)
    tree.setColumnCount(columns)
    tree.setRootIsDecorated(False)
    tree.setUniformRowHeights(True)
    tree.setAlternatingRowColors(True)
    tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    header = tree.header()
    header.setStretchLastSection(False)
    for col in range(columns):
        header.setSectionResizeMode(
            col,
            QHeaderView.ResizeMode.Stretch
            if col == stretch
            else QHeaderView.ResizeMode.ResizeToContents,
        )
    return tree


class ObligationsScreen(Screen):
    title = N_("Obligations")
    key = "obligations"

    def __init__(self, controller: Host, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        self.dialog: QDialog | None = None
        self._obligations: dict[str, AnyObligation] = {}
        self._countdowns: dict[str, Countdown] = {}
        self._due: list[Due] = []
        self._attendance: list[AttendanceEntry] = []
        self._supervision: list[SupervisionEvent] = []
        self._next: dict[str, list[datetime]] = {}

        self.heading = QLabel(self)
        self.heading.setStyleSheet("font-size: 16pt; font-weight: bold;")

        # the obligations and the selected one's details
        self.tree = QTreeWidget(self)
        self.tree.setColumnCount(2)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)  # full text: the details
        self.tree.currentItemChanged.connect(lambda *_a: self._selection_changed())
        self.tree.itemActivated.connect(lambda item, _c: self.edit_selected())
        self.details = PlainLabel("", self)
        self.details.setWordWrap(True)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setMargin(6)
        self.details_scroll = QScrollArea(self)
        self.details_scroll.setWidgetResizable(True)
        self.details_scroll.setFrameShape(QFrame.Shape.StyledPanel)
        self.details_scroll.setWidget(self.details)
        self.details_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.details_scroll.setMinimumWidth(300)

        self.add_button = QPushButton(self)
        self.add_menu = QMenu(self.add_button)
        self.add_actions: dict[str, QAction] = {}
        for kind in ("probation", "restriction", "checkin", "hearing"):
            action = QAction(self.add_menu)
            action.triggered.connect(lambda _c=False, k=kind: self.add_obligation(k))
            self.add_menu.addAction(action)
            self.add_actions[kind] = action
        self.add_button.setMenu(self.add_menu)
        self.edit_button = QPushButton(self)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button = QPushButton(self)
        self.delete_button.clicked.connect(self.delete_selected)

        top = QWidget(self)
        self.top = top
        top_split = QSplitter(Qt.Orientation.Horizontal, top)
        top_split.addWidget(self.tree)
        top_split.addWidget(self.details_scroll)
        top_split.setStretchFactor(0, 3)
        top_split.setStretchFactor(1, 2)
        top_split.setChildrenCollapsible(False)
        top_split.setSizes([560, 380])
        self.top_split = top_split
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        lay = QVBoxLayout(top)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(buttons)
        lay.addWidget(top_split, 1)

        # the tabs: coming up, attendance log, supervision events
        self.tabs = QTabWidget(self)
        self.upcoming_page = QWidget(self.tabs)
        self.upcoming = _table(self.upcoming_page, 3)
        self.upcoming.itemActivated.connect(lambda *_a: self.log_attendance())
        self.upcoming.currentItemChanged.connect(lambda *_a: self._update_buttons())
        self.upcoming_empty = PlainLabel("", self.upcoming_page)
        self.upcoming_empty.setWordWrap(True)
        self.log_button = QPushButton(self.upcoming_page)
        self.log_button.clicked.connect(self.log_attendance)
        self.move_button = QPushButton(self.upcoming_page)
        self.move_button.clicked.connect(self.move_selected)
        lay = QVBoxLayout(self.upcoming_page)
        lay.addWidget(self.upcoming, 1)
        lay.addWidget(self.upcoming_empty)
        row = QHBoxLayout()
        row.addWidget(self.log_button)
        row.addWidget(self.move_button)
        row.addStretch(1)
        lay.addLayout(row)

        self.log_page = QWidget(self.tabs)
        self.log_list = _table(self.log_page, 5, stretch=3)
        self.log_list.currentItemChanged.connect(lambda *_a: self._update_buttons())
        self.delete_entry_button = QPushButton(self.log_page)
        self.delete_entry_button.clicked.connect(self.delete_entry)
        lay = QVBoxLayout(self.log_page)
        lay.addWidget(self.log_list, 1)
        row = QHBoxLayout()
        row.addWidget(self.delete_entry_button)
        row.addStretch(1)
        lay.addLayout(row)

        self.events_page = QWidget(self.tabs)
        self.events = _table(self.events_page, 5, stretch=3)
        self.events.currentItemChanged.connect(lambda *_a: self._update_buttons())
        self.add_event_button = QPushButton(self.events_page)
        self.add_event_button.clicked.connect(self.add_event)
        self.delete_event_button = QPushButton(self.events_page)
        self.delete_event_button.clicked.connect(self.delete_event)
        lay = QVBoxLayout(self.events_page)
        lay.addWidget(self.events, 1)
        row = QHBoxLayout()
        row.addWidget(self.add_event_button)
        row.addWidget(self.delete_event_button)
        row.addStretch(1)
        lay.addLayout(row)
        self.tabs.addTab(self.upcoming_page, "")
        self.tabs.addTab(self.log_page, "")
        self.tabs.addTab(self.events_page, "")

        self.split = QSplitter(Qt.Orientation.Vertical, self)
        self.split.addWidget(top)
        self.split.addWidget(self.tabs)
        self.split.setStretchFactor(0, 1)
        self.split.setStretchFactor(1, 1)
        self.split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.split, 1)

        self.delete_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.tree)
        self.delete_shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        self.delete_shortcut.activated.connect(self.delete_selected)
        self.setTabOrder(self.add_button, self.edit_button)
        self.setTabOrder(self.edit_button, self.delete_button)
        self.setTabOrder(self.delete_button, self.tree)
        self.setTabOrder(self.tree, self.tabs)
        self.retranslate()

    # -- texts --------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.heading.setText(_("Obligations"))
        self.tree.setHeaderLabels([_("Obligation"), _("Dates")])
        name_widget(self.tree, _("Obligations"))
        self.details.setAccessibleName(_("The selected obligation"))
        self.add_button.setText(_("Add…"))
        self.add_button.setAccessibleName(_("Add an obligation"))
        labels = {
            "probation": _("Probation…"),
            "restriction": _("Restriction (e.g. ban on public activity)…"),
            "checkin": _("Check-ins (repeating)…"),
            "hearing": _("Hearing or deadline…"),
        }
        for kind, action in self.add_actions.items():
            action.setText(labels[kind])
        self.edit_button.setText(_("Edit…"))
        self.edit_button.setAccessibleName(_("Edit the selected obligation"))
        self.delete_button.setText(_("Delete"))
        self.delete_button.setAccessibleName(_("Delete the selected obligation"))
        self.tabs.setTabText(0, _("Coming up"))
        self.tabs.setTabText(1, _("Attendance log"))
        self.tabs.setTabText(2, _("Supervision events"))
        self.tabs.setAccessibleName(_("Coming up, attendance log, supervision events"))
        self.upcoming.setHeaderLabels([_("When"), _("What"), _("Status")])
        name_widget(
            self.upcoming, _("Check-ins and hearings coming up, and earlier ones not logged")
        )
        self.upcoming_empty.setAccessibleName(_("Coming up"))
        self.log_button.setText(_("Log attendance…"))
        self.log_button.setAccessibleName(_("Log attendance for the selected one"))
        self.move_button.setText(_("Move or cancel…"))
        self.move_button.setAccessibleName(_("Move or cancel the selected check-in"))
        self.log_list.setHeaderLabels(
            [_("Day"), _("What"), _("Logged as"), _("Note"), _("Evidence")]
        )
        name_widget(self.log_list, _("Attendance log, newest first"))
        self.delete_entry_button.setText(_("Delete entry"))
        self.delete_entry_button.setAccessibleName(_("Delete the selected log entry"))
        self.events.setHeaderLabels([_("Day"), _("Event"), _("Under"), _("Note"), _("Evidence")])
        name_widget(self.events, _("Supervision events, newest first"))
        self.add_event_button.setText(_("Log an event…"))
        self.add_event_button.setAccessibleName(_("Log a supervision event"))
        self.delete_event_button.setText(_("Delete event"))
        self.delete_event_button.setAccessibleName(_("Delete the selected supervision event"))
        if self._obligations or self.desk.unlocked:
            self._render()

    # -- data ---------------------------------------------------------------------------------
    def refresh(self) -> None:
        if not self.desk.unlocked:
            return
        desk = self.desk

        def load() -> tuple[Any, ...]:
            # Schedules are expanded here, in a worker thread: never on the GUI thread.
            now = desk.clock()
            obligations = desk.list_obligations()
            return (
                obligations,
                {c.obligation_id: c for c in desk.countdown()},
                desk.due(now, days=UPCOMING_DAYS),
                desk.list_attendance(),
                desk.list_supervision(),
                {o.id: desk.next_dates(o, now) for o in obligations if isinstance(o, CheckIn)},
            )

        try:
            (
                obligations,
                self._countdowns,
                self._due,
                self._attendance,
                self._supervision,
                self._next,
            ) = call_off_gui(load, self)
        except DefenderDeskError as exc:
            dialogs.error(self, error_text(exc))
            return
        self._obligations = {o.id: o for o in obligations}
        self._render()

    def _render(self) -> None:
        self._render_tree()
        self._render_upcoming()
        self._render_log()
        self._render_events()
        self._update_buttons()

    def _dates(self, ob: AnyObligation) -> str:
        lang = get_language()
        if isinstance(ob, Probation):
            return f"{format_day(ob.start, lang)} – {format_day(ob.until, lang)}"
        if isinstance(ob, Restriction):
            if ob.until is None:
                return _("from {date}").format(date=format_day(ob.start, lang))
            return f"{format_day(ob.start, lang)} – {format_day(ob.until, lang)}"
        if isinstance(ob, CheckIn):
            return first_upper(schedule_words(ob, lang))
        return format_when(ob.at, lang)

    def _render_tree(self) -> None:
        keep = self.selected_id()
        self.tree.blockSignals(True)
        self.tree.clear()
        select: QTreeWidgetItem | None = None
        for kind, label in KIND_GROUPS.items():
            members = [o for o in self._obligations.values() if o.kind == kind]
            group = QTreeWidgetItem(self.tree, [f"{_(label)} ({len(members)})", ""])
            group.setData(0, ID_ROLE, None)
            group.setFirstColumnSpanned(True)
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            for ob in members:
                item = QTreeWidgetItem(group, [ob.title, self._dates(ob)])
                item.setData(0, ID_ROLE, ob.id)
                item.setToolTip(0, ob.title)
                item.setToolTip(1, self._dates(ob))
                if ob.id == keep or (select is None and keep is None):
                    select = item
        self.tree.expandAll()
        self.tree.blockSignals(False)
        if select is not None:
            self.tree.setCurrentItem(select)
        self._selection_changed()

    def selected_id(self) -> str | None:
        item = self.tree.currentItem()
        value = item.data(0, ID_ROLE) if item is not None else None
        return str(value) if value else None

    def selected(self) -> AnyObligation | None:
        oid = self.selected_id()
        return self._obligations.get(oid) if oid else None

    def _selection_changed(self) -> None:
        ob = self.selected()
        self.details.setText(self.describe(ob) if ob is not None else self._empty_details())
        self._update_buttons()

    def _empty_details(self) -> str:
        if self._obligations:
            return _("Choose an obligation to see everything about it.")
        return _(
            "Nothing recorded yet. Use “Add…” for your probation, each restriction as the verdict"
            " states it, the check-ins and any hearing or deadline."
        )

    def describe(self, ob: AnyObligation) -> str:
        today = self.desk.today() if self.desk.unlocked else date.today()
        return describe_obligation(
            ob, self._countdowns.get(ob.id), self._next.get(ob.id, []), today
        )

    def _render_upcoming(self) -> None:
        lang = get_language()
        keep = self.selected_occurrence_key()
        self.upcoming.clear()
        today = self.desk.today() if self.desk.unlocked else date.today()
        amber = QBrush(QColor(AMBER))
        select: QTreeWidgetItem | None = None
        for due in self._due:
            occ = due.occurrence
            ob = self._obligations.get(occ.obligation_id)
            if not isinstance(ob, CheckIn | Hearing):
                continue
            what = " — ".join(p for p in (ob.title, where(ob)) if p)
            if occ.original is not None:
                what += " " + _("(moved from {when})").format(when=format_when(occ.original, lang))
            if due.status == "overdue":
                status = _("nothing logged yet")
            else:
                delta = (occ.at.date() - today).days
                status = (
                    _("today")
                    if delta <= 0
                    else _("tomorrow")
                    if delta == 1
                    else ngettext("in {n} day", "in {n} days", delta).format(n=delta)
                )
            item = QTreeWidgetItem(self.upcoming, [format_when(occ.at, lang), what, status])
            item.setData(0, ID_ROLE, (occ.obligation_id, occ.at))
            item.setToolTip(1, what)
            if due.status == "overdue":
                for col in range(3):
                    item.setBackground(col, amber)
            if keep == (occ.obligation_id, occ.at) or (select is None and due.status == "due"):
                select = item
        rows = self.upcoming.topLevelItemCount()
        if select is None and rows:
            select = self.upcoming.topLevelItem(rows - 1)
        if select is not None:
            self.upcoming.setCurrentItem(select)
            self.upcoming.scrollToItem(select)
        self.upcoming_empty.setText(
            ngettext(
                "No check-in or hearing in the next {n} day, and nothing earlier left unlogged.",
                "No check-in or hearing in the next {n} days, and nothing earlier left unlogged.",
                UPCOMING_DAYS,
            ).format(n=UPCOMING_DAYS)
        )
        self.upcoming_empty.setVisible(rows == 0)

    def selected_occurrence_key(self) -> tuple[str, datetime] | None:
        item = self.upcoming.currentItem()
        value = item.data(0, ID_ROLE) if item is not None else None
        return (str(value[0]), value[1]) if value else None

    def selected_due(self) -> Due | None:
        key = self.selected_occurrence_key()
        if key is None:
            return None
        return next(
            (d for d in self._due if (d.occurrence.obligation_id, d.occurrence.at) == key),
            None,
        )

    def _render_log(self) -> None:
        lang = get_language()
        keep = self._current_data(self.log_list)
        self.log_list.clear()
        for entry in reversed(self._attendance):
            ob = self._obligations.get(entry.obligation_id)
            evidence = (
                ngettext("{n} file", "{n} files", len(entry.evidence)).format(n=len(entry.evidence))
                if entry.evidence
                else ""
            )
            item = QTreeWidgetItem(
                self.log_list,
                [
                    format_day(entry.occurrence, lang),
                    ob.title if ob is not None else "?",
                    _(LOGGED_AS[entry.status]),
                    entry.note,
                    evidence,
                ],
            )
            item.setData(0, ID_ROLE, entry.id)
            item.setToolTip(3, entry.note)
            if entry.id == keep:
                self.log_list.setCurrentItem(item)

    def _render_events(self) -> None:
        lang = get_language()
        keep = self._current_data(self.events)
        self.events.clear()
        for event in reversed(self._supervision):
            ob = self._obligations.get(event.obligation_id)
            what = _(SUPERVISION_LABELS[event.kind])
            if event.hours is not None:
                what += " — " + ngettext("{n} hour", "{n} hours", int(event.hours)).format(
                    n=f"{event.hours:g}"
                )
            evidence = (
                ngettext("{n} file", "{n} files", len(event.evidence)).format(n=len(event.evidence))
                if event.evidence
                else ""
            )
            item = QTreeWidgetItem(
                self.events,
                [
                    format_day(event.day, lang),
                    what,
                    ob.title if ob is not None else "?",
                    event.note,
                    evidence,
                ],
            )
            item.setData(0, ID_ROLE, event.id)
            item.setToolTip(3, event.note)
            if event.id == keep:
                self.events.setCurrentItem(item)

    @staticmethod
    def _current_data(tree: QTreeWidget) -> Any:
        item = tree.currentItem()
        return item.data(0, ID_ROLE) if item is not None else None

    def _update_buttons(self) -> None:
        has = self.selected() is not None
        self.edit_button.setEnabled(has)
        self.delete_button.setEnabled(has)
        due = self.selected_due()
        self.log_button.setEnabled(due is not None)
        ob = self._obligations.get(due.occurrence.obligation_id) if due is not None else None
        self.move_button.setEnabled(isinstance(ob, CheckIn))
        self.delete_entry_button.setEnabled(self._current_data(self.log_list) is not None)
        self.delete_event_button.setEnabled(self._current_data(self.events) is not None)

    # -- navigation from other screens --------------------------------------------------------
    def navigate_with(self, **kwargs: Any) -> None:
        """``obligation_id`` and ``at`` (an occurrence's aware time): select it in "Coming up";
        with ``log=True`` open the attendance dialog for it."""
        self.refresh()
        obligation_id, at = kwargs.get("obligation_id"), kwargs.get("at")
        if obligation_id is None:
            return
        self.tabs.setCurrentWidget(self.upcoming_page)
        for i in range(self.upcoming.topLevelItemCount()):
            item = self.upcoming.topLevelItem(i)
            value = item.data(0, ID_ROLE)
            if value and value[0] == obligation_id and (at is None or value[1] == at):
                self.upcoming.setCurrentItem(item)
                self.upcoming.scrollToItem(item)
                self.upcoming.setFocus()
                if kwargs.get("log"):
                    self.log_attendance()
                return

    # -- actions ------------------------------------------------------------------------------
    def _open(self, dialog: QDialog) -> QDialog:
        self.dialog = dialog
        dialog.finished.connect(lambda result: self._closed(result))
        dialog.open()
        return dialog

    def _closed(self, result: int) -> None:
        if result == QDialog.DialogCode.Accepted and self.desk.unlocked:
            dialog = self.dialog
            self.refresh()
            if isinstance(dialog, ObligationDialog) and dialog.obligation is not None:
                self.select_obligation(dialog.obligation.id)

    def select_obligation(self, obligation_id: str) -> None:
        for group_index in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(group_index)
            for i in range(group.childCount()):
                if group.child(i).data(0, ID_ROLE) == obligation_id:
                    self.tree.setCurrentItem(group.child(i))
                    return

    def add_obligation(self, kind: str) -> ObligationDialog:
        dialog = ObligationDialog(self.controller, kind, None, self)
        self._open(dialog)
        return dialog

    def edit_selected(self) -> ObligationDialog | None:
        ob = self.selected()
        if ob is None:
            return None
        dialog = ObligationDialog(self.controller, ob.kind, ob, self)
        self._open(dialog)
        return dialog

    def delete_selected(self) -> None:
        ob = self.selected()
        if ob is None:
            return
        entries = sum(1 for e in self._attendance if e.obligation_id == ob.id)
        events = sum(1 for e in self._supervision if e.obligation_id == ob.id)
        text = _("Delete “{title}”?").format(title=ob.title)
        if entries or events:
            text += "\n\n" + _(
                "Its attendance log ({entries}) and supervision events ({events}) are deleted"
                " with it. Their evidence files stay in the vault, encrypted."
            ).format(entries=entries, events=events)
        text += "\n\n" + _(
            "The text is also purged from the history: only a hash remains. This cannot be undone."
        )
        if not dialogs.confirm(self, text):
            return
        try:
            self.desk.delete_obligation(ob.id)
        except DefenderDeskError as exc:
            dialogs.error(self, error_text(exc))
            return
        self.refresh()

    def log_attendance(self) -> AttendanceDialog | None:
        due = self.selected_due()
        if due is None:
            return None
        ob = self._obligations.get(due.occurrence.obligation_id)
        if not isinstance(ob, CheckIn | Hearing):
            return None
        dialog = AttendanceDialog(self.controller, ob, due.occurrence, self)
        self._open(dialog)
        return dialog

    def move_selected(self) -> MoveDialog | None:
        due = self.selected_due()
        if due is None:
            return None
        ob = self._obligations.get(due.occurrence.obligation_id)
        if not isinstance(ob, CheckIn):
            return None
        dialog = MoveDialog(self.controller, ob, due.occurrence, self)
        self._open(dialog)
        return dialog

    def delete_entry(self) -> None:
        entry_id = self._current_data(self.log_list)
        if not entry_id:
            return
        if not dialogs.confirm(
            self,
            _(
                "Delete this log entry? Its text is purged from the history; an evidence file"
                " stays in the vault, encrypted."
            ),
        ):
            return
        try:
            self.desk.delete_attendance(str(entry_id))
        except DefenderDeskError as exc:
            dialogs.error(self, error_text(exc))
            return
        self.refresh()

    def add_event(self) -> SupervisionDialog:
        obligations = sorted(
            self._obligations.values(),
            key=lambda o: ("probation", "restriction", "checkin", "hearing").index(o.kind),
        )
        dialog = SupervisionDialog(self.controller, obligations, self)
        self._open(dialog)
        return dialog

    def delete_event(self) -> None:
        event_id = self._current_data(self.events)
        if not event_id:
            return
        if not dialogs.confirm(
            self,
            _(
                "Delete this supervision event? Its text is purged from the history; an evidence"
                " file stays in the vault, encrypted."
            ),
        ):
            return
        try:
            self.desk.delete_supervision(str(event_id))
        except DefenderDeskError as exc:
            dialogs.error(self, error_text(exc))
            return
        self.refresh()


def _open_obligation_draft(host: Host, draft: Any) -> Any:
    mw = host.main_window
    if mw is None or "obligations" not in mw.screens:
        return None
    screen = mw.show_screen("obligations")
    kind = str((draft.payload.get("context") or {}).get("kind") or "checkin")
    original = screen._obligations.get(draft.record_id or "")
    dialog = ObligationDialog(host, kind, original, screen)
    screen._open(dialog)
    dialog.open_draft(draft)
    return dialog


register_opener("obligation", _open_obligation_draft)
