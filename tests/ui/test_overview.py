"""The overview: countdowns worded as when things end, what is due and what has nothing logged,
open emergencies, reminders, the last backup, recent incidents (opening one), and the
"date uncertain" note of the timeline — in English and after a switch to Russian."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from defender_desk.obligations.schedule import occurrences
from defender_desk.ui.screens.overview import OverviewScreen


def _overview(controller: Any) -> OverviewScreen:
    screen = controller.main_window.show_screen("overview")
    assert isinstance(screen, OverviewScreen)
    return screen


def _obligations(desk: Any) -> dict[str, Any]:
    """The scenario's obligations: probation ending in 31 days, check-ins on the 2nd and 4th
    Monday at 10:00, a two-year ban from the end of probation; and a hearing in 3 days."""
    today = desk.today()
    start, end = today - timedelta(days=335), today + timedelta(days=31)
    made = {
        "probation": desk.add_obligation(
            {
                "kind": "probation",
                "title": "Пробационный контроль",
                "start": start.isoformat(),
                "until": end.isoformat(),
            }
        ),
        "checkin": desk.add_obligation(
            {
                "kind": "checkin",
                "title": "Отметка в службе пробации",
                "place": "Служба пробации района",
                "rrule": "FREQ=MONTHLY;BYDAY=2MO,4MO",
                "start": datetime.combine(start, time(10, 0)).isoformat(),
                "until": end.isoformat(),
            }
        ),
        "ban": desk.add_obligation(
            {
                "kind": "restriction",
                "title": "Лишение права заниматься общественной деятельностью",
                "restriction_kind": "public_activity",
                "start": (end + timedelta(days=1)).isoformat(),
                "until": end.replace(year=end.year + 2).isoformat(),
            }
        ),
        "hearing": desk.add_obligation(
            {
                "kind": "hearing",
                "title": "Апелляция по делу матери",
                "at": datetime.combine(today + timedelta(days=3), time(11, 0)).isoformat(),
                "body": "Районный суд",
            }
        ),
    }
    return made


def _log_all_past_but_last(desk: Any, checkin: Any) -> int:
    past = occurrences(checkin, datetime(2000, 1, 1, tzinfo=UTC), desk.clock())
    for occ in past[:-1]:
        desk.log_checkin(checkin.id, occ.at.date(), "attended")
    return len(past)


def test_countdowns_say_when_things_end(controller, scenario) -> None:
    made = _obligations(controller.desk)
    screen = _overview(controller)
    texts = [label.text() for label in screen.countdown_labels]
    end = made["probation"].until
    assert any(
        t.startswith("• Probation ends in 31 days") and end.strftime("%B %Y") in t for t in texts
    ), texts
    ban = [t for t in texts if "Ban on public activity" in t]
    assert ban and "until" in ban[0]
    assert any("Hearing in 3 days" in t and "Апелляция по делу матери" in t for t in texts)
    # facts, not advice: nothing says what becomes allowed
    assert not any("allowed" in t or "you may" in t.lower() for t in texts)
    assert screen.countdown_empty.isHidden()


def test_due_and_nothing_logged_items_lead_to_the_attendance_log(controller, qtbot) -> None:
    made = _obligations(controller.desk)
    _log_all_past_but_last(controller.desk, made["checkin"])
    screen = _overview(controller)
    assert not screen.overdue_frame.isHidden()
    assert screen.overdue_text.text().startswith("1 earlier check-in or hearing has nothing")
    rows = [screen.due_list.item(i).text() for i in range(screen.due_list.count())]
    assert rows[0].startswith("Nothing logged yet:") and "Отметка в службе пробации" in rows[0]
    assert any(r.startswith("In 3 days:") and "Апелляция по делу матери" in r for r in rows)
    # one row per unlogged earlier one and per one due within the 14 days, nothing more
    assert len(rows) == len(controller.desk.due(days=14))
    screen.due_list.setCurrentRow(0)
    screen.due_button.click()
    obligations = controller.main_window.current_screen()
    assert obligations.key == "obligations"
    dialog = obligations.dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.obligation.id == made["checkin"].id
    dialog.reject()


def test_nothing_due_and_nothing_recorded(controller) -> None:
    screen = _overview(controller)
    assert not screen.countdown_empty.isHidden()
    assert "No probation, restriction or hearing" in screen.countdown_empty.text()
    assert not screen.due_empty.isHidden()
    assert screen.due_list.isHidden()
    assert screen.overdue_frame.isHidden()
    assert not screen.recent_empty.isHidden()
    assert screen.emergency_frame.isHidden()
    assert screen.reminder_frame.isHidden()
    assert screen.chart.timeline.months == []


def test_recent_incident_opens_in_the_incidents_screen(controller, scenario, qtbot) -> None:
    screen = _overview(controller)
    items = [
        screen.recent_list.topLevelItem(i) for i in range(screen.recent_list.topLevelItemCount())
    ]
    assert len(items) == 5
    newest = scenario["incidents"]["seized_phone"]
    assert items[0].text(1) == newest.title
    screen.recent_list.setCurrentItem(items[0])
    screen.recent_open.click()
    incidents = controller.main_window.current_screen()
    assert incidents.key == "incidents"
    assert incidents.editor is not None and incidents.editor.incident_id == newest.id
    incidents.editor.reject()


def test_uncertain_dates_are_a_note_not_bars(controller, scenario) -> None:
    screen = _overview(controller)
    note = screen.uncertain_text.text()
    assert note.startswith("Date uncertain — 4 incidents")
    assert "2017 (1)" in note and "about 2021 (3)" in note
    screen.uncertain_button.click()
    incidents = controller.main_window.current_screen()
    assert incidents.key == "incidents"
    shown = {incidents.model.incident_id(r) for r in range(incidents.model.rowCount())}
    expected = {
        scenario["incidents"][k].id
        for k in ("eviction", "conversation", "spouse_threat", "creditor")
    }
    assert shown == expected


def test_open_emergency_is_shown_until_closed(controller, scenario) -> None:
    daughter = scenario["people"]["daughter"]
    controller.desk.start_emergency(daughter.id)
    screen = _overview(controller)
    assert not screen.emergency_frame.isHidden()
    assert "Айгерим" in screen.emergency_text.text()
    (emergency,) = controller.desk.list_emergencies(open_only=True)
    controller.desk.close_emergency(emergency.id, "DD-FABRICATED")
    screen.refresh()
    assert screen.emergency_frame.isHidden()


def test_backup_never_made_and_old(controller) -> None:
    desk = controller.desk
    screen = _overview(controller)
    assert screen.backup_text.text() == "No backup yet."
    assert not screen.backup_nudge_frame.isHidden()
    # A real backup takes the recovery code and a while; the facade's answer is stood in for.
    made = desk.clock() - timedelta(days=45)
    desk.last_backup = lambda: made  # type: ignore[method-assign]
    try:
        screen.refresh()
        assert screen.backup_text.text().startswith("Last backup:")
        assert "45 days ago" in screen.backup_text.text()
        assert "more than a month old" in screen.backup_nudge.text()
        desk.last_backup = lambda: desk.clock() - timedelta(hours=3)  # type: ignore[method-assign]
        screen.refresh()
        assert screen.backup_nudge_frame.isHidden()
    finally:
        del desk.last_backup


def test_language_switch_rerenders(controller, scenario) -> None:
    _obligations(controller.desk)
    screen = _overview(controller)
    controller.set_language("ru", save=False)
    texts = [label.text() for label in screen.countdown_labels]
    assert any("Пробационный контроль заканчивается через 31 день" in t for t in texts), texts
    assert "около 2021" in screen.uncertain_text.text()


def test_reminders_are_shown_in_the_overview_with_what_the_record_says(controller) -> None:
    from defender_desk.ui.reminders import ReminderService

    desk = controller.desk
    now = datetime(2026, 3, 9, 3, 0, tzinfo=UTC)  # 08:00 in Almaty
    desk.clock = lambda: now
    desk.add_obligation(
        {
            "kind": "hearing",
            "title": "Беседа у инспектора",
            "at": "2026-03-09T09:30",
            "zone": "Asia/Almaty",
            "body": "Служба пробации",
        }
    )
    controller.reminders = ReminderService(controller)
    controller.reminders.check()
    screen = _overview(controller)
    assert not screen.reminder_frame.isHidden()
    assert screen.reminder_text.text().startswith("In 1 hour 30 minutes: Беседа у инспектора")
    screen.reminder_dismiss.click()
    assert screen.reminder_frame.isHidden()
    assert controller.reminders.active == []
    screen.refresh()
    assert screen.reminder_frame.isHidden()


def test_every_control_is_named_and_reachable_with_data(make_controller, qtbot) -> None:
    """The screen-walking accessibility test sees these screens nearly empty; here they are
    full (emergency, reminders, overdue, lists, the chart), in English and Russian."""
    from tests.ui.conftest import seed_scenario
    from tests.ui.test_accessibility import show, tab_walk, unnamed, unreachable

    for lang in ("en", "ru"):
        c = make_controller(lang)
        _obligations(c.desk)
        seeded = seed_scenario(c.desk)
        c.desk.start_emergency(seeded["people"]["daughter"].id)
        mw = c.main_window
        show(qtbot, mw)
        for key in ("overview", "obligations"):
            screen = mw.show_screen(key)
            if key == "overview":
                assert not screen.overdue_frame.isHidden()
                assert not screen.emergency_frame.isHidden()
                assert screen.chart in tab_walk(mw)
            assert unnamed([screen]) == [], (lang, key)
            assert unreachable(mw, [screen]) == [], (lang, key)
