"""Small widgets and helpers: plain-text labels, the secret field (keyboard layout and Caps Lock
shown), hold-to-confirm, combo boxes filled from (text, data) pairs, accessible names."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from defender_desk.errors import InvalidInput
from defender_desk.i18n import _, describe_error

_KAZAKH_LETTERS = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")


ERROR_STYLE = "color: #b91c1c;"


class PlainLabel(QLabel):
    """A label that never interprets rich text (record text is shown as typed)."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setText(text)


def wrapping(parent: QWidget, style: str = "") -> PlainLabel:
    label = PlainLabel("", parent)
    label.setWordWrap(True)
    if style:
        label.setStyleSheet(style)
    return label


def heading(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setObjectName("heading")
    label.setStyleSheet("font-size: 16pt; font-weight: bold;")
    return label


def error_label(parent: QWidget) -> PlainLabel:
    label = wrapping(parent, ERROR_STYLE)
    label.setObjectName("error")
    return label


def name_widget(widget: QWidget, text: str) -> None:
    """Set the accessible name of ``widget`` and of the line edit inside a spin box or an
    editable combo box (screen readers land on that one)."""
    widget.setAccessibleName(text)
    for inner in widget.findChildren(QLineEdit):
        if inner.parent() is widget:
            inner.setAccessibleName(text)


def fill_combo(combo: QComboBox, items: Sequence[tuple[str, Any]]) -> None:
    """Replace the items (text, data), keeping the current choice where it still exists."""
    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    for text, data in items:
        combo.addItem(text, data)
    index = combo.findData(current)
    combo.setCurrentIndex(index if index >= 0 else 0)
    combo.blockSignals(False)


def select_data(combo: QComboBox, value: Any) -> bool:
    index = combo.findData(value)
    if index >= 0:
        combo.setCurrentIndex(index)
    return index >= 0


def field_error_text(exc: InvalidInput, labels: dict[str, str]) -> str:
    """``describe_error`` with the field's untranslated name replaced by its label."""
    field = str(exc.fields.get("field", ""))
    label = labels.get(field) or labels.get(field.split(".")[0])
    if label is None:
        return describe_error(exc)
    return describe_error(InvalidInput(**{**exc.fields, "field": label}))


def caps_lock_on() -> bool | None:
    """Caps Lock state where the OS tells it (Windows, X11); None when unknown."""
    if sys.platform == "win32":  # pragma: no cover - Windows only
        import ctypes

        return bool(ctypes.WinDLL("user32").GetKeyState(0x14) & 1)  # type: ignore[attr-defined,unused-ignore]
    return None


class SecretField(QWidget):
    """A password field that shows the keyboard layout and warns when Caps Lock is on.

    The layout comes from the input method's locale and, more reliably, from the script of
    the last letter typed (Latin, Cyrillic, or Kazakh-specific Cyrillic). Caps Lock comes from
    the OS where it tells (Windows) and otherwise from typing: a capital letter typed without
    Shift. The text is never logged; ``secret_text`` returns it for the facade.
    """

    returnPressed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit(self)
        self.edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.edit.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, True)
        self.edit.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)  # no copy of secrets
        self.edit.returnPressed.connect(self.returnPressed)
        self.edit.installEventFilter(self)
        self.show_button = QPushButton(self)
        self.show_button.setCheckable(True)
        self.show_button.toggled.connect(self._toggle_visible)
        self.status = QLabel(self)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self._layout_hint = ""
        self._caps: bool | None = None
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.show_button)
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        col.addLayout(row)
        col.addWidget(self.status)
        im = QGuiApplication.inputMethod()
        im.localeChanged.connect(self._update)
        self._timer = QTimer(self)
        self._timer.setInterval(500)
        self._timer.timeout.connect(self._poll_caps)
        self._timer.start()
        self.setFocusProxy(self.edit)
        self.retranslate()

    def retranslate(self) -> None:
        self.show_button.setText(_("Show") if not self.show_button.isChecked() else _("Hide"))
        self.show_button.setAccessibleName(_("Show or hide what you typed"))
        self._update()

    def setAccessibleName(self, name: str) -> None:
        super().setAccessibleName(name)
        self.edit.setAccessibleName(name)

    def secret_text(self) -> str:
        return self.edit.text()

    def clear(self) -> None:
        self.edit.clear()

    def _toggle_visible(self, on: bool) -> None:
        self.edit.setEchoMode(QLineEdit.EchoMode.Normal if on else QLineEdit.EchoMode.Password)
        self.retranslate()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            text = event.text()
            if len(text) == 1 and text.isalpha():
                shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
                if text.isupper() != text.islower():
                    self._caps = text.isupper() != shift
                if text in _KAZAKH_LETTERS:
                    self._layout_hint = "KK"
                elif "\u0400" <= text <= "\u04ff":
                    self._layout_hint = "RU/KK" if self._layout_hint != "KK" else "KK"
                else:
                    self._layout_hint = "EN"
                self._update()
        return super().eventFilter(obj, event)

    def _poll_caps(self) -> None:
        state = caps_lock_on()
        if state is not None and state != self._caps:
            self._caps = state
            self._update()

    def layout_name(self) -> str:
        """EN, RU/KK, KK from what she typed; before that the input method's language if it
        names one ("" when it is only the POSIX "C" locale, which says nothing to her)."""
        if self._layout_hint:
            return self._layout_hint
        name = QGuiApplication.inputMethod().locale().name()  # e.g. ru_RU
        code = name.split("_")[0].upper()
        return "" if code in ("", "C", "POSIX") else code

    def caps_state(self) -> bool | None:
        return self._caps

    def _update(self) -> None:
        layout = self.layout_name()
        text = (
            _("Keyboard: {layout}").format(layout=layout)
            if layout
            else _("Keyboard layout: shown once you type a letter")
        )
        if self._caps:
            text += "   " + _("Caps Lock is on")
        self.status.setText(text)
        self.status.setAccessibleName(text)


class HoldButton(QPushButton):
    """A button that fires :attr:`confirmed` only after being held down for ``hold_ms``
    (mouse, or Space held). Releasing early does nothing.

    Holding a key makes X11 (and some Windows drivers) send press/release pairs as it repeats;
    a release followed by a new press within :data:`REPEAT_GRACE_MS` is that repeat, not the
    finger leaving the key, so the count goes on.
    """

    confirmed = Signal()
    progressed = Signal(int)  # percent
    REPEAT_GRACE_MS = 150

    def __init__(self, hold_ms: int = 2000, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hold_ms = hold_ms
        self._elapsed = 0
        self._timer = QTimer(self)
        self._timer.setInterval(50)
        self._timer.timeout.connect(self._tick)
        self._grace = QTimer(self)
        self._grace.setSingleShot(True)
        self._grace.setInterval(self.REPEAT_GRACE_MS)
        self._grace.timeout.connect(self._stop)
        self.pressed.connect(self._start)
        self.released.connect(self._grace.start)
        self.setAutoRepeat(False)

    def _start(self) -> None:
        if self._grace.isActive():  # a key repeat: the key was never let go
            self._grace.stop()
            return
        self._elapsed = 0
        self._timer.start()

    def _stop(self) -> None:
        self._timer.stop()
        self._elapsed = 0
        self.progressed.emit(0)

    def _tick(self) -> None:
        self._elapsed += self._timer.interval()
        self.progressed.emit(min(100, self._elapsed * 100 // self.hold_ms))
        if self._elapsed >= self.hold_ms:
            self._timer.stop()
            self._grace.stop()
            self.confirmed.emit()
