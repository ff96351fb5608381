"""Shared building blocks: the screen base class, plain-text labels, re-translation."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

if TYPE_CHECKING:
    from defender_desk.app import Desk
    from defender_desk.ui.app import Controller


class PlainLabel(QLabel):
    """A label that never interprets rich text (record text is shown as typed)."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setText(text)


def retranslate_tree(root: QWidget) -> None:
    """Call ``retranslate()`` on ``root`` and every descendant that has one."""
    seen: set[int] = set()
    for w in [root, *root.findChildren(QWidget)]:
        fn: Callable[[], None] | None = getattr(w, "retranslate", None)
        if fn is not None and id(w) not in seen:
            seen.add(id(w))
            fn()


class Screen(QWidget):
    """One page of the main window. Subclasses build widgets in ``__init__``, set every text in
    :meth:`retranslate` (called once at the end of construction by the main window, and again
    when the language changes) and reload data in :meth:`refresh` (called when shown)."""

    #: gettext msgid of the navigation entry (marked with N_)
    title: str = ""
    #: stable key for navigation and tests
    key: str = ""

    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller

    @property
    def desk(self) -> Desk:
        return self.controller.desk

    def retranslate(self) -> None:  # pragma: no cover - overridden
        pass

    def refresh(self) -> None:
        pass

    def navigate_with(self, **kwargs: Any) -> None:
        """Called when another screen sends the user here with an argument (e.g. a filter)."""
        self.refresh()
