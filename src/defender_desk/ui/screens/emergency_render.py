"""What an open emergency shows: its log, steps, places, the details and the card (a mixin of
:class:`EmergencyScreen`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QListWidgetItem,
)

from defender_desk.app import (
    PLACE_KIND_LABELS,
    Emergency,
    EmergencyView,
    LogEntry,
    PlaceCheck,
    timeline_lines,
)
from defender_desk.app import emergency_guidance as guidance_mod
from defender_desk.errors import DefenderDeskError
from defender_desk.i18n import _, get_language, ngettext
from defender_desk.ui.kit.jobs import error_text
from defender_desk.ui.kit.widgets import (
    select_data,
)
from defender_desk.ui.screens.emergency_parts import (
    ID_ROLE,
    _bold,
    card_html,
    one_mark,
)

if TYPE_CHECKING:
    pass

# -- the screen -----------------------------------------------------------------------------


class EmergencyRender:
    """Rendering the open emergency from its view."""

    def _render_log(self, entries: Sequence[LogEntry], focus_id: str | None = None) -> None:
        lang = get_language()
        self.log_view.clear()
        day = None
        focus_item: QListWidgetItem | None = None
        for entry in entries:
            lines = timeline_lines([entry], lang)
            if entry.happened_at.date() != day:
                day = entry.happened_at.date()
                header = QListWidgetItem(lines[0])
                header.setFlags(Qt.ItemFlag.ItemIsEnabled)
                _bold(header)
                self.log_view.addItem(header)
            item = QListWidgetItem(lines[-1])
            item.setData(ID_ROLE, entry.id)
            self.log_view.addItem(item)
            if entry.id == focus_id:
                focus_item = item
        if not entries:
            empty = QListWidgetItem(
                _("Nothing written yet. Each line you add appears here with its time.")
            )
            empty.setFlags(Qt.ItemFlag.ItemIsEnabled)
            empty.setForeground(QColor("#6b7280"))
            self.log_view.addItem(empty)
        target = focus_item or (
            self.log_view.item(self.log_view.count() - 1) if self.log_view.count() else None
        )
        if target is not None:
            self.log_view.scrollToItem(target)
            if focus_item is not None:
                self.log_view.setCurrentItem(focus_item)

    def _render_steps(self, entries: Sequence[LogEntry], is_open: bool) -> None:
        lang = get_language()
        g = self.desk.first_steps(lang)
        self._steps = g.steps
        written = {e.text for e in entries}
        done: set[int] = set()
        for code in guidance_mod.LANGUAGES:
            steps = g.steps if code == lang else self.desk.first_steps(code).steps
            done |= {i for i, s in enumerate(steps) if one_mark(s) in written}
        self._done_steps = done
        self.steps_disclaimer.setText(g.disclaimer)
        self.steps_list.blockSignals(True)
        self.steps_list.clear()
        for i, step in enumerate(g.steps):
            item = QListWidgetItem(step)
            item.setData(ID_ROLE, i)
            flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
            if is_open and i not in done:
                flags |= Qt.ItemFlag.ItemIsUserCheckable
            item.setFlags(flags)
            item.setCheckState(Qt.CheckState.Checked if i in done else Qt.CheckState.Unchecked)
            self.steps_list.addItem(item)
        self.steps_list.blockSignals(False)
        hint = ngettext("{done} of {n} step done.", "{done} of {n} steps done.", len(g.steps))
        hint = hint.format(done=len(done & set(range(len(g.steps)))), n=len(g.steps))
        if is_open:
            hint += " " + _("Ticking a step writes it into the log, with the time.")
        self.steps_hint.setText(hint)
        self.edit_steps_button.setEnabled(True)

    def _render_places(self, view: EmergencyView, is_open: bool) -> None:
        keep = self.places_list.currentItem()
        keep_key = keep.data(ID_ROLE) if keep is not None else None
        self.places_list.blockSignals(True)
        self.places_list.clear()
        asked = 0
        for status in view.places:
            place = status.place
            head = place.name + " — " + _(PLACE_KIND_LABELS[place.kind])
            lines = [head]
            if place.phones:
                lines.append(", ".join(place.phones))
            lines += [self._check_line(c) for c in status.checks]
            item = QListWidgetItem("\n".join(lines))
            item.setData(ID_ROLE, place.id)
            flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
            if is_open:
                flags |= Qt.ItemFlag.ItemIsUserCheckable
            item.setFlags(flags)
            item.setCheckState(Qt.CheckState.Checked if status.asked else Qt.CheckState.Unchecked)
            asked += status.asked
            self.places_list.addItem(item)
        for check in view.other_checks:
            item = QListWidgetItem(check.place + "\n" + self._check_line(check))
            item.setData(ID_ROLE, "")
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            item.setCheckState(Qt.CheckState.Checked)
            self.places_list.addItem(item)
        self.places_list.blockSignals(False)
        for i in range(self.places_list.count()):
            if keep_key and self.places_list.item(i).data(ID_ROLE) == keep_key:
                self.places_list.setCurrentRow(i)
        if self.places_list.currentRow() < 0 and view.places:
            self.places_list.setCurrentRow(0)
        total = len(view.places)
        if total:
            self.places_summary.setText(
                ngettext(
                    "{asked} of {n} place asked. Tick a place when you have asked it.",
                    "{asked} of {n} places asked. Tick a place when you have asked it.",
                    total,
                ).format(asked=asked, n=total)
            )
        elif view.other_checks:
            n = len(view.other_checks)
            self.places_summary.setText(
                ngettext("{n} place asked.", "{n} places asked.", n).format(n=n)
                + " "
                + _(
                    "To have them ready next time, add the district police departments and the"
                    " hospitals of your area to your list."
                )
            )
        else:
            self.places_summary.setText(
                _(
                    "No places in your list yet. Add the district police departments and the"
                    " hospitals of your area; or write down the answer of any place you asked."
                )
            )
        self.add_places_button.setVisible(True)
        self.other_place_button.setEnabled(is_open)
        self._update_place_buttons()

    def _check_line(self, check: PlaceCheck) -> str:
        text = f"✓ {check.checked_at:%H:%M} — {check.answer}"
        return text + (f" ({check.officer})" if check.officer else "")

    def _update_place_buttons(self) -> None:
        item = self.places_list.currentItem()
        is_open = self.view is not None and self.view.emergency.is_open
        self.check_button.setEnabled(is_open and item is not None and bool(item.data(ID_ROLE)))

    def _render_details(self, em: Emergency) -> None:
        det = em.details
        self.d_full_name.setText(det.full_name)
        self.d_full_name.setPlaceholderText(
            _("As in your records: {name}").format(name=self.person.name)
            if self.person is not None
            else ""
        )
        self.d_birth.setText(det.date_of_birth.strftime("%d.%m.%Y") if det.date_of_birth else "")
        self.d_iin.setText(det.id_number)
        self.d_phone.setText(det.phone)
        self._details_loaded = True
        self.d_details.setPlainText(det.details)
        self.details_error.setText("")
        self.details_status.setText("")

    def _card_language_chosen(self) -> None:
        self._card_language_set = True
        self._render_card()

    def _render_card(self) -> None:
        if not self._card_language_set:
            self.card_language.blockSignals(True)
            select_data(self.card_language, get_language())
            self.card_language.blockSignals(False)
        if self.view is None or not self.desk.unlocked:
            self.card_view.clear()
            return
        lang = self.card_language.currentData() or get_language()
        try:
            card = self.desk.card_input(self.view.emergency.id, lang)
        except DefenderDeskError as exc:
            self.card_view.setPlainText(error_text(exc))
            return
        self.card_view.setHtml(card_html(card, guidance_mod.DISCLAIMER[card.language]))

    # -- the log -----------------------------------------------------------------------------
