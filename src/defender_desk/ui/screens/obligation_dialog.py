"""Adding or editing an obligation (probation, restriction, check-in, hearing)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDateTime, QSize, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from defender_desk.app import (
    DEFAULT_LEADS,
    CheckIn,
    Hearing,
    Probation,
    Restriction,
)
from defender_desk.errors import DefenderDeskError
from defender_desk.i18n import _, get_language, pgettext
from defender_desk.ui.kit.form import EditorDialog
from defender_desk.ui.kit.format import date_format, zone_label
from defender_desk.ui.kit.jobs import Job
from defender_desk.ui.kit.screen import PlainLabel
from defender_desk.ui.kit.widgets import fill_combo, name_widget, select_data
from defender_desk.ui.screens.obligation_parts import (
    _LEADS,
    DAY_BEFORE,
    RESTRICTION_KINDS,
    TWO_HOURS,
    ZONES,
    ScheduleControl,
    date_edit,
    first_upper,
    format_when,
    from_qdate,
    next_dates,
    obligation_error_text,
    restriction_label,
    schedule_words,
    sentence,
    to_qdate,
)

if TYPE_CHECKING:
    from defender_desk.app import AnyObligation, Desk
    from defender_desk.ui.kit.host import Host

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
            "body.officer": (
                pgettext("probation officer", "&Officer:"),
                pgettext("probation officer", "Officer"),
            ),
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
