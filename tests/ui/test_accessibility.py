"""Accessibility, walked over whatever exists at run time — every screen the main window finds
(``available_screens()``), the unlock window, the first-run wizard, the panic-wipe dialog and the
file picker — in English, Russian and Kazakh:

- every interactive control has a non-empty accessible name, as assistive technology reads it
  (``QAccessible.queryAccessibleInterface(w).text(Name)``: the accessible name, or a button's
  text, or the text of the label whose buddy it is);
- the keyboard reaches every control: walking the tab chain from the window (what Tab does)
  visits every visible, enabled control that takes focus.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QCalendarWidget,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QScrollBar,
    QTabBar,
    QTextEdit,
    QWidget,
)

from defender_desk.ui.main_window import available_screens

LANGS = ["en", "ru", "kk"]
SCREEN_KEYS = [cls.key for cls in available_screens()]
INTERACTIVE = (
    QAbstractButton,
    QLineEdit,
    QComboBox,
    QAbstractSpinBox,  # spin boxes, date and time edits
    QAbstractItemView,
    QTextEdit,
    QPlainTextEdit,
    QAbstractSlider,
    QCalendarWidget,
)
# Parts of a composite control: the composite has the name; its parts belong to it.
COMPOSITE = (*INTERACTIVE, QTabBar, QScrollBar)


def is_control(w: QWidget) -> bool:
    if not isinstance(w, INTERACTIVE) or isinstance(w, (QScrollBar, QHeaderView)):
        return False
    parent = w.parentWidget()
    while parent is not None and not parent.isWindow():
        if isinstance(parent, COMPOSITE):
            return False
        parent = parent.parentWidget()
    return not (parent is not None and parent is not w.window())


def controls(root: QWidget) -> Iterator[QWidget]:
    for w in [root, *root.findChildren(QWidget)]:
        if w.window() is root.window() and is_control(w):
            yield w


def describe(w: QWidget) -> str:
    text = w.text() if isinstance(w, (QAbstractButton, QLineEdit)) else ""
    parents = []
    p = w.parentWidget()
    while p is not None:
        parents.append(p.objectName() or type(p).__name__)
        p = p.parentWidget()
    return f"{type(w).__name__}({w.objectName()!r}, text={text!r}) in {'/'.join(parents[:4])}"


def accessible_name(w: QWidget) -> str:
    iface = QAccessible.queryAccessibleInterface(w)
    assert iface is not None and iface.isValid(), describe(w)
    return iface.text(QAccessible.Text.Name).strip()


def unnamed(roots: list[QWidget]) -> list[str]:
    return [describe(w) for root in roots for w in controls(root) if not accessible_name(w)]


def should_be_reachable(w: QWidget, window: QWidget) -> bool:
    return w.isEnabled() and w.isVisibleTo(window)


def tab_walk(window: QWidget) -> list[QWidget]:
    """The widgets Tab visits, in order, starting from the window's focus widget."""
    window.activateWindow()
    total = len(window.findChildren(QWidget)) + 2
    visited: list[QWidget] = []
    for _ in range(total):
        window.focusNextChild()  # what the Tab key does once no widget keeps the key
        w = window.focusWidget()
        if w is None:
            break
        if visited and w is visited[0]:
            break
        visited.append(w)
    return visited


def unreachable(window: QWidget, roots: list[QWidget]) -> list[str]:
    """Visible, enabled controls that Tab never reaches (e.g. a focus policy without
    ``TabFocus``). A control with a focus proxy is reached when its proxy is."""
    visited = {id(w) for w in tab_walk(window)}
    missed = []
    for root in roots:
        for w in controls(root):
            target = w.focusProxy() or w
            if should_be_reachable(w, window) and id(target) not in visited:
                missed.append(describe(w))
    return missed


def show(qtbot: Any, window: QWidget) -> None:
    window.show()
    qtbot.waitExposed(window)


def fill(desk: Any) -> None:
    """A little of the scenario, so that lists and the overview show rows."""
    daughter = desk.add_person({"name": "Айгерим", "role": "family", "relation": "child"})
    police = desk.add_person(
        {"name": "РОВД (районный отдел полиции)", "role": "actor", "institution": "police"}
    )
    desk.add_person({"name": "Адвокат Нурлан", "role": "lawyer"})
    desk.add_incident(
        {
            "category": "020103010000",
            "title": "Дочь задержали в РОВД, наркотики подбросили",
            "happened": "2022-03-14T21:30",
            "target_ids": [daughter.id],
            "actor_ids": [police.id],
            "channel": "in_person",
            "severity": 5,
        }
    )
    desk.add_incident(
        {
            "category": "020103010000",
            "title": "Беседа в акимате: «прекратите деятельность»",
            "happened": "~2021",
            "targets_self": True,
        }
    )


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("key", SCREEN_KEYS)
def test_every_screen(qtbot: Any, make_controller: Any, key: str, lang: str) -> None:
    c = make_controller(lang)
    fill(c.desk)
    mw = c.main_window
    show(qtbot, mw)
    screen = mw.show_screen(key)
    chrome = [mw.nav, mw.lock_button, mw.emergency_button]
    assert unnamed([screen, *chrome]) == []
    assert unreachable(mw, [screen, *chrome]) == []


@pytest.mark.parametrize("lang", LANGS)
def test_unlock_window(qtbot: Any, make_controller: Any, lang: str) -> None:
    from defender_desk.ui.unlock import UnlockWindow

    c = make_controller(lang)
    c.desk.lock()
    window = UnlockWindow(c)
    qtbot.addWidget(window)
    show(qtbot, window)
    for page in (window.pass_page, window.rec_page):
        window.pages.setCurrentWidget(page)
        assert unnamed([window]) == []
        assert unreachable(window, [window]) == []


@pytest.mark.parametrize("lang", LANGS)
def test_first_run_wizard(qtbot: Any, make_controller: Any, lang: str) -> None:
    from defender_desk.ui.onboarding import CreateWizard

    c = make_controller(lang)
    wizard = CreateWizard(c)
    qtbot.addWidget(wizard)
    show(qtbot, wizard)
    for page in range(wizard.pages.count()):
        if page == 2:
            wizard.show_code("-".join(["1234"] * 8))
        wizard.go(page)
        assert unnamed([wizard]) == [], f"page {page}"
        assert unreachable(wizard, [wizard]) == [], f"page {page}"


@pytest.mark.parametrize("lang", LANGS)
def test_panic_wipe_dialog(qtbot: Any, make_controller: Any, lang: str) -> None:
    from defender_desk.ui.tray import PanicWipeDialog

    dialog = PanicWipeDialog(make_controller(lang))
    qtbot.addWidget(dialog)
    show(qtbot, dialog)
    assert unnamed([dialog]) == []
    assert unreachable(dialog, [dialog]) == []


@pytest.mark.parametrize("lang", LANGS)
def test_file_picker(qtbot: Any, make_controller: Any, lang: str, tmp_path: Path) -> None:
    from defender_desk.ui.filepicker import FilePicker, Mode

    make_controller(lang)
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8")
    for mode in Mode:
        picker = FilePicker(None, "Choose", mode, start=tmp_path)
        qtbot.addWidget(picker)
        show(qtbot, picker)
        assert unnamed([picker]) == [], mode
        assert unreachable(picker, [picker]) == [], mode
        picker.hide()


def test_the_walk_can_fail(qtbot: Any) -> None:
    """An icon-only button and an unlabelled field have no name; a button that takes focus
    only by click cannot be reached with Tab."""
    from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout

    window = QWidget()
    qtbot.addWidget(window)
    named = QPushButton("Save", window)
    icon_only = QPushButton(window)
    field = QLineEdit(window)
    labelled = QLineEdit(window)
    label = QLabel("Place", window)
    label.setBuddy(labelled)
    click_only = QPushButton("Skip me", window)
    click_only.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
    lay = QVBoxLayout(window)
    for w in (named, icon_only, field, label, labelled, click_only):
        lay.addWidget(w)
    show(qtbot, window)
    assert unnamed([window]) == [describe(icon_only), describe(field)]
    assert unreachable(window, [window]) == [describe(click_only)]
    click_only.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    assert unreachable(window, [window]) == []
