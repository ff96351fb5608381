"""How the export wizard is built and worded (a mixin of :class:`ExportScreen`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from defender_desk.app import (
    ExportResult,
    ExportSelection,
)
from defender_desk.i18n import _, get_language
from defender_desk.ui.kit.format import human_size  # noqa: F401 - used by the screens
from defender_desk.ui.kit.screen import PlainLabel
from defender_desk.ui.kit.widgets import error_label, fill_combo, name_widget, select_data
from defender_desk.ui.unlock import LANGUAGE_NAMES

if TYPE_CHECKING:
    pass

ID_ROLE = Qt.ItemDataRole.UserRole
ME = "me"
PICK_LIMIT = 200  # incidents listed at once in "only these incidents" (search narrows them)
LIST_HEIGHT = 150
WARN_COLOR = "#92400e"
_WARN_STYLE = f"color: {WARN_COLOR};"
_OK_STYLE = "color: #166534;"

STEP_WHAT, STEP_WHO, STEP_WHERE, STEP_DONE = range(4)


def wrapped(parent: QWidget, text: str = "") -> PlainLabel:
    label = PlainLabel(text, parent)
    label.setWordWrap(True)
    return label


def bounded(progress: Any) -> Any:
    """Progress for a :class:`Job` as parts of a million: its signal carries 32-bit ints, and
    byte counts of big files do not fit."""

    def report(done: int, total: int) -> None:
        if total > 0:
            progress(min(max(done, 0), total) * 1_000_000 // total, 1_000_000)

    return report


def checked_data(widget: QListWidget) -> list[str]:
    return [
        str(widget.item(i).data(ID_ROLE))
        for i in range(widget.count())
        if widget.item(i).checkState() == Qt.CheckState.Checked
    ]


def _checkable(widget: QListWidget, text: str, data: str, checked: bool) -> QListWidgetItem:
    item = QListWidgetItem(text, widget)
    item.setData(ID_ROLE, data)
    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
    item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
    return item


@dataclass
class _Made:
    """What the result page shows (kept to re-render it in another language)."""

    result: ExportResult
    to_me: bool
    selection: ExportSelection


class ExportLayout:
    """The wizard's pages and their texts."""

    @staticmethod
    def _scrolled(page: QWidget) -> QScrollArea:
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setWidget(page)
        return area

    # -- step 1: what -----------------------------------------------------------------------
    def _build_what(self) -> QWidget:
        page = QWidget()
        self.what_intro = wrapped(page)

        self.only_period = QCheckBox(page)
        self.period = QWidget(page)
        self.date_from, self.date_until = QLineEdit(self.period), QLineEdit(self.period)
        self.from_label, self.until_label = QLabel(self.period), QLabel(self.period)
        self.from_label.setBuddy(self.date_from)
        self.until_label.setBuddy(self.date_until)
        pl = QHBoxLayout(self.period)
        pl.setContentsMargins(24, 0, 0, 0)
        for w in (self.from_label, self.date_from, self.until_label, self.date_until):
            pl.addWidget(w)
        pl.addStretch(1)
        for edit in (self.date_from, self.date_until):
            edit.setMinimumWidth(200)
            edit.editingFinished.connect(self.update_count)

        self.only_categories = QCheckBox(page)
        self.categories = QListWidget()
        self.only_targets = QCheckBox(page)
        self.targets = QListWidget()
        self.only_incidents = QCheckBox(page)
        self.incidents_box = QWidget(page)
        self.search = QLineEdit(self.incidents_box)
        self.search.setClearButtonEnabled(True)
        self.search.returnPressed.connect(self._fill_incidents)
        self.search.textChanged.connect(lambda _t: self._fill_incidents())
        self.search_label = QLabel(self.incidents_box)
        self.search_label.setBuddy(self.search)
        self.incidents = QListWidget(self.incidents_box)
        self.picked_label = wrapped(self.incidents_box)
        il = QVBoxLayout(self.incidents_box)
        il.setContentsMargins(24, 0, 0, 0)
        sr = QHBoxLayout()
        sr.addWidget(self.search_label)
        sr.addWidget(self.search, 1)
        il.addLayout(sr)
        il.addWidget(self.incidents)
        il.addWidget(self.picked_label)
        for lst in (self.categories, self.targets, self.incidents):
            lst.setFixedHeight(LIST_HEIGHT)
            lst.itemChanged.connect(self._list_changed)
        self.categories_box = self._indented(page, self.categories)
        self.targets_box = self._indented(page, self.targets)

        self.with_evidence = QCheckBox(page)
        self.with_evidence.setChecked(True)
        self.with_obligations = QCheckBox(page)
        self.with_obligations.setChecked(True)
        self.count_label = wrapped(page)
        self.count_label.setStyleSheet("font-weight: bold;")
        self.what_error = error_label(page)

        for box, shown in (
            (self.only_period, self.period),
            (self.only_categories, self.categories_box),
            (self.only_targets, self.targets_box),
            (self.only_incidents, self.incidents_box),
        ):
            box.toggled.connect(shown.setVisible)
            box.toggled.connect(lambda _on: self.update_count())
            shown.setVisible(False)

        lay = QVBoxLayout(page)
        lay.addWidget(self.what_intro)
        indent = QVBoxLayout()
        indent.setContentsMargins(0, 0, 0, 0)
        for w in (
            self.only_period,
            self.period,
            self.only_categories,
            self.categories_box,
            self.only_targets,
            self.targets_box,
            self.only_incidents,
            self.incidents_box,
        ):
            indent.addWidget(w)
        lay.addLayout(indent)
        self.include_label = QLabel(page)
        self.include_label.setStyleSheet("font-weight: bold;")
        lay.addSpacing(8)
        lay.addWidget(self.include_label)
        lay.addWidget(self.with_evidence)
        lay.addWidget(self.with_obligations)
        lay.addSpacing(8)
        lay.addWidget(self.count_label)
        lay.addWidget(self.what_error)
        lay.addStretch(1)
        return page

    @staticmethod
    def _indented(parent: QWidget, inner: QWidget) -> QWidget:
        box = QWidget(parent)
        lay = QVBoxLayout(box)
        lay.setContentsMargins(24, 0, 0, 0)
        lay.addWidget(inner)
        return box

    # -- step 2: for whom -------------------------------------------------------------------
    def _build_who(self) -> QWidget:
        page = QWidget()
        self.who_intro = wrapped(page)
        self.recipients = QListWidget(page)
        self.recipients.setFixedHeight(LIST_HEIGHT)
        self.recipients.itemChanged.connect(lambda _i: self._update_who())
        self.no_contacts = wrapped(page)
        self.no_contacts.setStyleSheet(_WARN_STYLE)
        self.contacts_button = QPushButton(page)
        self.contacts_button.clicked.connect(self._go_contacts)
        self.to_me = QCheckBox(page)
        self.to_me.toggled.connect(lambda _on: self._update_who())
        self.unverified = wrapped(page)
        self.unverified.setStyleSheet(_WARN_STYLE)
        self.language = QComboBox(page)
        self.language.activated.connect(lambda _i: setattr(self, "_language_chosen", True))
        self.language_label = QLabel(page)
        self.language_label.setBuddy(self.language)
        self.language_label.setWordWrap(True)
        self.owner = QLineEdit(page)
        self.owner_label = QLabel(page)
        self.owner_label.setBuddy(self.owner)
        self.owner_label.setWordWrap(True)
        self.owner_hint = wrapped(page)
        self.who_error = error_label(page)
        lay = QVBoxLayout(page)
        lay.addWidget(self.who_intro)
        lay.addWidget(self.recipients)
        lay.addWidget(self.no_contacts)
        lay.addWidget(self.contacts_button, 0, Qt.AlignmentFlag.AlignLeft)
        lay.addWidget(self.to_me)
        lay.addWidget(self.unverified)
        lay.addSpacing(8)
        lay.addWidget(self.language_label)
        lay.addWidget(self.language, 0, Qt.AlignmentFlag.AlignLeft)
        lay.addSpacing(8)
        lay.addWidget(self.owner_label)
        lay.addWidget(self.owner)
        lay.addWidget(self.owner_hint)
        lay.addWidget(self.who_error)
        lay.addStretch(1)
        return page

    # -- step 3: where ----------------------------------------------------------------------
    def _build_where(self) -> QWidget:
        page = QWidget()
        self.where_intro = wrapped(page)
        self.where_caption = QLabel(page)
        self.where_path = wrapped(page)
        self.where_path.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.choose_button = QPushButton(page)
        self.choose_button.clicked.connect(self.choose_destination)
        row = QHBoxLayout()
        row.addWidget(self.where_path, 1)
        row.addWidget(self.choose_button)
        self.summary = wrapped(page)
        self.summary.setFrameShape(QFrame.Shape.StyledPanel)
        self.summary.setMargin(8)
        self.where_status = wrapped(page)
        lay = QVBoxLayout(page)
        lay.addWidget(self.where_intro)
        lay.addWidget(self.where_caption)
        lay.addLayout(row)
        lay.addSpacing(8)
        lay.addWidget(self.summary)
        lay.addWidget(self.where_status)
        lay.addStretch(1)
        return page

    # -- the result -------------------------------------------------------------------------
    def _build_done(self) -> QWidget:
        page = QWidget()
        self.done_title = QLabel(page)
        self.done_title.setStyleSheet("font-size: 13pt; font-weight: bold; color: #166534;")
        self.done_title.setWordWrap(True)
        self.done_what = wrapped(page)
        self.done_whom = wrapped(page)
        self.done_where = wrapped(page)
        self.done_where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.done_open = wrapped(page)
        self.done_open.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # The stock-tool steps for someone without the app, in the app itself.
        self.done_steps = QPlainTextEdit(page)
        self.done_steps.setReadOnly(True)
        self.done_steps.setFont(QFont("DejaVu Sans Mono"))
        self.done_steps.setFixedHeight(self.done_steps.fontMetrics().lineSpacing() * 8 + 16)
        self.done_steps.setTabChangesFocus(True)
        self.done_steps.setAccessibleName(_("Commands for someone without the app"))
        self.done_visible = wrapped(page)
        self.done_visible.setStyleSheet(_WARN_STYLE)
        self.done_captions = [QLabel(page) for _i in range(4)]
        lay = QVBoxLayout(page)
        lay.addWidget(self.done_title)
        for caption, text in zip(
            self.done_captions,
            (self.done_what, self.done_whom, self.done_where, self.done_open),
            strict=True,
        ):
            caption.setStyleSheet("font-weight: bold;")
            caption.setWordWrap(True)
            lay.addSpacing(6)
            lay.addWidget(caption)
            lay.addWidget(text)
        lay.addWidget(self.done_steps)
        lay.addSpacing(6)
        lay.addWidget(self.done_visible)
        lay.addStretch(1)
        return page

    # -- texts ------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.heading.setText(_("Encrypted export"))
        self.what_intro.setText(
            _(
                "Choose what goes into the export. Without a choice below it holds every"
                " incident, the people named in them and your obligations."
            )
        )
        self.only_period.setText(_("Only &a period"))
        self.from_label.setText(_("From:"))
        self.until_label.setText(_("Until:"))
        name_widget(self.date_from, _("From date"))
        name_widget(self.date_until, _("Until date"))
        for edit in (self.date_from, self.date_until):
            edit.setPlaceholderText(_("e.g. 2021 or 2021-05"))
        self.only_categories.setText(_("Only some &categories"))
        name_widget(self.categories, _("Categories to export (with the ones below them)"))
        self.only_targets.setText(_("Only incidents aimed at some &people"))
        name_widget(self.targets, _("Export the incidents aimed at these people"))
        self.only_incidents.setText(_("Only incidents I &pick"))
        self.search_label.setText(_("Find:"))
        name_widget(self.search, _("Find incidents to pick"))
        self.search.setPlaceholderText(_("Words from the title, description, names or tags"))
        name_widget(self.incidents, _("Incidents to export"))
        self.picked_label.setAccessibleName(_("Incidents picked"))
        self.include_label.setText(_("Include:"))
        self.with_evidence.setText(
            _("&Evidence files (photos, documents) — without them only their names and hashes")
        )
        self.with_obligations.setText(
            _("&Obligations (probation, restrictions, check-ins, hearings)")
        )
        self.count_label.setAccessibleName(_("What will be exported"))
        self.what_error.setAccessibleName(_("Problem"))

        self.who_intro.setText(
            _(
                "Who can open it: the export is encrypted to the contacts you tick, and only"
                " they can open it."
            )
        )
        name_widget(self.recipients, _("Contacts the export is for"))
        self.no_contacts.setText(
            _(
                "You have no contacts yet. Add your lawyer's card in Contacts & my card first,"
                " and compare the verification code with them in person."
            )
        )
        self.no_contacts.setAccessibleName(_("No contacts yet"))
        self.contacts_button.setText(_("Go to &Contacts & my card"))
        self.contacts_button.setAccessibleName(_("Go to Contacts & my card"))
        self.to_me.setText(_("Also encrypt it to &me, so that I can open it here"))
        self.unverified.setAccessibleName(_("Warning"))
        self.language_label.setText(_("&Language of the report:"))
        name_widget(self.language, _("Language of the report"))
        fill_combo(self.language, [(name, code) for code, name in LANGUAGE_NAMES.items()])
        if not self._language_chosen:  # follows the interface until she picks one
            select_data(self.language, get_language())
        self.owner_label.setText(_("&Your name on the report:"))
        name_widget(self.owner, _("Your name on the report (optional)"))
        self.owner.setPlaceholderText(_("optional"))
        self.owner_hint.setText(
            _("Leave it empty to keep your name off the report; your card identifies you.")
        )
        self.who_error.setAccessibleName(_("Problem"))

        self.where_intro.setText(
            _(
                "Choose where to save the file, e.g. a USB stick. Its name is neutral and says"
                " nothing about what is inside."
            )
        )
        self.where_caption.setText(_("Save to:"))
        self.where_path.setAccessibleName(_("Where the export will be saved"))
        self.choose_button.setText(_("C&hoose…"))
        self.choose_button.setAccessibleName(_("Choose where to save the export"))
        self.summary.setAccessibleName(_("Summary of the export"))
        self.where_status.setAccessibleName(_("Result"))

        self.done_title.setText(_("The encrypted export is ready."))
        for caption, text in zip(
            self.done_captions,
            (_("What was made"), _("For whom"), _("Where"), _("How they open it")),
            strict=True,
        ):
            caption.setText(text)
        for w, name in (
            (self.done_what, _("What was made")),
            (self.done_whom, _("For whom")),
            (self.done_where, _("Where")),
            (self.done_open, _("How they open it")),
            (self.done_visible, _("What others can see")),
        ):
            w.setAccessibleName(name)

        self.back_button.setText(_("&Back"))
        self.back_button.setAccessibleName(_("Back to the previous step"))
        self.again_button.setText(_("Make &another export"))
        self.again_button.setAccessibleName(_("Make another export"))
        if self.desk.unlocked:
            self._fill_categories()
            self._fill_targets()
            self._fill_incidents()
            self._fill_recipients()
            self._update_picked()
            self.update_count()
            self._update_who()
        self._update_where()
        self._render_done()
        self._update_nav()

    # -- data -------------------------------------------------------------------------------
