"""Backup & restore: a backup made through the screen, restored through the screen into an empty
folder (every record and evidence byte back); a non-empty folder refused with the facade's own
message and left as it was; mismatched passphrases; a cancelled backup leaves no file."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import QMessageBox

from defender_desk.app import Desk
from defender_desk.errors import FolderProblem
from defender_desk.i18n import describe_error_sentences as describe_error
from defender_desk.secret import Secret
from defender_desk.ui import filepicker
from defender_desk.ui.kit import confirm as dialogs
from defender_desk.ui.screens.backup import BackupScreen

PHOTO = bytes(range(256)) * 1024
NEW_PASS = "новая фраза для восстановленного хранилища"


@pytest.fixture(autouse=True)
def _delete_leftovers_in_the_gui_thread() -> Any:
    """Delete what earlier tests left (main windows waiting for deleteLater, controllers in
    reference cycles, their running timers) here, in the GUI thread. Left alone, a garbage
    collection that happens to run in a job's worker thread deletes them there: Qt cannot
    unregister their timers from another thread, and a later timer event crashes the process."""

    def purge() -> None:
        gc.collect()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        gc.collect()

    purge()
    yield
    purge()


@pytest.fixture
def coded(make_controller: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The controller, with the recovery code its vault was made with (``.recovery_code``)."""
    codes: list[str] = []
    create = Desk.create

    def remember(self: Desk, passphrase: Secret) -> Any:
        result = create(self, passphrase)
        codes.append(result.recovery_code)
        return result

    monkeypatch.setattr(Desk, "create", remember)
    c = make_controller("en")
    monkeypatch.setattr(Desk, "create", create)
    c.recovery_code = codes[-1]
    return c


def _screen(controller: Any) -> BackupScreen:
    screen = controller.main_window.show_screen("backup")
    assert isinstance(screen, BackupScreen)
    return screen


def _backup(screen: BackupScreen, path: Path, qtbot: Any) -> None:
    filepicker.set_next_result(path)
    screen.backup_button.click()
    qtbot.waitUntil(lambda: screen.job is None, timeout=120_000)


def _fill_restore(screen: BackupScreen, backup: Path, folder: Path, code: str) -> None:
    filepicker.set_next_result([backup])
    screen.file_button.click()
    filepicker.set_next_result(folder)
    screen.folder_button.click()
    assert screen.folder.text() == str(folder)
    screen.code.edit.setText(code)
    screen.new1.edit.setText(NEW_PASS)
    screen.new2.edit.setText(NEW_PASS)


@pytest.fixture
def filled(coded: Any) -> Any:
    desk = coded.desk
    from tests.ui.conftest import seed_scenario

    ids = seed_scenario(desk)
    desk.add_evidence_bytes(ids["incidents"]["planted"].id, "photo.jpg", PHOTO)
    return coded


def test_backup_then_restore_into_an_empty_folder(filled: Any, tmp_path: Path, qtbot: Any) -> None:
    desk = filled.desk
    screen = _screen(filled)
    assert screen.last_label.text() == "No backup yet."
    assert "only to your recovery code" in screen.backup_who.text()
    assert "cannot read it" in screen.backup_who.text()

    backup = tmp_path / "usb" / "2026-11-25-bak.age"
    backup.parent.mkdir()
    _backup(screen, backup, qtbot)
    assert dialogs.shown == []
    assert backup.is_file()
    assert sorted(p.name for p in backup.parent.iterdir()) == [backup.name]
    assert desk.last_backup() is not None
    assert screen.last_label.text().startswith("Last backup:")
    assert str(backup) in screen.backup_status.text()

    target = tmp_path / "restored"
    target.mkdir()
    _fill_restore(screen, backup, target, filled.recovery_code)
    screen.restore_button.click()
    assert screen.code.secret_text() == "" and screen.new1.secret_text() == ""
    qtbot.waitUntil(lambda: screen.job is None, timeout=180_000)
    assert dialogs.shown == []
    status = screen.restore_status.text()
    assert status.startswith(f"Restored into {target}")
    assert "7 incidents" in status and "1 evidence file" in status
    assert "--vault-dir" in status and "wiped" in status

    restored = Desk(target)
    restored.unlock(Secret.from_text(NEW_PASS))
    try:
        assert {i.title for i in restored.list_incidents()} == {
            i.title for i in desk.list_incidents()
        }
        [ev] = restored.list_evidence()
        assert restored.read_evidence(ev.id) == PHOTO
    finally:
        restored.lock()


def test_a_non_empty_folder_is_refused(filled: Any, tmp_path: Path, qtbot: Any) -> None:
    screen = _screen(filled)
    backup = tmp_path / "backup.age"
    _backup(screen, backup, qtbot)
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "keep.txt").write_text("mine")
    with pytest.raises(FolderProblem) as refused:
        Desk.restore(backup, busy, filled.recovery_code, Secret.from_text(NEW_PASS))
    expected = describe_error(refused.value)

    _fill_restore(screen, backup, busy, filled.recovery_code)
    dialogs.set_next_answer(QMessageBox.StandardButton.Ok)
    screen.restore_button.click()
    qtbot.waitUntil(lambda: screen.job is None, timeout=180_000)
    assert dialogs.shown[-1] == ("Warning", expected)
    assert expected in screen.restore_status.text()
    assert "not empty" in expected
    assert sorted(p.name for p in busy.iterdir()) == ["keep.txt"]
    assert (busy / "keep.txt").read_text() == "mine"


def test_mismatched_passphrases_start_nothing(coded: Any, tmp_path: Path) -> None:
    screen = _screen(coded)
    _fill_restore(screen, tmp_path / "b.age", tmp_path / "new", coded.recovery_code)
    screen.new2.edit.setText(NEW_PASS + "x")
    screen.restore_button.click()
    assert screen.job is None
    assert "do not match" in screen.restore_status.text()
    assert not (tmp_path / "new").exists()


def test_cancelled_backup_leaves_no_file(filled: Any, tmp_path: Path, qtbot: Any) -> None:
    screen = _screen(filled)
    usb = tmp_path / "usb"
    usb.mkdir()
    filepicker.set_next_result(usb / "backup.age")
    screen.make_backup()
    job = screen.job
    assert job is not None
    job.worker.progressed.connect(
        lambda _d, _t: job.worker.cancel_event.set(), Qt.ConnectionType.DirectConnection
    )
    dialogs.set_next_answer(QMessageBox.StandardButton.Ok)
    qtbot.waitUntil(lambda: screen.job is None, timeout=120_000)
    assert "Cancelled" in dialogs.shown[-1][1]
    assert "No file was made" in screen.backup_status.text()
    assert list(usb.iterdir()) == []
    assert filled.desk.last_backup() is None


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_every_control_named_and_reachable_after_a_backup(
    make_controller: Any, tmp_path: Path, qtbot: Any, lang: str
) -> None:
    from tests.ui.test_accessibility import show, unnamed, unreachable

    c = make_controller(lang)
    screen = _screen(c)
    show(qtbot, c.main_window)
    _backup(screen, tmp_path / "b.age", qtbot)
    assert unnamed([screen]) == []
    assert unreachable(c.main_window, [screen]) == []
