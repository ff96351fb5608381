"""The incident editor's texts and the names of its fields (a mixin of
:class:`IncidentEditor`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QWidget,
)

from defender_desk.domain.models import (
    CHANNEL_LABELS,
    STATUS_LABELS,
    Channel,
    SummonsStatus,
)
from defender_desk.i18n import _
from defender_desk.ui.kit.widgets import fill_combo, name_widget
from defender_desk.ui.screens.incident_parts import (
    SEVERITY_LABELS,
)

if TYPE_CHECKING:
    pass


class IncidentEditorTexts:
    """Every text of the editor, set again when the language changes."""

    # -- texts ----------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.setWindowTitle(_("Edit incident") if self.incident else _("New incident"))
        self.setAccessibleName(self.windowTitle())
        self.kind_box.setTitle(_("Category"))
        self.category.retranslate()
        self.what_box.setTitle(_("What happened, when and where"))
        self.title_label.setText(_("&Title:"))
        name_widget(self.title_edit, _("Title"))
        self.title_edit.setPlaceholderText(_("A few words you will recognise later"))
        self.description_label.setText(_("&Description:"))
        name_widget(self.description, _("Description"))
        self.start_label.setText(_("When it &started:"))
        self.end_label.setText(_("When it &ended:"))
        self.place_label.setText(_("&Place:"))
        name_widget(self.place, _("Place"))
        for control, which in ((self.start, _("start")), (self.end, _("end"))):
            control.retranslate()
            name_widget(
                control.precision, _("How precisely you know the {which}").format(which=which)
            )
        self.who_box.setTitle(_("Who"))
        self.targets_label.setText(_("Aimed at:"))
        self.targets.set_texts(
            _("Aimed at (whom it was aimed at)"), _("New person…"), _("Add a new person")
        )
        self.actors_label.setText(_("Who acted:"))
        self.actors.set_texts(_("Who acted"), _("New actor…"), _("Add a new actor"))
        self.witnesses_label.setText(_("Witnesses:"))
        self.witnesses.set_texts(_("Witnesses"), _("New witness…"), _("Add a new witness"))
        self.how_box.setTitle(_("How"))
        self.channel_label.setText(_("C&hannel:"))
        not_stated = _("Not stated")
        fill_combo(
            self.channel, [(not_stated, None), *[(_(CHANNEL_LABELS[c]), c.value) for c in Channel]]
        )
        name_widget(self.channel, _("Channel"))
        self.severity_label.setText(_("Se&verity:"))
        fill_combo(
            self.severity,
            [(not_stated, None), *[(_(SEVERITY_LABELS[n]), n) for n in SEVERITY_LABELS]],
        )
        name_widget(self.severity, _("Severity"))
        self.tags_label.setText(_("T&ags:"))
        name_widget(self.tags, _("Tags, separated by commas"))
        self.tags.setPlaceholderText(_("separated by commas"))
        self.follow_box.setTitle(_("What was done about it"))
        self.add_follow_button.setText(_("Add a follow-up"))
        self.add_follow_button.setAccessibleName(_("Add a follow-up"))
        for row in self.follow_rows:
            row.retranslate()
        self.summons_box.setTitle(_("Summons details"))
        for key, text in (
            ("who_summoned", _("Who summoned you:")),
            ("legal_basis", _("Legal basis given:")),
            ("status", _("Your status:")),
            ("erdr_number", _("Pre-trial investigation number (ЕРДР):")),
            ("appointed", _("When you were told to come:")),
            ("place", _("Where:")),
            ("lawyer_present", _("Lawyer present:")),
            ("letter_evidence_id", _("The letter (evidence file):")),
        ):
            self.summons_labels[key].setText(text)
        name_widget(self.who_summoned, _("Who summoned you"))
        name_widget(self.legal_basis, _("Legal basis given"))
        # No legal field reads as a fact she never stated: "not stated" first, and chosen.
        fill_combo(
            self.status,
            [(not_stated, None)]
            + [(_(STATUS_LABELS[s]), s.value) for s in SummonsStatus if s.value != "none_stated"],
        )
        name_widget(self.status, _("Your status"))
        name_widget(self.erdr, _("Pre-trial investigation number (ЕРДР)"))
        self.erdr.setPlaceholderText(_("15 digits"))
        self.appointed.retranslate()
        name_widget(
            self.appointed.precision, _("How precisely you know when you were told to come")
        )
        name_widget(self.summons_place, _("Where you were told to come"))
        fill_combo(self.lawyer_present, [(not_stated, None), (_("Yes"), True), (_("No"), False)])
        name_widget(self.lawyer_present, _("Lawyer present"))
        name_widget(self.letter, _("The letter (evidence file)"))
        self.evidence_box.setTitle(_("Evidence"))
        self.drop_zone.label.setText(
            _("Drop files here (photos, screenshots, letters). They are encrypted into the vault.")
        )
        self.drop_zone.setAccessibleName(_("Drop evidence files here"))
        self.drop_zone.label.setAccessibleName(_("Drop evidence files here"))
        self.add_files_button.setText(_("Add files…"))
        self.add_files_button.setAccessibleName(_("Add evidence files"))
        self.evidence_table.setHorizontalHeaderLabels(
            [_("File name"), _("Kind"), _("Size"), _("Added")]
        )
        name_widget(self.evidence_table, _("Evidence files"))
        self.view_button.setText(_("View"))
        self.view_button.setAccessibleName(_("View the selected evidence file"))
        self.detach_button.setText(_("Detach"))
        self.detach_button.setAccessibleName(
            _("Detach the selected file from this incident (it stays in the vault)")
        )
        self.delete_evidence_button.setText(_("Delete file"))
        self.delete_evidence_button.setAccessibleName(_("Delete the selected evidence file"))
        self.history_button.setText(_("History…"))
        self.history_button.setAccessibleName(_("History of this incident"))
        self.retranslate_buttons(_("Save the incident"))
        if self.desk.unlocked:
            self._fill_evidence()

    def field_labels(self) -> dict[str, str]:
        return {
            "category": _("Category"),
            "title": _("Title"),
            "description": _("Description"),
            "happened": _("When it started"),
            "until": _("When it ended"),
            "place": _("Place"),
            "targets_self": _("Aimed at"),
            "target_ids": _("Aimed at"),
            "actor_ids": _("Who acted"),
            "witness_ids": _("Witnesses"),
            "channel": _("Channel"),
            "severity": _("Severity"),
            "follow_ups": _("What was done about it"),
            "tags": _("Tags"),
            "summons": _("Summons details"),
            "summons.who_summoned": _("Who summoned you"),
            "summons.legal_basis": _("Legal basis given"),
            "summons.status": _("Your status"),
            "summons.erdr_number": _("Pre-trial investigation number (ЕРДР)"),
            "summons.appointed": _("When you were told to come"),
            "summons.place": _("Where you were told to come"),
            "summons.letter_evidence_id": _("The letter (evidence file)"),
        }

    def field_widget(self, field: str) -> QWidget | None:
        widgets: dict[str, QWidget] = {
            "category": self.category.search,
            "title": self.title_edit,
            "description": self.description,
            "happened": self.start.precision,
            "until": self.end.precision,
            "place": self.place,
            "targets_self": self.targets.list,
            "target_ids": self.targets.list,
            "actor_ids": self.actors.list,
            "witness_ids": self.witnesses.list,
            "channel": self.channel,
            "severity": self.severity,
            "follow_ups": self.add_follow_button,
            "tags": self.tags,
            "summons.who_summoned": self.who_summoned,
            "summons.legal_basis": self.legal_basis,
            "summons.erdr_number": self.erdr,
            "summons.appointed": self.appointed.precision,
            "summons.place": self.summons_place,
        }
        if field.startswith("follow_ups.") and field.split(".")[1].isdigit():
            index = int(field.split(".")[1])
            if index < len(self.follow_rows):
                row = self.follow_rows[index]
                return row.when if field.endswith(".when") else row.text
        parts = field.split(".")
        for n in range(len(parts), 0, -1):
            widget = widgets.get(".".join(parts[:n]))
            if widget is not None:
                return widget
        return None
