"""Incidents: the list (lazy — pages of 200 fetched from the facade as the view needs them, so
100,000 rows cost no more than 200), filters, full-text search (Cyrillic and Kazakh), and the
way into the editor and a record's history.

Keys: Ctrl+N new incident, Ctrl+F search, Enter or double-click opens, Delete (in the list)
deletes after a confirmation.
"""

from __future__ import annotations

from dataclasses import fields, replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from defender_desk.app import IncidentFilter
from defender_desk.domain import taxonomy
from defender_desk.domain.dates import FuzzyDate, InvalidDate, parse_when
from defender_desk.domain.models import (
    CHANNEL_LABELS,
    INSTITUTION_LABELS,
    Channel,
    InstitutionKind,
    PersonRole,
)
from defender_desk.errors import DefenderDeskError
from defender_desk.i18n import N_, _, describe_error, get_language, ngettext
from defender_desk.ui.kit import confirm as dialogs
from defender_desk.ui.kit.jobs import error_text
from defender_desk.ui.kit.listing import EmptyState
from defender_desk.ui.kit.screen import PlainLabel, Screen
from defender_desk.ui.kit.widgets import fill_combo, name_widget, select_data
from defender_desk.ui.screens.incident_editor import (
    SEVERITY_LABELS,
    HistoryDialog,
    IncidentEditor,
)
from defender_desk.ui.screens.incident_list import (  # noqa: F401 - re-exported
    COL_ACTORS,
    COL_CATEGORY,
    COL_DATE,
    COL_EVIDENCE,
    COL_TARGETS,
    COL_TITLE,
    COLUMNS,
    PAGE_SIZE,
    IncidentTableModel,
)

if TYPE_CHECKING:
    from defender_desk.app import Draft
    from defender_desk.ui.kit.host import Host


class IncidentsScreen(Screen):
    title = N_("Incidents")
    key = "incidents"

    def __init__(self, controller: Host, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        self.editor: IncidentEditor | None = None
        self.history: HistoryDialog | None = None
        self._extra = IncidentFilter()  # parts of a filter given by another screen
        self._loaded = False

        self.heading = QLabel(self)
        self.heading.setStyleSheet("font-size: 16pt; font-weight: bold;")
        self.search_label = QLabel(self)
        self.search = QLineEdit(self)
        self.search.setClearButtonEnabled(True)
        self.search_label.setBuddy(self.search)
        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(250)
        self.search_timer.timeout.connect(self.apply_filters)
        # As you type only from three characters (or when cleared): shorter words cannot use
        # the trigram index and scan every record; Enter searches them on request.
        self.search.textChanged.connect(
            lambda t: self.search_timer.start() if len(t.strip()) >= 3 or not t.strip() else None
        )
        self.search.returnPressed.connect(self.apply_filters)
        self.count_label = PlainLabel("", self)
        self.filters_button = QToolButton(self)
        self.filters_button.setCheckable(True)
        self.filters_button.setChecked(True)
        self.filters_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.filters_button.toggled.connect(self._toggle_filters)

        # filters
        self.filters = QWidget(self)
        self.date_from = QLineEdit(self.filters)
        self.date_until = QLineEdit(self.filters)
        self.category = QComboBox(self.filters)
        self.target = QComboBox(self.filters)
        self.actor = QComboBox(self.filters)
        self.actor_kind = QComboBox(self.filters)
        self.channel = QComboBox(self.filters)
        self.severity = QComboBox(self.filters)
        self.has_evidence = QComboBox(self.filters)
        self.clear_button = QPushButton(self.filters)
        self.clear_button.clicked.connect(self.clear_filters)
        for edit in (self.date_from, self.date_until):
            edit.editingFinished.connect(self.apply_filters)
            edit.setMinimumWidth(edit.fontMetrics().horizontalAdvance("2021-05-31") + 24)
        for combo in (
            self.category,
            self.target,
            self.actor,
            self.actor_kind,
            self.channel,
            self.severity,
            self.has_evidence,
        ):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(12)
            combo.currentIndexChanged.connect(lambda _i: self.apply_filters())
        self.filter_labels: dict[str, QLabel] = {}
        grid = QGridLayout(self.filters)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        placed = [
            ("date_from", self.date_from, 0, 0),
            ("date_until", self.date_until, 0, 1),
            ("category", self.category, 0, 2),
            ("target", self.target, 1, 0),
            ("actor", self.actor, 1, 1),
            ("actor_kind", self.actor_kind, 1, 2),
            ("channel", self.channel, 2, 0),
            ("severity", self.severity, 2, 1),
            ("has_evidence", self.has_evidence, 2, 2),
        ]
        for key, widget, row, col in placed:
            label = QLabel(self.filters)
            label.setBuddy(widget)
            self.filter_labels[key] = label
            grid.addWidget(label, row, col * 2, Qt.AlignmentFlag.AlignRight)
            grid.addWidget(widget, row, col * 2 + 1)
        for col in (1, 3, 5):
            grid.setColumnStretch(col, 1)
        self.extra_label = PlainLabel("", self.filters)
        self.extra_label.setWordWrap(True)
        self.extra_label.setStyleSheet("color: #1e40af;")
        self.filter_error = PlainLabel("", self.filters)
        self.filter_error.setWordWrap(True)
        self.filter_error.setStyleSheet("color: #b91c1c;")
        bottom = QHBoxLayout()
        bottom.addWidget(self.extra_label, 1)
        bottom.addWidget(self.filter_error, 1)
        bottom.addWidget(self.clear_button)
        grid.addLayout(bottom, 3, 0, 1, 6)

        # the list
        self.model = IncidentTableModel(self.desk, self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.setTabKeyNavigation(False)
        vh = self.table.verticalHeader()
        vh.setVisible(False)
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(self.fontMetrics().height() + 10)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        hh.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Stretch)
        hh.setHighlightSections(False)
        for col, width in (
            (COL_DATE, 160),
            (COL_CATEGORY, 180),
            (COL_TARGETS, 120),
            (COL_ACTORS, 140),
            (COL_EVIDENCE, 90),
        ):
            self.table.setColumnWidth(col, width)
        self.table.activated.connect(lambda index: self.edit_incident(index.row()))
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self._update_buttons())
        self.preview = PlainLabel("", self)
        self.preview.setWordWrap(True)
        self.preview.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.preview.setMaximumHeight(self.fontMetrics().lineSpacing() * 4 + 8)
        self.empty_label = EmptyState(self)

        self.new_button = QPushButton(self)
        self.new_button.clicked.connect(self.new_incident)
        self.edit_button = QPushButton(self)
        self.edit_button.clicked.connect(
            lambda: self.edit_incident(self.table.currentIndex().row())
        )
        self.delete_button = QPushButton(self)
        self.delete_button.clicked.connect(self.delete_selected)
        self.history_button = QPushButton(self)
        self.history_button.clicked.connect(self.show_history)

        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addStretch(1)
        top.addWidget(self.count_label)
        search_row = QHBoxLayout()
        search_row.addWidget(self.search_label)
        search_row.addWidget(self.search, 1)
        search_row.addWidget(self.filters_button)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.history_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(search_row)
        layout.addWidget(self.filters)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.preview)

        self.new_shortcut = QShortcut(QKeySequence("Ctrl+N"), self)
        self.new_shortcut.activated.connect(self.new_incident)
        self.find_shortcut = QShortcut(QKeySequence("Ctrl+F"), self)
        self.find_shortcut.activated.connect(self.focus_search)
        self.delete_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.table)
        self.delete_shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        self.delete_shortcut.activated.connect(self.delete_selected)

        self.setTabOrder(self.search, self.filters_button)
        self.setTabOrder(self.filters_button, self.date_from)
        self.setTabOrder(self.date_from, self.date_until)
        self.setTabOrder(self.date_until, self.category)
        self.setTabOrder(self.category, self.target)
        self.setTabOrder(self.target, self.actor)
        self.setTabOrder(self.actor, self.actor_kind)
        self.setTabOrder(self.actor_kind, self.channel)
        self.setTabOrder(self.channel, self.severity)
        self.setTabOrder(self.severity, self.has_evidence)
        self.setTabOrder(self.has_evidence, self.clear_button)
        self.setTabOrder(self.clear_button, self.new_button)
        self.setTabOrder(self.new_button, self.edit_button)
        self.setTabOrder(self.edit_button, self.delete_button)
        self.setTabOrder(self.delete_button, self.history_button)
        self.setTabOrder(self.history_button, self.table)
        controller.locked.connect(self._locked)
        self.retranslate()

    def _locked(self) -> None:
        """The vault was locked (the process restarts next): drop every record shown."""
        if self.editor is not None:
            self.editor.pending = []  # nothing to ask about: the vault is closed
            self.editor.reject()
        self.model.clear()
        self.preview.setText("")
        for combo in (self.target, self.actor):
            combo.clear()

    # -- texts -------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.heading.setText(_("Incidents"))
        self.search_label.setText(_("&Search:"))
        name_widget(self.search, _("Search the incidents"))
        self.search.setPlaceholderText(
            _("Words from the title, description, names, tags or file names  (Ctrl+F)")
        )
        self.count_label.setAccessibleName(_("Number of incidents shown"))
        self.filters_button.setText(_("Filters"))
        self.filters_button.setAccessibleName(_("Show or hide the filters"))
        texts = {
            "date_from": _("From:"),
            "date_until": _("Until:"),
            "category": _("Category:"),
            "target": _("Aimed at:"),
            "actor": _("Who acted:"),
            "actor_kind": _("Kind of actor:"),
            "channel": _("Channel:"),
            "severity": _("Severity:"),
            "has_evidence": _("Evidence:"),
        }
        for key, text in texts.items():
            self.filter_labels[key].setText(text)
        name_widget(self.date_from, _("From date"))
        name_widget(self.date_until, _("Until date"))
        for edit in (self.date_from, self.date_until):
            edit.setPlaceholderText(_("e.g. 2021 or 2021-05"))
        name_widget(self.category, _("Category (with the ones below it)"))
        name_widget(self.target, _("Aimed at"))
        name_widget(self.actor, _("Who acted"))
        name_widget(self.actor_kind, _("Kind of actor"))
        name_widget(self.channel, _("Channel"))
        name_widget(self.severity, _("Severity"))
        name_widget(self.has_evidence, _("Evidence"))
        self.clear_button.setText(_("Clear filters"))
        self.clear_button.setAccessibleName(_("Clear filters"))
        self.extra_label.setAccessibleName(_("Also filtered"))
        self.filter_error.setAccessibleName(_("Problem with a filter"))
        self._fill_static_combos()
        name_widget(self.table, _("Incidents, newest first"))
        self.empty_label.setAccessibleName(_("Incidents"))
        self.preview.setAccessibleName(_("The selected incident"))
        self.new_button.setText(_("New incident") + "  (Ctrl+N)")
        self.new_button.setAccessibleName(_("New incident"))
        self.edit_button.setText(_("Open"))
        self.edit_button.setAccessibleName(_("Open the selected incident"))
        self.delete_button.setText(_("Delete"))
        self.delete_button.setAccessibleName(_("Delete the selected incident"))
        self.history_button.setText(_("History…"))
        self.history_button.setAccessibleName(_("History of the selected incident"))
        self.model.retranslated()
        metrics = self.table.horizontalHeader().fontMetrics()
        for col in (COL_EVIDENCE,):
            self.table.setColumnWidth(col, max(70, metrics.horizontalAdvance(_(COLUMNS[col])) + 24))
        if self.desk.unlocked:
            self._fill_people_combos()
        self._update_count()
        self._update_extra()

    def _fill_static_combos(self) -> None:
        lang = get_language()
        cats: list[tuple[str, Any]] = [(_("Any category"), None)]
        seen: set[str] = set()
        for entry in taxonomy.walk():
            if entry.category.code in seen:
                continue
            seen.add(entry.category.code)
            cats.append(("    " * entry.depth + entry.category.label(lang), entry.category.code))
        self._set_items(self.category, cats)
        self._set_items(
            self.actor_kind,
            [(_("Any kind"), None)]
            + [(_(INSTITUTION_LABELS[k]), k.value) for k in InstitutionKind],
        )
        self._set_items(
            self.channel,
            [(_("Any channel"), None)] + [(_(CHANNEL_LABELS[c]), c.value) for c in Channel],
        )
        self._set_items(
            self.severity,
            [(_("Any severity"), None)]
            + [(_("at least {level}").format(level=_(SEVERITY_LABELS[n])), n) for n in range(2, 6)],
        )
        self._set_items(
            self.has_evidence,
            [
                (_("Any"), None),
                (_("Has evidence files"), True),
                (_("No evidence files"), False),
            ],
        )

    def _fill_people_combos(self) -> None:
        people = self.desk.list_people()
        self._set_items(
            self.target,
            # Whom it was aimed at: her and the people of her circle — never an institution
            # (an actor with an institution kind is someone who acts, not someone aimed at).
            [(_("Anyone"), None), (_("Myself"), "self")]
            + [(p.name, p.id) for p in people if p.role is not PersonRole.ACTOR]
            + [
                (p.name, p.id)
                for p in people
                if p.role is PersonRole.ACTOR and p.institution is None
            ],
        )
        self._set_items(
            self.actor,
            [(_("Anyone"), None)]
            + [(p.name, p.id) for p in people if p.role is PersonRole.ACTOR]
            + [(p.name, p.id) for p in people if p.role is not PersonRole.ACTOR],
        )

    @staticmethod
    def _set_items(combo: QComboBox, items: list[tuple[str, Any]]) -> None:
        fill_combo(combo, items)
        # The box may be narrow; its list opens wide enough for the longest entry.
        view = combo.view()
        view.setMinimumWidth(view.sizeHintForColumn(0) + 2 * view.frameWidth() + 24)

    # -- data --------------------------------------------------------------------------------
    def refresh(self) -> None:
        if not self.desk.unlocked:
            return
        self._fill_people_combos()
        keep = self.selected_id()
        self.model.reload(self.current_filter())
        self._loaded = True
        self._after_reload(keep)

    def _after_reload(self, keep: str | None) -> None:
        self._update_count()
        if keep is not None:
            self.model.row_at(0)  # the first page is shown anyway; look for it there
            row = self.model.loaded_row_of(keep)
            if row is not None:
                self.table.selectRow(row)
        if self.table.currentIndex().row() < 0 and self.model.rowCount():
            self.table.selectRow(0)
        self._update_buttons()

    def _update_count(self) -> None:
        n = self.model.rowCount()
        self.count_label.setText(ngettext("{n} incident", "{n} incidents", n).format(n=n))
        filtered = self.current_filter(quiet=True) != IncidentFilter()
        self.empty_label.show_for(
            n if self._loaded else 1,
            filtered=filtered,
            nothing_matches=_("No incident matches. Clear the search or the filters to see all."),
            empty=_("No incidents yet. Press “New incident” (Ctrl+N) to record the first."),
        )

    def _update_buttons(self) -> None:
        has = self.selected_id() is not None
        for button in (self.edit_button, self.delete_button, self.history_button):
            button.setEnabled(has)
        self._update_preview()

    def _update_preview(self) -> None:
        """The selected incident's full title, date, place and the start of its description
        (the columns cut long text)."""
        r = self.model.row_at(self.table.currentIndex().row())
        if r is None:
            self.preview.setText("")
            return
        inc = r.incident
        head = [inc.title, inc.happened.render(get_language())]
        if inc.place:
            head.append(inc.place)
        text = " — ".join(head)
        description = " ".join(inc.description.split())
        if description:
            text += "\n" + (description[:300] + "…" if len(description) > 300 else description)
        self.preview.setText(text)

    def selected_id(self) -> str | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.incident_id(index.row())

    # -- filters -------------------------------------------------------------------------------
    def _date(self, edit: QLineEdit, errors: list[str]) -> FuzzyDate | None:
        text = edit.text().strip()
        if not text:
            edit.setStyleSheet("")
            return None
        try:
            value = parse_when(text)
        except InvalidDate as exc:
            edit.setStyleSheet("border: 1px solid #b91c1c;")
            errors.append(describe_error(exc))
            return None
        edit.setStyleSheet("")
        return value

    def current_filter(self, *, quiet: bool = False) -> IncidentFilter:
        errors: list[str] = []
        category = self.category.currentData()
        flt = replace(
            self._extra,
            query=self.search.text().strip() or None,
            date_from=self._date(self.date_from, errors),
            date_until=self._date(self.date_until, errors),
            categories=[category] if category else list(self._extra.categories),
            target=self.target.currentData(),
            actor=self.actor.currentData(),
            actor_kind=self.actor_kind.currentData(),
            channel=self.channel.currentData(),
            severity_min=self.severity.currentData(),
            has_evidence=self.has_evidence.currentData(),
        )
        if not quiet:
            self.filter_error.setText("\n".join(errors))
        return flt

    def apply_filters(self) -> None:
        self.search_timer.stop()
        if not self.desk.unlocked:
            return
        self.model.reload(self.current_filter())
        self._loaded = True
        self.table.scrollToTop()
        self._after_reload(None)

    def clear_filters(self) -> None:
        self._extra = IncidentFilter()
        self.set_filter(IncidentFilter())

    def set_filter(self, flt: IncidentFilter) -> None:
        """Show ``flt`` in the widgets (what has no widget is kept and named) and apply it."""
        widgets = [
            self.search,
            self.date_from,
            self.date_until,
            self.category,
            self.target,
            self.actor,
            self.actor_kind,
            self.channel,
            self.severity,
            self.has_evidence,
        ]
        for w in widgets:
            w.blockSignals(True)
        extra = IncidentFilter(ids=flt.ids)
        self.search.setText(flt.query or "")
        self.date_from.setText(str(flt.date_from) if flt.date_from else "")
        self.date_until.setText(str(flt.date_until) if flt.date_until else "")
        if len(flt.categories) == 1 and select_data(self.category, flt.categories[0]):
            pass
        else:
            select_data(self.category, None)
            extra.categories = list(flt.categories)
        for combo, value, name in (
            (self.target, flt.target, "target"),
            (self.actor, flt.actor, "actor"),
            (self.actor_kind, flt.actor_kind, "actor_kind"),
            (self.channel, flt.channel, "channel"),
            (self.severity, flt.severity_min, "severity_min"),
            (self.has_evidence, flt.has_evidence, "has_evidence"),
        ):
            if not select_data(combo, value):
                select_data(combo, None)
                setattr(extra, name, value)
        for w in widgets:
            w.blockSignals(False)
        self._extra = extra
        self._update_extra()
        if self._extra != IncidentFilter() or any(
            getattr(flt, f.name) not in (None, []) for f in fields(flt)
        ):
            self.filters_button.setChecked(True)
        self.apply_filters()

    def _update_extra(self) -> None:
        parts: list[str] = []
        if self._extra.ids is not None:
            parts.append(
                ngettext(
                    "a selection of {n} incident",
                    "a selection of {n} incidents",
                    len(self._extra.ids),
                ).format(n=len(self._extra.ids))
            )
        if self._extra.categories:
            lang = get_language()
            parts.append(", ".join(taxonomy.label(c, lang) for c in self._extra.categories))
        self.extra_label.setText(
            _("Also filtered: {what}").format(what="; ".join(parts)) if parts else ""
        )
        self.extra_label.setVisible(bool(parts))

    def navigate_with(self, **kwargs: Any) -> None:
        """``month=(year, month)``: incidents that may fall in that month (from the overview's
        timeline); ``filter=IncidentFilter``: exactly that filter; ``open_id``: open that
        incident's editor over the list as it is (the list is not narrowed to it)."""
        if not self.desk.unlocked:
            return
        self._fill_people_combos()
        if kwargs.get("open_id"):
            if not self._loaded:
                self.refresh()
            self._open_editor(str(kwargs["open_id"]))
            return
        if "filter" in kwargs and kwargs["filter"] is not None:
            self.set_filter(kwargs["filter"])
        elif "month" in kwargs:
            year, month = kwargs["month"]
            fd = FuzzyDate.in_month(int(year), int(month))
            self._extra = IncidentFilter()
            self.set_filter(IncidentFilter(date_from=fd, date_until=fd))
        else:
            self.refresh()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _toggle_filters(self, on: bool) -> None:
        self.filters.setVisible(on)

    # -- actions -------------------------------------------------------------------------------
    def new_incident(self) -> IncidentEditor:
        return self._open_editor(None)

    def edit_incident(self, row: int) -> IncidentEditor | None:
        incident_id = self.model.incident_id(row) if row >= 0 else None
        if incident_id is None:
            return None
        return self._open_editor(incident_id)

    def open_draft(self, draft: Draft) -> IncidentEditor:
        """Continue an incident draft kept at the last lock."""
        if not self._loaded:
            self.refresh()
        record = draft.record_id
        editor = self._open_editor(record if record and self._exists(record) else None)
        editor.open_draft(draft)
        return editor

    def _exists(self, incident_id: str) -> bool:
        try:
            self.desk.get_incident(incident_id)
        except DefenderDeskError:
            return False
        return True

    def _open_editor(self, incident_id: str | None) -> IncidentEditor:
        self.editor = IncidentEditor(self.controller, incident_id, self)
        self.editor.finished.connect(lambda _r: self._editor_closed())
        self.editor.open()
        return self.editor

    def _editor_closed(self) -> None:
        editor = self.editor
        keep = editor.incident_id if editor is not None else None
        if editor is not None:
            editor.deleteLater()  # its record text goes with it
            self.editor = None
        if not self.desk.unlocked:
            return
        self._fill_people_combos()
        self.model.reload(self.current_filter())
        self._after_reload(keep)

    def delete_selected(self) -> None:
        row = self.table.currentIndex().row()
        r = self.model.row_at(row)
        if r is None:
            return
        text = _("Delete the incident “{title}”?").format(title=r.incident.title)
        text += "\n\n" + _(
            "Its text is also purged from the history: only a hash remains, which shows that a"
            " record existed but not what it said. This cannot be undone."
        )
        if r.evidence:
            text += "\n\n" + ngettext(
                "Its {n} evidence file stays in the vault, encrypted, attached to no incident.",
                "Its {n} evidence files stay in the vault, encrypted, attached to no incident.",
                r.evidence,
            ).format(n=r.evidence)
        if not dialogs.confirm(self, text):
            return
        try:
            self.desk.delete_incident(r.incident.id)
        except DefenderDeskError as exc:
            dialogs.error(self, error_text(exc))
            return
        self.model.reload()
        if self.model.rowCount():
            self.table.selectRow(min(row, self.model.rowCount() - 1))
        self._update_count()
        self._update_buttons()

    def show_history(self) -> None:
        incident_id = self.selected_id()
        if incident_id is None:
            return
        self.history = HistoryDialog(self.desk, incident_id, self)
        self.history.open()
