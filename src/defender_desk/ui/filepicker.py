"""A file picker that leaves no traces: Qt widgets only, never the system's dialog.

``QFileDialog`` (native or not) remembers recent folders and its state in Qt's settings
(``QtProject.conf``), and a native dialog may add to ``recently-used.xbel`` and make thumbnails.
This picker is a plain ``QDialog`` over a ``QFileSystemModel``: it starts in the user's home
folder every time, keeps no history, writes no settings and shows no previews — names, sizes,
types and dates only.

Public API (each returns what the user chose, or nothing if she cancelled)::

    pick_files(parent, title, *, multiple=True, start=None) -> list[Path]
    pick_folder(parent, title, *, start=None) -> Path | None
    pick_save_path(parent, title, default_name, *, start=None) -> Path | None

Test hook: :func:`set_next_result` queues the next answers (a list of paths for ``pick_files``,
a path or ``None`` for the others); while the queue is not empty no dialog is shown. ``shown``
records ``(kind, title)`` of every request.
"""

from __future__ import annotations

from collections import deque
from enum import Enum
from pathlib import Path

from PySide6.QtCore import QDir, QEvent, QFileInfo, QModelIndex, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileSystemModel,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from defender_desk.i18n import _
from defender_desk.ui.kit import confirm as dialogs
from defender_desk.ui.kit.screen import PlainLabel

__all__ = [
    "FilePicker",
    "Mode",
    "pick_files",
    "pick_folder",
    "pick_save_path",
    "set_next_result",
    "shown",
]

_next_results: deque[list[Path] | Path | None] = deque()
#: The folder she last chose from, in this process only (never written anywhere; a lock
#: restarts the process and forgets it).
_last_folder: Path | None = None
shown: list[tuple[str, str]] = []  # (kind, title) of every request — for tests


def set_next_result(result: list[Path] | Path | None) -> None:
    """Queue the answer of the next picker call (tests)."""
    _next_results.append(result)


class Mode(Enum):
    OPEN_FILES = "open_files"
    FOLDER = "folder"
    SAVE = "save"


class FilePicker(QDialog):
    """The dialog behind the ``pick_*`` functions. After ``exec()`` returns Accepted,
    :attr:`chosen` holds the chosen paths (one for FOLDER and SAVE)."""

    def __init__(
        self,
        parent: QWidget | None,
        title: str,
        mode: Mode,
        *,
        multiple: bool = True,
        default_name: str = "",
        start: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.mode = mode
        self.multiple = multiple and mode is Mode.OPEN_FILES
        self.title = title
        self.chosen: list[Path] = []
        self.resize(760, 520)

        self.model = QFileSystemModel(self)
        self.model.setReadOnly(True)
        self.model.setOption(QFileSystemModel.Option.DontUseCustomDirectoryIcons, True)
        self.model.setNameFilterDisables(False)

        self.folder_label = QLabel(self)
        self.path_edit = QLineEdit(self)
        # Enter in the path field goes to that path; it must not also press the dialog's
        # default button (which complained that nothing was chosen).
        self.path_edit.installEventFilter(self)
        self.folder_label.setBuddy(self.path_edit)
        self.up_button = QPushButton(self)
        self.up_button.clicked.connect(self.go_up)
        self.home_button = QPushButton(self)
        self.home_button.clicked.connect(lambda: self.set_folder(Path.home()))

        self.view = QTreeView(self)
        self.view.setModel(self.model)
        self.view.setUniformRowHeights(True)
        self.view.setRootIsDecorated(False)
        self.view.setItemsExpandable(False)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(
            QAbstractItemView.SelectionMode.ExtendedSelection
            if self.multiple
            else QAbstractItemView.SelectionMode.SingleSelection
        )
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            self.view.header().setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.view.header().setStretchLastSection(False)
        self.view.setColumnHidden(2, True)  # Qt's type names are English only (“PNG File”)
        self.view.activated.connect(self._activated)

        self.name_label = QLabel(self)
        self.name_edit = QLineEdit(self)
        self.name_edit.setText(default_name)
        self.name_label.setBuddy(self.name_edit)
        self.name_label.setVisible(mode is Mode.SAVE)
        self.name_edit.setVisible(mode is Mode.SAVE)
        self.name_edit.returnPressed.connect(self.accept)

        self.hidden_box = QCheckBox(self)
        self.hidden_box.toggled.connect(self._apply_filter)
        self.error = PlainLabel("", self)
        self.error.setStyleSheet("color: #b91c1c;")
        self.error.setWordWrap(True)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.ok_button.setAutoDefault(False)

        top = QHBoxLayout()
        top.addWidget(self.folder_label)
        top.addWidget(self.path_edit, 1)
        top.addWidget(self.up_button)
        top.addWidget(self.home_button)
        name_row = QHBoxLayout()
        name_row.addWidget(self.name_label)
        name_row.addWidget(self.name_edit, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.hidden_box)
        bottom.addStretch(1)
        bottom.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addLayout(name_row)
        layout.addWidget(self.error)
        layout.addLayout(bottom)

        self.up_shortcut = QShortcut(QKeySequence("Alt+Up"), self)
        self.up_shortcut.activated.connect(self.go_up)
        self.back_shortcut = QShortcut(QKeySequence(Qt.Key.Key_Backspace), self.view)
        self.back_shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        self.back_shortcut.activated.connect(self.go_up)

        self._apply_filter()
        self.folder = Path.home()
        self.set_folder(start if start is not None else (_last_folder or Path.home()))
        self.retranslate()
        (self.name_edit if mode is Mode.SAVE else self.view).setFocus()

    # -- texts ----------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.setWindowTitle(self.title)
        self.setAccessibleName(self.title)
        self.folder_label.setText(_("&Folder:"))
        self.path_edit.setAccessibleName(_("Folder or file path"))
        self.path_edit.setPlaceholderText(_("Type a path and press Enter"))
        self.up_button.setText(_("Up"))
        self.up_button.setAccessibleName(_("Go to the parent folder"))
        self.home_button.setText(_("Home"))
        self.home_button.setAccessibleName(_("Go to your home folder"))
        self.view.setAccessibleName(_("Files and folders"))
        self.name_label.setText(_("File &name:"))
        self.name_edit.setAccessibleName(_("File name"))
        self.hidden_box.setText(_("Show hidden files"))
        self.hidden_box.setAccessibleName(_("Show hidden files"))
        self.error.setAccessibleName(_("Problem"))
        ok_text = {
            Mode.OPEN_FILES: _("Open"),
            Mode.FOLDER: _("Choose this folder"),
            Mode.SAVE: _("Save"),
        }[self.mode]
        self.ok_button.setText(ok_text)
        self.ok_button.setAccessibleName(ok_text)
        self.cancel_button.setText(_("Cancel"))
        self.cancel_button.setAccessibleName(_("Cancel"))

    # -- navigation -------------------------------------------------------------------------
    def _apply_filter(self) -> None:
        filters = QDir.Filter.AllDirs | QDir.Filter.NoDotAndDotDot | QDir.Filter.Drives
        if self.mode is not Mode.FOLDER:
            filters |= QDir.Filter.Files
        if self.hidden_box.isChecked():
            filters |= QDir.Filter.Hidden
        self.model.setFilter(filters)

    def set_folder(self, folder: Path) -> None:
        """Show ``folder`` (made absolute); a path that is not a folder is refused quietly."""
        folder = Path(folder).expanduser().absolute()
        if not QDir(str(folder)).exists():
            self.error.setText(_("There is no such folder."))
            return
        self.error.setText("")
        self.folder = folder
        root = self.model.setRootPath(str(folder))
        self.view.setRootIndex(root)
        self.view.clearSelection()
        self.path_edit.setText(str(folder))

    def go_up(self) -> None:
        parent = self.folder.parent
        if parent != self.folder:
            self.set_folder(parent)

    def _path_entered(self) -> None:
        text = self.path_edit.text().strip()
        if not text:
            return
        target = Path(text).expanduser()
        if not target.is_absolute():
            target = self.folder / target
        info = QFileInfo(str(target))
        if QDir(str(target)).exists() and self.mode is Mode.FOLDER and target != self.folder:
            self.set_folder(target)  # a folder typed in full: shown; Enter again chooses it
        elif QDir(str(target)).exists() and self.mode is Mode.FOLDER:
            self._finish([target])
        elif QDir(str(target)).exists():
            self.set_folder(target)
        elif self.mode is Mode.OPEN_FILES and info.isFile():
            self._finish([target])
        elif self.mode is Mode.SAVE and QDir(str(target.parent)).exists():
            self.set_folder(target.parent)
            self.name_edit.setText(target.name)
        else:
            self.error.setText(_("There is no such folder."))

    def _activated(self, index: QModelIndex) -> None:
        path = Path(self.model.filePath(index))
        if self.model.isDir(index):
            self.set_folder(path)
        elif self.mode is Mode.OPEN_FILES:
            self._finish(self.selected_paths() or [path])
        elif self.mode is Mode.SAVE:
            self.name_edit.setText(path.name)
            self.accept()

    def selected_paths(self) -> list[Path]:
        rows = self.view.selectionModel().selectedRows(0)
        return [Path(self.model.filePath(i)) for i in rows]

    # -- result -----------------------------------------------------------------------------
    def accept(self) -> None:
        if self.mode is Mode.OPEN_FILES:
            files = [p for p in self.selected_paths() if not QDir(str(p)).exists()]
            dirs = [p for p in self.selected_paths() if QDir(str(p)).exists()]
            if not files and len(dirs) == 1:
                self.set_folder(dirs[0])
                return
            if not files:
                self.error.setText(_("Choose one or more files first."))
                return
            self._finish(files)
        elif self.mode is Mode.FOLDER:
            picked = self.selected_paths()
            self._finish([picked[0] if picked else self.folder])
        else:
            name = self.name_edit.text().strip()
            if not name or "/" in name or "\\" in name or name in (".", ".."):
                self.error.setText(_("Type a file name (without a folder)."))
                self.name_edit.setFocus()
                return
            target = self.folder / name
            if QFileInfo(str(target)).exists() and not dialogs.confirm(
                self, _("A file with this name is already there. Replace it?")
            ):
                return
            self._finish([target])

    def _finish(self, paths: list[Path]) -> None:
        global _last_folder
        self.chosen = paths if self.multiple else paths[:1]
        if self.chosen:
            first = self.chosen[0]
            _last_folder = first if self.mode is Mode.FOLDER else first.parent
        super().accept()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if (
            obj is self.path_edit
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self._path_entered()
            return True
        return super().eventFilter(obj, event)


def _hooked(kind: str, title: str) -> tuple[bool, list[Path] | Path | None]:
    shown.append((kind, title))
    if _next_results:
        return True, _next_results.popleft()
    return False, None


def pick_files(
    parent: QWidget | None, title: str, *, multiple: bool = True, start: Path | None = None
) -> list[Path]:
    """Ask for one file (``multiple=False``) or several; ``[]`` if cancelled."""
    hooked, answer = _hooked("files", title)
    if hooked:
        if answer is None:
            return []
        return list(answer) if isinstance(answer, list) else [answer]
    dlg = FilePicker(parent, title, Mode.OPEN_FILES, multiple=multiple, start=start)
    try:
        return list(dlg.chosen) if dlg.exec() == QDialog.DialogCode.Accepted else []
    finally:
        dlg.deleteLater()


def pick_folder(parent: QWidget | None, title: str, *, start: Path | None = None) -> Path | None:
    """Ask for a folder; ``None`` if cancelled."""
    hooked, answer = _hooked("folder", title)
    if hooked:
        return answer[0] if isinstance(answer, list) else answer
    dlg = FilePicker(parent, title, Mode.FOLDER, start=start)
    try:
        return dlg.chosen[0] if dlg.exec() == QDialog.DialogCode.Accepted else None
    finally:
        dlg.deleteLater()


def pick_save_path(
    parent: QWidget | None, title: str, default_name: str, *, start: Path | None = None
) -> Path | None:
    """Ask where to save a new file (an existing one is replaced only after a confirmation);
    ``None`` if cancelled. The picker itself writes nothing."""
    hooked, answer = _hooked("save", title)
    if hooked:
        return answer[0] if isinstance(answer, list) else answer
    dlg = FilePicker(parent, title, Mode.SAVE, default_name=default_name, start=start)
    try:
        return dlg.chosen[0] if dlg.exec() == QDialog.DialogCode.Accepted else None
    finally:
        dlg.deleteLater()
