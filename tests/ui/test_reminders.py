"""Reminders: each one shown once, in the overview and as a tray notification whose text is
neutral (no title, place, date or kind) unless she opted in, titled with the app's display name
(the neutral one in discreet mode). The tray's ``showMessage`` calls are captured."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from defender_desk.ui.reminders import INTERVAL_MS, ReminderService

TITLE = "Отметка у инспектора Ахметовой"
PLACE = "Служба пробации, каб. 12"
# Monday 9 March 2026, 08:00 in Almaty (UTC+5): the check-in is at 09:30 the same morning.
MORNING = datetime(2026, 3, 9, 3, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def shown(controller: Any) -> list[tuple[str, str]]:
    """A real tray for the controller; what it is asked to show is recorded."""
    from defender_desk.ui.tray import Tray

    calls: list[tuple[str, str]] = []
    tray = Tray(controller)
    tray.showMessage = lambda title, text, *rest: calls.append((title, text))  # type: ignore[method-assign]
    controller.tray = tray
    yield calls
    tray.hide()
    controller.tray = None
    tray.deleteLater()


@pytest.fixture
def clock(controller: Any) -> Clock:
    c = Clock(MORNING)
    controller.desk.clock = c
    return c


def _checkin(desk: Any) -> Any:
    return desk.add_obligation(
        {
            "kind": "checkin",
            "title": TITLE,
            "place": PLACE,
            "rrule": "FREQ=WEEKLY;BYDAY=MO",
            "start": "2026-03-02T09:30",
            "zone": "Asia/Almaty",
        }
    )


def _settings(controller: Any, **changes: Any) -> None:
    controller.settings = controller.settings.model_copy(update=changes)


def test_a_notification_is_neutral_by_default(controller, shown, clock) -> None:
    _checkin(controller.desk)
    service = ReminderService(controller)
    new = service.check()
    # the day-before and the two-hours-before reminders have both passed: one notification
    assert len(new) == 1 and len(shown) == 1
    title, text = shown[0]
    assert title == controller.display_name() == "Defender Desk"
    # shown late, it says the time actually left
    assert text == "Reminder: something is planned in 1 hour 30 minutes"
    for secret in (TITLE, "Ахметов", PLACE, "пробации", "09:30", "9 March", "check-in"):
        assert secret not in text


def test_each_reminder_is_shown_once(controller, shown, clock) -> None:
    _checkin(controller.desk)
    service = ReminderService(controller)
    service.check()
    clock.now += timedelta(minutes=1)
    assert service.check() == []
    clock.now += timedelta(minutes=1)
    assert service.check() == []
    assert len(shown) == 1
    # next week: the day-before reminder fires on Sunday at 09:30 and is shown once, on time
    clock.now = datetime(2026, 3, 15, 4, 30, 30, tzinfo=UTC)
    new = service.check()
    assert [r.lead for r in new] == [timedelta(days=1)]
    assert shown[-1][1] == "Reminder: something is planned in 1 day"
    clock.now += timedelta(minutes=1)
    assert service.check() == []
    assert len(shown) == 2


def test_details_only_when_she_opted_in(controller, shown, clock) -> None:
    _checkin(controller.desk)
    _settings(controller, notification_details=True)
    ReminderService(controller).check()
    ((title, text),) = shown
    assert TITLE in text and PLACE in text
    assert title == "Defender Desk"


def test_discreet_mode_titles_it_neutrally(controller, shown, clock) -> None:
    _checkin(controller.desk)
    _settings(controller, discreet=True)
    ReminderService(controller).check()
    ((title, text),) = shown
    assert title == controller.display_name() == "Notes"
    assert "Defender" not in title + text
    assert TITLE not in text


def test_no_reminder_for_a_logged_or_past_check_in(controller, shown, clock) -> None:
    ob = _checkin(controller.desk)
    controller.desk.log_checkin(ob.id, clock.now.date(), "moved", "")
    assert ReminderService(controller).check() == []
    assert shown == []


def test_nothing_while_locked_and_the_timer_runs_every_minute(controller, shown, clock) -> None:
    _checkin(controller.desk)
    service = ReminderService(controller)
    service.start()
    try:
        assert service.timer.isActive() and service.timer.interval() == INTERVAL_MS == 60_000
        assert len(shown) == 1
    finally:
        service.stop()
    assert not service.timer.isActive()
    controller.desk.lock()
    assert ReminderService(controller).check() == []


def test_without_a_tray_the_overview_still_shows_it(controller, clock) -> None:
    controller.tray = None
    _checkin(controller.desk)
    service = ReminderService(controller)
    controller.reminders = service
    assert len(service.check()) == 1
    overview = controller.main_window.screens["overview"]
    assert TITLE in overview.reminder_text.text()
    # once the check-in has begun the reminder is gone from the overview
    clock.now += timedelta(hours=2)
    service.check()
    assert service.active == []
    assert overview.reminder_frame.isHidden()


def test_waits_while_a_background_job_uses_the_vault(controller, shown, clock, qtbot) -> None:
    import threading

    from defender_desk.ui.kit.jobs import Job

    _checkin(controller.desk)
    release = threading.Event()
    job = Job(controller.main_window, "work", lambda _p, _c: release.wait(10)).start()
    service = ReminderService(controller)
    try:
        assert service.check() == []
        assert shown == []
    finally:
        release.set()
    qtbot.waitUntil(lambda: not job.thread.isRunning(), timeout=10_000)
    assert len(service.check()) == 1
    assert len(shown) == 1
