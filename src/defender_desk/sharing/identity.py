"""Her sharing identity: an Ed25519 signing key and an age X25519 receiving identity.

Both are made with the vault (:func:`ensure_identity`, called at creation and at every unlock so
a vault made before this module gets them too) and live only inside the encrypted database, in
``meta``:

* ``sharing_signing_key`` — the 32-byte Ed25519 private key that signs her exports'
  ``manifest.json`` (SSHSIG, namespace ``defender-desk-export-v1``);
* ``sharing_receiving_identity`` — an ``AGE-SECRET-KEY-1…`` identity that opens exports her
  contacts send her.

Both are distinct from the *storage identity* of evidence files (``storage_identity``), which is
never shown or exported, and from her *recovery identity* (derived from the recovery code; her
backups are encrypted to it).

**Key rotation replaces both** (:func:`rotate_identities`): whoever read the database must not
keep reading the exports her contacts send her. The old receiving identity is kept, for a
transition period she chooses, in ``sharing_previous_receiving`` (a JSON list of
``{"identity", "until"}``), so that exports sent to her old card before the contacts have her
new one stay readable to her (:func:`previous_receiving_identities`; the facade adds them when
she opens an export); every unlock purges the ones whose period is over
(:func:`purge_previous`). New identities come from :func:`new_receiving_identity` — the one
place that decides their type. Her public card (:class:`~defender_desk.sharing.keys.PublicCard`)
is the age recipient of the receiving identity plus the public signing key; its verification
code (20 digits) is read aloud and compared in person, and its QR code carries the card's text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pyrage
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from defender_desk.errors import N_, VaultDamaged
from defender_desk.secret import Secret
from defender_desk.sharing.keys import PublicCard, age_recipient_from_identity
from defender_desk.sharing.sshsig import format_openssh_public_key
from defender_desk.vault import db

__all__ = [
    "META_PREVIOUS_RECEIVING",
    "META_RECEIVING_IDENTITY",
    "META_SIGNING_KEY",
    "MyCard",
    "PreviousCard",
    "ensure_identity",
    "forget_previous",
    "my_card",
    "new_receiving_identity",
    "own_recipients",
    "previous_cards",
    "previous_receiving_identities",
    "public_card",
    "purge_previous",
    "receiving_identity",
    "rotate_identities",
    "signing_key",
]

Connection = Any
META_SIGNING_KEY = "sharing_signing_key"
META_RECEIVING_IDENTITY = "sharing_receiving_identity"
META_PREVIOUS_RECEIVING = "sharing_previous_receiving"


def new_receiving_identity() -> str:
    """A new receiving identity as its ``AGE-SECRET-KEY-1…`` text (X25519 today; the one place
    that decides the type of her receiving identities)."""
    return str(pyrage.x25519.Identity.generate())


def _parse_identity(text: str) -> Any:
    try:
        return pyrage.x25519.Identity.from_str(text)
    except (pyrage.IdentityError, ValueError):
        raise VaultDamaged(what=N_("the sharing keys are damaged")) from None


def ensure_identity(conn: Connection) -> bool:
    """Create her signing key and receiving identity if the vault has none. Idempotent.

    Returns True when something was created. Runs its own transaction.
    """
    need_signing = db.get_meta(conn, META_SIGNING_KEY) is None
    need_receiving = db.get_meta(conn, META_RECEIVING_IDENTITY) is None
    if not (need_signing or need_receiving):
        return False
    with db.transaction(conn):
        if need_signing and db.get_meta(conn, META_SIGNING_KEY) is None:
            raw = Ed25519PrivateKey.generate().private_bytes_raw()
            db.set_meta(conn, META_SIGNING_KEY, raw)
        if need_receiving and db.get_meta(conn, META_RECEIVING_IDENTITY) is None:
            db.set_meta(conn, META_RECEIVING_IDENTITY, new_receiving_identity().encode("ascii"))
    return True


def _meta(conn: Connection, key: str) -> bytes:
    value = db.get_meta(conn, key)
    if value is None:
        ensure_identity(conn)
        value = db.get_meta(conn, key)
    if value is None:  # pragma: no cover - ensure_identity just wrote it
        raise VaultDamaged(what=N_("the sharing keys are missing"))
    return value


def signing_key(conn: Connection) -> Ed25519PrivateKey:
    """Her Ed25519 signing key (created on first use if the vault predates sharing)."""
    with Secret(_meta(conn, META_SIGNING_KEY)) as raw:
        if len(raw) != 32:
            raise VaultDamaged(what=N_("the sharing keys are damaged"))
        return Ed25519PrivateKey.from_private_bytes(bytes(raw.buffer))


def _receiving_text(conn: Connection) -> Secret:
    return Secret(_meta(conn, META_RECEIVING_IDENTITY))


def receiving_identity(conn: Connection) -> pyrage.x25519.Identity:
    """The age identity that opens exports sent to her (the current one; see
    :func:`previous_receiving_identities` for those kept after a rotation)."""
    with _receiving_text(conn) as text:
        try:
            return _parse_identity(text.buffer.decode("ascii"))
        except UnicodeDecodeError:
            raise VaultDamaged(what=N_("the sharing keys are damaged")) from None


def public_card(conn: Connection) -> PublicCard:
    with _receiving_text(conn) as text:
        recipient = age_recipient_from_identity(text.buffer.decode("ascii"))
    return PublicCard(age_recipient=recipient, signing_key=signing_key(conn).public_key())


def own_recipients(conn: Connection) -> set[str]:
    """Every age recipient that is hers: the receiving one, the previous ones still kept, and
    the recovery (backup) one."""
    mine = {public_card(conn).age_recipient}
    mine |= {card.age_recipient for card in previous_cards(conn)}
    backup = db.get_meta(conn, "recovery_recipient")
    if backup is not None:
        mine.add(backup.decode("ascii"))
    return mine


# -- previous receiving identities (after a key rotation) ---------------------------------------


@dataclass(frozen=True)
class PreviousCard:
    """An old receiving identity's public half, and until when it is kept."""

    age_recipient: str
    until: datetime


def _previous(conn: Connection) -> list[dict[str, str]]:
    raw = db.get_meta(conn, META_PREVIOUS_RECEIVING)
    if raw is None:
        return []
    with Secret(raw) as text:
        try:
            items = json.loads(text.buffer.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise VaultDamaged(what=N_("the sharing keys are damaged")) from None
    if not isinstance(items, list) or not all(
        isinstance(i, dict)
        and isinstance(i.get("identity"), str)
        and isinstance(i.get("until"), str)
        for i in items
    ):
        raise VaultDamaged(what=N_("the sharing keys are damaged"))
    return items


def _set_previous(conn: Connection, items: list[dict[str, str]]) -> None:
    if items:
        db.set_meta(conn, META_PREVIOUS_RECEIVING, json.dumps(items).encode("utf-8"))
    else:
        conn.execute("DELETE FROM meta WHERE key = ?", (META_PREVIOUS_RECEIVING,))


def _until(item: dict[str, str]) -> datetime:
    try:
        return datetime.fromisoformat(item["until"])
    except ValueError:
        raise VaultDamaged(what=N_("the sharing keys are damaged")) from None


def previous_receiving_identities(conn: Connection, now: datetime) -> list[Any]:
    """The old receiving identities still within their transition period."""
    return [_parse_identity(i["identity"]) for i in _previous(conn) if _until(i) > now]


def previous_cards(conn: Connection) -> list[PreviousCard]:
    return [
        PreviousCard(age_recipient_from_identity(i["identity"]), _until(i)) for i in _previous(conn)
    ]


def purge_previous(conn: Connection, now: datetime) -> int:
    """Delete the old receiving identities whose period is over. Runs its own transaction
    (only when there is something to delete); returns how many went."""
    items = _previous(conn)
    keep = [i for i in items if _until(i) > now]
    if len(keep) == len(items):
        return 0
    with db.transaction(conn):
        _set_previous(conn, keep)
    db.checkpoint(conn)
    return len(items) - len(keep)


def forget_previous(conn: Connection, until: datetime | None = None) -> int:
    """End the transition period now (``until=None``) or move it to ``until`` for every old
    receiving identity; returns how many there are afterwards."""
    items = _previous(conn)
    if until is None:
        items = []
    else:
        items = [{"identity": i["identity"], "until": until.isoformat()} for i in items]
    with db.transaction(conn):
        _set_previous(conn, items)
    db.checkpoint(conn)
    return len(items)


@dataclass(frozen=True)
class MyCard:
    """What ``me`` shows: the card's text, its two keys and its verification code."""

    card: PublicCard
    text: str
    age_recipient: str
    signing_key: str  # "ssh-ed25519 AAAA…"
    verification_code: str

    def qr_png(self, *, scale: int = 6) -> bytes:
        return self.card.qr_png(scale=scale)

    def as_json(self) -> dict[str, str]:
        return {
            "card": self.text,
            "age_recipient": self.age_recipient,
            "signing_key": self.signing_key,
            "verification_code": self.verification_code,
        }


def my_card(conn: Connection) -> MyCard:
    card = public_card(conn)
    return MyCard(
        card=card,
        text=card.text(),
        age_recipient=card.age_recipient,
        signing_key=format_openssh_public_key(card.signing_key),
        verification_code=card.verification_code(),
    )


def rotate_signing_key(conn: Connection) -> None:
    """A new signing key (her card and verification code change; contacts must verify her
    again). Runs inside the caller's transaction."""
    db.set_meta(conn, META_SIGNING_KEY, Ed25519PrivateKey.generate().private_bytes_raw())


def rotate_identities(conn: Connection, now: datetime, keep_old_until: datetime | None) -> None:
    """Key rotation: a new signing key and a new receiving identity. The old receiving identity
    is kept until ``keep_old_until`` (None or a past time: not kept); old ones already past
    their period are dropped. Runs inside the caller's transaction."""
    rotate_signing_key(conn)
    items = [i for i in _previous(conn) if _until(i) > now]
    old = db.get_meta(conn, META_RECEIVING_IDENTITY)
    if old is not None and keep_old_until is not None and keep_old_until > now:
        with Secret(old) as text:
            items.append(
                {"identity": text.buffer.decode("ascii"), "until": keep_old_until.isoformat()}
            )
    _set_previous(conn, items)
    db.set_meta(conn, META_RECEIVING_IDENTITY, new_receiving_identity().encode("ascii"))
