"""Locking: the idle timer (mouse movement alone is not activity), lock on minimise, Ctrl+L,
lock = close the vault and restart; the secure clipboard; Qt's own translations; the panic-wipe
dialog's hold-to-confirm."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QLibraryInfo, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from defender_desk.app import Desk
from defender_desk.instance import InstanceLock
from defender_desk.secret import Secret
from defender_desk.ui.clipboard import SecureClipboard
from defender_desk.ui.tray import PanicWipeDialog, Tray
from tests.conftest import PASS

SHORT_MS = 300


def locked(controller: Any) -> bool:
    return controller.restarts > 0 and not controller.desk.unlocked


def assert_really_locked(controller: Any) -> None:
    """The vault is closed: the instance lock is free and a new process could open it."""
    assert controller.restarts == 1
    assert controller.restart_requested
    assert not controller.desk.unlocked
    InstanceLock(controller.desk.paths.lock_file).acquire().release()
    other = Desk(controller.vault_dir)
    other.unlock(Secret.from_text(PASS))
    other.lock()


def move_mouse(window: Any, steps: int) -> None:
    """Mouse moves as the window system delivers them (through the application, so the
    application-wide event filter sees them)."""
    for i in range(steps):
        pos = QPointF(20 + i * 7 % 300, 40 + i * 3 % 200)
        event = QMouseEvent(
            QEvent.Type.MouseMove,
            pos,
            window.mapToGlobal(pos),
            Qt.MouseButton.NoButton,
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
        )
        QApplication.sendEvent(window, event)
        QApplication.processEvents()


def test_lock_closes_the_vault_and_calls_the_restart_hook(controller: Any) -> None:
    seen: list[bool] = []
    controller.locked.connect(lambda: seen.append(controller.desk.unlocked))
    assert controller.desk.unlocked
    controller.lock()
    assert seen == [False]  # the vault was closed before anyone heard "locked"
    assert_really_locked(controller)


def test_idle_timer_locks_and_mouse_movement_does_not_count(qtbot: Any, controller: Any) -> None:
    mw = controller.main_window
    watch = controller.lock_watch
    watch.idle.start(SHORT_MS)
    # Moving the mouse all the while does not keep the vault open.
    for _ in range(500):  # about ten seconds at most
        if locked(controller):
            break
        move_mouse(mw, 5)
        qtbot.wait(20)
        assert watch.idle.interval() == SHORT_MS or locked(controller)
    assert_really_locked(controller)


def test_key_press_and_click_count_as_activity(qtbot: Any, controller: Any) -> None:
    mw = controller.main_window
    watch = controller.lock_watch
    minutes = controller.settings.auto_lock_minutes
    watch.idle.start(SHORT_MS)
    qtbot.keyClick(mw.nav, Qt.Key.Key_Down)
    assert watch.idle.interval() == minutes * 60_000
    watch.idle.start(SHORT_MS)
    qtbot.mouseClick(mw.nav.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    assert watch.idle.interval() == minutes * 60_000
    watch.idle.start(SHORT_MS)
    move_mouse(mw, 3)
    assert watch.idle.interval() == SHORT_MS
    qtbot.waitUntil(lambda: locked(controller), timeout=5_000)


def test_lock_on_minimise(qtbot: Any, controller: Any) -> None:
    controller.save_settings(controller.settings.model_copy(update={"lock_on_minimise": True}))
    mw = controller.main_window
    mw.show()
    qtbot.waitExposed(mw)
    mw.showMinimized()
    qtbot.waitUntil(lambda: locked(controller), timeout=5_000)
    assert_really_locked(controller)


def test_minimising_does_not_lock_when_the_setting_is_off(qtbot: Any, controller: Any) -> None:
    assert controller.settings.lock_on_minimise is False
    mw = controller.main_window
    mw.show()
    qtbot.waitExposed(mw)
    mw.showMinimized()
    qtbot.waitUntil(mw.isMinimized, timeout=5_000)
    QApplication.processEvents()
    qtbot.wait(50)  # the lock would be queued with a zero-time timer
    assert controller.desk.unlocked
    assert controller.restarts == 0


def test_screen_lock_and_suspend_signals_lock(controller: Any) -> None:
    """What the D-Bus signals call (``ActiveChanged(true)``, ``PrepareForSleep(true)``)."""
    controller.lock_watch.on_screensaver(False)
    controller.lock_watch.on_prepare_for_sleep(False)
    assert controller.desk.unlocked
    controller.lock_watch.on_prepare_for_sleep(True)
    assert_really_locked(controller)


@pytest.mark.parametrize("where", ["nav", "settings field"])
def test_ctrl_l_locks_from_anywhere(qtbot: Any, controller: Any, where: str) -> None:
    mw = controller.main_window
    mw.show()
    qtbot.waitExposed(mw)
    if where == "nav":
        target = mw.nav
    else:
        target = mw.show_screen("settings").new1.edit
    target.setFocus()
    qtbot.keyClick(target, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: locked(controller), timeout=5_000)
    assert_really_locked(controller)


def test_tray_lock_now_is_first_and_locks(controller: Any) -> None:
    tray = Tray(controller)
    try:
        actions = [a for a in tray.menu.actions() if not a.isSeparator()]
        assert actions[0] is tray.lock_action
        assert [a.text() for a in actions if a.isVisible()] == [
            "Lock now",
            "Show",
            "Emergency…",  # while unlocked, one click away (issue 9)
            "Panic wipe…",
            "Quit",
        ]
        assert tray.lock_action.isEnabled()
        tray.lock_action.trigger()
        assert_really_locked(controller)
    finally:
        tray.hide()
        tray.deleteLater()


# -- clipboard ------------------------------------------------------------------------------


def test_clipboard_is_cleared_after_the_time_if_unchanged(qtbot: Any) -> None:
    board = QApplication.clipboard()
    clip = SecureClipboard(1)
    clip.copy("РОВД 2022-03-14")
    mime = board.mimeData()
    assert mime.text() == "РОВД 2022-03-14"
    assert bytes(mime.data("x-kde-passwordManagerHint")) == b"secret"
    assert bytes(mime.data("CanUploadToCloudClipboard")) == b"\x00\x00\x00\x00"
    assert bytes(mime.data("ExcludeClipboardContentFromMonitorProcessing")) == b"\x01"
    qtbot.waitUntil(lambda: board.text() == "", timeout=5_000)


def test_clipboard_keeps_what_someone_else_copied(qtbot: Any) -> None:
    board = QApplication.clipboard()
    clip = SecureClipboard(1)
    clip.copy("Айгерим")
    board.setText("her own shopping list")
    qtbot.waitUntil(lambda: not clip._timer.isActive(), timeout=5_000)
    assert board.text() == "her own shopping list"
    assert clip.clear_if_ours() is False  # nothing of ours left to clear


def test_clipboard_clear_now_clears_only_ours() -> None:
    board = QApplication.clipboard()
    clip = SecureClipboard(600)
    clip.copy("секрет")
    assert clip.clear_if_ours() is True
    assert board.text() == ""
    board.setText("other")
    assert clip.clear_if_ours() is False
    assert board.text() == "other"


# -- Qt's own translations ---------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "cancel"), [("ru", "Отмена"), ("kk", "Бас тарту")])
def test_qtbase_translations_are_loaded(controller: Any, lang: str, cancel: str) -> None:
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    controller.set_language(lang, save=False)
    try:
        assert len(controller._qt_translators) == 1
        translator = controller._qt_translators[0]
        assert not translator.isEmpty()
        assert translator.language().startswith(lang)
        assert translator.filePath().startswith(folder)
        assert f"qtbase_{lang}" in translator.filePath()
        assert translator.translate("QPlatformTheme", "Cancel") == cancel
        # Installed: the newest translator answers first.
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == cancel
    finally:
        controller.set_language("en", save=False)
    assert controller._qt_translators == []  # English needs none; the old one was removed


# -- panic wipe dialog -----------------------------------------------------------------------


def test_panic_wipe_dialog_says_what_and_needs_a_two_second_hold(
    qtbot: Any, controller: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    wiped: list[bool] = []
    # The wipe itself is the core's (tested there); here: only the hold decides.
    monkeypatch.setattr(controller, "panic_wipe", lambda: wiped.append(True))
    dialog = PanicWipeDialog(controller)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert str(controller.desk.paths.root) in dialog.what.text()
    assert "key file" in dialog.what.text()
    assert dialog.limits.text()
    assert dialog.hold.hold_ms == 2000
    assert dialog.cancel.isDefault() and not dialog.hold.isDefault()
    progress: list[int] = []
    dialog.hold.progressed.connect(progress.append)

    # Released after half the time: nothing happens, the bar goes back to zero.
    qtbot.mousePress(dialog.hold, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(progress) and progress[-1] >= 40, timeout=5_000)
    qtbot.mouseRelease(dialog.hold, Qt.MouseButton.LeftButton)
    # a release is final once no key-repeat press follows within the grace period
    qtbot.waitUntil(lambda: progress[-1] == 0 and dialog.bar.value() == 0, timeout=2_000)
    qtbot.wait(200)
    assert wiped == []

    # Held: confirmed only once the two seconds' worth of ticks are counted.
    progress.clear()
    with qtbot.waitSignal(dialog.hold.confirmed, timeout=10_000):
        qtbot.mousePress(dialog.hold, Qt.MouseButton.LeftButton)
    assert wiped == [True]
    assert dialog.hold._elapsed >= 2000
    assert progress[-1] == 100 and max(progress[:-1]) < 100
    qtbot.mouseRelease(dialog.hold, Qt.MouseButton.LeftButton)


def test_panic_wipe_dialog_space_held_also_confirms(
    qtbot: Any, controller: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    wiped: list[bool] = []
    monkeypatch.setattr(controller, "panic_wipe", lambda: wiped.append(True))
    dialog = PanicWipeDialog(controller)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.hold.setFocus()
    with qtbot.waitSignal(dialog.hold.confirmed, timeout=10_000):
        qtbot.keyPress(dialog.hold, Qt.Key.Key_Space)
    qtbot.keyRelease(dialog.hold, Qt.Key.Key_Space)
    assert wiped == [True]
    # Escape (or Enter on the default Cancel button) closes without wiping.
    wiped.clear()
    dialog.cancel.setFocus()
    qtbot.keyClick(dialog.cancel, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert wiped == []
