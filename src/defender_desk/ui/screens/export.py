"""The export wizard: 1 what (all incidents, or only a period, categories, people aimed at,
specific incidents; with or without evidence files and obligations) → 2 for whom (her contacts,
the ones not verified in person marked) and the report's language → 3 where (a neutral file name
from the facade) → the export runs in a :class:`~defender_desk.ui.kit.jobs.Job` (progress bar and
Cancel; a cancelled or failed export leaves no file) → a result page saying what was made, for
whom, where, how the recipient opens it, and what anyone else can see of it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from defender_desk.app import (
    Contact,
    ExportResult,
    ExportSelection,
    IncidentFilter,
    default_file_name,
)
from defender_desk.domain import taxonomy
from defender_desk.domain.dates import FuzzyDate, InvalidDate, parse_when
from defender_desk.errors import Cancelled, DefenderDeskError
from defender_desk.i18n import N_, _, describe_error, get_language, ngettext
from defender_desk.ui import filepicker
from defender_desk.ui.kit.jobs import Job, error_text
from defender_desk.ui.kit.screen import Screen
from defender_desk.ui.kit.widgets import select_data
from defender_desk.ui.screens.contacts import role_text
from defender_desk.ui.screens.export_layout import (  # noqa: F401 - re-exported
    _OK_STYLE,
    _WARN_STYLE,
    ID_ROLE,
    LIST_HEIGHT,
    ME,
    PICK_LIMIT,
    STEP_DONE,
    STEP_WHAT,
    STEP_WHERE,
    STEP_WHO,
    WARN_COLOR,
    ExportLayout,
    _checkable,
    _Made,
    bounded,
    checked_data,
    human_size,
    wrapped,
)
from defender_desk.ui.unlock import LANGUAGE_NAMES

if TYPE_CHECKING:
    from defender_desk.ui.kit.host import Host


class ExportScreen(ExportLayout, Screen):
    title = N_("Export")
    key = "export"

    def __init__(self, controller: Host, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        self.job: Job | None = None
        self.destination: Path | None = None
        self.made: _Made | None = None
        self._contacts: dict[str, Contact] = {}
        self._picked: set[str] = set()  # incident ids ticked in "only these incidents"
        self._pick_titles: dict[str, str] = {}
        self._language_chosen = False

        self.heading = QLabel(self)
        self.heading.setStyleSheet("font-size: 16pt; font-weight: bold;")
        self.step_label = QLabel(self)
        self.step_label.setStyleSheet("font-weight: bold;")
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self._scrolled(self._build_what()))
        self.pages.addWidget(self._scrolled(self._build_who()))
        self.pages.addWidget(self._scrolled(self._build_where()))
        self.pages.addWidget(self._scrolled(self._build_done()))

        self.back_button = QPushButton(self)
        self.back_button.clicked.connect(self.back)
        self.next_button = QPushButton(self)
        self.next_button.clicked.connect(self.next)
        self.again_button = QPushButton(self)
        self.again_button.clicked.connect(self.start_over)
        nav = QHBoxLayout()
        nav.addWidget(self.again_button)
        nav.addStretch(1)
        nav.addWidget(self.back_button)
        nav.addWidget(self.next_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.step_label)
        layout.addWidget(self.pages, 1)
        layout.addLayout(nav)
        controller.locked.connect(self._locked)
        self.retranslate()
        self.go(STEP_WHAT)

    def refresh(self) -> None:
        if not self.desk.unlocked or self.busy():
            return
        self._fill_categories()
        self._fill_targets()
        self._fill_incidents()
        self._fill_recipients()
        self.update_count()
        self._update_who()

    def navigate_with(self, **kwargs: Any) -> None:
        """``incident_ids=[…]``: start a new export of exactly those incidents."""
        ids = kwargs.get("incident_ids")
        if ids is not None and not self.busy():
            self.start_over()
            self._picked = {str(i) for i in ids}
            self.only_incidents.setChecked(True)
        self.refresh()

    def _locked(self) -> None:
        for lst in (self.categories, self.targets, self.incidents, self.recipients):
            lst.clear()
        self._picked.clear()
        self._pick_titles.clear()
        self._contacts = {}
        self.made = None
        self.owner.clear()
        self.search.clear()

    def _refill(self, widget: QListWidget, items: list[tuple[str, str]], keep: set[str]) -> None:
        widget.blockSignals(True)
        widget.clear()
        for text, data in items:
            _checkable(widget, text, data, data in keep)
        widget.blockSignals(False)

    def _fill_categories(self) -> None:
        keep = set(checked_data(self.categories))
        lang = get_language()
        seen: set[str] = set()
        items: list[tuple[str, str]] = []
        for entry in taxonomy.walk():
            code = entry.category.code
            if code in seen:
                continue
            seen.add(code)
            items.append(("    " * entry.depth + entry.category.label(lang), code))
        self._refill(self.categories, items, keep)

    def _fill_targets(self) -> None:
        keep = set(checked_data(self.targets))
        items = [(_("Me"), "self")]
        order = {"family": 0, "colleague": 1, "witness": 2, "lawyer": 3, "actor": 4}
        people = sorted(self.desk.list_people(), key=lambda p: order.get(p.role.value, 5))
        items += [(p.name, p.id) for p in people]
        self._refill(self.targets, items, keep)

    def _fill_incidents(self) -> None:
        if not self.desk.unlocked:
            return
        lang = get_language()
        query = self.search.text().strip() or None
        try:
            found = self.desk.list_incidents(
                IncidentFilter(query=query), limit=PICK_LIMIT, newest_first=True
            )
        except DefenderDeskError:
            found = []
        shown = {i.id for i in found}
        extra = [i for i in self._picked if i not in shown]
        items = [(f"{i.happened.render(lang)} — {i.title}", i.id) for i in found]
        for inc in found:
            self._pick_titles[inc.id] = inc.title
        items += [(self._pick_titles.get(i, i), i) for i in sorted(extra)]
        self._refill(self.incidents, items, self._picked)

    def _fill_recipients(self) -> None:
        keep = set(checked_data(self.recipients))
        self._contacts = {c.id: c for c in self.desk.list_contacts()}
        self.recipients.blockSignals(True)
        self.recipients.clear()
        for contact in self._contacts.values():
            if contact.verified_on is None:
                text = _("{name} ({role}) — ⚠ not verified in person").format(
                    name=contact.name, role=role_text(contact.role)
                )
            else:
                text = _("{name} ({role}) — verified in person").format(
                    name=contact.name, role=role_text(contact.role)
                )
            item = _checkable(
                self.recipients,
                text,
                contact.id,
                contact.id in keep or len(self._contacts) == 1,
            )
            if contact.verified_on is None:
                item.setForeground(QColor(WARN_COLOR))
        self.recipients.blockSignals(False)
        has = bool(self._contacts)
        self.recipients.setVisible(has)
        self.no_contacts.setVisible(not has)
        self.contacts_button.setVisible(not has)

    def _list_changed(self, item: QListWidgetItem) -> None:
        if item.listWidget() is self.incidents:
            data = str(item.data(ID_ROLE))
            if item.checkState() == Qt.CheckState.Checked:
                self._picked.add(data)
            else:
                self._picked.discard(data)
            self._update_picked()
        self.update_count()

    def _update_picked(self) -> None:
        n = len(self._picked)
        self.picked_label.setText(
            ngettext("{n} incident picked.", "{n} incidents picked.", n).format(n=n)
        )

    # -- the selection ----------------------------------------------------------------------
    def _date(self, edit: QLineEdit, errors: list[str]) -> FuzzyDate | None:
        text = edit.text().strip()
        if not text:
            return None
        try:
            return parse_when(text)
        except InvalidDate as exc:
            errors.append(describe_error(exc))
            return None

    def selection(self, errors: list[str] | None = None) -> ExportSelection:
        errors = errors if errors is not None else []
        period = self.only_period.isChecked()
        return ExportSelection(
            date_from=self._date(self.date_from, errors) if period else None,
            date_until=self._date(self.date_until, errors) if period else None,
            categories=tuple(checked_data(self.categories))
            if self.only_categories.isChecked()
            else (),
            targets=tuple(checked_data(self.targets)) if self.only_targets.isChecked() else (),
            incident_ids=tuple(sorted(self._picked)) if self.only_incidents.isChecked() else None,
            include_evidence=self.with_evidence.isChecked(),
            include_obligations=self.with_obligations.isChecked(),
            report_language=str(self.language.currentData() or get_language()),
        )

    def count(self, selection: ExportSelection) -> int:
        """How many incidents ``selection`` exports (as the export gathers them)."""
        flt = IncidentFilter(
            date_from=selection.date_from,
            date_until=selection.date_until,
            categories=list(selection.categories),
            ids=None if selection.incident_ids is None else list(selection.incident_ids),
        )
        targets = list(selection.targets)
        if len(targets) <= 1:
            flt.target = targets[0] if targets else None
            return int(self.desk.count_incidents(flt))
        ids: set[str] = set()
        for target in targets:
            flt.target = target
            ids.update(i.id for i in self.desk.list_incidents(flt))
        return len(ids)

    def _selection_problems(self) -> tuple[ExportSelection, list[str]]:
        errors: list[str] = []
        sel = self.selection(errors)
        if self.only_categories.isChecked() and not sel.categories:
            errors.append(_("Tick at least one category, or untick “Only some categories”."))
        if self.only_targets.isChecked() and not sel.targets:
            errors.append(
                _("Tick at least one person, or untick “Only incidents aimed at some people”.")
            )
        if self.only_incidents.isChecked() and not sel.incident_ids:
            errors.append(_("Pick at least one incident, or untick “Only incidents I pick”."))
        return sel, errors

    def update_count(self) -> None:
        if not self.desk.unlocked:
            return
        sel, errors = self._selection_problems()
        self.what_error.setText("")  # shown in red only when she tries to go on
        if errors:
            self.count_label.setText("\n".join(errors))
            return
        try:
            n = self.count(sel)
        except DefenderDeskError as exc:
            self.what_error.setText(error_text(exc))
            self.count_label.setText("")
            return
        if sel.everything:
            text = ngettext(
                "Everything: {n} incident.", "Everything: all {n} incidents.", n
            ).format(n=n)
        else:
            text = ngettext(
                "{n} incident will be exported.", "{n} incidents will be exported.", n
            ).format(n=n)
        self.count_label.setText(text)

    def chosen_recipients(self) -> list[str]:
        ids = checked_data(self.recipients)
        if self.to_me.isChecked():
            ids.append(ME)
        return ids

    def _update_who(self) -> None:
        names = [
            self._contacts[cid].name
            for cid in checked_data(self.recipients)
            if cid in self._contacts and self._contacts[cid].verified_on is None
        ]
        self.unverified.setText(
            ""
            if not names
            else _(
                "⚠ Not verified in person: {names}. If a card was swapped on the way, someone"
                " else could open this export. Compare the verification code with them in"
                " person first (Contacts & my card)."
            ).format(names=", ".join(names))
        )
        self.unverified.setVisible(bool(names))
        self.who_error.setText("")

    def _update_where(self) -> None:
        self.where_path.setText(
            str(self.destination) if self.destination is not None else _("Not chosen yet.")
        )
        if not self.desk.unlocked or self.pages.currentIndex() != STEP_WHERE:
            return
        sel, _errors = self._selection_problems()
        try:
            n = self.count(sel)
        except DefenderDeskError:
            n = 0
        names = [
            self._contacts[c].name for c in checked_data(self.recipients) if c in self._contacts
        ]
        if self.to_me.isChecked():
            names.append(_("you"))
        parts = [
            ngettext("{n} incident", "{n} incidents", n).format(n=n),
            _("with evidence files") if sel.include_evidence else _("without evidence files"),
            _("with obligations") if sel.include_obligations else _("without obligations"),
        ]
        self.summary.setText(
            _("What: {what}.\nFor: {whom}.\nReport in: {language}.").format(
                what=", ".join(parts),
                whom=", ".join(names),
                language=LANGUAGE_NAMES.get(sel.report_language, sel.report_language),
            )
        )

    # -- navigation -------------------------------------------------------------------------
    def busy(self) -> bool:
        return self.job is not None

    def go(self, step: int) -> None:
        self.pages.setCurrentIndex(step)
        if step == STEP_WHERE:
            self.where_status.setText("")
            self._update_where()
        self._update_nav()

    def _update_nav(self) -> None:
        step = self.pages.currentIndex()
        if step == STEP_DONE:
            self.step_label.setText(_("Done"))
        else:
            names = (_("What to export"), _("For whom"), _("Where to save it"))
            self.step_label.setText(
                _("Step {n} of {total}: {name}").format(n=step + 1, total=3, name=names[step])
            )
        self.back_button.setVisible(step in (STEP_WHO, STEP_WHERE))
        self.next_button.setVisible(step != STEP_DONE)
        self.again_button.setVisible(step == STEP_DONE)
        if step == STEP_WHERE:
            self.next_button.setText(_("&Export"))
            self.next_button.setAccessibleName(_("Make the encrypted export"))
            self.next_button.setEnabled(self.destination is not None and not self.busy())
        else:
            self.next_button.setText(_("&Next"))
            self.next_button.setAccessibleName(_("Next step"))
            self.next_button.setEnabled(not self.busy())
        self.back_button.setEnabled(not self.busy())

    def back(self) -> None:
        step = self.pages.currentIndex()
        if step in (STEP_WHO, STEP_WHERE):
            self.go(step - 1)

    def next(self) -> None:
        step = self.pages.currentIndex()
        if step == STEP_WHAT:
            _sel, errors = self._selection_problems()
            if errors:
                self.what_error.setText("\n".join(errors))
                return
            self.go(STEP_WHO)
        elif step == STEP_WHO:
            if not self.chosen_recipients():
                self.who_error.setText(_("Tick at least one contact to export to."))
                return
            self.go(STEP_WHERE)
        elif step == STEP_WHERE:
            self.start_export()

    def _go_contacts(self) -> None:
        mw = self.controller.main_window
        if mw is not None and "contacts" in mw.screens:
            mw.show_screen("contacts", add=True)

    def choose_destination(self) -> None:
        name = default_file_name(self.desk.clock())
        path = filepicker.pick_save_path(self, _("Save the encrypted export"), name)
        if path is not None:
            self.destination = path
        self._update_where()
        self._update_nav()

    def start_over(self) -> None:
        if self.busy():
            return
        self.made = None
        self.destination = None
        self.only_period.setChecked(False)
        self.only_categories.setChecked(False)
        self.only_targets.setChecked(False)
        self.only_incidents.setChecked(False)
        self.date_from.clear()
        self.date_until.clear()
        self._picked.clear()
        for lst in (self.categories, self.targets, self.incidents):
            for i in range(lst.count()):
                lst.item(i).setCheckState(Qt.CheckState.Unchecked)
        self.with_evidence.setChecked(True)
        self.with_obligations.setChecked(True)
        self.to_me.setChecked(False)
        self._language_chosen = False
        select_data(self.language, get_language())
        self._update_picked()
        self.go(STEP_WHAT)
        self.update_count()

    # -- the export -------------------------------------------------------------------------
    def start_export(self) -> None:
        if self.busy() or self.destination is None:
            return
        sel, errors = self._selection_problems()
        recipients = self.chosen_recipients()
        if errors or not recipients:
            self.where_status.setText("\n".join(errors))
            return
        desk = self.desk
        output = self.destination
        owner = self.owner.text().strip()

        def work(progress: Any, cancelled: Any) -> ExportResult:
            return desk.export(
                recipients,
                sel,
                output=output,
                owner_name=owner,
                progress=bounded(progress),
                cancel=cancelled,
            )

        def done(result: ExportResult) -> None:
            self.made = _Made(result, ME in recipients, sel)
            self.destination = None
            self._render_done()
            self.go(STEP_DONE)

        self.where_status.setStyleSheet("")
        self.where_status.setText(_("Making the export…"))
        self.job = Job(self, _("Making the encrypted export…"), work, done)
        self.job.ended.connect(self._job_ended)
        self._update_nav()
        self.job.start()

    def _job_ended(self) -> None:
        job, self.job = self.job, None
        error = job.error if job is not None else None
        if isinstance(error, Cancelled):
            self.where_status.setStyleSheet(_OK_STYLE)
            self.where_status.setText(_("Cancelled. No file was made."))
        elif error is not None:
            self.where_status.setStyleSheet("color: #b91c1c;")
            self.where_status.setText(
                _("The export was not made; no file was left.") + "\n" + error_text(error)
            )
        else:
            self.where_status.setText("")
        self._update_nav()

    def _render_done(self) -> None:
        made = self.made
        if made is None:
            for w in (self.done_what, self.done_whom, self.done_where, self.done_open):
                w.setText("")
            self.done_visible.setText("")
            return
        r = made.result
        parts = [
            ngettext("{n} incident", "{n} incidents", r.incidents).format(n=r.incidents),
            ngettext("{n} person named in them", "{n} people named in them", r.people).format(
                n=r.people
            ),
            ngettext("{n} evidence file", "{n} evidence files", r.evidence_files).format(
                n=r.evidence_files
            ),
        ]
        if made.selection.include_obligations:
            parts.append(_("your obligations"))
        self.done_what.setText(
            _(
                "One encrypted file ({size}) with a printable report (PDF, {language}), the"
                " records as data, {contents}, signed with your key so that changes show."
            ).format(
                size=human_size(r.size),
                language=LANGUAGE_NAMES.get(made.selection.report_language, "?"),
                contents=", ".join(parts),
            )
        )
        whom: list[str] = []
        for rec in r.recipients:
            if rec.contact is None:
                continue
            whom.append(
                _("{name} (verification code {code})").format(
                    name=rec.contact.name, code=rec.verification_code
                )
                if rec.verification_code
                else rec.contact.name
            )
        if made.to_me:
            whom.append(_("you (you can open it in Open received export)"))
        self.done_whom.setText(
            _("Only they can open it: {names}.").format(names="; ".join(whom))
            + ("" if made.to_me else "\n" + _("You cannot open it yourself."))
        )
        self.done_where.setText(str(r.path))
        self.done_open.setText(
            _(
                "Give them the file in any way you choose: a USB stick, a messenger, e-mail."
                " In their own Defender Desk they choose Open received export and this file:"
                " it checks your signature, every file and the history, and shows the"
                " records read-only. Someone without Defender Desk can open it with stock"
                " tools only (age, ssh-keygen, sha256sum): these are the commands, with their"
                " own key file and your signing key from your card."
            )
        )
        name = r.path.name
        self.done_steps.setPlainText(
            "\n".join(  # commands are the same in every language
                (
                    f"age -d -i key.age -o export.zip {name}",
                    "mkdir export && unzip -q export.zip -d export && cd export",
                    "ssh-keygen -Y verify -f ../allowed_signers -I her"
                    " -n defender-desk-export-v1 -s manifest.sig < manifest.json",
                    "sha256sum -c --strict SHA256SUMS",
                    'grep "$(sha256sum SHA256SUMS | cut -c1-64)" manifest.json',
                )
            )
        )
        self.done_steps.setAccessibleName(_("Commands for someone without the app"))
        self.done_visible.setText(
            _(
                "The file is encrypted: whoever gets it can see its size and its name, and that"
                " it is an encrypted file, but not what is inside. Anyone who opens it with"
                " the right key can read everything in it — send it only to the people you"
                " chose."
            )
        )
