"""The non-native file picker: the test hook, the real dialog, and that it leaves no traces
(no recent-files list, no Qt settings) — with QFileDialog as the control that does."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QMessageBox

from defender_desk.ui import filepicker
from defender_desk.ui.filepicker import FilePicker, Mode
from defender_desk.ui.kit import confirm as dialogs
from tests.conftest import REPO


def _folder(tmp_path: Path) -> Path:
    root = tmp_path / "pick"
    (root / "sub").mkdir(parents=True)
    (root / "photo.png").write_bytes(b"\x89PNG fake")
    (root / "letter.pdf").write_bytes(b"%PDF fake")
    (root / "sub" / "inner.txt").write_text("inner", encoding="utf-8")
    return root


def _loaded(qtbot, picker: FilePicker) -> None:
    root = picker.view.rootIndex()
    qtbot.waitUntil(lambda: picker.model.rowCount(root) >= 1, timeout=5000)


def _select(picker: FilePicker, *names: str) -> None:
    sel = picker.view.selectionModel()
    sel.clearSelection()
    for name in names:
        index = picker.model.index(str(picker.folder / name))
        assert index.isValid(), name
        sel.select(
            index,
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )


# -- the hook -----------------------------------------------------------------------------------


def test_hook_answers_without_a_dialog(tmp_path):
    a, b = tmp_path / "a.png", tmp_path / "b.txt"
    filepicker.set_next_result([a, b])
    filepicker.set_next_result(None)
    filepicker.set_next_result(tmp_path)
    filepicker.set_next_result(tmp_path / "out.age")
    filepicker.set_next_result(None)
    assert filepicker.pick_files(None, "Add evidence files") == [a, b]
    assert filepicker.pick_files(None, "again") == []
    assert filepicker.pick_folder(None, "Choose a folder") == tmp_path
    assert filepicker.pick_save_path(None, "Save", "x.age") == tmp_path / "out.age"
    assert filepicker.pick_save_path(None, "Save", "x.age") is None
    assert [k for k, _t in filepicker.shown] == ["files", "files", "folder", "save", "save"]
    assert filepicker.shown[0] == ("files", "Add evidence files")


# -- the real dialog ----------------------------------------------------------------------------


def test_starts_in_home_and_keeps_no_memory(qtbot, tmp_path):
    first = FilePicker(None, "t", Mode.OPEN_FILES)
    qtbot.addWidget(first)
    assert first.folder == Path.home().absolute()
    first.set_folder(tmp_path)
    second = FilePicker(None, "t", Mode.OPEN_FILES)
    qtbot.addWidget(second)
    assert second.folder == Path.home().absolute()


def test_open_several_files(qtbot, tmp_path):
    root = _folder(tmp_path)
    picker = FilePicker(None, "Add evidence files", Mode.OPEN_FILES, start=root)
    qtbot.addWidget(picker)
    picker.show()
    _loaded(qtbot, picker)
    _select(picker, "photo.png", "letter.pdf")
    picker.accept()
    assert picker.result() == FilePicker.DialogCode.Accepted
    assert sorted(picker.chosen) == [root / "letter.pdf", root / "photo.png"]


def test_single_file_mode_returns_one(qtbot, tmp_path):
    root = _folder(tmp_path)
    picker = FilePicker(None, "t", Mode.OPEN_FILES, multiple=False, start=root)
    qtbot.addWidget(picker)
    picker.show()
    _loaded(qtbot, picker)
    _select(picker, "photo.png")
    picker.accept()
    assert picker.chosen == [root / "photo.png"]


def test_folders_are_entered_not_returned(qtbot, tmp_path):
    root = _folder(tmp_path)
    picker = FilePicker(None, "t", Mode.OPEN_FILES, start=root)
    qtbot.addWidget(picker)
    picker.show()
    _loaded(qtbot, picker)
    picker.view.activated.emit(picker.model.index(str(root / "sub")))
    assert picker.folder == root / "sub"
    assert picker.path_edit.text() == str(root / "sub")
    _loaded(qtbot, picker)
    picker.go_up()
    assert picker.folder == root
    _loaded(qtbot, picker)
    # Nothing chosen: OK explains instead of returning a folder as a file.
    picker.view.clearSelection()
    picker.accept()
    assert picker.result() != FilePicker.DialogCode.Accepted
    assert picker.error.text()


def test_typed_path_goes_there_or_opens_the_file(qtbot, tmp_path):
    root = _folder(tmp_path)
    picker = FilePicker(None, "t", Mode.OPEN_FILES, start=tmp_path)
    qtbot.addWidget(picker)
    picker.path_edit.setText(str(root / "sub"))
    qtbot.keyClick(picker.path_edit, Qt.Key.Key_Return)
    assert picker.folder == root / "sub"
    assert picker.error.text() == ""  # Enter went to the folder, it pressed no button
    assert picker.result() != FilePicker.DialogCode.Accepted
    picker.path_edit.setText(str(root / "nowhere"))
    qtbot.keyClick(picker.path_edit, Qt.Key.Key_Return)
    assert picker.folder == root / "sub"
    assert picker.error.text()
    picker.path_edit.setText("../photo.png")
    qtbot.keyClick(picker.path_edit, Qt.Key.Key_Return)
    assert picker.result() == FilePicker.DialogCode.Accepted
    assert [p.resolve() for p in picker.chosen] == [root / "photo.png"]


def test_folder_mode_lists_only_folders(qtbot, tmp_path):
    root = _folder(tmp_path)
    picker = FilePicker(None, "Choose a folder", Mode.FOLDER, start=root)
    qtbot.addWidget(picker)
    picker.show()
    _loaded(qtbot, picker)
    rootindex = picker.view.rootIndex()
    names = {
        picker.model.fileName(picker.model.index(r, 0, rootindex))
        for r in range(picker.model.rowCount(rootindex))
    }
    assert names == {"sub"}
    picker.accept()  # nothing selected: the folder shown
    assert picker.chosen == [root]


def test_save_mode_asks_before_replacing(qtbot, tmp_path):
    root = _folder(tmp_path)
    picker = FilePicker(None, "Save", Mode.SAVE, default_name="new.age", start=root)
    qtbot.addWidget(picker)
    assert picker.name_edit.text() == "new.age"
    picker.name_edit.setText("a/b")
    picker.accept()
    assert picker.result() != FilePicker.DialogCode.Accepted
    assert picker.error.text()
    picker.name_edit.setText("photo.png")
    dialogs.set_next_answer(QMessageBox.StandardButton.No)
    picker.accept()
    assert picker.result() != FilePicker.DialogCode.Accepted
    assert dialogs.shown[-1][0] == "Question"
    dialogs.set_next_answer(QMessageBox.StandardButton.Yes)
    picker.accept()
    assert picker.result() == FilePicker.DialogCode.Accepted
    assert picker.chosen == [root / "photo.png"]
    assert (root / "photo.png").read_bytes() == b"\x89PNG fake"  # the picker writes nothing


def test_hidden_files_only_on_request(qtbot, tmp_path):
    root = _folder(tmp_path)
    (root / ".secret").write_text("x", encoding="utf-8")
    picker = FilePicker(None, "t", Mode.OPEN_FILES, start=root)
    qtbot.addWidget(picker)
    picker.show()
    _loaded(qtbot, picker)

    def names() -> set[str]:
        ri = picker.view.rootIndex()
        return {
            picker.model.fileName(picker.model.index(r, 0, ri))
            for r in range(picker.model.rowCount(ri))
        }

    assert ".secret" not in names()
    picker.hidden_box.setChecked(True)
    qtbot.waitUntil(lambda: ".secret" in names(), timeout=5000)


def test_every_control_is_named(qtbot, tmp_path):
    from PySide6.QtGui import QAccessible
    from PySide6.QtWidgets import QWidget

    for mode in Mode:
        picker = FilePicker(None, "Title", mode, start=tmp_path)
        qtbot.addWidget(picker)
        for w in picker.findChildren(QWidget):
            if w.focusPolicy() == Qt.FocusPolicy.NoFocus or not w.isVisibleTo(picker):
                continue
            iface = QAccessible.queryAccessibleInterface(w)
            assert iface is not None and iface.text(QAccessible.Text.Name), (mode, w)


# -- traces -------------------------------------------------------------------------------------

_SESSION = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    import shiboken6
    from PySide6.QtCore import QItemSelectionModel
    from PySide6.QtWidgets import QApplication, QFileDialog
    app = QApplication([])
    home = Path(os.environ["HOME"])
    docs = home / "Documents"
    if sys.argv[1] == "control":
        d = QFileDialog(None, "x", str(docs))
        d.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        d.show(); app.processEvents(); d.selectFile(str(docs / "photo.png")); d.accept()
        shiboken6.delete(d)
    else:
        from defender_desk.ui.filepicker import FilePicker, Mode
        for mode in Mode:
            p = FilePicker(None, "x", mode)
            p.show()
            p.set_folder(docs)
            for _ in range(200):
                app.processEvents()
                if p.model.rowCount(p.view.rootIndex()):
                    break
            p.view.selectionModel().select(
                p.model.index(str(docs / "photo.png")),
                QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
            )
            if mode is Mode.SAVE:
                p.name_edit.setText("new.age")
            p.accept()
            assert p.chosen, mode
            shiboken6.delete(p)
    app.processEvents()
    del app
    """
)


def _session(kind: str, home: Path) -> list[str]:
    """Run a picking session in a fresh process whose home and XDG folders are ``home``;
    return every file found in ``home`` afterwards (relative paths)."""
    (home / "Documents").mkdir(parents=True)
    (home / "Documents" / "photo.png").write_bytes(b"\x89PNG fake")
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_STATE_HOME": str(home / ".local" / "state"),
        "PYTHONPATH": str(REPO / "src"),
    }
    proc = subprocess.run(
        [sys.executable, "-c", _SESSION, kind],
        env=env,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    return sorted(
        str(p.relative_to(home)) for p in home.rglob("*") if p.is_file() and p.name != "photo.png"
    )


def test_the_picker_leaves_no_traces_where_qfiledialog_does(tmp_path):
    # Control: Qt's own (non-native) dialog records the folder in QtProject.conf.
    control = _session("control", tmp_path / "control-home")
    assert any(name.endswith("QtProject.conf") for name in control), control
    # Ours: nothing at all is written under the home folder — no settings, no
    # recently-used.xbel, no thumbnails.
    assert _session("picker", tmp_path / "picker-home") == []
