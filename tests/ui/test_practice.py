"""The practice vault (issue 17, item 2): one click from the first run and from the unlock
screen, marked on every window, its passphrase on its unlock screen, never mixed with her vault
(no restart loop, no ``…-practice-practice`` folder)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from defender_desk.gui_main import DesktopCore
from defender_desk.ui.app import Controller
from defender_desk.ui.onboarding import CreateWizard
from defender_desk.ui.unlock import UnlockWindow


def _controller(qapp: Any, folder: Path, **kw: Any) -> Controller:
    c = Controller(qapp, DesktopCore(folder), lang="ru", restart=lambda: None, **kw)
    c.restarts = 0

    def restart() -> None:
        c.restarts += 1

    c._restart = restart
    return c


def test_one_click_from_the_first_run_and_back(qapp, qtbot, tmp_path):
    real = tmp_path / "DefenderDesk"
    c = _controller(qapp, real, argv=["--vault-dir", str(real)])
    c.start()
    assert isinstance(c.window, CreateWizard)
    c.window.practice_button.click()  # «Сначала попробовать учебное хранилище»
    job = c.practice_job
    job.wait()
    assert c.restarts == 0  # switched in this process: no restart loop
    assert c.practice and c.vault_dir == tmp_path / "DefenderDesk-practice"
    assert (tmp_path / "DefenderDesk-practice" / "vault.key").exists()
    assert not (tmp_path / "DefenderDesk-practice-practice").exists()
    assert not real.exists() or not (real / "vault.key").exists()  # her vault: untouched
    window = c.window
    assert isinstance(window, UnlockWindow)
    assert "учебн" in window.heading.text().lower()
    assert window.practice_pass.isVisible() or window.practice_pass.isVisibleTo(window)
    assert c.practice_passphrase in window.practice_pass.text()
    assert "Учебное хранилище" in window.windowTitle()  # marked on every window
    assert c.argv.count("--practice") == 1
    # unlocking it with the shown passphrase opens the practice vault, marked
    window.passphrase.edit.setText(c.practice_passphrase)
    window.unlock()
    assert c.desk.unlocked and c.main_window is not None
    assert c.main_window.practice_box.isVisibleTo(c.main_window)
    assert "Учебное хранилище" in c.main_window.windowTitle()
    # back to her vault: a lock (restart) with no --practice, the folder hers again
    c.main_window.leave_practice.click()
    assert c.restarts == 1
    assert "--practice" not in c.argv
    assert c.argv[c.argv.index("--vault-dir") + 1] == str(real)
    c.main_window.hide()
    qapp.removeEventFilter(c.title_guard)


def test_from_the_unlock_screen_and_started_with_practice(qapp, qtbot, tmp_path, cli):
    from tests.conftest import PASS

    real = tmp_path / "vault"
    assert cli(real, ["init", "--json"], [PASS]).code == 0
    c = _controller(qapp, real)
    c.start()
    assert isinstance(c.window, UnlockWindow) and not c.practice
    assert not c.window.practice_note.isVisibleTo(c.window)
    c.window.practice_button.click()
    c.practice_job.wait()
    assert c.practice and isinstance(c.window, UnlockWindow)
    c.window.practice_button.click()  # «Вернуться в моё хранилище»
    assert not c.practice and c.vault_dir == real
    assert isinstance(c.window, UnlockWindow)
    c.window.hide()
    qapp.removeEventFilter(c.title_guard)
    # started as `--practice` with the practice folder itself: never a doubled suffix
    core = DesktopCore(tmp_path / "vault-practice")
    assert core.real_dir == real and core.practice_dir == tmp_path / "vault-practice"
