"""The export wizard: a full export to a real lawyer's key made with ``age-keygen``, decrypted
by Debian's ``age``; cancel mid-export leaves no file; the selection steps and the warning for
contacts not verified in person."""

from __future__ import annotations

import gc
import hashlib
import io
import json
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import QMessageBox

from defender_desk.ui import filepicker
from defender_desk.ui.kit import confirm as dialogs
from defender_desk.ui.screens.export import (
    STEP_DONE,
    STEP_WHAT,
    STEP_WHERE,
    STEP_WHO,
    ExportScreen,
)

PHOTO = bytes(range(256)) * 4096  # 1 MiB


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


def _screen(controller: Any) -> ExportScreen:
    screen = controller.main_window.show_screen("export")
    assert isinstance(screen, ExportScreen)
    return screen


def _lawyer(desk: Any, tmp_path: Path) -> tuple[Any, Path]:
    key = tmp_path / "lawyer-key.txt"
    subprocess.run(["age-keygen", "-o", str(key)], check=True, capture_output=True)
    line = next(x for x in key.read_text().splitlines() if x.startswith("# public key: "))
    contact = desk.add_contact(
        name="Адвокат Нурлан", role="lawyer", age_recipient=line.split(": ", 1)[1]
    )
    return contact, key


def _tick(widget: Any, data: str) -> None:
    for i in range(widget.count()):
        if widget.item(i).data(Qt.ItemDataRole.UserRole) == data:
            widget.item(i).setCheckState(Qt.CheckState.Checked)
            return
    raise AssertionError(f"{data} not listed")


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_full_export_to_a_lawyer_opens_with_age(
    controller: Any, scenario: dict[str, Any], tmp_path: Path, qtbot: Any
) -> None:
    desk = controller.desk
    planted = scenario["incidents"]["planted"]
    desk.add_evidence_bytes(planted.id, "фото-РОВД.jpg", PHOTO)
    lawyer, key = _lawyer(desk, tmp_path)
    screen = _screen(controller)
    assert screen.pages.currentIndex() == STEP_WHAT
    assert "all 7 incidents" in screen.count_label.text()

    screen.next_button.click()
    assert screen.pages.currentIndex() == STEP_WHO
    # the only contact is ticked; not verified in person: warned
    assert screen.chosen_recipients() == [lawyer.id]
    assert "Адвокат Нурлан" in screen.unverified.text()
    assert screen.unverified.isVisibleTo(screen)
    assert screen.language.currentData() == "en"  # the interface's, until she picks one
    screen.language.setCurrentIndex(screen.language.findData("ru"))
    screen.language.activated.emit(screen.language.currentIndex())
    controller.set_language("kk", save=False)
    assert screen.language.currentData() == "ru"
    controller.set_language("en", save=False)

    screen.next_button.click()
    assert screen.pages.currentIndex() == STEP_WHERE
    assert not screen.next_button.isEnabled()  # nowhere to save yet
    out_dir = tmp_path / "usb"
    out_dir.mkdir()
    filepicker.set_next_result(out_dir / "2026-11-25-abc.age")
    screen.choose_button.click()
    assert filepicker.shown[-1][0] == "save"
    assert screen.next_button.isEnabled()
    assert "Адвокат Нурлан" in screen.summary.text()

    screen.next_button.click()  # Export
    qtbot.waitUntil(lambda: screen.job is None, timeout=120_000)
    assert dialogs.shown == []
    assert screen.pages.currentIndex() == STEP_DONE
    made = out_dir / "2026-11-25-abc.age"
    assert _files(out_dir) == [made.name]
    assert screen.made is not None and screen.made.result.path == made
    assert str(made) in screen.done_where.text()
    assert "Адвокат Нурлан" in screen.done_whom.text()
    assert "You cannot open it yourself" in screen.done_whom.text()
    assert "Open received export" in screen.done_open.text()
    assert "size" in screen.done_visible.text() and "name" in screen.done_visible.text()

    # the lawyer, with stock age and only his key file
    plain = subprocess.run(
        ["age", "-d", "-i", str(key), str(made)], check=True, capture_output=True
    ).stdout
    with zipfile.ZipFile(io.BytesIO(plain)) as z:
        names = z.namelist()
        assert {"report.pdf", "data.json", "manifest.json", "manifest.sig"} <= set(names)
        photo = next(n for n in names if n.endswith("РОВД.jpg"))
        assert z.read(photo) == PHOTO
        manifest = json.loads(z.read("manifest.json"))
        assert manifest["selection"]["report_language"] == "ru"
        assert manifest["recipients"][0]["self"] is False
        listed = {f["name"]: f["sha256"] for f in manifest["files"]}
        assert listed[photo] == hashlib.sha256(PHOTO).hexdigest()

    screen.again_button.click()
    assert screen.pages.currentIndex() == STEP_WHAT
    assert screen.made is None


def test_cancel_mid_export_leaves_no_file(
    controller: Any, scenario: dict[str, Any], tmp_path: Path, qtbot: Any
) -> None:
    desk = controller.desk
    for n in range(4):
        desk.add_evidence_bytes(scenario["incidents"]["planted"].id, f"video-{n}.bin", PHOTO * 8)
    _lawyer(desk, tmp_path)
    screen = _screen(controller)
    screen.next()
    screen.next()
    out_dir = tmp_path / "usb"
    out_dir.mkdir()
    filepicker.set_next_result(out_dir / "export.age")
    screen.choose_destination()
    screen.start_export()
    job = screen.job
    assert job is not None
    # Cancel as soon as the first bytes are written (in the worker thread: no timing involved);
    # the export checks for it before every further piece.
    job.worker.progressed.connect(
        lambda _d, _t: job.worker.cancel_event.set(), Qt.ConnectionType.DirectConnection
    )
    dialogs.set_next_answer(QMessageBox.StandardButton.Ok)  # the job's "cancelled" box
    qtbot.waitUntil(lambda: screen.job is None, timeout=120_000)
    assert dialogs.shown and "Cancelled" in dialogs.shown[-1][1]
    assert screen.made is None
    assert screen.pages.currentIndex() == STEP_WHERE
    assert "No file was made" in screen.where_status.text()
    assert _files(out_dir) == []  # neither the export nor a temporary file


def test_what_to_export(controller: Any, scenario: dict[str, Any]) -> None:
    screen = _screen(controller)
    inc = scenario["incidents"]
    people = scenario["people"]
    assert screen.selection().everything

    screen.only_period.setChecked(True)
    screen.date_from.setText("2016")
    screen.date_until.setText("2017")
    screen.update_count()
    sel = screen.selection()
    assert str(sel.date_from) == "2016" and not sel.everything
    assert screen.count(sel) == 2  # the rally and the eviction
    assert "2 incidents" in screen.count_label.text()

    screen.only_period.setChecked(False)
    screen.only_targets.setChecked(True)
    screen.next()
    assert screen.pages.currentIndex() == STEP_WHAT  # nobody ticked yet
    assert "Tick at least one person" in screen.what_error.text()
    _tick(screen.targets, people["daughter"].id)
    _tick(screen.targets, people["mother"].id)
    sel = screen.selection()
    assert set(sel.targets) == {people["daughter"].id, people["mother"].id}
    assert screen.count(sel) == 3

    screen.only_targets.setChecked(False)
    screen.only_categories.setChecked(True)
    _tick(screen.categories, "020103000000")  # harassment, with the categories below it
    assert screen.selection().categories == ("020103000000",)
    assert screen.count(screen.selection()) >= 2

    screen.with_evidence.setChecked(False)
    screen.with_obligations.setChecked(False)
    sel = screen.selection()
    assert not sel.include_evidence and not sel.include_obligations

    # another screen can send her here with incidents already picked
    controller.main_window.show_screen("export", incident_ids=[inc["rally"].id])
    sel = screen.selection()
    assert sel.incident_ids == (inc["rally"].id,)
    assert sel.categories == () and sel.include_evidence
    assert "1 incident will be exported" in screen.count_label.text()


def test_recipients_step(controller: Any, tmp_path: Path, other_vault: Any) -> None:
    desk = controller.desk
    screen = _screen(controller)
    screen.next()
    assert screen.no_contacts.isVisibleTo(screen)
    assert screen.contacts_button.isVisibleTo(screen)
    screen.next()
    assert screen.pages.currentIndex() == STEP_WHO
    assert "Tick at least one contact" in screen.who_error.text()

    lawyer, _key = _lawyer(desk, tmp_path)
    card = other_vault.me()
    colleague = desk.add_contact(
        name="Айгуль",
        role="colleague",
        age_recipient=card.age_recipient,
        signing_key=card.signing_key,
    )
    desk.verify_contact(colleague.id)
    screen.refresh()
    assert screen.recipients.count() == 2
    _tick(screen.recipients, colleague.id)
    assert not screen.unverified.isVisibleTo(screen)
    _tick(screen.recipients, lawyer.id)
    assert screen.unverified.isVisibleTo(screen)
    assert "Адвокат Нурлан" in screen.unverified.text()
    assert "Айгуль" not in screen.unverified.text()
    screen.to_me.setChecked(True)
    assert sorted(screen.chosen_recipients()) == sorted([colleague.id, lawyer.id, "me"])

    screen.contacts_button.setVisible(True)
    screen._go_contacts()
    assert controller.main_window.current_screen().key == "contacts"


@pytest.fixture
def other_vault(tmp_path: Path) -> Any:
    from defender_desk.app import Desk
    from defender_desk.secret import Secret

    other = Desk(tmp_path / "colleague")
    other.create(Secret.from_text("another passphrase"))
    yield other
    other.lock()


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_every_step_named_and_reachable(
    make_controller: Any, tmp_path: Path, qtbot: Any, lang: str
) -> None:
    from tests.ui.test_accessibility import show, unnamed, unreachable

    c = make_controller(lang)
    c.desk.add_incident(
        {"category": "020103010000", "title": "Угроза", "happened": "2021", "targets_self": True}
    )
    _lawyer(c.desk, tmp_path)
    screen = _screen(c)
    show(qtbot, c.main_window)
    for box in (screen.only_period, screen.only_categories, screen.only_targets):
        box.setChecked(True)
    screen.only_incidents.setChecked(True)
    _tick(screen.incidents, screen.incidents.item(0).data(Qt.ItemDataRole.UserRole))
    _tick(screen.categories, "020103000000")
    _tick(screen.targets, "self")
    screen.date_from.setText("2021")
    for step in (STEP_WHAT, STEP_WHO, STEP_WHERE):
        if step == STEP_WHERE:
            filepicker.set_next_result(tmp_path / "x.age")
            screen.choose_destination()
        screen.go(step)
        assert unnamed([screen]) == [], step
        assert unreachable(c.main_window, [screen]) == [], step
    screen.start_export()
    qtbot.waitUntil(lambda: screen.job is None, timeout=120_000)
    assert screen.pages.currentIndex() == STEP_DONE
    assert unnamed([screen]) == []
    assert unreachable(c.main_window, [screen]) == []
