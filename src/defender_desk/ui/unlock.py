"""The unlock window: passphrase, or the recovery code and a new passphrase."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from defender_desk.errors import DefenderDeskError, PassphraseMismatch
from defender_desk.i18n import _
from defender_desk.secret import Secret
from defender_desk.ui.kit.jobs import error_text
from defender_desk.ui.kit.screen import PlainLabel
from defender_desk.ui.kit.widgets import SecretField

if TYPE_CHECKING:
    from defender_desk.ui.kit.host import Host

LANGUAGE_NAMES = {"en": "English", "ru": "Русский", "kk": "Қазақша"}


def language_box(controller: Host, parent: QWidget) -> QComboBox:
    box = QComboBox(parent)
    for code, name in LANGUAGE_NAMES.items():
        box.addItem(name, code)
    box.setCurrentIndex(list(LANGUAGE_NAMES).index(controller_language()))
    box.currentIndexChanged.connect(lambda _i: controller.set_language(box.currentData()))
    return box


def controller_language() -> str:
    from defender_desk.i18n import get_language

    return get_language()


class UnlockWindow(QWidget):
    def __init__(self, controller: Host) -> None:
        super().__init__()
        self.controller = controller
        self.setMinimumWidth(460)
        self.heading = QLabel(self)
        self.heading.setObjectName("heading")
        self.practice_note = PlainLabel("", self)
        self.practice_note.setVisible(controller.practice)
        self.language = language_box(controller, self)

        # passphrase page
        self.pass_page = QWidget(self)
        self.passphrase = SecretField(self.pass_page)
        self.unlock_button = QPushButton(self.pass_page)
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self.unlock)
        self.passphrase.returnPressed.connect(self.unlock)
        self.to_recovery = QPushButton(self.pass_page)
        self.to_recovery.setFlat(True)
        self.to_recovery.clicked.connect(lambda: self.pages.setCurrentWidget(self.rec_page))
        self.pass_label = QLabel(self.pass_page)
        self.pass_label.setBuddy(self.passphrase.edit)
        pl = QVBoxLayout(self.pass_page)
        pl.addWidget(self.pass_label)
        pl.addWidget(self.passphrase)
        pl.addWidget(self.unlock_button)
        pl.addWidget(self.to_recovery, 0, Qt.AlignmentFlag.AlignLeft)

        # recovery page
        self.rec_page = QWidget(self)
        self.code = QLineEdit(self.rec_page)
        self.code.setPlaceholderText("1234-5678-9012-3456-7890-1234-5678-9012")
        self.new1 = SecretField(self.rec_page)
        self.new2 = SecretField(self.rec_page)
        self.recover_button = QPushButton(self.rec_page)
        self.recover_button.clicked.connect(self.recover)
        self.back = QPushButton(self.rec_page)
        self.back.setFlat(True)
        self.back.clicked.connect(lambda: self.pages.setCurrentWidget(self.pass_page))
        self.rec_form = QFormLayout()
        self.code_label, self.new1_label, self.new2_label = QLabel(), QLabel(), QLabel()
        self.rec_form.addRow(self.code_label, self.code)
        self.rec_form.addRow(self.new1_label, self.new1)
        self.rec_form.addRow(self.new2_label, self.new2)
        rl = QVBoxLayout(self.rec_page)
        rl.addLayout(self.rec_form)
        rl.addWidget(self.recover_button)
        rl.addWidget(self.back, 0, Qt.AlignmentFlag.AlignLeft)

        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.pass_page)
        self.pages.addWidget(self.rec_page)
        self.error = PlainLabel("", self)
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b91c1c;")
        self.error.setAccessibleName("error")

        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.language)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.practice_note)
        layout.addWidget(self.pages)
        layout.addWidget(self.error)
        layout.addStretch(1)
        controller.language_changed.connect(self.retranslate)
        self.retranslate()
        self.passphrase.setFocus()

    def retranslate(self) -> None:
        self.setWindowTitle(self.controller.display_name())
        self.heading.setText(
            _("Practice vault") if self.controller.practice else _("Unlock your vault")
        )
        self.practice_note.setText(
            _("This is the practice vault with invented records. Try anything here.")
        )
        self.language.setAccessibleName(_("Language"))
        self.pass_label.setText(_("&Passphrase"))
        self.passphrase.setAccessibleName(_("Passphrase"))
        self.unlock_button.setText(_("Unlock"))
        self.to_recovery.setText(_("Forgot the passphrase? Use the recovery code"))
        self.code_label.setText(_("Recovery code"))
        self.code.setAccessibleName(_("Recovery code"))
        self.new1_label.setText(_("New passphrase"))
        self.new1.setAccessibleName(_("New passphrase"))
        self.new2_label.setText(_("Repeat it"))
        self.new2.setAccessibleName(_("Repeat the new passphrase"))
        self.recover_button.setText(_("Open and set the new passphrase"))
        self.back.setText(_("Back to the passphrase"))
        for w in (self.passphrase, self.new1, self.new2):
            w.retranslate()

    def _busy(self, on: bool) -> None:
        if on:
            QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            self.error.setText(_("Opening…"))
            self.repaint()
            QGuiApplication.processEvents()
        else:
            QGuiApplication.restoreOverrideCursor()

    def unlock(self) -> None:
        secret = Secret.from_text(self.passphrase.secret_text())
        self.passphrase.clear()
        self._busy(True)
        try:
            self.controller.desk.unlock(secret)
        except DefenderDeskError as exc:
            self.error.setText(error_text(exc))
            return
        finally:
            secret.wipe()
            self._busy(False)
        self.error.setText("")
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
        self._busy(True)
        try:
            self.controller.desk.recover(code, secret)
        except DefenderDeskError as exc:
            self.error.setText(error_text(exc))
            return
        finally:
            secret.wipe()
            self._busy(False)
        self.code.clear()
        self.controller.unlocked()
