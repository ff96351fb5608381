"""Logging one check-in or hearing, moving a check-in, and supervision events."""

from __future__ import annotations

from datetime import datetime, time
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import QDateTime, QTime
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDoubleSpinBox,
    QPlainTextEdit,
    QWidget,
)

from defender_desk.app import (
    AttendanceEntry,
    CheckIn,
    Hearing,
    Occurrence,
    SupervisionEvent,
    today_in,
)
from defender_desk.errors import DefenderDeskError
from defender_desk.i18n import _, get_language
from defender_desk.ui.kit.format import date_format
from defender_desk.ui.kit.screen import PlainLabel
from defender_desk.ui.kit.widgets import fill_combo, name_widget
from defender_desk.ui.screens.obligation_dialog import _Dialog
from defender_desk.ui.screens.obligation_parts import (
    ATTENDANCE_LABELS,
    KIND_NAMES,
    SUPERVISION_LABELS,
    EvidenceChooser,
    date_edit,
    format_when,
    from_qdate,
    run_with_evidence,
    to_qdate,
    where,
)

if TYPE_CHECKING:
    from defender_desk.app import AnyObligation, AttendanceStatus, SupervisionKind
    from defender_desk.ui.kit.host import Host


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
