"""Backup & restore.

**Backup**: the whole vault as one encrypted file that only her recovery code opens — she may
give it to her lawyer to keep; he cannot read it. Destination through the trace-free picker;
progress and Cancel (a cancelled backup leaves no file); when the last one was made.

**Restore**: a backup file, the recovery code, a new passphrase (twice) and a folder that is
empty or does not exist yet → a new vault there (the facade refuses anything else and leaves the
folder as it was). Then how to open it: start Defender Desk with that folder — or, after a wipe,
restore into the usual vault folder and simply start Defender Desk.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from defender_desk.app import default_file_name, obligation_render
from defender_desk.errors import Cancelled, DefenderDeskError, EmptyPassphrase, PassphraseMismatch
from defender_desk.i18n import N_, _, get_language, ngettext
from defender_desk.secret import Secret
from defender_desk.ui import filepicker
from defender_desk.ui.kit.jobs import Job, error_text
from defender_desk.ui.kit.screen import Screen
from defender_desk.ui.kit.widgets import SecretField, name_widget
from defender_desk.ui.screens.export import bounded, human_size, wrapped

if TYPE_CHECKING:
    from defender_desk.app import BackupResult, RestoreResult
    from defender_desk.ui.kit.host import Host

format_day = obligation_render.format_day
_OK_STYLE = "color: #166534;"
_BAD_STYLE = "color: #b91c1c;"


def when_text(moment: datetime) -> str:
    local = moment.astimezone()
    return _("{date}, {time}").format(
        date=format_day(local.date(), get_language()), time=local.strftime("%H:%M")
    )


class BackupScreen(Screen):
    title = N_("Backup & restore")
    key = "backup"

    def __init__(self, controller: Host, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        self.job: Job | None = None
        self.last: datetime | None = None
        self.backup_result: BackupResult | None = None
        self.backup_file: Path | None = None
        self.restored: RestoreResult | None = None
        self.restored_dir: Path | None = None

        self.heading = QLabel(self)
        self.heading.setStyleSheet("font-size: 16pt; font-weight: bold;")
        body = QWidget()
        col = QVBoxLayout(body)
        col.addWidget(self._build_backup(body))
        col.addWidget(self._build_restore(body))
        col.addStretch(1)
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.addWidget(self.heading)
        outer.addWidget(self.scroll, 1)
        controller.locked.connect(self._locked)
        self.retranslate()

    # -- building ---------------------------------------------------------------------------
    def _build_backup(self, parent: QWidget) -> QGroupBox:
        box = self.backup_box = QGroupBox(parent)
        self.backup_intro = wrapped(box)
        self.backup_who = wrapped(box)
        self.backup_who.setStyleSheet("font-weight: bold;")
        self.last_label = wrapped(box)
        self.backup_button = QPushButton(box)
        self.backup_button.clicked.connect(self.make_backup)
        self.backup_status = wrapped(box)
        self.backup_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row = QHBoxLayout()
        row.addWidget(self.backup_button)
        row.addStretch(1)
        lay = QVBoxLayout(box)
        lay.addWidget(self.backup_intro)
        lay.addWidget(self.backup_who)
        lay.addWidget(self.last_label)
        lay.addLayout(row)
        lay.addWidget(self.backup_status)
        return box

    def _build_restore(self, parent: QWidget) -> QGroupBox:
        box = self.restore_box = QGroupBox(parent)
        self.restore_intro = wrapped(box)
        self.file_label = QLabel(box)
        self.file_path = wrapped(box)
        self.file_button = QPushButton(box)
        self.file_button.clicked.connect(self.choose_backup_file)
        self.code_label = QLabel(box)
        self.code = SecretField(box)
        self.code_label.setBuddy(self.code.edit)
        self.new1_label, self.new2_label = QLabel(box), QLabel(box)
        self.new1, self.new2 = SecretField(box), SecretField(box)
        self.new1_label.setBuddy(self.new1.edit)
        self.new2_label.setBuddy(self.new2.edit)
        self.folder_label = QLabel(box)
        self.folder = QLineEdit(box)
        self.folder_label.setBuddy(self.folder)
        self.folder_button = QPushButton(box)
        self.folder_button.clicked.connect(self.choose_folder)
        self.folder_hint = wrapped(box)
        self.restore_button = QPushButton(box)
        self.restore_button.clicked.connect(self.restore)
        self.new2.returnPressed.connect(self.restore)
        self.restore_status = wrapped(box)
        self.restore_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_path, 1)
        file_row.addWidget(self.file_button)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(self.folder_button)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow(self.file_label, file_row)
        form.addRow(self.code_label, self.code)
        form.addRow(self.new1_label, self.new1)
        form.addRow(self.new2_label, self.new2)
        folder_cell = QVBoxLayout()
        folder_cell.addLayout(folder_row)
        folder_cell.addWidget(self.folder_hint)
        form.addRow(self.folder_label, folder_cell)
        row = QHBoxLayout()
        row.addWidget(self.restore_button)
        row.addStretch(1)
        lay = QVBoxLayout(box)
        lay.addWidget(self.restore_intro)
        lay.addLayout(form)
        lay.addLayout(row)
        lay.addWidget(self.restore_status)
        return box

    # -- texts ------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.heading.setText(_("Backup & restore"))
        self.backup_box.setTitle(_("Backup"))
        self.backup_intro.setText(
            _(
                "A backup is one file with your whole vault: every record and its history,"
                " obligations, contacts, your keys and every evidence file."
            )
        )
        self.backup_who.setText(
            _(
                "It is encrypted only to your recovery code. Give it to your lawyer to keep"
                " safe, away from home: they can keep it, but cannot read it. Only your"
                " recovery code opens it."
            )
            + "\n"
            + _(
                "Never let the same person hold the backup and the recovery code: whoever has"
                " both can open everything. For example, the backup with your lawyer, and the"
                " code in a sealed envelope with a trusted relative who lives elsewhere."
            )
        )
        self.last_label.setAccessibleName(_("Last backup"))
        self.backup_button.setText(_("&Make a backup…"))
        self.backup_button.setAccessibleName(_("Make a backup"))
        self.backup_status.setAccessibleName(_("Result of the backup"))

        self.restore_box.setTitle(_("Restore from a backup"))
        self.restore_intro.setText(
            _(
                "Restoring builds a new vault from a backup, in a folder that is empty or does"
                " not exist yet. The vault you are using now is not touched. You need the"
                " recovery code you wrote down when the vault was made, and a new passphrase."
            )
        )
        self.file_label.setText(_("Backup file:"))
        self.file_path.setAccessibleName(_("Backup file"))
        self.file_button.setText(_("C&hoose…"))
        self.file_button.setAccessibleName(_("Choose the backup file"))
        self.code_label.setText(_("Recovery &code:"))
        self.code.setAccessibleName(_("Recovery code"))
        self.new1_label.setText(_("&New passphrase:"))
        self.new1.setAccessibleName(_("New passphrase"))
        self.new2_label.setText(_("New passphrase &again:"))
        self.new2.setAccessibleName(_("New passphrase again"))
        self.folder_label.setText(_("&Folder for the restored vault:"))
        name_widget(self.folder, _("Folder for the restored vault"))
        self.folder.setPlaceholderText(_("an empty folder, or a new one"))
        self.folder_button.setText(_("Choose &folder…"))
        self.folder_button.setAccessibleName(_("Choose the folder for the restored vault"))
        self.folder_hint.setText(
            _(
                "Choose an empty folder, or type the path of a folder that does not exist yet."
                " A folder with anything in it is refused."
            )
        )
        self.restore_button.setText(_("&Restore"))
        self.restore_button.setAccessibleName(_("Restore the backup into the folder"))
        self.restore_status.setAccessibleName(_("Result of the restore"))
        self._show_last()
        self._show_backup_result()
        self._show_file()
        self._show_restored()

    # -- data -------------------------------------------------------------------------------
    def refresh(self) -> None:
        if not self.desk.unlocked or self.job is not None:
            return
        try:
            self.last = self.desk.last_backup()
        except DefenderDeskError:
            self.last = None
        self._show_last()

    def _locked(self) -> None:
        self.code.clear()
        self.new1.clear()
        self.new2.clear()

    def _show_last(self) -> None:
        if self.last is None:
            self.last_label.setText(_("No backup yet."))
            self.last_label.setStyleSheet("color: #92400e;")
        else:
            self.last_label.setText(_("Last backup: {when}.").format(when=when_text(self.last)))
            self.last_label.setStyleSheet("")

    def _show_file(self) -> None:
        self.file_path.setText(
            str(self.backup_file) if self.backup_file is not None else _("None chosen.")
        )

    def _busy(self) -> bool:
        return self.job is not None

    def _set_busy(self) -> None:
        busy = self._busy()
        for w in (self.backup_button, self.restore_button):
            w.setEnabled(not busy)

    # -- backup -----------------------------------------------------------------------------
    def make_backup(self) -> None:
        if self._busy():
            return
        name = default_file_name(self.desk.clock())
        path = filepicker.pick_save_path(self, _("Save the backup"), name)
        if path is None:
            return
        desk = self.desk

        def work(progress: Any, cancelled: Any) -> BackupResult:
            return desk.backup(path, progress=bounded(progress), cancel=cancelled)

        def done(result: BackupResult) -> None:
            self.backup_result = result
            self.last = result.created_at
            self._show_last()
            self._show_backup_result()

        self.backup_result = None
        self.backup_status.setStyleSheet("")
        self.backup_status.setText(_("Making the backup…"))
        self.job = Job(self, _("Making the backup…"), work, done)
        self.job.ended.connect(self._backup_ended)
        self._set_busy()
        self.job.start()

    def _backup_ended(self) -> None:
        job, self.job = self.job, None
        error = job.error if job is not None else None
        if isinstance(error, Cancelled):
            self.backup_status.setStyleSheet("")
            self.backup_status.setText(_("Cancelled. No file was made."))
        elif error is not None:
            self.backup_status.setStyleSheet(_BAD_STYLE)
            self.backup_status.setText(
                _("The backup was not made; no file was left.") + "\n" + error_text(error)
            )
        self._set_busy()

    def _show_backup_result(self) -> None:
        r = self.backup_result
        if r is None:
            return
        self.backup_status.setStyleSheet(_OK_STYLE)
        self.backup_status.setText(
            _("Backup saved: {path} ({size}, {files}). Only your recovery code opens it.").format(
                path=r.path,
                size=human_size(r.size),
                files=ngettext("{n} evidence file", "{n} evidence files", r.objects).format(
                    n=r.objects
                ),
            )
        )

    # -- restore ----------------------------------------------------------------------------
    def choose_backup_file(self) -> None:
        chosen = filepicker.pick_files(self, _("Choose the backup file"), multiple=False)
        if chosen:
            self.backup_file = chosen[0]
        self._show_file()

    def choose_folder(self) -> None:
        folder = filepicker.pick_folder(self, _("Folder for the restored vault"))
        if folder is not None:
            self.folder.setText(str(folder))

    def _say(self, text: str, style: str = "") -> None:
        self.restore_status.setStyleSheet(style)
        self.restore_status.setText(text)

    def restore(self) -> None:
        if self._busy():
            return
        self.restored = None
        if self.backup_file is None:
            self._say(_("Choose the backup file first."), _BAD_STYLE)
            return
        folder_text = self.folder.text().strip()
        if not folder_text:
            self._say(_("Choose or type the folder for the restored vault."), _BAD_STYLE)
            return
        code = self.code.secret_text()
        first, second = self.new1.secret_text(), self.new2.secret_text()
        if not code.strip():
            self._say(_("Type the recovery code."), _BAD_STYLE)
            self.code.setFocus()
            return
        if not first:
            self._say(error_text(EmptyPassphrase()), _BAD_STYLE)
            self.new1.setFocus()
            return
        if first != second:
            self._say(error_text(PassphraseMismatch()), _BAD_STYLE)
            self.new2.clear()
            self.new2.setFocus()
            return
        passphrase = Secret.from_text(first)
        for field in (self.code, self.new1, self.new2):
            field.clear()
        desk = self.desk
        source, target = self.backup_file, Path(folder_text).expanduser()

        def work(progress: Any, _cancelled: Any) -> RestoreResult:
            try:
                return desk.restore(source, target, code, passphrase, progress=bounded(progress))
            finally:
                passphrase.wipe()

        def done(result: RestoreResult) -> None:
            self.restored = result
            self.restored_dir = target
            self._show_restored()

        self._say(_("Restoring…"))
        self.job = Job(self, _("Restoring the backup…"), work, done)
        self.job.ended.connect(self._restore_ended)
        self._set_busy()
        self.job.start()

    def _restore_ended(self) -> None:
        job, self.job = self.job, None
        if job is not None and job.error is not None:
            self._say(
                _("Nothing was restored; the folder was left as it was.")
                + "\n"
                + error_text(job.error),
                _BAD_STYLE,
            )
        self._set_busy()

    def _show_restored(self) -> None:
        r, folder = self.restored, self.restored_dir
        if r is None or folder is None:
            return
        counts = ", ".join(
            (
                ngettext("{n} incident", "{n} incidents", r.incidents).format(n=r.incidents),
                ngettext("{n} person", "{n} people", r.people).format(n=r.people),
                ngettext("{n} evidence file", "{n} evidence files", r.evidence).format(
                    n=r.evidence
                ),
            )
        )
        self._say(
            _(
                "Restored into {folder}: {counts}. It opens with the new passphrase, and your"
                " recovery code still works for it.\n\nTo use it, start Defender Desk with this"
                ' folder:\n    defender-desk --vault-dir "{folder}"\nIf your vault was wiped'
                " and you restored into its usual folder, simply start Defender Desk again: the"
                " restored vault is your vault."
            ).format(folder=folder, counts=counts),
            _OK_STYLE,
        )
