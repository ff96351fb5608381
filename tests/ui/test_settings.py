"""The settings screen: changes saved at once, the language switched in place without losing
work, the passphrase changed through the UI, the key derivation shown, key rotation."""

from __future__ import annotations

import gettext
from typing import Any

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QTextEdit,
)

from defender_desk import i18n
from defender_desk.app import Desk
from defender_desk.errors import WrongSecret
from defender_desk.secret import Secret
from defender_desk.settings import load as load_settings
from defender_desk.ui.kit import confirm as dialogs
from defender_desk.ui.screens.settings import SettingsScreen
from tests.conftest import PASS

NEW_PASS = "новая фраза — жаңа сөз 2026"
MARK = "⟪"


class Marked(gettext.NullTranslations):
    """A catalog that marks every message it is asked for: after a switch to it, any text that
    does not start with the mark was either not translated through ``_()`` or not
    re-translated in place."""

    def gettext(self, message: str) -> str:
        return MARK + message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return MARK + (singular if n == 1 else plural)

    def pgettext(self, context: str, message: str) -> str:
        return MARK + message


def settings_screen(controller: Any) -> SettingsScreen:
    screen = controller.main_window.show_screen("settings")
    assert isinstance(screen, SettingsScreen)
    return screen


def saved(controller: Any) -> Any:
    return load_settings(controller.desk.paths.settings_file)


def choose_language(screen: SettingsScreen, code: str) -> None:
    index = screen.language.findData(code)
    assert index >= 0
    screen.language.setCurrentIndex(index)


def type_text(qtbot: Any, widget: Any, text: str) -> None:
    """Type ``text`` as key events (QTest's keyClicks handles ASCII only)."""
    for ch in text:
        if ch.isascii():
            qtbot.keyClicks(widget, ch)
            continue
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


def type_secret(qtbot: Any, field: Any, text: str) -> None:
    field.edit.setFocus()
    type_text(qtbot, field.edit, text)


def test_the_screen_is_in_the_navigation(controller: Any) -> None:
    mw = controller.main_window
    assert "settings" in mw.screens
    texts = [mw.nav.item(row).text() for row in range(mw.nav.count())]
    assert "Settings" in texts


def test_each_change_is_saved_at_once(qtbot: Any, controller: Any) -> None:
    screen = settings_screen(controller)
    screen.lock_on_minimise.click()
    screen.lock_on_suspend.click()
    screen.confirm_wipe.click()
    screen.auto_lock.setFocus()
    screen.auto_lock.lineEdit().selectAll()
    qtbot.keyClicks(screen.auto_lock, "17")
    qtbot.keyClick(screen.auto_lock, Qt.Key.Key_Return)
    screen.clipboard.lineEdit().selectAll()
    qtbot.keyClicks(screen.clipboard, "45")
    qtbot.keyClick(screen.clipboard, Qt.Key.Key_Return)

    on_disk = saved(controller)
    assert on_disk.lock_on_minimise is True
    assert on_disk.lock_on_suspend is False
    assert on_disk.confirm_panic_wipe is False
    assert on_disk.auto_lock_minutes == 17
    assert on_disk.clipboard_clear_seconds == 45
    assert controller.settings == on_disk
    # The idle timer follows the new value at once (it was 240 minutes in the fixture).
    assert controller.lock_watch.idle.interval() == 17 * 60_000


def test_discreet_mode_renames_the_window_at_once(controller: Any) -> None:
    screen = settings_screen(controller)
    assert controller.main_window.windowTitle() == "Defender Desk"
    screen.discreet.click()
    assert saved(controller).discreet is True
    assert controller.main_window.windowTitle() == "Notes"
    assert controller.app.applicationDisplayName() == "Notes"
    screen.discreet.click()
    assert saved(controller).discreet is False
    assert controller.main_window.windowTitle() == "Defender Desk"


def test_record_text_in_reminders_needs_a_confirmation(controller: Any) -> None:
    screen = settings_screen(controller)
    assert screen.notification_details.isChecked() is False  # off by default
    dialogs.set_next_answer(QMessageBox.StandardButton.No)
    screen.notification_details.click()
    assert screen.notification_details.isChecked() is False
    assert saved(controller).notification_details is False
    assert dialogs.shown and dialogs.shown[-1][0] == "Question"

    dialogs.set_next_answer(QMessageBox.StandardButton.Yes)
    screen.notification_details.click()
    assert saved(controller).notification_details is True
    screen.notification_details.click()  # turning it off asks nothing
    assert saved(controller).notification_details is False


def test_values_shown_follow_the_saved_settings(controller: Any) -> None:
    controller.save_settings(
        controller.settings.model_copy(update={"auto_lock_minutes": 9, "lock_on_minimise": True})
    )
    screen = settings_screen(controller)  # showing the screen refreshes it
    assert screen.auto_lock.value() == 9
    assert screen.lock_on_minimise.isChecked()


def _editable_texts(controller: Any) -> dict[Any, str]:
    """Every editable text field of every screen, filled with a draft."""
    drafts: dict[Any, str] = {}
    for key, screen in controller.main_window.screens.items():
        for n, w in enumerate(screen.findChildren(QLineEdit)):
            parent = w.parentWidget()
            if w.isReadOnly() or isinstance(parent, (QComboBox, QAbstractSpinBox)):
                continue
            w.setText(f"черновик {key} {n}")
            drafts[w] = w.text()
        for n, w in enumerate([*screen.findChildren(QPlainTextEdit)]):
            if not w.isReadOnly():
                w.setPlainText(f"черновик {key} {n}")
                drafts[w] = w.toPlainText()
        for n, w in enumerate([*screen.findChildren(QTextEdit)]):
            if not w.isReadOnly():
                w.setPlainText(f"черновик {key} {n}")
                drafts[w] = w.toPlainText()
    return drafts


def _text_of(w: Any) -> str:
    return w.text() if isinstance(w, QLineEdit) else w.toPlainText()


def test_language_switch_retranslates_in_place_and_keeps_work(
    controller: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_load = i18n.load
    monkeypatch.setattr(i18n, "load", lambda lang: Marked() if lang == "ru" else real_load(lang))
    mw = controller.main_window
    screen = settings_screen(controller)
    calls: list[str] = []
    for key, other in mw.screens.items():
        original = other.retranslate

        def spy(key: str = key, original: Any = original) -> None:
            calls.append(key)
            original()

        monkeypatch.setattr(other, "retranslate", spy)
    drafts = _editable_texts(controller)
    assert screen.new1.edit in drafts

    choose_language(screen, "ru")

    assert i18n.get_language() == "ru"
    assert saved(controller).language == "ru"
    assert set(calls) == set(mw.screens)  # every screen re-translated itself
    assert mw.screens["settings"] is screen and mw.current_screen() is screen
    for w, text in drafts.items():
        assert _text_of(w) == text, f"{w.objectName() or type(w).__name__} lost its text"
    for row in range(mw.nav.count()):
        assert mw.nav.item(row).text().startswith(MARK)
    assert mw.lock_button.text().startswith(MARK)
    # Every text of the settings screen went through the catalog and was re-translated.
    missed = []
    for w in screen.findChildren(QLabel):
        if w.text() and not w.text().startswith(MARK):
            missed.append(w.text())
    for w in screen.findChildren(QAbstractButton):
        if w.text() and not w.text().startswith(MARK):
            missed.append(w.text())
    for w in screen.findChildren(QGroupBox):
        if not w.title().startswith(MARK):
            missed.append(w.title())
    assert missed == []


@pytest.mark.parametrize(
    ("lang", "mismatch"),
    [("ru", "Парольные фразы не совпадают."), ("kk", "Екі құпия фраза сәйкес келмейді.")],
)
def test_language_switch_uses_the_real_catalogs(
    qtbot: Any, controller: Any, lang: str, mismatch: str
) -> None:
    screen = settings_screen(controller)
    choose_language(screen, lang)
    assert i18n.get_language() == lang
    assert saved(controller).language == lang
    assert screen.language.currentData() == lang
    type_secret(qtbot, screen.new1, "один два три четыре")
    type_secret(qtbot, screen.new2, "один два три пять")
    qtbot.mouseClick(screen.change_button, Qt.MouseButton.LeftButton)
    assert screen.pass_status.text() == mismatch
    choose_language(screen, "en")
    assert saved(controller).language == "en"


def _change(qtbot: Any, screen: SettingsScreen, current: str, new: str) -> None:
    if screen.current.isVisibleTo(screen):
        type_secret(qtbot, screen.current, current)
    type_secret(qtbot, screen.new1, new)
    type_secret(qtbot, screen.new2, new)
    qtbot.mouseClick(screen.change_button, Qt.MouseButton.LeftButton)


def test_passphrase_change_through_the_ui(qtbot: Any, controller: Any) -> None:
    screen = settings_screen(controller)
    _change(qtbot, screen, PASS, NEW_PASS)
    qtbot.waitUntil(lambda: screen.pass_status.text() != "", timeout=20_000)
    assert screen.pass_status.text() == "The passphrase was changed."
    for field in (screen.current, screen.new1, screen.new2):
        assert field.secret_text() == ""
    controller.desk.lock()
    desk = Desk(controller.vault_dir)
    with pytest.raises(WrongSecret):
        desk.unlock(Secret.from_text(PASS))
    desk.unlock(Secret.from_text(NEW_PASS))
    assert desk.unlocked
    desk.lock()


def test_mismatched_or_empty_new_passphrase_changes_nothing(qtbot: Any, controller: Any) -> None:
    screen = settings_screen(controller)
    _change(qtbot, screen, PASS, "")
    assert screen.pass_status.text() == "The passphrase is empty."
    type_secret(qtbot, screen.new1, NEW_PASS)
    type_secret(qtbot, screen.new2, NEW_PASS + "!")
    qtbot.mouseClick(screen.change_button, Qt.MouseButton.LeftButton)
    assert screen.pass_status.text() == "The two passphrases do not match."
    assert screen.new1.secret_text() == ""  # typed secrets do not linger in the fields
    controller.desk.lock()
    desk = Desk(controller.vault_dir)
    desk.unlock(Secret.from_text(PASS))
    desk.lock()


def test_current_passphrase_is_asked_only_when_the_facade_can_check_it(
    qtbot: Any, controller: Any
) -> None:
    screen = settings_screen(controller)
    if not callable(getattr(controller.desk, "check_passphrase", None)):
        # Asking for it without checking it would be for show.
        assert not screen.current.isVisibleTo(screen)
        return
    assert screen.current.isVisibleTo(screen)
    dialogs.set_next_answer(QMessageBox.StandardButton.Ok)  # the error box
    _change(qtbot, screen, "not the passphrase", NEW_PASS)
    qtbot.waitUntil(lambda: bool(dialogs.shown), timeout=20_000)
    assert dialogs.shown[-1][1].startswith("Wrong passphrase or recovery code.")
    controller.desk.lock()
    desk = Desk(controller.vault_dir)
    desk.unlock(Secret.from_text(PASS))
    desk.lock()


def test_key_derivation_parameters_are_shown(controller: Any) -> None:
    screen = settings_screen(controller)
    kdf = controller.desk.status()["kdf"]
    text = screen.kdf_params.text()
    assert f"{kdf['memory_kib'] // 1024} MiB" in text
    assert f"{kdf['iterations']} passes" in text
    assert f"{kdf['lanes']} lanes" in text
    # The suite's vaults use cheap parameters, below the floor: the screen says so.
    assert kdf["below_floor"] is True
    assert "weaker than the recommended minimum" in screen.kdf_floor.text()
    floor_mib = kdf["floor"]["memory_kib"] // 1024
    assert f"({floor_mib} MiB, {kdf['floor']['iterations']} passes)" in screen.kdf_floor.text()


def test_key_rotation_with_a_new_recovery_code(qtbot: Any, controller: Any) -> None:
    screen = settings_screen(controller)
    if not callable(getattr(controller.desk, "rekey", None)):
        assert not screen.rekey_box.isVisibleTo(screen)
        return
    assert screen.rekey_box.isVisibleTo(screen)
    assert not screen.code_view.isVisibleTo(screen)

    # A wrong passphrase is refused and changes nothing.
    dialogs.set_next_answer(QMessageBox.StandardButton.Yes)  # "replace every key?"
    dialogs.set_next_answer(QMessageBox.StandardButton.Ok)  # the error box
    type_secret(qtbot, screen.rekey_pass, "not the passphrase")
    qtbot.mouseClick(screen.rekey_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialogs.shown[-1][0] == "Warning", timeout=30_000)
    assert dialogs.shown[-1][1].startswith("Wrong passphrase or recovery code.")

    screen.rekey_new_code.click()
    dialogs.set_next_answer(QMessageBox.StandardButton.Yes)
    type_secret(qtbot, screen.rekey_pass, PASS)
    qtbot.mouseClick(screen.rekey_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.code_view.isVisibleTo(screen), timeout=60_000)
    assert screen.rekey_status.text().startswith("Every key was replaced")
    code = "".join(ch for ch in screen.code_view.text() if ch.isdigit())
    assert len(code) == 32
    assert screen.rekey_pass.secret_text() == ""
    qtbot.mouseClick(screen.code_done, Qt.MouseButton.LeftButton)
    assert screen.code_view.text() == ""
    assert not screen.code_view.isVisibleTo(screen)

    controller.desk.lock()
    desk = Desk(controller.vault_dir)
    desk.recover(code, Secret.from_text(NEW_PASS))  # the new code opens the rotated vault
    desk.lock()
    desk.unlock(Secret.from_text(NEW_PASS))
    desk.lock()


def test_strengthen_key_derivation_from_the_settings(qtbot, controller, monkeypatch) -> None:
    from defender_desk.vault import kdf, keyslots

    screen = controller.main_window.show_screen("settings")
    # the fixture made the vault without keeping its code: issue a new one to know it
    code = controller.desk.rekey(Secret.from_text(PASS), new_recovery_code=True).new_recovery_code
    monkeypatch.delenv(kdf.INSECURE_TEST_KDF_ENV)
    monkeypatch.setattr(kdf, "calibrate", lambda: kdf.FLOOR)
    screen.kdf_pass.edit.setText(PASS)
    screen.kdf_code.setText(code)
    screen.kdf_button.click()
    qtbot.waitUntil(lambda: "Done" in screen.kdf_status.text(), timeout=20_000)
    header = keyslots.parse(controller.desk.paths.key_file.read_bytes())
    assert header.kdf == kdf.FLOOR
    assert "meets the recommended minimum" in screen.kdf_floor.text()
