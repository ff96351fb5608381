"""The errors of our age implementation: one class per way a key, a file or a request fails.

Decryption failures are named as the C2SP/CCTV age test vectors name them; each has a
``kind`` attribute with that exact name, so callers (and the vector test) can classify without
looking at text:

=====================  ====================================================================
``header failure``     :class:`AgeHeaderInvalid` — not an age file, a malformed header or
                       stanza, a stanza of a type we know that breaks its own rules (also a
                       missing nonce, as age does), a passphrase work factor above our cap
``armor failure``      :class:`AgeArmorInvalid` — the ASCII armor is not strictly canonical
``no match``           :class:`AgeNoMatch` — none of our identities opens any stanza
``HMAC failure``       :class:`AgeHeaderTampered` — a stanza opened, but the header MAC is wrong
``payload failure``    :class:`AgePayloadDamaged` — the encrypted payload is cut short, has
                       extra data, or a chunk does not authenticate
=====================  ====================================================================

Key parsing fails with an :class:`AgeKeyRejected` subclass, one per way a pasted key is wrong
(a typo, a cut-off key, the wrong type or prefix, a secret key where a public one belongs).
Encryption refuses bad recipient sets with :class:`RecipientsRefused` subclasses.

No message or field ever carries key material, passphrases or file content: only fixed
``N_()`` phrases and small numbers (a line number, a length, a work factor).
"""

from __future__ import annotations

from typing import ClassVar

from defender_desk.errors import N_, DefenderDeskError

__all__ = [
    "AgeArmorInvalid",
    "AgeDecryptError",
    "AgeHeaderInvalid",
    "AgeHeaderTampered",
    "AgeKeyChecksum",
    "AgeKeyInvalid",
    "AgeKeyLength",
    "AgeKeyMalformed",
    "AgeKeyRejected",
    "AgeKeyWrongType",
    "AgeNoMatch",
    "AgePayloadDamaged",
    "AgeSecretKeyAsRecipient",
    "IdentityFileRefused",
    "IdentityPassphraseNeeded",
    "NoRecipients",
    "PassphraseNotAlone",
    "RecipientsMixed",
    "RecipientsRefused",
    "ScryptWorkFactorTooHigh",
    "WrongIdentityPassphrase",
]


# --- decryption ----------------------------------------------------------------------------------


class AgeDecryptError(DefenderDeskError):
    """An age file that cannot be decrypted. ``kind`` is the CCTV name of the failure."""

    kind: ClassVar[str] = "header failure"
    message = N_("this file cannot be decrypted: {reason}")

    def __init__(self, reason: str) -> None:
        super().__init__(reason=reason)


class AgeHeaderInvalid(AgeDecryptError):
    kind = "header failure"
    message = N_("this is not an age-encrypted file, or its header is damaged: {reason}")


class ScryptWorkFactorTooHigh(AgeHeaderInvalid):
    """Refused before any scrypt work: ``found`` and ``limit`` are base-2 logarithms."""

    message = N_(
        "the passphrase of this file is protected with more work (2^{found}) than we accept"
        " (at most 2^{limit}); it was refused before any work"
    )

    def __init__(self, *, found: int, limit: int) -> None:
        DefenderDeskError.__init__(self, found=found, limit=limit)


class AgeArmorInvalid(AgeDecryptError):
    kind = "armor failure"
    message = N_("the text armor of this age file is damaged: {reason}")


class AgeNoMatch(AgeDecryptError):
    kind = "no match"
    message = N_("this file was not encrypted to you: none of your keys can open it")
    hint: ClassVar[str | None] = N_("ask the sender which key they used")

    def __init__(self, reason: str = "") -> None:
        super().__init__(reason=reason)


class WrongIdentityPassphrase(AgeNoMatch):
    message = N_("wrong passphrase for the key file")
    hint = N_("check the keyboard layout and Caps Lock, then try again")
    exit_code = 3


class AgeHeaderTampered(AgeDecryptError):
    kind = "HMAC failure"
    message = N_("this file's header was changed after it was made")
    hint = None

    def __init__(self, reason: str = "") -> None:
        super().__init__(reason=reason)


class AgePayloadDamaged(AgeDecryptError):
    kind = "payload failure"
    message = N_("this file is damaged or incomplete: {reason}")


# --- keys ----------------------------------------------------------------------------------------


class AgeKeyRejected(DefenderDeskError):
    """A key that cannot be used. Never carries the key text (it may be a secret)."""

    message = N_("this key cannot be used: {reason}")

    def __init__(self, reason: str) -> None:
        super().__init__(reason=reason)


class AgeKeyMalformed(AgeKeyRejected):
    """Not an age key at all: empty, spaces inside, characters a key cannot have, mixed case."""


class AgeKeyChecksum(AgeKeyRejected):
    """The right length and prefix, but the checksum does not match: a character was changed."""

    message = N_("this key has a typo: its checksum does not match")
    hint: ClassVar[str | None] = N_(
        "copy the whole key again, from its first to its last character"
    )

    def __init__(self) -> None:
        DefenderDeskError.__init__(self)


class AgeKeyLength(AgeKeyRejected):
    """Cut off or with extra characters: ``found`` and ``expected`` count characters."""

    message = N_("this key is cut off or too long: {found} characters instead of {expected}")
    hint = N_("copy the whole key again, from its first to its last character")

    def __init__(self, *, found: int, expected: int) -> None:
        DefenderDeskError.__init__(self, found=found, expected=expected)


class AgeKeyWrongType(AgeKeyRejected):
    """``kind`` says what was given, ``what`` what was expected (both ``N_`` phrases)."""

    message = N_("this is {kind}, not {what}")

    def __init__(self, *, kind: str, what: str) -> None:
        DefenderDeskError.__init__(self, kind=kind, what=what)


class AgeSecretKeyAsRecipient(AgeKeyWrongType):
    message = N_("this is {kind}: a secret key, not a public one")
    hint = N_(
        "never send or paste a secret key; if anyone else has seen it, its owner should make a"
        " new one"
    )


class AgeKeyInvalid(AgeKeyRejected):
    """It decodes, but the key itself is unusable (e.g. a low-order X25519 point)."""


# --- identity files ------------------------------------------------------------------------------


class IdentityFileRefused(DefenderDeskError):
    """``line`` is the 1-based line number (0 when the problem is the whole file)."""

    message = N_("the key file cannot be used (line {line}): {reason}")

    def __init__(self, *, reason: str, line: int = 0) -> None:
        super().__init__(reason=reason, line=line)


class IdentityPassphraseNeeded(DefenderDeskError):
    message = N_("the key file is protected with a passphrase; it is needed to use the file")

    def __init__(self) -> None:
        super().__init__()


# --- encryption ----------------------------------------------------------------------------------


class RecipientsRefused(DefenderDeskError):
    message = N_("cannot encrypt to these recipients: {reason}")

    def __init__(self, reason: str) -> None:
        super().__init__(reason=reason)


class NoRecipients(RecipientsRefused):
    message = N_("cannot encrypt: no recipients were given")

    def __init__(self) -> None:
        DefenderDeskError.__init__(self)


class RecipientsMixed(RecipientsRefused):
    message = N_(
        "cannot encrypt one file to both post-quantum (age1pq1…) and classic (age1…) keys:"
        " the file would be only as safe as the classic key"
    )
    hint = N_("ask every recipient for a post-quantum key, or send them separate files")

    def __init__(self) -> None:
        DefenderDeskError.__init__(self)


class PassphraseNotAlone(RecipientsRefused):
    message = N_("a passphrase-encrypted file can have no other recipient")

    def __init__(self) -> None:
        DefenderDeskError.__init__(self)
