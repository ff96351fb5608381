"""Open received export: decrypt an export into memory and show, read-only, who signed it, the
verdict for every file, the history-chain checks (including an older export replayed) and the
records it holds. **Save for court…** writes the report and evidence files to a folder — only
when she asks, after a warning that they are then readable by anyone with that disk. Closing
drops the decrypted data.

Everything shown from the export is untrusted text: plain-text widgets only.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from defender_desk.app import REPORT
from defender_desk.domain import taxonomy
from defender_desk.domain.dates import InvalidDate, parse_when
from defender_desk.domain.models import PersonRole
from defender_desk.errors import DefenderDeskError
from defender_desk.i18n import N_, _, get_language, ngettext
from defender_desk.secret import Secret
from defender_desk.ui import filepicker
from defender_desk.ui.kit import confirm as dialogs
from defender_desk.ui.kit.jobs import Job, error_text
from defender_desk.ui.kit.screen import Screen
from defender_desk.ui.kit.widgets import SecretField, name_widget
from defender_desk.ui.screens.contacts import role_text, verified_text
from defender_desk.ui.screens.export import human_size, wrapped
from defender_desk.ui.screens.person_form import ROLE_NAMES

if TYPE_CHECKING:
    from defender_desk.app import ChainVerdict, FileVerdict, OpenedExport
    from defender_desk.ui.kit.host import Host

_OK = "#166534"
_WARN = "#92400e"
_BAD = "#b91c1c"

FILE_STATUS: dict[str, str] = {
    "ok": N_("OK"),
    "hash": N_("CHANGED"),
    "size": N_("WRONG SIZE"),
    "missing": N_("MISSING"),
    "unlisted": N_("NOT IN THE MANIFEST"),
    "damaged": N_("DAMAGED"),
}


def file_status_text(verdict: FileVerdict) -> str:
    return _(FILE_STATUS.get(verdict.status, N_("DAMAGED")))


def chain_text(chain: ChainVerdict) -> tuple[str, str]:
    """(text, colour) for the history-chain verdict."""
    if chain.status == "ok":
        if chain.earlier:
            text = ngettext(
                "The history is consistent and continues the {n} earlier export you opened"
                " from this signer.",
                "The history is consistent and continues the {n} earlier exports you opened"
                " from this signer.",
                chain.earlier,
            ).format(n=chain.earlier)
        else:
            text = _(
                "The history is consistent. This is the first export you open from this"
                " signer; later ones will be checked against it."
            )
        return text, _OK
    if chain.status == "again":
        return _("You opened this same export before; its history is consistent."), _OK
    if chain.status == "older":
        return (
            _(
                "AN OLDER EXPORT REPLAYED: its history ends at revision {seq}, before an export"
                " from the same signer that you already opened (revision {newest}). Someone may"
                " be showing you an outdated version. Ask the signer."
            ).format(seq=chain.head_seq, newest=chain.newest_seen_seq),
            _BAD,
        )
    if chain.status == "diverged":
        return (
            _(
                "HISTORY REWRITTEN: this export does not contain the history of an export from"
                " the same signer that you opened before. Records may have been changed since."
            ),
            _BAD,
        )
    if chain.status == "broken":
        return _("THE HISTORY DOES NOT LINK UP: the export was changed or damaged."), _BAD
    return (
        _("A RECORD DOES NOT MATCH THE HISTORY: the export was changed or damaged."),
        _BAD,
    )


def problem_text(problem: Any) -> str:
    try:
        return str(_(problem.message).format(**problem.fields))
    except (KeyError, IndexError, ValueError):
        return str(problem.english())


def _when_text(untrusted: Any, lang: str) -> str:
    if not isinstance(untrusted, str):
        return ""
    try:
        return parse_when(untrusted).render(lang)
    except (InvalidDate, ValueError):
        return untrusted


def _category_text(untrusted: Any, lang: str) -> str:
    if not isinstance(untrusted, str):
        return ""
    try:
        return taxonomy.label(untrusted, lang)
    except DefenderDeskError:
        return untrusted


def _person_role(untrusted: Any) -> str:
    try:
        return _(ROLE_NAMES[PersonRole(untrusted)])
    except (ValueError, KeyError):
        return _text(untrusted)


def _record(item: Any) -> dict[str, Any]:
    if isinstance(item, dict) and isinstance(item.get("record"), dict):
        return item["record"]
    return {}


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


class OpenExportScreen(Screen):
    title = N_("Open received export")
    key = "open_export"

    def __init__(self, controller: Host, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        self.export_file: Path | None = None
        self.identity_file: Path | None = None
        self.opened: OpenedExport | None = None
        self.opened_name = ""
        self.job: Job | None = None
        self.saved: list[Path] = []
        self.saved_folder: Path | None = None
        self._files_by_incident: dict[str, int] = {}

        self.heading = QLabel(self)
        self.heading.setStyleSheet("font-size: 16pt; font-weight: bold;")
        self.intro = wrapped(self)

        # choosing
        self.file_label, self.identity_label = QLabel(self), QLabel(self)
        self.file_path = wrapped(self)
        self.file_button = QPushButton(self)
        self.file_button.clicked.connect(self.choose_file)
        self.identity_path = wrapped(self)
        self.identity_button = QPushButton(self)
        self.identity_button.clicked.connect(self.choose_identity)
        self.identity_clear = QPushButton(self)
        self.identity_clear.clicked.connect(self.clear_identity)
        self.passphrase_label = QLabel(self)
        self.passphrase = SecretField(self)
        self.passphrase_label.setBuddy(self.passphrase.edit)
        self.passphrase.returnPressed.connect(self.open_export)
        self.open_button = QPushButton(self)
        self.open_button.clicked.connect(self.open_export)
        self.open_status = wrapped(self)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_path, 1)
        file_row.addWidget(self.file_button)
        identity_row = QHBoxLayout()
        identity_row.addWidget(self.identity_path, 1)
        identity_row.addWidget(self.identity_button)
        identity_row.addWidget(self.identity_clear)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow(self.file_label, file_row)
        form.addRow(self.identity_label, identity_row)
        form.addRow(self.passphrase_label, self.passphrase)
        open_row = QHBoxLayout()
        open_row.addWidget(self.open_button)
        open_row.addWidget(self.open_status, 1)
        self.chooser = QWidget(self)
        cl = QVBoxLayout(self.chooser)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.addLayout(form)
        cl.addLayout(open_row)

        # the opened export
        self.result = QWidget()
        self.verdict = wrapped(self.result)
        self.verdict.setFrameShape(QFrame.Shape.StyledPanel)
        self.verdict.setMargin(8)
        self.signer = wrapped(self.result)
        self.signer.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.made = wrapped(self.result)
        self.made.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.chain = wrapped(self.result)
        self.files_caption = QLabel(self.result)
        self.files_caption.setStyleSheet("font-weight: bold;")
        self.files = QTreeWidget(self.result)
        self.files.setColumnCount(3)
        self.files.setRootIsDecorated(False)
        self.files.setUniformRowHeights(True)
        self.files.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        fh = self.files.header()
        fh.setStretchLastSection(False)
        fh.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        fh.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        fh.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.records_caption = QLabel(self.result)
        self.records_caption.setStyleSheet("font-weight: bold;")
        self.records = QTreeWidget(self.result)
        self.records.setColumnCount(3)
        self.records.setUniformRowHeights(True)
        self.records.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        rh = self.records.header()
        rh.setStretchLastSection(False)
        rh.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        rh.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        rh.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.records.currentItemChanged.connect(lambda *_a: self._show_record())
        self.record_text = wrapped(self.result)
        self.record_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.report = wrapped(self.result)
        self.save_button = QPushButton(self.result)
        self.save_button.clicked.connect(self.save_for_court)
        self.close_button = QPushButton(self.result)
        self.close_button.clicked.connect(self.close_export)
        self.save_status = wrapped(self.result)
        self.save_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.close_button)
        buttons.addStretch(1)
        rl = QVBoxLayout(self.result)
        for w in (self.verdict, self.signer, self.made, self.chain, self.files_caption):
            rl.addWidget(w)
        rl.addWidget(self.files)
        rl.addWidget(self.records_caption)
        rl.addWidget(self.records)
        rl.addWidget(self.record_text)
        rl.addWidget(self.report)
        rl.addLayout(buttons)
        rl.addWidget(self.save_status)
        rl.addStretch(1)
        self.records.setMinimumHeight(200)
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(self.result)
        self.scroll.setVisible(False)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.intro)
        layout.addWidget(self.chooser)
        layout.addWidget(self.scroll, 1)
        self.filler = QWidget(self)
        layout.addWidget(self.filler, 1)
        controller.locked.connect(self.close_export)
        self.retranslate()

    # -- texts ------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.heading.setText(_("Open received export"))
        self.intro.setText(
            _(
                "Open an export someone made for you. It is decrypted into memory only and"
                " checked: the signature, every file and the history. Nothing is written to"
                " disk unless you choose Save for court."
            )
        )
        self.file_label.setText(_("Export file:"))
        self.file_path.setAccessibleName(_("Export file"))
        self.file_button.setText(_("C&hoose…"))
        self.file_button.setAccessibleName(_("Choose the export file"))
        self.identity_label.setText(_("Extra key file (optional):"))
        self.identity_path.setAccessibleName(_("Extra key file"))
        self.identity_button.setText(_("Choose &key…"))
        self.identity_button.setAccessibleName(_("Choose an age key file (optional)"))
        self.identity_clear.setText(_("&Remove"))
        self.identity_clear.setAccessibleName(_("Do not use the key file"))
        self.passphrase_label.setText(_("Passphrase of the key &file:"))
        self.passphrase.setAccessibleName(_("Passphrase of the key file, if it has one"))
        self.open_button.setText(_("&Open and check"))
        self.open_button.setAccessibleName(_("Open and check the export"))
        self.open_status.setAccessibleName(_("Result"))
        for w, name in (
            (self.verdict, _("Verdict")),
            (self.signer, _("Signed by")),
            (self.made, _("Made")),
            (self.chain, _("History")),
            (self.record_text, _("The selected record")),
            (self.report, _("The report")),
            (self.save_status, _("Saved")),
        ):
            w.setAccessibleName(name)
        self.files_caption.setText(_("Files and their checks"))
        self.files.setHeaderLabels([_("File"), _("Size"), _("Check")])
        name_widget(self.files, _("Files in the export and their checks"))
        self.records_caption.setText(_("Records (read-only)"))
        self.records.setHeaderLabels([_("When"), _("Record"), _("Category or role")])
        name_widget(self.records, _("Records in the export, read-only"))
        self.save_button.setText(_("&Save for court…"))
        self.save_button.setAccessibleName(_("Save the report and evidence files for court"))
        self.close_button.setText(_("&Close the export"))
        self.close_button.setAccessibleName(_("Close the export and forget what was decrypted"))
        self._show_paths()
        self._render()

    def _show_paths(self) -> None:
        self.file_path.setText(
            str(self.export_file) if self.export_file is not None else _("None chosen.")
        )
        self.identity_path.setText(
            str(self.identity_file)
            if self.identity_file is not None
            else _("None: your own key opens exports made for you.")
        )
        has_identity = self.identity_file is not None
        self.identity_clear.setVisible(has_identity)
        self.passphrase.setVisible(has_identity)
        self.passphrase_label.setVisible(has_identity)
        self.open_button.setEnabled(self.export_file is not None and self.job is None)

    # -- choosing ---------------------------------------------------------------------------
    def choose_file(self) -> None:
        chosen = filepicker.pick_files(self, _("Choose the export file"), multiple=False)
        if chosen:
            self.export_file = chosen[0]
            self.open_status.setText("")
        self._show_paths()

    def choose_identity(self) -> None:
        chosen = filepicker.pick_files(self, _("Choose an age key file"), multiple=False)
        if chosen:
            self.identity_file = chosen[0]
        self._show_paths()

    def clear_identity(self) -> None:
        self.identity_file = None
        self.passphrase.clear()
        self._show_paths()

    def open_file(self, path: Path) -> None:
        """Open ``path`` at once (used by tests and by other screens)."""
        self.export_file = Path(path)
        self._show_paths()
        self.open_export()

    # -- opening ----------------------------------------------------------------------------
    def open_export(self) -> None:
        if self.job is not None or self.export_file is None:
            return
        self.close_export()
        desk = self.desk
        path, identity = self.export_file, self.identity_file
        typed = self.passphrase.secret_text() if identity is not None else ""
        self.passphrase.clear()
        ask = (lambda: Secret.from_text(typed)) if typed else None

        def work(_progress: Any, _cancelled: Any) -> OpenedExport:
            return desk.open_export(path, identity_file=identity, ask_passphrase=ask)

        def done(opened: OpenedExport) -> None:
            self.opened = opened
            self.opened_name = path.name
            self.open_status.setText("")
            self._render()
            self.scroll.verticalScrollBar().setValue(0)
            self.verdict.setFocus()

        self.open_status.setStyleSheet("")
        self.open_status.setText(_("Opening and checking…"))
        self.job = Job(self, _("Decrypting and checking the export…"), work, done)
        self.job.ended.connect(self._open_ended)
        self._show_paths()
        self.job.start()

    def _open_ended(self) -> None:
        job, self.job = self.job, None
        if job is not None and job.error is not None:
            self.open_status.setStyleSheet(f"color: {_BAD};")
            self.open_status.setText(error_text(job.error))
        self._show_paths()

    def close_export(self) -> None:
        """Wipe the decrypted export from memory and clear every view of it."""
        opened, self.opened = self.opened, None
        if opened is not None:
            opened.close()
        self.opened_name = ""
        self.saved = []
        self.saved_folder = None
        self.files.clear()
        self.records.clear()
        self.record_text.setText("")
        self.save_status.setText("")
        self._render()

    # -- showing ----------------------------------------------------------------------------
    def _render(self) -> None:
        opened = self.opened
        self.scroll.setVisible(opened is not None)
        self.filler.setVisible(opened is None)
        if opened is None:
            return
        lang = get_language()
        code = opened.exit_code
        if code == 0:
            text, colour = (
                _(
                    "Everything checks out: the signature is valid, every file is as it was"
                    " signed, and the history is consistent."
                ),
                _OK,
            )
        elif code == 6:
            text, colour = (
                _(
                    "The signature and every file are valid, but the signer is not one of your"
                    " contacts. Compare their verification code with them in person before you"
                    " rely on it: {code}"
                ).format(code=opened.signer.verification_code or "—"),
                _WARN,
            )
        else:
            text, colour = (
                _(
                    "DO NOT RELY ON THIS EXPORT: something in it does not match what was signed"
                    " or what you received before. See the checks below."
                ),
                _BAD,
            )
        self.verdict.setText(text)
        self.verdict.setStyleSheet(f"color: {colour}; font-weight: bold;")

        signer = opened.signer
        if signer.status == "self":
            who = _("Signed by you (your own key). Verification code: {code}").format(
                code=signer.verification_code
            )
        elif signer.status == "contact" and signer.contact is not None:
            who = _("Signed by your contact {name} ({role}). {verified}.").format(
                name=signer.contact.name,
                role=role_text(signer.contact.role),
                verified=verified_text(signer.contact),
            )
        else:
            who = _(
                "Signed by an unknown key. Its verification code: {code}. Add the signer in"
                " Contacts & my card only after comparing this code with them in person."
            ).format(code=signer.verification_code or "—")
        self.signer.setText(_("The signature is valid.") + " " + who)
        records = opened.manifest.records
        self.made.setText(
            _("File {name}, made {when} (UTC). Export id {id}.").format(
                name=self.opened_name,
                when=opened.created_at.replace("T", " ")[:16],
                id=opened.export_id,
            )
        )
        chain, chain_colour = chain_text(opened.chain)
        problems = (
            [problem_text(p) for p in opened.chain.problems]
            if opened.chain.status not in ("ok", "again", "older")
            else []
        )
        if problems:
            chain += "\n" + "\n".join(problems)
        self.chain.setText(chain)
        self.chain.setStyleSheet(f"color: {chain_colour};")
        self._fill_files(opened)
        self._fill_records(opened, lang)
        report = next((f for f in opened.files if f.name == REPORT), None)
        obligations = records.get("obligations")
        parts = []
        if report is not None:
            parts.append(
                _(
                    "The printable report (report.pdf, {size}) is {status}. To read or print it,"
                    " use Save for court."
                ).format(size=human_size(report.size or 0), status=file_status_text(report))
            )
        if isinstance(obligations, int) and obligations:
            parts.append(
                ngettext(
                    "The export also holds {n} obligation (in the report and the data).",
                    "The export also holds {n} obligations (in the report and the data).",
                    obligations,
                ).format(n=obligations)
            )
        self.report.setText("\n".join(parts))
        self.save_button.setEnabled(opened.ok and self.job is None)
        if not opened.ok and not self.saved:
            self.save_status.setStyleSheet("")
            self.save_status.setText(
                _(
                    "Save for court is possible only for a fully verified export from a known"
                    " signer."
                )
            )
        else:
            self._show_saved()

    def _fill_files(self, opened: OpenedExport) -> None:
        self.files.clear()
        for verdict in opened.files:
            size = verdict.size if verdict.size is not None else verdict.expected_size
            item = QTreeWidgetItem(
                self.files,
                [
                    verdict.name,
                    human_size(size) if size is not None else "—",
                    file_status_text(verdict),
                ],
            )
            item.setForeground(2, QColor(_OK if verdict.ok else _BAD))
        rows = max(3, min(12, len(opened.files)))
        row_height = self.files.sizeHintForRow(0) if opened.files else 0
        row_height = max(row_height, self.files.fontMetrics().height() + 4)
        header = self.files.header().sizeHint().height()
        self.files.setFixedHeight(header + rows * row_height + 2 * self.files.frameWidth() + 4)

    def _fill_records(self, opened: OpenedExport, lang: str) -> None:
        self.records.clear()
        data = opened.data or {}
        incidents = data.get("incidents") if isinstance(data.get("incidents"), list) else []
        people = data.get("people") if isinstance(data.get("people"), list) else []
        evidence = data.get("evidence") if isinstance(data.get("evidence"), list) else []
        files_by_incident: dict[str, int] = {}
        for item in evidence or []:
            rec = _record(item)
            iid = _text(rec.get("incident_id"))
            files_by_incident[iid] = files_by_incident.get(iid, 0) + 1
        inc_root = QTreeWidgetItem(
            self.records,
            [
                "",
                ngettext("{n} incident", "{n} incidents", len(incidents or [])).format(
                    n=len(incidents or [])
                ),
                "",
            ],
        )
        for entry in incidents or []:
            rec = _record(entry)
            item = QTreeWidgetItem(
                inc_root,
                [
                    _when_text(rec.get("happened"), lang),
                    _text(rec.get("title")),
                    _category_text(rec.get("category"), lang),
                ],
            )
            item.setData(0, Qt.ItemDataRole.UserRole, ("incident", entry))
        people_root = QTreeWidgetItem(
            self.records,
            [
                "",
                ngettext("{n} person", "{n} people", len(people or [])).format(n=len(people or [])),
                "",
            ],
        )
        for entry in people or []:
            rec = _record(entry)
            item = QTreeWidgetItem(
                people_root, ["", _text(rec.get("name")), _text(rec.get("role"))]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, ("person", entry))
        self._files_by_incident = files_by_incident
        inc_root.setExpanded(True)
        people_root.setExpanded(False)
        if inc_root.childCount():
            self.records.setCurrentItem(inc_root.child(0))

    def _show_record(self) -> None:
        item = self.records.currentItem()
        payload = None if item is None else item.data(0, Qt.ItemDataRole.UserRole)
        if not payload:
            self.record_text.setText("")
            return
        kind, entry = payload
        rec = _record(entry)
        if kind == "incident":
            n = self._files_by_incident.get(_text(rec.get("id")), 0)
            lines = [
                _text(rec.get("title")),
                _text(rec.get("description")),
                ngettext("{n} evidence file", "{n} evidence files", n).format(n=n),
            ]
        else:
            lines = [_text(rec.get("name")), _text(rec.get("notes"))]
        self.record_text.setText("\n".join(line for line in lines if line))

    # -- save for court ---------------------------------------------------------------------
    def save_for_court(self) -> None:
        opened = self.opened
        if opened is None or self.job is not None or not opened.ok:
            return
        if not dialogs.confirm(
            self,
            _(
                "The saved files are NOT encrypted: anyone who can read that disk can read the"
                " report and the evidence. Save them to an encrypted disk or a stick you keep"
                " with you, and delete them when they are no longer needed. Continue?"
            ),
        ):
            return
        folder = filepicker.pick_folder(self, _("Folder to save the files for court"))
        if folder is None:
            return
        desk = self.desk

        def work(_progress: Any, _cancelled: Any) -> list[Path]:
            return list(desk.save_for_court(opened, folder))

        def done(paths: list[Path]) -> None:
            self.saved = paths
            self.saved_folder = folder
            self._show_saved()

        self.job = Job(self, _("Saving the files for court…"), work, done)
        self.job.ended.connect(self._save_ended)
        self.save_button.setEnabled(False)
        self.job.start()

    def _save_ended(self) -> None:
        job, self.job = self.job, None
        if job is not None and job.error is not None:
            self.save_status.setStyleSheet(f"color: {_BAD};")
            self.save_status.setText(error_text(job.error))
        self.save_button.setEnabled(self.opened is not None and self.opened.ok)

    def _show_saved(self) -> None:
        if not self.saved or self.saved_folder is None:
            self.save_status.setText("")
            return
        self.save_status.setStyleSheet(f"color: {_WARN};")
        self.save_status.setText(
            ngettext(
                "{n} file saved in {folder}. They are not encrypted there.",
                "{n} files saved in {folder}. They are not encrypted there.",
                len(self.saved),
            ).format(n=len(self.saved), folder=self.saved_folder)
        )
