"""A desktop session leaves no traces outside the vault folder: no ``recently-used.xbel`` entry,
no Qt settings (``QtProject.conf``), nothing new anywhere under ``$HOME`` or in ``$TMPDIR``
except what the vault folder itself holds.

The session runs in a subprocess (the environment — ``HOME``, ``XDG_*``, ``TMPDIR`` — must be
set before Qt starts, and this process's QApplication already exists): the first-run wizard
creates the vault through its widgets, an incident is added with an evidence file chosen in the
app's own file picker, a setting is changed, and the app locks.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

XBEL = """<?xml version="1.0" encoding="UTF-8"?>
<xbel version="1.0" xmlns:bookmark="http://www.freedesktop.org/standards/desktop-bookmarks">
  <bookmark href="file:///home/someone/letter.odt" added="2026-01-01T10:00:00Z"/>
</xbel>
"""

SESSION = r"""
import json, os, sys
from pathlib import Path
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from defender_desk.paths import resolve_vault_dir
from defender_desk.ui.kit import confirm as dialogs
from defender_desk.gui_main import DesktopCore
from defender_desk.ui.app import Controller

report = {"steps": []}
app = QApplication([sys.argv[0]])
app.setApplicationName("DefenderDesk")
app.setQuitOnLastWindowClosed(False)


def wait(predicate, ms=30_000):
    loop = QEventLoop()
    poll = QTimer()
    poll.setInterval(20)
    poll.timeout.connect(lambda: predicate() and loop.quit())
    poll.start()
    QTimer.singleShot(ms, loop.quit)
    if not predicate():
        loop.exec()
    poll.stop()
    if not predicate():
        raise SystemExit("timed out")


def restarted():
    report["steps"].append("restart requested")


controller = Controller(app, DesktopCore(resolve_vault_dir(None)), lang="ru", restart=restarted)
report["vault_dir"] = str(controller.vault_dir)
controller.start()

# First run, through the wizard's widgets.
wizard = controller.window
wizard.go(1)
wizard.pass1.edit.setText("correct horse — батарея скрепка")
wizard.pass2.edit.setText("correct horse — батарея скрепка")
wizard.create_button.click()
wait(lambda: wizard.recovery_code != "")
code = wizard.recovery_code
wizard.go(3)
wizard.confirm_edit.setText(code.split("-")[wizard.confirm_group])
wizard.finish_button.click()
assert controller.desk.unlocked and controller.main_window is not None
report["steps"].append("created")

# The app's own file picker: browse the home folder and choose the photo.
from defender_desk.ui.filepicker import FilePicker, Mode

picker = FilePicker(controller.main_window, "Evidence", Mode.OPEN_FILES)
picker.show()
photos = Path.home() / "Pictures"
picker.set_folder(photos)
wait(lambda: picker.model.rowCount(picker.view.rootIndex()) > 0)
index = picker.model.index(str(photos / "summons.jpg"))
picker.view.setCurrentIndex(index)
picker.view.selectionModel().select(
    index, picker.view.selectionModel().SelectionFlag.ClearAndSelect
    | picker.view.selectionModel().SelectionFlag.Rows,
)
picker.accept()
chosen = picker.chosen
assert [p.name for p in chosen] == ["summons.jpg"], chosen
report["steps"].append("picked")

incident = controller.desk.add_incident(
    {
        "category": "020103010000",
        "title": "CANARY-7f3a: вызов в акимат на беседу",
        "happened": "~2021",
        "targets_self": True,
    },
    chosen,
)
report["steps"].append("incident")

mw = controller.main_window
for key in mw.screens:
    mw.show_screen(key)
    app.processEvents()
report["screens"] = sorted(mw.screens)
mw.screens["settings"].lock_on_minimise.click()
report["steps"].append("setting")

dialogs.set_next_answer(dialogs.QMessageBox.StandardButton.Ok)
controller.lock()
assert not controller.desk.unlocked
report["steps"].append("locked")
app.processEvents()
print(json.dumps(report))
"""


def snapshot(root: Path) -> dict[str, str]:
    """Every file and folder under ``root`` with a digest of its content (folders: "dir")."""
    out: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for d in dirnames:
            out[str(Path(dirpath, d).relative_to(root))] = "dir"
        for f in filenames:
            p = Path(dirpath, f)
            try:
                out[str(p.relative_to(root))] = hashlib.sha256(p.read_bytes()).hexdigest()
            except OSError as exc:  # a socket or a vanished file: still a trace
                out[str(p.relative_to(root))] = f"unreadable: {exc.__class__.__name__}"
    return out


def test_a_session_leaves_no_traces_outside_the_vault(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / ".local" / "share").mkdir(parents=True)
    (home / ".config").mkdir()
    (home / ".cache").mkdir()
    (home / "Pictures").mkdir()
    (home / "Pictures" / "summons.jpg").write_bytes(b"\xff\xd8\xff\xe0" + os.urandom(2048))
    xbel = home / ".local" / "share" / "recently-used.xbel"
    xbel.write_text(XBEL, encoding="utf-8")
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    before = snapshot(home)
    xbel_stat = xbel.stat()

    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("XDG_") and k not in ("DEFENDER_DESK_HOME", "DISPLAY")
    }
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_STATE_HOME=str(home / ".local" / "state"),
        XDG_RUNTIME_DIR=str(runtime),
        TMPDIR=str(tmpdir),
        QT_QPA_PLATFORM="offscreen",
        PYTHONPATH=str(REPO),
    )
    proc = subprocess.run(
        [sys.executable, "-c", SESSION],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        timeout=180,
        check=False,
    )
    stderr = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 0, stderr
    report = json.loads(proc.stdout.decode("utf-8").strip().splitlines()[-1])
    assert report["steps"] == [
        "created",
        "picked",
        "incident",
        "setting",
        "restart requested",  # the lock's restart hook, called by controller.lock()
        "locked",
    ]
    assert "settings" in report["screens"]

    vault = Path(report["vault_dir"])
    assert vault == home / ".local" / "share" / "DefenderDesk"  # the platform's data folder
    assert (vault / "vault.key").is_file()
    vault_rel = str(vault.relative_to(home))

    # recently-used.xbel: byte for byte and by time the same.
    assert xbel.read_text(encoding="utf-8") == XBEL
    assert xbel.stat().st_mtime_ns == xbel_stat.st_mtime_ns
    # No Qt settings, no settings of ours outside the vault.
    assert not (home / ".config" / "QtProject.conf").exists()
    assert not list((home / ".config").glob("DefenderDesk*"))
    assert not list(home.rglob("*.conf"))

    after = snapshot(home)
    changed = {
        path
        for path, digest in after.items()
        if before.get(path) != digest
        and path != vault_rel
        and not path.startswith(vault_rel + os.sep)
        and not vault_rel.startswith(path + os.sep)  # the folders above the vault
    }
    removed = set(before) - set(after)
    assert changed == set()
    assert removed == set()
    assert snapshot(tmpdir) == {}
    assert snapshot(runtime) == {}
