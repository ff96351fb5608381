"""Message boxes with a test hook (as KeePassXC does): tests queue the next answers instead of
driving real modal dialogs."""

from __future__ import annotations

from collections import deque

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from defender_desk.i18n import _

_next_answers: deque[QMessageBox.StandardButton] = deque()
shown: list[tuple[str, str]] = []  # (kind, text) of every box shown — for tests


def set_next_answer(button: QMessageBox.StandardButton) -> None:
    _next_answers.append(button)


def _show(
    kind: QMessageBox.Icon,
    parent: QWidget | None,
    title: str,
    text: str,
    buttons: QMessageBox.StandardButton,
    default: QMessageBox.StandardButton,
) -> QMessageBox.StandardButton:
    shown.append((kind.name, text))
    if _next_answers:
        return _next_answers.popleft()
    box = QMessageBox(kind, title, text, buttons, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setDefaultButton(default)
    return QMessageBox.StandardButton(box.exec())


def error(parent: QWidget | None, text: str) -> None:
    _show(
        QMessageBox.Icon.Warning,
        parent,
        _("Defender Desk"),
        text,
        QMessageBox.StandardButton.Ok,
        QMessageBox.StandardButton.Ok,
    )


def info(parent: QWidget | None, text: str) -> None:
    _show(
        QMessageBox.Icon.Information,
        parent,
        _("Defender Desk"),
        text,
        QMessageBox.StandardButton.Ok,
        QMessageBox.StandardButton.Ok,
    )


def confirm(parent: QWidget | None, text: str) -> bool:
    answer = _show(
        QMessageBox.Icon.Question,
        parent,
        _("Defender Desk"),
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes
