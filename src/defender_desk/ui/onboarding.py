"""First run, humane: discreet mode, one passphrase, the recovery code shown once and confirmed
by retyping one group. Contacts and keys wait until the first export."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from defender_desk.errors import DefenderDeskError
from defender_desk.i18n import _
from defender_desk.secret import Secret
from defender_desk.ui.kit.confirm import neutral
from defender_desk.ui.kit.format import ZONE_CITIES, zone_label
from defender_desk.ui.kit.jobs import Job, error_text
from defender_desk.ui.kit.screen import PlainLabel, fit_to_screen
from defender_desk.ui.kit.widgets import SecretField
from defender_desk.ui.unlock import language_box

if TYPE_CHECKING:
    from defender_desk.ui.kit.host import Host


def strength(text: str) -> tuple[int, str]:
    """A rough strength score 0–3 and a hint (never a guarantee)."""
    words = [w for w in text.replace("-", " ").split() if w]
    classes = sum(
        bool(any(f(c) for c in text))
        for f in (str.islower, str.isupper, str.isdigit, lambda c: not c.isalnum())
    )
    score = 0
    if len(text) >= 12 or (len(words) >= 3 and len(text) >= 10):
        score = 1
    if len(text) >= 16 or (len(words) >= 4 and len(text) >= 16):
        score = 2
    if len(text) >= 22 and (len(words) >= 4 or classes >= 3):
        score = 3
    hints = [
        _("Too short. Use four or five words that only you would put together."),
        _("Fair. Add a word or two that are not related to each other."),
        _("Good."),
        _("Strong."),
    ]
    return score, hints[score]


class CreateWizard(QWidget):
    def __init__(self, controller: Host) -> None:
        super().__init__()
        self.controller = controller
        self.setMinimumWidth(560)
        self.recovery_code = ""
        self.confirm_group = 0
        self.pages = QStackedWidget(self)

        # 1. welcome
        w = QWidget()
        self.welcome_title = QLabel(w)
        self.welcome_title.setWordWrap(True)
        self.welcome_text = QLabel(w)
        self.welcome_text.setWordWrap(True)
        self.discreet = QCheckBox(w)
        self.discreet.setChecked(controller.settings.discreet)
        self.discreet_text = QLabel(w)
        self.discreet_text.setWordWrap(True)
        self.language = language_box(controller, w)
        self.zone_label = QLabel(w)
        self.zone = QComboBox(w)
        for name in ZONE_CITIES:
            self.zone.addItem(name, name)
        current = controller.settings.zone or "Asia/Almaty"
        self.zone.setCurrentIndex(max(0, self.zone.findData(current)))
        self.zone_label.setBuddy(self.zone)
        self.start_button = QPushButton(w)
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(lambda: self.go(1))
        self.practice_button = QPushButton(w)
        self.practice_button.clicked.connect(self.open_practice)
        lay = QVBoxLayout(w)
        row = QHBoxLayout()
        row.addWidget(self.welcome_title, 1)
        row.addWidget(self.language)
        lay.addLayout(row)
        lay.addWidget(self.welcome_text)
        lay.addWidget(self.discreet)
        lay.addWidget(self.discreet_text)
        zone_row = QHBoxLayout()
        zone_row.addWidget(self.zone_label)
        zone_row.addWidget(self.zone, 1)
        lay.addLayout(zone_row)
        lay.addStretch(1)
        lay.addWidget(self.start_button)
        lay.addWidget(self.practice_button)
        self.pages.addWidget(w)

        # 2. passphrase
        w = QWidget()
        self.pass_title = QLabel(w)
        self.pass_text = QLabel(w)
        self.pass_text.setWordWrap(True)
        self.pass1 = SecretField(w)
        self.pass2 = SecretField(w)
        self.pass1_label, self.pass2_label = QLabel(w), QLabel(w)
        self.pass1_label.setBuddy(self.pass1.edit)
        self.pass2_label.setBuddy(self.pass2.edit)
        self.hint = PlainLabel("", w)
        self.hint.setWordWrap(True)
        self.pass1.edit.textChanged.connect(self._update_hint)
        self.create_button = QPushButton(w)
        self.create_button.clicked.connect(self.create_vault)
        self.pass2.returnPressed.connect(self.create_vault)
        self.pass_error = PlainLabel("", w)
        self.pass_error.setStyleSheet("color: #b91c1c;")
        self.pass_error.setWordWrap(True)
        self.creating = PlainLabel("", w)
        self.creating.setWordWrap(True)
        lay = QVBoxLayout(w)
        for x in (
            self.pass_title,
            self.pass_text,
            self.pass1_label,
            self.pass1,
            self.hint,
            self.pass2_label,
            self.pass2,
            self.pass_error,
            self.creating,
        ):
            lay.addWidget(x)
        lay.addStretch(1)
        lay.addWidget(self.create_button)
        self.pages.addWidget(w)

        # 3. recovery code
        w = QWidget()
        self.code_title = QLabel(w)
        self.code_text = QLabel(w)
        self.code_text.setWordWrap(True)
        self.code_view = PlainLabel("", w)
        mono = QFont("DejaVu Sans Mono")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        mono.setPointSize(16)
        self.code_view.setFont(mono)
        self.code_view.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.code_view.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code_advice = QLabel(w)
        self.code_advice.setWordWrap(True)
        self.written_button = QPushButton(w)
        self.written_button.clicked.connect(lambda: self.go(3))
        lay = QVBoxLayout(w)
        for x in (self.code_title, self.code_text, self.code_view, self.code_advice):
            lay.addWidget(x)
        lay.addStretch(1)
        lay.addWidget(self.written_button)
        self.pages.addWidget(w)

        # 4. confirm one group
        w = QWidget()
        self.confirm_title = QLabel(w)
        self.confirm_text = PlainLabel("", w)
        self.confirm_text.setWordWrap(True)
        self.confirm_edit = QLineEdit(w)
        self.confirm_edit.setMaxLength(12)
        self.confirm_edit.returnPressed.connect(self.finish)
        self.confirm_error = PlainLabel("", w)
        self.confirm_error.setStyleSheet("color: #b91c1c;")
        self.finish_button = QPushButton(w)
        self.finish_button.clicked.connect(self.finish)
        self.show_again = QPushButton(w)
        self.show_again.setFlat(True)
        self.show_again.clicked.connect(lambda: self.go(2))
        lay = QVBoxLayout(w)
        for x in (self.confirm_title, self.confirm_text, self.confirm_edit, self.confirm_error):
            lay.addWidget(x)
        lay.addStretch(1)
        lay.addWidget(self.finish_button)
        lay.addWidget(self.show_again, 0, Qt.AlignmentFlag.AlignLeft)
        self.pages.addWidget(w)

        # The pages scroll when the window is small: a long explanation is never squashed.
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.scroll.setWidget(self.pages)
        outer = QVBoxLayout(self)
        outer.addWidget(self.scroll)
        for title in (self.welcome_title, self.pass_title, self.code_title, self.confirm_title):
            f = title.font()
            f.setPointSize(f.pointSize() + 5)
            f.setBold(True)
            title.setFont(f)
        controller.language_changed.connect(self.retranslate)
        self.retranslate()
        fit_to_screen(self, QSize(640, 600))

    def retranslate(self) -> None:
        self.setWindowTitle(self.controller.display_name())
        self.welcome_title.setText(_("Welcome"))
        self.welcome_text.setText(
            neutral(
                _(
                    "Defender Desk keeps your records of incidents, your probation and court"
                    " dates, and your evidence files in one encrypted vault on this computer. It"
                    " never uses the internet. Only you can open it, with your passphrase."
                )
            )
        )
        self.discreet.setText(_("Discreet mode"))
        self.discreet.setAccessibleName(_("Discreet mode"))
        self.discreet_text.setText(
            _(
                "In discreet mode the window, the tray icon and reminders use a neutral name "
                "(“Notes”) and icon. You can change this later in the settings."
            )
        )
        self.language.setAccessibleName(_("Language"))
        self.zone_label.setText(_("&Your time zone:"))
        self.zone.setAccessibleName(_("Your time zone"))
        for i in range(self.zone.count()):
            self.zone.setItemText(i, zone_label(str(self.zone.itemData(i))))
        self.start_button.setText(_("Create my vault"))
        self.practice_button.setText(_("First try the practice vault (invented records)"))
        self.pass_title.setText(_("Choose a passphrase"))
        self.pass_text.setText(
            _(
                "One passphrase opens everything. Make it long and easy for you to remember, for "
                "example five unrelated words. Nobody can reset it for you; if you forget it, "
                "only the recovery code on the next page can open the vault."
            )
        )
        self.pass1_label.setText(_("&Passphrase"))
        self.pass1.setAccessibleName(_("Passphrase"))
        self.pass2_label.setText(_("&Repeat the passphrase"))
        self.pass2.setAccessibleName(_("Repeat the passphrase"))
        self.create_button.setText(_("Create the vault"))
        self._update_hint()
        self.code_title.setText(_("Your recovery code"))
        self.code_text.setText(
            _(
                "Write this code down by hand, on paper, now. It is shown only once and the app "
                "never saves or prints it. With it you can open the vault if you forget the "
                "passphrase, and restore a backup."
            )
        )
        self.code_view.setAccessibleName(_("Recovery code"))
        self.code_advice.setText(
            _(
                "Keep it outside your home, and never with the person who keeps your backup:"
                " whoever holds both can open everything. For example, the code in a sealed"
                " envelope with a trusted relative who lives elsewhere, and the backup with your"
                " lawyer. Not in your phone, not in a photo, not in a cloud."
            )
        )
        self.written_button.setText(_("I have written it down"))
        self.confirm_title.setText(_("Check what you wrote"))
        self.confirm_text.setText(
            _(
                "Type group {n} of your recovery code (four digits) from your paper. Count the"
                " groups from the left: the first row holds groups 1 to 4, the second row 5 to 8."
            ).format(n=self.confirm_group + 1)
        )
        self.confirm_edit.setAccessibleName(_("Group of the recovery code"))
        self.finish_button.setText(_("Check and open my vault"))
        self.show_again.setText(_("Show the code again"))
        for f in (self.pass1, self.pass2):
            f.retranslate()

    def go(self, page: int) -> None:
        self.pages.setCurrentIndex(page)
        if page == 1:
            self.pass1.setFocus()
        elif page == 3:
            self.confirm_edit.clear()
            self.confirm_edit.setFocus()

    def _update_hint(self) -> None:
        _score, hint = strength(self.pass1.secret_text())
        self.hint.setText(hint if self.pass1.secret_text() else "")

    def create_vault(self) -> None:
        first, second = self.pass1.secret_text(), self.pass2.secret_text()
        if not first:
            self.pass_error.setText(_("The passphrase is empty."))
            return
        if first != second:
            self.pass_error.setText(_("The two passphrases do not match."))
            return
        self.pass1.clear()
        self.pass2.clear()
        self.pass_error.setText("")
        # Said at once: the key derivation takes a few seconds.
        self.creating.setText(_("Creating your vault… This takes a few seconds."))
        self.create_button.setEnabled(False)
        settings = self.controller.settings.model_copy(
            update={"discreet": self.discreet.isChecked(), "zone": self.zone.currentData()}
        )
        secret = Secret.from_text(first)
        desk = self.controller.desk  # taken here, on the GUI thread

        def work(progress: Any, cancelled: Any) -> Any:
            try:
                return desk.create(secret)
            finally:
                secret.wipe()

        def done(result: Any) -> None:
            self.creating.setText("")
            self.controller.save_settings(settings)
            self.show_code(result.recovery_code)

        def failed(exc: BaseException) -> None:
            self.creating.setText("")
            self.create_button.setEnabled(True)
            self.pass_error.setText(error_text(exc))

        self.job = Job(self, _("Creating your vault…"), work, done, on_error=failed)
        self.job.start()

    def show_code(self, code: str) -> None:
        self.recovery_code = code
        groups = code.split("-")
        self.code_view.setText("  ".join(groups[:4]) + "\n" + "  ".join(groups[4:]))
        self.confirm_group = secrets.randbelow(len(groups))
        self.retranslate()
        self.go(2)

    def finish(self) -> None:
        typed = "".join(ch for ch in self.confirm_edit.text() if ch.isdigit())
        if typed != self.recovery_code.split("-")[self.confirm_group]:
            self.confirm_error.setText(
                _("That is not what the code says. Compare your paper with the code again.")
            )
            return
        self.recovery_code = ""
        self.code_view.setText("")
        self.controller.unlocked()

    def open_practice(self) -> None:
        """One click into the practice vault (made on first use); her own vault is untouched."""
        try:
            self.controller.open_practice(True)
        except DefenderDeskError as exc:
            self.pass_error.setText(error_text(exc))
