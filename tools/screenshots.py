"""Screenshots of every screen in English, Russian and Kazakh, for the README and for review.

    python tools/screenshots.py                 # all languages, into docs/screenshots/
    python tools/screenshots.py --lang ru --only settings unlock

Renders offscreen (no display needed) from a vault filled with the scenario of
``shared/seed/scenario.md`` (``defender_desk.practice``: invented people and events, generated
evidence). The vault is made in a temporary folder and deleted afterwards. Files:

- ``<screen>-<lang>.png`` for every screen the main window has (``main_window.SCREENS``), and
  ``<screen>-end-<lang>.png`` scrolled to the end when the screen scrolls;
- ``unlock-<lang>.png``, ``unlock-recovery-<lang>.png``, ``unlock-practice-<lang>.png``;
- ``dialog-<name>-<lang>.png`` for every dialog (the editors, the obligation and emergency
  dialogs, the evidence viewer with a PDF page, the history, unfinished work);
- ``wizard-<n>-<page>-<lang>.png`` for the first-run wizard's pages (the recovery code shown is
  a made-up pattern, never a real one);
- ``panic-wipe-<lang>.png``, ``tray-menu-<lang>.png``.

Look at every image before committing it: no text may be clipped or overlap.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
# Her laptop's screen: windows are sized (and fitted) as she sees them at 1366×768.
os.environ.setdefault(
    "QT_QPA_PLATFORM",
    f"offscreen:configfile={ROOT / 'tests' / 'ui' / 'screens' / '1366x768.json'}",
)
os.environ.setdefault("QT_LOGGING_RULES", "*.debug=false;qt.*.info=false")

LANGS = ("en", "ru", "kk")
FAKE_CODE = "-".join(["1234", "5678", "9012", "3456", "7890", "1234", "5678", "9012"])


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    p.add_argument("--lang", nargs="+", choices=LANGS, default=list(LANGS))
    p.add_argument(
        "--only",
        nargs="+",
        metavar="NAME",
        help="screen keys and/or unlock, wizard, panic-wipe, tray-menu, dialogs",
    )
    p.add_argument(
        "--cheap-kdf",
        action="store_true",
        help="make the vault with the test suite's cheap key derivation (faster; the settings "
        "screen then shows the below-the-floor warning)",
    )
    return p.parse_args(argv)


# What the offscreen platform says about window-manager features it lacks: noise here.
_OFFSCREEN_NOISE = ("This plugin does not support", "systemTrayWindowChanged")


def _quiet_offscreen_noise() -> None:
    from PySide6.QtCore import qInstallMessageHandler

    def handler(_mode: object, _context: object, message: str) -> None:
        if not message.startswith(_OFFSCREEN_NOISE) and _OFFSCREEN_NOISE[1] not in message:
            print(message, file=sys.stderr)

    qInstallMessageHandler(handler)


class Renderer:
    def __init__(self, out: Path, only: set[str] | None) -> None:
        from PySide6.QtWidgets import QApplication

        _quiet_offscreen_noise()
        self.out = out
        self.only = only
        self.app = QApplication.instance() or QApplication([sys.argv[0]])
        self.app.setApplicationName("DefenderDesk")
        self.app.setQuitOnLastWindowClosed(False)
        self.saved: list[Path] = []

    def wanted(self, name: str) -> bool:
        return self.only is None or name in self.only

    def settle(self, ms: int = 120) -> None:
        from PySide6.QtCore import QEventLoop, QTimer

        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def save(self, widget: object, name: str) -> None:
        from PySide6.QtWidgets import QWidget

        assert isinstance(widget, QWidget)
        self.settle()
        path = self.out / f"{name}.png"
        if not widget.grab().save(str(path)):
            raise SystemExit(f"could not write {path}")
        self.saved.append(path)
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)

    # -- one language ---------------------------------------------------------------------------
    def render(self, vault: Path, lang: str, passphrase: str) -> None:
        from defender_desk.gui_main import DesktopCore
        from defender_desk.secret import Secret
        from defender_desk.ui.app import Controller

        controller = Controller(self.app, DesktopCore(vault), lang=lang, restart=lambda: None)
        self.unlock_window(controller, lang)
        controller.desk.unlock(Secret.from_text(passphrase))
        controller.unlocked()
        watch = getattr(controller, "lock_watch", None)
        if watch is not None:
            watch.idle.stop()
            self.app.removeEventFilter(watch)
        try:
            self.screens(controller, lang)
            self.dialogs(controller, lang)
            self.wizard(controller, lang)
            self.panic_wipe(controller, lang)
            self.tray_menu(controller, lang)
        finally:
            if controller.main_window is not None:
                controller.main_window.hide()
                controller.main_window.deleteLater()
            controller.desk.lock()
            self.settle(10)

    def screens(self, controller: object, lang: str) -> None:
        from PySide6.QtWidgets import QAbstractScrollArea, QScrollArea

        mw = controller.main_window  # type: ignore[attr-defined]
        mw.show()
        for key in mw.screens:
            if not self.wanted(key):
                continue
            screen = mw.show_screen(key)
            self.save(mw, f"{key}-{lang}")
            areas = [
                a
                for a in screen.findChildren(QScrollArea)
                if a.isVisibleTo(screen) and a.verticalScrollBar().maximum() > 0
            ]
            if areas:
                for area in areas:
                    bar = area.verticalScrollBar()
                    bar.setValue(bar.maximum())
                self.save(mw, f"{key}-end-{lang}")
                for area in areas:
                    area.verticalScrollBar().setValue(0)
            for view in screen.findChildren(QAbstractScrollArea):
                view.verticalScrollBar().setValue(0)

    def dialogs(self, controller: object, lang: str) -> None:
        """Every dialog, as the tests walk them (``tests/ui/walk.py``)."""
        if not self.wanted("dialogs"):
            return
        from tests.ui.walk import windows

        for name, window, _buttons in windows(controller, self.out):
            if name.startswith(("main-", "wizard-", "unlock", "panic-wipe")):
                continue
            window.show()
            self.save(window, f"dialog-{name}-{lang}")

    def unlock_window(self, controller: object, lang: str) -> None:
        if not self.wanted("unlock"):
            return
        from defender_desk.ui.unlock import UnlockWindow

        window = UnlockWindow(controller)  # type: ignore[arg-type]
        window.show()
        self.save(window, f"unlock-{lang}")
        window.pages.setCurrentWidget(window.rec_page)
        window.adjustSize()
        self.save(window, f"unlock-recovery-{lang}")
        window.close()
        window.deleteLater()
        # the practice vault's unlock window: marked, with its passphrase shown
        controller.practice = True  # type: ignore[attr-defined]
        window = UnlockWindow(controller)  # type: ignore[arg-type]
        window.show()
        self.save(window, f"unlock-practice-{lang}")
        window.close()
        window.deleteLater()
        controller.practice = False  # type: ignore[attr-defined]

    def wizard(self, controller: object, lang: str) -> None:
        if not self.wanted("wizard"):
            return
        from defender_desk.ui.onboarding import CreateWizard

        wizard = CreateWizard(controller)  # type: ignore[arg-type]
        wizard.show()
        pages: list[tuple[str, Callable[[], None]]] = [
            ("welcome", lambda: wizard.go(0)),
            ("passphrase", lambda: self._typed_passphrase(wizard)),
            ("recovery-code", lambda: wizard.show_code(FAKE_CODE)),
            ("check", lambda: wizard.go(3)),
        ]
        for n, (name, show) in enumerate(pages, start=1):
            show()
            self.save(wizard, f"wizard-{n}-{name}-{lang}")
        wizard.recovery_code = ""
        wizard.close()
        wizard.deleteLater()

    @staticmethod
    def _typed_passphrase(wizard: object) -> None:
        wizard.go(1)  # type: ignore[attr-defined]
        wizard.pass1.edit.setText("река горы чай окно")  # type: ignore[attr-defined]

    def panic_wipe(self, controller: object, lang: str) -> None:
        if not self.wanted("panic-wipe"):
            return
        from defender_desk.ui.tray import PanicWipeDialog

        dialog = PanicWipeDialog(controller)  # type: ignore[arg-type]
        dialog.show()
        self.save(dialog, f"panic-wipe-{lang}")
        dialog.close()
        dialog.deleteLater()

    def tray_menu(self, controller: object, lang: str) -> None:
        if not self.wanted("tray-menu"):
            return
        from PySide6.QtCore import QPoint

        from defender_desk.ui.tray import Tray

        tray = Tray(controller)  # type: ignore[arg-type]
        tray.retranslate()
        tray.menu.popup(QPoint(40, 40))
        self.save(tray.menu, f"tray-menu-{lang}")
        tray.menu.hide()
        tray.hide()
        tray.deleteLater()


def make_vault(folder: Path) -> tuple[Path, str]:
    from defender_desk.practice import PRACTICE_PASSPHRASE, ensure_practice_vault

    vault = folder / "DefenderDesk"
    ensure_practice_vault(vault)
    return vault, PRACTICE_PASSPHRASE


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.cheap_kdf:
        from defender_desk.vault.kdf import INSECURE_TEST_KDF_ENV

        os.environ[INSECURE_TEST_KDF_ENV] = "1"
    args.out.mkdir(parents=True, exist_ok=True)
    renderer = Renderer(args.out, set(args.only) if args.only else None)
    folder = Path(tempfile.mkdtemp(prefix="dd-screens-"))
    try:
        vault, passphrase = make_vault(folder)
        for lang in args.lang:
            renderer.render(vault, lang, passphrase)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"{len(renderer.saved)} screenshots")
    return 0


if __name__ == "__main__":
    sys.exit(main())
