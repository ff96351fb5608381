"""The controller: builds the QApplication, wires the tray, locking and windows.

Life cycle: unlock window (or first-run wizard) → main window → **lock = restart the process**
(re-exec into the unlock window), so no record text survives in this process's memory; Python
cannot wipe its strings. Quit locks first. A panic wipe (from the tray or another process via
``wipe.signal``) drops the keys and exits.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLibraryInfo, QObject, QTimer, QTranslator, Signal
from PySide6.QtWidgets import QApplication, QWidget

from defender_desk import i18n
from defender_desk.i18n import _
from defender_desk.paths import resolve_vault_dir
from defender_desk.ui import icons

if TYPE_CHECKING:
    from defender_desk.app import Desk
    from defender_desk.settings import Settings
    from defender_desk.ui.main_window import MainWindow
    from defender_desk.ui.tray import Tray

APP_NAME = "Defender Desk"
SMOKE_ENV = "DEFENDER_DESK_SMOKE_EXIT_AFTER_START"


def practice_dir(vault_dir: Path) -> Path:
    return vault_dir.parent / (vault_dir.name + "-practice")


class Controller(QObject):
    language_changed = Signal()
    locked = Signal()

    def __init__(
        self,
        app: QApplication,
        vault_dir: Path,
        *,
        lang: str | None = None,
        practice: bool = False,
        restart: Callable[[], None] | None = None,
        argv: list[str] | None = None,
    ) -> None:
        super().__init__()
        from defender_desk import settings as settings_mod
        from defender_desk.paths import VaultPaths

        self.app = app
        self.practice = practice
        self.vault_dir = practice_dir(vault_dir) if practice else vault_dir
        self.paths = VaultPaths(self.vault_dir)
        # The facade (and everything it imports) is loaded after the first window is shown,
        # so the unlock window appears quickly; see :attr:`desk`.
        self._desk: Desk | None = None
        self.settings: Settings = settings_mod.load(self.paths.settings_file)
        self.argv = list(argv or [])
        self._restart = restart or self._reexec
        self._qt_translators: list[QTranslator] = []
        self.window: QWidget | None = None
        self.main_window: MainWindow | None = None
        self.tray: Tray | None = None
        self.restart_requested = False
        self.set_language(lang or self.settings.language or i18n.system_language(), save=False)
        from defender_desk.ui.clipboard import SecureClipboard

        self.clipboard = SecureClipboard(self.settings.clipboard_clear_seconds, self)
        self._wipe_timer = QTimer(self)
        self._wipe_timer.setInterval(250)
        self._wipe_timer.timeout.connect(self._check_wipe_signal)

    @property
    def desk(self) -> Desk:
        """The facade, made on first use. Only the GUI thread may make it (jobs receive it)."""
        if self._desk is None:
            from defender_desk.app import Desk

            self._desk = Desk(self.vault_dir)
        return self._desk

    @property
    def is_unlocked(self) -> bool:
        return self._desk is not None and self._desk.unlocked

    # -- language ---------------------------------------------------------------------------
    def set_language(self, lang: str, *, save: bool = True) -> None:
        i18n.set_language(lang)
        for t in self._qt_translators:
            self.app.removeTranslator(t)
        self._qt_translators = []
        if lang != "en":
            t = QTranslator(self.app)
            if t.load(
                f"qtbase_{lang}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
            ):
                self.app.installTranslator(t)
                self._qt_translators.append(t)
        if save:
            self.settings = self.settings.model_copy(update={"language": lang})
            self._save_settings_file()
        self.app.setApplicationDisplayName(self.display_name())
        self.language_changed.emit()

    def display_name(self) -> str:
        return _("Notes") if self.settings.discreet else APP_NAME

    def _save_settings_file(self) -> None:
        from defender_desk import settings as settings_mod

        settings_mod.save(self.paths.settings_file, self.settings)

    def copy_text(self, text: str) -> None:
        """Copy record text (a hash, a card, a code): marked secret, cleared after the set
        time if still ours, and on lock or quit."""
        self.clipboard.seconds = self.settings.clipboard_clear_seconds
        self.clipboard.copy(text)

    def save_settings(self, settings: Settings) -> None:
        self.settings = settings
        self._save_settings_file()
        self.app.setWindowIcon(icons.app_icon(settings.discreet))
        if self.tray is not None:
            self.tray.retranslate()

    # -- start ------------------------------------------------------------------------------
    def start(self) -> None:
        from defender_desk.ui.tray import Tray
        from defender_desk.wipe import finish_pending_wipe

        finish_pending_wipe(self.paths)  # a wipe interrupted by a crash is finished first
        self.app.setWindowIcon(icons.app_icon(self.settings.discreet))
        self.tray = Tray(self)
        self._wipe_timer.start()
        if self.paths.has_vault():
            self.show_unlock()
        else:
            self.show_onboarding()
        QTimer.singleShot(0, lambda: self.desk)  # load the facade while she types

    def _replace_window(self, window: QWidget) -> None:
        old, self.window = self.window, window
        window.show()
        if old is not None:
            old.close()
            old.deleteLater()

    def show_unlock(self) -> None:
        from defender_desk.ui.unlock import UnlockWindow

        self._replace_window(UnlockWindow(self))

    def show_onboarding(self) -> None:
        from defender_desk.ui.onboarding import CreateWizard

        self._replace_window(CreateWizard(self))

    def unlocked(self) -> None:
        """Called by the unlock window or the wizard once ``self.desk`` is unlocked."""
        from defender_desk.ui.locking import LockWatch
        from defender_desk.ui.main_window import MainWindow

        self.main_window = MainWindow(self)
        self._replace_window(self.main_window)
        self.lock_watch = LockWatch(self)
        from defender_desk.ui.reminders import ReminderService

        self.reminders = ReminderService(self)
        self.reminders.start()
        if self.tray is not None:
            self.tray.retranslate()

    # -- locking ----------------------------------------------------------------------------
    def lock(self) -> None:
        """Lock now: close the vault, then restart the process into the unlock window."""
        if self.main_window is not None:
            self.main_window.discard_unsaved()
        self.clipboard.clear_if_ours()
        if self._desk is not None:
            self._desk.lock()
        self.locked.emit()
        self.restart_requested = True
        self._restart()

    def quit(self) -> None:
        self.clipboard.clear_if_ours()
        if self._desk is not None:
            self._desk.lock()
        if self.tray is not None:
            self.tray.hide()
        self.app.quit()

    def _reexec(self) -> None:  # pragma: no cover - replaces the process
        self.app.processEvents()
        if getattr(sys, "frozen", False):
            argv = [sys.executable, *self.argv]
        else:
            argv = [sys.executable, "-m", "defender_desk.gui_main", *self.argv]
        os.execv(argv[0], argv)

    # -- panic wipe -------------------------------------------------------------------------
    def _check_wipe_signal(self) -> None:
        from defender_desk.wipe import wipe_requested

        if wipe_requested(self.paths):
            self.wiped_elsewhere()

    def panic_wipe(self) -> None:
        """Erase the vault (key file first), say one neutral line, exit."""
        self.desk.wipe(clear_clipboard=self.app.clipboard().clear)
        from defender_desk.ui import dialogs

        dialogs.info(None, _("Done."))
        self.app.exit(0)

    def open_practice(self) -> None:
        """Restart into the practice vault (created and filled on first use)."""
        from defender_desk.practice import ensure_practice_vault

        ensure_practice_vault(practice_dir(self.vault_dir))
        self.argv = [*self.argv, "--practice"]
        self.restart_requested = True
        self._restart()

    def wiped_elsewhere(self) -> None:
        """Another process wiped the vault: drop the keys at once, finish erasing what this
        process held open, and leave."""
        from defender_desk.wipe import finish_pending_wipe

        self._wipe_timer.stop()
        if self._desk is not None:
            self._desk.forget()
        finish_pending_wipe(self.paths)
        self.app.clipboard().clear()
        self.app.exit(0)


def run(args: argparse.Namespace) -> int:
    os.environ.setdefault("QT_LOGGING_RULES", "*.debug=false;qt.*.info=false")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("DefenderDesk")
    app.setQuitOnLastWindowClosed(False)
    argv: list[str] = []
    if args.vault_dir:
        argv += ["--vault-dir", args.vault_dir]
    if args.lang:
        argv += ["--lang", args.lang]
    if args.practice:
        argv += ["--practice"]
    controller = Controller(
        app, resolve_vault_dir(args.vault_dir), lang=args.lang, practice=args.practice, argv=argv
    )
    controller.start()
    if os.environ.get(SMOKE_ENV) == "1":
        # For the bundle smoke test and the start-up benchmark: report that the first window
        # is up, then leave. Prints no content.
        def shown() -> None:
            window = controller.window
            sys.stdout.write(f"window shown: {type(window).__name__}\n")
            sys.stdout.flush()
            controller.quit()

        QTimer.singleShot(0, shown)
    return int(app.exec())
