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
backups are encrypted to it). Her public card (:class:`~defender_desk.sharing.keys.PublicCard`)
is the age recipient of the receiving identity plus the public signing key; its verification
code (20 digits) is read aloud and compared in person, and its QR code carries the card's text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyrage
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from defender_desk.errors import N_, VaultDamaged
from defender_desk.secret import Secret
from defender_desk.sharing.keys import PublicCard, age_recipient_from_identity
from defender_desk.sharing.sshsig import format_openssh_public_key
from defender_desk.vault import db

__all__ = [
    "META_RECEIVING_IDENTITY",
    "META_SIGNING_KEY",
    "MyCard",
    "ensure_identity",
    "my_card",
    "own_recipients",
    "public_card",
    "receiving_identity",
    "signing_key",
]

Connection = Any
META_SIGNING_KEY = "sharing_signing_key"
META_RECEIVING_IDENTITY = "sharing_receiving_identity"


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
            identity = pyrage.x25519.Identity.generate()
            db.set_meta(conn, META_RECEIVING_IDENTITY, str(identity).encode("ascii"))
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
    """The age identity that opens exports sent to her."""
    with _receiving_text(conn) as text:
        try:
            return pyrage.x25519.Identity.from_str(text.buffer.decode("ascii"))
        except (pyrage.IdentityError, UnicodeDecodeError, ValueError):
            raise VaultDamaged(what=N_("the sharing keys are damaged")) from None


def public_card(conn: Connection) -> PublicCard:
    with _receiving_text(conn) as text:
        recipient = age_recipient_from_identity(text.buffer.decode("ascii"))
    return PublicCard(age_recipient=recipient, signing_key=signing_key(conn).public_key())


def own_recipients(conn: Connection) -> set[str]:
    """Every age recipient that is hers: the receiving one and the recovery (backup) one."""
    mine = {public_card(conn).age_recipient}
    backup = db.get_meta(conn, "recovery_recipient")
    if backup is not None:
        mine.add(backup.decode("ascii"))
    return mine


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
    """Key rotation: a new signing key (her card and verification code change; contacts must
    verify her again). The receiving identity is kept so exports sent to her stay readable.
    Runs inside the caller's transaction."""
    db.set_meta(conn, META_SIGNING_KEY, Ed25519PrivateKey.generate().private_bytes_raw())
