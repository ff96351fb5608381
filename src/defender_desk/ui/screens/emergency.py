"""Emergency: the night someone in her circle is detained (issue 9), calm and one step at a time.

Two tabs:

* **Someone was detained.** With no emergency open: who was detained (her circle, family first,
  or a new person) and Start. With one open: the log of the night on the left (one line per
  entry; Enter adds it with the time filled in; the log reads "23:40 — …" in time order) and,
  beside it, the first steps (ticking one writes it into the log; general guidance to review with
  her lawyer, not legal advice; her wording is editable), the places to ask (tick one: what it
  answered and who answered), the person's details for inquiries, and the emergency card as it
  prints — written to a PDF only when she asks, after a warning that printers and copy shops keep
  copies. "Close and make an incident…" turns the log into an incident (with evidence files) in a
  background job and shows it in the incident list. A closed emergency is shown read-only.
* **Before anything happens.** Her lawyers and helpers with their phone numbers and the places to
  ask (police departments, temporary detention, hospitals), entered by her in advance — the app
  ships no phone numbers — and her wording of the first steps.

Keys: the log's line has the focus whenever an open emergency is shown; Enter adds the entry;
Space ticks the current step or place; Enter on a person starts; Enter in a list of the second tab
edits, Delete deletes.

Test hooks: every dialog is opened with ``open()`` and kept on the screen while it is open
(``person_dialog``, ``check_dialog``, ``steps_dialog``, ``close_dialog``, ``listed_dialog``); the
close runs in ``job``. Message boxes and file pickers go through their own hooks.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QListWidgetItem,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from defender_desk.app import (
    Emergency,
    EmergencyContact,
    EmergencyPlace,
    EmergencyView,
    LogEntry,
)
from defender_desk.domain.models import Person, PersonRole
from defender_desk.errors import DefenderDeskError
from defender_desk.i18n import N_, _, get_language, ngettext
from defender_desk.ui import filepicker
from defender_desk.ui.kit import confirm as dialogs
from defender_desk.ui.kit.form import FieldsDraft, register_opener
from defender_desk.ui.kit.jobs import Job, error_text
from defender_desk.ui.kit.screen import Screen
from defender_desk.ui.screens.emergency_dialogs import (
    CheckDialog,
    CloseDialog,
    ListedDialog,
    StepsDialog,
)
from defender_desk.ui.screens.emergency_layout import EmergencyLayout
from defender_desk.ui.screens.emergency_parts import (
    CALM_FRAME,
    CLOSED_FRAME,
    ID_ROLE,
    _bold,
    _show_form_error,
    _when,
    entry_time,
    one_mark,
    split_phones,
)
from defender_desk.ui.screens.emergency_prep import EmergencyPrep
from defender_desk.ui.screens.emergency_render import EmergencyRender
from defender_desk.ui.screens.person_form import PersonDialog, person_details

if TYPE_CHECKING:
    from defender_desk.ui.kit.host import Host

# -- the screen -----------------------------------------------------------------------------


__all__ = [
    "CheckDialog",
    "CloseDialog",
    "EmergencyScreen",
    "ListedDialog",
    "StepsDialog",
    "entry_time",
    "split_phones",
]


class EmergencyScreen(EmergencyLayout, EmergencyRender, EmergencyPrep, Screen):
    title = N_("Emergency")
    key = "emergency"

    def __init__(self, controller: Host, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        self.current_id: str | None = None
        self._want_start = False  # she asked for the start page while one is open
        self._loaded = False
        self.view: EmergencyView | None = None
        self.person: Person | None = None
        self._people: dict[str, Person] = {}
        self._emergencies: list[Emergency] = []
        self._contacts: list[EmergencyContact] = []
        self._places: list[EmergencyPlace] = []
        self._steps: tuple[str, ...] = ()
        self._done_steps: set[int] = set()
        self.person_dialog: PersonDialog | None = None
        self.check_dialog: CheckDialog | None = None
        self.steps_dialog: StepsDialog | None = None
        self.close_dialog: CloseDialog | None = None
        self.listed_dialog: ListedDialog | None = None
        self.job: Job | None = None

        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.night = QWidget(self.tabs)
        self.prep = QWidget(self.tabs)
        self.tabs.addTab(self.night, "")
        self.tabs.addTab(self.prep, "")
        self.stack = QStackedWidget(self.night)
        self._build_start()
        self._build_emergency()
        self._build_prep()
        night_layout = QVBoxLayout(self.night)
        night_layout.setContentsMargins(0, 8, 0, 0)
        night_layout.addWidget(self.stack)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        self.tabs.currentChanged.connect(lambda _i: self._tab_changed())

        self.close_shortcut = QShortcut(QKeySequence("Ctrl+Shift+E"), self)
        self.close_shortcut.activated.connect(self.close_emergency)
        controller.locked.connect(self._locked)
        # What she is typing in the log's next entry and in the details is kept at a lock.
        current = lambda: self.view.emergency.id if self.view is not None else None  # noqa: E731
        self.entry_draft = FieldsDraft(
            controller, "emergency_entry", [self.entry, self.time_edit], current
        )
        self.details_draft = FieldsDraft(
            controller,
            "emergency_details",
            [self.d_full_name, self.d_birth, self.d_iin, self.d_phone, self.d_details],
            current,
        )
        self.retranslate()

    def refresh(self) -> None:
        if not self.desk.unlocked:
            return
        self._loaded = True
        d = self.desk
        self._people = {p.id: p for p in d.list_people()}
        self._contacts = d.list_emergency_contacts()
        self._places = d.list_emergency_places()
        self._emergencies = d.list_emergencies()
        self._fill_prep()
        ids = {e.id for e in self._emergencies}
        if self.current_id not in ids:
            self.current_id = None
        if self.current_id is None and not self._want_start:
            first_open = next((e for e in self._emergencies if e.is_open), None)
            self.current_id = first_open.id if first_open is not None else None
        if self.current_id is None:
            self._show_start_page()
        else:
            self._show_emergency_page(self.current_id)

    def navigate_with(self, **kwargs: Any) -> None:
        """``emergency_id=``: show that emergency (from the overview)."""
        emergency_id = kwargs.get("emergency_id")
        if emergency_id:
            self.current_id = str(emergency_id)
            self._want_start = False
        self.tabs.setCurrentWidget(self.night)
        self.refresh()

    def _focus_first(self) -> None:
        if not self.isVisible() or self.tabs.currentWidget() is not self.night:
            return
        if self.stack.currentWidget() is self.start_page:
            self.people_list.setFocus()
        elif self.view is not None and self.view.emergency.is_open:
            self.entry.setFocus()
        else:
            self.log_view.setFocus()

    def _tab_changed(self) -> None:
        self._focus_first()

    # -- the start page ----------------------------------------------------------------------
    def _show_start_page(self) -> None:
        self.view = None
        self.person = None
        keep = self.people_list.currentItem()
        keep_id = keep.data(ID_ROLE) if keep is not None else None
        self.people_list.clear()
        people = [p for p in self._people.values() if p.role is not PersonRole.ACTOR]
        family = [p for p in people if p.role is PersonRole.FAMILY]
        others = [p for p in people if p.role is not PersonRole.FAMILY]
        for person in family + others:
            details = person_details(person)
            item = QListWidgetItem(person.name + (f" ({details})" if details else ""))
            item.setData(ID_ROLE, person.id)
            self.people_list.addItem(item)
        row = next(
            (
                i
                for i in range(self.people_list.count())
                if self.people_list.item(i).data(ID_ROLE) == keep_id
            ),
            0,
        )
        if self.people_list.count():
            self.people_list.setCurrentRow(row)
        self.start_button.setEnabled(self.people_list.count() > 0)
        self.start_error.setText(
            ""
            if self.people_list.count()
            else _("Nobody in your circle yet: press “New person…” to add who was detained.")
        )
        missing = []
        if not self._contacts:
            missing.append(_("your lawyer's number"))
        if not self._places:
            missing.append(_("the places to ask"))
        if missing:
            self.start_hint.setText(
                _(
                    "Not entered yet: {what}. You can add them under “Before anything happens” —"
                    " now, or once you have started."
                ).format(what=", ".join(missing))
            )
        else:
            contacts = ngettext(
                "{n} lawyer or helper to call",
                "{n} lawyers or helpers to call",
                len(self._contacts),
            ).format(n=len(self._contacts))
            places = ngettext("{n} place to ask", "{n} places to ask", len(self._places)).format(
                n=len(self._places)
            )
            self.start_hint.setText(
                _("Prepared: {contacts}, {places}.").format(contacts=contacts, places=places)
            )
        self.past_list.clear()
        for em in self._emergencies:
            who = self._people.get(em.person_id)
            name = who.name if who is not None else "?"
            if em.is_open:
                text = _("{name} — open since {when}").format(name=name, when=_when(em.started_at))
            else:
                assert em.closed_at is not None
                text = _("{name} — closed {when}").format(name=name, when=_when(em.closed_at))
            item = QListWidgetItem(text)
            item.setData(ID_ROLE, em.id)
            if em.is_open:
                _bold(item)
            self.past_list.addItem(item)
        if self.past_list.count():
            self.past_list.setCurrentRow(0)
        has_past = bool(self._emergencies)
        for w in (self.past_label, self.past_list, self.open_past_button):
            w.setVisible(has_past)
        self.stack.setCurrentWidget(self.start_page)
        self._focus_first()

    def show_start(self) -> None:
        """Another person was detained, or she wants another emergency: the start page."""
        self._want_start = True
        self.current_id = None
        self.refresh()

    def new_person(self) -> None:
        self.person_dialog = PersonDialog(self.controller, self.window(), PersonRole.FAMILY)
        self.person_dialog.accepted.connect(self._person_created)
        self.person_dialog.finished.connect(lambda _r: self._dialog_done("person_dialog"))
        self.person_dialog.open()

    def _person_created(self) -> None:
        dlg = self.person_dialog
        if dlg is None or dlg.person is None:
            return
        self.refresh()
        for i in range(self.people_list.count()):
            if self.people_list.item(i).data(ID_ROLE) == dlg.person.id:
                self.people_list.setCurrentRow(i)
        self.start_button.setFocus()

    def start(self) -> None:
        item = self.people_list.currentItem()
        if item is None:
            self.start_error.setText(_("Choose who was detained first."))
            return
        try:
            emergency = self.desk.start_emergency(item.data(ID_ROLE))
        except DefenderDeskError as exc:
            self.start_error.setText(error_text(exc))
            return
        self.start_error.setText("")
        self._want_start = False
        self.current_id = emergency.id
        self.side.setCurrentWidget(self.steps_tab)
        self.refresh()

    def open_selected_emergency(self) -> None:
        item = self.past_list.currentItem()
        if item is None:
            return
        self._want_start = False
        self.current_id = item.data(ID_ROLE)
        self.refresh()

    def show_preparation(self) -> None:
        self.tabs.setCurrentWidget(self.prep)
        self.contacts_tree.setFocus()

    # -- the emergency page ------------------------------------------------------------------
    def _show_emergency_page(self, emergency_id: str) -> None:
        d = self.desk
        view = d.get_emergency(emergency_id)
        self.view = view
        em = view.emergency
        self.person = self._people.get(em.person_id)
        name = self.person.name if self.person is not None else "?"
        self.em_heading.setText(_("Emergency: {name}").format(name=name))
        is_open = em.is_open
        if is_open:
            self.banner.setStyleSheet(CALM_FRAME.format(name=self.banner.objectName()))
            self.em_status.setText(
                _("Open since {when}. Take it one step at a time; the log keeps the times.").format(
                    when=_when(em.started_at)
                )
            )
        else:
            assert em.closed_at is not None
            self.banner.setStyleSheet(CLOSED_FRAME.format(name=self.banner.objectName()))
            self.em_status.setText(
                _("Closed {when} into an incident. Its log can no longer change.").format(
                    when=_when(em.closed_at)
                )
            )
        self.close_button.setVisible(is_open)
        self.close_shortcut.setEnabled(is_open)
        self.show_incident_button.setVisible(not is_open and em.incident_id is not None)
        self.entry_widgets.setVisible(is_open)
        self.closed_note.setVisible(not is_open)
        self.closed_note.setText(
            ""
            if is_open
            else _(
                "This emergency is closed: nothing more can be added to its log. Add what you"
                " learn later to its incident."
            )
        )
        self._render_log(view.entries)
        self._render_steps(view.entries, is_open)
        self._render_places(view, is_open)
        self._render_details(em)
        self._render_card()
        self.stack.setCurrentWidget(self.emergency_page)
        self._focus_first()

    def add_entry(self) -> LogEntry | None:
        if self.view is None or not self.view.emergency.is_open:
            return None
        self.entry_error.setText("")
        try:
            when = entry_time(self.time_edit.text(), self.desk.clock())
        except ValueError:
            self.entry_error.setText(_("Write the time as 23:40, or leave it empty for now."))
            self.time_edit.setFocus()
            return None
        if not self.entry.text().strip():
            self.entry_error.setText(_("Write in one line what happened, then press Enter."))
            self.entry.setFocus()
            return None
        try:
            entry: LogEntry = self.desk.log(self.view.emergency.id, self.entry.text(), when)
        except DefenderDeskError as exc:
            _show_form_error(self.entry_error, exc, {"text": _("Entry"), "happened_at": _("Time")})
            return None
        self.entry.clear()
        self.time_edit.clear()
        self.entry_draft.forget_draft()
        self.entry_draft.mark_clean()
        self._reload_view(focus_id=entry.id)
        self.entry.setFocus()
        return entry

    def _reload_view(self, focus_id: str | None = None) -> None:
        """After a change to the open emergency: its log, steps and places again."""
        if self.view is None:
            return
        view = self.desk.get_emergency(self.view.emergency.id)
        self.view = view
        self._render_log(view.entries, focus_id)
        self._render_steps(view.entries, view.emergency.is_open)
        self._render_places(view, view.emergency.is_open)

    def _step_changed(self, item: QListWidgetItem) -> None:
        if self.view is None:
            return
        index = int(item.data(ID_ROLE))
        # Not inside the list's own signal: the list is rebuilt.
        if item.checkState() != Qt.CheckState.Checked or index in self._done_steps:
            QTimer.singleShot(0, self._rerender_steps)
            return
        QTimer.singleShot(0, lambda: self.tick_step(index))

    def _rerender_steps(self) -> None:
        if self.view is not None:
            self._render_steps(self.view.entries, self.view.emergency.is_open)

    def tick_step(self, index: int) -> LogEntry | None:
        """Write the step into the log ("✓ …" at the time now); it then shows as done."""
        if self.view is None or not self.view.emergency.is_open:
            return None
        if not 0 <= index < len(self._steps):
            return None
        try:
            entry: LogEntry = self.desk.log(self.view.emergency.id, one_mark(self._steps[index]))
        except DefenderDeskError as exc:
            dialogs.error(self, error_text(exc))
            self._render_steps(self.view.entries, self.view.emergency.is_open)
            return None
        self._reload_view(focus_id=entry.id)
        for i in range(self.steps_list.count()):
            if self.steps_list.item(i).data(ID_ROLE) == index:
                self.steps_list.setCurrentRow(i)
        return entry

    def _place_changed(self, item: QListWidgetItem) -> None:
        if self.view is None:
            return
        # The tick follows what was written down: undo the click, then ask for the answer
        # (not inside the list's own signal: the list is rebuilt).
        place_id = item.data(ID_ROLE)
        QTimer.singleShot(0, lambda: self._place_ticked(place_id))

    def _place_ticked(self, place_id: str) -> None:
        if self.view is None:
            return
        self._render_places(self.view, self.view.emergency.is_open)
        if place_id:
            self.check_place(place_id)

    def check_selected_place(self) -> None:
        item = self.places_list.currentItem()
        if item is not None and item.data(ID_ROLE):
            self.check_place(item.data(ID_ROLE))

    def check_other_place(self) -> None:
        self.check_place(None)

    def check_place(self, place_id: str | None) -> CheckDialog | None:
        if self.view is None or not self.view.emergency.is_open:
            return None
        place = next((p for p in self._places if p.id == place_id), None) if place_id else None
        self.check_dialog = CheckDialog(self.desk, self.view.emergency.id, place, self.window())
        self.check_dialog.accepted.connect(self._checked)
        self.check_dialog.finished.connect(lambda _r: self._dialog_done("check_dialog"))
        self.check_dialog.open()
        return self.check_dialog

    def _checked(self) -> None:
        dlg = self.check_dialog
        if dlg is None or dlg.check is None:
            return
        self._reload_view(focus_id=dlg.check.entry_id)
        self.places_list.setFocus()

    # -- steps -------------------------------------------------------------------------------
    def edit_steps(self) -> StepsDialog:
        self.steps_dialog = StepsDialog(self.desk, get_language(), self.window())
        self.steps_dialog.finished.connect(lambda _r: self._steps_edited())
        self.steps_dialog.open()
        return self.steps_dialog

    def _steps_edited(self) -> None:
        dlg = self.steps_dialog
        if dlg is not None and dlg.changed and self.desk.unlocked:
            self.refresh()
        self._dialog_done("steps_dialog")

    # -- details -----------------------------------------------------------------------------
    def save_details(self) -> None:
        if self.view is None:
            return
        self.details_error.setText("")
        self.details_status.setText("")
        changes = {
            "full_name": self.d_full_name.text(),
            "date_of_birth": self.d_birth.text(),
            "id_number": self.d_iin.text(),
            "phone": self.d_phone.text(),
            "details": self.d_details.toPlainText(),
        }
        labels = {
            "details.full_name": _("Full name"),
            "details.date_of_birth": _("Date of birth"),
            "details.id_number": _("IIN"),
            "details.phone": _("Phone"),
            "details.details": _("Distinguishing details"),
        }
        try:
            em = self.desk.edit_emergency_details(self.view.emergency.id, changes)
        except DefenderDeskError as exc:
            _show_form_error(self.details_error, exc, labels)
            return
        self.view = self.desk.get_emergency(em.id)
        self._render_details(em)
        self.details_draft.forget_draft()
        self._render_card()
        self.details_status.setText(_("Saved. The card shows them."))

    # -- card --------------------------------------------------------------------------------
    def save_card(self) -> Path | None:
        """Only on her request, after the warning: the picker, then the PDF."""
        if self.view is None:
            return None
        self.card_status.setText("")
        if not dialogs.confirm(
            self,
            _(
                "The card will be written to a file that is NOT encrypted. Printers, print"
                " spoolers and copy shops keep copies of what they print. Save it anyway?"
            ),
        ):
            return None
        path = filepicker.pick_save_path(self, _("Save the card as PDF"), "card.pdf")
        if path is None:
            return None
        lang = self.card_language.currentData() or get_language()
        try:
            self.desk.save_card(self.view.emergency.id, path, lang)
        except DefenderDeskError as exc:
            dialogs.error(self, error_text(exc))
            return None
        self.card_status.setText(_("Saved: {path}").format(path=str(path)))
        return path

    # -- closing -----------------------------------------------------------------------------
    def close_emergency(self) -> CloseDialog | None:
        if self.view is None or not self.view.emergency.is_open:
            return None
        if self.job is not None and self.job.thread.isRunning():
            return None
        self.close_dialog = CloseDialog(
            self.controller, self.view.emergency, self.person, self.window()
        )
        self.close_dialog.accepted.connect(self._close_accepted)
        self.close_dialog.open()
        return self.close_dialog

    def _close_accepted(self) -> None:
        dlg = self.close_dialog
        if dlg is None or self.view is None:
            return
        values = dlg.values()
        emergency_id = self.view.emergency.id
        desk, lang = self.desk, get_language()
        self.close_dialog = None
        dlg.deleteLater()

        def work(progress: Callable[[int, int], None], cancelled: Callable[[], bool]) -> Any:
            return desk.close_emergency(
                emergency_id, lang=lang, progress=progress, cancel=cancelled, **values
            )

        self.job = Job(self, _("Closing the emergency into an incident…"), work, self._closed)
        self.job.ended.connect(self._after_job)
        self.job.start()

    def _after_job(self) -> None:
        if self.desk.unlocked:
            self.refresh()

    def _closed(self, incident: Any) -> None:
        self.current_id = None
        self._want_start = False
        if self.desk.unlocked:
            self.refresh()
        self._show_incident_id(incident.id)

    def show_incident(self) -> None:
        if self.view is not None and self.view.emergency.incident_id:
            self._show_incident_id(self.view.emergency.incident_id)

    def _show_incident_id(self, incident_id: str) -> None:
        mw = self.controller.main_window
        if mw is not None and "incidents" in mw.screens:
            # Its editor over the incident list as it was: never a list narrowed to one
            # incident, which looks as if the others were gone.
            mw.show_screen("incidents", open_id=incident_id)


def _open_emergency_draft(host: Host, draft: Any) -> Any:
    """Continue what was typed on the emergency screen (an entry, the details, a contact or a
    place) where it was typed."""
    mw = host.main_window
    if mw is None or "emergency" not in mw.screens:
        return None
    screen = mw.screens["emergency"]
    if mw.current_screen() is not screen:  # showing it again would re-read what was restored
        mw.show_screen("emergency")
    if draft.kind in ("emergency_contact", "emergency_place"):
        what = "place" if draft.kind == "emergency_place" else "contact"
        items = screen._places if what == "place" else screen._contacts
        item = next((i for i in items if i.id == draft.record_id), None)
        screen.listed_dialog = ListedDialog(host, what, item, screen.window())
        screen.listed_dialog.accepted.connect(screen.refresh)
        screen.listed_dialog.open()
        screen.listed_dialog.open_draft(draft)
        return screen.listed_dialog
    showing = screen.view.emergency.id if screen.view is not None else None
    if draft.record_id and draft.record_id != showing:
        screen._show_emergency_page(draft.record_id)
    target = screen.entry_draft if draft.kind == "emergency_entry" else screen.details_draft
    target.open_draft(draft)
    return screen


for _kind in ("emergency_contact", "emergency_place", "emergency_entry", "emergency_details"):
    register_opener(_kind, _open_emergency_draft)
