"""Parts of the obligations screen: labels, the schedule control (plain choices that make an RFC
5545 rule), the one-file evidence chooser, and small helpers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from babel.dates import get_day_names
from pydantic import TypeAdapter
from PySide6.QtCore import QDate, Qt, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from defender_desk.app import (
    DEFAULT_LEADS,
    CheckIn,
    Countdown,
    Hearing,
    ObligationError,
    Probation,
    Restriction,
    RestrictionKind,
    ScheduleError,
    obligation_render,
    rule_parts,
)
from defender_desk.domain.dates import YEAR_MAX, YEAR_MIN
from defender_desk.errors import DefenderDeskError, InvalidInput
from defender_desk.i18n import N_, _, describe_error, get_language, ngettext
from defender_desk.ui import filepicker
from defender_desk.ui.kit.format import date_format, zone_label
from defender_desk.ui.kit.jobs import Job, call_off_gui, error_text
from defender_desk.ui.kit.screen import PlainLabel
from defender_desk.ui.kit.widgets import fill_combo, name_widget, select_data

if TYPE_CHECKING:
    from defender_desk.app import AnyObligation, Desk

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


def describe_obligation(
    ob: AnyObligation,
    running: Countdown | None,
    upcoming: list[datetime],
    today: date,
) -> str:
    """The selected obligation in words, for the details pane."""
    """Everything about one obligation, in words."""
    lang = get_language()
    kind = _(KIND_NAMES[ob.kind])
    # «Пробационный контроль: Пробационный контроль» said nothing twice: the kind only once.
    same = ob.title.strip().casefold() == kind.strip().casefold()
    lines = [ob.title if same else f"{kind}: {ob.title}"]
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
        if upcoming:
            lines.append(
                _("Next: {dates}").format(dates="; ".join(format_when(d, lang) for d in upcoming))
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
