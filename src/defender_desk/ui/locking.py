"""When to lock by itself: idle time, screen lock, suspend, minimise.

- **Idle**: key presses, clicks and wheel turns count as activity; mouse movement alone does not
  (a bumped mouse must not keep the vault open).
- **Screen lock** (Linux): freedesktop ``org.freedesktop.ScreenSaver.ActiveChanged`` on the
  session bus (GNOME, KDE, Xfce and others emit it).
- **Suspend** (Linux): logind ``PrepareForSleep`` on the system bus, with a *delay* inhibitor
  taken in advance, so the lock (a process restart, which also closes the inhibitor's file
  descriptor) completes before the machine sleeps.
- **Windows**: ``WTSRegisterSessionNotification`` → ``WM_WTSSESSION_CHANGE`` /
  ``WTS_SESSION_LOCK``, and ``WM_POWERBROADCAST`` / ``PBT_APMSUSPEND``, through a native event
  filter (untested here: no Windows machine).
- **macOS**: not wired yet (needs ``NSWorkspace`` notifications; see docs/platforms.md).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    SLOT,
    QAbstractNativeEventFilter,
    QByteArray,
    QEvent,
    QObject,
    QTimer,
    Slot,
)

if TYPE_CHECKING:
    from defender_desk.ui.kit.host import Host

_ACTIVITY = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseButtonDblClick,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
}


class LockWatch(QObject):
    def __init__(self, controller: Host) -> None:
        super().__init__(controller)
        self.controller = controller
        self.idle = QTimer(self)
        self.idle.setSingleShot(True)
        self.idle.timeout.connect(self._lock)
        self.reset_idle()
        controller.app.installEventFilter(self)
        self.dbus_ok = self._watch_dbus() if sys.platform.startswith("linux") else False
        self._win_filter: Any = None
        if sys.platform == "win32":  # pragma: no cover - Windows only
            self._win_filter = _WindowsSessionFilter(self._lock)
            controller.app.installNativeEventFilter(self._win_filter)
            if controller.main_window is not None:
                _register_session_notifications(int(controller.main_window.winId()))

    def reset_idle(self) -> None:
        self.idle.start(max(1, self.controller.settings.auto_lock_minutes) * 60_000)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in _ACTIVITY:
            self.reset_idle()
        elif (
            kind == QEvent.Type.WindowStateChange
            and self.controller.settings.lock_on_minimise
            and obj is self.controller.main_window
            and self.controller.main_window is not None
            and self.controller.main_window.isMinimized()
        ):
            QTimer.singleShot(0, self._lock)
        return False

    def _lock(self) -> None:
        if self.controller.desk.unlocked:
            self.controller.lock()

    # -- Linux: D-Bus ---------------------------------------------------------------------------
    def _watch_dbus(self) -> bool:
        try:
            from PySide6.QtDBus import QDBusConnection, QDBusInterface
        except ImportError:  # pragma: no cover
            return False
        ok = False
        session = QDBusConnection.sessionBus()
        if session.isConnected() and self.controller.settings.lock_on_screen_lock:
            for service, path in (
                ("org.freedesktop.ScreenSaver", "/org/freedesktop/ScreenSaver"),
                ("org.gnome.ScreenSaver", "/org/gnome/ScreenSaver"),
            ):
                iface = service
                # (PySide6 needs a receiver and a slot signature here; a bound method raised
                # TypeError as soon as a session bus was there — tests/ui/test_locking_dbus.py)
                ok = (
                    session.connect(
                        service, path, iface, "ActiveChanged", self, SLOT("on_screensaver(bool)")
                    )
                    or ok
                )
        system = QDBusConnection.systemBus()
        if system.isConnected() and self.controller.settings.lock_on_suspend:
            manager = QDBusInterface(
                "org.freedesktop.login1",
                "/org/freedesktop/login1",
                "org.freedesktop.login1.Manager",
                system,
            )
            reply = manager.call(
                "Inhibit", "sleep", "Defender Desk", "Lock the vault before sleeping", "delay"
            )
            self._inhibitor = reply  # keeps the file descriptor open until the process restarts
            ok = (
                system.connect(
                    "org.freedesktop.login1",
                    "/org/freedesktop/login1",
                    "org.freedesktop.login1.Manager",
                    "PrepareForSleep",
                    self,
                    SLOT("on_prepare_for_sleep(bool)"),
                )
                or ok
            )
        return ok

    @Slot(bool)
    def on_screensaver(self, active: bool) -> None:
        if active:
            self._lock()

    @Slot(bool)
    def on_prepare_for_sleep(self, going: bool) -> None:
        if going:
            self._lock()


class _WindowsSessionFilter(QAbstractNativeEventFilter):  # pragma: no cover - Windows only
    WM_WTSSESSION_CHANGE = 0x02B1
    WTS_SESSION_LOCK = 0x7
    WM_POWERBROADCAST = 0x0218
    PBT_APMSUSPEND = 0x4

    def __init__(self, on_lock: Any) -> None:
        super().__init__()
        self.on_lock = on_lock

    def nativeEventFilter(self, event_type: QByteArray | bytes, message: int) -> Any:
        import ctypes.wintypes

        if bytes(event_type) != b"windows_generic_MSG":
            return False, 0
        msg = ctypes.wintypes.MSG.from_address(int(message))
        if (msg.message == self.WM_WTSSESSION_CHANGE and msg.wParam == self.WTS_SESSION_LOCK) or (
            msg.message == self.WM_POWERBROADCAST and msg.wParam == self.PBT_APMSUSPEND
        ):
            QTimer.singleShot(0, self.on_lock)
        return False, 0


def _register_session_notifications(hwnd: int) -> None:  # pragma: no cover - Windows only
    import ctypes

    notify_for_this_session = 0
    ctypes.WinDLL("wtsapi32").WTSRegisterSessionNotification(  # type: ignore[attr-defined,unused-ignore]
        ctypes.c_void_p(hwnd), notify_for_this_session
    )
