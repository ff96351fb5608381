"""The incident editor: the main story (a threat to her daughter, with a photo), editing, the
date-precision control, the category picker, summons fields, validation next to the form,
evidence dropped in and viewed from memory — with nothing written outside the vault."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QAccessible, QColor, QDragEnterEvent, QDropEvent, QImage, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QScrollBar,
    QWidget,
)

from defender_desk.domain.dates import FuzzyDate, Precision
from defender_desk.ui import filepicker
from defender_desk.ui.kit import confirm as dialogs
from defender_desk.ui.kit.viewer import EvidenceViewer
from defender_desk.ui.screens.incident_editor import IncidentEditor
from defender_desk.ui.screens.incident_parts import DateControl
from defender_desk.ui.screens.incidents import COL_EVIDENCE, COL_TITLE, IncidentsScreen


def _screen(controller) -> IncidentsScreen:
    screen = controller.main_window.show_screen("incidents")
    assert isinstance(screen, IncidentsScreen)
    return screen


def _photo(path: Path) -> Path:
    image = QImage(320, 200, QImage.Format.Format_RGB32)
    image.fill(QColor("#3b82f6"))
    assert image.save(str(path))
    return path


def _wait_import(qtbot, editor: IncidentEditor) -> None:
    assert editor.job is not None
    qtbot.waitUntil(lambda: not editor.job.thread.isRunning(), timeout=30_000)
    qtbot.waitUntil(lambda: editor.job.dialog.isHidden() or not editor.job.dialog.isVisible())
    QApplication.processEvents()


def _type(widget, text: str) -> None:
    """Type ``text`` as key presses (QTest's keyClicks handles ASCII only, not Cyrillic)."""
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


def _check(checklist, person_id: str) -> None:
    checklist.set_checked(person_id, True)


def _pick_category(qtbot, editor: IncidentEditor, search: str, code: str) -> None:
    editor.category.search.setText(search)
    editor.category.search.returnPressed.emit()
    assert editor.category.code() == code


def test_threat_to_her_daughter_with_a_photo(controller, scenario, qtbot, tmp_path):
    """The story from the issue: she records a threat to her daughter and attaches a photo."""
    desk = controller.desk
    daughter = scenario["people"]["daughter"]
    screen = _screen(controller)
    editor = screen.new_incident()
    assert editor.windowTitle() == "New incident"
    assert not editor.summons_box.isVisibleTo(editor)

    _pick_category(qtbot, editor, "угрозы семье", "020103010200")
    assert "Threats against the victim's family" in editor.category.chosen.text()
    editor.title_edit.setText("Сообщение: «подумай о дочери»")
    editor.description.setPlainText("Пришло с незнакомого номера в 22:10.")
    editor.start.precision.setCurrentIndex(editor.start.precision.findData("exact"))
    editor.start.datetime_edit.setDateTime(
        editor.start.datetime_edit.dateTime().fromString("2023-05-14 22:10", "yyyy-MM-dd HH:mm")
    )
    _check(editor.targets, daughter.id)
    # The sender is new: added without leaving the editor, and ticked at once.
    editor.actors.new_button.click()
    inline = editor.actors.dialog
    assert inline is not None and inline.form.role.currentData() == "actor"
    inline.form.name.setText("Неизвестный номер")
    inline.form.institution.setCurrentIndex(inline.form.institution.findData("unknown"))
    inline.save_button.click()
    new_actor = inline.person
    assert new_actor is not None
    assert editor.actors.checked_ids() == [new_actor.id]
    editor.channel.setCurrentIndex(editor.channel.findData("messenger"))
    editor.severity.setCurrentIndex(editor.severity.findData(4))
    editor.tags.setText("дочь, угроза")

    photo = _photo(tmp_path / "screenshot.png")
    filepicker.set_next_result([photo])
    editor.add_files_button.click()
    assert filepicker.shown == [("files", "Add evidence files")]
    _wait_import(qtbot, editor)
    assert editor.evidence_table.rowCount() == 1
    assert editor.evidence_table.item(0, 0).text() == "screenshot.png"

    editor.save_button.click()
    assert editor.result() == IncidentEditor.DialogCode.Accepted
    incident = desk.get_incident(editor.incident_id)
    assert incident.category == "020103010200"
    assert incident.target_ids == [daughter.id]
    assert incident.targets_self is False
    assert incident.actor_ids == [new_actor.id]
    assert str(incident.happened) == "2023-05-14T22:10"
    assert incident.channel.value == "messenger"
    assert incident.severity == 4
    assert incident.tags == ["дочь", "угроза"]
    (evidence,) = desk.list_evidence(incident.id)
    assert desk.read_evidence(evidence.id) == photo.read_bytes()
    assert evidence.media_type == "image/png"
    # The list shows it at the top (newest), with its file counted, and finds it by the file name.
    assert screen.model.index(0, COL_TITLE).data() == "Сообщение: «подумай о дочери»"
    assert screen.model.index(0, COL_EVIDENCE).data() == "1"
    screen.search.setText("screenshot")
    qtbot.waitUntil(lambda: screen.model.rowCount() == 1, timeout=3000)


def test_drop_files_then_view_them_from_memory(controller, scenario, qtbot, tmp_path, monkeypatch):
    """Dropped files are imported; viewing them writes nothing anywhere: no file appears in the
    temp folder, the home folder or next to the vault, and the plaintext is found in no file."""
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("TMPDIR", str(private_tmp))
    monkeypatch.setattr(tempfile, "tempdir", str(private_tmp))
    monkeypatch.setenv("HOME", str(home))

    marker = "СЕКРЕТНЫЙ-МАРКЕР-4f1c"
    sources = tmp_path / "sources"
    sources.mkdir()
    text = sources / "sms.txt"
    text.write_bytes(f"Мама, я в РОВД.\n{marker}\n".encode() + b"\xff\xfe broken\n")
    photo = _photo(sources / "photo.png")
    other = sources / "recording.bin"
    other.write_bytes(os.urandom(2048))

    editor = IncidentEditor(controller, scenario["incidents"]["planted"].id)
    qtbot.addWidget(editor)
    editor.show()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in (text, photo, other)])
    zone = editor.drop_zone
    enter = QDragEnterEvent(
        QPoint(5, 5),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(zone, enter)
    assert enter.isAccepted()
    drop = QDropEvent(
        QPointF(5, 5),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(zone, drop)
    _wait_import(qtbot, editor)
    names = [editor.evidence_table.item(r, 0).text() for r in range(3)]
    assert sorted(names) == ["photo.png", "recording.bin", "sms.txt"]

    def snapshot() -> set[tuple[str, int]]:
        vault = controller.desk.paths.root
        return {
            (str(p), p.stat().st_size)
            for p in tmp_path.rglob("*")
            if p.is_file() and vault not in p.parents
        }

    before = snapshot()
    evidence = {e.original_name: e for e in controller.desk.list_evidence(editor.incident_id)}
    for row, name in enumerate(names):
        editor.evidence_table.selectRow(row)
        editor.view_button.click()
        viewer = editor.viewer
        assert isinstance(viewer, EvidenceViewer)
        QApplication.processEvents()
        if name == "sms.txt":
            assert viewer.kind == "text"
            assert marker in viewer.text_view.toPlainText()
            assert "\ufffd" in viewer.text_view.toPlainText()
            assert viewer.text_view.isReadOnly()
            assert "shown as �" in viewer.note.text()
        elif name == "photo.png":
            assert viewer.kind == "image"
            assert viewer._pixmap is not None and viewer._pixmap.size().width() == 320
            assert viewer.image_label.pixmap().width() > 0
        else:
            assert viewer.kind == "other"
            fields = {key: field.text() for _label, field, key in viewer.meta_labels}
            assert fields["Fingerprint (SHA-256):"] == evidence["recording.bin"].sha256
            assert fields["Size:"] == "2.0 KB"
            assert fields["Kind:"] == "Other file"  # never a MIME type
            assert "cannot be shown here" in viewer.note.text()
        viewer.close()
        qtbot.waitUntil(lambda: editor.findChild(EvidenceViewer) is None)  # deleted on close
    assert snapshot() == before
    # The plaintext marker is in no file under the test's folders, the vault included.
    for p in tmp_path.rglob("*"):
        if p.is_file() and p != text:
            assert marker.encode() not in p.read_bytes(), p


def test_edit_changes_precision_and_people(controller, scenario, qtbot):
    desk = controller.desk
    screen = _screen(controller)
    spouse_threat = scenario["incidents"]["spouse_threat"]
    row = [screen.model.incident_id(r) for r in range(7)].index(spouse_threat.id)
    editor = screen.edit_incident(row)
    assert editor.windowTitle() == "Edit incident"
    assert editor.title_edit.text() == spouse_threat.title
    assert editor.start.current_precision() is Precision.APPROXIMATE
    assert editor.start.year.value() == 2021
    assert editor.category.code() == "020103020200"
    # "three or four years ago": between 2020 and 2021
    editor.start.year.setValue(2020)
    editor.start.range_box.setChecked(True)
    editor.start.year_end.setValue(2021)
    _check(editor.targets, "self")
    editor.targets.list.item(0).setCheckState(Qt.CheckState.Checked)
    editor.end.precision.setCurrentIndex(editor.end.precision.findData("year"))
    editor.end.year.setValue(2022)
    editor.severity.setCurrentIndex(editor.severity.findData(None))
    editor.save_button.click()
    assert editor.result() == IncidentEditor.DialogCode.Accepted
    changed = desk.get_incident(spouse_threat.id)
    assert str(changed.happened) == "~2020-2021"
    assert str(changed.until) == "2022"
    assert changed.targets_self is True
    assert changed.severity is None
    assert changed.target_ids == spouse_threat.target_ids
    assert [r["operation"] for r in desk.history_of(spouse_threat.id)] == ["create", "edit"]
    assert screen.selected_id() == spouse_threat.id
    assert screen.model.index(screen.table.currentIndex().row(), 0).data() == "2020–2021 – 2022"


@pytest.mark.parametrize(
    ("value", "visible"),
    [
        (FuzzyDate.exact(2022, 3, 14, 21, 30), {"datetime_edit"}),
        (FuzzyDate.on_day(2022, 3, 14), {"date_edit"}),
        (FuzzyDate.in_month(2016, 4), {"month", "year"}),
        (FuzzyDate.in_year(2017), {"year"}),
        (FuzzyDate.about(2021), {"about_label", "year", "range_box"}),
        (FuzzyDate.about(2020, 2021), {"about_label", "year", "range_box", "year_end"}),
    ],
)
def test_date_control_adapts_and_round_trips(qtbot, value, visible):
    control = DateControl(None)
    qtbot.addWidget(control)
    control.show()
    control.set_value(value)
    assert control.value() == value
    parts = {"datetime_edit", "date_edit", "month", "about_label", "year", "range_box", "year_end"}
    shown = {name for name in parts if getattr(control, name).isVisible()}
    assert shown == visible
    # Switching to a coarser precision keeps what is known.
    control.precision.setCurrentIndex(control.precision.findData("year"))
    assert control.value() == FuzzyDate.in_year(value.year)


def test_optional_date_can_be_absent(qtbot):
    control = DateControl(None, optional=True)
    qtbot.addWidget(control)
    assert control.value() is None
    assert control.precision.currentText() == "No end date"
    control.set_value(FuzzyDate.in_month(2022, 3))
    assert control.value() == FuzzyDate.in_month(2022, 3)
    control.set_value(None)
    assert control.value() is None


def test_category_picker_searches_in_every_language(controller, qtbot):
    editor = IncidentEditor(controller)
    qtbot.addWidget(editor)
    picker = editor.category
    # Russian and Kazakh words find the same category while the interface is in English.
    for text in ("повестка", "шақыру қағазы", "formal summons"):
        picker.search.setText(text)
        picker.search.returnPressed.emit()
        assert picker.code() == "DD-SUMMONS", text
    picker.search.setText("no such thing at all")
    visible = [i for i in picker._items_in_order() if not picker._hidden(i)]
    assert visible == []
    picker.search.setText("")
    assert all(not picker._hidden(i) for i in picker._items_in_order())


def test_summons_fields_only_for_a_summons(controller, scenario, qtbot):
    editor = IncidentEditor(controller)
    qtbot.addWidget(editor)
    editor.show()
    _pick_category(qtbot, editor, "угрозы семье", "020103010200")
    assert not editor.summons_box.isVisible()
    _pick_category(qtbot, editor, "повестка", "DD-SUMMONS")
    assert editor.summons_box.isVisible()
    editor.title_edit.setText("Повестка к следователю")
    # Every legal field starts "not stated" (issue 17, item 6): nothing reads as a fact.
    assert editor.status.currentData() is None and editor.status.currentText() == "Not stated"
    assert editor.lawyer_present.currentData() is None
    assert editor.appointed.value() is None
    editor.start.precision.setCurrentIndex(editor.start.precision.findData("year"))
    editor.who_summoned.setText("Следователь УП")
    editor.status.setCurrentIndex(editor.status.findData("witness"))
    editor.erdr.setText("12345")
    editor.save_button.click()
    # Refused by the model; shown next to the form with a translated field name.
    assert editor.result() != IncidentEditor.DialogCode.Accepted
    assert editor.error.text() == (
        "Pre-trial investigation number (ЕРДР): a pre-trial investigation number (ЕРДР) has 12"
        " to 20 digits"
    )
    assert editor.focusWidget() is editor.erdr
    editor.erdr.setText("2023 1501 0001 234")
    editor.lawyer_present.setCurrentIndex(editor.lawyer_present.findData(False))
    editor.appointed.precision.setCurrentIndex(editor.appointed.precision.findData("day"))
    editor.save_button.click()
    assert editor.result() == IncidentEditor.DialogCode.Accepted
    summons = controller.desk.get_incident(editor.incident_id).summons
    assert summons.erdr_number == "202315010001234"
    assert summons.status.value == "witness"
    assert summons.lawyer_present is False
    assert summons.appointed is not None


def test_validation_is_shown_next_to_the_form(controller, qtbot):
    editor = IncidentEditor(controller)
    qtbot.addWidget(editor)
    editor.show()
    editor.save_button.click()
    assert editor.error.text() == "Category: choose one from the list"
    assert editor.focusWidget() is editor.category.search
    _pick_category(qtbot, editor, "слежка", "020103030000")
    # A new incident has no date until she chooses one: never a made-up "today 00:00".
    assert editor.start.value() is None
    editor.save_button.click()
    assert editor.error.text() == (
        "When it started: choose how precisely you know when it happened"
    )
    assert editor.focusWidget() is editor.start.precision
    editor.start.precision.setCurrentIndex(editor.start.precision.findData("year"))
    editor.save_button.click()
    assert editor.error.text() == "Title: must not be empty"
    assert editor.focusWidget() is editor.title_edit
    editor.title_edit.setText("За мной ходили")
    editor.start.year.setValue(2022)
    editor.end.precision.setCurrentIndex(editor.end.precision.findData("year"))
    editor.end.year.setValue(2021)
    editor.save_button.click()
    assert editor.error.text() == "When it ended: the end is before the start"
    editor.end.year.setValue(2022)
    row = editor.add_follow_up()
    row.when.setText("2022-13")
    editor.save_button.click()
    assert editor.error.text() == "What was done about it: the month must be between 1 and 12"
    assert editor.focusWidget() is row.when
    row.when.setText("2022-12")
    editor.save_button.click()
    assert editor.result() == IncidentEditor.DialogCode.Accepted
    assert controller.desk.count_incidents() == 1


def test_discarding_a_new_incident_removes_its_files(controller, qtbot, tmp_path):
    desk = controller.desk
    editor = IncidentEditor(controller)
    qtbot.addWidget(editor)
    editor.show()
    editor.add_files([_photo(tmp_path / "a.png")])
    _wait_import(qtbot, editor)
    assert len(editor.pending) == 1
    assert editor.detach_button.isEnabled() is False
    # Unattached while the form is open; kept if she changes her mind about discarding.
    assert desk.evidence.listing()[0].incident_id is None
    dialogs.set_next_answer(QMessageBox.StandardButton.Cancel)  # Keep editing
    editor.reject()
    assert editor.isVisible()
    assert len(desk.evidence.listing()) == 1
    dialogs.set_next_answer(QMessageBox.StandardButton.Discard)
    editor.reject()
    assert not editor.isVisible()
    assert "the 1 file you added is deleted from the vault" in dialogs.shown[-1][1]
    assert desk.evidence.listing() == []


def test_detach_and_delete_evidence(controller, scenario, qtbot, tmp_path):
    desk = controller.desk
    incident = scenario["incidents"]["rally"]
    a = desk.add_evidence(incident.id, _photo(tmp_path / "a.png"))
    b = desk.add_evidence(incident.id, _photo(tmp_path / "b.png"))
    editor = IncidentEditor(controller, incident.id)
    qtbot.addWidget(editor)
    assert editor.evidence_table.rowCount() == 2
    editor.evidence_table.selectRow(0)
    first = editor.selected_evidence()
    dialogs.set_next_answer(QMessageBox.StandardButton.Yes)
    editor.detach_button.click()
    assert editor.evidence_table.rowCount() == 1
    assert desk.evidence.get(first.id).incident_id is None  # still in the vault
    editor.evidence_table.selectRow(0)
    second = editor.selected_evidence()
    assert {first.id, second.id} == {a.id, b.id}
    dialogs.set_next_answer(QMessageBox.StandardButton.No)
    editor.delete_evidence_button.click()
    assert editor.evidence_table.rowCount() == 1
    dialogs.set_next_answer(QMessageBox.StandardButton.Yes)
    editor.delete_evidence_button.click()
    assert editor.evidence_table.rowCount() == 0
    assert "purged from the history" in dialogs.shown[-1][1]
    assert [e.id for e in desk.evidence.listing()] == [first.id]


def test_letter_of_a_summons_is_one_of_its_files(controller, scenario, qtbot, tmp_path):
    conversation = scenario["incidents"]["conversation"]
    letter = controller.desk.add_evidence(conversation.id, _photo(tmp_path / "letter.png"))
    editor = IncidentEditor(controller, conversation.id)
    qtbot.addWidget(editor)
    assert editor.summons_box.isVisibleTo(editor)
    assert editor.who_summoned.text() == "Отдел внутренней политики"
    editor.letter.setCurrentIndex(editor.letter.findData(letter.id))
    editor.save_button.click()
    summons = controller.desk.get_incident(conversation.id).summons
    assert summons.letter_evidence_id == letter.id


def test_editor_follows_a_language_switch(controller, scenario, qtbot):
    editor = IncidentEditor(controller, scenario["incidents"]["planted"].id)
    qtbot.addWidget(editor)
    controller.set_language("ru")
    assert "Сфабрикованное обвинение" in editor.category.chosen.text()
    assert editor.category.model.item(0).text() == (
        "Нарушения права на физическую и психическую неприкосновенность"
    )
    assert editor.start.month.itemText(0).lower() == "январь"
    controller.set_language("en")
    assert "Fabricated charges" in editor.category.chosen.text()


def test_keyboard_only_story(controller, scenario, qtbot):
    """New incident by keyboard: Ctrl+N, type to find the category, Enter, Tab to the title,
    Ctrl+S saves."""
    screen = _screen(controller)
    mw = controller.main_window
    mw.activateWindow()
    qtbot.waitUntil(mw.isActiveWindow)
    screen.table.setFocus()
    qtbot.keyClick(screen.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    editor = screen.editor
    assert editor is not None
    editor.activateWindow()
    qtbot.waitUntil(editor.isActiveWindow)
    assert editor.focusWidget() is editor.category.search
    _type(editor.category.search, "слежка")
    qtbot.keyClick(editor.category.search, Qt.Key.Key_Return)
    assert editor.category.code() == "020103030000"
    assert editor.category.tree.hasFocus()
    qtbot.keyClick(editor.category.tree, Qt.Key.Key_Tab)
    assert editor.focusWidget() is editor.title_edit
    _type(editor.title_edit, "Машина у дома")
    # Tab, Tab: past the description to how precisely she knows the date; Down picks one.
    qtbot.keyClick(editor.title_edit, Qt.Key.Key_Tab)
    assert editor.focusWidget() is editor.description
    qtbot.keyClick(editor.description, Qt.Key.Key_Tab)
    assert editor.focusWidget() is editor.start.precision
    qtbot.keyClick(editor.start.precision, Qt.Key.Key_Down)
    assert editor.start.value() is not None
    qtbot.keyClick(editor.start.precision, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert editor.result() == IncidentEditor.DialogCode.Accepted
    assert screen.model.index(0, COL_TITLE).data() == "Машина у дома"


# -- accessibility of the dialogs (the screens are walked by test_accessibility) -------------

_INTERACTIVE = (
    QAbstractButton,
    QLineEdit,
    QComboBox,
    QAbstractSpinBox,
    QAbstractItemView,
    QPlainTextEdit,
)


def _controls(window: QWidget) -> list[QWidget]:
    out = []
    for w in window.findChildren(QWidget):
        if not isinstance(w, _INTERACTIVE) or isinstance(w, QHeaderView):
            continue
        parent = w.parentWidget()
        inside_composite = False
        while parent is not None and parent is not window:
            if isinstance(parent, (*_INTERACTIVE, QScrollBar)):
                inside_composite = True
            parent = parent.parentWidget()
        if not inside_composite:
            out.append(w)
    return out


def _unnamed(window: QWidget) -> list[str]:
    missing = []
    for w in _controls(window):
        iface = QAccessible.queryAccessibleInterface(w)
        if not iface.text(QAccessible.Text.Name).strip():
            missing.append(f"{type(w).__name__} {w.objectName()}")
    return missing


def _unreachable(window: QWidget) -> list[str]:
    window.activateWindow()
    seen: set[int] = set()
    for _ in range(len(window.findChildren(QWidget)) + 2):
        window.focusNextChild()
        w = window.focusWidget()
        if w is None or id(w) in seen:
            break
        seen.add(id(w))
    return [
        f"{type(w).__name__}"
        for w in _controls(window)
        if w.isEnabled() and w.isVisibleTo(window) and id(w.focusProxy() or w) not in seen
    ]


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_dialogs_are_named_and_reachable(make_controller, qtbot, tmp_path, lang):
    from tests.ui.conftest import seed_scenario

    controller = make_controller(lang)
    data = seed_scenario(controller.desk)
    conversation = data["incidents"]["conversation"]
    text = tmp_path / "note.txt"
    text.write_text("текст", encoding="utf-8")
    controller.desk.add_evidence(conversation.id, _photo(tmp_path / "p.png"))
    controller.desk.add_evidence(conversation.id, text)
    editor = IncidentEditor(controller, conversation.id)
    qtbot.addWidget(editor)
    editor.show()
    editor.add_follow_up()
    for precision in ("exact", "day", "month", "year", "approximate"):
        editor.start.precision.setCurrentIndex(editor.start.precision.findData(precision))
        editor.start.range_box.setChecked(True)
        assert _unnamed(editor) == [], precision
        assert _unreachable(editor) == [], precision
    windows: list[QWidget] = []
    for row in range(2):
        editor.evidence_table.selectRow(row)
        editor.view_evidence()
        windows.append(editor.viewer)
    editor.show_history()
    windows.append(editor.history)
    editor.actors.new_button.click()
    windows.append(editor.actors.dialog)
    for window in windows:
        window.show()
        assert _unnamed(window) == [], type(window).__name__
        assert _unreachable(window) == [], type(window).__name__
        window.close()


# -- nothing she typed is discarded silently (issue 17, item 1) ------------------------------


def test_esc_and_the_window_cross_ask_before_dropping_text(controller, qtbot):
    editor = IncidentEditor(controller)
    qtbot.addWidget(editor)
    editor.show()
    # nothing typed: Esc closes at once, no question
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert not editor.isVisible() and dialogs.shown == []
    editor = IncidentEditor(controller)
    qtbot.addWidget(editor)
    editor.show()
    editor.description.setPlainText("Позвонили в 23:40, сказали: «дочь не вернётся»")
    dialogs.set_next_answer(QMessageBox.StandardButton.Cancel)  # Keep editing
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert editor.isVisible()
    assert dialogs.shown[-1] == ("Question", "You have changes that are not saved. Save them?")
    dialogs.set_next_answer(QMessageBox.StandardButton.Cancel)
    assert not editor.close()  # the window's ✕
    assert editor.isVisible()
    # Save from the question: refused by validation, so the editor stays with the text
    dialogs.set_next_answer(QMessageBox.StandardButton.Save)
    editor.reject()
    assert editor.isVisible() and "Category" in editor.error.text()
    assert "дочь не вернётся" in editor.description.toPlainText()
    dialogs.set_next_answer(QMessageBox.StandardButton.Discard)
    editor.reject()
    assert not editor.isVisible()
    assert controller.desk.count_incidents() == 0


def test_a_lock_keeps_the_new_incident_as_a_draft_in_the_vault(controller, scenario, qtbot):
    """Ctrl+L with a half-written incident: the text goes into the vault, encrypted (never a
    file), the record is not created, and after unlock she continues and saves it."""
    screen = _screen(controller)
    editor = screen.new_incident()
    _pick_category(qtbot, editor, "слежка", "020103030000")
    editor.title_edit.setText("Машина у подъезда, третий вечер")
    editor.description.setPlainText("Серая «Лада», номер начинается на 777")
    editor.start.set_value(FuzzyDate.on_day(2026, 12, 5))
    _check(editor.targets, scenario["people"]["daughter"].id)
    before = {p for p in controller.vault_dir.rglob("*") if p.is_file()}
    editor.activateWindow()
    qtbot.waitUntil(editor.isActiveWindow)
    qtbot.keyClick(editor.title_edit, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert controller.restarts == 1
    assert not controller.desk.unlocked
    after = {p for p in controller.vault_dir.rglob("*") if p.is_file()}
    assert after - before <= {controller.vault_dir / "vault.db-wal"}  # no new file
    for path in after:
        assert "третий вечер".encode() not in path.read_bytes(), path
    # the next session
    from defender_desk.secret import Secret
    from tests.conftest import PASS

    controller.desk.unlock(Secret.from_text(PASS))
    (draft,) = controller.desk.list_drafts()
    assert draft.kind == "incident" and draft.record_id is None
    assert controller.desk.count_incidents() == len(scenario["incidents"])
    controller.unlocked()
    qtbot.waitUntil(lambda: getattr(controller.main_window, "drafts_dialog", None) is not None)
    offer = controller.main_window.drafts_dialog
    assert offer.list.count() == 1
    assert "Incident: Машина у подъезда, третий вечер" in offer.list.item(0).text()
    again = offer.continue_selected()
    assert isinstance(again, IncidentEditor)
    assert again.title_edit.text() == "Машина у подъезда, третий вечер"
    assert again.description.toPlainText() == "Серая «Лада», номер начинается на 777"
    assert again.category.code() == "020103030000"
    assert str(again.start.value()) == "2026-12-05"
    assert again.targets.checked_ids() == [scenario["people"]["daughter"].id]
    again.save_button.click()
    assert again.result() == IncidentEditor.DialogCode.Accepted
    assert controller.desk.list_drafts() == []
    assert controller.desk.get_incident(again.incident_id).title.startswith("Машина у подъезда")


def test_a_draft_can_be_discarded_after_unlock(controller, qtbot):
    controller.desk.save_draft("incident", None, {"title": "черновик"})
    controller.unlocked()
    qtbot.waitUntil(lambda: getattr(controller.main_window, "drafts_dialog", None) is not None)
    offer = controller.main_window.drafts_dialog
    dialogs.set_next_answer(QMessageBox.StandardButton.No)
    offer.discard_selected()
    assert len(controller.desk.list_drafts()) == 1
    dialogs.set_next_answer(QMessageBox.StandardButton.Yes)
    offer.discard_selected()
    assert controller.desk.list_drafts() == []
