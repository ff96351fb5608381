"""The emergency screen (issue 9), driven as she would: lawyers and places entered beforehand,
an emergency started for her daughter, the night logged with Enter, places asked and steps
ticked, the card shown and saved only through the picker, the emergency closed into an incident
that reads as a timeline — and a closed emergency that takes no more entries.

Times run on a fixed clock in a fixed zone (UTC+5, as tests/emergency do): 14 March 2022,
18:40 UTC is 23:40 on her wall clock."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QMessageBox

from defender_desk.emergency import guidance
from defender_desk.ui import filepicker
from defender_desk.ui.kit import confirm as dialogs
from defender_desk.ui.screens.emergency import (
    CheckDialog,
    CloseDialog,
    EmergencyScreen,
    ListedDialog,
    StepsDialog,
    entry_time,
    split_phones,
)
from tests.emergency import LOCAL_TZ
from tests.reports import flat, page_count, text_of
from tests.ui.test_accessibility import unnamed, unreachable

T0 = datetime(2022, 3, 14, 18, 40, tzinfo=UTC)  # 23:40 in Almaty


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


@pytest.fixture(autouse=True)
def local_zone(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("TZ", LOCAL_TZ)
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def clock(controller: Any) -> Clock:
    c = Clock(T0)
    controller.desk.clock = c
    return c


@pytest.fixture
def people(controller: Any) -> dict[str, Any]:
    d = controller.desk
    return {
        # a colleague first, so that "family first" is something the screen does
        "colleague": d.add_person({"name": "Коллега Динара", "role": "colleague"}),
        "daughter": d.add_person({"name": "Айгерим", "role": "family", "relation": "child"}),
        "police": d.add_person(
            {"name": "РОВД (районный отдел полиции)", "role": "actor", "institution": "police"}
        ),
    }


def _screen(qtbot: Any, controller: Any) -> EmergencyScreen:
    mw = controller.main_window
    mw.show()
    qtbot.waitExposed(mw)
    screen = mw.show_screen("emergency")
    assert isinstance(screen, EmergencyScreen)
    return screen


def _log_lines(screen: EmergencyScreen) -> list[str]:
    return [screen.log_view.item(i).text() for i in range(screen.log_view.count())]


def _type(widget: Any, text: str) -> None:
    """Type ``text`` as key presses (QTest's keyClicks handles ASCII only, not Cyrillic)."""
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


def _type_entry(qtbot: Any, screen: EmergencyScreen, text: str, at: str = "") -> None:
    if at:
        _type(screen.time_edit, at)
    _type(screen.entry, text)
    qtbot.keyClick(screen.entry, Qt.Key.Key_Return)


def _fill_listed(dlg: ListedDialog, kind: str, name: str, phones: str, address: str = "") -> None:
    dlg.kind.setCurrentIndex(dlg.kind.findData(kind))
    dlg.name.setText(name)
    dlg.phones.setText(phones)
    dlg.address.setText(address)
    dlg.accept()


def _prepare(qtbot: Any, screen: EmergencyScreen) -> None:
    """Before anything happens: her lawyer, and two places, through the second tab."""
    screen.tabs.setCurrentWidget(screen.prep)
    qtbot.mouseClick(screen.add_contact_button, Qt.MouseButton.LeftButton)
    assert isinstance(screen.listed_dialog, ListedDialog)
    _fill_listed(
        screen.listed_dialog, "lawyer", "Адвокат Нурлан", "+7 701 000 00 00; 8 777 000 0000"
    )
    qtbot.mouseClick(screen.add_place_button, Qt.MouseButton.LeftButton)
    assert screen.listed_dialog is not None
    _fill_listed(
        screen.listed_dialog,
        "police",
        "РОВД Алмалинского района",
        "+7 727 000 00 01",
        "ул. Примерная, 1",
    )
    qtbot.mouseClick(screen.add_place_button, Qt.MouseButton.LeftButton)
    assert screen.listed_dialog is not None
    _fill_listed(screen.listed_dialog, "hospital", "Городская больница", "+7 727 000 00 02")
    screen.tabs.setCurrentWidget(screen.night)


def _start_for(qtbot: Any, screen: EmergencyScreen, name: str) -> None:
    for i in range(screen.people_list.count()):
        if screen.people_list.item(i).text().startswith(name):
            screen.people_list.setCurrentRow(i)
    qtbot.mouseClick(screen.start_button, Qt.MouseButton.LeftButton)
    assert screen.stack.currentWidget() is screen.emergency_page


# -- the whole night ----------------------------------------------------------------------


def test_the_whole_night(qtbot, controller, clock, people, tmp_path):
    desk = controller.desk
    screen = _screen(qtbot, controller)

    # nothing open: who was detained? — her circle, family first, actors not offered
    assert screen.stack.currentWidget() is screen.start_page
    names = [screen.people_list.item(i).text() for i in range(screen.people_list.count())]
    assert names == ["Айгерим (Child)", "Коллега Динара"]
    assert "Not entered yet" in screen.start_hint.text()

    # before anything happens: the app ships no numbers; she enters hers
    assert "ships no phone numbers" in screen.prep_intro.text()
    _prepare(qtbot, screen)
    [lawyer] = desk.list_emergency_contacts()
    assert (lawyer.kind, lawyer.phones) == ("lawyer", ["+7 701 000 00 00", "8 777 000 0000"])
    assert [p.name for p in desk.list_emergency_places()] == [
        "РОВД Алмалинского района",
        "Городская больница",
    ]
    assert screen.contacts_tree.topLevelItem(0).text(2) == "+7 701 000 00 00, 8 777 000 0000"
    assert screen.places_tree.topLevelItemCount() == 2
    assert "Prepared:" in screen.start_hint.text()

    # start for the daughter: the log's line has the focus
    _start_for(qtbot, screen, "Айгерим")
    [emergency] = desk.list_emergencies(open_only=True)
    assert emergency.person_id == people["daughter"].id
    assert screen.em_heading.text() == "Emergency: Айгерим"
    qtbot.waitUntil(lambda: QApplication.focusWidget() is screen.entry)

    # entries with Enter; the time comes from the clock; an earlier one given by hand
    _type_entry(qtbot, screen, "Позвонила адвокату Нурлану: едет в РОВД")
    clock.advance(minutes=25)
    _type_entry(qtbot, screen, "С её номера пришло SMS: «я у подруги, не ищите»")
    _type_entry(qtbot, screen, "Её увезли на патрульной машине от подъезда", at="21:30")
    assert screen.entry.text() == "" and screen.time_edit.text() == ""
    assert _log_lines(screen) == [
        "14 March 2022",
        "21:30 — Её увезли на патрульной машине от подъезда [written 15 March 2022, 00:05]",
        "23:40 — Позвонила адвокату Нурлану: едет в РОВД",
        "15 March 2022",
        "00:05 — С её номера пришло SMS: «я у подруги, не ищите»",
    ]

    # a place asked: the tick asks for the answer and the officer, then shows what was said
    clock.advance(minutes=10)
    screen.side.setCurrentWidget(screen.places_tab)
    police_item = screen.places_list.item(0)
    police_item.setCheckState(Qt.CheckState.Checked)
    qtbot.waitUntil(lambda: screen.check_dialog is not None)
    assert screen.places_list.item(0).checkState() == Qt.CheckState.Unchecked  # not yet asked
    dlg = screen.check_dialog
    assert isinstance(dlg, CheckDialog)
    assert dlg.place_name.text() == "РОВД Алмалинского района"
    _type(dlg.answer, "дежурный говорит, что её нет")
    _type(dlg.officer, "капитан Ахметов, жетон 0451")
    qtbot.keyClick(dlg.officer, Qt.Key.Key_Return)
    assert screen.places_list.item(0).checkState() == Qt.CheckState.Checked
    assert screen.places_list.item(1).checkState() == Qt.CheckState.Unchecked
    assert "✓ 00:15 — дежурный говорит, что её нет" in screen.places_list.item(0).text()
    assert screen.places_summary.text().startswith("1 of 2 places asked")
    assert _log_lines(screen)[-1] == (
        "00:15 — РОВД Алмалинского района: дежурный говорит, что её нет"
        " (капитан Ахметов, жетон 0451)"
    )

    # a first step ticked: one line in the log, and the step stays done
    clock.advance(minutes=5)
    screen.side.setCurrentWidget(screen.steps_tab)
    assert screen.steps_disclaimer.text() == guidance.DISCLAIMER["en"]
    steps = desk.first_steps("en").steps
    screen.steps_list.item(1).setCheckState(Qt.CheckState.Checked)
    qtbot.waitUntil(lambda: _log_lines(screen)[-1] == f"00:20 — ✓ {steps[1]}")
    item = screen.steps_list.item(1)
    assert item.checkState() == Qt.CheckState.Checked
    assert not item.flags() & Qt.ItemFlag.ItemIsUserCheckable  # a line in the log stays
    assert screen.steps_hint.text().startswith("1 of 6 steps done.")

    # the details for inquiries, edited; the card shows them and nothing of the night
    screen.side.setCurrentWidget(screen.details_tab)
    screen.d_full_name.setText("Айгерим Ерлановна Сапарова")
    screen.d_birth.setText("17.05.2003")
    screen.d_iin.setText("030517 600 123")
    screen.d_details.setPlainText("Чёрная куртка, телефон в красном чехле")
    qtbot.mouseClick(screen.save_details_button, Qt.MouseButton.LeftButton)
    assert screen.details_error.text() == ""
    assert desk.get_emergency(emergency.id).emergency.details.id_number == "030517600123"
    screen.side.setCurrentWidget(screen.card_tab)
    card = flat(screen.card_view.toPlainText())
    for shown in (
        "Айгерим Ерлановна Сапарова",
        "17 May 2003",
        "030517 600 123",
        "Чёрная куртка, телефон в красном чехле",
        "Адвокат Нурлан",
        "+7 701 000 00 00",
        "РОВД Алмалинского района",
        "Городская больница",
        steps[0],
        guidance.DISCLAIMER["en"],
    ):
        assert shown in card, shown
    view = desk.get_emergency(emergency.id)
    assert len(view.entries) == 5
    for entry in view.entries:
        assert entry.text not in card
    for secret in ("SMS", "патрульной", "дежурный", "Ахметов", "✓", "23:40", "00:15"):
        assert secret not in card

    # the card is written only on request: a "no" to the warning writes nothing
    dialogs.set_next_answer(QMessageBox.StandardButton.No)
    assert screen.save_card() is None
    assert filepicker.shown == []
    assert "copy shops keep copies" in dialogs.shown[-1][1]
    target = tmp_path / "out" / "card.pdf"
    target.parent.mkdir()
    dialogs.set_next_answer(QMessageBox.StandardButton.Yes)
    filepicker.set_next_result(target)
    qtbot.mouseClick(screen.save_card_button, Qt.MouseButton.LeftButton)
    assert [kind for kind, _title in filepicker.shown] == ["save"]
    assert sorted(p.name for p in target.parent.iterdir()) == ["card.pdf"]
    assert page_count(target) == 1
    printed = flat(text_of(target))
    assert "Айгерим Ерлановна Сапарова" in printed
    assert "РОВД Алмалинского района" in printed
    assert "патрульной" not in printed and "Ахметов" not in printed
    assert str(target) in screen.card_status.text()

    # close and make an incident: category, who acted, a screenshot as evidence
    shot = tmp_path / "sms.png"
    shot.write_bytes(b"\x89PNG\r\n\x1a\n not really a png")
    clock.advance(hours=7)
    qtbot.mouseClick(screen.close_button, Qt.MouseButton.LeftButton)
    close = screen.close_dialog
    assert isinstance(close, CloseDialog)
    assert close.category.currentData() == "DD-INCOMMUNICADO"
    close.actors.set_checked(people["police"].id)
    filepicker.set_next_result([shot])
    qtbot.mouseClick(close.add_files_button, Qt.MouseButton.LeftButton)
    assert close.files.count() == 1
    close.accept()
    assert screen.job is not None
    qtbot.waitUntil(lambda: not screen.job.thread.isRunning(), timeout=30_000)
    qtbot.waitUntil(lambda: controller.main_window.current_screen().key == "incidents")

    [incident] = desk.list_incidents()
    assert incident.category == "DD-INCOMMUNICADO"
    assert incident.target_ids == [people["daughter"].id]
    assert incident.actor_ids == [people["police"].id]
    assert str(incident.happened) == "2022-03-14T21:30"
    assert incident.description.splitlines() == [
        "14 March 2022",
        "21:30 — Её увезли на патрульной машине от подъезда [written 15 March 2022, 00:05]",
        "23:40 — Позвонила адвокату Нурлану: едет в РОВД",
        "15 March 2022",
        "00:05 — С её номера пришло SMS: «я у подруги, не ищите»",
        "00:15 — РОВД Алмалинского района: дежурный говорит, что её нет"
        " (капитан Ахметов, жетон 0451)",
        f"00:20 — ✓ {steps[1]}",
    ]
    assert [e.original_name for e in desk.list_evidence(incident.id)] == ["sms.png"]
    incidents = controller.main_window.screens["incidents"]
    assert incidents.model.rowCount() == 1
    assert incidents.selected_id() == incident.id
    assert desk.list_emergencies(open_only=True) == []

    # the closed emergency: read-only from the UI
    screen = controller.main_window.show_screen("emergency")
    assert screen.stack.currentWidget() is screen.start_page
    assert screen.past_list.count() == 1
    assert "closed" in screen.past_list.item(0).text()
    qtbot.mouseClick(screen.open_past_button, Qt.MouseButton.LeftButton)
    assert screen.stack.currentWidget() is screen.emergency_page
    assert not screen.entry_widgets.isVisible()
    assert not screen.close_button.isVisible()
    assert screen.closed_note.isVisible()
    assert screen.show_incident_button.isVisible()
    before = _log_lines(screen)
    screen.entry.setText("написано после закрытия")
    assert screen.add_entry() is None
    assert screen.tick_step(0) is None
    assert screen.check_place(desk.list_emergency_places()[1].id) is None
    assert screen.close_emergency() is None
    for lst in (screen.steps_list, screen.places_list):
        for i in range(lst.count()):
            assert not lst.item(i).flags() & Qt.ItemFlag.ItemIsUserCheckable
    assert _log_lines(screen) == before
    assert len(desk.get_emergency(emergency.id).entries) == 5
    qtbot.mouseClick(screen.show_incident_button, Qt.MouseButton.LeftButton)
    assert controller.main_window.current_screen().key == "incidents"


# -- the log ------------------------------------------------------------------------------


def test_an_empty_entry_or_a_bad_time_is_refused_kindly(qtbot, controller, clock, people):
    screen = _screen(qtbot, controller)
    _start_for(qtbot, screen, "Айгерим")
    qtbot.keyClick(screen.entry, Qt.Key.Key_Return)
    assert "one line" in screen.entry_error.text()
    _type_entry(qtbot, screen, "что-то", at="25:00")
    assert "23:40" in screen.entry_error.text()
    assert screen.entry.text() == "что-то"  # nothing she typed is lost
    assert controller.desk.get_emergency(screen.current_id).entries == ()
    screen.time_edit.clear()
    qtbot.keyClick(screen.entry, Qt.Key.Key_Return)
    assert screen.entry_error.text() == ""
    assert _log_lines(screen)[-1] == "23:40 — что-то"
    # coming back (the sidebar's or the tray's "Emergency…"): straight to the log's line
    mw = controller.main_window
    mw.show_screen("overview")
    screen.side.setCurrentWidget(screen.card_tab)
    mw.emergency_button.click()
    assert mw.current_screen() is screen
    qtbot.waitUntil(lambda: QApplication.focusWidget() is screen.entry)


def test_entry_time():
    now = datetime(2022, 3, 14, 18, 40, tzinfo=UTC)  # 23:40 local
    assert entry_time("", now) is None
    assert entry_time(" 21:30 ", now) == datetime(2022, 3, 14, 21, 30)
    assert entry_time("23.45", now) == datetime(2022, 3, 14, 23, 45)  # within the slack
    after_midnight = now + timedelta(minutes=30)  # 00:10 on the 15th
    assert entry_time("23:55", after_midnight) == datetime(2022, 3, 14, 23, 55)
    assert entry_time("0:05", after_midnight) == datetime(2022, 3, 15, 0, 5)
    for bad in ("25:00", "12:60", "полночь", "2130"):
        with pytest.raises(ValueError):
            entry_time(bad, now)


def test_split_phones():
    assert split_phones(" +7 701 000 00 00 ,8 777 000 0000;; ") == [
        "+7 701 000 00 00",
        "8 777 000 0000",
    ]


def test_a_new_person_inline_then_start(qtbot, controller, clock):
    screen = _screen(qtbot, controller)
    assert not screen.start_button.isEnabled()
    assert "New person" in screen.start_error.text()
    qtbot.mouseClick(screen.new_person_button, Qt.MouseButton.LeftButton)
    dlg = screen.person_dialog
    assert dlg is not None
    dlg.form.name.setText("Данияр")
    dlg.accept()
    assert screen.people_list.currentItem().text().startswith("Данияр")
    qtbot.keyClick(screen.people_list, Qt.Key.Key_Return)  # Enter on a person starts
    [emergency] = controller.desk.list_emergencies()
    assert controller.desk.get_person(emergency.person_id).name == "Данияр"
    assert screen.stack.currentWidget() is screen.emergency_page


def test_another_place_and_a_second_emergency(qtbot, controller, clock, people):
    desk = controller.desk
    screen = _screen(qtbot, controller)
    _start_for(qtbot, screen, "Айгерим")
    first = screen.current_id
    screen.side.setCurrentWidget(screen.places_tab)
    assert "No places in your list yet" in screen.places_summary.text()
    qtbot.mouseClick(screen.other_place_button, Qt.MouseButton.LeftButton)
    dlg = screen.check_dialog
    assert dlg is not None
    dlg.place_edit.setText("Больница №7")
    dlg.answer.setText("не поступала")
    dlg.accept()
    assert screen.places_list.count() == 1
    assert "Больница №7" in screen.places_list.item(0).text()
    # someone else detained the same night: a second emergency, the first stays open
    qtbot.mouseClick(screen.others_button, Qt.MouseButton.LeftButton)
    assert screen.stack.currentWidget() is screen.start_page
    _start_for(qtbot, screen, "Коллега Динара")
    assert screen.current_id != first
    assert len(desk.list_emergencies(open_only=True)) == 2
    screen.show_start()
    assert screen.past_list.count() == 2
    for i in range(2):
        if screen.past_list.item(i).data(Qt.ItemDataRole.UserRole) == first:
            screen.past_list.setCurrentRow(i)
    screen.open_selected_emergency()
    assert screen.current_id == first
    assert _log_lines(screen)[-1] == "23:40 — Больница №7: не поступала"


# -- first steps, card language, places edited -----------------------------------------------


def test_edit_the_steps_then_back_to_the_shipped_ones(qtbot, controller, clock, people):
    desk = controller.desk
    screen = _screen(qtbot, controller)
    _start_for(qtbot, screen, "Айгерим")
    qtbot.mouseClick(screen.edit_steps_button, Qt.MouseButton.LeftButton)
    dlg = screen.steps_dialog
    assert isinstance(dlg, StepsDialog)
    assert dlg.disclaimer.text() == guidance.DISCLAIMER["en"]
    dlg.text.setPlainText("Позвонить Нурлану\n\n  Объехать РОВД Алмалинского района  \n")
    dlg.accept()
    assert desk.first_steps("en").steps == (
        "Позвонить Нурлану",
        "Объехать РОВД Алмалинского района",
    )
    texts = [screen.steps_list.item(i).text() for i in range(screen.steps_list.count())]
    assert texts == ["Позвонить Нурлану", "Объехать РОВД Алмалинского района"]
    assert screen.steps_disclaimer.text() == guidance.DISCLAIMER["en"]  # edited or not
    assert "Позвонить Нурлану" in screen.card_view.toPlainText()
    # back to the shipped wording (after a confirmation)
    dlg = screen.edit_steps()
    assert "your wording" in dlg.status.text()
    dialogs.set_next_answer(QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(dlg.reset_button, Qt.MouseButton.LeftButton)
    dlg.reject()
    assert not desk.first_steps("en").edited
    assert screen.steps_list.count() == len(guidance.shipped("en").steps)


def test_the_card_in_another_language(qtbot, controller, clock, people):
    screen = _screen(qtbot, controller)
    _start_for(qtbot, screen, "Айгерим")
    screen.side.setCurrentWidget(screen.card_tab)
    assert screen.card_language.currentData() == "en"
    screen.card_language.setCurrentIndex(screen.card_language.findData("ru"))
    card = screen.card_view.toPlainText()
    assert guidance.shipped("ru").steps[0] in flat(card)
    assert guidance.DISCLAIMER["ru"] in flat(card)


def test_edit_and_delete_in_advance(qtbot, controller, clock, people):
    desk = controller.desk
    screen = _screen(qtbot, controller)
    _prepare(qtbot, screen)
    screen.tabs.setCurrentWidget(screen.prep)
    screen.places_tree.setCurrentItem(screen.places_tree.topLevelItem(1))
    qtbot.keyClick(screen.places_tree, Qt.Key.Key_Return)  # Enter edits
    dlg = screen.listed_dialog
    assert isinstance(dlg, ListedDialog)
    assert dlg.name.text() == "Городская больница"
    dlg.phones.setText("")
    dlg.address.setText("ул. Образцовая, 2")
    dlg.accept()
    assert dlg.error.text() == ""  # a place may have no number yet
    assert desk.list_emergency_places()[1].address == "ул. Образцовая, 2"
    # a lawyer needs a number: refused in the dialog, nothing saved
    screen.add_contact()
    dlg = screen.listed_dialog
    assert dlg is not None
    dlg.name.setText("Помощник без номера")
    dlg.accept()
    assert "Phone numbers" in dlg.error.text()
    assert len(desk.list_emergency_contacts()) == 1
    dialogs.set_next_answer(QMessageBox.StandardButton.Discard)  # she typed a name: asked
    dlg.reject()
    assert not dlg.isVisible()
    # delete after a confirmation
    screen.places_tree.setCurrentItem(screen.places_tree.topLevelItem(0))
    dialogs.set_next_answer(QMessageBox.StandardButton.No)
    screen.delete_place()
    assert len(desk.list_emergency_places()) == 2
    dialogs.set_next_answer(QMessageBox.StandardButton.Yes)
    screen.delete_place()
    assert [p.name for p in desk.list_emergency_places()] == ["Городская больница"]
    assert screen.places_tree.topLevelItemCount() == 1


# -- language, locking, accessibility -------------------------------------------------------


def test_a_change_of_language_renders_the_night_again(qtbot, controller, clock, people):
    desk = controller.desk
    screen = _screen(qtbot, controller)
    _start_for(qtbot, screen, "Айгерим")
    _type_entry(qtbot, screen, "Позвонила адвокату")
    controller.set_language("ru")
    assert flat(_log_lines(screen)[0]) == "14 марта 2022 г."
    texts = [screen.steps_list.item(i).text() for i in range(screen.steps_list.count())]
    assert texts == list(desk.first_steps("ru").steps)
    assert screen.steps_disclaimer.text() == guidance.DISCLAIMER["ru"]
    assert screen.card_language.currentData() == "ru"


def test_locking_drops_what_is_shown(qtbot, controller, clock, people):
    screen = _screen(qtbot, controller)
    _start_for(qtbot, screen, "Айгерим")
    _type_entry(qtbot, screen, "Позвонила адвокату")
    screen.entry.setText("недописанное")
    controller.lock()
    assert screen.log_view.count() == 0
    assert screen.card_view.toPlainText() == ""
    assert screen.entry.text() == ""
    assert screen.em_heading.text() == ""


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_every_part_is_named_and_reachable(qtbot, make_controller, lang, tmp_path):
    c = make_controller(lang)
    c.desk.clock = Clock(T0)
    daughter = c.desk.add_person({"name": "Айгерим", "role": "family", "relation": "child"})
    c.desk.add_emergency_place({"kind": "police", "name": "РОВД", "phones": ["+7 727 000 00 01"]})
    screen = _screen(qtbot, c)
    mw = c.main_window
    chrome = [mw.nav, mw.lock_button, mw.emergency_button]
    screen.tabs.setCurrentWidget(screen.prep)
    assert unnamed([screen, *chrome]) == []
    assert unreachable(mw, [screen, *chrome]) == []
    screen.tabs.setCurrentWidget(screen.night)
    emergency = c.desk.start_emergency(daughter.id)
    screen.navigate_with(emergency_id=emergency.id)
    for tab in (screen.steps_tab, screen.places_tab, screen.details_tab, screen.card_tab):
        screen.side.setCurrentWidget(tab)
        assert unnamed([screen, *chrome]) == [], tab
        assert unreachable(mw, [screen, *chrome]) == [], tab
    place = c.desk.list_emergency_places()[0]
    for dlg in (
        screen.check_place(place.id),
        screen.check_place(None),
        screen.edit_steps(),
        screen.close_emergency(),
        ListedDialog(c, "place", place, mw),
        ListedDialog(c, "contact", None, mw),
    ):
        assert dlg is not None
        qtbot.addWidget(dlg)
        dlg.show()
        qtbot.waitExposed(dlg)
        assert unnamed([dlg]) == [], type(dlg).__name__
        assert unreachable(dlg, [dlg]) == [], type(dlg).__name__
        dlg.reject()


def test_the_card_is_never_saved_without_the_warning(qtbot, controller, clock, people, tmp_path):
    """The warning comes first, always: with no answer queued for it, the hook refuses a real
    modal box, and neither the picker nor a file is reached — even with a path queued."""
    screen = _screen(qtbot, controller)
    _start_for(qtbot, screen, "Айгерим")
    filepicker.set_next_result(tmp_path / "card.pdf")
    with pytest.raises(AssertionError, match="real modal"):
        screen.save_card()
    assert filepicker.shown == []
    assert list(tmp_path.glob("*.pdf")) == []


def test_the_next_log_entry_and_the_details_are_kept_at_lock(qtbot, controller, clock, people):
    """Half a line typed in the log at 2 a.m. survives the idle lock (issue 17, item 1)."""
    screen = _screen(qtbot, controller)
    em = controller.desk.start_emergency(people["daughter"].id)
    screen.refresh()
    screen._show_emergency_page(em.id)
    screen.entry.setText("02:10 позвонил дежурный РОВД, сказал ждать")
    screen.d_phone.setText("+7 701 555 00 00")
    assert controller.save_drafts() == 2
    kinds = {d.kind: d for d in controller.desk.list_drafts()}
    assert set(kinds) == {"emergency_entry", "emergency_details"}
    assert kinds["emergency_entry"].record_id == em.id
    from defender_desk.ui.kit.form import close_editors, offer_drafts

    close_editors(controller)
    screen.entry.clear()
    screen.d_phone.clear()
    offer = offer_drafts(controller)
    while offer.list.count():
        offer.continue_selected()
    assert screen.entry.text() == "02:10 позвонил дежурный РОВД, сказал ждать"
    assert screen.d_phone.text() == "+7 701 555 00 00"
