"""Every window and dialog fits 1366×768 and 1280×720 with its primary buttons visible, in
English, Russian and Kazakh (issue 17, item 3: the incident editor hid Save/Cancel at 1366×768 and
«Заблокировать сейчас» was cut off).

Each screen size runs in its own process: Qt's offscreen platform takes the screen's size from a
configuration file when the application starts (``tests/ui/screens/*.json``). A button counts as
visible when it is shown, has a size, and lies wholly inside its window, which lies wholly on the
screen — a button pushed off the window's edge, or a window taller than the screen, fails.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent

SCRIPT = r"""
import json, os, sys, tempfile
from pathlib import Path
sys.path.insert(0, os.getcwd())
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication([])
screen = app.primaryScreen().availableGeometry()
from defender_desk.gui_main import DesktopCore
from defender_desk.secret import Secret
from defender_desk.ui.app import Controller
from tests.conftest import PASS
from tests.ui.conftest import seed_scenario
from tests.ui.walk import windows

tmp = Path(tempfile.mkdtemp())
c = Controller(app, DesktopCore(tmp / "vault"), lang="en", restart=lambda: None)
c.settings = c.settings.model_copy(update={"auto_lock_minutes": 240})
c.desk.create(Secret.from_text(PASS))
seed_scenario(c.desk)
c.unlocked()
problems, seen = [], []
for lang in ("en", "ru", "kk"):
    c.set_language(lang, save=False)
    for name, window, buttons in windows(c, tmp):
        window.show()
        for _ in range(3):
            app.processEvents()
        seen.append(f"{lang}:{name}")
        frame = window.frameGeometry()
        if frame.width() > screen.width() or frame.height() > screen.height():
            problems.append(f"{lang} {name}: window {frame.width()}x{frame.height()}"
                            f" does not fit {screen.width()}x{screen.height()}")
        inside = window.rect()
        if not buttons:
            problems.append(f"{lang} {name}: no primary buttons found")
        for b in buttons:
            if not b.isVisibleTo(window) and b.isVisible() is False and b.parent() is not None:
                if not b.isHidden():  # shown by the window but not on screen
                    problems.append(f"{lang} {name}: {b.text()!r} not visible")
                continue
            top_left = b.mapTo(window, QPoint(0, 0))
            box = QRect(top_left, b.size())
            if b.width() < 10 or b.height() < 10 or not inside.contains(box):
                problems.append(f"{lang} {name}: {b.text()!r} at {box.getRect()} outside"
                                f" {inside.getRect()}")
print(json.dumps({"problems": problems, "seen": seen}))
"""


@pytest.mark.parametrize("size", ["1366x768", "1280x720"])
def test_every_window_fits_with_its_buttons_visible(size: str) -> None:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": f"offscreen:configfile={HERE / 'screens' / f'{size}.json'}",
        "QT_LOGGING_RULES": "*.debug=false;qt.*.info=false;qt.qpa.*=false",
    }
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=900,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    # the walk reached every kind of window in every language
    names = {s.split(":", 1)[1] for s in report["seen"]}
    for wanted in (
        "main-overview",
        "main-settings",
        "incident-new",
        "incident-edit",
        "obligation-checkin",
        "emergency-close",
        "evidence-viewer",
        "unlock",
        "wizard-2",
        "panic-wipe",
        "drafts",
        "person-new",
    ):
        assert wanted in names, wanted
    assert len(report["seen"]) == 3 * len(names)
    assert report["problems"] == []
