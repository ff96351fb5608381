"""The main window: navigation on the left, one screen at a time on the right."""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from defender_desk.i18n import _
from defender_desk.ui.kit.screen import Screen, fit_to_screen, retranslate_tree

if TYPE_CHECKING:
    from defender_desk.ui.kit.host import Host

#: (module, class) of every screen, in navigation order. Screens whose module is missing are
#: skipped, so the window works while screens are being added.
SCREENS: list[tuple[str, str]] = [
    ("defender_desk.ui.screens.overview", "OverviewScreen"),
    ("defender_desk.ui.screens.incidents", "IncidentsScreen"),
    ("defender_desk.ui.screens.people", "PeopleScreen"),
    ("defender_desk.ui.screens.obligations", "ObligationsScreen"),
    ("defender_desk.ui.screens.emergency", "EmergencyScreen"),
    ("defender_desk.ui.screens.contacts", "ContactsScreen"),
    ("defender_desk.ui.screens.export", "ExportScreen"),
    ("defender_desk.ui.screens.open_export", "OpenExportScreen"),
    ("defender_desk.ui.screens.backup", "BackupScreen"),
    ("defender_desk.ui.screens.settings", "SettingsScreen"),
]


def available_screens() -> list[type[Screen]]:
    found: list[type[Screen]] = []
    for module, name in SCREENS:
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name == module:
                continue
            raise
        found.append(getattr(mod, name))
    return found


class MainWindow(QMainWindow):
    def __init__(self, controller: Host) -> None:
        super().__init__()
        self.controller = controller
        self.drafts_dialog: Any = None
        from defender_desk.ui.kit import format as fmt

        fmt.use_zone(controller.desk.user_zone())  # one zone, hers, for every time shown
        self.nav = QListWidget(self)
        self.nav.setFixedWidth(230)
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.stack = QStackedWidget(self)
        self.screens: dict[str, Screen] = {}
        for cls in available_screens():
            screen = cls(controller, self.stack)
            self.screens[cls.key] = screen
            self.stack.addWidget(screen)
            item = QListWidgetItem()
            item.setData(Qt.ItemDataRole.UserRole, cls.key)
            self.nav.addItem(item)
        self.nav.currentRowChanged.connect(self._on_nav)
        self.practice_banner = QLabel(self)
        self.practice_banner.setWordWrap(True)
        self.practice_banner.setStyleSheet(
            "background: #fef3c7; color: #78350f; padding: 6px; font-weight: bold;"
        )
        self.leave_practice = QPushButton(self)
        self.leave_practice.clicked.connect(lambda: controller.open_practice(False))
        practice_row = QHBoxLayout()
        practice_row.addWidget(self.practice_banner, 1)
        practice_row.addWidget(self.leave_practice)
        self.practice_box = QWidget(self)
        self.practice_box.setLayout(practice_row)
        self.practice_box.setVisible(controller.practice)
        # A vault whose key derivation is below the floor says so at every unlock.
        self.kdf_banner = QLabel(self)
        self.kdf_banner.setWordWrap(True)
        self.kdf_banner.setStyleSheet("background: #fee2e2; color: #7f1d1d; padding: 6px;")
        self.kdf_button = QPushButton(self)
        self.kdf_button.clicked.connect(lambda: self.show_screen("settings"))
        kdf_row = QHBoxLayout()
        kdf_row.addWidget(self.kdf_banner, 1)
        kdf_row.addWidget(self.kdf_button)
        self.kdf_box = QWidget(self)
        self.kdf_box.setLayout(kdf_row)
        self.kdf_box.setVisible("kdf_below_floor" in controller.desk.warnings)
        self.lock_button = QPushButton(self)
        self.lock_button.clicked.connect(controller.lock)
        self.emergency_button = QPushButton(self)
        self.emergency_button.setVisible("emergency" in self.screens)
        self.emergency_button.clicked.connect(lambda: self.show_screen("emergency"))
        self.emergency_button.setStyleSheet("color: #b91c1c; font-weight: bold;")
        side = QVBoxLayout()
        side.addWidget(self.nav, 1)
        side.addWidget(self.emergency_button)
        side.addWidget(self.lock_button)
        body = QHBoxLayout()
        body.addLayout(side)
        body.addWidget(self.stack, 1)
        outer = QVBoxLayout()
        outer.addWidget(self.practice_box)
        outer.addWidget(self.kdf_box)
        outer.addLayout(body, 1)
        central = QWidget(self)
        central.setLayout(outer)
        self.setCentralWidget(central)
        self.lock_shortcut = QShortcut(QKeySequence("Ctrl+L"), self)
        self.lock_shortcut.setContext(Qt.ShortcutContext.ApplicationShortcut)
        self.lock_shortcut.activated.connect(controller.lock)
        controller.language_changed.connect(self.retranslate)
        self.retranslate()
        if self.nav.count():
            self.nav.setCurrentRow(0)
        fit_to_screen(self, QSize(1180, 760))
        self._protect_window()

    def retranslate(self) -> None:
        self.setWindowTitle(self.controller.display_name())
        for row in range(self.nav.count()):
            item = self.nav.item(row)
            screen = self.screens[item.data(Qt.ItemDataRole.UserRole)]
            item.setText(_(screen.title))
        self.nav.setAccessibleName(_("Sections"))
        # Fit the longest section name in the current language (Kazakh and Russian are long).
        widest = self.nav.sizeHintForColumn(0)
        self.nav.setFixedWidth(max(230, widest + 2 * self.nav.frameWidth() + 16))
        self.lock_button.setText(_("Lock now") + "  (Ctrl+L)")
        self.lock_button.setAccessibleName(_("Lock now"))
        self.emergency_button.setText(_("Emergency…"))
        self.emergency_button.setAccessibleName(_("Emergency: someone was detained"))
        self.practice_banner.setText(
            _("PRACTICE VAULT — invented records. Nothing here is real or leaves this vault.")
        )
        self.leave_practice.setText(_("Back to my vault"))
        self.leave_practice.setAccessibleName(_("Leave the practice vault: back to my vault"))
        self.kdf_banner.setText(
            _(
                "This vault's key derivation is weaker than the minimum this app sets: a seized"
                " laptop could be tried with more guesses per second. Strengthen it in the"
                " settings (you need your passphrase and the recovery code)."
            )
        )
        self.kdf_button.setText(_("Open the settings"))
        self.kdf_button.setAccessibleName(_("Open the settings to strengthen the key derivation"))
        for screen in self.screens.values():
            retranslate_tree(screen)

    def _on_nav(self, row: int) -> None:
        if row < 0:
            return
        key = self.nav.item(row).data(Qt.ItemDataRole.UserRole)
        screen = self.screens[key]
        self.stack.setCurrentWidget(screen)
        screen.refresh()

    def show_screen(self, key: str, **kwargs: Any) -> Screen:
        screen = self.screens[key]
        for row in range(self.nav.count()):
            if self.nav.item(row).data(Qt.ItemDataRole.UserRole) == key:
                self.nav.blockSignals(True)
                self.nav.setCurrentRow(row)
                self.nav.blockSignals(False)
        self.stack.setCurrentWidget(screen)
        if kwargs:
            screen.navigate_with(**kwargs)
        else:
            screen.refresh()
        self.show()
        self.raise_()
        self.activateWindow()
        return screen

    def current_screen(self) -> Screen:
        w = self.stack.currentWidget()
        assert isinstance(w, Screen)
        return w

    def _protect_window(self) -> None:
        if sys.platform == "win32":  # pragma: no cover - Windows only
            from defender_desk.ui.platform_win import exclude_from_capture

            exclude_from_capture(int(self.winId()))

    def closeEvent(self, event: Any) -> None:
        # Closing the window keeps the app in the tray where there is one (the tray's Quit ends
        # it); where no tray exists the window would vanish with no way back: quit instead
        # (open editors are kept as drafts first).
        if not event.spontaneous():  # closed by the app itself (a window replaced): just close
            event.accept()
            return
        event.ignore()
        if self.controller.can_hide_to_tray():
            self.hide()
        else:
            self.controller.quit()
