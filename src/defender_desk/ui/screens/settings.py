"""Settings: language, locking, clipboard, discreet mode, panic-wipe confirmation, notifications,
the passphrase, and under *Advanced* the key derivation strength and key rotation.

Every change is applied and saved at once through :meth:`Host.save_settings` (there is no
"Save" button to forget); the language through :meth:`Host.set_language`, which
re-translates every open window in place, so no work in other screens is lost.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from defender_desk.app import Settings
from defender_desk.errors import EmptyPassphrase, PassphraseMismatch
from defender_desk.i18n import N_, _, get_language
from defender_desk.secret import Secret
from defender_desk.ui.kit import confirm as dialogs
from defender_desk.ui.kit.jobs import Job, error_text
from defender_desk.ui.kit.screen import PlainLabel, Screen
from defender_desk.ui.kit.widgets import SecretField
from defender_desk.ui.onboarding import strength
from defender_desk.ui.unlock import LANGUAGE_NAMES, language_box

if TYPE_CHECKING:
    from defender_desk.ui.kit.host import Host

_ERROR_STYLE = "color: #b91c1c;"
_WARNING_STYLE = "color: #92400e;"
_OK_STYLE = "color: #166534;"
_MIB = 1024


def _wrapped(parent: QWidget) -> PlainLabel:
    label = PlainLabel("", parent)
    label.setWordWrap(True)
    return label


def _spin(parent: QWidget, low: int, high: int) -> QSpinBox:
    box = QSpinBox(parent)
    box.setRange(low, high)
    # valueChanged only when she finishes typing (Enter or leaving the field), not per digit.
    box.setKeyboardTracking(False)
    box.setMinimumWidth(110)
    return box


def _form() -> QFormLayout:
    form = QFormLayout()
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
    return form


class SettingsScreen(Screen):
    key = "settings"
    title = N_("Settings")

    def __init__(self, controller: Host, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        self._syncing = False
        self.job: Job | None = None
        self.heading = QLabel(self)
        f = self.heading.font()
        f.setPointSize(f.pointSize() + 5)
        f.setBold(True)
        self.heading.setFont(f)

        body = QWidget()
        col = QVBoxLayout(body)
        col.addWidget(self._build_general(body))
        col.addWidget(self._build_locking(body))
        col.addWidget(self._build_privacy(body))
        col.addWidget(self._build_passphrase(body))
        col.addWidget(self._build_advanced(body))
        col.addStretch(1)

        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.addWidget(self.heading)
        outer.addWidget(self.scroll, 1)
        self._load_values()
        self.retranslate()

    # -- building ---------------------------------------------------------------------------
    def _build_general(self, parent: QWidget) -> QGroupBox:
        box = self.general_box = QGroupBox(parent)
        self.language_label = QLabel(box)
        self.language = language_box(self.controller, box)
        self.language_label.setBuddy(self.language)
        self.discreet = QCheckBox(box)
        self.discreet.toggled.connect(self._save)
        self.discreet_text = _wrapped(box)
        form = _form()
        form.addRow(self.language_label, self.language)
        lay = QVBoxLayout(box)
        lay.addLayout(form)
        lay.addWidget(self.discreet)
        lay.addWidget(self.discreet_text)
        return box

    def _build_locking(self, parent: QWidget) -> QGroupBox:
        box = self.locking_box = QGroupBox(parent)
        self.auto_lock = _spin(box, 1, 240)
        self.auto_lock.valueChanged.connect(self._save)
        self.auto_lock_label = QLabel(box)
        self.auto_lock_label.setBuddy(self.auto_lock)
        self.clipboard = _spin(box, 5, 600)
        self.clipboard.valueChanged.connect(self._save)
        self.clipboard_label = QLabel(box)
        self.clipboard_label.setBuddy(self.clipboard)
        self.lock_on_screen_lock = QCheckBox(box)
        self.lock_on_suspend = QCheckBox(box)
        self.lock_on_minimise = QCheckBox(box)
        for check in (self.lock_on_screen_lock, self.lock_on_suspend, self.lock_on_minimise):
            check.toggled.connect(self._save)
        self.locking_text = _wrapped(box)
        form = _form()
        form.addRow(self.auto_lock_label, self.auto_lock)
        form.addRow(self.clipboard_label, self.clipboard)
        lay = QVBoxLayout(box)
        lay.addLayout(form)
        lay.addWidget(self.lock_on_screen_lock)
        lay.addWidget(self.lock_on_suspend)
        lay.addWidget(self.lock_on_minimise)
        lay.addWidget(self.locking_text)
        return box

    def _build_privacy(self, parent: QWidget) -> QGroupBox:
        box = self.privacy_box = QGroupBox(parent)
        self.confirm_wipe = QCheckBox(box)
        self.confirm_wipe.toggled.connect(self._save)
        self.confirm_wipe_text = _wrapped(box)
        self.notification_details = QCheckBox(box)
        self.notification_details.toggled.connect(self._on_notification_details)
        self.notification_warning = _wrapped(box)
        self.notification_warning.setStyleSheet(_WARNING_STYLE)
        lay = QVBoxLayout(box)
        lay.addWidget(self.confirm_wipe)
        lay.addWidget(self.confirm_wipe_text)
        lay.addWidget(self.notification_details)
        lay.addWidget(self.notification_warning)
        return box

    def _build_passphrase(self, parent: QWidget) -> QGroupBox:
        box = self.pass_box = QGroupBox(parent)
        self.current = SecretField(box)
        self.new1 = SecretField(box)
        self.new2 = SecretField(box)
        self.current_label, self.new1_label, self.new2_label = QLabel(box), QLabel(box), QLabel(box)
        self.current_label.setBuddy(self.current.edit)
        self.new1_label.setBuddy(self.new1.edit)
        self.new2_label.setBuddy(self.new2.edit)
        # Without a facade check of the current passphrase, asking for it would be for show.
        self.can_check_current = callable(getattr(self.desk, "check_passphrase", None))
        self.current.setVisible(self.can_check_current)
        self.current_label.setVisible(self.can_check_current)
        self.pass_hint = _wrapped(box)
        self.new1.edit.textChanged.connect(self._update_pass_hint)
        self.new2.returnPressed.connect(self.change_passphrase)
        self.change_button = QPushButton(box)
        self.change_button.clicked.connect(self.change_passphrase)
        self.pass_status = _wrapped(box)
        form = QFormLayout()
        form.addRow(self.current_label, self.current)
        form.addRow(self.new1_label, self.new1)
        form.addRow("", self.pass_hint)
        form.addRow(self.new2_label, self.new2)
        row = QHBoxLayout()
        row.addWidget(self.change_button)
        row.addStretch(1)
        lay = QVBoxLayout(box)
        lay.addLayout(form)
        lay.addLayout(row)
        lay.addWidget(self.pass_status)
        return box

    def _build_advanced(self, parent: QWidget) -> QGroupBox:
        box = self.advanced_box = QGroupBox(parent)
        self.kdf_title = QLabel(box)
        self._bold(self.kdf_title)
        self.kdf_params = _wrapped(box)
        self.kdf_params.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.kdf_floor = _wrapped(box)
        self.kdf_text = _wrapped(box)
        # strengthen: recalibrate on this computer (needs the passphrase and the recovery code)
        self.kdf_box = QWidget(box)
        self.kdf_pass = SecretField(self.kdf_box)
        self.kdf_pass_label = QLabel(self.kdf_box)
        self.kdf_pass_label.setBuddy(self.kdf_pass.edit)
        self.kdf_code = QLineEdit(self.kdf_box)
        self.kdf_code_label = QLabel(self.kdf_box)
        self.kdf_code_label.setBuddy(self.kdf_code)
        self.kdf_button = QPushButton(self.kdf_box)
        self.kdf_button.clicked.connect(self.strengthen)
        self.kdf_status = _wrapped(self.kdf_box)
        kform = QFormLayout()
        kform.addRow(self.kdf_pass_label, self.kdf_pass)
        kform.addRow(self.kdf_code_label, self.kdf_code)
        kl = QVBoxLayout(self.kdf_box)
        kl.setContentsMargins(0, 0, 0, 0)
        kl.addLayout(kform)
        kl.addWidget(self.kdf_button, 0, Qt.AlignmentFlag.AlignLeft)
        kl.addWidget(self.kdf_status)

        self.rekey_box = QWidget(box)
        self.rekey_box.setVisible(callable(getattr(self.desk, "rekey", None)))
        self.rekey_title = QLabel(self.rekey_box)
        self._bold(self.rekey_title)
        self.rekey_text = _wrapped(self.rekey_box)
        self.rekey_new_code = QCheckBox(self.rekey_box)
        self.rekey_pass = SecretField(self.rekey_box)
        self.rekey_pass_label = QLabel(self.rekey_box)
        self.rekey_pass_label.setBuddy(self.rekey_pass.edit)
        self.rekey_pass.returnPressed.connect(self.rotate_keys)
        self.rekey_button = QPushButton(self.rekey_box)
        self.rekey_button.clicked.connect(self.rotate_keys)
        self.rekey_status = _wrapped(self.rekey_box)
        self.code_intro = _wrapped(self.rekey_box)
        self.code_view = PlainLabel("", self.rekey_box)
        mono = QFont("DejaVu Sans Mono")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        mono.setPointSize(14)
        self.code_view.setFont(mono)
        self.code_view.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.code_done = QPushButton(self.rekey_box)
        self.code_done.clicked.connect(self._forget_code)
        self._show_code("")
        form = QFormLayout()
        form.addRow(self.rekey_pass_label, self.rekey_pass)
        row = QHBoxLayout()
        row.addWidget(self.rekey_button)
        row.addStretch(1)
        rk = QVBoxLayout(self.rekey_box)
        rk.setContentsMargins(0, 12, 0, 0)
        for w in (self.rekey_title, self.rekey_text, self.rekey_new_code):
            rk.addWidget(w)
        rk.addLayout(form)
        rk.addLayout(row)
        for w in (self.rekey_status, self.code_intro, self.code_view):
            rk.addWidget(w)
        rk.addWidget(self.code_done, 0, Qt.AlignmentFlag.AlignLeft)

        lay = QVBoxLayout(box)
        for w in (
            self.kdf_title,
            self.kdf_params,
            self.kdf_floor,
            self.kdf_text,
            self.kdf_box,
            self.rekey_box,
        ):
            lay.addWidget(w)
        return box

    @staticmethod
    def _bold(label: QLabel) -> None:
        f = label.font()
        f.setBold(True)
        label.setFont(f)

    # -- texts ------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.heading.setText(_("Settings"))
        self.general_box.setTitle(_("Language and appearance"))
        self.language_label.setText(_("Language"))
        self.language.setAccessibleName(_("Language"))
        self.discreet.setText(_("Discreet mode"))
        self.discreet.setAccessibleName(_("Discreet mode"))
        self.discreet_text.setText(
            _(
                "The window, the tray icon and reminders use a neutral name (“Notes”) and a "
                "neutral icon, so a glance at the screen does not show what this app is."
            )
        )

        self.locking_box.setTitle(_("Locking"))
        self.auto_lock_label.setText(_("Lock after this many idle minutes"))
        self.auto_lock.setAccessibleName(_("Lock after this many idle minutes"))
        self.auto_lock.setSuffix(" " + _("min"))
        self.clipboard_label.setText(_("Clear copied text after (seconds)"))
        self.clipboard.setAccessibleName(_("Clear copied text after (seconds)"))
        self.clipboard.setSuffix(" " + _("s"))
        self.lock_on_screen_lock.setText(_("Lock when the screen locks"))
        self.lock_on_suspend.setText(_("Lock before the computer sleeps"))
        self.lock_on_minimise.setText(_("Lock when the window is minimised"))
        for check in (self.lock_on_screen_lock, self.lock_on_suspend, self.lock_on_minimise):
            check.setAccessibleName(check.text())
        self.locking_text.setText(
            _(
                "Only key presses and clicks count as activity: a moved mouse does not keep the "
                "vault open. Locking closes the vault and restarts the app; anything not saved "
                "is lost. Changes to the screen-lock and sleep options apply from the next "
                "unlock."
            )
        )

        self.privacy_box.setTitle(_("Panic wipe and notifications"))
        self.confirm_wipe.setText(_("Ask me to hold the button for two seconds before a wipe"))
        self.confirm_wipe.setAccessibleName(self.confirm_wipe.text())
        self.confirm_wipe_text.setText(
            _(
                "When this is off, the panic wipe starts with one click. Keep it on unless you "
                "have practised the wipe and need it faster."
            )
        )
        self.notification_details.setText(_("Reminders may show what the record says"))
        self.notification_details.setAccessibleName(self.notification_details.text())
        self.notification_warning.setText(
            _(
                "Off by default. When on, a reminder can show, for example, the place of a "
                "hearing to anyone who sees your screen, and the system may keep it in its "
                "notification history."
            )
        )

        self.pass_box.setTitle(_("Passphrase"))
        self.current_label.setText(_("Current passphrase"))
        self.current.setAccessibleName(_("Current passphrase"))
        self.new1_label.setText(_("New passphrase"))
        self.new1.setAccessibleName(_("New passphrase"))
        self.new2_label.setText(_("Repeat it"))
        self.new2.setAccessibleName(_("Repeat the new passphrase"))
        self.change_button.setText(_("Change the passphrase"))
        self._update_pass_hint()

        self.advanced_box.setTitle(_("Advanced"))
        self.kdf_title.setText(_("Key derivation strength"))
        self.kdf_text.setText(
            _(
                "Every unlock turns your passphrase into the key with Argon2id. The more memory "
                "and passes it uses, the slower each guess is for someone who has copied the "
                "vault. The strength was chosen for this computer when the vault was created, "
                "so that one unlock takes about half a second or more. On a new computer, or "
                "when it is below the minimum, measure again: it needs your passphrase and your "
                "recovery code (both are re-wrapped with the new strength)."
            )
        )
        self.kdf_pass_label.setText(_("Passphrase"))
        self.kdf_pass.setAccessibleName(_("Passphrase, to strengthen the key derivation"))
        self.kdf_code_label.setText(_("Recovery code"))
        self.kdf_code.setAccessibleName(_("Recovery code, to strengthen the key derivation"))
        self.kdf_button.setText(_("Measure this computer again and strengthen…"))
        self.rekey_title.setText(_("Key rotation"))
        self.rekey_text.setText(
            _(
                "If you think someone copied this computer and may know your passphrase, "
                "replace every key: afterwards an old copy of the key file opens nothing "
                "current. Your passphrase stays the same. Every evidence file is re-encrypted, "
                "which can take a while. Your contacts must compare your new verification code "
                "with you in person again."
            )
        )
        self.rekey_new_code.setText(_("Also issue a new recovery code (the old one stops working)"))
        self.rekey_new_code.setAccessibleName(self.rekey_new_code.text())
        self.rekey_pass_label.setText(_("Passphrase, to confirm"))
        self.rekey_pass.setAccessibleName(_("Passphrase, to confirm the key rotation"))
        self.rekey_button.setText(_("Rotate every key…"))
        self.code_intro.setText(
            _(
                "Your NEW recovery code — write it down by hand now; the old one no longer "
                "works and this one is shown only this once:"
            )
        )
        self.code_view.setAccessibleName(_("Recovery code"))
        self.code_done.setText(_("I have written it down"))
        for field in (self.current, self.new1, self.new2, self.rekey_pass):
            field.retranslate()
        self._show_kdf()

    # -- values -----------------------------------------------------------------------------
    def refresh(self) -> None:
        self._load_values()
        self._show_kdf()

    def _load_values(self) -> None:
        s = self.controller.settings
        self._syncing = True
        try:
            lang = get_language()
            self.language.blockSignals(True)
            self.language.setCurrentIndex(list(LANGUAGE_NAMES).index(lang))
            self.language.blockSignals(False)
            self.discreet.setChecked(s.discreet)
            self.auto_lock.setValue(s.auto_lock_minutes)
            self.clipboard.setValue(s.clipboard_clear_seconds)
            self.lock_on_screen_lock.setChecked(s.lock_on_screen_lock)
            self.lock_on_suspend.setChecked(s.lock_on_suspend)
            self.lock_on_minimise.setChecked(s.lock_on_minimise)
            self.confirm_wipe.setChecked(s.confirm_panic_wipe)
            self.notification_details.setChecked(s.notification_details)
        finally:
            self._syncing = False

    def current_values(self) -> Settings:
        return self.controller.settings.model_copy(
            update={
                "discreet": self.discreet.isChecked(),
                "auto_lock_minutes": self.auto_lock.value(),
                "clipboard_clear_seconds": self.clipboard.value(),
                "lock_on_screen_lock": self.lock_on_screen_lock.isChecked(),
                "lock_on_suspend": self.lock_on_suspend.isChecked(),
                "lock_on_minimise": self.lock_on_minimise.isChecked(),
                "confirm_panic_wipe": self.confirm_wipe.isChecked(),
                "notification_details": self.notification_details.isChecked(),
            }
        )

    def _save(self, *_args: Any) -> None:
        if self._syncing:
            return
        before = self.controller.settings
        after = self.current_values()
        if after == before:
            return
        self.controller.save_settings(after)
        if after.discreet != before.discreet:
            # Window titles and the tray name follow discreet mode: re-translate them in place.
            self.controller.app.setApplicationDisplayName(self.controller.display_name())
            self.controller.language_changed.emit()
        watch = getattr(self.controller, "lock_watch", None)
        if watch is not None and after.auto_lock_minutes != before.auto_lock_minutes:
            watch.reset_idle()

    def _on_notification_details(self, on: bool) -> None:
        if self._syncing:
            return
        if on and not dialogs.confirm(
            self,
            _(
                "Reminders will show record text, such as the place of a hearing, to anyone "
                "who sees the screen. Turn this on?"
            ),
        ):
            self._syncing = True
            self.notification_details.setChecked(False)
            self._syncing = False
            return
        self._save()

    # -- key derivation ---------------------------------------------------------------------
    def _show_kdf(self) -> None:
        if not self.desk.unlocked:
            self.kdf_params.setText("")
            self.kdf_floor.setText("")
            return
        kdf = self.desk.status()["kdf"]
        self.kdf_params.setText(
            _("Key derivation: Argon2id, {mib} MiB, {t} passes, {p} lanes").format(
                mib=kdf["memory_kib"] // _MIB, t=kdf["iterations"], p=kdf["lanes"]
            )
        )
        floor = kdf["floor"]
        if kdf["below_floor"]:
            self.kdf_floor.setStyleSheet(_WARNING_STYLE)
            self.kdf_floor.setText(
                _(
                    "This is weaker than the recommended minimum ({mib} MiB, {t} passes): a "
                    "copy of the vault is easier to attack by guessing the passphrase."
                ).format(mib=floor["memory_kib"] // _MIB, t=floor["iterations"])
            )
        else:
            self.kdf_floor.setStyleSheet(_OK_STYLE)
            self.kdf_floor.setText(
                _("This meets the recommended minimum ({mib} MiB, {t} passes).").format(
                    mib=floor["memory_kib"] // _MIB, t=floor["iterations"]
                )
            )

    # -- passphrase -------------------------------------------------------------------------
    def _update_pass_hint(self) -> None:
        text = self.new1.secret_text()
        self.pass_hint.setText(strength(text)[1] if text else "")
        self.pass_hint.setVisible(bool(text))

    def _say(self, label: QLabel, text: str, style: str) -> None:
        label.setStyleSheet(style)
        label.setText(text)
        label.setAccessibleName(text)

    def _busy(self) -> bool:
        """A passphrase change or rotation is running (its progress dialog may not show yet)."""
        return self.job is not None and self.job.thread.isRunning()

    def change_passphrase(self) -> None:
        if self._busy():
            return
        current = self.current.secret_text()
        first, second = self.new1.secret_text(), self.new2.secret_text()
        for field in (self.current, self.new1, self.new2):
            field.clear()
        if not first:
            self._say(self.pass_status, error_text(EmptyPassphrase()), _ERROR_STYLE)
            return
        if first != second:
            self._say(self.pass_status, error_text(PassphraseMismatch()), _ERROR_STYLE)
            return
        old = Secret.from_text(current) if self.can_check_current else None
        new = Secret.from_text(first)
        desk = self.desk

        def work(_progress: Any, _cancelled: Any) -> None:
            try:
                if old is not None:
                    desk.check_passphrase(old)  # type: ignore[attr-defined]
                desk.change_passphrase(new)
            finally:
                new.wipe()
                if old is not None:
                    old.wipe()

        self._say(self.pass_status, "", _OK_STYLE)
        # A failure (e.g. a wrong current passphrase) is shown by the job's message box.
        self.job = Job(self, _("Changing the passphrase…"), work, self._passphrase_changed)
        self.job.start()

    def _passphrase_changed(self, _result: Any) -> None:
        self._say(self.pass_status, _("The passphrase was changed."), _OK_STYLE)

    # -- key rotation -----------------------------------------------------------------------
    def strengthen(self) -> None:
        if self._busy():
            return
        typed, code = self.kdf_pass.secret_text(), self.kdf_code.text()
        self.kdf_pass.clear()
        self.kdf_code.clear()
        if not typed:
            self._say(self.kdf_status, error_text(EmptyPassphrase()), _ERROR_STYLE)
            return
        passphrase = Secret.from_text(typed)

        def work(progress: Any, _cancelled: Any) -> Any:
            try:
                return self.desk.strengthen_kdf(passphrase, code)
            finally:
                passphrase.wipe()

        def done(_params: Any) -> None:
            self._say(
                self.kdf_status,
                _("Done: the key derivation was measured again on this computer."),
                _OK_STYLE,
            )
            self._show_kdf()

        self._say(self.kdf_status, "", _OK_STYLE)
        self.job = Job(self, _("Measuring this computer…"), work, done)
        self.job.start()

    def rotate_keys(self) -> None:
        rekey = getattr(self.desk, "rekey", None)
        if rekey is None or self._busy():
            return
        typed = self.rekey_pass.secret_text()
        self.rekey_pass.clear()
        if not typed:
            self._say(self.rekey_status, error_text(EmptyPassphrase()), _ERROR_STYLE)
            return
        if not dialogs.confirm(
            self,
            _(
                "Replace every key of this vault now? It can take a while with many evidence "
                "files; keep the computer on until it is done."
            ),
        ):
            return
        passphrase = Secret.from_text(typed)
        new_code = self.rekey_new_code.isChecked()

        def work(progress: Any, _cancelled: Any) -> Any:
            try:
                return rekey(passphrase, new_recovery_code=new_code, progress=progress)
            finally:
                passphrase.wipe()

        self._say(self.rekey_status, "", _OK_STYLE)
        self.job = Job(self, _("Rotating every key…"), work, self._rotated)
        self.job.start()

    def _rotated(self, result: Any) -> None:
        self.rekey_new_code.setChecked(False)
        lines = [_("Every key was replaced; an old copy of the key file opens nothing now.")]
        lines.append(
            _("Your new verification code: {code}").format(code=self.desk.me().verification_code)
        )
        lines.append(_("Your contacts must compare it with you in person again."))
        self._say(self.rekey_status, "\n".join(lines), _OK_STYLE)
        code = getattr(result, "new_recovery_code", None)
        if isinstance(code, str) and code:
            groups = code.split("-")
            self._show_code("  ".join(groups[:4]) + "\n" + "  ".join(groups[4:]))
        self._show_kdf()

    def _show_code(self, text: str) -> None:
        self.code_view.setText(text)
        for w in (self.code_intro, self.code_view, self.code_done):
            w.setVisible(bool(text))

    def _forget_code(self) -> None:
        self._show_code("")
