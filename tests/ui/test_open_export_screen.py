"""Open received export: an export made for "me" opens with every verdict shown; the records are
listed read-only; Save for court writes only after the warning and the folder choice; closing
drops the decrypted data; an unknown signer, a replayed older export and a file that is not an
export are each reported."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QMessageBox

from defender_desk.app import Desk
from defender_desk.secret import Secret
from defender_desk.ui import filepicker
from defender_desk.ui.kit import confirm as dialogs
from defender_desk.ui.screens.open_export import OpenExportScreen

PHOTO = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 64


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


def _screen(controller: Any) -> OpenExportScreen:
    screen = controller.main_window.show_screen("open_export")
    assert isinstance(screen, OpenExportScreen)
    return screen


def _open(screen: OpenExportScreen, path: Path, qtbot: Any) -> None:
    filepicker.set_next_result([path])
    screen.file_button.click()
    assert screen.export_file == path
    screen.open_button.click()
    qtbot.waitUntil(lambda: screen.job is None, timeout=60_000)


def _tree_rows(tree: Any) -> list[list[str]]:
    rows = []
    for i in range(tree.topLevelItemCount()):
        top = tree.topLevelItem(i)
        rows.append([top.text(c) for c in range(tree.columnCount())])
        for j in range(top.childCount()):
            child = top.child(j)
            rows.append([child.text(c) for c in range(tree.columnCount())])
    return rows


@pytest.fixture
def made(controller: Any, scenario: dict[str, Any], tmp_path: Path) -> Any:
    desk = controller.desk
    desk.add_evidence_bytes(scenario["incidents"]["planted"].id, "photo.jpg", PHOTO)
    out = tmp_path / "received"
    out.mkdir()
    return desk.export(["me"], output=out)


def test_open_an_export_made_for_me(
    controller: Any, made: Any, scenario: dict[str, Any], qtbot: Any
) -> None:
    screen = _screen(controller)
    assert not screen.scroll.isVisibleTo(screen)
    assert not screen.open_button.isEnabled()
    _open(screen, made.path, qtbot)
    assert dialogs.shown == []
    assert screen.opened is not None and screen.opened.exit_code == 0
    assert screen.scroll.isVisibleTo(screen)
    assert "Everything checks out" in screen.verdict.text()
    assert screen.signer.text().startswith("The signature is valid. Signed by you")
    assert controller.desk.me().verification_code in screen.signer.text()
    assert made.export_id in screen.made.text()
    assert "first export you open" in screen.chain.text()
    files = _tree_rows(screen.files)
    assert len(files) == len(screen.opened.files) == 5
    assert {row[2] for row in files} == {"OK"}
    assert any(row[0].startswith("evidence/") and row[0].endswith("photo.jpg") for row in files)
    records = _tree_rows(screen.records)
    titles = {row[1] for row in records}
    assert scenario["incidents"]["planted"].title in titles
    assert "7 incidents" in titles
    assert "report.pdf" in screen.report.text()
    assert screen.save_button.isEnabled()


def test_save_for_court_only_on_the_explicit_step(
    controller: Any, made: Any, tmp_path: Path, qtbot: Any
) -> None:
    screen = _screen(controller)
    _open(screen, made.path, qtbot)
    court = tmp_path / "court"
    court.mkdir()

    # she is warned first; "No" writes nothing and does not even ask for a folder
    dialogs.set_next_answer(QMessageBox.StandardButton.No)
    screen.save_button.click()
    assert "NOT encrypted" in dialogs.shown[-1][1]
    assert filepicker.shown[-1][0] == "files"  # only the earlier choice of the export
    assert list(court.iterdir()) == []

    # "Yes", then no folder chosen: still nothing
    dialogs.set_next_answer(QMessageBox.StandardButton.Yes)
    filepicker.set_next_result(None)
    screen.save_button.click()
    assert filepicker.shown[-1][0] == "folder"
    assert list(court.iterdir()) == []

    dialogs.set_next_answer(QMessageBox.StandardButton.Yes)
    filepicker.set_next_result(court)
    screen.save_button.click()
    qtbot.waitUntil(lambda: screen.job is None, timeout=60_000)
    names = sorted(p.name for p in court.iterdir())
    assert {"report.pdf", "manifest.json", "manifest.sig", "SHA256SUMS", "evidence"} <= set(names)
    evidence = list((court / "evidence").iterdir())
    assert [p.read_bytes() for p in evidence] == [PHOTO]
    assert str(court) in screen.save_status.text()
    assert "not encrypted" in screen.save_status.text()


def test_close_drops_the_decrypted_data(controller: Any, made: Any, qtbot: Any) -> None:
    screen = _screen(controller)
    _open(screen, made.path, qtbot)
    opened = screen.opened
    assert opened is not None and opened.data is not None
    screen.close_button.click()
    assert screen.opened is None
    assert opened.data is None
    assert not any(opened._plain)  # the plaintext buffer is wiped
    assert screen.records.topLevelItemCount() == 0
    assert screen.files.topLevelItemCount() == 0
    assert not screen.scroll.isVisibleTo(screen)


def test_an_unknown_signer_is_named_by_its_code(
    controller: Any, tmp_path: Path, qtbot: Any
) -> None:
    other = Desk(tmp_path / "colleague")
    other.create(Secret.from_text("another passphrase"))
    try:
        mine = controller.desk.me()
        her = other.add_contact(name="Айгуль", role="colleague", age_recipient=mine.age_recipient)
        other.add_person({"name": "Свидетель", "role": "witness"})
        sent = other.export([her.id], output=tmp_path)
        their_code = other.me().verification_code
    finally:
        other.lock()
    screen = _screen(controller)
    _open(screen, sent.path, qtbot)
    assert screen.opened is not None and screen.opened.exit_code == 6
    assert their_code in screen.verdict.text()
    assert "unknown key" in screen.signer.text()
    assert not screen.save_button.isEnabled()
    assert "fully verified" in screen.save_status.text()


def test_an_older_export_is_genuine(controller: Any, made: Any, tmp_path: Path, qtbot: Any) -> None:
    desk = controller.desk
    desk.add_person({"name": "Новый свидетель", "role": "witness"})
    newer = desk.export(["me"], output=tmp_path / "received")
    screen = _screen(controller)
    _open(screen, newer.path, qtbot)
    assert screen.opened is not None and screen.opened.exit_code == 0
    _open(screen, made.path, qtbot)
    # issue 13, item 3: an older export whose chain is a prefix of what was opened is genuine
    # (exit 0, a note naming the newer export); it can be saved for court
    assert screen.opened is not None and screen.opened.exit_code == 0
    assert screen.opened.chain.status == "older"
    assert newer.export_id in screen.opened.notes[0].english()
    assert screen.save_button.isEnabled()


def test_a_file_that_is_not_an_export(controller: Any, tmp_path: Path, qtbot: Any) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("just some text\n")
    screen = _screen(controller)
    dialogs.set_next_answer(QMessageBox.StandardButton.Ok)
    _open(screen, junk, qtbot)
    assert screen.opened is None
    assert "cannot be opened" in screen.open_status.text()
    assert dialogs.shown[-1][1] == screen.open_status.text()
    assert not screen.scroll.isVisibleTo(screen)


def test_an_identity_file_made_by_age_keygen(controller: Any, tmp_path: Path, qtbot: Any) -> None:
    """The lawyer's path without a contact entry: an export for an age-keygen key opens with
    that key file given as the extra key."""
    import subprocess

    key = tmp_path / "key.txt"
    subprocess.run(["age-keygen", "-o", str(key)], check=True, capture_output=True)
    recipient = next(
        x.split(": ", 1)[1] for x in key.read_text().splitlines() if x.startswith("# public")
    )
    desk = controller.desk
    contact = desk.add_contact(name="Адвокат", role="lawyer", age_recipient=recipient)
    sent = desk.export([contact.id], output=tmp_path)
    screen = _screen(controller)
    dialogs.set_next_answer(QMessageBox.StandardButton.Ok)
    _open(screen, sent.path, qtbot)
    assert "not encrypted to you" in screen.open_status.text()
    filepicker.set_next_result([key])
    screen.identity_button.click()
    assert screen.identity_file == key and screen.passphrase.isVisibleTo(screen)
    screen.open_button.click()
    qtbot.waitUntil(lambda: screen.job is None, timeout=60_000)
    assert screen.opened is not None and screen.opened.exit_code == 0
    screen.identity_clear.click()
    assert screen.identity_file is None


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_every_control_named_and_reachable_when_open(
    make_controller: Any, tmp_path: Path, qtbot: Any, lang: str
) -> None:
    from tests.ui.test_accessibility import show, unnamed, unreachable

    c = make_controller(lang)
    c.desk.add_incident({"category": "020103010000", "title": "Угроза", "happened": "2021"})
    sent = c.desk.export(["me"], output=tmp_path)
    screen = _screen(c)
    show(qtbot, c.main_window)
    _open(screen, sent.path, qtbot)
    filepicker.set_next_result([tmp_path / "key.txt"])
    screen.identity_button.click()  # the key file's passphrase field and Remove show
    assert screen.opened is not None
    assert unnamed([screen]) == []
    assert unreachable(c.main_window, [screen]) == []
