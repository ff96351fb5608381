"""How the emergency screen is built and worded (a mixin of :class:`EmergencyScreen`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
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
    QListWidget,
    QPlainTextEdit,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QTreeWidget,
    QVBoxLayout,
    QWidget,
)

from defender_desk.i18n import _
from defender_desk.ui.kit.screen import PlainLabel
from defender_desk.ui.kit.widgets import (
    error_label,
    name_widget,
)
from defender_desk.ui.screens.emergency_parts import (
    CALM_FRAME,
    HEADING_STYLE,
    LANGUAGE_NAMES,
    NOTE_STYLE,
    _button,
    _frame,
    _wrapping,
    _wrapping_list,
)

if TYPE_CHECKING:
    pass


class EmergencyLayout:
    """The widgets of the emergency screen and their texts."""

    # -- building ----------------------------------------------------------------------------
    def _build_start(self) -> None:
        page = QWidget(self.stack)
        self.start_page = page
        self.start_intro = _wrapping(page)
        self.who_label = QLabel(page)
        self.who_label.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.people_list = QListWidget(page)
        self.people_list.setMinimumHeight(120)
        self.people_list.activated.connect(lambda _i: self.start())
        self.who_label.setBuddy(self.people_list)
        self.new_person_button = _button(page, self.new_person)
        self.start_button = _button(page, self.start)
        self.start_button.setStyleSheet("font-weight: bold; padding: 4px 18px;")
        self.start_error = error_label(page)
        self.start_hint = _wrapping(page, NOTE_STYLE)
        self.prepare_button = _button(page, self.show_preparation)
        self.past_label = QLabel(page)
        self.past_list = QListWidget(page)
        self.past_list.setMaximumHeight(self.fontMetrics().lineSpacing() * 6 + 12)
        self.past_list.activated.connect(lambda _i: self.open_selected_emergency())
        self.past_label.setBuddy(self.past_list)
        self.open_past_button = _button(page, self.open_selected_emergency)

        person_buttons = QHBoxLayout()
        person_buttons.addWidget(self.new_person_button)
        person_buttons.addStretch(1)
        person_buttons.addWidget(self.start_button)
        hint_row = QHBoxLayout()
        hint_row.addWidget(self.start_hint, 1)
        hint_row.addWidget(self.prepare_button, 0, Qt.AlignmentFlag.AlignTop)
        past_row = QHBoxLayout()
        past_row.addWidget(self.past_label)
        past_row.addStretch(1)
        past_row.addWidget(self.open_past_button)
        lay = QVBoxLayout(page)
        lay.addWidget(self.start_intro)
        lay.addSpacing(6)
        lay.addWidget(self.who_label)
        lay.addWidget(self.people_list, 1)
        lay.addLayout(person_buttons)
        lay.addWidget(self.start_error)
        lay.addSpacing(6)
        lay.addLayout(hint_row)
        lay.addSpacing(6)
        lay.addLayout(past_row)
        lay.addWidget(self.past_list)
        self.stack.addWidget(page)

    def _build_emergency(self) -> None:
        page = QWidget(self.stack)
        self.emergency_page = page
        self.banner = _frame(page, "emergencyBanner", CALM_FRAME)
        self.em_heading = PlainLabel("", self.banner)
        self.em_heading.setStyleSheet(HEADING_STYLE)
        self.em_heading.setWordWrap(True)
        self.em_status = _wrapping(self.banner)
        self.others_button = _button(self.banner, self.show_start)
        self.close_button = _button(self.banner, self.close_emergency)
        self.show_incident_button = _button(self.banner, self.show_incident)
        banner_buttons = QHBoxLayout()
        banner_buttons.addWidget(self.em_status, 1)
        banner_buttons.addWidget(self.others_button, 0, Qt.AlignmentFlag.AlignBottom)
        banner_buttons.addWidget(self.show_incident_button, 0, Qt.AlignmentFlag.AlignBottom)
        banner_buttons.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignBottom)
        banner_lay = QVBoxLayout(self.banner)
        banner_lay.addWidget(self.em_heading)
        banner_lay.addLayout(banner_buttons)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, page)
        self.splitter.setChildrenCollapsible(False)

        # left: the log of the night
        self.log_box = QGroupBox(self.splitter)
        self.entry_widgets = QWidget(self.log_box)
        entry_parent = self.entry_widgets
        self.entry_label = QLabel(entry_parent)
        self.entry_label.setWordWrap(True)
        self.entry = QLineEdit(entry_parent)
        self.entry.returnPressed.connect(self.add_entry)
        self.entry_label.setBuddy(self.entry)
        self.add_button = _button(entry_parent, self.add_entry)
        self.time_label = QLabel(entry_parent)
        self.time_edit = QLineEdit(entry_parent)
        self.time_edit.setMaximumWidth(self.fontMetrics().horizontalAdvance("00:00") * 3)
        self.time_edit.returnPressed.connect(self.add_entry)
        self.time_label.setBuddy(self.time_edit)
        self.time_note = _wrapping(entry_parent, NOTE_STYLE)
        self.entry_error = error_label(entry_parent)
        self.closed_note = _wrapping(self.log_box, NOTE_STYLE)
        self.log_label = QLabel(self.log_box)
        self.log_view = _wrapping_list(self.log_box)
        self.log_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.log_label.setBuddy(self.log_view)
        entry_row = QHBoxLayout()
        entry_row.addWidget(self.entry, 1)
        entry_row.addWidget(self.add_button)
        time_row = QHBoxLayout()
        time_row.addWidget(self.time_label)
        time_row.addWidget(self.time_edit)
        time_row.addWidget(self.time_note, 1)
        ew = QVBoxLayout(self.entry_widgets)
        ew.setContentsMargins(0, 0, 0, 0)
        ew.addWidget(self.entry_label)
        ew.addLayout(entry_row)
        ew.addLayout(time_row)
        ew.addWidget(self.entry_error)
        log_lay = QVBoxLayout(self.log_box)
        log_lay.addWidget(self.entry_widgets)
        log_lay.addWidget(self.closed_note)
        log_lay.addWidget(self.log_label)
        log_lay.addWidget(self.log_view, 1)

        # right: steps, places, details, card
        self.side = QTabWidget(self.splitter)
        # Every tab's name whole, in every language (the Kazakh fourth was cut to «К…»).
        self.side.tabBar().setElideMode(Qt.TextElideMode.ElideNone)
        self.side.tabBar().setUsesScrollButtons(False)
        self.side.tabBar().setExpanding(False)
        self.side.setElideMode(Qt.TextElideMode.ElideNone)
        self._build_steps_tab()
        self._build_places_tab()
        self._build_details_tab()
        self._build_card_tab()
        self.splitter.addWidget(self.log_box)
        self.splitter.addWidget(self.side)
        self.splitter.setStretchFactor(0, 5)
        self.splitter.setStretchFactor(1, 6)

        lay = QVBoxLayout(page)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.banner)
        lay.addWidget(self.splitter, 1)
        self.stack.addWidget(page)

    def _build_steps_tab(self) -> None:
        tab = QWidget(self.side)
        self.steps_tab = tab
        self.steps_disclaimer = _wrapping(tab, NOTE_STYLE)
        self.steps_list = _wrapping_list(tab)
        self.steps_list.itemChanged.connect(self._step_changed)
        self.steps_hint = _wrapping(tab)
        self.edit_steps_button = _button(tab, self.edit_steps)
        lay = QVBoxLayout(tab)
        lay.addWidget(self.steps_disclaimer)
        lay.addWidget(self.steps_list, 1)
        lay.addWidget(self.steps_hint)
        lay.addWidget(self.edit_steps_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.side.addTab(tab, "")

    def _build_places_tab(self) -> None:
        tab = QWidget(self.side)
        self.places_tab = tab
        self.places_summary = _wrapping(tab)
        self.places_list = _wrapping_list(tab)
        self.places_list.itemChanged.connect(self._place_changed)
        self.places_list.currentRowChanged.connect(lambda _r: self._update_place_buttons())
        self.check_button = _button(tab, self.check_selected_place)
        self.other_place_button = _button(tab, self.check_other_place)
        self.add_places_button = _button(tab, self.show_preparation)
        buttons = QHBoxLayout()
        buttons.addWidget(self.check_button)
        buttons.addWidget(self.other_place_button)
        buttons.addStretch(1)
        lay = QVBoxLayout(tab)
        lay.addWidget(self.places_summary)
        lay.addWidget(self.places_list, 1)
        lay.addLayout(buttons)
        lay.addWidget(self.add_places_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.side.addTab(tab, "")

    def _build_details_tab(self) -> None:
        tab = QWidget(self.side)
        self.details_tab = tab
        self.details_intro = _wrapping(tab, NOTE_STYLE)
        self.d_full_name = QLineEdit(tab)
        self.d_birth = QLineEdit(tab)
        self.d_iin = QLineEdit(tab)
        self.d_phone = QLineEdit(tab)
        self.d_details = QPlainTextEdit(tab)
        self.d_details.setTabChangesFocus(True)
        self.d_details.setMinimumHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.d_labels: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for key, field in (
            ("full_name", self.d_full_name),
            ("date_of_birth", self.d_birth),
            ("id_number", self.d_iin),
            ("phone", self.d_phone),
            ("details", self.d_details),
        ):
            label = QLabel(tab)
            label.setBuddy(field)
            self.d_labels[key] = label
            form.addRow(label, field)
        self.save_details_button = _button(tab, self.save_details)
        self.details_error = error_label(tab)
        self.details_status = _wrapping(tab, NOTE_STYLE)
        lay = QVBoxLayout(tab)
        lay.addWidget(self.details_intro)
        lay.addLayout(form)
        lay.addWidget(self.details_error)
        row = QHBoxLayout()
        row.addWidget(self.save_details_button)
        row.addWidget(self.details_status, 1)
        lay.addLayout(row)
        lay.addStretch(1)
        self.side.addTab(tab, "")

    def _build_card_tab(self) -> None:
        tab = QWidget(self.side)
        self.card_tab = tab
        self.card_language_label = QLabel(tab)
        self.card_language = QComboBox(tab)
        for code, name in LANGUAGE_NAMES.items():
            self.card_language.addItem(name, code)
        self.card_language.currentIndexChanged.connect(lambda _i: self._card_language_chosen())
        self._card_language_set = False  # she chose one; else it follows the interface
        self.card_language_label.setBuddy(self.card_language)
        self.card_view = QTextBrowser(tab)
        self.card_view.setOpenLinks(False)
        self.card_view.setOpenExternalLinks(False)
        self.card_view.setTabChangesFocus(True)
        self.card_warning = _wrapping(tab, NOTE_STYLE)
        self.save_card_button = _button(tab, self.save_card)
        self.card_status = _wrapping(tab)
        self.card_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top = QHBoxLayout()
        top.addWidget(self.card_language_label)
        top.addWidget(self.card_language)
        top.addStretch(1)
        lay = QVBoxLayout(tab)
        lay.addLayout(top)
        lay.addWidget(self.card_view, 1)
        lay.addWidget(self.card_warning)
        lay.addWidget(self.save_card_button, 0, Qt.AlignmentFlag.AlignLeft)
        lay.addWidget(self.card_status)
        self.side.addTab(tab, "")

    def _build_prep(self) -> None:
        page = self.prep
        self.prep_intro = _wrapping(page)
        self.contacts_box = QGroupBox(page)
        self.contacts_tree = self._tree(self.contacts_box, 3)
        self.contacts_tree.itemActivated.connect(lambda *_a: self.edit_contact())
        self.contacts_tree.currentItemChanged.connect(lambda *_a: self._update_prep_buttons())
        self.add_contact_button = _button(self.contacts_box, self.add_contact)
        self.edit_contact_button = _button(self.contacts_box, self.edit_contact)
        self.delete_contact_button = _button(self.contacts_box, self.delete_contact)
        self.places_box = QGroupBox(page)
        self.places_tree = self._tree(self.places_box, 4)
        self.places_tree.itemActivated.connect(lambda *_a: self.edit_place())
        self.places_tree.currentItemChanged.connect(lambda *_a: self._update_prep_buttons())
        self.add_place_button = _button(self.places_box, self.add_place)
        self.edit_place_button = _button(self.places_box, self.edit_place)
        self.delete_place_button = _button(self.places_box, self.delete_place)
        self.prep_steps_box = QGroupBox(page)
        self.prep_steps_text = _wrapping(self.prep_steps_box)
        self.prep_edit_steps_button = _button(self.prep_steps_box, self.edit_steps)
        for box, tree, buttons in (
            (
                self.contacts_box,
                self.contacts_tree,
                (self.add_contact_button, self.edit_contact_button, self.delete_contact_button),
            ),
            (
                self.places_box,
                self.places_tree,
                (self.add_place_button, self.edit_place_button, self.delete_place_button),
            ),
        ):
            row = QHBoxLayout()
            for b in buttons:
                row.addWidget(b)
            row.addStretch(1)
            box_lay = QVBoxLayout(box)
            box_lay.addWidget(tree, 1)
            box_lay.addLayout(row)
        steps_lay = QHBoxLayout(self.prep_steps_box)
        steps_lay.addWidget(self.prep_steps_text, 1)
        steps_lay.addWidget(self.prep_edit_steps_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.contact_delete_shortcut = QShortcut(
            QKeySequence(QKeySequence.StandardKey.Delete), self.contacts_tree
        )
        self.contact_delete_shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        self.contact_delete_shortcut.activated.connect(self.delete_contact)
        self.place_delete_shortcut = QShortcut(
            QKeySequence(QKeySequence.StandardKey.Delete), self.places_tree
        )
        self.place_delete_shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        self.place_delete_shortcut.activated.connect(self.delete_place)
        lay = QVBoxLayout(page)
        lay.setContentsMargins(0, 8, 0, 0)
        lay.addWidget(self.prep_intro)
        lay.addWidget(self.contacts_box, 2)
        lay.addWidget(self.places_box, 3)
        lay.addWidget(self.prep_steps_box)

    @staticmethod
    def _tree(parent: QWidget, columns: int) -> QTreeWidget:
        tree = QTreeWidget(parent)
        tree.setColumnCount(columns)
        tree.setRootIsDecorated(False)
        tree.setUniformRowHeights(True)
        tree.setAlternatingRowColors(True)
        tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        tree.setMinimumHeight(90)
        header = tree.header()
        header.setStretchLastSection(True)
        for col in range(columns - 1):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
        return tree

    # -- texts -------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.tabs.setTabText(0, _("Someone was detained"))
        self.tabs.setTabText(1, _("Before anything happens"))
        self.tabs.setAccessibleName(_("Emergency"))
        # start page
        self.start_intro.setText(
            _(
                "Take a breath. This screen goes with you step by step: it shows what to do"
                " next and writes down what happens, with the time. Everything stays in your"
                " encrypted vault."
            )
        )
        self.start_intro.setAccessibleName(_("About this screen"))
        self.who_label.setText(_("&Who was detained?"))
        name_widget(self.people_list, _("Who was detained"))
        self.new_person_button.setText(_("New person…"))
        self.new_person_button.setAccessibleName(_("Add the person who was detained"))
        self.start_button.setText(_("Start"))
        self.start_button.setAccessibleName(_("Start the emergency for the chosen person"))
        self.start_error.setAccessibleName(_("Problem"))
        self.start_hint.setAccessibleName(_("Before anything happens"))
        self.prepare_button.setText(_("Lawyers and places…"))
        self.prepare_button.setAccessibleName(_("Enter your lawyers, helpers and places to ask"))
        self.past_label.setText(_("&Emergencies:"))
        name_widget(self.past_list, _("Emergencies, open and closed"))
        self.open_past_button.setText(_("Open"))
        self.open_past_button.setAccessibleName(_("Open the selected emergency"))
        # emergency page
        self.em_heading.setAccessibleName(_("Emergency"))
        self.em_status.setAccessibleName(_("State of the emergency"))
        self.others_button.setText(_("Someone else…"))
        self.others_button.setAccessibleName(_("Someone else was detained, or another emergency"))
        self.close_button.setText(_("Close and make an incident…"))
        self.close_button.setAccessibleName(_("Close the emergency and make an incident"))
        self.close_button.setToolTip("Ctrl+Shift+E")  # same in every language
        self.show_incident_button.setText(_("Show the incident"))
        self.show_incident_button.setAccessibleName(
            _("Show the incident this emergency was closed into")
        )
        self.log_box.setTitle(_("Log of the night"))
        self.entry_label.setText(_("&What happened? One line — Enter adds it with the time."))
        name_widget(self.entry, _("New entry of the log"))
        self.entry.setPlaceholderText(
            _("e.g. District police: the duty officer says nobody by that name is held there")
        )
        self.add_button.setText(_("Add"))
        self.add_button.setAccessibleName(_("Add the entry to the log"))
        self.time_label.setText(_("T&ime, if not now:"))
        name_widget(self.time_edit, _("Time, if not now"))
        self.time_edit.setPlaceholderText(_("now"))
        self.time_note.setText(_("For something you write down later, e.g. 21:30."))
        self.time_note.setAccessibleName(_("About the time"))
        self.entry_error.setAccessibleName(_("Problem"))
        self.closed_note.setAccessibleName(_("State of the log"))
        self.log_label.setText(_("&Entries, in time order:"))
        name_widget(self.log_view, _("Log of the night, in time order"))
        self.side.setAccessibleName(_("What to do"))
        self.side.setTabText(self.side.indexOf(self.steps_tab), _("First steps"))
        self.side.setTabText(self.side.indexOf(self.places_tab), _("Places to ask"))
        self.side.setTabText(self.side.indexOf(self.details_tab), _("Details"))
        self.side.setTabText(self.side.indexOf(self.card_tab), _("Card"))
        self.steps_disclaimer.setAccessibleName(_("Not legal advice"))
        name_widget(self.steps_list, _("First steps; tick one when it is done"))
        self.steps_hint.setAccessibleName(_("About the steps"))
        self.edit_steps_button.setText(_("Edit the steps…"))
        self.edit_steps_button.setAccessibleName(_("Edit the first steps"))
        self.places_summary.setAccessibleName(_("Places asked"))
        name_widget(self.places_list, _("Places to ask; tick one when you have asked"))
        self.check_button.setText(_("Write down the answer…"))
        self.check_button.setAccessibleName(_("Write down what the selected place answered"))
        self.other_place_button.setText(_("Another place…"))
        self.other_place_button.setAccessibleName(_("Write down the answer of another place"))
        self.add_places_button.setText(_("Add places to your list…"))
        self.add_places_button.setAccessibleName(_("Add places to ask to your list"))
        self.details_intro.setText(
            _(
                "What police and hospitals ask for. Printed on the card; nothing else about the"
                " night is."
            )
        )
        self.details_intro.setAccessibleName(_("About the details"))
        for key, text in (
            ("full_name", _("&Full name:")),
            ("date_of_birth", _("Date of &birth:")),
            ("id_number", _("II&N:")),
            ("phone", _("&Phone:")),
            ("details", _("Distinguishing &details:")),
        ):
            self.d_labels[key].setText(text)
        name_widget(self.d_full_name, _("Full name"))
        name_widget(self.d_birth, _("Date of birth"))
        self.d_birth.setPlaceholderText(_("e.g. 17.05.2003"))
        name_widget(self.d_iin, _("IIN"))
        self.d_iin.setPlaceholderText(_("12 digits"))
        name_widget(self.d_phone, _("Phone"))
        name_widget(self.d_details, _("Distinguishing details"))
        self.d_details.setPlaceholderText(_("Clothes, height, the phone's case…"))
        self.save_details_button.setText(_("Save the details"))
        self.save_details_button.setAccessibleName(_("Save the details for inquiries"))
        self.details_error.setAccessibleName(_("Problem"))
        self.details_status.setAccessibleName(_("Saved"))
        self.card_language_label.setText(_("&Language of the card:"))
        name_widget(self.card_language, _("Language of the card"))
        name_widget(self.card_view, _("The emergency card"))
        self.card_warning.setText(
            _(
                "The card is shown here only. Saved as a PDF it is NOT encrypted, and printers,"
                " print spoolers and copy shops keep copies of what they print."
            )
        )
        self.card_warning.setAccessibleName(_("Warning about the card"))
        self.save_card_button.setText(_("Save the card as PDF…"))
        self.save_card_button.setAccessibleName(_("Save the card as a PDF file"))
        self.card_status.setAccessibleName(_("Where the card was saved"))
        # before anything happens
        self.prep_intro.setText(
            _(
                "Enter these on a calm day. The app ships no phone numbers: every number here"
                " is one you entered yourself — check them from time to time. They are printed"
                " on the emergency card, with the first steps."
            )
        )
        self.prep_intro.setAccessibleName(_("About these lists"))
        self.contacts_box.setTitle(_("Lawyers and helpers"))
        self.contacts_tree.setHeaderLabels([_("Name"), _("Kind"), _("Phone numbers")])
        name_widget(self.contacts_tree, _("Lawyers and helpers"))
        self.places_box.setTitle(_("Places to ask"))
        self.places_tree.setHeaderLabels([_("Name"), _("Kind"), _("Phone numbers"), _("Address")])
        name_widget(self.places_tree, _("Places to ask"))
        for button, text, name in (
            (self.add_contact_button, _("Add…"), _("Add a lawyer or helper")),
            (self.edit_contact_button, _("Edit…"), _("Edit the selected lawyer or helper")),
            (self.delete_contact_button, _("Delete"), _("Delete the selected lawyer or helper")),
            (self.add_place_button, _("Add…"), _("Add a place to ask")),
            (self.edit_place_button, _("Edit…"), _("Edit the selected place")),
            (self.delete_place_button, _("Delete"), _("Delete the selected place")),
        ):
            button.setText(text)
            button.setAccessibleName(name)
        self.prep_steps_box.setTitle(_("First steps"))
        self.prep_steps_text.setText(
            _(
                "The checklist for the night is general guidance to review with your lawyer in"
                " advance — not legal advice. Change its wording to what you agreed on."
            )
        )
        self.prep_steps_text.setAccessibleName(_("About the first steps"))
        self.prep_edit_steps_button.setText(_("Edit the first steps…"))
        self.prep_edit_steps_button.setAccessibleName(_("Edit the first steps"))
        if self._loaded and self.desk.unlocked:
            self.refresh()

    # -- data --------------------------------------------------------------------------------
