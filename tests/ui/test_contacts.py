"""Contacts & my card: her code, QR and card; adding contacts by card or age key with the
facade's own message for every bad key; "verified in person" with its confirm step; delete."""

from __future__ import annotations

import gc
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from defender_desk.app import Desk
from defender_desk.errors import DefenderDeskError
from defender_desk.i18n import describe_error_sentences as describe_error
from defender_desk.secret import Secret
from defender_desk.ui.kit import confirm as dialogs
from defender_desk.ui.screens.contacts import ContactsScreen


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


def _screen(controller: Any) -> ContactsScreen:
    screen = controller.main_window.show_screen("contacts")
    assert isinstance(screen, ContactsScreen)
    return screen


def _age_keygen(tmp_path: Path, name: str = "key.txt") -> str:
    key = tmp_path / name
    subprocess.run(["age-keygen", "-o", str(key)], check=True, capture_output=True)
    line = next(x for x in key.read_text().splitlines() if x.startswith("# public key: "))
    return line.split(": ", 1)[1].strip()


@pytest.fixture
def other_card(tmp_path: Path) -> Any:
    """The card of someone else's Defender Desk (a real second vault)."""
    other = Desk(tmp_path / "colleague")
    other.create(Secret.from_text("another passphrase"))
    try:
        yield other.me()
    finally:
        other.lock()


def _add(screen: ContactsScreen, name: str, pasted: str, role: str = "lawyer") -> None:
    screen.name.setText(name)
    screen.role.setCurrentIndex(screen.role.findData(role))
    screen.pasted.setPlainText(pasted)
    screen.add_button.click()


def test_her_code_qr_and_card(controller: Any, qapp: Any) -> None:
    screen = _screen(controller)
    card = controller.desk.me()
    assert screen.code_view.text() == card.verification_code
    assert len(card.verification_code.replace(" ", "")) == 20
    assert screen.card_view.text() == card.text
    assert screen.card_view.textFormat() == Qt.TextFormat.PlainText
    assert not screen.qr.pixmap().isNull()
    assert screen.qr.pixmap().width() > 100
    screen.copy_button.click()
    assert QApplication.clipboard().text() == card.text
    assert screen.copy_status.text()
    assert controller.clipboard.clear_if_ours()  # as on lock or after the set time
    assert QApplication.clipboard().text() == ""


def test_add_a_contact_by_pasting_a_card(controller: Any, other_card: Any) -> None:
    screen = _screen(controller)
    assert screen.empty.isVisibleTo(screen)
    assert screen.signing.isEnabled()
    screen.pasted.setPlainText(other_card.text)
    assert not screen.signing.isEnabled()  # the card holds the signing key
    # messengers wrap long lines: the card may arrive on several lines
    _add(screen, "Айгуль", other_card.text.replace(" ", "\n"), role="colleague")
    assert screen.add_error.text() == ""
    [contact] = controller.desk.list_contacts()
    assert (contact.name, contact.role.value) == ("Айгуль", "colleague")
    assert contact.age_recipient == other_card.age_recipient
    assert contact.signing_key == other_card.signing_key
    assert contact.verified_on is None
    assert screen.tree.topLevelItemCount() == 1
    assert screen.current_id() == contact.id
    assert other_card.verification_code in screen.detail_code.text()
    assert "Not verified" in screen.detail_verified.text()
    assert screen.pasted.toPlainText() == "" and screen.name.text() == ""
    assert screen.signing.isEnabled()


def test_add_a_lawyer_with_only_an_age_key(controller: Any, tmp_path: Path) -> None:
    screen = _screen(controller)
    recipient = _age_keygen(tmp_path)
    _add(screen, "Адвокат Нурлан", recipient)
    [contact] = controller.desk.list_contacts()
    assert contact.age_recipient == recipient and contact.signing_key is None
    assert "No signing key" in screen.detail_code.text()


def _expected(call: Any) -> str:
    """The facade's own message for a refused key (the screen must show exactly that)."""
    with pytest.raises(DefenderDeskError) as info:
        call()
    return describe_error(info.value)


@pytest.mark.parametrize(
    "case",
    ["malformed", "truncated", "secret_key", "ssh_key", "own_card", "own_recipient", "cut_card"],
)
def test_bad_keys_are_refused_with_a_clear_message(
    controller: Any, tmp_path: Path, case: str
) -> None:
    from defender_desk.sharing.keys import parse_card

    screen = _screen(controller)
    desk = controller.desk
    recipient = _age_keygen(tmp_path)
    secret = next(
        line
        for line in (tmp_path / "key.txt").read_text().splitlines()
        if line.startswith("AGE-SECRET-KEY-")
    )
    mine = desk.me()
    pasted = {
        "malformed": "age1 not a key",
        "truncated": recipient[:-4],
        "secret_key": secret,
        "ssh_key": mine.signing_key,
        "own_card": mine.text,
        "own_recipient": mine.age_recipient,
        "cut_card": mine.text.rsplit(" ", 1)[0],
    }[case]
    if pasted.startswith("defender-desk-card"):

        def call() -> Any:
            card = parse_card(pasted)
            tokens = pasted.split()
            return desk.add_contact(
                name="X",
                role="lawyer",
                age_recipient=card.age_recipient,
                signing_key=f"{tokens[2]} {tokens[3]}",
            )
    else:

        def call() -> Any:
            return desk.add_contact(name="X", role="lawyer", age_recipient=pasted)

    expected = _expected(call)
    _add(screen, "X", pasted)
    assert screen.add_error.text() == expected
    assert desk.list_contacts() == []
    # the message never repeats the key
    assert pasted.strip() not in screen.add_error.text()
    if case == "secret_key":
        assert screen.pasted.toPlainText() == ""  # a secret key never stays on screen
    else:
        assert screen.pasted.toPlainText() == pasted  # kept, to be corrected


def test_a_duplicate_is_refused(controller: Any, tmp_path: Path) -> None:
    screen = _screen(controller)
    recipient = _age_keygen(tmp_path)
    _add(screen, "Адвокат", recipient)
    assert len(controller.desk.list_contacts()) == 1
    _add(screen, "Адвокат (ещё раз)", recipient)
    assert "already has this" in screen.add_error.text()
    assert len(controller.desk.list_contacts()) == 1


def test_a_name_is_needed(controller: Any, tmp_path: Path) -> None:
    screen = _screen(controller)
    _add(screen, "", _age_keygen(tmp_path))
    assert screen.add_error.text().startswith("Name")
    assert controller.desk.list_contacts() == []


def test_verified_in_person_needs_the_confirm_step(controller: Any, other_card: Any) -> None:
    screen = _screen(controller)
    _add(screen, "Айгуль", other_card.text, role="colleague")
    cid = screen.current_id()
    assert not screen.compare.isVisibleTo(screen)
    screen.verify_button.click()
    assert screen.compare.isVisibleTo(screen)
    assert screen.compare_code.text() == other_card.verification_code
    screen.mismatch_button.click()  # the codes differ: nothing is recorded
    assert not screen.compare.isVisibleTo(screen)
    assert controller.desk.get_contact(cid).verified_on is None
    assert "Do not send" in screen.contact_status.text()

    screen.verify_button.click()
    screen.match_button.click()
    today = controller.desk.clock().astimezone().date()
    assert controller.desk.get_contact(cid).verified_on == today
    assert "Verified in person on" in screen.detail_verified.text()
    assert screen.tree.topLevelItem(0).text(2) != "not yet"
    assert isinstance(today, date)


def test_delete_asks_first(controller: Any, tmp_path: Path) -> None:
    screen = _screen(controller)
    _add(screen, "Адвокат", _age_keygen(tmp_path))
    dialogs.set_next_answer(QMessageBox.StandardButton.No)
    screen.delete_button.click()
    assert len(controller.desk.list_contacts()) == 1
    dialogs.set_next_answer(QMessageBox.StandardButton.Yes)
    screen.delete_button.click()
    assert controller.desk.list_contacts() == []
    assert screen.tree.topLevelItemCount() == 0
    assert screen.empty.isVisibleTo(screen)
    assert [kind for kind, _text in dialogs.shown] == ["Question", "Question"]


def test_retranslate_keeps_the_contact_shown(make_controller: Any, tmp_path: Path) -> None:
    c = make_controller("en")
    screen = _screen(c)
    _add(screen, "Адвокат", _age_keygen(tmp_path))
    c.set_language("ru", save=False)
    assert screen.detail_name.text() == "Адвокат"
    assert screen.tree.topLevelItemCount() == 1


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_every_control_named_and_reachable_with_a_contact(
    make_controller: Any, other_card: Any, qtbot: Any, lang: str
) -> None:
    from tests.ui.test_accessibility import show, unnamed, unreachable

    c = make_controller(lang)
    screen = _screen(c)
    _add(screen, "Айгуль", other_card.text, role="colleague")
    show(qtbot, c.main_window)
    screen.verify_button.click()  # the confirm step's buttons too
    assert unnamed([screen]) == []
    assert unreachable(c.main_window, [screen]) == []


def test_a_contact_being_typed_is_kept_as_a_draft_at_lock(controller: Any, tmp_path: Path) -> None:
    screen = _screen(controller)
    screen.name.setText("Адвокат Нурлан")
    screen.notes.setPlainText("встреча по средам")
    assert controller.save_drafts() == 1
    (draft,) = controller.desk.list_drafts()
    assert draft.kind == "contact"
    screen.name.clear()
    screen.notes.clear()
    from defender_desk.ui.kit.form import offer_drafts

    offer_drafts(controller).continue_selected()
    assert screen.name.text() == "Адвокат Нурлан"
    assert screen.notes.toPlainText() == "встреча по средам"
