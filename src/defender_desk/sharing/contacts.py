"""Trusted contacts: the people and organisations she shares exports with.

A contact has a name, a role (lawyer, colleague, organisation, family), an age recipient
(``age1…``, validated by :func:`~defender_desk.sharing.keys.parse_age_recipient`), optionally an
Ed25519 signing key (``ssh-ed25519 AAAA…``, to check exports *they* send her), the date the
verification code was compared in person, and notes. With both keys the contact has a
verification code (the same 20 digits their own Defender Desk shows them).

Every change appends a revision of kind ``contact`` to the history chain; deleting a contact
purges its content from the history like any record.

Errors: :class:`~defender_desk.sharing.keys.KeyRejected` and its subclasses (malformed,
truncated or wrong-type key, a secret key pasted), :class:`ContactIsYou` (her own key),
:class:`ContactDuplicate`, :class:`~defender_desk.errors.InvalidInput`,
:class:`~defender_desk.errors.NotFound`. None of them carries a name or a key.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from defender_desk.domain.models import LongText, Name, RecordId, canonical_json
from defender_desk.domain.models import validation_to_error as _validation_to_error
from defender_desk.errors import N_, DefenderDeskError, NotFound
from defender_desk.sharing import identity
from defender_desk.sharing.keys import parse_age_recipient, verification_code
from defender_desk.sharing.sshsig import format_openssh_public_key, parse_openssh_public_key
from defender_desk.vault import db, history

__all__ = [
    "ROLE_LABELS",
    "Contact",
    "ContactDuplicate",
    "ContactIsYou",
    "ContactRole",
    "ContactStore",
]

Connection = Any
KIND = "contact"


class ContactRole(StrEnum):
    LAWYER = "lawyer"
    COLLEAGUE = "colleague"
    ORGANISATION = "organisation"
    FAMILY = "family"


ROLE_LABELS: dict[ContactRole, str] = {
    ContactRole.LAWYER: N_("Lawyer"),
    ContactRole.COLLEAGUE: N_("Colleague"),
    ContactRole.ORGANISATION: N_("Organisation"),
    ContactRole.FAMILY: N_("Family"),
}


class ContactIsYou(DefenderDeskError):
    """``what`` is a marked message: which of her keys was pasted."""

    message = N_("this is {what}; add the keys of the person you share with")


class ContactDuplicate(DefenderDeskError):
    message = N_("the contact {id} already has this {what}")


_AGE = N_("age recipient")
_SIGNING = N_("signing key")


class Contact(BaseModel):
    """A trusted contact, stored as canonical JSON (and in the history chain)."""

    model_config = ConfigDict(strict=True, extra="forbid", hide_input_in_errors=True, frozen=True)

    id: RecordId
    name: Name
    role: ContactRole
    age_recipient: Annotated[str, Field(pattern=r"^age1[02-9ac-hj-np-z]{58}$")]
    signing_key: Annotated[str, Field(pattern=r"^ssh-ed25519 [A-Za-z0-9+/]+=*$")] | None = None
    verified_on: date | None = None
    notes: LongText = ""
    added_at: AwareDatetime

    def public_signing_key(self) -> Ed25519PublicKey | None:
        return None if self.signing_key is None else parse_openssh_public_key(self.signing_key)

    def verification_code(self) -> str | None:
        """The 20-digit code of the contact's card (needs both keys), else ``None``."""
        key = self.public_signing_key()
        return None if key is None else verification_code(self.age_recipient, key)

    def as_json(self) -> dict[str, Any]:
        data = self.model_dump(mode="json")
        data["verification_code"] = self.verification_code()
        return data


def _validate(data: dict[str, Any]) -> Contact:
    try:
        return Contact.model_validate_json(json.dumps(data, ensure_ascii=False))
    except ValidationError as exc:
        raise _validation_to_error(exc) from None


class ContactStore:
    def __init__(self, conn: Connection, clock: Callable[[], datetime]) -> None:
        self.conn = conn
        self.clock = clock

    # -- reading ------------------------------------------------------------------------------
    def get(self, contact_id: str) -> Contact:
        row = self.conn.execute("SELECT data FROM contacts WHERE id = ?", (contact_id,)).fetchone()
        if row is None:
            raise NotFound(kind=N_("contact"), id=contact_id)
        return Contact.model_validate_json(row[0])

    def list(self) -> list[Contact]:
        return [
            Contact.model_validate_json(r[0])
            for r in self.conn.execute("SELECT data FROM contacts ORDER BY name COLLATE NOCASE, id")
        ]

    def find_by_signing_key(self, key: Ed25519PublicKey) -> Contact | None:
        row = self.conn.execute(
            "SELECT data FROM contacts WHERE signing_key = ?", (format_openssh_public_key(key),)
        ).fetchone()
        return None if row is None else Contact.model_validate_json(row[0])

    # -- changes ------------------------------------------------------------------------------
    def add(
        self,
        *,
        name: str,
        role: str,
        age_recipient: str,
        signing_key: str | None = None,
        notes: str = "",
    ) -> Contact:
        from defender_desk.vault.records import new_id

        recipient, ssh = self._check_keys(age_recipient, signing_key, None)
        contact = _validate(
            {
                "id": new_id("c"),
                "name": name,
                "role": role,
                "age_recipient": recipient,
                "signing_key": ssh,
                "notes": notes,
                "added_at": self.clock().isoformat(),
            }
        )
        with db.transaction(self.conn):
            self._write(contact, "create")
        return contact

    def edit(self, contact_id: str, changes: dict[str, Any]) -> Contact:
        """Change name, role, notes or keys. A changed key clears the in-person verification."""
        current = self.get(contact_id)
        merged = {**current.model_dump(mode="json"), **changes, "id": contact_id}
        recipient, ssh = self._check_keys(
            str(merged["age_recipient"]), merged.get("signing_key"), contact_id
        )
        if recipient != current.age_recipient or ssh != current.signing_key:
            merged["verified_on"] = None
        merged["age_recipient"], merged["signing_key"] = recipient, ssh
        contact = _validate(merged)
        with db.transaction(self.conn):
            self._write(contact, "edit")
        return contact

    def verify(self, contact_id: str, on: date) -> Contact:
        """Record that the verification code was compared in person on ``on``."""
        current = self.get(contact_id)
        contact = _validate({**current.model_dump(mode="json"), "verified_on": on.isoformat()})
        with db.transaction(self.conn):
            self._write(contact, "edit")
        return contact

    def delete(self, contact_id: str) -> None:
        self.get(contact_id)
        with db.transaction(self.conn):
            self.conn.execute("DELETE FROM contacts WHERE id = ?", (contact_id,))
            tomb = json.dumps({"deleted": contact_id}, separators=(",", ":")).encode()
            history.append(self.conn, KIND, contact_id, "delete", tomb, self.clock())
            history.purge(self.conn, contact_id)
        db.checkpoint(self.conn)

    # -- internals ----------------------------------------------------------------------------
    def _check_keys(
        self, age_recipient: str, signing_key: str | None, contact_id: str | None
    ) -> tuple[str, str | None]:
        recipient = parse_age_recipient(age_recipient)
        ssh: str | None = None
        if signing_key is not None and signing_key.strip():
            ssh = format_openssh_public_key(parse_openssh_public_key(signing_key))
        if recipient in identity.own_recipients(self.conn):
            raise ContactIsYou(what=N_("your own age recipient"))
        mine = format_openssh_public_key(identity.signing_key(self.conn).public_key())
        if ssh is not None and ssh == mine:
            raise ContactIsYou(what=N_("your own signing key"))
        for column, value, what in (
            ("age_recipient", recipient, _AGE),
            ("signing_key", ssh, _SIGNING),
        ):
            if value is None:
                continue
            row = self.conn.execute(
                f"SELECT id FROM contacts WHERE {column} = ? AND id IS NOT ?",
                (value, contact_id),
            ).fetchone()
            if row is not None:
                raise ContactDuplicate(id=row[0], what=what)
        return recipient, ssh

    def _write(self, contact: Contact, operation: str) -> None:
        data = canonical_json(contact)
        self.conn.execute(
            "INSERT INTO contacts(id, name, role, age_recipient, signing_key, verified_on, data)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name,"
            " role = excluded.role, age_recipient = excluded.age_recipient,"
            " signing_key = excluded.signing_key, verified_on = excluded.verified_on,"
            " data = excluded.data",
            (
                contact.id,
                contact.name,
                contact.role.value,
                contact.age_recipient,
                contact.signing_key,
                None if contact.verified_on is None else contact.verified_on.isoformat(),
                data.decode("utf-8"),
            ),
        )
        history.append(self.conn, KIND, contact.id, operation, data, self.clock())
