"""Every question and message the desktop asks or shows, in one wording style, with a test hook
(as KeePassXC's ``MessageBox::setNextAnswer``): tests queue the next answers instead of driving
real modal dialogs.

- :func:`error`, :func:`info` — one sentence or two, plain text;
- :func:`confirm` — Yes / No, No by default (Enter never deletes);
- :func:`ask_unsaved` — Save / Discard / Keep editing, Keep editing by default;
- :class:`HoldDialog` — a destructive action that must be held for two seconds (the panic wipe):
  it says what will happen and what it cannot do; Enter or a stray key never confirms.

The window title is the app's (:class:`~defender_desk.ui.kit.screen.TitleGuard` makes it neutral
in discreet mode).
"""

from __future__ import annotations

from collections import deque
from typing import Literal

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from defender_desk.i18n import _
from defender_desk.ui.kit.widgets import HoldButton, PlainLabel

_next_answers: deque[QMessageBox.StandardButton] = deque()
shown: list[tuple[str, str]] = []  # (kind, text) of every box shown — for tests

Unsaved = Literal["save", "discard", "keep"]


def set_next_answer(button: QMessageBox.StandardButton) -> None:
    _next_answers.append(button)


#: In discreet mode, the neutral name that replaces the app's in every message (set by the
#: controller; None otherwise).
_neutral_name: str | None = None
APP_NAMES = ("Defender Desk", "DefenderDesk")


def use_neutral_name(name: str | None) -> None:
    global _neutral_name
    _neutral_name = name


def neutral(text: str) -> str:
    """``text`` with the app's name replaced by the neutral one in discreet mode (core errors
    such as "this is not a Defender Desk card" name the app)."""
    if _neutral_name is None:
        return text
    for name in APP_NAMES:
        text = text.replace(name, _neutral_name)
    return text


def _title() -> str:
    return _("Defender Desk")


def _show(
    kind: QMessageBox.Icon,
    parent: QWidget | None,
    text: str,
    buttons: QMessageBox.StandardButton,
    default: QMessageBox.StandardButton,
    names: dict[QMessageBox.StandardButton, str] | None = None,
) -> QMessageBox.StandardButton:
    text = neutral(text)
    shown.append((kind.name, text))
    if _next_answers:
        return _next_answers.popleft()
    box = QMessageBox(kind, _title(), text, buttons, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setDefaultButton(default)
    box.setEscapeButton(default)
    for button, label in (names or {}).items():
        b = box.button(button)
        if b is not None:
            b.setText(label)
            b.setAccessibleName(label.replace("&", ""))
    return QMessageBox.StandardButton(box.exec())


def error(parent: QWidget | None, text: str) -> None:
    _show(
        QMessageBox.Icon.Warning,
        parent,
        text,
        QMessageBox.StandardButton.Ok,
        QMessageBox.StandardButton.Ok,
    )


def info(parent: QWidget | None, text: str) -> None:
    _show(
        QMessageBox.Icon.Information,
        parent,
        text,
        QMessageBox.StandardButton.Ok,
        QMessageBox.StandardButton.Ok,
    )


def confirm(parent: QWidget | None, text: str) -> bool:
    answer = _show(
        QMessageBox.Icon.Question,
        parent,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def ask_unsaved(parent: QWidget | None, text: str | None = None) -> Unsaved:
    """She is closing an editor with changes: Save, Discard or Keep editing (the default, also
    what Esc and the window's ✕ answer)."""
    S = QMessageBox.StandardButton
    answer = _show(
        QMessageBox.Icon.Question,
        parent,
        text or _("You have changes that are not saved. Save them?"),
        S.Save | S.Discard | S.Cancel,
        S.Cancel,
        {S.Save: _("Save"), S.Discard: _("Discard changes"), S.Cancel: _("Keep editing")},
    )
    if answer == S.Save:
        return "save"
    if answer == S.Discard:
        return "discard"
    return "keep"


class HoldDialog(QDialog):
    """A destructive action confirmed only by holding the button (mouse or Space) for
    ``hold_ms``. ``confirmed`` fires once held; Cancel is the default button."""

    confirmed = Signal()

    def __init__(
        self,
        parent: QWidget | None,
        *,
        title: str,
        question: str,
        what: str,
        limits: str,
        hold_text: str,
        hold_ms: int = 2000,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.title = QLabel(question, self)
        self.title.setStyleSheet("font-weight: bold;")
        self.what = PlainLabel(what, self)
        self.what.setWordWrap(True)
        self.limits = PlainLabel(limits, self)
        self.limits.setWordWrap(True)
        self.hold = HoldButton(hold_ms, self)
        self.hold.setText(hold_text)
        self.hold.setAccessibleName(hold_text)
        self.hold.setAutoDefault(False)
        # The bar shows how long is left, only while the button is held: no empty box before.
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 100)
        self.bar.setTextVisible(False)
        self.bar.setAccessibleName(_("How long to keep holding"))
        self.bar.setVisible(False)
        self.hold.progressed.connect(self._progress)
        self.hold.confirmed.connect(self.confirmed)
        self.cancel = QPushButton(_("Cancel"), self)
        self.cancel.setAccessibleName(_("Cancel"))
        self.cancel.clicked.connect(self.reject)
        self.cancel.setDefault(True)
        lay = QVBoxLayout(self)
        for w in (self.title, self.what, self.limits, self.hold, self.bar, self.cancel):
            lay.addWidget(w)
        self.setMinimumWidth(min(560, self.sizeHint().width()))
        self.cancel.setFocus()  # Enter or a stray key never erases: only holding does

    def _progress(self, percent: int) -> None:
        self.bar.setVisible(percent > 0)
        self.bar.setValue(percent)
