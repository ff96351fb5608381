"""The incident list: what it shows, the lazy model, search in Cyrillic and Kazakh, filters,
navigation from other screens, delete with confirmation, history, keyboard."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from defender_desk.domain.dates import FuzzyDate
from defender_desk.ui.kit import confirm as dialogs
from defender_desk.ui.screens.incident_editor import HistoryDialog, IncidentEditor
from defender_desk.ui.screens.incidents import (
    COL_ACTORS,
    COL_CATEGORY,
    COL_DATE,
    COL_EVIDENCE,
    COL_TARGETS,
    COL_TITLE,
    PAGE_SIZE,
    IncidentsScreen,
)
from defender_desk.vault.records import IncidentFilter


def _screen(controller) -> IncidentsScreen:
    screen = controller.main_window.show_screen("incidents")
    assert isinstance(screen, IncidentsScreen)
    return screen


def _cell(screen: IncidentsScreen, row: int, col: int) -> str:
    return screen.model.index(row, col).data()


def _titles(screen: IncidentsScreen) -> list[str]:
    return [_cell(screen, r, COL_TITLE) for r in range(screen.model.rowCount())]


def _search(qtbot, screen: IncidentsScreen, text: str) -> None:
    screen.search.setText(text)
    qtbot.waitUntil(lambda: screen.model.flt.query == (text.strip() or None), timeout=3000)


def test_list_shows_the_scenario_newest_first(controller, scenario):
    screen = _screen(controller)
    assert screen.model.rowCount() == 7
    assert screen.count_label.text() == "7 incidents"
    assert _cell(screen, 0, COL_DATE) == "14 March 2022, 23:00"
    assert _cell(screen, 0, COL_CATEGORY) == "Messages sent from a seized phone"
    assert _cell(screen, 0, COL_TARGETS) == "Myself, Айгерим"
    assert _cell(screen, 0, COL_ACTORS) == "РОВД (районный отдел полиции)"
    dates = [_cell(screen, r, COL_DATE) for r in range(7)]
    assert dates[2:] == ["about 2021", "about 2021", "about 2021", "2017", "April 2016"]
    assert screen.table.currentIndex().row() == 0
    assert screen.preview.text().startswith(scenario["incidents"]["seized_phone"].title)


def test_evidence_count_column(controller, scenario, tmp_path):
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"\xff\xd8\xff not really a jpeg")
    controller.desk.add_evidence(scenario["incidents"]["planted"].id, photo)
    screen = _screen(controller)
    counts = {
        _cell(screen, r, COL_TITLE): _cell(screen, r, COL_EVIDENCE)
        for r in range(screen.model.rowCount())
    }
    assert counts[scenario["incidents"]["planted"].title] == "1"
    assert counts[scenario["incidents"]["rally"].title] == ""


def test_lazy_model_fetches_pages_only_as_shown(controller, qtbot):
    desk = controller.desk
    for n in range(2000):
        desk.add_incident(
            {
                "category": "020103010000",
                "title": f"Угроза №{n:04d}",
                "happened": f"{2000 + n // 120}-{n % 12 + 1:02d}",
            }
        )
    screen = _screen(controller)
    model = screen.model
    controller.main_window.resize(1180, 760)
    qtbot.waitUntil(lambda: bool(model.fetched))
    assert model.rowCount() == 2000
    assert screen.count_label.text() == "2000 incidents"
    assert set(model.fetched) == {0}  # the first screenful only
    screen.table.scrollToBottom()
    qtbot.waitUntil(lambda: 2000 // PAGE_SIZE - 1 in model.fetched)
    assert set(model.fetched) <= {0, 2000 // PAGE_SIZE - 1}
    # Every row is reachable, and each page is fetched once while it stays cached.
    assert _cell(screen, 1999, COL_TITLE).startswith("Угроза №")
    assert _cell(screen, 1000, COL_TITLE).startswith("Угроза №")
    fetched = list(model.fetched)
    _cell(screen, 1001, COL_TITLE)
    assert model.fetched == fetched
    titles = {_cell(screen, r, COL_TITLE) for r in range(2000)}
    assert len(titles) == 2000
    # A filter reloads the count without fetching rows it does not show.
    _search(qtbot, screen, "№0042")
    assert model.rowCount() == 1
    assert _cell(screen, 0, COL_TITLE) == "Угроза №0042"


def test_search_cyrillic_and_kazakh(controller, scenario, qtbot):
    desk = controller.desk
    desk.add_incident(
        {
            "category": "020103010200",
            "title": "Қызыма қорқыту хабарламасы",
            "description": "Белгісіз нөмірден келді",
            "happened": "2023-05-14",
        }
    )
    screen = _screen(controller)
    assert screen.model.rowCount() == 8
    screen.search.setText("наркотики")
    # Debounced: nothing is queried while she is still typing.
    assert screen.model.rowCount() == 8
    assert screen.search_timer.isActive()
    qtbot.waitUntil(lambda: screen.model.rowCount() == 1, timeout=3000)
    assert _titles(screen) == [scenario["incidents"]["planted"].title]
    _search(qtbot, screen, "ҚОРҚЫТУ")  # Kazakh letters, any case
    assert _titles(screen) == ["Қызыма қорқыту хабарламасы"]
    _search(qtbot, screen, "нөмір")  # in the description
    assert _titles(screen) == ["Қызыма қорқыту хабарламасы"]
    # two letters: not searched while typing (a scan of every record), only on Enter
    screen.search.setText("қы")
    qtbot.wait(400)
    assert screen.model.flt.query == "нөмір"
    screen.search.returnPressed.emit()
    qtbot.waitUntil(lambda: screen.model.flt.query == "қы", timeout=3000)
    assert "Қызыма қорқыту хабарламасы" in _titles(screen)
    _search(qtbot, screen, "айгерим")  # a person's name, lower case
    assert sorted(_titles(screen)) == sorted(
        [scenario["incidents"]["planted"].title, scenario["incidents"]["seized_phone"].title]
    )
    _search(qtbot, screen, "ничего такого нет")
    assert screen.model.rowCount() == 0
    assert screen.empty_label.isVisible()
    assert "Clear the search" in screen.empty_label.text()
    _search(qtbot, screen, "")
    assert screen.model.rowCount() == 8


def _choose(combo, data) -> None:
    index = combo.findData(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)


def test_filters(controller, scenario, tmp_path):
    screen = _screen(controller)
    inc, people = scenario["incidents"], scenario["people"]
    title = {k: v.title for k, v in inc.items()}

    _choose(screen.target, people["daughter"].id)
    assert sorted(_titles(screen)) == sorted([title["planted"], title["seized_phone"]])
    _choose(screen.target, "self")
    assert len(_titles(screen)) == 4
    _choose(screen.target, None)

    _choose(screen.actor, people["police"].id)
    assert len(_titles(screen)) == 4
    _choose(screen.channel, "sms")
    assert _titles(screen) == [title["seized_phone"]]
    screen.clear_filters()
    assert screen.model.rowCount() == 7

    # A category includes the ones below it: "Harassment" covers threats, summons, planting…
    _choose(screen.category, "020103000000")
    assert set(_titles(screen)) == {
        title[k] for k in ("eviction", "conversation", "spouse_threat", "creditor", "planted")
    }
    _choose(screen.category, None)

    _choose(screen.actor_kind, "bank")
    assert _titles(screen) == [title["creditor"]]
    _choose(screen.actor_kind, None)

    _choose(screen.severity, 5)
    assert set(_titles(screen)) == {title["spouse_threat"], title["planted"]}
    _choose(screen.severity, None)

    photo = tmp_path / "p.png"
    photo.write_bytes(b"\x89PNG")
    controller.desk.add_evidence(inc["rally"].id, photo)
    _choose(screen.has_evidence, True)
    assert _titles(screen) == [title["rally"]]
    _choose(screen.has_evidence, False)
    assert len(_titles(screen)) == 6
    _choose(screen.has_evidence, None)

    # Dates: an uncertain incident is shown when it may fall in the range.
    screen.date_from.setText("2016")
    screen.date_until.setText("2017-12")
    screen.date_until.editingFinished.emit()
    assert set(_titles(screen)) == {title["rally"], title["eviction"]}
    screen.date_from.setText("2022-03-14")
    screen.date_until.setText("2022-03-14")
    screen.date_until.editingFinished.emit()
    # "about 2021" may be 2022 too (a year either side), so it stays in the list.
    assert set(_titles(screen)) == {
        title[k] for k in ("planted", "seized_phone", "conversation", "spouse_threat", "creditor")
    }
    screen.date_from.setText("2023")
    screen.date_until.setText("")
    screen.date_until.editingFinished.emit()
    assert _titles(screen) == []
    # A date that cannot be is named and ignored, not guessed.
    screen.date_from.setText("2022-02-30")
    screen.date_from.editingFinished.emit()
    assert "that day does not exist in that month" in screen.filter_error.text()
    assert screen.model.rowCount() == 7
    screen.clear_filters()
    assert screen.filter_error.text() == ""
    assert screen.date_from.text() == ""


def test_navigate_with_a_month_and_with_a_filter(controller, scenario):
    screen = _screen(controller)
    inc = scenario["incidents"]
    shown = controller.main_window.show_screen("incidents", month=(2016, 4))
    assert shown is screen
    assert screen.date_from.text() == screen.date_until.text() == "2016-04"
    assert _titles(screen) == [inc["rally"].title]

    flt = IncidentFilter(
        ids=[inc["rally"].id, inc["planted"].id],
        date_from=FuzzyDate.in_year(2010),
        categories=["DD-FABRICATED", "120105000000"],
    )
    controller.main_window.show_screen("incidents", filter=flt)
    assert sorted(_titles(screen)) == sorted([inc["rally"].title, inc["planted"].title])
    assert screen.date_from.text() == "2010"
    # What has no widget of its own is said in words, and can be cleared.
    assert screen.extra_label.isVisibleTo(screen)
    assert "a selection of 2 incidents" in screen.extra_label.text()
    assert "Fabricated charges or planted evidence" in screen.extra_label.text()
    screen.clear_filters()
    assert screen.model.rowCount() == 7
    assert not screen.extra_label.isVisibleTo(screen)


def test_delete_asks_and_says_what_is_purged(controller, scenario, tmp_path):
    screen = _screen(controller)
    planted = scenario["incidents"]["planted"]
    letter = tmp_path / "letter.txt"
    letter.write_text("протокол", encoding="utf-8")
    controller.desk.add_evidence(planted.id, letter)
    screen.refresh()
    row = _titles(screen).index(planted.title)
    screen.table.selectRow(row)

    dialogs.set_next_answer(QMessageBox.StandardButton.No)
    screen.delete_button.click()
    assert controller.desk.get_incident(planted.id).title == planted.title
    text = dialogs.shown[-1][1]
    assert planted.title in text
    assert "purged from the history" in text
    assert "1 evidence file stays in the vault" in text

    dialogs.set_next_answer(QMessageBox.StandardButton.Yes)
    screen.delete_button.click()
    assert planted.title not in _titles(screen)
    assert screen.model.rowCount() == 6
    assert controller.desk.count_incidents() == 6
    revisions = controller.desk.history_of(planted.id)
    assert [r["operation"] for r in revisions] == ["create", "delete"]
    assert all(r["content"] is None for r in revisions)


def test_history_dialog(controller, scenario, qtbot, tmp_path):
    screen = _screen(controller)
    rally = scenario["incidents"]["rally"]
    controller.desk.edit_incident(rally.id, {"place": "Алматы"})
    screen.refresh()
    screen.table.selectRow(_titles(screen).index(rally.title))
    screen.history_button.click()
    history = screen.history
    assert isinstance(history, HistoryDialog)
    table = history.table
    assert table.rowCount() == 2
    assert [table.item(r, 1).text() for r in range(2)] == ["Created", "Edited"]
    assert [table.item(r, 3).text() for r in range(2)] == ["kept", "kept"]
    assert table.item(1, 4).text() == controller.desk.history_of(rally.id)[1]["hash"]
    assert len(table.item(1, 2).text()) == len("2026-11-25 10:00:00")
    history.close()
    # A deleted evidence file: its revisions are marked purged.
    f = tmp_path / "x.txt"
    f.write_text("x", encoding="utf-8")
    ev = controller.desk.add_evidence(rally.id, f)
    controller.desk.delete_evidence(ev.id)
    purged = HistoryDialog(controller.desk, ev.id)
    qtbot.addWidget(purged)
    assert purged.purged_rows() == [0, 1]
    assert [purged.table.item(r, 3).text() for r in range(2)] == ["purged", "purged"]
    assert purged.table.item(1, 1).text() == "Deleted"


def test_open_by_double_click_enter_and_button(controller, scenario, qtbot):
    screen = _screen(controller)
    table = screen.table
    rect = table.visualRect(screen.model.index(1, COL_TITLE))
    # A real double-click starts with a press (QTest's double-click event alone lacks it).
    qtbot.mousePress(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    editor = screen.editor
    assert isinstance(editor, IncidentEditor)
    assert editor.incident_id == screen.model.incident_id(1)
    editor.reject()
    screen.editor = None
    table.setFocus()
    table.selectRow(2)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert screen.editor is not None and screen.editor.incident_id == screen.model.incident_id(2)
    screen.editor.reject()
    screen.edit_button.click()
    assert screen.editor.incident_id == screen.model.incident_id(2)
    screen.editor.reject()


def test_keyboard_shortcuts(controller, scenario, qtbot):
    screen = _screen(controller)
    mw = controller.main_window
    mw.activateWindow()
    qtbot.waitUntil(mw.isActiveWindow)
    screen.table.setFocus()
    qtbot.keyClick(screen.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert screen.search.hasFocus()
    # Delete in the search box edits text; it never deletes an incident.
    screen.search.setText("abc")
    screen.search.setCursorPosition(0)
    qtbot.keyClick(screen.search, Qt.Key.Key_Delete)
    assert screen.search.text() == "bc"
    assert dialogs.shown == []
    screen.search.clear()
    screen.apply_filters()
    screen.table.setFocus()
    screen.table.selectRow(0)
    first = screen.model.incident_id(0)
    dialogs.set_next_answer(QMessageBox.StandardButton.Yes)
    qtbot.keyClick(screen.table, Qt.Key.Key_Delete)
    assert controller.desk.count_incidents() == 6
    assert first not in {i.id for i in controller.desk.list_incidents()}
    qtbot.keyClick(screen.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert isinstance(screen.editor, IncidentEditor)
    assert screen.editor.incident_id is None
    screen.editor.reject()


def test_people_changes_reach_the_filters(controller, scenario):
    screen = _screen(controller)
    new = controller.desk.add_person({"name": "Участковый", "role": "actor"})
    controller.main_window.show_screen("people")
    controller.main_window.show_screen("incidents")
    assert screen.actor.findData(new.id) >= 0


def test_language_switch_rerenders_dates_and_categories(controller, scenario):
    screen = _screen(controller)
    controller.set_language("ru")
    assert _cell(screen, 0, COL_DATE) == "14 марта 2022\u00a0г., 23:00"
    assert _cell(screen, 0, COL_CATEGORY) == "Сообщения с изъятого телефона"
    controller.set_language("kk")
    assert _cell(screen, 0, COL_DATE).startswith("2022\u00a0ж.")
    controller.set_language("en")
    assert _cell(screen, 0, COL_DATE) == "14 March 2022, 23:00"


def test_locking_drops_what_the_list_shows(controller, scenario):
    screen = _screen(controller)
    editor = screen.new_incident()
    assert screen.model.rowCount() == 7
    controller.lock()
    assert controller.restarts == 1
    assert screen.model.rowCount() == 0
    assert screen.preview.text() == ""
    assert not editor.isVisible()
    people = controller.main_window.screens["people"]
    assert people.tree.topLevelItemCount() == 0
    assert people.form.name.text() == ""
    # A repaint or a language switch after locking asks nothing of the closed vault.
    controller.set_language("ru")
    screen.table.viewport().repaint()
    controller.set_language("en")
