"""The overview: what she needs to see first, every time she opens the vault.

Top to bottom: open emergencies (until closed), reminders that came up this session, how long
probation and each restriction still run (worded as when they end — facts, never advice), check-ins
and hearings due today and in the next 14 days with earlier ones that have nothing logged, the
timeline of incidents per month, the most recent incidents, and when the last backup was made.

Everything is read from the facade in :meth:`OverviewScreen.refresh` in a worker thread (the
GUI thread never counts 100,000 incidents nor expands a schedule) and rendered from that copy,
so a change of language re-renders without asking again.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt, QTimer
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from defender_desk.app import (
    CheckIn,
    Due,
    Hearing,
    IncidentFilter,
    Reminder,
    obligation_render,
)
from defender_desk.domain.dates import FuzzyDate
from defender_desk.errors import DefenderDeskError
from defender_desk.i18n import N_, _, get_language, ngettext
from defender_desk.ui.kit.jobs import call_off_gui
from defender_desk.ui.kit.screen import PlainLabel, Screen
from defender_desk.ui.kit.widgets import name_widget
from defender_desk.ui.screens.overview_parts import (
    BACKUP_OLD_DAYS,
    CALM_AMBER,
    DUE_DAYS,
    EMERGENCY,
    ID_ROLE,
    OVERDUE_SHOWN,
    RECENT,
    REMINDER,
    _Data,
    days_ago,
    first_upper,
    load_timeline,
    relative_day,
    where,
)
from defender_desk.ui.timeline import TimelineChart

if TYPE_CHECKING:
    from defender_desk.ui.kit.host import Host


format_day = obligation_render.format_day
format_when = obligation_render.format_when
render_countdown = obligation_render.render_countdown
render_duration = obligation_render.render_duration


class OverviewScreen(Screen):
    title = N_("Overview")
    key = "overview"

    def __init__(self, controller: Host, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        self.data: _Data | None = None
        self.reminders: list[Reminder] = []

        self.heading = QLabel(self)
        self.heading.setStyleSheet("font-size: 16pt; font-weight: bold;")
        self.today_label = PlainLabel("", self)
        self.today_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget(self.scroll)
        self.body = body

        # open emergencies
        self.emergency_frame = self._frame(body, "emergencies", EMERGENCY)
        self.emergency_title = QLabel(self.emergency_frame)
        self.emergency_title.setStyleSheet("font-weight: bold; color: #991b1b;")
        self.emergency_text = self._wrapping(self.emergency_frame)
        self.emergency_button = QPushButton(self.emergency_frame)
        self.emergency_button.clicked.connect(lambda: self._go("emergency"))
        lay = QVBoxLayout(self.emergency_frame)
        lay.addWidget(self.emergency_title)
        lay.addWidget(self.emergency_text)
        lay.addWidget(self.emergency_button, 0, Qt.AlignmentFlag.AlignLeft)

        # reminders that came up while the app was open
        self.reminder_frame = self._frame(body, "reminders", REMINDER)
        self.reminder_title = QLabel(self.reminder_frame)
        self.reminder_title.setStyleSheet("font-weight: bold; color: #1e3a8a;")
        self.reminder_text = self._wrapping(self.reminder_frame)
        self.reminder_dismiss = QPushButton(self.reminder_frame)
        self.reminder_dismiss.clicked.connect(self.dismiss_reminders)
        self.reminder_open = QPushButton(self.reminder_frame)
        self.reminder_open.clicked.connect(lambda: self._go("obligations"))
        lay = QVBoxLayout(self.reminder_frame)
        lay.addWidget(self.reminder_title)
        lay.addWidget(self.reminder_text)
        row = QHBoxLayout()
        row.addWidget(self.reminder_open)
        row.addWidget(self.reminder_dismiss)
        row.addStretch(1)
        lay.addLayout(row)

        # countdowns
        self.countdown_box = QGroupBox(body)
        self.countdown_layout = QVBoxLayout(self.countdown_box)
        self.countdown_labels: list[PlainLabel] = []
        self.countdown_empty = self._wrapping(self.countdown_box)
        self.countdown_layout.addWidget(self.countdown_empty)
        self.countdown_layout.addStretch(1)

        # due and not logged
        self.due_box = QGroupBox(body)
        self.overdue_frame = self._frame(self.due_box, "overdue", CALM_AMBER)
        self.overdue_text = self._wrapping(self.overdue_frame)
        self.overdue_text.setStyleSheet("color: #78350f;")
        QVBoxLayout(self.overdue_frame).addWidget(self.overdue_text)
        self.due_list = QListWidget(self.due_box)
        self.due_list.setWordWrap(True)
        self.due_list.setResizeMode(QListView.ResizeMode.Adjust)
        self.due_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.due_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.due_list.setSpacing(1)
        self.due_list.itemActivated.connect(self.open_due)
        self.due_list.viewport().installEventFilter(self)
        self.due_empty = self._wrapping(self.due_box)
        self.due_button = QPushButton(self.due_box)
        self.due_button.clicked.connect(lambda: self.open_due(self.due_list.currentItem()))
        lay = QVBoxLayout(self.due_box)
        lay.addWidget(self.overdue_frame)
        lay.addWidget(self.due_list, 1)
        lay.addWidget(self.due_empty)
        lay.addWidget(self.due_button, 0, Qt.AlignmentFlag.AlignLeft)

        # the timeline
        self.timeline_box = QGroupBox(body)
        self.chart = TimelineChart(self.timeline_box)
        self.chart.month_activated.connect(self.open_month)
        self.chart_status = self._wrapping(self.timeline_box)
        self.chart_hint = self._wrapping(self.timeline_box)
        self.chart_hint.setStyleSheet("color: #4b5563;")
        self.chart.current_changed.connect(self._chart_moved)
        self.uncertain_text = self._wrapping(self.timeline_box)
        self.uncertain_button = QPushButton(self.timeline_box)
        self.uncertain_button.clicked.connect(self.open_uncertain)
        lay = QVBoxLayout(self.timeline_box)
        lay.addWidget(self.chart)
        lay.addWidget(self.chart_status)
        lay.addWidget(self.chart_hint)
        row = QHBoxLayout()
        row.addWidget(self.uncertain_text, 1)
        row.addWidget(self.uncertain_button, 0, Qt.AlignmentFlag.AlignTop)
        lay.addLayout(row)

        # recent incidents
        self.recent_box = QGroupBox(body)
        self.recent_list = QTreeWidget(self.recent_box)
        self.recent_list.setColumnCount(2)
        self.recent_list.setRootIsDecorated(False)
        self.recent_list.setHeaderHidden(True)
        self.recent_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.recent_list.header().setStretchLastSection(True)
        self.recent_list.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.recent_list.itemActivated.connect(lambda item, _c: self.open_incident_item(item))
        self.recent_empty = self._wrapping(self.recent_box)
        self.recent_open = QPushButton(self.recent_box)
        self.recent_open.clicked.connect(
            lambda: self.open_incident_item(self.recent_list.currentItem())
        )
        self.all_incidents = QPushButton(self.recent_box)
        self.all_incidents.clicked.connect(lambda: self._go("incidents"))
        lay = QVBoxLayout(self.recent_box)
        lay.addWidget(self.recent_list, 1)
        lay.addWidget(self.recent_empty)
        row = QHBoxLayout()
        row.addWidget(self.recent_open)
        row.addWidget(self.all_incidents)
        row.addStretch(1)
        lay.addLayout(row)

        # backup
        self.backup_box = QGroupBox(body)
        self.backup_text = self._wrapping(self.backup_box)
        self.backup_nudge_frame = self._frame(self.backup_box, "backupnudge", CALM_AMBER)
        self.backup_nudge = self._wrapping(self.backup_nudge_frame)
        self.backup_nudge.setStyleSheet("color: #78350f;")
        QVBoxLayout(self.backup_nudge_frame).addWidget(self.backup_nudge)
        self.backup_button = QPushButton(self.backup_box)
        self.backup_button.clicked.connect(lambda: self._go("backup"))
        lay = QVBoxLayout(self.backup_box)
        lay.addWidget(self.backup_text)
        lay.addWidget(self.backup_nudge_frame)
        lay.addWidget(self.backup_button, 0, Qt.AlignmentFlag.AlignLeft)
        lay.addStretch(1)

        top_row = QHBoxLayout()
        top_row.addWidget(self.countdown_box, 1)
        top_row.addWidget(self.due_box, 1)
        bottom_row = QHBoxLayout()
        bottom_row.addWidget(self.recent_box, 3)
        bottom_row.addWidget(self.backup_box, 2)
        col = QVBoxLayout(body)
        col.addWidget(self.emergency_frame)
        col.addWidget(self.reminder_frame)
        col.addLayout(top_row)
        col.addWidget(self.timeline_box)
        col.addLayout(bottom_row)
        col.addStretch(1)
        self.scroll.setWidget(body)

        head = QHBoxLayout()
        head.addWidget(self.heading)
        head.addStretch(1)
        head.addWidget(self.today_label)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.scroll, 1)

        for w in (self.emergency_frame, self.reminder_frame, self.overdue_frame):
            w.setVisible(False)
        self.setTabOrder(self.emergency_button, self.reminder_open)
        self.setTabOrder(self.reminder_open, self.reminder_dismiss)
        self.setTabOrder(self.reminder_dismiss, self.due_list)
        self.setTabOrder(self.due_list, self.due_button)
        self.setTabOrder(self.due_button, self.chart)
        self.setTabOrder(self.chart, self.uncertain_button)
        self.setTabOrder(self.uncertain_button, self.recent_list)
        self.setTabOrder(self.recent_list, self.recent_open)
        self.setTabOrder(self.recent_open, self.all_incidents)
        self.setTabOrder(self.all_incidents, self.backup_button)
        self.retranslate()

    # -- building blocks ----------------------------------------------------------------------
    @staticmethod
    def _frame(parent: QWidget, name: str, style: str) -> QFrame:
        frame = QFrame(parent)
        frame.setObjectName(name)
        frame.setStyleSheet(style.format(name=name))
        return frame

    @staticmethod
    def _wrapping(parent: QWidget) -> PlainLabel:
        label = PlainLabel("", parent)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def _screen_keys(self) -> set[str]:
        mw = self.controller.main_window or self.window()
        return set(getattr(mw, "screens", {}) or {})

    def _local(self, moment: datetime) -> datetime:
        """An aware instant in the user's zone (the obligations' zone setting)."""
        try:
            return moment.astimezone(ZoneInfo(self.desk.user_zone()))
        except (DefenderDeskError, ValueError):
            return moment.astimezone()

    def _go(self, key: str, **kwargs: Any) -> Screen | None:
        mw = self.controller.main_window
        if mw is None or key not in mw.screens:
            return None
        return mw.show_screen(key, **kwargs)

    # -- texts --------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.heading.setText(_("Overview"))
        self.today_label.setAccessibleName(_("Today's date"))
        self.emergency_title.setText(_("Open emergency"))
        self.emergency_text.setAccessibleName(_("Open emergencies"))
        self.emergency_button.setText(_("Go to the emergency…"))
        self.emergency_button.setAccessibleName(_("Go to the emergency screen"))
        self.reminder_title.setText(_("Reminders"))
        self.reminder_text.setAccessibleName(_("Reminders"))
        self.reminder_open.setText(_("Open obligations"))
        self.reminder_open.setAccessibleName(_("Open the obligations screen"))
        self.reminder_dismiss.setText(_("Dismiss"))
        self.reminder_dismiss.setAccessibleName(_("Dismiss the reminders"))
        self.countdown_box.setTitle(_("Probation, restrictions, hearings"))
        self.countdown_empty.setAccessibleName(_("Probation, restrictions, hearings"))
        self.due_box.setTitle(
            ngettext(
                "Due today and in the next {n} day",
                "Due today and in the next {n} days",
                DUE_DAYS,
            ).format(n=DUE_DAYS)
        )
        self.overdue_text.setAccessibleName(_("Earlier ones with nothing logged"))
        name_widget(self.due_list, _("Check-ins and hearings due"))
        self.due_empty.setAccessibleName(_("Check-ins and hearings due"))
        self.due_button.setText(_("Log attendance…"))
        self.due_button.setAccessibleName(_("Log attendance for the selected one"))
        self.timeline_box.setTitle(_("Incidents per month, by kind of actor"))
        self.chart_status.setAccessibleName(_("The month chosen in the timeline"))
        self.chart_hint.setText(
            _(
                "Each incident counts once, in the colour of the first actor listed. Click a"
                " month, or move with the arrow keys and press Enter, to see its incidents."
            )
        )
        self.chart_hint.setAccessibleName(_("How to read the timeline"))
        self.uncertain_text.setAccessibleName(_("Incidents with an uncertain date"))
        self.uncertain_button.setText(_("Show them"))
        self.uncertain_button.setAccessibleName(_("Show the incidents with an uncertain date"))
        self.recent_box.setTitle(_("Recent incidents"))
        name_widget(self.recent_list, _("Recent incidents, newest first"))
        self.recent_empty.setAccessibleName(_("Recent incidents"))
        self.recent_open.setText(_("Open"))
        self.recent_open.setAccessibleName(_("Open the selected incident"))
        self.all_incidents.setText(_("All incidents"))
        self.all_incidents.setAccessibleName(_("Go to all incidents"))
        self.backup_box.setTitle(_("Backup"))
        self.backup_text.setAccessibleName(_("When the last backup was made"))
        self.backup_nudge.setAccessibleName(_("About the backup"))
        self.backup_button.setText(_("Back up…"))
        self.backup_button.setAccessibleName(_("Go to backup and restore"))
        self.chart.retranslate()
        self._render()

    # -- data ---------------------------------------------------------------------------------
    def refresh(self) -> None:
        if not self.desk.unlocked:
            return
        desk = self.desk

        def load() -> _Data:
            # In a worker thread: at 100,000 incidents counting them takes a while, and the
            # schedules are expanded here — never on the GUI thread.
            now = desk.clock()
            data = _Data(now=now)
            data.countdowns = desk.countdown()
            data.due = desk.due(now, days=DUE_DAYS)
            data.obligations = {o.id: o for o in desk.list_obligations()}
            people = desk.list_people()
            data.people = {p.id: p for p in people}
            data.recent = desk.list_incidents(newest_first=True, limit=RECENT)
            data.timeline = load_timeline(desk, people)
            data.emergencies = desk.list_emergencies(open_only=True)
            data.last_backup = desk.last_backup()
            data.backup_known = True
            return data

        try:
            self.data = call_off_gui(load, self)
        except DefenderDeskError:
            # The vault went away under us (locked elsewhere): show what we have.
            return
        service = getattr(self.controller, "reminders", None)
        if service is not None and hasattr(service, "active"):
            self.reminders = list(service.active)
        self._render()

    def navigate_with(self, **kwargs: Any) -> None:
        self.refresh()

    def show_reminders(self, reminders: list[Reminder]) -> None:
        """Called by the reminder service with the reminders currently standing."""
        self.reminders = list(reminders)
        data = self.data
        if data is None or any(r.obligation_id not in data.obligations for r in reminders):
            self.refresh()  # an obligation added since the overview last read the vault
        if self.data is not None:
            self._render_reminders(self.data)

    def dismiss_reminders(self) -> None:
        self.reminders = []
        service = getattr(self.controller, "reminders", None)
        if service is not None and hasattr(service, "dismiss"):
            service.dismiss()
        self.reminder_frame.setVisible(False)

    # -- rendering ----------------------------------------------------------------------------
    def _render(self) -> None:
        data = self.data
        lang = get_language()
        if data is None:
            self.today_label.setText("")
            return
        today = self.desk.today() if self.desk.unlocked else data.now.date()
        self.today_label.setText(_("Today: {date}").format(date=format_day(today, lang)))
        self._render_emergencies(data)
        self._render_reminders(data)
        self._render_countdowns(data)
        self._render_due(data)
        self._render_timeline(data)
        self._render_recent(data)
        self._render_backup(data)

    def _render_emergencies(self, data: _Data) -> None:
        lines = []
        for em in data.emergencies:
            person = data.people.get(em.person_id)
            name = person.name if person is not None else _("someone in your circle")
            started = self._local(em.started_at)
            lines.append(
                _("For {name}, open since {date}, {time}.").format(
                    name=name,
                    date=format_day(started.date(), get_language()),
                    time=started.strftime("%H:%M"),
                )
            )
        self.emergency_text.setText("\n".join(lines))
        self.emergency_title.setText(ngettext("Open emergency", "Open emergencies", len(lines)))
        self.emergency_button.setVisible("emergency" in self._screen_keys())
        self.emergency_frame.setVisible(bool(lines))

    def _reminder_line(self, reminder: Reminder, data: _Data) -> str | None:
        ob = data.obligations.get(reminder.obligation_id)
        if not isinstance(ob, CheckIn | Hearing):
            return None
        lang = get_language()
        occ = reminder.occurrence
        left = occ.at.astimezone(UTC) - self.desk.clock()
        when = format_when(occ.at, lang)
        place = where(ob)
        what = " — ".join(p for p in (ob.title, when, place) if p)
        if left <= timedelta(0):
            return _("Now: {what}").format(what=what)
        left = timedelta(minutes=max(1, round(left.total_seconds() / 60)))
        return _("In {left}: {what}").format(left=render_duration(left, lang), what=what)

    def _render_reminders(self, data: _Data) -> None:
        lines = [line for r in self.reminders if (line := self._reminder_line(r, data))]
        self.reminder_text.setText("\n".join(lines))
        self.reminder_open.setVisible("obligations" in self._screen_keys())
        self.reminder_frame.setVisible(bool(lines))

    def _render_countdowns(self, data: _Data) -> None:
        lang = get_language()
        for label in self.countdown_labels:
            self.countdown_layout.removeWidget(label)
            label.deleteLater()
        self.countdown_labels = []
        for n, c in enumerate(data.countdowns):
            ob = data.obligations.get(c.obligation_id)
            label = self._wrapping(self.countdown_box)
            text = "• " + first_upper(render_countdown(c, lang))
            if ob is not None and ob.kind == "hearing":
                text += " — " + ob.title
            label.setText(text)
            label.setAccessibleName(text)
            if c.kind == "probation":
                label.setStyleSheet("font-weight: bold;")
            self.countdown_layout.insertWidget(n, label)
            self.countdown_labels.append(label)
        self.countdown_empty.setText(
            _("No probation, restriction or hearing is recorded. Add them in Obligations.")
        )
        self.countdown_empty.setVisible(not data.countdowns)

    def _due_text(self, due: Due, data: _Data) -> tuple[str, str]:
        lang = get_language()
        occ = due.occurrence
        ob = data.obligations.get(occ.obligation_id)
        title = ob.title if ob is not None else "?"
        place = where(ob) if isinstance(ob, CheckIn | Hearing) else ""
        what = " — ".join(p for p in (title, place) if p)
        if occ.original is not None:
            what += " " + _("(moved from {when})").format(when=format_when(occ.original, lang))
        when = format_when(occ.at, lang)
        if due.status == "due":
            today = self.desk.today() if self.desk.unlocked else data.now.date()
            when = first_upper(relative_day((occ.at.date() - today).days)) + ": " + when
        return when, what

    def _render_due(self, data: _Data) -> None:
        self.due_list.clear()
        overdue = [d for d in data.due if d.status == "overdue"]
        coming = [d for d in data.due if d.status == "due"]
        amber = QBrush(QColor("#fef3c7"))
        shown_overdue = overdue[-OVERDUE_SHOWN:]  # the latest ones; older are summed up
        hidden = len(overdue) - len(shown_overdue)
        if hidden:
            item = QListWidgetItem(
                ngettext(
                    "… and {n} earlier one with nothing logged (see Obligations)",
                    "… and {n} earlier ones with nothing logged (see Obligations)",
                    hidden,
                ).format(n=hidden),
                self.due_list,
            )
            item.setData(ID_ROLE, None)
            item.setBackground(amber)
        for due in [*shown_overdue, *coming]:
            when, what = self._due_text(due, data)
            if due.status == "overdue":
                when = _("Nothing logged yet: {when}").format(when=when)
            item = QListWidgetItem(f"{when}\n{what}", self.due_list)
            item.setData(ID_ROLE, (due.occurrence.obligation_id, due.occurrence.at))
            if due.status == "overdue":
                item.setBackground(amber)
        if overdue:
            self.overdue_text.setText(
                ngettext(
                    "{n} earlier check-in or hearing has nothing logged. If you went, log it"
                    " in Obligations: the log is your proof.",
                    "{n} earlier check-ins or hearings have nothing logged. If you went, log"
                    " them in Obligations: the log is your proof.",
                    len(overdue),
                ).format(n=len(overdue))
            )
        self.overdue_frame.setVisible(bool(overdue))
        rows = self.due_list.count()
        self.due_list.setVisible(rows > 0)
        self.due_button.setVisible(rows > 0 and "obligations" in self._screen_keys())
        self.due_empty.setText(
            ngettext(
                "Nothing is due in the next {n} day.",
                "Nothing is due in the next {n} days.",
                DUE_DAYS,
            ).format(n=DUE_DAYS)
        )
        self.due_empty.setVisible(not coming)
        first = next(
            (
                self.due_list.item(i)
                for i in range(rows)
                if self.due_list.item(i).data(ID_ROLE) is not None
            ),
            None,
        )
        if first is not None:  # current (for the button) but not highlighted over the amber
            self.due_list.setCurrentItem(first, QItemSelectionModel.SelectionFlag.NoUpdate)
        self._fit_lists()

    def _fit_lists(self) -> None:
        """Lists as tall as their rows (up to a few), so the page scrolls, not the lists."""
        due = self.due_list
        fm = due.fontMetrics()
        width = max(50, due.viewport().width() - 12)
        height = 0
        for i in range(min(due.count(), 5)):
            text = due.item(i).text()
            box = fm.boundingRect(0, 0, width, 10_000, Qt.TextFlag.TextWordWrap, text)
            height += box.height() + 4 + 2 * due.spacing()
        due.setFixedHeight(max(height, fm.height()) + 2 * due.frameWidth() + 2)
        recent = self.recent_list
        rows = min(recent.topLevelItemCount(), RECENT)
        height = sum(recent.sizeHintForRow(i) for i in range(rows))
        recent.setFixedHeight(max(height, fm.height()) + 2 * recent.frameWidth() + 2)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # A wrapped row's height depends on the list's width: measure again when it changes.
        if event.type() == QEvent.Type.Resize and watched is self.due_list.viewport():
            QTimer.singleShot(0, self._fit_lists)
        return super().eventFilter(watched, event)

    def _render_timeline(self, data: _Data) -> None:
        lang = get_language()
        timeline = data.timeline
        self.chart.set_timeline(timeline)
        self._chart_moved(self.chart.accessibleDescription())
        groups: OrderedDict[str, int] = OrderedDict()
        for _id, when in timeline.uncertain:
            text = when.render(lang)
            groups[text] = groups.get(text, 0) + 1
        if groups:
            parts = "; ".join(f"{text} ({n})" for text, n in groups.items())
            self.uncertain_text.setText(
                ngettext(
                    "Date uncertain — {n} incident known only to the year or approximately is"
                    " not in the chart: {list}.",
                    "Date uncertain — {n} incidents known only to the year or approximately are"
                    " not in the chart: {list}.",
                    len(timeline.uncertain),
                ).format(n=len(timeline.uncertain), list=parts)
            )
        self.uncertain_text.setVisible(bool(groups))
        self.uncertain_button.setVisible(bool(groups))
        self.chart_hint.setVisible(bool(timeline.months))

    def _chart_moved(self, text: str) -> None:
        self.chart_status.setText(text)
        self.chart_status.setVisible(bool(text))

    def _render_recent(self, data: _Data) -> None:
        lang = get_language()
        self.recent_list.clear()
        for inc in data.recent:
            item = QTreeWidgetItem(self.recent_list, [inc.happened.render(lang), inc.title])
            item.setData(0, ID_ROLE, inc.id)
            item.setToolTip(1, inc.title)
        rows = self.recent_list.topLevelItemCount()
        self._fit_lists()
        self.recent_list.setVisible(rows > 0)
        self.recent_open.setVisible(rows > 0)
        if rows:
            self.recent_list.setCurrentItem(self.recent_list.topLevelItem(0))
        self.recent_empty.setText(
            _("No incidents yet. Record the first one in Incidents (Ctrl+N there).")
        )
        self.recent_empty.setVisible(rows == 0)
        self.all_incidents.setVisible("incidents" in self._screen_keys())

    def _render_backup(self, data: _Data) -> None:
        lang = get_language()
        last = data.last_backup
        nudge = ""
        if last is None:
            self.backup_text.setText(_("No backup yet."))
            nudge = _(
                "A backup is one encrypted file that only your recovery code opens. Keep it"
                " away from home, for example with your lawyer: if this computer is taken or"
                " breaks, it is the way back to your records."
            )
        else:
            age = (data.now - last).days
            local = self._local(last)
            self.backup_text.setText(
                _("Last backup: {date}, {time} ({ago}).").format(
                    date=format_day(local.date(), lang),
                    time=local.strftime("%H:%M"),
                    ago=days_ago(age),
                )
            )
            if age > BACKUP_OLD_DAYS:
                nudge = _(
                    "It is more than a month old: what you recorded since is not in it. Make a"
                    " new one when you can."
                )
        self.backup_nudge.setText(nudge)
        self.backup_nudge_frame.setVisible(bool(nudge))
        self.backup_button.setVisible("backup" in self._screen_keys())

    # -- going places -------------------------------------------------------------------------
    def open_month(self, year: int, month: int) -> None:
        """The incidents screen, showing exactly the incidents counted in that month's bar."""
        data = self.data
        if data is None:
            return
        index = data.timeline.index_of(year, month)
        if index is None:
            return
        bucket = data.timeline.months[index]
        fd = FuzzyDate.in_month(year, month)
        self._go(
            "incidents",
            filter=IncidentFilter(date_from=fd, date_until=fd, ids=list(bucket.incident_ids)),
        )

    def open_uncertain(self) -> None:
        if self.data is None or not self.data.timeline.uncertain:
            return
        ids = [i for i, _when in self.data.timeline.uncertain]
        self._go("incidents", filter=IncidentFilter(ids=ids))

    def open_incident_item(self, item: QTreeWidgetItem | None) -> None:
        if item is None:
            return
        incident_id = item.data(0, ID_ROLE)
        if incident_id:
            self.open_incident(str(incident_id))

    def open_incident(self, incident_id: str) -> None:
        """Open the incident's editor over the incidents screen."""
        self._go("incidents", open_id=incident_id)

    def open_due(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        value = item.data(ID_ROLE)
        if not value:
            self._go("obligations")
            return
        obligation_id, at = value
        self._go("obligations", obligation_id=obligation_id, at=at, log=True)
