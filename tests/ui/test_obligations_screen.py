"""The obligations screen: add/edit/delete each kind through its dialog (dates as typed, the
schedule built from plain choices and never shown as rule text), log attendance (with an evidence
file encrypted in a background job), move or cancel a check-in, supervision events."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate, QDateTime, QTime
from PySide6.QtWidgets import QAbstractButton, QComboBox, QLabel, QMessageBox, QTreeWidget

from defender_desk.obligations.models import CheckIn
from defender_desk.ui import filepicker
from defender_desk.ui.kit import confirm as dialogs
from defender_desk.ui.screens.obligations import (
    ID_ROLE,
    ORDINALS,
    AttendanceDialog,
    MoveDialog,
    ObligationDialog,
    ObligationsScreen,
    SupervisionDialog,
    build_rule,
    friendly_rule,
)

START = datetime(2026, 1, 5, 10, 0)
# Monday 2 March 2026, 11:00 in Almaty: the check-ins of 12 and 26 January, 9 and 23 February
# are past (nothing logged yet), 9 and 23 March to come.
NOW = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _fixed_clock(controller: Any) -> None:
    controller.desk.clock = lambda: NOW


def _screen(controller: Any) -> ObligationsScreen:
    screen = controller.main_window.show_screen("obligations")
    assert isinstance(screen, ObligationsScreen)
    return screen


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _all_text(widget: Any) -> str:
    """Every text the screen shows: labels, buttons, combo items, list cells, tooltips."""
    parts: list[str] = []
    for w in [widget, *widget.findChildren(object)]:
        if isinstance(w, QLabel | QAbstractButton):
            parts.append(w.text())
        if isinstance(w, QComboBox):
            parts += [w.itemText(i) for i in range(w.count())]
        if isinstance(w, QTreeWidget):
            stack = [w.topLevelItem(i) for i in range(w.topLevelItemCount())]
            while stack:
                item = stack.pop()
                for col in range(w.columnCount()):
                    parts += [item.text(col), item.toolTip(col)]
                stack += [item.child(i) for i in range(item.childCount())]
    return "\n".join(parts)


def _checkin(desk: Any, rrule: str = "FREQ=MONTHLY;BYDAY=2MO,4MO", **more: Any) -> Any:
    return desk.add_obligation(
        {
            "kind": "checkin",
            "title": "Отметка в службе пробации",
            "place": "Служба пробации района",
            "rrule": rrule,
            "start": (more.pop("start", None) or START).isoformat(),
            **more,
        }
    )


# -- the friendly schedule (pure) --------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "params", "rule"),
    [
        ("weekly", {"days": [0, 3]}, "FREQ=WEEKLY;BYDAY=MO,TH"),
        ("nth", {"nths": [4, 2], "weekday": 0}, "FREQ=MONTHLY;BYDAY=2MO,4MO"),
        ("nth", {"nths": [-1, 1], "weekday": 4}, "FREQ=MONTHLY;BYDAY=1FR,-1FR"),
        ("monthday", {"day": 15}, "FREQ=MONTHLY;BYMONTHDAY=15"),
        ("workday1", {}, "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1"),
        ("workday-1", {}, "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"),
    ],
)
def test_friendly_patterns_round_trip(pattern: str, params: dict, rule: str) -> None:
    assert build_rule(pattern, params) == rule
    back_pattern, back = friendly_rule(rule, START)
    assert back_pattern == pattern
    assert build_rule(back_pattern, back) == rule


def test_rules_made_elsewhere_are_custom() -> None:
    for rule in ("FREQ=WEEKLY;INTERVAL=3;BYDAY=MO", "FREQ=DAILY", "FREQ=MONTHLY;BYDAY=2MO,3TU"):
        assert friendly_rule(rule, START)[0] == "custom"
    assert friendly_rule("FREQ=WEEKLY", START) == ("weekly", {"days": [START.weekday()]})
    assert build_rule("weekly", {"days": []}) is None
    assert build_rule("nth", {"nths": [], "weekday": 0}) is None


# -- adding, editing, deleting -----------------------------------------------------------------


def test_add_probation_with_the_dates_as_typed(controller) -> None:
    screen = _screen(controller)
    dialog = screen.add_obligation("probation")
    assert isinstance(dialog, ObligationDialog)
    dialog.title_edit.setText("Пробационный контроль")
    dialog.start.setDate(QDate(2025, 12, 26))
    dialog.until.setDate(QDate(2026, 12, 26))
    dialog.body_name.setText("Служба пробации района")
    dialog.conditions.setPlainText("Являться на отметку\n\nНе менять место жительства\n")
    dialog.save_button.click()
    assert not dialog.isVisible()
    (ob,) = controller.desk.list_obligations()
    assert (ob.kind, ob.start, ob.until) == ("probation", date(2025, 12, 26), date(2026, 12, 26))
    assert ob.conditions == ["Являться на отметку", "Не менять место жительства"]
    assert screen.selected_id() == ob.id
    assert "Supervised by: Служба пробации района" in screen.details.text()


def test_a_refusal_keeps_the_dialog_open_with_the_reason(controller) -> None:
    screen = _screen(controller)
    dialog = screen.add_obligation("probation")
    dialog.title_edit.setText("Пробация")
    dialog.start.setDate(QDate(2026, 5, 1))
    dialog.until.setDate(QDate(2026, 4, 1))
    dialog.save_button.click()
    assert dialog.isVisible()
    assert dialog.error.text() == "Last day: the end is before the start"
    assert controller.desk.list_obligations() == []
    # what she typed is not dropped by closing: she is asked first (issue 17, item 1)
    dialogs.set_next_answer(QMessageBox.StandardButton.Cancel)  # Keep editing
    dialog.reject()
    assert dialog.isVisible() and dialog.title_edit.text() == "Пробация"
    dialogs.set_next_answer(QMessageBox.StandardButton.Discard)
    dialog.reject()
    assert not dialog.isVisible()


def test_an_obligation_being_written_is_kept_as_a_draft_at_lock(controller, qtbot) -> None:
    screen = _screen(controller)
    dialog = screen.add_obligation("hearing")
    dialog.title_edit.setText("Апелляция по делу о клевете")
    dialog.body.setText("Алматинский городской суд")
    assert controller.save_drafts() == 1
    (draft,) = controller.desk.list_drafts()
    assert draft.kind == "obligation" and draft.payload["context"] == {"kind": "hearing"}
    assert controller.desk.list_obligations() == []
    from defender_desk.ui.kit.form import close_editors, offer_drafts

    close_editors(controller)
    assert not dialog.isVisible()
    offer = offer_drafts(controller)
    again = offer.continue_selected()
    assert again.kind == "hearing"
    assert again.title_edit.text() == "Апелляция по делу о клевете"
    assert again.body.text() == "Алматинский городской суд"
    again.save_button.click()
    assert [o.title for o in controller.desk.list_obligations()] == ["Апелляция по делу о клевете"]
    assert controller.desk.list_drafts() == []


def test_add_check_ins_from_plain_choices_shown_in_words(controller) -> None:
    desk = controller.desk
    today = desk.today()
    desk.add_obligation(
        {
            "kind": "probation",
            "title": "Пробация",
            "start": (today - timedelta(days=30)).isoformat(),
            "until": (today + timedelta(days=60)).isoformat(),
            "body": {"name": "Служба пробации района"},
        }
    )
    screen = _screen(controller)
    dialog = screen.add_obligation("checkin")
    # defaults from the probation: its place and its last day
    assert dialog.place.text() == "Служба пробации района"
    assert not dialog.no_end.isChecked()
    assert dialog.until.date() == _qdate(today + timedelta(days=60))
    sched = dialog.schedule
    sched.pattern.setCurrentIndex(sched.pattern.findData("nth"))
    for box, (n, _label) in zip(sched.nth_boxes, ORDINALS, strict=True):
        box.setChecked(n in (2, 4))
    sched.nth_weekday.setCurrentIndex(sched.nth_weekday.findData(0))
    sched.time.setTime(QTime(10, 0))
    assert dialog.preview.text().startswith("Every 2nd and 4th Monday at 10:00.")
    assert "Next:" in dialog.preview.text()
    dialog.remind_hours.setChecked(False)
    dialog.save_button.click()
    assert not dialog.isVisible()
    ci = next(o for o in desk.list_obligations() if isinstance(o, CheckIn))
    assert ci.rrule == "FREQ=MONTHLY;BYDAY=2MO,4MO"
    assert ci.start.time() == time(10, 0)
    assert ci.until == today + timedelta(days=60)
    assert ci.zone == "Asia/Almaty"
    assert ci.reminders == [timedelta(days=1)]
    text = _all_text(screen)
    assert "Every 2nd and 4th Monday at 10:00" in text
    assert "FREQ" not in text and "BYDAY" not in text

    # editing shows the same choices again
    screen.select_obligation(ci.id)
    edit = screen.edit_selected()
    assert edit.schedule.pattern.currentData() == "nth"
    assert [b.isChecked() for b in edit.schedule.nth_boxes] == [False, True, False, True, False]
    edit.schedule.pattern.setCurrentIndex(edit.schedule.pattern.findData("workday1"))
    edit.save_button.click()
    changed = desk.get_obligation(ci.id)
    assert changed.rrule == "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1"
    assert screen.tree.currentItem().text(1) == ("On the first working day of every month at 10:00")


def test_no_day_ticked_is_refused_in_words(controller) -> None:
    screen = _screen(controller)
    dialog = screen.add_obligation("checkin")
    dialog.schedule.pattern.setCurrentIndex(dialog.schedule.pattern.findData("weekly"))
    for box in dialog.schedule.day_boxes:
        box.setChecked(False)
    assert dialog.preview.text() == "Choose at least one day."
    dialog.save_button.click()
    assert dialog.isVisible()
    assert dialog.error.text() == "The schedule: choose at least one day."
    dialogs.set_next_answer(QMessageBox.StandardButton.Discard)
    dialog.reject()
    assert not dialog.isVisible()


def test_a_rule_made_elsewhere_is_never_shown_as_rule_text(controller) -> None:
    ci = _checkin(controller.desk, rrule="FREQ=WEEKLY;INTERVAL=3;BYDAY=MO")
    screen = _screen(controller)
    screen.select_obligation(ci.id)
    text = _all_text(screen)
    assert "a schedule of its own, at 10:00" in text.lower()
    assert "FREQ" not in text and "INTERVAL" not in text
    dialog = screen.edit_selected()
    assert dialog.schedule.pattern.currentData() == "custom"
    assert "FREQ" not in _all_text(dialog)
    dialog.title_edit.setText("Отметка (раз в три недели)")
    dialog.save_button.click()
    assert controller.desk.get_obligation(ci.id).rrule == "FREQ=WEEKLY;INTERVAL=3;BYDAY=MO"


def test_restriction_without_an_end_and_a_hearing(controller) -> None:
    screen = _screen(controller)
    dialog = screen.add_obligation("restriction")
    dialog.title_edit.setText("Запрет выезда")
    dialog.restriction_kind.setCurrentIndex(dialog.restriction_kind.findData("leave_area"))
    dialog.start.setDate(QDate(2026, 1, 10))
    dialog.no_end.setChecked(True)
    assert not dialog.until.isEnabled()
    dialog.save_button.click()
    (r,) = controller.desk.list_obligations()
    assert (r.restriction_kind, r.start, r.until) == ("leave_area", date(2026, 1, 10), None)
    assert "The restriction has no end date." in screen.details.text()

    dialog = screen.add_obligation("hearing")
    dialog.title_edit.setText("Апелляция")
    dialog.at.setDateTime(QDateTime(QDate(2027, 2, 3), QTime(11, 30)))
    dialog.body.setText("Областной суд")
    dialog.save_button.click()
    hearing = next(o for o in controller.desk.list_obligations() if o.kind == "hearing")
    assert hearing.at == datetime(2027, 2, 3, 11, 30)
    assert hearing.zone == "Asia/Almaty"
    assert screen.selected_id() == hearing.id
    assert "Court or body: Областной суд" in screen.details.text()


def test_delete_asks_and_says_what_goes_with_it(controller) -> None:
    desk = controller.desk
    ci = _checkin(desk)
    desk.log_checkin(ci.id, date(2026, 1, 12), "attended")
    screen = _screen(controller)
    screen.select_obligation(ci.id)
    dialogs.set_next_answer(QMessageBox.StandardButton.No)
    screen.delete_button.click()
    assert len(desk.list_obligations()) == 1
    assert "attendance log (1)" in dialogs.shown[-1][1]
    dialogs.set_next_answer(QMessageBox.StandardButton.Yes)
    screen.delete_button.click()
    assert desk.list_obligations() == []
    assert desk.list_attendance() == []


# -- the log --------------------------------------------------------------------------------


def _due_row(screen: ObligationsScreen, when: date) -> None:
    for i in range(screen.upcoming.topLevelItemCount()):
        item = screen.upcoming.topLevelItem(i)
        if item.data(0, ID_ROLE)[1].date() == when:
            screen.upcoming.setCurrentItem(item)
            return
    raise AssertionError(f"no row for {when}")


def test_log_attendance_with_a_photo_of_the_stamp(controller, qtbot, tmp_path: Path) -> None:
    desk = controller.desk
    _checkin(desk)
    photo = tmp_path / "stamp.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0" + b"stamp" * 1000)
    screen = _screen(controller)
    _due_row(screen, date(2026, 1, 12))
    assert "nothing logged yet" in screen.upcoming.currentItem().text(2)
    dialog = screen.log_attendance()
    assert isinstance(dialog, AttendanceDialog)
    assert [dialog.status.itemData(i) for i in range(dialog.status.count())] == [
        "attended",
        "missed",
        "moved",
    ]
    filepicker.set_next_result([photo])
    dialog.evidence.choose.click()
    assert dialog.evidence.name.text() == "stamp.jpg"
    dialog.save_button.click()
    assert dialog.job is not None
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
    (entry,) = desk.list_attendance()
    assert (entry.occurrence, entry.status, len(entry.evidence)) == (
        date(2026, 1, 12),
        "attended",
        1,
    )
    assert desk.read_evidence(entry.evidence[0]) == photo.read_bytes()
    assert filepicker.shown[-1][0] == "files"
    # the log lists it, and the row is gone from what is left to log
    first = screen.log_list.topLevelItem(0)
    assert [first.text(c) for c in (2, 4)] == ["Attended", "1 file"]
    rows = [screen.upcoming.topLevelItem(i) for i in range(screen.upcoming.topLevelItemCount())]
    assert all(r.data(0, ID_ROLE)[1].date() != date(2026, 1, 12) for r in rows)


def test_missed_with_a_reason_and_a_future_one_only_moved(controller) -> None:
    desk = controller.desk
    ci = _checkin(desk)
    screen = _screen(controller)
    _due_row(screen, date(2026, 1, 26))
    dialog = screen.log_attendance()
    dialog.status.setCurrentIndex(dialog.status.findData("missed"))
    assert dialog.labels["note"].text() == "&Reason:"
    dialog.note.setPlainText("Болела, справка от врача")
    dialog.save_button.click()
    assert not dialog.isVisible()
    (entry,) = desk.list_attendance()
    assert (entry.status, entry.note) == ("missed", "Болела, справка от врача")

    future = next(
        d.occurrence
        for d in desk.due(days=60)
        if d.status == "due" and d.occurrence.obligation_id == ci.id
    )
    screen.refresh()
    _due_row(screen, future.at.date())
    dialog = screen.log_attendance()
    assert [dialog.status.itemData(i) for i in range(dialog.status.count())] == ["moved"]
    assert "has not come yet" in dialog.status_note.text()
    dialog.reject()


def test_move_and_cancel_a_check_in(controller) -> None:
    desk = controller.desk
    ci = _checkin(desk)
    screen = _screen(controller)
    _due_row(screen, date(2026, 1, 26))
    dialog = screen.move_selected()
    assert isinstance(dialog, MoveDialog)
    dialog.to.setDateTime(QDateTime(QDate(2026, 1, 28), QTime(15, 0)))
    dialog.save_button.click()
    assert not dialog.isVisible()
    moved = desk.get_obligation(ci.id)
    assert [(m.original, m.to) for m in moved.moves] == [
        (datetime(2026, 1, 26, 10, 0), datetime(2026, 1, 28, 15, 0))
    ]
    _due_row(screen, date(2026, 1, 28))
    assert "(moved from Monday, 26 January 2026, 10:00)" in screen.upcoming.currentItem().text(1)

    _due_row(screen, date(2026, 2, 9))
    dialog = screen.move_selected()
    dialog.action.setCurrentIndex(dialog.action.findData("cancel"))
    assert not dialog.form.isRowVisible(dialog.to)
    dialog.save_button.click()
    assert desk.get_obligation(ci.id).cancelled == [datetime(2026, 2, 9, 10, 0)]
    rows = [screen.upcoming.topLevelItem(i) for i in range(screen.upcoming.topLevelItemCount())]
    assert all(r.data(0, ID_ROLE)[1].date() != date(2026, 2, 9) for r in rows)


def test_supervision_event_with_hours_and_a_letter(controller, qtbot, tmp_path: Path) -> None:
    desk = controller.desk
    probation = desk.add_obligation(
        {"kind": "probation", "title": "Пробация", "start": "2026-01-01", "until": "2026-12-31"}
    )
    screen = _screen(controller)
    dialog = screen.add_event()
    assert isinstance(dialog, SupervisionDialog)
    assert dialog.under.currentData() == probation.id
    assert not dialog.form.isRowVisible(dialog.hours)
    dialog.kind.setCurrentIndex(dialog.kind.findData("labour"))
    assert dialog.form.isRowVisible(dialog.hours)
    dialog.hours.setValue(3.5)
    dialog.day.setDate(QDate(2026, 2, 2))
    dialog.save_button.click()
    assert not dialog.isVisible()
    (event,) = desk.list_supervision()
    assert (event.kind, event.day, event.hours) == ("labour", date(2026, 2, 2), 3.5)
    assert screen.events.topLevelItem(0).text(1) == "Compulsory labour — 3.5 hours"

    letter = tmp_path / "warning.pdf"
    letter.write_bytes(b"%PDF-1.4 warning")
    dialog = screen.add_event()
    dialog.kind.setCurrentIndex(dialog.kind.findData("warning"))
    dialog.note.setPlainText("Предупреждение за опоздание")
    filepicker.set_next_result([letter])
    dialog.evidence.choose.click()
    dialog.save_button.click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
    warning = next(e for e in desk.list_supervision() if e.kind == "warning")
    assert len(warning.evidence) == 1 and warning.note == "Предупреждение за опоздание"

    screen.events.setCurrentItem(screen.events.topLevelItem(0))
    dialogs.set_next_answer(QMessageBox.StandardButton.Yes)
    screen.delete_event_button.click()
    assert len(desk.list_supervision()) == 1


def test_coming_from_the_overview_selects_the_occurrence(controller) -> None:
    ci = _checkin(controller.desk)
    occ = next(d.occurrence for d in controller.desk.due(days=60) if d.status == "overdue")
    screen = controller.main_window.show_screen(
        "obligations", obligation_id=ci.id, at=occ.at, log=True
    )
    assert screen.tabs.currentWidget() is screen.upcoming_page
    assert screen.selected_occurrence_key() == (ci.id, occ.at)
    assert isinstance(screen.dialog, AttendanceDialog) and screen.dialog.isVisible()
    screen.dialog.reject()


def test_dialogs_name_every_control(controller) -> None:
    from tests.ui.test_accessibility import unnamed

    ci = _checkin(controller.desk)
    screen = _screen(controller)
    made: list[Any] = [screen.add_obligation(k) for k in ("probation", "restriction", "hearing")]
    made.append(screen.add_obligation("checkin"))
    screen.select_obligation(ci.id)
    _due_row(screen, date(2026, 1, 12))
    made += [screen.log_attendance(), screen.move_selected(), screen.add_event()]
    for dialog in made:
        for pattern in ("weekly", "nth", "monthday"):
            if isinstance(dialog, ObligationDialog) and dialog.kind == "checkin":
                dialog.schedule.pattern.setCurrentIndex(dialog.schedule.pattern.findData(pattern))
                assert unnamed([dialog]) == [], pattern
        assert unnamed([dialog]) == [], type(dialog).__name__
        dialog.discard()
