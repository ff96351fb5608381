"""The controller: builds the QApplication, wires the tray, locking and windows.

Life cycle: unlock window (or first-run wizard) → main window → **lock = restart the process**
(re-exec into the unlock window), so no record text survives in this process's memory; Python
cannot wipe its strings. Before any lock (idle, screen lock, suspend, tray, Ctrl+L) and before
quitting, every open editor's content is saved as an encrypted draft inside the vault and offered
again after the next unlock (:mod:`defender_desk.ui.kit.form`). A panic wipe (from the tray or
another process via ``wipe.signal``) drops the keys and exits.

What the controller needs from the core before the facade is loaded (folders, settings, a pending
wipe, the practice vault) comes from the ``core`` object the entry point builds
(:class:`defender_desk.gui_main.DesktopCore`); ``ui/`` imports only the facade.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QLibraryInfo, QLocale, QObject, QTimer, QTranslator, Signal
from PySide6.QtWidgets import QApplication, QSystemTrayIcon, QWidget

from defender_desk import i18n
from defender_desk.i18n import _
from defender_desk.ui import icons
from defender_desk.ui.kit.screen import TitleGuard, install_focus_style

if TYPE_CHECKING:
    from defender_desk.app import Desk, Settings
    from defender_desk.ui.main_window import MainWindow
    from defender_desk.ui.tray import Tray

APP_NAME = "Defender Desk"
SMOKE_ENV = "DEFENDER_DESK_SMOKE_EXIT_AFTER_START"


class Controller(QObject):
    language_changed = Signal()
    locked = Signal()

    def __init__(
        self,
        app: QApplication,
        core: Any,
        *,
        lang: str | None = None,
        practice: bool = False,
        restart: Callable[[], None] | None = None,
        argv: list[str] | None = None,
    ) -> None:
        super().__init__()
        self.app = app
        self.core = core
        self.practice = practice
        self.practice_passphrase = core.practice_passphrase
        self.vault_dir: Path = core.folder(practice)
        # The facade (and everything it imports) is loaded after the first window is shown,
        # so the unlock window appears quickly; see :attr:`desk`.
        self._desk: Desk | None = None
        self.settings: Settings = core.load_settings(practice)
        self.argv = list(argv or [])
        self._restart = restart or self._reexec
        self._qt_translators: list[QTranslator] = []
        self.window: QWidget | None = None
        self.main_window: MainWindow | None = None
        self.tray: Tray | None = None
        self.restart_requested = False
        self.title_guard = TitleGuard(self)
        app.installEventFilter(self.title_guard)
        install_focus_style(app)
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
            self._desk = self.core.make_desk(self.practice)
        return self._desk

    @property
    def is_unlocked(self) -> bool:
        return self._desk is not None and self._desk.unlocked

    # -- language ---------------------------------------------------------------------------
    def set_language(self, lang: str, *, save: bool = True) -> None:
        i18n.set_language(lang)
        # Dates, sizes and numbers that Qt formats itself (the file picker's, the calendars')
        # in her language, not the POSIX locale's.
        QLocale.setDefault(QLocale({"en": "en_GB", "ru": "ru_RU", "kk": "kk_KZ"}[lang]))
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
            self.core.save_settings(self.practice, self.settings)
        self._apply_discreet()
        self.language_changed.emit()
        self.title_guard.apply_all()

    def display_name(self) -> str:
        return _("Notes") if self.settings.discreet else APP_NAME

    def _apply_discreet(self) -> None:
        """The names the system sees and every message use the neutral name in discreet mode
        (the X11 window class is fixed when the first window is made: see :func:`run`)."""
        from defender_desk.ui.kit import confirm

        discreet = self.settings.discreet
        self.app.setApplicationDisplayName(self.display_name())
        self.app.setApplicationName("Notes" if discreet else "DefenderDesk")
        confirm.use_neutral_name(self.display_name() if discreet else None)

    def copy_text(self, text: str) -> None:
        """Copy record text (a hash, a card, a code): marked secret, cleared after the set
        time if still ours, and on lock or quit."""
        self.clipboard.seconds = self.settings.clipboard_clear_seconds
        self.clipboard.copy(text)

    def save_settings(self, settings: Settings) -> None:
        renamed = settings.discreet != self.settings.discreet
        self.settings = settings
        self.core.save_settings(self.practice, settings)
        self.app.setWindowIcon(icons.app_icon(settings.discreet))
        self._apply_discreet()
        if renamed:
            self.language_changed.emit()  # every text again, with or without the app's name
        self.title_guard.apply_all()
        if self.tray is not None:
            self.tray.retranslate()

    def can_hide_to_tray(self) -> bool:
        return self.tray is not None and QSystemTrayIcon.isSystemTrayAvailable()

    # -- start ------------------------------------------------------------------------------
    def start(self) -> None:
        from defender_desk.ui.tray import Tray

        self.core.finish_pending_wipe(self.practice)  # a wipe cut short by a crash first
        self.app.setWindowIcon(icons.app_icon(self.settings.discreet))
        self.tray = Tray(self)
        self._wipe_timer.start()
        if self.practice or self.core.has_vault(False):
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

    def in_use_elsewhere(self) -> bool:
        """True when another process has this vault open (said before asking for anything)."""
        return self.core.has_vault(self.practice) and bool(self.core.in_use(self.practice))

    def unlocked(self) -> None:
        """Called by the unlock window or the wizard once ``self.desk`` is unlocked."""
        from defender_desk.ui.kit.form import offer_drafts
        from defender_desk.ui.locking import LockWatch
        from defender_desk.ui.main_window import MainWindow
        from defender_desk.ui.reminders import ReminderService

        self.main_window = MainWindow(self)
        self._replace_window(self.main_window)
        self.lock_watch = LockWatch(self)
        self.reminders = ReminderService(self)
        self.reminders.start()
        if self.tray is not None:
            self.tray.retranslate()
        QTimer.singleShot(0, lambda: offer_drafts(self))

    # -- practice vault ---------------------------------------------------------------------
    def open_practice(self, on: bool = True) -> None:
        """Switch between her vault and the practice vault (created and filled on first use).

        From the unlock window or the first-run wizard nothing is unlocked, so the switch
        happens in this process; from an unlocked vault it is a lock (a restart) into the other
        one. The two folders never mix: the practice one is derived once from hers."""
        self.argv = [a for a in self.argv if a != "--practice"] + (["--practice"] if on else [])
        if self.is_unlocked:
            self.lock()
            return
        if self._desk is not None:
            self._desk.lock()
        self._desk = None
        self.practice = on
        self.vault_dir = self.core.folder(on)
        self.settings = self.core.load_settings(on)
        self._apply_discreet()
        if on and not self.core.has_vault(True):
            self.prepare_practice()
        elif on or self.core.has_vault(False):
            self.show_unlock()
        else:
            self.show_onboarding()
        if self.tray is not None:
            self.tray.retranslate()

    def prepare_practice(self) -> Any:
        """Make the practice vault in a job (a few seconds), showing its unlock window."""
        from defender_desk.ui.kit.jobs import Job

        self.show_unlock()
        window = self.window
        assert window is not None
        core = self.core
        job = Job(
            window, _("Preparing the practice vault…"), lambda p, c: core.ensure_practice_vault()
        )
        self.practice_job = job
        job.ended.connect(lambda: getattr(self.window, "practice_ready", lambda: None)())
        return job.start()

    # -- locking ----------------------------------------------------------------------------
    def save_drafts(self) -> int:
        """Every open editor's content, into the vault as an encrypted draft."""
        from defender_desk.ui.kit.form import save_open_drafts

        if not self.is_unlocked:
            return 0
        return save_open_drafts(self)

    def lock(self) -> None:
        """Lock now: keep what she was typing as drafts in the vault, close it, restart."""
        from defender_desk.ui.kit.form import close_editors

        self.save_drafts()
        close_editors(self)
        self.clipboard.clear_if_ours()
        if self._desk is not None:
            self._desk.lock()
        self.locked.emit()
        self.restart_requested = True
        self._restart()

    def quit(self) -> None:
        self.save_drafts()
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
        if self.core.wipe_requested(self.practice):
            self.wiped_elsewhere()

    def panic_wipe(self) -> None:
        """Erase the vault (key file first), say one neutral line, exit."""
        self.desk.wipe(clear_clipboard=self.app.clipboard().clear)
        from defender_desk.ui.kit import confirm

        confirm.info(None, _("Done."))
        self.app.exit(0)

    def wiped_elsewhere(self) -> None:
        """Another process wiped the vault: drop the keys at once, finish erasing what this
        process held open, and leave."""
        self._wipe_timer.stop()
        if self._desk is not None:
            self._desk.forget()
        self.core.finish_pending_wipe(self.practice)
        self.app.clipboard().clear()
        self.app.exit(0)


def run(args: argparse.Namespace, core: Any) -> int:
    os.environ.setdefault("QT_LOGGING_RULES", "*.debug=false;qt.*.info=false")
    discreet = core.load_settings(bool(args.practice)).discreet
    if discreet:
        # The X11 window class and instance name come from these, read once when the first
        # window is made: in discreet mode they must not name the app.
        os.environ["RESOURCE_NAME"] = "notes"
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Notes" if discreet else "DefenderDesk")
    app.setQuitOnLastWindowClosed(False)
    argv: list[str] = ["--vault-dir", str(core.real_dir)]
    if args.lang:
        argv += ["--lang", args.lang]
    if args.practice:
        argv += ["--practice"]
    controller = Controller(app, core, lang=args.lang, practice=args.practice, argv=argv)
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
