"""The screen base class, re-translation, window titles (discreet and practice), fitting.

- :class:`Screen` — one page of the main window.
- :class:`TitleGuard` — an application-wide event filter that gives every window and dialog its
  title the same way: in discreet mode only the neutral name ("Notes": never the app's name nor
  what the window is for, e.g. "New incident"), and in the practice vault a "Practice vault"
  mark first. Message boxes, progress dialogs and file pickers included, with no code per window.
- :func:`fit_to_screen` — a window never larger than the screen's available area (1366×768 and
  1280×720 included), centred on it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QWidget

from defender_desk.i18n import _
from defender_desk.ui.kit.widgets import PlainLabel

if TYPE_CHECKING:
    from defender_desk.app import Desk
    from defender_desk.ui.kit.host import Host

__all__ = ["PlainLabel", "Screen", "TitleGuard", "fit_to_screen", "retranslate_tree"]


def retranslate_tree(root: QWidget) -> None:
    """Call ``retranslate()`` on ``root`` and every descendant that has one."""
    seen: set[int] = set()
    for w in [root, *root.findChildren(QWidget)]:
        fn: Callable[[], None] | None = getattr(w, "retranslate", None)
        if fn is not None and id(w) not in seen:
            seen.add(id(w))
            fn()


def available_size(widget: QWidget | None = None) -> QSize:
    screen = (widget.screen() if widget is not None else None) or QGuiApplication.primaryScreen()
    return screen.availableGeometry().size() if screen is not None else QSize(1366, 768)


def fit_to_screen(window: QWidget, wanted: QSize) -> None:
    """Resize ``window`` to ``wanted`` but never beyond the available screen area (minus the
    frame the window manager adds), and never below what its layout needs to show its buttons —
    content that does not fit scrolls inside the window instead."""
    room = available_size(window) - QSize(16, 48)
    window.setMaximumSize(room.expandedTo(QSize(320, 240)))
    size = wanted.boundedTo(room)
    window.resize(size.expandedTo(window.minimumSizeHint().boundedTo(room)))


#: A focus frame she can see on every control (issue 17, item 5: buttons and the description box
#: showed almost none). Thick enough to see from a step back, the same colour everywhere.
FOCUS_COLOUR = "#1d4ed8"
FOCUS_STYLE = f"""
QPushButton:focus, QToolButton:focus {{
    outline: none; border: 2px solid {FOCUS_COLOUR}; border-radius: 3px; padding: 3px 8px;
}}
QCheckBox:focus, QRadioButton:focus {{
    background: #dbeafe; color: #1e3a8a;
}}
QLineEdit:focus, QComboBox:focus, QSpinBox:focus, QDoubleSpinBox:focus, QDateEdit:focus,
QDateTimeEdit:focus, QTimeEdit:focus {{
    border: 2px solid {FOCUS_COLOUR}; border-radius: 2px;
}}
QPlainTextEdit, QTextEdit, QListView, QTreeView, QTableView {{
    border: 2px solid #9ca3af;
}}
QPlainTextEdit:focus, QTextEdit:focus, QListView:focus, QTreeView:focus, QTableView:focus {{
    border: 2px solid {FOCUS_COLOUR};
}}
"""


def keyboard_friendly(root: QWidget) -> None:
    """Containers never take focus (a scroll area in the Tab order is an invisible stop where
    typing is lost) and Tab in a table moves to the next control, not to the next cell."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QAbstractItemView, QScrollArea

    for area in root.findChildren(QScrollArea):
        area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    for view in root.findChildren(QAbstractItemView):
        view.setTabKeyNavigation(False)


def install_focus_style(app: QApplication) -> None:
    """Add the focus frame to the application's style sheet (once)."""
    if FOCUS_COLOUR not in app.styleSheet():
        app.setStyleSheet(app.styleSheet() + FOCUS_STYLE)


class TitleGuard(QObject):
    """Gives every top-level window its title in discreet and practice mode (see module doc)."""

    def __init__(self, host: Host) -> None:
        super().__init__(host)  # type: ignore[arg-type]
        self.host = host
        self._busy = False

    def title_for(self, wanted: str) -> str:
        host = self.host
        if host.settings.discreet:
            title = host.display_name()
        else:
            title = wanted
        if host.practice:
            mark = _("Practice vault")
            if not title.startswith(mark):
                title = f"{mark} — {title}" if title else mark
        return title

    def apply(self, window: QWidget) -> None:
        if self._busy:
            return
        wanted = window.property("dd_title")
        current = window.windowTitle()
        if wanted is None or (current != self.title_for(str(wanted)) and current != wanted):
            # a title set by the window itself since we last looked
            wanted = current
            window.setProperty("dd_title", wanted)
        title = self.title_for(str(wanted))
        if window.windowTitle() != title:
            self._busy = True
            try:
                window.setWindowTitle(title)
            finally:
                self._busy = False

    def apply_all(self) -> None:
        for w in QApplication.topLevelWidgets():
            if w.isWindow():
                self.apply(w)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.FocusIn, QEvent.Type.FocusOut) and isinstance(
            obj, QAbstractScrollArea
        ):
            obj.update()  # its focus frame is drawn by the frame, not the viewport
        if kind == QEvent.Type.Show and isinstance(obj, QWidget) and obj.isWindow():
            keyboard_friendly(obj)
        if (
            kind in (QEvent.Type.Show, QEvent.Type.WindowTitleChange)
            and isinstance(obj, QWidget)
            and obj.isWindow()
            and not self._busy
        ):
            self.apply(obj)
        return False


class Screen(QWidget):
    """One page of the main window. Subclasses build widgets in ``__init__``, set every text in
    :meth:`retranslate` (called once at the end of construction by the main window, and again
    when the language changes) and reload data in :meth:`refresh` (called when shown)."""

    #: gettext msgid of the navigation entry (marked with N_)
    title: str = ""
    #: stable key for navigation and tests
    key: str = ""

    def __init__(self, controller: Host, parent: QWidget | None = None) -> None:
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

    def go_to_screen(self, key: str, **kwargs: Any) -> Any:
        """Show another screen of the main window (if it has one by that key)."""
        mw = self.controller.main_window
        if mw is None or key not in getattr(mw, "screens", {}):
            return None
        return mw.show_screen(key, **kwargs)
