"""Reminders while the vault is open: in the overview and as tray notifications.

Every minute :class:`ReminderService` asks the facade which reminders have come due
(``desk.reminders(now, since)``) and shows each new one **once**: in the overview (with what the
record says — the window is the unlocked vault) and as a tray notification titled with the app's
display name (the neutral one in discreet mode). The notification's text is neutral — "Reminder:
something is planned in 2 hours", no title, place, date or kind — unless she opted in
(``settings.notification_details``); operating systems keep notification texts in their own
history, outside the vault.

When two reminders of one check-in come due together (the app was opened an hour before it, and
both the day-before and the two-hours-before reminders have passed), only the later one is shown.
A reminder shown late says the time actually left, not the lead time.

Limits: reminders come only while the vault is unlocked — a locked vault cannot be read, and
nothing about the schedule is kept outside it. Locking restarts the process, so after an unlock
the reminders standing at that moment are shown again.

Wiring (the controller, after unlock)::

    self.reminders = ReminderService(self); self.reminders.start()
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from defender_desk.app import CheckIn, Hearing, Reminder, obligation_render
from defender_desk.errors import DefenderDeskError
from defender_desk.i18n import get_language
from defender_desk.ui import icons
from defender_desk.ui.kit.jobs import Job

if TYPE_CHECKING:
    from defender_desk.ui.kit.host import Host

notification_text = obligation_render.notification_text

__all__ = ["INTERVAL_MS", "ReminderService"]

INTERVAL_MS = 60_000
NOTIFICATION_MS = 15_000
#: A reminder shown later than this after it fired says the time actually left.
LATE = timedelta(minutes=5)


def _occurrence_key(reminder: Reminder) -> tuple[str, str]:
    return reminder.obligation_id, reminder.occurrence.scheduled.replace(tzinfo=None).isoformat()


class ReminderService(QObject):
    """Checks for reminders every :data:`INTERVAL_MS` while the vault is unlocked.

    :attr:`active` holds the reminders standing now (one per check-in or hearing, until it
    starts or she dismisses them); the overview shows those. ``changed`` fires when it changes.
    """

    changed = Signal()

    def __init__(self, controller: Host, *, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(controller)
        self.controller = controller
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.check)
        self.since: datetime | None = None
        self.seen: set[str] = set()
        self.active: list[Reminder] = []
        self._tray_connected = False

    def start(self) -> None:
        """Check now, then every interval."""
        tray = self.controller.tray
        if tray is not None and not self._tray_connected:
            tray.messageClicked.connect(self._open_overview)
            self._tray_connected = True
        self.check()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def dismiss(self) -> None:
        """She has seen them: clear the overview's list (they are not shown again)."""
        self.active = []
        self.changed.emit()

    # -- the check ----------------------------------------------------------------------------
    def check(self) -> list[Reminder]:
        """Ask the facade; show and return the reminders new since the last check."""
        desk = self.controller.desk
        if not desk.unlocked or self._busy():
            return []  # ``since`` stays: the next check catches up
        now = desk.clock()
        try:
            found = desk.reminders(now, self.since)
        except DefenderDeskError:
            return []
        self.since = now
        latest: dict[tuple[str, str], Reminder] = {}
        for reminder in found:
            if reminder.key in self.seen:
                continue
            self.seen.add(reminder.key)
            key = _occurrence_key(reminder)
            if key not in latest or reminder.lead < latest[key].lead:
                latest[key] = reminder
        new = sorted(latest.values(), key=lambda r: r.occurrence.sort_key())
        before = list(self.active)
        self.active = [
            r for r in self.active if r.occurrence.at > now and _occurrence_key(r) not in latest
        ] + new
        self.active.sort(key=lambda r: r.occurrence.sort_key())
        for reminder in new:
            self._notify(reminder, now)
        if self.active != before:
            self._push()
            self.changed.emit()
        return new

    def _busy(self) -> bool:
        """A background job (an evidence import, an export) is using the vault: the window
        promises it the facade alone, so this check waits for the next minute."""
        mw = self.controller.main_window
        if mw is None:
            return False
        return any(job.thread.isRunning() for job in mw.findChildren(Job))

    def _as_shown(self, reminder: Reminder, now: datetime) -> Reminder:
        """The reminder with the time actually left as its lead, when it is shown late."""
        if now - reminder.fires_at <= LATE:
            return reminder
        left = reminder.occurrence.at - now
        minutes = max(1, round(left.total_seconds() / 60))
        return replace(reminder, lead=timedelta(minutes=minutes))

    def _notify(self, reminder: Reminder, now: datetime) -> None:
        tray = self.controller.tray
        if tray is None:
            return
        settings = self.controller.settings
        details = bool(settings.notification_details)
        obligation: CheckIn | Hearing | None = None
        if details:
            try:
                found = self.controller.desk.get_obligation(reminder.obligation_id)
            except DefenderDeskError:
                found = None
            if isinstance(found, CheckIn | Hearing):
                obligation = found
            else:
                details = False
        text = notification_text(
            self._as_shown(reminder, now), get_language(), details=details, obligation=obligation
        )
        tray.showMessage(
            self.controller.display_name(),
            text,
            icons.app_icon(settings.discreet),
            NOTIFICATION_MS,
        )

    def _push(self) -> None:
        mw = self.controller.main_window
        screen = mw.screens.get("overview") if mw is not None else None
        show = getattr(screen, "show_reminders", None)
        if show is not None:
            show(list(self.active))

    def _open_overview(self) -> None:
        mw = self.controller.main_window
        if mw is not None and "overview" in mw.screens:
            mw.show_screen("overview")
