"""Contacts & my card: her verification code and QR code, her card to copy, the trusted
contacts she shares exports with — added by pasting their card (or only an age key), compared in
person ("verified in person", with the date) and deleted.

Every key is checked by the facade; its refusals (malformed, cut-off or wrong-type key, her own
key, a duplicate) are shown with :func:`~defender_desk.i18n.describe_error`, never with the key.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from defender_desk.app import CARD_TAG, Contact, ContactRole, obligation_render, parse_card
from defender_desk.app import CONTACT_ROLE_LABELS as ROLE_LABELS
from defender_desk.errors import DefenderDeskError, InvalidInput
from defender_desk.i18n import N_, _, get_language
from defender_desk.ui.kit import confirm as dialogs
from defender_desk.ui.kit.confirm import neutral
from defender_desk.ui.kit.form import FieldsDraft, register_opener
from defender_desk.ui.kit.jobs import error_text
from defender_desk.ui.kit.screen import PlainLabel, Screen
from defender_desk.ui.kit.widgets import error_label, field_error_text, fill_combo, name_widget

if TYPE_CHECKING:
    from defender_desk.ui.kit.host import Host

format_day = obligation_render.format_day

ID_ROLE = Qt.ItemDataRole.UserRole
_OK_STYLE = "color: #166534;"
WARN_COLOR = "#92400e"
_WARN_STYLE = f"color: {WARN_COLOR};"
_CARD_PREFIX = CARD_TAG.rsplit("-", 1)[0]  # "defender-desk-card": any version is a card


def mono_font(points: int = 0, *, bold: bool = False) -> QFont:
    font = QFont("DejaVu Sans Mono")
    font.setStyleHint(QFont.StyleHint.Monospace)
    if points:
        font.setPointSize(points)
    font.setBold(bold)
    return font


def wrapped(parent: QWidget, text: str = "") -> PlainLabel:
    label = PlainLabel(text, parent)
    label.setWordWrap(True)
    return label


def grouped(text: str, size: int = 8) -> str:
    """A long key in groups (easier to compare aloud; lets the label wrap)."""
    return " ".join(text[i : i + size] for i in range(0, len(text), size))


def role_text(role: ContactRole | str) -> str:
    try:
        return _(ROLE_LABELS[ContactRole(role)])
    except ValueError:
        return str(role)


def verified_text(contact: Contact) -> str:
    if contact.verified_on is None:
        return _("Not verified in person")
    return _("Verified in person on {date}").format(
        date=format_day(contact.verified_on, get_language())
    )


class ContactsScreen(Screen):
    title = N_("Contacts & my card")
    key = "contacts"

    def __init__(self, controller: Host, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        self._contacts: dict[str, Contact] = {}
        self._card_text = ""
        self._my_code = ""
        self._comparing: str | None = None  # contact id whose code is being compared

        self.heading = QLabel(self)
        self.heading.setStyleSheet("font-size: 16pt; font-weight: bold;")

        body = QWidget()
        col = QVBoxLayout(body)
        col.addWidget(self._build_card(body))
        col.addWidget(self._build_contacts(body))
        col.addWidget(self._build_add(body))
        col.addStretch(1)
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.addWidget(self.heading)
        outer.addWidget(self.scroll, 1)

        self.delete_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.tree)
        self.delete_shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        self.delete_shortcut.activated.connect(self.delete_current)
        controller.locked.connect(self._locked)
        self.retranslate()

    # -- building ---------------------------------------------------------------------------
    def _build_card(self, parent: QWidget) -> QGroupBox:
        box = self.card_box = QGroupBox(parent)
        self.qr = QLabel(box)
        self.qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.qr.setMinimumSize(160, 160)
        self.card_intro = wrapped(box)
        self.code_caption = QLabel(box)
        self.code_view = PlainLabel("", box)
        self.code_view.setFont(mono_font(20, bold=True))
        self.code_view.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.card_caption = wrapped(box)
        self.card_view = wrapped(box)
        self.card_view.setFont(mono_font(9))
        self.card_view.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.card_view.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.copy_button = QPushButton(box)
        self.copy_button.clicked.connect(self.copy_card)
        self.copy_status = wrapped(box)
        self.copy_status.setStyleSheet(_OK_STYLE)
        right = QVBoxLayout()
        right.addWidget(self.card_intro)
        right.addWidget(self.code_caption)
        right.addWidget(self.code_view)
        right.addWidget(self.card_caption)
        right.addWidget(self.card_view)
        row = QHBoxLayout()
        row.addWidget(self.copy_button)
        row.addWidget(self.copy_status, 1)
        right.addLayout(row)
        right.addStretch(1)
        lay = QHBoxLayout(box)
        lay.addWidget(self.qr, 0, Qt.AlignmentFlag.AlignTop)
        lay.addLayout(right, 1)
        return box

    def _build_contacts(self, parent: QWidget) -> QGroupBox:
        box = self.contacts_box = QGroupBox(parent)
        self.contacts_intro = wrapped(box)
        self.tree = QTreeWidget(box)
        self.tree.setColumnCount(3)
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setMinimumHeight(150)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.currentItemChanged.connect(lambda *_a: self._show_current())
        self.empty = wrapped(box)

        details = QWidget(box)
        self.detail_name = wrapped(details)
        f = self.detail_name.font()
        f.setBold(True)
        f.setPointSize(f.pointSize() + 2)
        self.detail_name.setFont(f)
        self.detail_role = wrapped(details)
        self.detail_verified = wrapped(details)
        self.detail_code = wrapped(details)
        self.detail_code.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail_notes = wrapped(details)
        self.detail_notes.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.verify_button = QPushButton(details)
        self.verify_button.clicked.connect(self.start_compare)
        self.delete_button = QPushButton(details)
        self.delete_button.clicked.connect(self.delete_current)
        buttons = QHBoxLayout()
        buttons.addWidget(self.verify_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)

        # the confirm step of "verified in person"
        self.compare = QFrame(details)
        self.compare.setFrameShape(QFrame.Shape.StyledPanel)
        self.compare_text = wrapped(self.compare)
        self.compare_code = wrapped(self.compare)
        self.compare_code.setFont(mono_font(18, bold=True))
        self.compare_code.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.match_button = QPushButton(self.compare)
        self.match_button.clicked.connect(self.codes_match)
        self.mismatch_button = QPushButton(self.compare)
        self.mismatch_button.clicked.connect(self.codes_differ)
        cb = QHBoxLayout()
        cb.addWidget(self.match_button)
        cb.addWidget(self.mismatch_button)
        cb.addStretch(1)
        cl = QVBoxLayout(self.compare)
        cl.addWidget(self.compare_text)
        cl.addWidget(self.compare_code)
        cl.addLayout(cb)
        self.compare.setVisible(False)
        self.contact_status = wrapped(details)

        dl = QVBoxLayout(details)
        dl.setContentsMargins(0, 0, 0, 0)
        for w in (
            self.detail_name,
            self.detail_role,
            self.detail_verified,
            self.detail_code,
            self.detail_notes,
        ):
            dl.addWidget(w)
        dl.addLayout(buttons)
        dl.addWidget(self.compare)
        dl.addWidget(self.contact_status)
        dl.addStretch(1)
        self.details = details

        details.setMinimumWidth(300)
        self.tree.setMinimumWidth(320)
        row = QHBoxLayout()
        row.addWidget(self.tree, 1)
        row.addWidget(details, 1)
        lay = QVBoxLayout(box)
        lay.addWidget(self.contacts_intro)
        lay.addWidget(self.empty)
        lay.addLayout(row)
        return box

    def _build_add(self, parent: QWidget) -> QGroupBox:
        box = self.add_box = QGroupBox(parent)
        self.add_intro = wrapped(box)
        self.name = QLineEdit(box)
        self.role = QComboBox(box)
        self.pasted = QPlainTextEdit(box)
        self.pasted.setTabChangesFocus(True)
        self.pasted.setFont(mono_font(9))
        self.pasted.setFixedHeight(self.pasted.fontMetrics().lineSpacing() * 3 + 16)
        self.pasted.textChanged.connect(self._pasted_changed)
        self.signing = QLineEdit(box)
        self.signing.setFont(mono_font(9))
        self.notes = QPlainTextEdit(box)
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(self.notes.fontMetrics().lineSpacing() * 3 + 16)
        self.name_label, self.role_label = QLabel(box), QLabel(box)
        self.pasted_label, self.signing_label = QLabel(box), QLabel(box)
        self.notes_label = QLabel(box)
        for label, field in (
            (self.name_label, self.name),
            (self.role_label, self.role),
            (self.pasted_label, self.pasted),
            (self.signing_label, self.signing),
            (self.notes_label, self.notes),
        ):
            label.setBuddy(field)
        self.signing_hint = wrapped(box)
        self.add_button = QPushButton(box)
        self.add_button.clicked.connect(self.add_contact)
        self.add_error = error_label(box)
        self.add_status = wrapped(box)
        self.add_status.setStyleSheet(_OK_STYLE)
        # What she is typing for a new contact is kept at a lock, like any editor's text.
        self.add_draft = FieldsDraft(
            self.controller,
            "contact",
            [self.name, self.pasted, self.signing, self.notes],
            lambda: None,
        )
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow(self.name_label, self.name)
        form.addRow(self.role_label, self.role)
        form.addRow(self.pasted_label, self.pasted)
        signing_cell = QVBoxLayout()
        signing_cell.addWidget(self.signing)
        signing_cell.addWidget(self.signing_hint)
        form.addRow(self.signing_label, signing_cell)
        form.addRow(self.notes_label, self.notes)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addStretch(1)
        lay = QVBoxLayout(box)
        lay.addWidget(self.add_intro)
        lay.addLayout(form)
        lay.addLayout(row)
        lay.addWidget(self.add_error)
        lay.addWidget(self.add_status)
        return box

    # -- texts ------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.heading.setText(_("Contacts & my card"))
        self.card_box.setTitle(_("My card"))
        self.card_intro.setText(
            _(
                "Give your card to the people you share exports with (your lawyer, for"
                " example), and take theirs. Then compare the verification codes aloud, in"
                " person: if all 20 digits match, nobody swapped the cards on the way."
            )
        )
        self.code_caption.setText(_("Your verification code:"))
        self.code_view.setAccessibleName(_("Your verification code"))
        self.qr.setAccessibleName(_("QR code of your card"))
        self.card_caption.setText(_("Your card (it holds only public keys, no name):"))
        self.card_view.setAccessibleName(_("Your card"))
        self.copy_button.setText(_("&Copy my card"))
        self.copy_button.setAccessibleName(_("Copy my card to the clipboard"))
        self.copy_status.setAccessibleName(_("Copied"))

        self.contacts_box.setTitle(_("Trusted contacts"))
        self.contacts_intro.setText(
            _(
                "The people you can make exports for. Only they can open an export made for"
                " them. Compare the verification code with each of them in person before you"
                " send anything sensitive."
            )
        )
        self.tree.setHeaderLabels([_("Name"), _("Role"), _("Verified in person")])
        name_widget(self.tree, _("Trusted contacts"))
        self.empty.setText(
            neutral(
                _("No contacts yet. Ask your lawyer for their Defender Desk card and add it below.")
            )
        )
        self.empty.setAccessibleName(_("Trusted contacts"))
        self.verify_button.setAccessibleName(_("Compare the verification code in person"))
        self.delete_button.setText(_("&Delete"))
        self.delete_button.setAccessibleName(_("Delete the selected contact"))
        self.match_button.setText(_("They &match"))
        self.match_button.setAccessibleName(_("The codes match: mark as verified in person"))
        self.mismatch_button.setText(_("They &differ"))
        self.mismatch_button.setAccessibleName(_("The codes differ"))
        for w, name in (
            (self.detail_name, _("Contact")),
            (self.detail_role, _("Role")),
            (self.detail_verified, _("Verified in person")),
            (self.detail_code, _("Verification code of the contact")),
            (self.detail_notes, _("Notes")),
            (self.compare_text, _("How to compare")),
            (self.compare_code, _("Code to compare")),
            (self.contact_status, _("Result")),
        ):
            w.setAccessibleName(name)

        self.add_box.setTitle(_("Add a contact"))
        self.add_intro.setText(
            neutral(
                _(
                    "Paste the card their Defender Desk shows (it starts with"
                    " defender-desk-card-1). Someone without Defender Desk can give you only an"
                    " age key (age1…), for example the public key printed by age-keygen."
                )
            )
        )
        self.name_label.setText(_("&Name:"))
        name_widget(self.name, _("Name of the contact"))
        self.role_label.setText(_("&Role:"))
        name_widget(self.role, _("Role of the contact"))
        fill_combo(self.role, [(role_text(r), r.value) for r in ContactRole])
        self.pasted_label.setText(_("Card or a&ge key:"))
        name_widget(self.pasted, _("Their card or age key"))
        self.pasted.setPlaceholderText(
            "defender-desk-card-1 age1… ssh-ed25519 AAAA…"  # same in every language
        )
        self.signing_label.setText(_("&Signing key (optional):"))
        name_widget(self.signing, _("Their signing key (optional)"))
        self.signing.setPlaceholderText("ssh-ed25519 AAAA…")  # same in every language
        self.notes_label.setText(_("No&tes:"))
        name_widget(self.notes, _("Notes about the contact"))
        self.add_button.setText(_("&Add the contact"))
        self.add_button.setAccessibleName(_("Add the contact"))
        self.add_error.setAccessibleName(_("Problem"))
        self.add_status.setAccessibleName(_("Result"))
        self._pasted_changed()
        if self.desk.unlocked:
            self._show_card()
            self._show_current()

    # -- data -------------------------------------------------------------------------------
    def refresh(self) -> None:
        if not self.desk.unlocked:
            return
        self._show_card()
        self.reload()

    def _locked(self) -> None:
        self.tree.clear()
        self._contacts = {}
        self._card_text = ""
        self.card_view.setText("")
        self.name.clear()
        self.pasted.clear()
        self.signing.clear()
        self.notes.clear()

    def _show_card(self) -> None:
        try:
            card = self.desk.me()
        except DefenderDeskError as exc:
            self.card_view.setText(error_text(exc))
            return
        self._card_text = card.text
        self._my_code = card.verification_code
        self.code_view.setText(card.verification_code)
        self.card_view.setText(card.text)
        image = QImage.fromData(card.qr_png(scale=4))
        self.qr.setPixmap(QPixmap.fromImage(image))

    def reload(self, select: str | None = None) -> None:
        current = select or self.current_id()
        self._contacts = {c.id: c for c in self.desk.list_contacts()}
        self.tree.blockSignals(True)
        self.tree.clear()
        chosen: QTreeWidgetItem | None = None
        for contact in self._contacts.values():
            verified = (
                format_day(contact.verified_on, get_language())
                if contact.verified_on is not None
                else _("not yet")
            )
            item = QTreeWidgetItem(self.tree, [contact.name, role_text(contact.role), verified])
            item.setData(0, ID_ROLE, contact.id)
            if contact.verified_on is None:
                item.setForeground(2, QColor(WARN_COLOR))
            if contact.id == current:
                chosen = item
        self.tree.blockSignals(False)
        has = bool(self._contacts)
        self.empty.setVisible(not has)
        self.tree.setVisible(has)
        self.details.setVisible(has)
        if chosen is None and has:
            chosen = self.tree.topLevelItem(0)
        self.tree.setCurrentItem(chosen)
        self._show_current()

    def current_id(self) -> str | None:
        item = self.tree.currentItem()
        return None if item is None else str(item.data(0, ID_ROLE))

    def current(self) -> Contact | None:
        cid = self.current_id()
        return None if cid is None else self._contacts.get(cid)

    def _show_current(self) -> None:
        contact = self.current()
        if self._comparing is not None and (contact is None or contact.id != self._comparing):
            self._end_compare()
        for w in (self.verify_button, self.delete_button):
            w.setEnabled(contact is not None)
        if contact is None:
            for w in (
                self.detail_name,
                self.detail_role,
                self.detail_verified,
                self.detail_code,
                self.detail_notes,
            ):
                w.setText("")
            self.verify_button.setText(_("Compare the code in &person…"))
            return
        self.detail_name.setText(contact.name)
        self.detail_role.setText(role_text(contact.role))
        self.detail_verified.setText(verified_text(contact))
        self.detail_verified.setStyleSheet(
            _OK_STYLE if contact.verified_on is not None else _WARN_STYLE
        )
        code = contact.verification_code()
        if code is None:
            self.detail_code.setText(
                _(
                    "No signing key, so no verification code: compare their age key instead."
                    " Exports they send you cannot be checked."
                )
            )
        else:
            self.detail_code.setText(_("Verification code: {code}").format(code=code))
        self.detail_notes.setText(contact.notes)
        self.detail_notes.setVisible(bool(contact.notes))
        self.verify_button.setText(
            _("Compare the code in &person…")
            if contact.verified_on is None
            else _("Compare a&gain…")
        )
        if self._comparing == contact.id:
            self._fill_compare(contact)

    # -- her card ---------------------------------------------------------------------------
    def copy_card(self) -> None:
        if not self._card_text:
            return
        self.controller.copy_text(self._card_text)
        self.copy_status.setText(
            _("Copied. The clipboard is cleared after {seconds} seconds.").format(
                seconds=self.controller.settings.clipboard_clear_seconds
            )
        )

    # -- adding -----------------------------------------------------------------------------
    def _is_card(self) -> bool:
        tokens = self.pasted.toPlainText().split()
        return bool(tokens) and tokens[0].startswith(_CARD_PREFIX)

    def _pasted_changed(self) -> None:
        card = self._is_card()
        self.signing.setEnabled(not card)
        self.signing_hint.setText(
            _("The card already holds their signing key.")
            if card
            else _(
                "With their signing key you can check exports they send you. Without it the"
                " contact can still receive exports from you."
            )
        )

    def add_contact(self) -> None:
        self.add_error.setText("")
        self.add_status.setText("")
        text = self.pasted.toPlainText()
        signing: str | None
        try:
            if self._is_card():
                card = parse_card(text)
                tokens = text.split()
                recipient, signing = card.age_recipient, f"{tokens[2]} {tokens[3]}"
            else:
                recipient, signing = text.strip(), self.signing.text().strip() or None
            contact = self.desk.add_contact(
                name=self.name.text().strip(),
                role=str(self.role.currentData()),
                age_recipient=recipient,
                signing_key=signing,
                notes=self.notes.toPlainText(),
            )
        except InvalidInput as exc:
            self.add_error.setText(field_error_text(exc, self._labels()))
            if str(exc.fields.get("field", "")) == "name":
                self.name.setFocus()
            return
        except DefenderDeskError as exc:
            self.add_error.setText(error_text(exc))
            if type(exc).__name__ == "SecretKeyPasted":
                # A secret key must not stay on screen (or in the field's memory) a moment longer.
                self.pasted.clear()
            self.pasted.setFocus()
            return
        self.name.clear()
        self.pasted.clear()
        self.signing.clear()
        self.notes.clear()
        self.add_draft.forget_draft()
        self.add_draft.mark_clean()
        self.reload(select=contact.id)
        self.add_status.setText(
            _(
                "Added. Before you send anything sensitive, compare the verification code"
                " with them in person."
            )
        )

    def _labels(self) -> dict[str, str]:
        return {
            "name": _("Name"),
            "role": _("Role"),
            "age_recipient": _("Card or age key"),
            "signing_key": _("Signing key"),
            "notes": _("Notes"),
        }

    # -- verified in person -----------------------------------------------------------------
    def start_compare(self) -> None:
        contact = self.current()
        if contact is None:
            return
        self._comparing = contact.id
        self.contact_status.setText("")
        self._fill_compare(contact)
        self.compare.setVisible(True)
        self.mismatch_button.setFocus()

    def _fill_compare(self, contact: Contact) -> None:
        code = contact.verification_code()
        if code is None:
            self.compare_text.setText(
                _(
                    "Meet {name} in person. Compare their age key with what their own key file"
                    " shows, character by character. Mark it as verified only if every"
                    " character matches."
                ).format(name=contact.name)
            )
            self.compare_code.setFont(mono_font(12, bold=True))
            self.compare_code.setText(grouped(contact.age_recipient))
        else:
            self.compare_text.setText(
                neutral(
                    _(
                        "Meet {name} in person. Ask them to open Contacts & my card in their"
                        " Defender Desk and read their verification code aloud, group by group."
                        " Mark it as verified only if all 20 digits match this code:"
                    )
                ).format(name=contact.name)
            )
            self.compare_code.setFont(mono_font(18, bold=True))
            self.compare_code.setText(code)

    def _end_compare(self) -> None:
        self._comparing = None
        self.compare.setVisible(False)

    def codes_match(self) -> None:
        cid = self._comparing
        if cid is None:
            return
        try:
            contact = self.desk.verify_contact(cid)
        except DefenderDeskError as exc:
            self.contact_status.setStyleSheet("color: #b91c1c;")
            self.contact_status.setText(error_text(exc))
            return
        self._end_compare()
        self.reload(select=cid)
        self.contact_status.setStyleSheet(_OK_STYLE)
        self.contact_status.setText(verified_text(contact))
        self.verify_button.setFocus()

    def codes_differ(self) -> None:
        self._end_compare()
        self.contact_status.setStyleSheet("color: #b91c1c;")
        self.contact_status.setText(
            _(
                "Do not send anything to this contact: the card you have may not be theirs."
                " Delete it and ask them for their card again, in person."
            )
        )
        self.verify_button.setFocus()

    # -- deleting ---------------------------------------------------------------------------
    def delete_current(self) -> None:
        contact = self.current()
        if contact is None:
            return
        if not dialogs.confirm(
            self,
            _(
                "Delete the contact {name}? You will no longer be able to make exports for"
                " them. Exports already sent stay readable by them."
            ).format(name=contact.name),
        ):
            return
        try:
            self.desk.delete_contact(contact.id)
        except DefenderDeskError as exc:
            dialogs.error(self, error_text(exc))
            return
        self.contact_status.setText("")
        self.reload()

    def navigate_with(self, **kwargs: Any) -> None:
        self.refresh()
        if kwargs.get("add"):
            self.name.setFocus()


def _open_contact_draft(host: Host, draft: Any) -> Any:
    mw = host.main_window
    if mw is None or "contacts" not in mw.screens:
        return None
    screen = mw.show_screen("contacts")
    screen.add_draft.open_draft(draft)
    screen.name.setFocus()
    return screen


register_opener("contact", _open_contact_draft)
