"""The incident editor: what kind of incident, what happened, when (to the precision she knows —
nothing until she chooses), who it was aimed at and who acted, how, what was done about it, the
summons details for a summons (every legal field "not stated" until she says), and the evidence
files — dropped in, encrypted into the vault at once, viewed from memory only.

An :class:`~defender_desk.ui.kit.form.EditorDialog`: closing with changes asks, a lock keeps a
draft in the vault, the buttons stay visible at 1366×768. Evidence added to a *new* incident is
imported unattached while the form is open and attached when she saves; if she discards the new
incident those files are deleted again (the question says so).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from defender_desk.domain import taxonomy
from defender_desk.domain.dates import FuzzyDate, InvalidDate, parse_when
from defender_desk.domain.models import (
    Evidence,
    Incident,
    Person,
    PersonRole,
)
from defender_desk.errors import DefenderDeskError, InvalidInput
from defender_desk.i18n import N_, _, ngettext
from defender_desk.ui import filepicker
from defender_desk.ui.kit import confirm as dialogs
from defender_desk.ui.kit.form import EditorDialog, register_opener
from defender_desk.ui.kit.format import file_kind, human_size, local_time
from defender_desk.ui.kit.history import HistoryDialog
from defender_desk.ui.kit.jobs import Job, error_text
from defender_desk.ui.kit.viewer import EvidenceViewer
from defender_desk.ui.kit.widgets import field_error_text, fill_combo, select_data
from defender_desk.ui.screens.incident_editor_texts import IncidentEditorTexts
from defender_desk.ui.screens.incident_parts import (
    SEVERITY_LABELS,
    CategoryPicker,
    DateControl,
    DropZone,
    FollowUpRow,
    PeopleChecklist,
)

if TYPE_CHECKING:
    from defender_desk.app import Desk, Draft
    from defender_desk.ui.kit.host import Host

R_CHOOSE_CATEGORY = N_("choose one from the list")
R_CHOOSE_WHEN = N_("choose how precisely you know when it happened")

__all__ = ["R_CHOOSE_CATEGORY", "SEVERITY_LABELS", "HistoryDialog", "IncidentEditor"]


class IncidentEditor(IncidentEditorTexts, EditorDialog):
    """Create (``incident_id=None``) or edit one incident. After Save, :attr:`incident` holds
    the stored incident and the dialog is accepted."""

    draft_kind = "incident"
    wanted_size = QSize(1000, 760)

    def __init__(
        self, controller: Host, incident_id: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(controller, parent)
        self.controller = controller
        self.desk: Desk = controller.desk
        self.incident_id = incident_id
        self.incident: Incident | None = (
            self.desk.get_incident(incident_id) if incident_id else None
        )
        self.pending: list[Evidence] = []  # imported for a new incident, attached on save
        self.job: Job | None = None
        self.viewer: EvidenceViewer | None = None
        self.history: HistoryDialog | None = None
        self.setSizeGripEnabled(True)
        body = QWidget()
        self.body = body

        self.kind_box = QGroupBox(body)
        self.category = CategoryPicker(self.kind_box)
        self.category.tree.setMinimumHeight(200)
        self.category.changed.connect(self._category_changed)
        QVBoxLayout(self.kind_box).addWidget(self.category)

        self.what_box = QGroupBox(body)
        self.title_edit = QLineEdit(self.what_box)
        self.description = QPlainTextEdit(self.what_box)
        self.description.setTabChangesFocus(True)
        self.description.setMinimumHeight(90)
        self.description.setMaximumHeight(160)
        self.start = DateControl(self.what_box, unset_text=N_("Not chosen yet"))
        self.end = DateControl(self.what_box, optional=True)
        self.place = QLineEdit(self.what_box)
        self.what_form = self._form(self.what_box)
        self.title_label = self._row(self.what_form, self.title_edit)
        self.description_label = self._row(self.what_form, self.description)
        self.start_label = self._row(self.what_form, self.start, self.start.precision)
        self.end_label = self._row(self.what_form, self.end, self.end.precision)
        self.place_label = self._row(self.what_form, self.place)

        self.who_box = QGroupBox(body)

        def checklist(with_self: bool, roles: Callable[[Person], bool], role: PersonRole) -> Any:
            found = PeopleChecklist(
                controller, self.who_box, with_self=with_self, roles=roles, new_role=role
            )
            found.created.connect(self._person_created)
            return found

        self.targets = checklist(True, lambda p: p.role is not PersonRole.ACTOR, PersonRole.FAMILY)
        self.actors = checklist(False, lambda p: p.role is PersonRole.ACTOR, PersonRole.ACTOR)
        self.witnesses = checklist(
            False, lambda p: p.role is not PersonRole.ACTOR, PersonRole.WITNESS
        )
        self.who_form = self._form(self.who_box)
        self.targets_label = self._row(self.who_form, self.targets, self.targets.list)
        self.actors_label = self._row(self.who_form, self.actors, self.actors.list)
        self.witnesses_label = self._row(self.who_form, self.witnesses, self.witnesses.list)

        self.how_box = QGroupBox(body)
        self.channel = QComboBox(self.how_box)
        self.severity = QComboBox(self.how_box)
        self.tags = QLineEdit(self.how_box)
        self.how_form = self._form(self.how_box)
        self.channel_label = self._row(self.how_form, self.channel)
        self.severity_label = self._row(self.how_form, self.severity)
        self.tags_label = self._row(self.how_form, self.tags)

        self.follow_box = QGroupBox(body)
        self.follow_rows: list[FollowUpRow] = []
        self.follow_layout = QVBoxLayout(self.follow_box)
        self.add_follow_button = QPushButton(self.follow_box)
        self.add_follow_button.clicked.connect(lambda: self.add_follow_up().kind.setFocus())
        self.follow_layout.addWidget(self.add_follow_button, 0, Qt.AlignmentFlag.AlignLeft)

        self.summons_box = QGroupBox(body)
        self.who_summoned = QLineEdit(self.summons_box)
        self.legal_basis = QLineEdit(self.summons_box)
        self.status = QComboBox(self.summons_box)
        self.erdr = QLineEdit(self.summons_box)
        self.appointed = DateControl(self.summons_box, optional=True, none_text=N_("Not known"))
        self.summons_place = QLineEdit(self.summons_box)
        self.lawyer_present = QComboBox(self.summons_box)
        self.letter = QComboBox(self.summons_box)
        self.summons_form = self._form(self.summons_box)
        self.summons_labels: dict[str, QLabel] = {}
        for key, widget in (
            ("who_summoned", self.who_summoned),
            ("legal_basis", self.legal_basis),
            ("status", self.status),
            ("erdr_number", self.erdr),
            ("appointed", self.appointed),
            ("place", self.summons_place),
            ("lawyer_present", self.lawyer_present),
            ("letter_evidence_id", self.letter),
        ):
            buddy = widget.precision if isinstance(widget, DateControl) else widget
            self.summons_labels[key] = self._row(self.summons_form, widget, buddy)

        self.evidence_box = QGroupBox(body)
        self.drop_zone = DropZone(self.evidence_box)
        self.drop_zone.files_dropped.connect(self.add_files)
        self.add_files_button = QPushButton(self.evidence_box)
        self.add_files_button.clicked.connect(self.choose_files)
        self.evidence_table = QTableWidget(self.evidence_box)
        self.evidence_table.setColumnCount(4)
        self.evidence_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.evidence_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.evidence_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.evidence_table.setTabKeyNavigation(False)
        self.evidence_table.verticalHeader().setVisible(False)
        self.evidence_table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.Stretch
        )
        self.evidence_table.setMinimumHeight(110)
        self.evidence_table.cellActivated.connect(lambda _r, _c: self.view_evidence())
        self.view_button = QPushButton(self.evidence_box)
        self.view_button.clicked.connect(self.view_evidence)
        self.detach_button = QPushButton(self.evidence_box)
        self.detach_button.clicked.connect(self.detach_evidence)
        self.delete_evidence_button = QPushButton(self.evidence_box)
        self.delete_evidence_button.clicked.connect(self.delete_evidence)
        ev = QVBoxLayout(self.evidence_box)
        zone_row = QHBoxLayout()
        zone_row.addWidget(self.drop_zone, 1)
        zone_row.addWidget(self.add_files_button)
        ev.addLayout(zone_row)
        ev.addWidget(self.evidence_table)
        ev_buttons = QHBoxLayout()
        for b in (self.view_button, self.detach_button, self.delete_evidence_button):
            ev_buttons.addWidget(b)
        ev_buttons.addStretch(1)
        ev.addLayout(ev_buttons)

        col = QVBoxLayout(body)
        for box in (
            self.kind_box,
            self.what_box,
            self.who_box,
            self.how_box,
            self.summons_box,
            self.follow_box,
            self.evidence_box,
        ):
            col.addWidget(box)
        col.addStretch(1)
        self.set_body(body)

        self.history_button = QPushButton(self)
        self.history_button.setVisible(incident_id is not None)
        self.history_button.clicked.connect(self.show_history)
        self.extra_buttons.addWidget(self.history_button)
        self.evidence_delete_shortcut = QShortcut(
            QKeySequence(QKeySequence.StandardKey.Delete), self.evidence_table
        )
        self.evidence_delete_shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        self.evidence_delete_shortcut.activated.connect(self.delete_evidence)
        self.setTabOrder(self.category.search, self.category.tree)
        self.setTabOrder(self.category.tree, self.title_edit)
        self.retranslate()
        self._load()
        controller.language_changed.connect(self.retranslate)
        self.finish()
        (self.title_edit if self.incident else self.category.search).setFocus()

    @staticmethod
    def _form(box: QGroupBox) -> QFormLayout:
        form = QFormLayout(box)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        return form

    @staticmethod
    def _row(form: QFormLayout, widget: QWidget, buddy: QWidget | None = None) -> QLabel:
        label = QLabel()
        label.setBuddy(buddy or widget)
        form.addRow(label, widget)
        return label

    # -- loading -----------------------------------------------------------------------------
    def _load(self) -> None:
        inc = self.incident
        people = self.desk.list_people()
        self.targets.set_people(
            people, inc.target_ids if inc else [], bool(inc and inc.targets_self)
        )
        self.actors.set_people(people, inc.actor_ids if inc else [])
        self.witnesses.set_people(people, inc.witness_ids if inc else [])
        if inc is None:
            self.category.set_code(None)
            self._category_changed("")
            self._fill_evidence()
            return
        self.category.set_code(inc.category)
        self.title_edit.setText(inc.title)
        self.description.setPlainText(inc.description)
        self.start.set_value(inc.happened)
        self.end.set_value(inc.until)
        self.place.setText(inc.place)
        select_data(self.channel, inc.channel.value if inc.channel else None)
        select_data(self.severity, inc.severity)
        self.tags.setText(", ".join(inc.tags))
        for fu in inc.follow_ups:
            row = self.add_follow_up()
            select_data(row.kind, fu.kind.value)
            row.text.setText(fu.text)
            row.when.setText(str(fu.when) if fu.when else "")
        self._fill_evidence()
        self._load_summons(inc.summons.model_dump(mode="json") if inc.summons else None)
        self._category_changed(inc.category)

    def _load_summons(self, s: dict[str, Any] | None) -> None:
        if not s:
            return
        self.who_summoned.setText(s.get("who_summoned") or "")
        self.legal_basis.setText(s.get("legal_basis") or "")
        status = s.get("status")
        select_data(self.status, None if status in (None, "none_stated") else status)
        self.erdr.setText(s.get("erdr_number") or "")
        appointed = s.get("appointed")
        self.appointed.set_value(_when(appointed))
        self.summons_place.setText(s.get("place") or "")
        select_data(self.lawyer_present, s.get("lawyer_present"))
        if s.get("letter_evidence_id"):
            select_data(self.letter, s["letter_evidence_id"])

    def _category_changed(self, code: str) -> None:
        self.summons_box.setVisible(bool(code) and taxonomy.is_summons(code))

    def _person_created(self, person: Person) -> None:
        people = self.desk.list_people()
        for checklist in (self.targets, self.actors, self.witnesses):
            keep = checklist.checked_ids()
            checklist.set_people(people, keep, checklist.self_checked())

    def add_follow_up(self) -> FollowUpRow:
        row = FollowUpRow(self.follow_box)
        row.remove.connect(self._remove_follow_up)
        self.follow_rows.append(row)
        self.follow_layout.insertWidget(self.follow_layout.count() - 1, row)
        return row

    def _remove_follow_up(self, row: FollowUpRow) -> None:
        self.follow_rows.remove(row)
        row.hide()
        row.deleteLater()
        self.add_follow_button.setFocus()

    # -- drafts -------------------------------------------------------------------------------
    def is_modified(self) -> bool:
        return super().is_modified() or bool(self.pending)  # files added count as changes

    def draft_record_id(self) -> str | None:
        return self.incident_id

    def _date_text(self, control: DateControl) -> str | None:
        try:
            value = control.value()
        except InvalidDate:
            return None
        return None if value is None else str(value)

    def draft_state(self) -> dict[str, Any]:
        """Everything she typed, valid or not yet (a draft is never refused)."""
        state = self._fields(strict=False)
        state["pending_evidence"] = [e.id for e in self.pending]
        return state

    def load_draft(self, payload: dict[str, Any]) -> None:
        if payload.get("category"):
            self.category.set_code(payload["category"])
        self.title_edit.setText(str(payload.get("title") or ""))
        self.description.setPlainText(str(payload.get("description") or ""))
        for control, key in ((self.start, "happened"), (self.end, "until")):
            control.set_value(_when(payload.get(key)))
        self.place.setText(str(payload.get("place") or ""))
        people = self.desk.list_people()
        known = {p.id for p in people}
        self.targets.set_people(
            people,
            [i for i in payload.get("target_ids", []) if i in known],
            bool(payload.get("targets_self")),
        )
        self.actors.set_people(people, [i for i in payload.get("actor_ids", []) if i in known])
        self.witnesses.set_people(people, [i for i in payload.get("witness_ids", []) if i in known])
        select_data(self.channel, payload.get("channel"))
        select_data(self.severity, payload.get("severity"))
        self.tags.setText(", ".join(payload.get("tags") or []))
        for row in list(self.follow_rows):
            self._remove_follow_up(row)
        for fu in payload.get("follow_ups") or []:
            row = self.add_follow_up()
            select_data(row.kind, fu.get("kind"))
            row.text.setText(fu.get("text") or "")
            row.when.setText(fu.get("when") or "")
        if self.incident_id is None:
            ids = set(payload.get("pending_evidence") or [])
            self.pending = [e for e in self.desk.list_evidence(None) if e.id in ids]
        self._fill_evidence()
        self._load_summons(payload.get("summons"))
        self._category_changed(self.category.code() or "")

    # -- evidence ---------------------------------------------------------------------------
    def evidence(self) -> list[Evidence]:
        if self.incident_id is None:
            return list(self.pending)
        return self.desk.list_evidence(self.incident_id)

    def _fill_evidence(self) -> None:
        items = self.evidence()
        keep = self.selected_evidence()
        self.evidence_table.setRowCount(len(items))
        for row, ev in enumerate(items):
            name = QTableWidgetItem(ev.original_name)
            name.setData(Qt.ItemDataRole.UserRole, ev.id)
            self.evidence_table.setItem(row, 0, name)
            self.evidence_table.setItem(row, 1, QTableWidgetItem(file_kind(ev.media_type)))
            self.evidence_table.setItem(row, 2, QTableWidgetItem(human_size(ev.size)))
            self.evidence_table.setItem(row, 3, QTableWidgetItem(local_time(ev.added_at)))
            if keep is not None and ev.id == keep.id:
                self.evidence_table.selectRow(row)
        for column in (1, 2, 3):
            self.evidence_table.resizeColumnToContents(column)
        if items and self.evidence_table.currentRow() < 0:
            self.evidence_table.selectRow(0)
        has = bool(items)
        self.view_button.setEnabled(has)
        self.delete_evidence_button.setEnabled(has)
        self.detach_button.setEnabled(has and self.incident_id is not None)
        current = self.letter.currentData()
        fill_combo(self.letter, [(_("None"), None), *[(ev.original_name, ev.id) for ev in items]])
        select_data(self.letter, current)

    def selected_evidence(self) -> Evidence | None:
        row = self.evidence_table.currentRow()
        if row < 0 or self.evidence_table.item(row, 0) is None:
            return None
        eid = self.evidence_table.item(row, 0).data(Qt.ItemDataRole.UserRole)
        return next((e for e in self.evidence() if e.id == eid), None)

    def choose_files(self) -> None:
        paths = filepicker.pick_files(self, _("Add evidence files"))
        if paths:
            self.add_files(paths)

    def add_files(self, untrusted_paths: list[Path]) -> Job | None:
        """Encrypt the files into the vault (in a thread, with progress and cancel)."""
        if not untrusted_paths:
            return None
        if self.job is not None and self.job.thread.isRunning():
            self.error.setText(
                _("Wait until the files being added are in the vault, then try again.")
            )
            return None
        desk, incident_id = self.desk, self.incident_id
        imported: list[Evidence] = []

        def work(progress: Callable[[int, int], None], cancelled: Callable[[], bool]) -> Any:
            for path in untrusted_paths:
                imported.append(
                    desk.add_evidence(incident_id, path, progress=progress, cancel=cancelled)
                )
            return imported

        label = ngettext(
            "Encrypting {n} file into the vault…",
            "Encrypting {n} files into the vault…",
            len(untrusted_paths),
        ).format(n=len(untrusted_paths))
        self.job = Job(self, label, work)
        self.job.ended.connect(lambda: self._imported(imported))
        return self.job.start()

    def _imported(self, imported: list[Evidence]) -> None:
        if self.incident_id is None:
            self.pending.extend(imported)
        self._fill_evidence()
        if imported:
            self.evidence_table.selectRow(self.evidence_table.rowCount() - 1)

    def view_evidence(self) -> None:
        ev = self.selected_evidence()
        if ev is None:
            return
        self.viewer = EvidenceViewer(self.desk, ev, self)
        self.viewer.open()

    def detach_evidence(self) -> None:
        ev = self.selected_evidence()
        if ev is None or self.incident_id is None:
            return
        if not dialogs.confirm(
            self,
            _(
                "Detach this file from the incident? It stays in the vault, encrypted, but is no"
                " longer listed here."
            ),
        ):
            return
        try:
            self.desk.attach_evidence(ev.id, None)
        except DefenderDeskError as exc:
            self.error.setText(error_text(exc))
        self._fill_evidence()

    def delete_evidence(self) -> None:
        ev = self.selected_evidence()
        if ev is None:
            return
        if not dialogs.confirm(
            self,
            _("Delete the evidence file “{name}” from the vault?").format(name=ev.original_name)
            + "\n\n"
            + _(
                "Its encrypted copy is erased and its details are purged from the history: only"
                " a hash remains. This cannot be undone."
            ),
        ):
            return
        try:
            self.desk.delete_evidence(ev.id)
        except DefenderDeskError as exc:
            self.error.setText(error_text(exc))
        self.pending = [e for e in self.pending if e.id != ev.id]
        self._fill_evidence()

    # -- saving -------------------------------------------------------------------------------
    def _date(self, control: DateControl, field: str) -> str | None:
        try:
            fd = control.value()
        except InvalidDate as exc:
            raise InvalidInput(field=field, reason=exc.fields["reason"]) from None
        return None if fd is None else str(fd)

    def _fields(self, *, strict: bool) -> dict[str, Any]:
        """The form as a JSON-shaped draft. ``strict``: raise :class:`InvalidInput` for what the
        facade would refuse in words it cannot know (no category, a date not chosen)."""
        code = self.category.code()
        if strict and not code:
            raise InvalidInput(field="category", reason=R_CHOOSE_CATEGORY)
        follow_ups: list[dict[str, Any]] = []
        for index, row in enumerate(self.follow_rows):
            entry: dict[str, Any] = {"kind": row.kind.currentData(), "text": row.text.text()}
            if row.when.text().strip():
                try:
                    entry["when"] = str(parse_when(row.when.text()))
                except InvalidDate as exc:
                    if strict:
                        raise InvalidInput(
                            field=f"follow_ups.{index}.when", reason=exc.fields["reason"]
                        ) from None
                    entry["when"] = None
            follow_ups.append(entry)
        happened = self._date(self.start, "happened") if strict else self._date_text(self.start)
        if strict and happened is None:
            raise InvalidInput(field="happened", reason=R_CHOOSE_WHEN)
        return {
            "category": code,
            "title": self.title_edit.text(),
            "description": self.description.toPlainText(),
            "happened": happened,
            "until": self._date(self.end, "until") if strict else self._date_text(self.end),
            "place": self.place.text(),
            "targets_self": self.targets.self_checked(),
            "target_ids": self.targets.checked_ids(),
            "actor_ids": self.actors.checked_ids(),
            "witness_ids": self.witnesses.checked_ids(),
            "channel": self.channel.currentData(),
            "severity": self.severity.currentData(),
            "follow_ups": follow_ups,
            "tags": [t.strip() for t in self.tags.text().split(",") if t.strip()],
            "summons": self._summons(strict) if code and taxonomy.is_summons(code) else None,
        }

    def collect(self) -> dict[str, Any]:
        """The form as a JSON-shaped draft for the facade; raises :class:`InvalidInput`."""
        return self._fields(strict=True)

    def _summons(self, strict: bool = True) -> dict[str, Any] | None:
        summons: dict[str, Any] = {
            "who_summoned": self.who_summoned.text(),
            "legal_basis": self.legal_basis.text(),
            "place": self.summons_place.text(),
        }
        if self.status.currentData() is not None:  # unset: "not stated", never printed
            summons["status"] = self.status.currentData()
        if self.erdr.text().strip():
            summons["erdr_number"] = self.erdr.text()
        appointed = (
            self._date(self.appointed, "summons.appointed")
            if strict
            else self._date_text(self.appointed)
        )
        if appointed is not None:
            summons["appointed"] = appointed
        if self.lawyer_present.currentData() is not None:
            summons["lawyer_present"] = self.lawyer_present.currentData()
        if self.letter.currentData():
            summons["letter_evidence_id"] = self.letter.currentData()
        empty = (
            not any(str(summons[k]).strip() for k in ("who_summoned", "legal_basis", "place"))
            and len(summons) == 3
        )
        return None if empty else summons

    def show_error(self, exc: DefenderDeskError) -> None:
        if isinstance(exc, InvalidInput):
            field = str(exc.fields.get("field", ""))
            self.error.setText(field_error_text(exc, self.field_labels()))
            widget = self.field_widget(field)
            if widget is not None:
                if self.body.isAncestorOf(widget):
                    self.scroll.ensureWidgetVisible(widget)
                widget.setFocus()
        else:
            self.error.setText(error_text(exc))

    def save(self) -> None:
        self.error.setText("")
        try:
            draft = self.collect()
            if self.incident_id is None:
                incident = self.desk.add_incident({k: v for k, v in draft.items() if v is not None})
                for ev in self.pending:
                    self.desk.attach_evidence(ev.id, incident.id)
                self.pending = []
                self.incident_id = incident.id
            else:
                incident = self.desk.edit_incident(self.incident_id, draft)
        except DefenderDeskError as exc:
            self.show_error(exc)
            return
        self.incident = incident
        self.saved()

    def reject(self) -> None:
        if self.pending:
            n = len(self.pending)
            answer = dialogs.ask_unsaved(
                self,
                _("You have changes that are not saved. Save them?")
                + "\n\n"
                + ngettext(
                    "If you discard them, the {n} file you added is deleted from the vault.",
                    "If you discard them, the {n} files you added are deleted from the vault.",
                    n,
                ).format(n=n),
            )
            if answer == "save":
                self.save()
            elif answer == "discard":
                self.discard()
            return
        super().reject()

    def discard(self) -> None:
        for ev in self.pending:
            try:
                self.desk.delete_evidence(ev.id)
            except DefenderDeskError:
                continue
        self.pending = []
        super().discard()

    def show_history(self) -> None:
        if self.incident_id is None:
            return
        self.history = HistoryDialog(self.desk, self.incident_id, self)
        self.history.open()


def _when(text: Any) -> FuzzyDate | None:
    """A stored WHEN string back as a date (None for none or an unreadable one)."""
    if not text:
        return None
    try:
        return parse_when(str(text))
    except InvalidDate:
        return None


def _open_incident_draft(host: Host, draft: Draft) -> Any:
    mw = host.main_window
    if mw is None or "incidents" not in mw.screens:
        return None
    screen = mw.show_screen("incidents")
    return screen.open_draft(draft)


register_opener("incident", _open_incident_draft)
