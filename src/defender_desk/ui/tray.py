"""The tray icon, always present while the app runs, locked or not:
**Lock now** (first) · Show · Emergency… (while unlocked) · Panic wipe… · Quit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QSystemTrayIcon, QWidget

from defender_desk.i18n import _
from defender_desk.ui import icons
from defender_desk.ui.kit.confirm import HoldDialog

if TYPE_CHECKING:
    from defender_desk.ui.kit.host import Host


class Tray(QSystemTrayIcon):
    def __init__(self, controller: Host) -> None:
        super().__init__(icons.app_icon(controller.settings.discreet))
        self.controller = controller
        self.menu = QMenu()
        self.lock_action = QAction(self.menu)
        self.lock_action.triggered.connect(controller.lock)
        self.show_action = QAction(self.menu)
        self.show_action.triggered.connect(self.show_window)
        self.emergency_action = QAction(self.menu)
        self.emergency_action.triggered.connect(self.open_emergency)
        self.wipe_action = QAction(self.menu)
        self.wipe_action.triggered.connect(self.panic_wipe)
        self.quit_action = QAction(self.menu)
        self.quit_action.triggered.connect(controller.quit)
        for a in (self.lock_action, self.show_action, self.emergency_action):
            self.menu.addAction(a)
        self.menu.addSeparator()
        self.menu.addAction(self.wipe_action)
        self.menu.addSeparator()
        self.menu.addAction(self.quit_action)
        self.setContextMenu(self.menu)
        self.activated.connect(self._activated)
        controller.language_changed.connect(self.retranslate)
        self.retranslate()
        self.show()

    def retranslate(self) -> None:
        c = self.controller
        self.setIcon(icons.app_icon(c.settings.discreet))
        self.setToolTip(c.display_name())
        self.lock_action.setText(_("Lock now"))
        self.lock_action.setEnabled(c.is_unlocked)
        self.show_action.setText(_("Show"))
        self.emergency_action.setText(_("Emergency…"))
        self.emergency_action.setVisible(
            c.is_unlocked and c.main_window is not None and "emergency" in c.main_window.screens
        )
        self.wipe_action.setText(_("Panic wipe…"))
        self.quit_action.setText(_("Quit"))

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self.show_window()

    def show_window(self) -> None:
        w = self.controller.window
        if w is not None:
            w.show()
            w.raise_()
            w.activateWindow()

    def open_emergency(self) -> None:
        if self.controller.main_window is not None:
            self.controller.main_window.show_screen("emergency")

    def panic_wipe(self) -> None:
        if not self.controller.settings.confirm_panic_wipe:
            self.controller.panic_wipe()  # she chose one-click wipe in the settings
            return
        self.wipe_dialog = PanicWipeDialog(self.controller)
        self.wipe_dialog.show()
        self.wipe_dialog.raise_()


class PanicWipeDialog(HoldDialog):
    """Lists what will be erased; the button must be held for two seconds."""

    def __init__(self, controller: Host, parent: QWidget | None = None) -> None:
        self.controller = controller
        super().__init__(
            parent,
            title=_("Panic wipe"),
            question=_("Erase this vault now?"),
            what=_(
                "This erases, on this computer: the vault's key file first (after that nothing in "
                "the vault can be decrypted, even with the passphrase), then every record, "
                "evidence file, contact and setting in {path}. It cannot be undone. Your backup "
                "with your lawyer is not touched."
            ).format(path=controller.vault_dir),
            limits=_(
                "It cannot erase: copies in file-system snapshots or backups of this computer, "
                "files you saved for court or copied elsewhere, and what you sent to others."
            ),
            hold_text=_("Hold for two seconds to erase"),
        )
        self.confirmed.connect(self.do_wipe)

    def do_wipe(self) -> None:
        self.controller.panic_wipe()
