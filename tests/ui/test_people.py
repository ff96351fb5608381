"""People: add, edit, delete, the role-dependent fields, where a person appears, and the
message when a person still named in incidents is deleted."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from defender_desk.domain.models import PersonRole
from defender_desk.ui.kit import confirm as dialogs
from defender_desk.ui.screens.people import PeopleScreen
from defender_desk.ui.screens.person_form import PersonDialog


def _screen(controller) -> PeopleScreen:
    screen = controller.main_window.show_screen("people")
    assert isinstance(screen, PeopleScreen)
    return screen


def _names(screen: PeopleScreen) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for i in range(screen.tree.topLevelItemCount()):
        group = screen.tree.topLevelItem(i)
        role = group.data(0, Qt.ItemDataRole.UserRole + 1)
        out[role] = [group.child(j).text(0) for j in range(group.childCount())]
    return out


def test_add_edit_delete_a_person(controller, qtbot):
    screen = _screen(controller)
    screen.new_person()
    form = screen.form
    form.name.setText("Айгерим")
    assert form.form.isRowVisible(form.relation)
    assert not form.form.isRowVisible(form.institution)
    form.relation.setCurrentIndex(form.relation.findData("child"))
    screen.save_button.click()
    people = controller.desk.list_people()
    assert [(p.name, p.role.value, p.relation.value) for p in people] == [
        ("Айгерим", "family", "child")
    ]
    assert _names(screen)["family"] == ["Айгерим"]
    assert screen.current_id == people[0].id
    assert screen.panel.box.title() == "Edit person"

    form.name.setText("Айгерим (старшая дочь)")
    screen.save_button.click()
    assert controller.desk.get_person(people[0].id).name == "Айгерим (старшая дочь)"
    assert len(controller.desk.list_people()) == 1

    dialogs.set_next_answer(QMessageBox.StandardButton.No)
    screen.delete_button.click()
    assert len(controller.desk.list_people()) == 1
    dialogs.set_next_answer(QMessageBox.StandardButton.Yes)
    screen.delete_button.click()
    assert controller.desk.list_people() == []
    assert "purged from the history" in dialogs.shown[-1][1]
    assert _names(screen)["family"] == []
    # the person's content is gone from the history, only hashes remain
    assert all(r["content"] is None for r in controller.desk.history_of(people[0].id))


def test_actor_has_an_institution_not_a_relation(controller):
    screen = _screen(controller)
    screen.new_person()
    form = screen.form
    form.name.setText("РОВД")
    form.role.setCurrentIndex(form.role.findData("actor"))
    assert form.form.isRowVisible(form.institution)
    assert not form.form.isRowVisible(form.relation)
    form.relation.setCurrentIndex(form.relation.findData("child"))  # hidden: must not be sent
    form.institution.setCurrentIndex(form.institution.findData("police"))
    screen.save_button.click()
    (person,) = controller.desk.list_people()
    assert person.role is PersonRole.ACTOR
    assert person.institution.value == "police"
    assert person.relation is None
    item = screen.person_item(person.id)
    assert item.text(1) == "Police"


def test_refused_input_is_shown_by_the_form(controller):
    screen = _screen(controller)
    screen.new_person()
    screen.form.name.setText("   ")
    screen.save_button.click()
    assert controller.desk.list_people() == []
    assert screen.form.error.text() == "Name or alias: must not be empty"


def test_person_in_use_names_the_incidents(controller, scenario):
    screen = _screen(controller)
    police = scenario["people"]["police"]
    screen.refresh()
    screen.select_person(police.id)
    assert screen.current_id == police.id
    dialogs.set_next_answer(QMessageBox.StandardButton.Yes)
    dialogs.set_next_answer(QMessageBox.StandardButton.Ok)
    screen.delete_button.click()
    kind, text = dialogs.shown[-1]
    assert kind == "Warning"
    assert "still named in 4 incidents" in text
    for key in ("planted", "seized_phone", "rally", "eviction"):
        assert scenario["incidents"][key].title in text
    assert controller.desk.get_person(police.id).name == police.name  # still there


def test_where_this_person_appears(controller, scenario):
    screen = _screen(controller)
    screen.refresh()
    daughter = scenario["people"]["daughter"]
    screen.select_person(daughter.id)
    texts = [screen.appears.item(i).text() for i in range(screen.appears.count())]
    assert len(texts) == 2
    assert texts[0].startswith("14 March 2022, 23:00 — ")
    assert all("(aimed at)" in t for t in texts)
    assert "2 incidents" in screen.appears_note.text()
    # The button sends the list to the incident screen, filtered to those incidents.
    screen.show_all_button.click()
    incidents = controller.main_window.current_screen()
    assert incidents.key == "incidents"
    assert incidents.model.rowCount() == 2
    assert incidents.extra_label.isVisible() or incidents.extra_label.text()
    lawyer = scenario["people"]["lawyer"]
    screen.select_person(lawyer.id)
    assert screen.appears.count() == 0
    assert screen.appears_note.text() == "No incident names this person."
    assert not screen.show_all_button.isEnabled()


def test_person_dialog_adds_inline(controller, qtbot):
    dialog = PersonDialog(controller, None, PersonRole.ACTOR)
    qtbot.addWidget(dialog)
    assert dialog.form.role.currentData() == "actor"
    dialog.form.name.setText("")
    dialog.save()
    assert dialog.person is None and dialog.form.error.text()
    dialog.form.name.setText("Частный судебный исполнитель")
    dialog.form.institution.setCurrentIndex(dialog.form.institution.findData("bailiff"))
    dialog.save()
    assert dialog.result() == PersonDialog.DialogCode.Accepted
    assert dialog.person is not None
    assert controller.desk.get_person(dialog.person.id).institution.value == "bailiff"


def test_group_heading_prepares_a_person_of_that_role(controller):
    screen = _screen(controller)
    for i in range(screen.tree.topLevelItemCount()):
        group = screen.tree.topLevelItem(i)
        if group.data(0, Qt.ItemDataRole.UserRole + 1) == "lawyer":
            screen.tree.setCurrentItem(group)
    assert screen.current_id is None
    assert screen.form.role.currentData() == "lawyer"
    screen.form.name.setText("Адвокат Нурлан")
    screen.save_button.click()
    assert [p.role.value for p in controller.desk.list_people()] == ["lawyer"]


def test_keyboard_new_and_delete(controller, qtbot, scenario):
    screen = _screen(controller)
    controller.main_window.activateWindow()
    qtbot.waitUntil(lambda: controller.main_window.isActiveWindow())
    screen.select_person(scenario["people"]["lawyer"].id)
    screen.tree.setFocus()
    dialogs.set_next_answer(QMessageBox.StandardButton.Yes)
    qtbot.keyClick(screen.tree, Qt.Key.Key_Delete)
    assert scenario["people"]["lawyer"].id not in {p.id for p in controller.desk.list_people()}
    qtbot.keyClick(screen.tree, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert screen.current_id is None
    assert screen.form.name.hasFocus()


def test_switching_language_redraws_in_place(controller, scenario):
    screen = _screen(controller)
    screen.refresh()
    daughter = scenario["people"]["daughter"]
    screen.select_person(daughter.id)
    controller.set_language("ru")
    # The selection survives and record dates are rendered in the new language at once.
    assert screen.current_id == daughter.id
    assert screen.appears.item(0).text().startswith("14 марта 2022\u00a0г., 23:00 — ")
    controller.set_language("en")
    assert screen.appears.item(0).text().startswith("14 March 2022, 23:00 — ")


def test_new_person_starts_as_family_not_the_previous_role(controller, scenario):
    """«Новый человек» after looking at an actor: a family member by default (issue 17)."""
    screen = _screen(controller)
    screen.refresh()
    screen.select_person(scenario["people"]["police"].id)
    assert screen.form.role.currentData() == "actor"
    screen.new_person()
    assert screen.form.role.currentData() == "family"


def test_switching_person_with_changes_asks(controller, scenario):
    """Edits are never dropped by choosing another person: Keep editing stays, Save saves,
    Discard drops them (issue 17, item 1)."""
    screen = _screen(controller)
    screen.refresh()
    daughter, lawyer = scenario["people"]["daughter"], scenario["people"]["lawyer"]
    screen.select_person(daughter.id)
    screen.form.name.setText("Айгерим (дочь)")
    dialogs.set_next_answer(QMessageBox.StandardButton.Cancel)  # Keep editing
    screen.select_person(lawyer.id)
    assert screen.current_id == daughter.id
    assert screen.form.name.text() == "Айгерим (дочь)"
    assert "not saved" in dialogs.shown[-1][1]
    dialogs.set_next_answer(QMessageBox.StandardButton.Save)
    screen.select_person(lawyer.id)
    assert screen.current_id == lawyer.id
    assert controller.desk.get_person(daughter.id).name == "Айгерим (дочь)"
    screen.form.notes.setPlainText("звонить после 18:00")
    dialogs.set_next_answer(QMessageBox.StandardButton.Discard)
    screen.new_person()
    assert controller.desk.get_person(lawyer.id).notes == ""
    # nothing changed: no question
    shown = len(dialogs.shown)
    screen.select_person(daughter.id)
    assert len(dialogs.shown) == shown


def test_person_form_is_kept_as_a_draft_at_lock_and_offered_after(controller, scenario):
    """A lock with an unsaved person keeps it, encrypted, in the vault; after unlock she
    continues it (issue 17, item 1)."""
    screen = _screen(controller)
    screen.refresh()
    daughter = scenario["people"]["daughter"]
    screen.select_person(daughter.id)
    screen.form.notes.setPlainText("учится в колледже, общежитие №2")
    assert controller.save_drafts() == 1
    (draft,) = controller.desk.list_drafts()
    assert draft.kind == "person" and draft.record_id == daughter.id
    assert draft.payload["notes"] == "учится в колледже, общежитие №2"
    assert controller.desk.get_person(daughter.id).notes == ""  # the record is untouched
    # a new session: the main window again, the draft offered
    controller.unlocked()
    from defender_desk.ui.kit.form import offer_drafts

    offer = offer_drafts(controller)
    assert offer is not None and offer.list.count() == 1
    assert "Person: Айгерим" in offer.list.item(0).text()
    offer.continue_selected()
    screen = controller.main_window.screens["people"]
    assert screen.current_id == daughter.id
    assert screen.form.notes.toPlainText() == "учится в колледже, общежитие №2"
    screen.save_button.click()
    assert controller.desk.get_person(daughter.id).notes == "учится в колледже, общежитие №2"
    assert controller.desk.list_drafts() == []
