"""The unlock window: passphrase, or the recovery code and a new passphrase; and the way into and
out of the practice vault.

The key derivation (Argon2id, a second or more) runs in a worker thread: the window keeps
painting and says "Opening…". Another process holding this vault open is said before anything
is asked. The practice vault's unlock window says it is the practice vault and shows its
passphrase; one click goes back to her own vault.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from defender_desk.errors import DefenderDeskError, PassphraseMismatch
from defender_desk.i18n import _, get_language
from defender_desk.secret import Secret
from defender_desk.ui.kit.jobs import call_off_gui, error_text
from defender_desk.ui.kit.screen import fit_to_screen
from defender_desk.ui.kit.widgets import PlainLabel, SecretField, error_label, heading, wrapping

if TYPE_CHECKING:
    from PySide6.QtWidgets import QLabel

    from defender_desk.ui.kit.host import Host

LANGUAGE_NAMES = {"en": "English", "ru": "Русский", "kk": "Қазақша"}
PRACTICE_STYLE = "background: #fef3c7; color: #78350f; padding: 6px; border-radius: 4px;"


def language_box(controller: Host, parent: QWidget) -> QComboBox:
    box = QComboBox(parent)
    for code, name in LANGUAGE_NAMES.items():
        box.addItem(name, code)
    box.setCurrentIndex(list(LANGUAGE_NAMES).index(get_language()))
    box.currentIndexChanged.connect(lambda _i: controller.set_language(box.currentData()))
    return box


def link_button(parent: QWidget) -> QPushButton:
    """A flat button that reads as a link but wraps nothing away: sized to its text."""
    button = QPushButton(parent)
    button.setFlat(True)
    button.setStyleSheet("text-align: left; text-decoration: underline;")
    return button


class UnlockWindow(QWidget):
    def __init__(self, controller: Host) -> None:
        super().__init__()
        self.controller = controller
        practice = controller.practice
        self.heading: QLabel = heading(self)
        self.practice_note = wrapping(self, PRACTICE_STYLE)
        self.practice_note.setVisible(practice)
        self.practice_pass = PlainLabel("", self)
        self.practice_pass.setVisible(practice)
        self.practice_pass.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.language = language_box(controller, self)

        # passphrase page
        self.pass_page = QWidget(self)
        self.passphrase = SecretField(self.pass_page)
        self.unlock_button = QPushButton(self.pass_page)
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self.unlock)
        self.passphrase.returnPressed.connect(self.unlock)
        self.to_recovery = link_button(self.pass_page)
        self.to_recovery.clicked.connect(lambda: self.pages.setCurrentWidget(self.rec_page))
        self.pass_label = PlainLabel("", self.pass_page)
        self.pass_label.setTextFormat(Qt.TextFormat.AutoText)
        self.pass_label.setBuddy(self.passphrase.edit)
        pl = QVBoxLayout(self.pass_page)
        pl.addWidget(self.pass_label)
        pl.addWidget(self.passphrase)
        pl.addWidget(self.unlock_button)
        pl.addWidget(self.to_recovery)

        # recovery page
        self.rec_page = QWidget(self)
        self.code = QLineEdit(self.rec_page)
        self.code.setPlaceholderText("1234-5678-9012-3456-7890-1234-5678-9012")
        self.new1 = SecretField(self.rec_page)
        self.new2 = SecretField(self.rec_page)
        self.recover_button = QPushButton(self.rec_page)
        self.recover_button.clicked.connect(self.recover)
        self.back = link_button(self.rec_page)
        self.back.clicked.connect(lambda: self.pages.setCurrentWidget(self.pass_page))
        self.rec_form = QFormLayout()
        self.rec_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        self.code_label, self.new1_label, self.new2_label = (
            PlainLabel("", self.rec_page) for _i in range(3)
        )
        self.rec_form.addRow(self.code_label, self.code)
        self.rec_form.addRow(self.new1_label, self.new1)
        self.rec_form.addRow(self.new2_label, self.new2)
        rl = QVBoxLayout(self.rec_page)
        rl.addLayout(self.rec_form)
        rl.addWidget(self.recover_button)
        rl.addWidget(self.back)

        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.pass_page)
        self.pages.addWidget(self.rec_page)
        self.status = wrapping(self)
        self.error = error_label(self)
        self.practice_button = QPushButton(self)
        self.practice_button.clicked.connect(lambda: controller.open_practice(not practice))

        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.language)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.practice_note)
        layout.addWidget(self.practice_pass)
        layout.addWidget(self.pages)
        layout.addWidget(self.status)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addWidget(self.practice_button, 0, Qt.AlignmentFlag.AlignLeft)
        controller.language_changed.connect(self.retranslate)
        self.retranslate()
        self.setMinimumWidth(min(520, self.sizeHint().width() + 40))
        fit_to_screen(self, QSize(560, 420))
        self.in_use = controller.in_use_elsewhere()
        self._show_in_use()
        self.passphrase.setFocus()

    def retranslate(self) -> None:
        practice = self.controller.practice
        self.setWindowTitle(self.controller.display_name())
        self.heading.setText(_("Practice vault") if practice else _("Unlock your vault"))
        self.practice_note.setText(
            _(
                "This is the practice vault with invented records. Try anything here: nothing in"
                " it is real, and it is kept apart from your own vault."
            )
        )
        self.practice_pass.setText(
            _("Its passphrase is: {passphrase}").format(
                passphrase=self.controller.practice_passphrase
            )
        )
        self.language.setAccessibleName(_("Language"))
        self.pass_label.setText(_("&Passphrase"))
        self.passphrase.setAccessibleName(_("Passphrase"))
        self.unlock_button.setText(_("Unlock"))
        self.unlock_button.setAccessibleName(_("Unlock"))
        self.to_recovery.setText(_("Forgot the passphrase? Use the recovery code"))
        self.to_recovery.setAccessibleName(_("Forgot the passphrase? Use the recovery code"))
        self.code_label.setText(_("Recovery code"))
        self.code.setAccessibleName(_("Recovery code"))
        self.new1_label.setText(_("New passphrase"))
        self.new1.setAccessibleName(_("New passphrase"))
        self.new2_label.setText(_("Repeat it"))
        self.new2.setAccessibleName(_("Repeat the new passphrase"))
        self.recover_button.setText(_("Open and set the new passphrase"))
        self.recover_button.setAccessibleName(_("Open and set the new passphrase"))
        self.back.setText(_("Back to the passphrase"))
        self.back.setAccessibleName(_("Back to the passphrase"))
        self.error.setAccessibleName(_("Problem"))
        self.status.setAccessibleName(_("Status"))
        text = (
            _("Leave the practice vault: back to my vault")
            if practice
            else _("Open the practice vault (invented records)")
        )
        self.practice_button.setText(text)
        self.practice_button.setAccessibleName(text)
        for w in (self.passphrase, self.new1, self.new2):
            w.retranslate()
        self._show_in_use()

    def _show_in_use(self) -> None:
        if getattr(self, "in_use", False):
            self.status.setText(
                _(
                    "This vault is already open in another window of this app. Use that"
                    " window, or close it first; nothing is asked here meanwhile."
                )
            )
        for w in (self.unlock_button, self.recover_button):
            w.setEnabled(not getattr(self, "in_use", False))

    def practice_ready(self) -> None:
        """The practice vault was just made (first use): it can be opened now."""
        self.status.setText("")
        self.passphrase.setFocus()

    def _busy(self, on: bool) -> None:
        for w in (self.unlock_button, self.recover_button, self.practice_button):
            w.setEnabled(not on)
        if on:
            QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            self.error.setText("")
            self.status.setText(_("Opening…"))
        else:
            QGuiApplication.restoreOverrideCursor()
            self.status.setText("")

    def _open(self, work: object) -> bool:
        """Run the slow derivation off the GUI thread; True when the vault is open."""
        self._busy(True)
        try:
            call_off_gui(work, self)  # type: ignore[arg-type]
        except DefenderDeskError as exc:
            self.error.setText(error_text(exc))
            return False
        finally:
            self._busy(False)
        return True

    def unlock(self) -> None:
        if getattr(self, "in_use", False):
            return
        secret = Secret.from_text(self.passphrase.secret_text())
        self.passphrase.clear()
        desk = self.controller.desk  # made here, on the GUI thread

        def work() -> None:
            try:
                desk.unlock(secret)
            finally:
                secret.wipe()

        if self._open(work):
            self.controller.unlocked()

    def recover(self) -> None:
        code = self.code.text()
        first, second = self.new1.secret_text(), self.new2.secret_text()
        self.new1.clear()
        self.new2.clear()
        if first != second:
            self.error.setText(error_text(PassphraseMismatch()))
            return
        secret = Secret.from_text(first)
        desk = self.controller.desk

        def work() -> None:
            try:
                desk.recover(code, secret)
            finally:
                secret.wipe()

        if self._open(work):
            self.code.clear()
            self.controller.unlocked()
