"""Editors: nothing she typed is ever discarded silently (issue 17, item 1).

Every editor — a dialog (:class:`EditorDialog`) or a form inside a screen (:class:`FormPanel`) —
gets, once, here:

- **modified tracking**: a snapshot of every input inside it (texts, choices, ticks, dates) taken
  when it was loaded, compared with the current one (:meth:`Tracked.is_modified`);
- **closing asks**: Esc, Cancel or the window's ✕ with changes ask Save / Discard / Keep editing
  (Keep editing is the default); switching away from a changed in-screen form asks the same;
- **drafts inside the vault**: before any lock (idle, screen lock, suspend, tray, Ctrl+L) and
  before quitting, :func:`save_open_drafts` stores every open editor's fields as an encrypted
  draft in the vault (``Desk.save_draft``) — never a file; after the next unlock
  :func:`offer_drafts` lists them and she continues (the editor opens with her text) or discards
  each one. Saving or discarding in the editor removes its draft;
- **fitting the screen**: the fields scroll inside the window and the buttons stay visible, at
  1366×768 and 1280×720 in every language (:meth:`EditorDialog.set_body`).

An editor says only what is particular to it: its ``draft_kind``, the record it edits
(:meth:`Tracked.draft_record_id`), its fields as a JSON-shaped dict (:meth:`Tracked.draft_state`),
how to load one back (:meth:`Tracked.load_draft`), and :meth:`EditorDialog.save`.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from defender_desk.errors import DefenderDeskError
from defender_desk.i18n import N_, _
from defender_desk.ui.kit import confirm
from defender_desk.ui.kit.screen import fit_to_screen
from defender_desk.ui.kit.widgets import error_label, wrapping

if TYPE_CHECKING:
    from defender_desk.app import Draft
    from defender_desk.ui.kit.host import Host

__all__ = [
    "DRAFT_KIND_LABELS",
    "DraftsDialog",
    "EditorDialog",
    "FieldsDraft",
    "FormPanel",
    "Tracked",
    "close_editors",
    "offer_drafts",
    "register_opener",
    "save_open_drafts",
    "snapshot",
]

DRAFT_KIND_LABELS: dict[str, str] = {
    "incident": N_("Incident"),
    "person": N_("Person"),
    "obligation": N_("Obligation"),
    "contact": N_("Contact"),
    "emergency_contact": N_("Lawyer or helper"),
    "emergency_place": N_("Place to ask"),
    "emergency_entry": N_("Emergency log entry"),
    "emergency_details": N_("Details of the detention"),
}

#: Every editor alive (dialogs and in-screen forms), for saving drafts before a lock.
_sources: weakref.WeakSet[Tracked] = weakref.WeakSet()
#: How to open an editor again with a draft, by kind (screens register theirs).
_openers: dict[str, Callable[[Host, Draft], Any]] = {}


def register_opener(kind: str, opener: Callable[[Host, Draft], Any]) -> None:
    _openers[kind] = opener


# -- the snapshot ---------------------------------------------------------------------------


def snapshot(root: QWidget) -> tuple[Any, ...]:
    """The value of every input under ``root``, in a stable order (for modified tracking)."""
    values: list[Any] = []
    for w in root.findChildren(QWidget):
        if w.property("dd_untracked"):
            continue
        if isinstance(w, QLineEdit):
            if not isinstance(w.parent(), QAbstractSpinBox | QComboBox):
                values.append(("line", w.text()))
        elif isinstance(w, QPlainTextEdit):
            values.append(("text", w.toPlainText()))
        elif isinstance(w, QTextEdit):
            values.append(("rich", w.toPlainText()))
        elif isinstance(w, QComboBox):
            values.append(("combo", w.currentData(), w.currentText() if w.isEditable() else ""))
        elif isinstance(w, QAbstractSpinBox):
            values.append(("spin", w.text()))
        elif isinstance(w, QAbstractButton) and w.isCheckable():
            values.append(("check", w.isChecked()))
        elif isinstance(w, QListWidget):
            checks = []
            for i in range(w.count()):
                item = w.item(i)
                if item.flags() & Qt.ItemFlag.ItemIsUserCheckable:
                    checks.append((item.data(Qt.ItemDataRole.UserRole), item.checkState().value))
            values.append(("list", tuple(checks)))
    return tuple(values)


def _inputs(root: QWidget) -> list[tuple[str, QWidget]]:
    """Every input under ``root`` with a path that is the same in a freshly built copy of the
    same editor (class names and positions among siblings), in a stable order."""
    found: list[tuple[str, QWidget]] = []

    def visit(widget: QWidget, path: str) -> None:
        counts: dict[str, int] = {}
        for child in widget.children():
            if not isinstance(child, QWidget) or child.property("dd_untracked"):
                continue
            name = type(child).__name__
            index = counts.get(name, 0)
            counts[name] = index + 1
            here = f"{path}/{name}[{index}]"
            if isinstance(child, QLineEdit) and isinstance(child.parent(), QAbstractSpinBox):
                continue
            if isinstance(
                child,
                QLineEdit | QPlainTextEdit | QTextEdit | QComboBox | QAbstractSpinBox | QListWidget,
            ) or (isinstance(child, QAbstractButton) and child.isCheckable()):
                found.append((here, child))
            if not isinstance(child, QComboBox | QAbstractSpinBox):
                visit(child, here)

    visit(root, "")
    return found


def widget_values(root: QWidget) -> list[list[Any]]:
    """What every input under ``root`` holds, as JSON-shaped ``[path, value]`` pairs (a generic
    draft for editors that need nothing more particular)."""
    from PySide6.QtWidgets import QDateEdit, QDateTimeEdit, QTimeEdit

    out: list[list[Any]] = []
    for path, w in _inputs(root):
        value: Any
        if isinstance(w, QLineEdit):
            value = w.text()
        elif isinstance(w, QPlainTextEdit | QTextEdit):
            value = w.toPlainText()
        elif isinstance(w, QComboBox):
            value = {"data": w.currentData(), "text": w.currentText()}
        elif isinstance(w, QDateTimeEdit | QDateEdit | QTimeEdit):
            value = w.dateTime().toString(Qt.DateFormat.ISODate)
        elif isinstance(w, QAbstractSpinBox):
            value = w.text()
        elif isinstance(w, QListWidget):
            value = [
                [w.item(i).data(Qt.ItemDataRole.UserRole), w.item(i).checkState().value]
                for i in range(w.count())
            ]
        else:
            assert isinstance(w, QAbstractButton)
            value = w.isChecked()
        try:
            import json

            json.dumps(value)
        except (TypeError, ValueError):
            continue  # data that is not JSON (a date object in a combo): its text is enough
        out.append([path, value])
    return out


def restore_values(root: QWidget, values: list[list[Any]]) -> None:
    """Put :func:`widget_values` back into a freshly built copy of the same editor."""
    from PySide6.QtCore import QDateTime
    from PySide6.QtWidgets import QDateEdit, QDateTimeEdit, QDoubleSpinBox, QSpinBox, QTimeEdit

    wanted = {path: value for path, value in values}
    # Twice: a choice may show or fill other inputs (a kind, a pattern) that come back next.
    for _round in range(2):
        for path, w in _inputs(root):
            if path not in wanted:
                continue
            value = wanted[path]
            if isinstance(w, QLineEdit):
                w.setText(str(value))
            elif isinstance(w, QPlainTextEdit | QTextEdit):
                w.setPlainText(str(value))
            elif isinstance(w, QComboBox) and isinstance(value, dict):
                index = w.findData(value.get("data"))
                if index < 0:
                    index = w.findText(str(value.get("text", "")))
                if index >= 0:
                    w.setCurrentIndex(index)
                elif w.isEditable():
                    w.setEditText(str(value.get("text", "")))
            elif isinstance(w, QDateTimeEdit | QDateEdit | QTimeEdit):
                w.setDateTime(QDateTime.fromString(str(value), Qt.DateFormat.ISODate))
            elif isinstance(w, QSpinBox):
                w.setValue(w.valueFromText(str(value)))
            elif isinstance(w, QDoubleSpinBox):
                w.setValue(w.valueFromText(str(value)))
            elif isinstance(w, QListWidget) and isinstance(value, list):
                states = {str(d): s for d, s in value}
                for i in range(w.count()):
                    item = w.item(i)
                    key = str(item.data(Qt.ItemDataRole.UserRole))
                    if key in states:
                        item.setCheckState(Qt.CheckState(states[key]))
            elif isinstance(w, QAbstractButton):
                w.setChecked(bool(value))


class Tracked:
    """Modified tracking and the draft protocol, shared by dialogs and in-screen forms."""

    #: which editor this is (a key of ``DRAFT_KIND_LABELS``); "" keeps no drafts
    draft_kind: str = ""
    host: Host
    _baseline: tuple[Any, ...] | None = None
    #: the draft this editor was opened from (removed once she saves or discards)
    draft_id: str | None = None

    def _tracked_root(self) -> QWidget:
        assert isinstance(self, QWidget)
        return self

    def track(self) -> None:
        _sources.add(self)

    def mark_clean(self) -> None:
        """What is shown now is what is saved: changes are counted from here."""
        self._baseline = snapshot(self._tracked_root())

    def is_modified(self) -> bool:
        if self.draft_id is not None:
            return True  # reopened from a draft: nothing of it is saved yet
        return self._baseline is not None and snapshot(self._tracked_root()) != self._baseline

    def draft_record_id(self) -> str | None:
        return None

    def draft_context(self) -> dict[str, Any]:
        """What an opener needs to build this editor again (e.g. which kind of obligation)."""
        return {}

    def draft_state(self) -> dict[str, Any]:
        """Every input's value (generic); editors with a meaningful draft override this."""
        root = self._tracked_root()
        values = widget_values(root)
        first_line = next((v for _p, v in values if isinstance(v, str) and v.strip()), "")
        return {"title": first_line, "widgets": values, "context": self.draft_context()}

    def load_draft(self, payload: dict[str, Any]) -> None:
        restore_values(self._tracked_root(), payload.get("widgets") or [])

    def open_draft(self, draft: Draft) -> None:
        self.load_draft(draft.payload)
        self.draft_id = draft.id

    def forget_draft(self) -> None:
        """Saved or discarded: the draft it came from is no longer needed."""
        if self.draft_id is None:
            return
        draft_id, self.draft_id = self.draft_id, None
        try:
            if self.host.is_unlocked:
                self.host.desk.delete_draft(draft_id)
        except DefenderDeskError:
            pass


class FieldsDraft(Tracked):
    """Drafts for a few text fields that live inside a screen (the emergency log's next entry,
    the details of a detention): not a window of their own, but what she typed there is kept
    at a lock like any editor's. ``record`` says which record they belong to."""

    def __init__(
        self,
        host: Host,
        kind: str,
        fields: list[QLineEdit | QPlainTextEdit],
        record: Callable[[], str | None],
    ) -> None:
        self.host = host
        self.draft_kind = kind
        self.fields = fields
        self.record = record
        self._baseline = self._texts()
        self.track()

    def _texts(self) -> tuple[Any, ...]:
        return tuple(
            f.toPlainText() if isinstance(f, QPlainTextEdit) else f.text() for f in self.fields
        )

    def mark_clean(self) -> None:
        self._baseline = self._texts()

    def is_modified(self) -> bool:
        if self.draft_id is not None:
            return True
        return self._baseline is not None and self._texts() != self._baseline

    def draft_record_id(self) -> str | None:
        return self.record()

    def draft_state(self) -> dict[str, Any]:
        texts = list(self._texts())
        return {"title": next((x for x in texts if x.strip()), ""), "fields": texts}

    def load_draft(self, payload: dict[str, Any]) -> None:
        for field, text in zip(self.fields, payload.get("fields") or [], strict=False):
            if isinstance(field, QPlainTextEdit):
                field.setPlainText(str(text))
            else:
                field.setText(str(text))


# -- dialogs --------------------------------------------------------------------------------


class EditorDialog(QDialog, Tracked):
    """A dialog that edits one record. Subclasses build their fields into a widget given to
    :meth:`set_body`, implement :meth:`save` (calling :meth:`saved` on success), and the draft
    protocol of :class:`Tracked`. The bottom row holds :attr:`save_button` and
    :attr:`cancel_button` (plain buttons, none default: Enter inside a field never saves by
    surprise; Ctrl+S saves) and stays visible however long the form is."""

    #: the size it opens at when the screen allows (the fields scroll below that)
    wanted_size = QSize(760, 640)

    def __init__(self, host: Host, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.host = host
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.error = error_label(self)
        self.save_button = QPushButton(self)
        self.save_button.clicked.connect(self.save)
        self.cancel_button = QPushButton(self)
        self.cancel_button.clicked.connect(self.reject)
        self.extra_buttons = QHBoxLayout()
        bottom = QHBoxLayout()
        bottom.addLayout(self.extra_buttons)
        bottom.addStretch(1)
        bottom.addWidget(self.save_button)
        bottom.addWidget(self.cancel_button)
        self.outer = QVBoxLayout(self)
        self.outer.addWidget(self.scroll, 1)
        self.outer.addWidget(self.error)
        self.outer.addLayout(bottom)
        from PySide6.QtGui import QKeySequence, QShortcut

        self.save_shortcut = QShortcut(QKeySequence("Ctrl+S"), self)
        self.save_shortcut.activated.connect(self.save)
        # The main window's Ctrl+L is blocked while a dialog is open over it: lock from here too
        # (the lock keeps this editor's text as a draft first).
        self.lock_shortcut = QShortcut(QKeySequence("Ctrl+L"), self)
        self.lock_shortcut.activated.connect(host.lock)
        self.track()

    def set_body(self, body: QWidget) -> None:
        self.scroll.setWidget(body)

    def retranslate_buttons(self, save_name: str) -> None:
        self.save_button.setText(_("Save") + "  (Ctrl+S)")
        self.save_button.setAccessibleName(save_name)
        self.cancel_button.setText(_("Cancel"))
        self.cancel_button.setAccessibleName(_("Cancel"))
        self.error.setAccessibleName(_("Problem"))

    def finish(self) -> None:
        """Call at the end of the subclass's constructor: buttons never default, the window
        fits the screen, what is shown now counts as saved."""
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)
            button.setDefault(False)
        fit_to_screen(self, self.wanted_size)
        self.mark_clean()

    def save(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def accept(self) -> None:
        """Accepting an editor means saving it (it closes once the vault has the record)."""
        self.save()

    def saved(self) -> None:
        """The record is in the vault: forget the draft and close."""
        self.forget_draft()
        self._baseline = snapshot(self)
        super().accept()

    def discard(self) -> None:
        """She chose to drop her changes (subclasses undo side effects, then call this)."""
        self.forget_draft()
        super().reject()

    def reject(self) -> None:
        if not self.is_modified():
            self.forget_draft()
            super().reject()
            return
        answer = confirm.ask_unsaved(self)
        if answer == "save":
            self.save()
        elif answer == "discard":
            self.discard()


class FormPanel(QWidget, Tracked):
    """An editor inside a screen (the person form): the same tracking and drafts; before the
    screen shows another record it calls :meth:`may_leave`."""

    def __init__(self, host: Host, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.host = host
        self.track()

    def save(self) -> bool:  # pragma: no cover - overridden
        raise NotImplementedError

    def may_leave(self) -> bool:
        """True when the form may show something else: nothing changed, or she saved or
        discarded; False when she keeps editing."""
        if not self.is_modified():
            return True
        answer = confirm.ask_unsaved(self)
        if answer == "save":
            return self.save()
        if answer == "discard":
            self.forget_draft()
            self.mark_clean()
            return True
        return False


# -- drafts: saving before a lock, offering after unlock ------------------------------------


def save_open_drafts(host: Host) -> int:
    """Store every open, changed editor's fields in the vault. Returns how many."""
    desk = host.desk
    saved = 0
    for source in list(_sources):
        if not source.draft_kind or getattr(source, "host", None) is not host:
            continue
        if isinstance(source, QWidget) and source.isHidden():
            continue  # a closed dialog (an in-screen form on another page still counts)
        if isinstance(source, QDialog) and source.result() == QDialog.DialogCode.Accepted:
            continue
        if not source.is_modified():
            continue
        try:
            desk.save_draft(source.draft_kind, source.draft_record_id(), source.draft_state())
        except DefenderDeskError:
            continue
        if source.draft_id is not None:
            # the new draft replaces the one it was opened from (same kind and record)
            source.draft_id = None
        saved += 1
    return saved


def close_editors(host: Host) -> None:
    """After their drafts are saved (a lock): close every editor without asking — what they
    held is in the vault; nothing of it may stay on screen or in memory."""
    for source in list(_sources):
        if getattr(source, "host", None) is not host:
            continue
        source._baseline = None
        source.draft_id = None
        if isinstance(source, QDialog) and source.isVisible():
            QDialog.done(source, QDialog.DialogCode.Rejected)


def draft_summary(draft: Draft) -> str:
    """What the draft is, for the list: its kind, its title or name, when it was kept."""
    payload = draft.payload
    what = _(DRAFT_KIND_LABELS.get(draft.kind, N_("Draft")))
    names = [str(payload.get(k) or "").strip() for k in ("title", "name", "text")]
    name = next((n for n in names if n), "")
    if len(name) > 80:
        name = name[:80] + "…"
    when = draft.saved_at.astimezone().strftime("%d.%m.%Y %H:%M")
    head = f"{what}: {name}" if name else what
    return _("{what} — kept {when}").format(what=head, when=when)


class DraftsDialog(QDialog):
    """After unlock: what she was writing when the vault locked. Continue opens the editor with
    her text; Discard deletes the draft (after asking); Later keeps them for the next unlock."""

    def __init__(self, host: Host, drafts: list[Draft], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.host = host
        self.drafts = {d.id: d for d in drafts}
        self.text = wrapping(self)
        self.list = QListWidget(self)
        self.list.setWordWrap(True)
        for d in drafts:
            item = QListWidgetItem(draft_summary(d))
            item.setData(Qt.ItemDataRole.UserRole, d.id)
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        self.list.itemActivated.connect(lambda _i: self.continue_selected())
        self.continue_button = QPushButton(self)
        self.continue_button.clicked.connect(self.continue_selected)
        self.continue_button.setDefault(True)
        self.discard_button = QPushButton(self)
        self.discard_button.clicked.connect(self.discard_selected)
        self.later_button = QPushButton(self)
        self.later_button.clicked.connect(self.reject)
        self.error = error_label(self)
        row = QHBoxLayout()
        row.addWidget(self.continue_button)
        row.addWidget(self.discard_button)
        row.addStretch(1)
        row.addWidget(self.later_button)
        lay = QVBoxLayout(self)
        lay.addWidget(self.text)
        lay.addWidget(self.list, 1)
        lay.addWidget(self.error)
        lay.addLayout(row)
        self.retranslate()
        fit_to_screen(self, QSize(640, 380))

    def retranslate(self) -> None:
        self.setWindowTitle(_("Unfinished work"))
        self.text.setText(
            _(
                "When the vault locked you were writing the following. It was kept, encrypted,"
                " inside the vault. Continue where you stopped, or discard it."
            )
        )
        self.list.setAccessibleName(_("Unfinished work"))
        self.continue_button.setText(_("Continue"))
        self.continue_button.setAccessibleName(_("Continue the selected one"))
        self.discard_button.setText(_("Discard…"))
        self.discard_button.setAccessibleName(_("Discard the selected one"))
        self.later_button.setText(_("Later"))
        self.later_button.setAccessibleName(_("Keep them for later"))

    def selected(self) -> Draft | None:
        item = self.list.currentItem()
        return self.drafts.get(item.data(Qt.ItemDataRole.UserRole)) if item else None

    def _remove_current(self) -> None:
        row = self.list.currentRow()
        item = self.list.takeItem(row)
        if item is not None:
            self.drafts.pop(item.data(Qt.ItemDataRole.UserRole), None)
        if not self.drafts:
            self.accept()

    def continue_selected(self) -> Any:
        draft = self.selected()
        if draft is None:
            return None
        opener = _openers.get(draft.kind)
        if opener is None:
            self.error.setText(_("This kind of draft cannot be opened here."))
            return None
        editor = opener(self.host, draft)
        self._remove_current()
        return editor

    def discard_selected(self) -> None:
        draft = self.selected()
        if draft is None or not confirm.confirm(
            self, _("Discard this unfinished text? It cannot be brought back.")
        ):
            return
        try:
            self.host.desk.delete_draft(draft.id)
        except DefenderDeskError:
            pass
        self._remove_current()


def offer_drafts(host: Host) -> DraftsDialog | None:
    """After unlock: show what was kept, if anything (non-modal, over the main window)."""
    if not host.is_unlocked or host.main_window is None:
        return None
    try:
        drafts = host.desk.list_drafts()
    except DefenderDeskError:
        return None
    if not drafts:
        return None
    dialog = DraftsDialog(host, drafts, host.main_window)
    host.main_window.drafts_dialog = dialog
    dialog.open()
    return dialog
