"""Keyboard only (issue 17, item 5): in every window Tab and Shift+Tab visit only controls she
can see (no invisible stop where typing is lost), every control shows a focus frame, Esc closes a
dialog (asking first when something was typed), and the category picker neither chooses on focus
nor traps the arrow keys."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTabBar,
    QTextEdit,
    QWidget,
)

from tests.ui.walk import windows

CONTROLS = (
    QAbstractButton,
    QLineEdit,
    QComboBox,
    QAbstractSpinBox,
    QAbstractItemView,
    QPlainTextEdit,
    QTextEdit,
    QTabBar,
)


def _is_control(w: QWidget) -> bool:
    if isinstance(w, CONTROLS):
        return True
    if isinstance(w, QLabel):  # a selectable text (a code, a card) may take focus
        return bool(w.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByKeyboard)
    return bool(w.property("dd_keyboard_control")) or type(w).__name__ == "TimelineChart"


def tab_cycle(qtbot: Any, window: QWidget, limit: int = 250) -> list[QWidget]:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    if QApplication.focusWidget() is None or not window.isAncestorOf(QApplication.focusWidget()):
        window.focusNextChild()
    stops: list[QWidget] = []
    for _ in range(limit):
        w = QApplication.focusWidget()
        if w is None or w in stops:
            break
        stops.append(w)
        qtbot.keyClick(w, Qt.Key.Key_Tab)
    return stops


def test_tab_visits_only_visible_controls_in_every_window(make_controller, qtbot, tmp_path):
    from tests.ui.conftest import seed_scenario

    c = make_controller("en")
    seed_scenario(c.desk)
    problems: list[str] = []
    walked = 0
    for name, window, _buttons in windows(c, tmp_path):
        window.show()
        qtbot.waitExposed(window)
        walked += 1
        stops = tab_cycle(qtbot, window)
        if not stops:
            problems.append(f"{name}: Tab reaches no control")
        for w in stops:
            label = f"{name}: {type(w).__name__} {w.accessibleName()!r}"
            if not w.isVisible() or w.width() < 4 or w.height() < 4:
                problems.append(f"{label} takes focus but cannot be seen")
            elif not _is_control(w):
                problems.append(f"{label} takes focus but is not a control")
            elif (
                not w.accessibleName()
                and not isinstance(w, QTabBar)
                # a button's text is its name for screen readers (Qt's accessibility)
                and not (isinstance(w, QAbstractButton) and w.text().replace("&", "").strip())
            ):
                problems.append(f"{label} has no name for a screen reader")
        if len(stops) >= 3:  # Shift+Tab goes back the same way
            qtbot.keyClick(
                QApplication.focusWidget(), Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier
            )
            if QApplication.focusWidget() is not stops[-1]:
                problems.append(f"{name}: Shift+Tab does not go back")
    assert walked > 20
    assert problems == [], "\n".join(problems)


def _grab(w: QWidget) -> QImage:
    QApplication.processEvents()
    return w.grab().toImage()


def test_every_kind_of_control_shows_a_focus_frame(controller, qtbot):
    """The focused control looks different from the unfocused one along its edge."""
    from defender_desk.ui.screens.incident_editor import IncidentEditor

    editor = IncidentEditor(controller)
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    editor.activateWindow()
    qtbot.waitUntil(editor.isActiveWindow)
    samples = [
        editor.save_button,
        editor.title_edit,
        editor.description,
        editor.channel,
        editor.category.tree,
        editor.add_files_button,
    ]
    for w in samples:
        editor.cancel_button.setFocus()
        before = _grab(w)
        w.setFocus()
        qtbot.waitUntil(w.hasFocus)
        after = _grab(w)
        if w is editor.cancel_button:
            continue
        edge = [(x, 1) for x in range(2, before.width() - 2, 3)] + [
            (1, y) for y in range(2, before.height() - 2, 3)
        ]
        changed = sum(before.pixel(x, y) != after.pixel(x, y) for x, y in edge)
        assert changed > len(edge) // 3, f"{type(w).__name__}: no visible focus frame"


def test_esc_closes_a_dialog_and_asks_when_something_was_typed(controller, qtbot):
    from PySide6.QtWidgets import QMessageBox

    from defender_desk.ui.kit import confirm as dialogs
    from defender_desk.ui.screens.person_form import PersonDialog

    dialog = PersonDialog(controller)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.keyClick(dialog.form.name, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    dialog = PersonDialog(controller)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.form.name, "Daniyar")
    dialogs.set_next_answer(QMessageBox.StandardButton.Cancel)
    qtbot.keyClick(dialog.form.name, Qt.Key.Key_Escape)
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    dialogs.set_next_answer(QMessageBox.StandardButton.Save)
    qtbot.keyClick(dialog.form.name, Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert [p.name for p in controller.desk.list_people()] == ["Daniyar"]


def test_category_tree_does_not_choose_on_focus_and_arrows_lead_into_it(controller, qtbot):
    from defender_desk.ui.screens.incident_editor import IncidentEditor

    editor = IncidentEditor(controller)
    qtbot.addWidget(editor)
    editor.show()
    editor.activateWindow()
    qtbot.waitUntil(editor.isActiveWindow)
    editor.category.search.setFocus()
    qtbot.keyClick(editor.category.search, Qt.Key.Key_Tab)
    assert editor.category.tree.hasFocus()
    assert editor.category.code() is None  # tabbing in chose nothing
    assert "No category chosen" in editor.category.chosen.text()
    qtbot.keyClick(editor.category.tree, Qt.Key.Key_Down)
    assert editor.category.code() is not None  # an arrow is a choice she made
    chosen = editor.category.code()
    selected = editor.category.tree.selectionModel().selectedIndexes()
    assert selected and selected[0].data(Qt.ItemDataRole.UserRole) == chosen  # highlight = chosen
    editor.category.search.setFocus()
    editor.category.search.setText("слежка")
    qtbot.keyClick(editor.category.search, Qt.Key.Key_Down)
    assert editor.category.tree.hasFocus()
    assert editor.category.code() == "020103030000"
    # Tab from the title goes to the description, never to an invisible stop
    editor.title_edit.setFocus()
    qtbot.keyClick(editor.title_edit, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is editor.description
    assert isinstance(editor.save_button, QPushButton)
