"""Obligations: probation, restrictions, check-ins, hearings and deadlines; the check-ins and
hearings coming up (log attendance, move or cancel one); the attendance log (her proof of
compliance) and supervision events (warnings, permissions, notifications, compulsory labour).

Dates are entered as the verdict or decision states them: nothing here computes an end date from
a duration. A check-in schedule is built from plain choices (every week on chosen days, the 2nd
and 4th Monday, a day of the month, the first or last working day) and always shown in words,
never as the repeat rule (RRULE) it is stored as. Evidence for a log entry (a photo of the stamp,
the written warning) is picked with the trace-free file picker and encrypted into the vault in a
background job.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast
from zoneinfo import ZoneInfo

from babel.dates import get_day_names
from pydantic import TypeAdapter
from PySide6.QtCore import QDate, QDateTime, QSize, Qt, QTime
from PySide6.QtGui import QAction, QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QTimeEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from defender_desk.app import (
    DEFAULT_LEADS,
    AttendanceEntry,
    CheckIn,
    Countdown,
    Due,
    Hearing,
    ObligationError,
    Occurrence,
    Probation,
    Restriction,
    RestrictionKind,
    ScheduleError,
    SupervisionEvent,
    obligation_render,
    rule_parts,
    today_in,
)
from defender_desk.domain.dates import YEAR_MAX, YEAR_MIN
from defender_desk.errors import DefenderDeskError, InvalidInput
from defender_desk.i18n import N_, _, describe_error, get_language, ngettext
from defender_desk.ui import filepicker
from defender_desk.ui.kit import confirm as dialogs
from defender_desk.ui.kit.form import EditorDialog, register_opener
from defender_desk.ui.kit.format import date_format, zone_label
from defender_desk.ui.kit.jobs import Job, call_off_gui, error_text
from defender_desk.ui.kit.screen import PlainLabel, Screen
from defender_desk.ui.kit.widgets import fill_combo, name_widget, select_data

if TYPE_CHECKING:
    from defender_desk.app import AnyObligation, AttendanceStatus, Desk, SupervisionKind
    from defender_desk.ui.kit.host import Host

describe_rule = obligation_render.describe_rule
format_day = obligation_render.format_day
format_when = obligation_render.format_when
render_countdown = obligation_render.render_countdown
render_duration = obligation_render.render_duration
render_restriction_end = obligation_render.render_restriction_end
restriction_label = obligation_render.restriction_label
UPCOMING_DAYS = 90
ID_ROLE = Qt.ItemDataRole.UserRole
AMBER = "#fef3c7"

KIND_GROUPS: dict[str, str] = {
    "probation": N_("Probation"),
    "restriction": N_("Restrictions"),
    "checkin": N_("Check-ins"),
    "hearing": N_("Hearings and deadlines"),
}
KIND_NAMES: dict[str, str] = {
    "probation": N_("Probation"),
    "restriction": N_("Restriction"),
    "checkin": N_("Check-ins"),
    "hearing": N_("Hearing or deadline"),
}
ATTENDANCE_LABELS: dict[str, str] = {
    "attended": N_("Attended"),
    "missed": N_("Missed"),
    "moved": N_("Moved (by the probation service or the court)"),
}
#: the same, short, for the log's column
LOGGED_AS: dict[str, str] = {
    "attended": N_("Attended"),
    "missed": N_("Missed"),
    "moved": N_("Moved"),
}
SUPERVISION_LABELS: dict[str, str] = {
    "warning": N_("Written warning"),
    "permission": N_("Permission to leave the area"),
    "notification": N_("Notification of a change"),
    "labour": N_("Compulsory labour"),
}
RESTRICTION_KINDS: tuple[RestrictionKind, ...] = (
    "public_activity",
    "leave_area",
    "curfew",
    "reporting",
    "no_contact",
    "other",
)
#: Kazakhstan's zones first (most of the country is on Asia/Almaty since 2024-03-01).
ZONES: tuple[str, ...] = (
    "Asia/Almaty",
    "Asia/Qostanay",
    "Asia/Qyzylorda",
    "Asia/Aqtobe",
    "Asia/Aqtau",
    "Asia/Atyrau",
    "Asia/Oral",
)
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
WORKDAYS = "MO,TU,WE,TH,FR"
ORDINALS: tuple[tuple[int, str], ...] = (
    (1, N_("1st")),
    (2, N_("2nd")),
    (3, N_("3rd")),
    (4, N_("4th")),
    (-1, N_("last")),
)
PATTERNS: tuple[tuple[str, str], ...] = (
    ("weekly", N_("Every week, on the days ticked")),
    ("nth", N_("Some weeks of the month (e.g. the 2nd and 4th Monday)")),
    ("monthday", N_("Every month, on a day of the month")),
    ("workday1", N_("The first working day of every month")),
    ("workday-1", N_("The last working day of every month")),
)
PATTERN_CUSTOM = N_("As set before (a schedule made outside this screen)")
DAY_BEFORE, TWO_HOURS = DEFAULT_LEADS
_LEADS: TypeAdapter[list[timedelta]] = TypeAdapter(list[timedelta])
_BABEL = {"en": "en_GB", "ru": "ru", "kk": "kk"}


# -- small helpers ----------------------------------------------------------------------------


def first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def sentence(text: str) -> str:
    """Capitalised, ending with one full stop (a Russian date already ends with «г.»)."""
    text = first_upper(text.strip())
    return text if text.endswith((".", "!", "?", "…")) else text + "."


def weekday_names(lang: str | None = None) -> list[str]:
    """Monday first, in the interface language, as a name stands alone ("Monday")."""
    names = get_day_names("wide", context="stand-alone", locale=_BABEL.get(lang or get_language()))
    return [first_upper(str(names[i])) for i in range(7)]


def to_qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def from_qdate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def date_edit(parent: QWidget) -> QDateEdit:
    edit = QDateEdit(parent)
    edit.setCalendarPopup(True)
    edit.setMinimumDate(QDate(YEAR_MIN, 1, 1))
    edit.setMaximumDate(QDate(YEAR_MAX, 12, 31))
    edit.setDisplayFormat(date_format(False))
    edit.setMaximumWidth(220)
    return edit


def where(ob: CheckIn | Hearing) -> str:
    return ob.place if isinstance(ob, CheckIn) else ob.body


def friendly_rule(text: str, start: datetime) -> tuple[str, dict[str, Any]]:
    """A stored repeat rule as one of the friendly patterns, or ``("custom", {})``."""
    try:
        parts = rule_parts(text)
    except ObligationError:
        return "custom", {}
    parts.pop("WKST", None)
    if parts.get("INTERVAL", "1") != "1":
        return "custom", {}
    parts.pop("INTERVAL", None)
    freq = parts.pop("FREQ", "")
    byday = parts.get("BYDAY", "")
    days = [d for d in byday.split(",") if d]
    if freq == "WEEKLY" and set(parts) <= {"BYDAY"}:
        if not days:
            return "weekly", {"days": [start.weekday()]}
        if all(d in WEEKDAY_CODES for d in days):
            return "weekly", {"days": sorted(WEEKDAY_CODES.index(d) for d in days)}
    if freq != "MONTHLY":
        return "custom", {}
    if set(parts) == {"BYDAY"} and days:
        numbered = [(d[:-2], d[-2:]) for d in days]
        weekdays = {wd for _n, wd in numbered}
        nths: list[int] = []
        for n, _wd in numbered:
            try:
                nths.append(int(n))
            except ValueError:
                return "custom", {}
        if len(weekdays) == 1 and all(n in (1, 2, 3, 4, -1) for n in nths):
            return "nth", {
                "nths": sorted(set(nths)),
                "weekday": WEEKDAY_CODES.index(weekdays.pop()),
            }
    if set(parts) == {"BYMONTHDAY"}:
        try:
            day = int(parts["BYMONTHDAY"])
        except ValueError:
            return "custom", {}
        if 1 <= day <= 31:
            return "monthday", {"day": day}
    if set(parts) == {"BYDAY", "BYSETPOS"} and byday == WORKDAYS:
        pos = parts["BYSETPOS"].lstrip("+")
        if pos in ("1", "-1"):
            return f"workday{pos}", {}
    return "custom", {}


def build_rule(pattern: str, params: dict[str, Any]) -> str | None:
    """The repeat rule for a friendly pattern, or None when the choices are incomplete."""
    if pattern == "weekly":
        days = sorted(params.get("days", []))
        return "FREQ=WEEKLY;BYDAY=" + ",".join(WEEKDAY_CODES[d] for d in days) if days else None
    if pattern == "nth":
        nths = sorted(params.get("nths", []), key=lambda n: n if n > 0 else 6)
        code = WEEKDAY_CODES[int(params.get("weekday", 0))]
        return "FREQ=MONTHLY;BYDAY=" + ",".join(f"{n}{code}" for n in nths) if nths else None
    if pattern == "monthday":
        return f"FREQ=MONTHLY;BYMONTHDAY={int(params.get('day', 1))}"
    if pattern in ("workday1", "workday-1"):
        return f"FREQ=MONTHLY;BYDAY={WORKDAYS};BYSETPOS={pattern.removeprefix('workday')}"
    return None


def schedule_words(checkin: CheckIn, lang: str | None = None) -> str:
    """The schedule in plain words; a rule made elsewhere that has no wording is described by
    its next dates, never shown as rule text."""
    code = lang or get_language()
    if friendly_rule(checkin.rrule, checkin.start)[0] != "custom":
        return str(describe_rule(checkin, code))
    return _("a schedule of its own, at {time}").format(time=checkin.start.strftime("%H:%M"))


def next_dates(desk: Desk, checkin: CheckIn, now: datetime, n: int = 3) -> list[datetime]:
    """The next dates of a schedule, computed in a worker thread (never on the GUI thread)."""
    return list(call_off_gui(lambda: desk.next_dates(checkin, now, n)))


def obligation_error_text(exc: DefenderDeskError, labels: dict[str, str]) -> str:
    """A refusal in words, with the field's label (never the repeat rule's syntax hint)."""
    if not isinstance(exc, InvalidInput):
        return error_text(exc)
    field = str(exc.fields.get("field", ""))
    reason = str(exc.fields.get("reason", ""))
    if isinstance(exc, ScheduleError) and field == "rrule":
        return _("The schedule: {reason}").format(reason=_(reason))
    label = labels.get(field) or labels.get(field.split(".")[0])
    if label is not None and reason:
        return _("{field}: {reason}").format(field=label, reason=_(reason))
    return describe_error(exc)


def leads_text(leads: Sequence[timedelta]) -> str:
    if not leads:
        return _("no reminders")
    lang = get_language()
    return _("reminders: {list}").format(
        list=", ".join(
            _("{time} before").format(time=render_duration(lead, lang)) for lead in leads
        )
    )


# -- the schedule control ---------------------------------------------------------------------


class ScheduleControl(QWidget):
    """Friendly choices for a check-in's repeat rule, its time of day and zone."""

    def __init__(self, parent: QWidget | None = None, zone: str = ZONES[0]) -> None:
        super().__init__(parent)
        self._custom_rule: str | None = None
        self.pattern = QComboBox(self)
        self.days_row = QWidget(self)
        self.day_boxes = [QCheckBox(self.days_row) for _ in range(7)]
        row = QHBoxLayout(self.days_row)
        row.setContentsMargins(0, 0, 0, 0)
        for box in self.day_boxes:
            row.addWidget(box)
        row.addStretch(1)
        self.nth_row = QWidget(self)
        self.nth_boxes = [QCheckBox(self.nth_row) for _ in ORDINALS]
        self.nth_weekday = QComboBox(self.nth_row)
        row = QHBoxLayout(self.nth_row)
        row.setContentsMargins(0, 0, 0, 0)
        for box in self.nth_boxes:
            row.addWidget(box)
        row.addWidget(self.nth_weekday)
        row.addStretch(1)
        self.monthday_row = QWidget(self)
        self.monthday_label = QLabel(self.monthday_row)
        self.monthday = QSpinBox(self.monthday_row)
        self.monthday.setRange(1, 31)
        self.monthday_label.setBuddy(self.monthday)
        self.monthday_note = PlainLabel("", self.monthday_row)
        self.monthday_note.setWordWrap(True)
        row = QHBoxLayout(self.monthday_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.monthday_label)
        row.addWidget(self.monthday)
        row.addWidget(self.monthday_note, 1)
        self.time_label = QLabel(self)
        self.time = QTimeEdit(self)
        self.time.setDisplayFormat("HH:mm")
        self.time.setTime(QTime(10, 0))
        self.time_label.setBuddy(self.time)
        self.zone_label = QLabel(self)
        self.zone = QComboBox(self)
        self.zone_label.setBuddy(self.zone)
        self._zones = list(dict.fromkeys([zone, *ZONES]))
        time_row = QHBoxLayout()
        time_row.addWidget(self.time_label)
        time_row.addWidget(self.time)
        time_row.addSpacing(12)
        time_row.addWidget(self.zone_label)
        time_row.addWidget(self.zone, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pattern)
        layout.addWidget(self.days_row)
        layout.addWidget(self.nth_row)
        layout.addWidget(self.monthday_row)
        layout.addLayout(time_row)
        self.pattern.currentIndexChanged.connect(self._adapt)
        self.retranslate()
        select_data(self.zone, zone)
        self.day_boxes[0].setChecked(True)
        self._adapt()

    def retranslate(self) -> None:
        items: list[tuple[str, Any]] = [(_(label), key) for key, label in PATTERNS]
        if self._custom_rule is not None:
            items.append((_(PATTERN_CUSTOM), "custom"))
        fill_combo(self.pattern, items)
        name_widget(self.pattern, _("How the check-ins repeat"))
        names = weekday_names()
        for box, name in zip(self.day_boxes, names, strict=True):
            box.setText(name)
            box.setAccessibleName(_("Every week on {day}").format(day=name))
        for box, (_n, label) in zip(self.nth_boxes, ORDINALS, strict=True):
            box.setText(_(label))
            box.setAccessibleName(_("The {nth} week of the month").format(nth=_(label)))
        fill_combo(self.nth_weekday, [(name, i) for i, name in enumerate(names)])
        name_widget(self.nth_weekday, _("Day of the week"))
        self.monthday_label.setText(_("&Day of the month:"))
        name_widget(self.monthday, _("Day of the month"))
        self.monthday_note.setText(_("In a month without that day there is no check-in."))
        self.monthday_note.setAccessibleName(_("About the day of the month"))
        self.time_label.setText(_("&Time:"))
        name_widget(self.time, _("Time of day"))
        self.zone_label.setText(_("Time &zone:"))
        fill_combo(self.zone, [(zone_label(z), z) for z in self._zones])
        name_widget(self.zone, _("Time zone"))

    def _adapt(self) -> None:
        pattern = self.pattern.currentData()
        self.days_row.setVisible(pattern == "weekly")
        self.nth_row.setVisible(pattern == "nth")
        self.monthday_row.setVisible(pattern == "monthday")

    def set_zone(self, zone: str) -> None:
        if zone not in self._zones:
            self._zones.insert(0, zone)
            fill_combo(self.zone, [(zone_label(z), z) for z in self._zones])
        select_data(self.zone, zone)

    def load(self, rrule: str, start: datetime, zone: str) -> None:
        pattern, params = friendly_rule(rrule, start)
        self._custom_rule = rrule if pattern == "custom" else None
        self.retranslate()
        select_data(self.pattern, pattern)
        if pattern == "weekly":
            for i, box in enumerate(self.day_boxes):
                box.setChecked(i in params["days"])
        elif pattern == "nth":
            for (n, _label), box in zip(ORDINALS, self.nth_boxes, strict=True):
                box.setChecked(n in params["nths"])
            select_data(self.nth_weekday, params["weekday"])
        elif pattern == "monthday":
            self.monthday.setValue(params["day"])
        self.time.setTime(QTime(start.hour, start.minute))
        self.set_zone(zone)
        self._adapt()

    def rule(self) -> str | None:
        pattern = self.pattern.currentData()
        if pattern == "custom":
            return self._custom_rule
        params: dict[str, Any] = {
            "days": [i for i, box in enumerate(self.day_boxes) if box.isChecked()],
            "nths": [
                n for (n, _l), box in zip(ORDINALS, self.nth_boxes, strict=True) if box.isChecked()
            ],
            "weekday": self.nth_weekday.currentData() or 0,
            "day": self.monthday.value(),
        }
        return build_rule(str(pattern), params)

    def time_of_day(self) -> time:
        t = self.time.time()
        return time(t.hour(), t.minute())

    def zone_name(self) -> str:
        return str(self.zone.currentData() or ZONES[0])

    def controls(self) -> list[QWidget]:
        return [
            self.pattern,
            *self.day_boxes,
            *self.nth_boxes,
            self.nth_weekday,
            self.monthday,
            self.time,
            self.zone,
        ]


# -- the evidence chooser (one optional file) -------------------------------------------------


class EvidenceChooser(QWidget):
    """ "Attach a file…" with the trace-free picker; shows the chosen file's name only."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path: Path | None = None
        self.name = PlainLabel("", self)
        self.name.setWordWrap(True)
        self.choose = QPushButton(self)
        self.choose.clicked.connect(self.pick)
        self.remove = QPushButton(self)
        self.remove.clicked.connect(self.clear)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.name, 1)
        row.addWidget(self.choose)
        row.addWidget(self.remove)
        self.retranslate()

    def retranslate(self) -> None:
        self.choose.setText(_("Attach a file…"))
        self.choose.setAccessibleName(_("Attach an evidence file"))
        self.remove.setText(_("Remove"))
        self.remove.setAccessibleName(_("Do not attach the file"))
        self.name.setAccessibleName(_("Evidence file"))
        self._show()

    def pick(self) -> None:
        chosen = filepicker.pick_files(self, _("Choose the evidence file"), multiple=False)
        if chosen:
            self.path = chosen[0]
            self._show()

    def clear(self) -> None:
        self.path = None
        self._show()

    def _show(self) -> None:
        if self.path is None:
            self.name.setText(_("No file (optional): e.g. a photo of the stamp or the letter."))
        else:
            self.name.setText(self.path.name)
        self.remove.setVisible(self.path is not None)


def run_with_evidence(
    parent: QWidget,
    evidence: Path | None,
    work: Callable[[Callable[[int, int], None] | None, Callable[[], bool] | None], Any],
    done: Callable[[Any], None],
) -> Job | None:
    """Without a file, run ``work`` here (errors raise); with one, in a :class:`Job` (progress,
    cancel; an error is shown in a message box and ``done`` is not called)."""
    if evidence is None:
        done(work(None, None))
        return None
    job = Job(parent, _("Encrypting the file into the vault…"), lambda p, c: work(p, c), done)
    return job.start()


# -- dialogs ----------------------------------------------------------------------------------


class _Dialog(EditorDialog):
    """A form of rows (:meth:`row`) with the kit's editor behaviour: Save / Cancel always
    visible, closing with changes asks, a lock keeps a draft."""

    heading_text = ""
    wanted_size = QSize(640, 600)

    def __init__(self, controller: Host, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        self.controller = controller
        self.desk: Desk = controller.desk
        self.job: Job | None = None
        self.form_widget = QWidget()
        self.form = QFormLayout(self.form_widget)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.labels: dict[str, QLabel] = {}
        self.setSizeGripEnabled(True)

    def finish_layout(self) -> None:
        self.set_body(self.form_widget)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self._baseline is None and self.draft_id is None:
            self.finish()  # loaded by now: changes count from here

    def row(self, key: str, widget: QWidget, buddy: QWidget | None = None) -> QLabel:
        label = QLabel(self.form_widget)
        label.setBuddy(buddy or widget)
        self.labels[key] = label
        self.form.addRow(label, widget)
        return label

    def field_labels(self) -> dict[str, str]:
        return {k: v.text().replace("&", "").rstrip(":") for k, v in self.labels.items()}

    def show_error(self, exc: DefenderDeskError) -> None:
        self.error.setText(obligation_error_text(exc, self.field_labels()))


class ObligationDialog(_Dialog):
    """Add or edit one obligation of ``kind``; :attr:`obligation` holds it after Save."""

    draft_kind = "obligation"

    def draft_record_id(self) -> str | None:
        return self.original.id if self.original is not None else None

    def draft_context(self) -> dict[str, Any]:
        return {"kind": self.kind}

    def __init__(
        self,
        controller: Host,
        kind: str,
        obligation: AnyObligation | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(controller, parent)
        self.kind = kind
        self.original = obligation
        self.obligation: AnyObligation | None = None
        self._extra_leads: list[timedelta] = []
        desk = self.desk
        today = desk.today()
        probations = [o for o in desk.list_obligations() if isinstance(o, Probation)]
        self.probation = next((p for p in probations if p.start <= today <= p.until), None)
        if self.probation is None and probations:
            self.probation = probations[-1]

        self.title_edit = QLineEdit(self)
        self.row("title", self.title_edit)
        if kind == "probation":
            self._build_probation()
        elif kind == "restriction":
            self._build_restriction()
        elif kind == "checkin":
            self._build_checkin()
        else:
            self._build_hearing()
        self.finish_layout()
        self.retranslate()
        self._load(obligation)
        controller.language_changed.connect(self.retranslate)
        self.title_edit.setFocus()

    # -- the forms ------------------------------------------------------------------------
    def _build_probation(self) -> None:
        self.start = date_edit(self)
        self.until = date_edit(self)
        self.body_name = QLineEdit(self)
        self.body_officer = QLineEdit(self)
        self.body_address = QLineEdit(self)
        self.conditions = QPlainTextEdit(self)
        self.conditions.setTabChangesFocus(True)
        self.conditions.setMaximumHeight(110)
        self.decision = QLineEdit(self)
        for key, w in (
            ("start", self.start),
            ("until", self.until),
            ("body.name", self.body_name),
            ("body.officer", self.body_officer),
            ("body.address", self.body_address),
            ("conditions", self.conditions),
            ("decision", self.decision),
        ):
            self.row(key, w)
        self.end_note = PlainLabel("", self)
        self.end_note.setWordWrap(True)
        self.form.addRow(self.end_note)

    def _build_restriction(self) -> None:
        self.restriction_kind = QComboBox(self)
        self.start = date_edit(self)
        self.until = date_edit(self)
        self.no_end = QCheckBox(self)
        self.no_end.toggled.connect(lambda on: self.until.setEnabled(not on))
        end_row = QWidget(self)
        lay = QHBoxLayout(end_row)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.until)
        lay.addWidget(self.no_end)
        lay.addStretch(1)
        self.forbids = QPlainTextEdit(self)
        self.forbids.setTabChangesFocus(True)
        self.forbids.setMaximumHeight(90)
        self.decision = QLineEdit(self)
        self.row("restriction_kind", self.restriction_kind)
        self.row("start", self.start)
        self.row("until", end_row, self.until)
        self.row("forbids", self.forbids)
        self.row("decision", self.decision)
        self.end_note = PlainLabel("", self)
        self.end_note.setWordWrap(True)
        self.form.addRow(self.end_note)

    def _build_checkin(self) -> None:
        self.place = QLineEdit(self)
        self.schedule = ScheduleControl(self, self.desk.user_zone())
        self.start = date_edit(self)
        self.until = date_edit(self)
        self.no_end = QCheckBox(self)
        self.no_end.toggled.connect(lambda on: self.until.setEnabled(not on))
        end_row = QWidget(self)
        lay = QHBoxLayout(end_row)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.until)
        lay.addWidget(self.no_end)
        lay.addStretch(1)
        self.remind_day = QCheckBox(self)
        self.remind_hours = QCheckBox(self)
        remind_row = QWidget(self)
        lay = QHBoxLayout(remind_row)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.remind_day)
        lay.addWidget(self.remind_hours)
        lay.addStretch(1)
        self.preview = PlainLabel("", self)
        self.preview.setWordWrap(True)
        self.preview.setStyleSheet("color: #1e3a8a;")
        self.row("place", self.place)
        self.row("rrule", self.schedule, self.schedule.pattern)
        self.row("start", self.start)
        self.row("until", end_row, self.until)
        self.row("reminders", remind_row, self.remind_day)
        self.form.addRow(self.preview)
        for box in [*self.schedule.day_boxes, *self.schedule.nth_boxes, self.no_end]:
            box.toggled.connect(self._update_preview)
        for combo in (self.schedule.pattern, self.schedule.nth_weekday, self.schedule.zone):
            combo.currentIndexChanged.connect(self._update_preview)
        self.schedule.monthday.valueChanged.connect(self._update_preview)
        self.schedule.time.timeChanged.connect(self._update_preview)
        self.start.dateChanged.connect(self._update_preview)
        self.until.dateChanged.connect(self._update_preview)
        self.setTabOrder(self.title_edit, self.place)
        previous: QWidget = self.place
        for w in [*self.schedule.controls(), self.start, self.until, self.no_end]:
            self.setTabOrder(previous, w)
            previous = w
        self.setTabOrder(previous, self.remind_day)
        self.setTabOrder(self.remind_day, self.remind_hours)

    def _build_hearing(self) -> None:
        self.at = QDateTimeEdit(self)
        self.at.setCalendarPopup(True)
        self.at.setDisplayFormat(date_format(True))
        self.zone = QComboBox(self)
        self._zones = list(dict.fromkeys([self.desk.user_zone(), *ZONES]))
        self.body = QLineEdit(self)
        self.case = QLineEdit(self)
        self.bring = QPlainTextEdit(self)
        self.bring.setTabChangesFocus(True)
        self.bring.setMaximumHeight(80)
        self.basis = QLineEdit(self)
        self.remind_day = QCheckBox(self)
        self.remind_hours = QCheckBox(self)
        remind_row = QWidget(self)
        lay = QHBoxLayout(remind_row)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.remind_day)
        lay.addWidget(self.remind_hours)
        lay.addStretch(1)
        for key, w in (
            ("at", self.at),
            ("zone", self.zone),
            ("body", self.body),
            ("case", self.case),
            ("bring", self.bring),
            ("basis", self.basis),
        ):
            self.row(key, w)
        self.row("reminders", remind_row, self.remind_day)

    # -- texts ----------------------------------------------------------------------------
    def retranslate(self) -> None:
        kind = self.kind
        if self.original is None:
            title = {
                "probation": _("Add probation"),
                "restriction": _("Add a restriction"),
                "checkin": _("Add check-ins"),
                "hearing": _("Add a hearing or deadline"),
            }[kind]
        else:
            title = {
                "probation": _("Edit probation"),
                "restriction": _("Edit the restriction"),
                "checkin": _("Edit the check-ins"),
                "hearing": _("Edit the hearing or deadline"),
            }[kind]
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        texts: dict[str, tuple[str, str]] = {
            "title": (_("&Title:"), _("Title")),
            "start": (_("&Start:"), _("First day")),
            "until": (_("&Last day:"), _("Last day, as the decision states it")),
            "body.name": (_("Supervised &by:"), _("Supervising body")),
            "body.officer": (_("&Officer:"), _("Officer")),
            "body.address": (_("&Address:"), _("Address")),
            "conditions": (_("&Conditions:"), _("Conditions, one per line")),
            "decision": (_("&Decision:"), _("Court decision (reference)")),
            "restriction_kind": (_("&Kind:"), _("Kind of restriction")),
            "forbids": (_("What it &forbids:"), _("What it forbids, in your words")),
            "place": (_("&Place:"), _("Where the check-ins are")),
            "rrule": (_("&Repeats:"), _("How the check-ins repeat")),
            "reminders": (_("&Reminders:"), _("Reminders")),
            "at": (_("&Date and time:"), _("Date and time")),
            "zone": (_("Time &zone:"), _("Time zone")),
            "body": (_("Court or &body:"), _("Court or body")),
            "case": (_("&Case number:"), _("Case number")),
            "bring": (_("What to b&ring:"), _("What to bring")),
            "basis": (_("Legal &basis:"), _("Legal basis of the deadline")),
        }
        if kind == "checkin":
            texts["start"] = (_("&From:"), _("First day of the schedule"))
        if kind == "hearing":
            texts["title"] = (_("&Title:"), _("Title of the hearing or deadline"))
        for key, label in self.labels.items():
            text, name = texts[key]
            label.setText(text)
            buddy = label.buddy()
            if buddy is not None:
                name_widget(buddy, name)
        self.title_edit.setPlaceholderText(
            {
                "probation": _("e.g. Probation under the verdict"),
                "restriction": _("e.g. Ban on public activity"),
                "checkin": _("e.g. Check-in at the probation service"),
                "hearing": _("e.g. Appeal hearing, or the deadline for an appeal"),
            }[kind]
        )
        if kind in ("probation", "restriction", "checkin"):
            self.start.setAccessibleName(texts["start"][1])
        if kind in ("probation", "restriction"):
            self.end_note.setText(
                _(
                    "Enter the dates exactly as the verdict or decision states them; the app does"
                    " not work them out from a duration."
                )
            )
            self.end_note.setAccessibleName(_("About the dates"))
        if kind == "probation":
            self.conditions.setPlaceholderText(_("One condition per line"))
        if kind == "restriction":
            fill_combo(
                self.restriction_kind,
                [(first_upper(restriction_label(k, get_language())), k) for k in RESTRICTION_KINDS],
            )
            name_widget(self.restriction_kind, _("Kind of restriction"))
            self.no_end.setText(_("no end date"))
            self.no_end.setAccessibleName(_("The restriction has no end date"))
            name_widget(self.until, _("Last day, as the decision states it"))
        if kind == "checkin":
            self.schedule.retranslate()
            self.no_end.setText(_("none: until further notice"))
            self.no_end.setAccessibleName(_("The check-ins have no last day"))
            name_widget(self.until, _("Last day of the check-ins"))
            self.preview.setAccessibleName(_("The schedule in words"))
            self._update_preview()
        if kind == "hearing":
            fill_combo(self.zone, [(zone_label(z), z) for z in self._zones])
            name_widget(self.zone, _("Time zone"))
        if kind in ("checkin", "hearing"):
            self.remind_day.setText(_("a day before"))
            self.remind_day.setAccessibleName(_("Remind me a day before"))
            self.remind_hours.setText(_("2 hours before"))
            self.remind_hours.setAccessibleName(_("Remind me 2 hours before"))
        self.retranslate_buttons(_("Save"))

    # -- load and save --------------------------------------------------------------------
    def _load(self, ob: AnyObligation | None) -> None:
        today = self.desk.today()
        if isinstance(ob, Probation) or (ob is None and self.kind == "probation"):
            p = ob if isinstance(ob, Probation) else None
            self.title_edit.setText(p.title if p else _("Probation"))
            self.start.setDate(to_qdate(p.start if p else today))
            self.until.setDate(to_qdate(p.until if p else today))
            if p is not None:
                self.body_name.setText(p.body.name)
                self.body_officer.setText(p.body.officer)
                self.body_address.setText(p.body.address)
                self.conditions.setPlainText("\n".join(p.conditions))
                self.decision.setText(p.decision)
        elif self.kind == "restriction":
            r = ob if isinstance(ob, Restriction) else None
            self.title_edit.setText(r.title if r else "")
            select_data(self.restriction_kind, r.restriction_kind if r else "public_activity")
            start = (
                r.start
                if r
                else (self.probation.until + timedelta(days=1) if self.probation else today)
            )
            self.start.setDate(to_qdate(start))
            self.no_end.setChecked(r is not None and r.until is None)
            self.until.setDate(to_qdate(r.until if r and r.until else start))
            self.until.setEnabled(not self.no_end.isChecked())
            if r is not None:
                self.forbids.setPlainText(r.forbids)
                self.decision.setText(r.decision)
        elif self.kind == "checkin":
            c = ob if isinstance(ob, CheckIn) else None
            if c is not None:
                self.title_edit.setText(c.title)
                self.place.setText(c.place)
                self.schedule.load(c.rrule, c.start, c.zone)
                self.start.setDate(to_qdate(c.start.date()))
                self.no_end.setChecked(c.until is None)
                self.until.setDate(to_qdate(c.until or c.start.date()))
                self._set_leads(c.reminders)
            else:
                self.title_edit.setText(_("Check-in at the probation service"))
                if self.probation is not None:
                    self.place.setText(self.probation.body.name)
                self.start.setDate(to_qdate(today))
                self.no_end.setChecked(self.probation is None)
                self.until.setDate(to_qdate(self.probation.until if self.probation else today))
                self._set_leads(list(DEFAULT_LEADS))
            self.until.setEnabled(not self.no_end.isChecked())
            self._update_preview()
        else:
            h = ob if isinstance(ob, Hearing) else None
            if h is not None:
                self.title_edit.setText(h.title)
                self.at.setDateTime(QDateTime(to_qdate(h.at.date()), QTime(h.at.hour, h.at.minute)))
                if h.zone not in self._zones:
                    self._zones.insert(0, h.zone)
                    fill_combo(self.zone, [(zone_label(z), z) for z in self._zones])
                select_data(self.zone, h.zone)
                self.body.setText(h.body)
                self.case.setText(h.case)
                self.bring.setPlainText(h.bring)
                self.basis.setText(h.basis)
                self._set_leads(h.reminders)
            else:
                self.at.setDateTime(QDateTime(to_qdate(today + timedelta(days=7)), QTime(10, 0)))
                select_data(self.zone, self.desk.user_zone())
                self._set_leads(list(DEFAULT_LEADS))

    def _set_leads(self, leads: Sequence[timedelta]) -> None:
        self.remind_day.setChecked(DAY_BEFORE in leads)
        self.remind_hours.setChecked(TWO_HOURS in leads)
        self._extra_leads = [lead for lead in leads if lead not in (DAY_BEFORE, TWO_HOURS)]

    def _leads(self) -> list[Any]:
        leads = list(self._extra_leads)
        if self.remind_day.isChecked():
            leads.append(DAY_BEFORE)
        if self.remind_hours.isChecked():
            leads.append(TWO_HOURS)
        return list(_LEADS.dump_python(leads, mode="json"))

    def _checkin_start(self) -> datetime:
        return datetime.combine(from_qdate(self.start.date()), self.schedule.time_of_day())

    def _update_preview(self) -> None:
        if self.kind != "checkin":
            return
        rule = self.schedule.rule()
        if rule is None:
            self.preview.setText(_("Choose at least one day."))
            return
        try:
            ci = CheckIn(
                id="preview",
                title="-",
                rrule=rule,
                start=self._checkin_start(),
                zone=self.schedule.zone_name(),
                until=from_qdate(self.until.date()) if not self.no_end.isChecked() else None,
            )
        except (DefenderDeskError, ValueError) as exc:
            if isinstance(exc, DefenderDeskError):
                self.preview.setText(obligation_error_text(exc, self.field_labels()))
            else:
                self.preview.setText(_("These choices do not make a schedule."))
            return
        lang = get_language()
        words = sentence(schedule_words(ci, lang))
        now = max(self.desk.clock(), datetime.combine(ci.start.date(), time(), ZoneInfo(ci.zone)))
        upcoming = next_dates(self.desk, ci, now)
        text = words
        if upcoming:
            text += "\n" + _("Next: {dates}").format(
                dates="; ".join(format_when(d, lang) for d in upcoming)
            )
        else:
            text += "\n" + _("No check-in is left in this period.")
        self.preview.setText(text)

    def draft(self) -> dict[str, Any]:
        title = self.title_edit.text()
        if self.kind == "probation":
            return {
                "kind": "probation",
                "title": title,
                "start": from_qdate(self.start.date()).isoformat(),
                "until": from_qdate(self.until.date()).isoformat(),
                "body": {
                    "name": self.body_name.text().strip(),
                    "officer": self.body_officer.text().strip(),
                    "address": self.body_address.text().strip(),
                },
                "conditions": [
                    line.strip()
                    for line in self.conditions.toPlainText().splitlines()
                    if line.strip()
                ],
                "decision": self.decision.text().strip(),
            }
        if self.kind == "restriction":
            return {
                "kind": "restriction",
                "title": title,
                "restriction_kind": self.restriction_kind.currentData(),
                "start": from_qdate(self.start.date()).isoformat(),
                "until": (
                    from_qdate(self.until.date()).isoformat()
                    if not self.no_end.isChecked()
                    else None
                ),
                "forbids": self.forbids.toPlainText().strip(),
                "decision": self.decision.text().strip(),
            }
        if self.kind == "checkin":
            return {
                "kind": "checkin",
                "title": title,
                "place": self.place.text().strip(),
                "rrule": self.schedule.rule() or "",
                "start": self._checkin_start().isoformat(),
                "zone": self.schedule.zone_name(),
                "until": (
                    from_qdate(self.until.date()).isoformat()
                    if not self.no_end.isChecked()
                    else None
                ),
                "reminders": self._leads(),
            }
        qdt = self.at.dateTime()
        at = datetime.combine(from_qdate(qdt.date()), time(qdt.time().hour(), qdt.time().minute()))
        return {
            "kind": "hearing",
            "title": title,
            "at": at.isoformat(),
            "zone": self.zone.currentData(),
            "body": self.body.text().strip(),
            "case": self.case.text().strip(),
            "bring": self.bring.toPlainText().strip(),
            "basis": self.basis.text().strip(),
            "reminders": self._leads(),
        }

    def save(self) -> None:
        self.error.setText("")
        if self.kind == "checkin" and self.schedule.rule() is None:
            self.error.setText(_("The schedule: choose at least one day."))
            self.schedule.pattern.setFocus()
            return
        draft = self.draft()
        try:
            if self.original is None:
                self.obligation = self.desk.add_obligation(draft)
            else:
                changes = {k: v for k, v in draft.items() if k != "kind"}
                self.obligation = self.desk.edit_obligation(self.original.id, changes)
        except DefenderDeskError as exc:
            self.show_error(exc)
            return
        self.saved()


class AttendanceDialog(_Dialog):
    """Log what happened at one check-in or hearing, with an optional evidence file."""

    def __init__(
        self,
        controller: Host,
        obligation: CheckIn | Hearing,
        occurrence: Occurrence,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(controller, parent)
        self.obligation = obligation
        self.occurrence = occurrence
        self.entry: AttendanceEntry | None = None
        self.day = occurrence.at.date()
        self.future = self.day > today_in(self.desk.clock(), obligation.zone)
        self.what = PlainLabel("", self)
        self.what.setWordWrap(True)
        self.what.setStyleSheet("font-weight: bold;")
        self.form.addRow(self.what)
        self.status = QComboBox(self)
        self.status.currentIndexChanged.connect(self._adapt)
        self.row("status", self.status)
        self.status_note = PlainLabel("", self)
        self.status_note.setWordWrap(True)
        self.form.addRow(self.status_note)
        self.note = QPlainTextEdit(self)
        self.note.setTabChangesFocus(True)
        self.note.setMaximumHeight(100)
        self.row("note", self.note)
        self.evidence = EvidenceChooser(self)
        self.row("evidence", self.evidence, self.evidence.choose)
        self.finish_layout()
        self.retranslate()
        controller.language_changed.connect(self.retranslate)
        self.status.setFocus()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Log attendance"))
        self.setAccessibleName(_("Log attendance"))
        lang = get_language()
        ob, occ = self.obligation, self.occurrence
        text = " — ".join(p for p in (ob.title, format_when(occ.at, lang), where(ob)) if p)
        if occ.original is not None:
            text += "\n" + _("(moved from {when})").format(when=format_when(occ.original, lang))
        self.what.setText(text)
        self.what.setAccessibleName(_("Which check-in or hearing"))
        statuses = ("moved",) if self.future else ("attended", "missed", "moved")
        fill_combo(self.status, [(_(ATTENDANCE_LABELS[s]), s) for s in statuses])
        self.labels["status"].setText(_("&What happened:"))
        name_widget(self.status, _("What happened"))
        self.labels["evidence"].setText(_("&Evidence:"))
        self.evidence.retranslate()
        self.status_note.setAccessibleName(_("About this choice"))
        self.retranslate_buttons(_("Save the log entry"))
        self._adapt()

    def _adapt(self) -> None:
        status = self.status.currentData()
        notes = []
        if self.future:
            notes.append(_("This day has not come yet: only a move can be logged."))
        if status == "moved":
            notes.append(
                _(
                    "Logged as moved, this date is closed. To be reminded of the new time, use"
                    " “Move or cancel…” in the list instead."
                )
            )
        self.status_note.setText("\n".join(notes))
        self.status_note.setVisible(bool(notes))
        if status == "missed":
            self.labels["note"].setText(_("&Reason:"))
            name_widget(self.note, _("Why you could not go"))
            self.note.setPlaceholderText(_("e.g. illness, with a doctor's note"))
        else:
            self.labels["note"].setText(_("&Note:"))
            name_widget(self.note, _("Note"))
            self.note.setPlaceholderText(
                _("e.g. the new date the officer gave") if status == "moved" else ""
            )

    def save(self) -> None:
        self.error.setText("")
        desk, ob, day = self.desk, self.obligation, self.day
        status = cast("AttendanceStatus", str(self.status.currentData()))
        note = self.note.toPlainText().strip()
        path = self.evidence.path

        def work(progress: Any, cancelled: Any) -> AttendanceEntry:
            return desk.log_checkin(
                ob.id,
                day,
                status,
                note,
                path,
                progress=progress,
                cancel=cancelled,
            )

        try:
            self.job = run_with_evidence(self, path, work, self._done)
        except DefenderDeskError as exc:
            self.show_error(exc)

    def _done(self, entry: AttendanceEntry) -> None:
        self.entry = entry
        self.saved()


class MoveDialog(_Dialog):
    """Move one check-in to another time, or mark it cancelled (the schedule changes, so the
    reminders follow)."""

    def __init__(
        self,
        controller: Host,
        obligation: CheckIn,
        occurrence: Occurrence,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(controller, parent)
        self.obligation = obligation
        self.occurrence = occurrence
        self.changed: CheckIn | None = None
        self.what = PlainLabel("", self)
        self.what.setWordWrap(True)
        self.what.setStyleSheet("font-weight: bold;")
        self.form.addRow(self.what)
        self.action = QComboBox(self)
        self.action.currentIndexChanged.connect(self._adapt)
        self.row("action", self.action)
        self.to = QDateTimeEdit(self)
        self.to.setCalendarPopup(True)
        self.to.setDisplayFormat(date_format(True))
        at = occurrence.at
        self.to.setDateTime(QDateTime(to_qdate(at.date()), QTime(at.hour, at.minute)))
        self.row("moves", self.to)
        self.finish_layout()
        self.retranslate()
        controller.language_changed.connect(self.retranslate)
        self.action.setFocus()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Move or cancel a check-in"))
        self.setAccessibleName(_("Move or cancel a check-in"))
        lang = get_language()
        ob, occ = self.obligation, self.occurrence
        self.what.setText(" — ".join(p for p in (ob.title, format_when(occ.scheduled, lang)) if p))
        self.what.setAccessibleName(_("Which check-in"))
        fill_combo(
            self.action,
            [
                (_("Moved to another time"), "move"),
                (_("Cancelled: there is no check-in this time"), "cancel"),
            ],
        )
        self.labels["action"].setText(_("&What changed:"))
        name_widget(self.action, _("What changed"))
        self.labels["moves"].setText(_("&New date and time:"))
        name_widget(self.to, _("New date and time"))
        self.retranslate_buttons(_("Save the change"))
        self._adapt()

    def _adapt(self) -> None:
        self.form.setRowVisible(self.to, self.action.currentData() == "move")

    def save(self) -> None:
        self.error.setText("")
        ob = self.obligation
        original = self.occurrence.scheduled.replace(tzinfo=None)
        moves = [
            m for m in ob.model_dump(mode="json")["moves"] if m["original"] != original.isoformat()
        ]
        cancelled = [c.isoformat() for c in ob.cancelled]
        if self.action.currentData() == "move":
            qdt = self.to.dateTime()
            to = datetime.combine(
                from_qdate(qdt.date()), time(qdt.time().hour(), qdt.time().minute())
            )
            if to != original:
                moves.append({"original": original.isoformat(), "to": to.isoformat()})
        else:
            cancelled.append(original.isoformat())
        try:
            changed = self.desk.edit_obligation(ob.id, {"moves": moves, "cancelled": cancelled})
        except DefenderDeskError as exc:
            self.show_error(exc)
            return
        assert isinstance(changed, CheckIn)
        self.changed = changed
        self.saved()


class SupervisionDialog(_Dialog):
    """Log a warning, a permission, a notification of a change or hours of compulsory labour."""

    def __init__(
        self,
        controller: Host,
        obligations: list[AnyObligation],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(controller, parent)
        self.obligations = obligations
        self.logged: SupervisionEvent | None = None
        self.under = QComboBox(self)
        self.kind = QComboBox(self)
        self.kind.currentIndexChanged.connect(self._adapt)
        self.day = date_edit(self)
        self.day.setDate(to_qdate(self.desk.today()))
        self.hours = QDoubleSpinBox(self)
        self.hours.setRange(0.5, 24)
        self.hours.setSingleStep(0.5)
        self.hours.setDecimals(1)
        self.hours.setValue(4)
        self.note = QPlainTextEdit(self)
        self.note.setTabChangesFocus(True)
        self.note.setMaximumHeight(100)
        self.evidence = EvidenceChooser(self)
        self.row("obligation", self.under)
        self.row("kind", self.kind)
        self.row("day", self.day)
        self.row("hours", self.hours)
        self.row("note", self.note)
        self.row("evidence", self.evidence, self.evidence.choose)
        self.finish_layout()
        self.retranslate()
        controller.language_changed.connect(self.retranslate)
        self.kind.setFocus()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Log a supervision event"))
        self.setAccessibleName(_("Log a supervision event"))
        fill_combo(
            self.under,
            [(f"{o.title} ({_(KIND_NAMES[o.kind]).lower()})", o.id) for o in self.obligations],
        )
        fill_combo(self.kind, [(_(label), k) for k, label in SUPERVISION_LABELS.items()])
        for key, text, name in (
            ("obligation", _("&Under:"), _("Which obligation it belongs to")),
            ("kind", _("&Event:"), _("Kind of event")),
            ("day", _("&Day:"), _("Day of the event")),
            ("hours", _("&Hours:"), _("Hours of labour")),
            ("note", _("&Note:"), _("Note")),
            ("evidence", _("&Evidence:"), ""),
        ):
            self.labels[key].setText(text)
            if name:
                name_widget(self.labels[key].buddy(), name)
        self.evidence.retranslate()
        self.retranslate_buttons(_("Save the event"))
        self._adapt()

    def _adapt(self) -> None:
        self.form.setRowVisible(self.hours, self.kind.currentData() == "labour")

    def save(self) -> None:
        self.error.setText("")
        desk = self.desk
        obligation_id = self.under.currentData()
        if not obligation_id:
            self.error.setText(_("Add your probation first: an event belongs to an obligation."))
            return
        kind = cast("SupervisionKind", str(self.kind.currentData()))
        day = from_qdate(self.day.date())
        hours = self.hours.value() if kind == "labour" else None
        note = self.note.toPlainText().strip()
        path = self.evidence.path

        def work(progress: Any, cancelled: Any) -> SupervisionEvent:
            return desk.log_supervision(
                obligation_id,
                kind,
                day,
                hours,
                note,
                path,
                progress=progress,
                cancel=cancelled,
            )

        try:
            self.job = run_with_evidence(self, path, work, self._done)
        except DefenderDeskError as exc:
            self.show_error(exc)

    def _done(self, event: SupervisionEvent) -> None:
        self.logged = event
        self.saved()


# -- the screen -------------------------------------------------------------------------------


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
        """Everything about one obligation, in words."""
        lang = get_language()
        lines = [f"{_(KIND_NAMES[ob.kind])}: {ob.title}"]
        running = self._countdowns.get(ob.id)
        if isinstance(ob, Probation):
            lines.append(
                sentence(
                    _("From {start}; last day {until}").format(
                        start=format_day(ob.start, lang), until=format_day(ob.until, lang)
                    )
                )
            )
            if running is not None:
                lines.append(sentence(render_countdown(running, lang)))
            body = ", ".join(p for p in (ob.body.name, ob.body.officer, ob.body.address) if p)
            if body:
                lines.append(_("Supervised by: {body}").format(body=body))
            if ob.conditions:
                lines.append(_("Conditions:"))
                lines += [f"• {c}" for c in ob.conditions]
            if ob.decision:
                lines.append(_("Decision: {ref}").format(ref=ob.decision))
        elif isinstance(ob, Restriction):
            lines.append(sentence(restriction_label(ob.restriction_kind, lang)))
            if running is not None:
                lines.append(sentence(render_countdown(running, lang)))
            today = self.desk.today() if self.desk.unlocked else date.today()
            lines.append(sentence(render_restriction_end(ob.until, today, lang)))
            if ob.forbids:
                lines.append(_("What it forbids, in your words: {text}").format(text=ob.forbids))
            if ob.decision:
                lines.append(_("Decision: {ref}").format(ref=ob.decision))
        elif isinstance(ob, CheckIn):
            lines.append(sentence(schedule_words(ob, lang)))
            if ob.place:
                lines.append(_("Place: {place}").format(place=ob.place))
            span = _("From {start}").format(start=format_day(ob.start.date(), lang))
            if ob.until is not None:
                span += "; " + _("last day {until}").format(until=format_day(ob.until, lang))
            lines.append(sentence(span))
            lines.append(sentence(leads_text(ob.reminders)))
            upcoming = self._next.get(ob.id, [])
            if upcoming:
                lines.append(
                    _("Next: {dates}").format(
                        dates="; ".join(format_when(d, lang) for d in upcoming)
                    )
                )
            if ob.moves:
                lines.append(
                    ngettext("{n} check-in moved.", "{n} check-ins moved.", len(ob.moves)).format(
                        n=len(ob.moves)
                    )
                )
            if ob.cancelled:
                lines.append(
                    ngettext(
                        "{n} check-in cancelled.", "{n} check-ins cancelled.", len(ob.cancelled)
                    ).format(n=len(ob.cancelled))
                )
        else:
            lines.append(format_when(ob.at, lang) + f" ({zone_label(ob.zone)})")
            if running is not None:
                lines.append(sentence(render_countdown(running, lang)))
            for text, value in (
                (_("Court or body: {v}"), ob.body),
                (_("Case number: {v}"), ob.case),
                (_("What to bring: {v}"), ob.bring),
                (_("Legal basis: {v}"), ob.basis),
            ):
                if value:
                    lines.append(text.format(v=value))
            lines.append(sentence(leads_text(ob.reminders)))
        return "\n".join(lines)

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
