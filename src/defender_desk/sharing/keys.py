"""age keys, the public card and its verification code.

* **bech32** (BIP-173 — not bech32m), without BIP-173's 90-character limit, as age uses it.
* **age X25519 recipients** (``age1…``) validated with a clear error for each way a pasted key
  can be wrong (see :func:`parse_age_recipient`), and **identities** (``AGE-SECRET-KEY-1…``)
  made deterministically from a 32-byte seed (the recovery identity).
* **The public card**: one line she can paste to a contact, and its QR code::

      defender-desk-card-1 age1… ssh-ed25519 AAAA…

  The parser also accepts the tokens split over several lines (messengers wrap lines).
  The card carries no name: whoever receives it names the contact.
* **The verification code**: 20 digits in 4 groups of 5 (``01234 56789 01234 56789``), read
  aloud and compared in person. See :func:`verification_code` for why it is long enough.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import segno
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from defender_desk.errors import N_, DefenderDeskError
from defender_desk.sharing.sshsig import (
    KeyMalformed,
    KeyRejected,
    KeyTruncated,
    SecretKeyPasted,
    WrongKeyType,
    format_openssh_public_key,
    parse_openssh_public_key,
)

__all__ = [
    "CARD_TAG",
    "Bech32Error",
    "CardRejected",
    "KeyMalformed",
    "KeyRejected",
    "KeyTruncated",
    "PublicCard",
    "SecretKeyPasted",
    "WrongKeyType",
    "age_identity_from_seed",
    "age_recipient_from_identity",
    "age_recipient_key",
    "bech32_decode",
    "bech32_encode",
    "format_age_recipient",
    "parse_age_recipient",
    "parse_card",
    "verification_code",
]

CARD_TAG: Final = "defender-desk-card-1"
_CARD_PREFIX: Final = "defender-desk-card-"
_AGE_HRP: Final = "age"
_IDENTITY_HRP: Final = "age-secret-key-"
_CHARSET: Final = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_GENERATOR: Final = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
_MAX_BECH32: Final = 4096  # age's post-quantum recipients are ~2000 characters
_CODE_DOMAIN: Final = b"defender-desk/verification-code/v1"


class CardRejected(DefenderDeskError):
    message = N_("this is not a Defender Desk card: {reason}")


# --- bech32 -------------------------------------------------------------------------------------


class Bech32Error(ValueError):
    """``truncated`` is true for a checksum or length failure (a typo or a cut-off key)."""

    def __init__(self, what: str, *, truncated: bool = False) -> None:
        super().__init__(what)
        self.truncated = truncated


def _polymod(values: Sequence[int]) -> int:
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i, g in enumerate(_GENERATOR):
            if (top >> i) & 1:
                chk ^= g
    return chk


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def _convert_bits(data: Sequence[int], from_bits: int, to_bits: int, pad: bool) -> list[int]:
    acc = bits = 0
    out: list[int] = []
    maxv = (1 << to_bits) - 1
    for value in data:
        acc = (acc << from_bits) | value
        bits += from_bits
        while bits >= to_bits:
            bits -= to_bits
            out.append((acc >> bits) & maxv)
    if pad:
        if bits:
            out.append((acc << (to_bits - bits)) & maxv)
    elif bits >= from_bits or (acc << (to_bits - bits)) & maxv:
        raise Bech32Error("invalid padding", truncated=True)
    return out


def bech32_encode(hrp: str, data: bytes | bytearray) -> str:
    """BIP-173 bech32 of 8-bit ``data`` under ``hrp`` (lowercase; no length limit)."""
    hrp = hrp.lower()
    if not hrp or any(not 33 <= ord(c) <= 126 for c in hrp):
        raise Bech32Error("invalid human-readable part")
    values = _convert_bits(data, 8, 5, pad=True)
    polymod = _polymod([*_hrp_expand(hrp), *values, 0, 0, 0, 0, 0, 0]) ^ 1
    checksum = [(polymod >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(_CHARSET[v] for v in values + checksum)


def bech32_decode(text: str) -> tuple[str, bytes]:
    """Return ``(hrp, data)`` (hrp lowercase); raise :class:`Bech32Error`."""
    if len(text) > _MAX_BECH32:
        raise Bech32Error("too long")
    if any(not 33 <= ord(c) <= 126 for c in text):
        raise Bech32Error("invalid character")
    if text.lower() != text and text.upper() != text:
        raise Bech32Error("mixed case")
    text = text.lower()
    sep = text.rfind("1")
    if sep < 1:
        raise Bech32Error("no separator")
    hrp, rest = text[:sep], text[sep + 1 :]
    if any(c not in _CHARSET for c in rest):
        raise Bech32Error("invalid character")
    if len(rest) < 6:
        raise Bech32Error("too short", truncated=True)
    values = [_CHARSET.index(c) for c in rest]
    if _polymod([*_hrp_expand(hrp), *values]) != 1:
        raise Bech32Error("bad checksum", truncated=True)
    return hrp, bytes(_convert_bits(values[:-6], 5, 8, pad=False))


# --- age recipients and identities ---------------------------------------------------------------

_RECIPIENT: Final = N_("an age recipient (age1…)")


def _classify_non_recipient(t: str) -> None:
    """Raise the clearest error for a text that is not an ``age1…`` X25519 recipient."""
    upper = t.upper()
    if upper.startswith("AGE-SECRET-KEY-"):
        raise SecretKeyPasted(kind=N_("an age secret key"), what=_RECIPIENT)
    if upper.startswith("AGE-PLUGIN-"):
        raise SecretKeyPasted(kind=N_("an age plugin identity"), what=_RECIPIENT)
    if t.startswith("-----BEGIN") and "PRIVATE KEY" in t:
        raise SecretKeyPasted(kind=N_("a private key file"), what=_RECIPIENT)
    if t.startswith(_CARD_PREFIX):
        raise WrongKeyType(kind=N_("a whole Defender Desk card"), what=_RECIPIENT)
    if t.split(maxsplit=1)[0] in ("ssh-ed25519", "ssh-rsa") or t.startswith(("ecdsa-", "sk-")):
        raise WrongKeyType(kind=N_("an SSH key"), what=_RECIPIENT)


def parse_age_recipient(text: str) -> str:
    """Validate a pasted age X25519 recipient; return it in canonical (lowercase) form.

    Raises :class:`SecretKeyPasted` for an ``AGE-SECRET-KEY-1…`` identity (or an SSH private
    key), :class:`WrongKeyType` for an SSH key, a post-quantum ``age1pq1…`` or a plugin
    ``age1<plugin>1…`` recipient or a whole card, :class:`KeyTruncated` for a bad checksum or
    length, :class:`KeyMalformed` for anything else. The text is never put in the error.
    """
    t = text.strip()
    if not t:
        raise KeyMalformed(reason=N_("it is empty"))
    _classify_non_recipient(t)
    if any(c.isspace() for c in t):
        raise KeyMalformed(reason=N_("it contains spaces or line breaks"))
    if not t.lower().startswith("age1"):
        raise KeyMalformed(reason=N_("an age recipient starts with age1"))
    hrp = t[: t.rfind("1")].lower()
    if hrp == "age1pq":
        raise WrongKeyType(kind=N_("a post-quantum age recipient (age1pq1…)"), what=_RECIPIENT)
    if hrp.startswith("age1"):
        raise WrongKeyType(kind=N_("an age plugin recipient (age1…1…)"), what=_RECIPIENT)
    try:
        _, raw = bech32_decode(t)
    except Bech32Error as e:
        if e.truncated:
            raise KeyTruncated(reason=N_("its checksum does not match")) from None
        if t.lower() != t and t.upper() != t:
            raise KeyMalformed(reason=N_("it mixes capital and small letters")) from None
        raise KeyMalformed(
            reason=N_("it contains a character that an age key cannot have")
        ) from None
    if len(raw) != 32:
        raise KeyTruncated(reason=N_("its length is wrong"))
    try:  # a low-order point would make every file encrypted to it fail (or be readable)
        X25519PrivateKey.generate().exchange(X25519PublicKey.from_public_bytes(raw))
    except ValueError:
        raise KeyMalformed(reason=N_("it is not a usable public key")) from None
    return format_age_recipient(raw)


def format_age_recipient(public: bytes) -> str:
    """``age1…`` for a raw 32-byte X25519 public key."""
    if len(public) != 32:
        raise ValueError("an X25519 public key has 32 bytes")
    return bech32_encode(_AGE_HRP, public)


def age_recipient_key(recipient: str) -> bytes:
    """The raw 32-byte X25519 public key of a recipient (validated as by the parser)."""
    return bech32_decode(parse_age_recipient(recipient))[1]


def age_identity_from_seed(seed: bytes | bytearray) -> str:
    """The ``AGE-SECRET-KEY-1…`` identity whose X25519 secret scalar is ``seed``.

    ``seed`` must be 32 uniformly random bytes dedicated to this purpose (the recovery code's
    KDF output for "backup identity"); the same seed always gives the same identity. age clamps
    the scalar when using it, so every 32-byte string is a valid key. The result is a ``str``
    because pyrage's ``x25519.Identity.from_str`` needs one: drop it as soon as it is used.
    """
    if len(seed) != 32:
        raise ValueError("the seed must be 32 bytes")
    return bech32_encode(_IDENTITY_HRP, seed).upper()


def age_recipient_from_identity(identity: str) -> str:
    """The ``age1…`` recipient of an ``AGE-SECRET-KEY-1…`` identity (as ``age-keygen -y``)."""
    try:
        hrp, secret = bech32_decode(identity.strip())
    except Bech32Error:
        raise KeyMalformed(reason=N_("it is not an age secret key")) from None
    if hrp != _IDENTITY_HRP or len(secret) != 32:
        raise KeyMalformed(reason=N_("it is not an age secret key"))
    public = X25519PrivateKey.from_private_bytes(secret).public_key().public_bytes_raw()
    return format_age_recipient(public)


# --- verification code --------------------------------------------------------------------------


def verification_code(age_recipient: str, signing_key: Ed25519PublicKey) -> str:
    """20 digits in 4 groups of 5 that identify a public card, to compare aloud in person.

    Canonical input: ``"defender-desk/verification-code/v1" NUL x25519[32] ed25519[32]`` (raw
    keys, fixed lengths, so no two cards share an encoding). It goes through scrypt (N=2^14, r=8,
    p=1: 16 MiB, ~50 ms; hashlib has it, so any implementation can recompute it); the first 16
    bytes of the output, as a big-endian integer modulo 10^20, give the digits (bias < 2^-60).

    Why 20 digits suffice: the code is compared against a card that *she* made, so an attacker
    who swaps her card in transit needs a second preimage — a key pair of his own whose code
    equals hers — not a mere collision. 10^20 is 2^66.4 candidates; with scrypt each costs 16 MiB
    of memory-hard work, some 10^5–10^6 times a SHA-256 on a GPU, which puts the attack beyond
    ~2^83 SHA-256-equivalents. Twenty digits (four groups) are still short enough to read aloud
    and compare without mistakes; a mismatch anywhere means "do not trust this card".
    """
    raw_age = age_recipient_key(age_recipient)
    canonical = _CODE_DOMAIN + b"\0" + raw_age + signing_key.public_bytes_raw()
    out = hashlib.scrypt(canonical, salt=_CODE_DOMAIN, n=2**14, r=8, p=1, dklen=16)
    digits = f"{int.from_bytes(out, 'big') % 10**20:020d}"
    return " ".join(digits[i : i + 5] for i in range(0, 20, 5))


# --- public card --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicCard:
    """Her public keys: the age recipient others encrypt to, the key her exports are signed by."""

    age_recipient: str
    signing_key: Ed25519PublicKey

    def text(self) -> str:
        """``defender-desk-card-1 age1… ssh-ed25519 AAAA…`` (one line, no newline)."""
        ssh = format_openssh_public_key(self.signing_key)
        return f"{CARD_TAG} {parse_age_recipient(self.age_recipient)} {ssh}"

    def verification_code(self) -> str:
        return verification_code(self.age_recipient, self.signing_key)

    def qr_png(self, *, scale: int = 6) -> bytes:
        """A PNG of the card text as a QR code (error correction M), in memory."""
        qr = segno.make(self.text(), error="m", micro=False)
        out = io.BytesIO()
        qr.save(out, kind="png", scale=scale, border=4)
        return out.getvalue()


def parse_card(text: str) -> PublicCard:
    """Parse a pasted card; raise :class:`CardRejected` or a :class:`KeyRejected` subclass."""
    tokens = text.split()
    if not tokens or not tokens[0].startswith(_CARD_PREFIX):
        raise CardRejected(reason=N_("it does not start with defender-desk-card-1"))
    if tokens[0] != CARD_TAG:
        raise CardRejected(reason=N_("it was made by another version of Defender Desk"))
    if len(tokens) != 4 or tokens[2] != "ssh-ed25519":
        raise CardRejected(reason=N_("it is incomplete or has extra parts"))
    recipient = parse_age_recipient(tokens[1])
    signing_key = parse_openssh_public_key(f"{tokens[2]} {tokens[3]}")
    return PublicCard(age_recipient=recipient, signing_key=signing_key)
