"""Parsing pasted age keys, with one error class per way a key can be wrong.

The checks run in an order that names the most useful mistake: a secret key given where a
public key belongs (:class:`AgeSecretKeyAsRecipient`); the wrong type of key, or a prefix that
does not match the key's length — e.g. a post-quantum key whose ``age1pq1`` was edited to
``age1`` (:class:`AgeKeyWrongType`); text that cannot be a key (:class:`AgeKeyMalformed`); a key
cut off or too long (:class:`AgeKeyLength`); one changed character (:class:`AgeKeyChecksum`);
a key that decodes but cannot be used (:class:`AgeKeyInvalid`). No message holds the key.
"""

from __future__ import annotations

from typing import Final

import defender_desk.age.bech32 as bech32
from defender_desk.age.errors import (
    AgeKeyChecksum,
    AgeKeyLength,
    AgeKeyMalformed,
    AgeKeyWrongType,
    AgeSecretKeyAsRecipient,
)
from defender_desk.age.keys import (
    HYBRID_PUBLIC_SIZE,
    HybridIdentity,
    HybridRecipient,
    Identity,
    KeyType,
    Recipient,
    X25519Identity,
    X25519Recipient,
)
from defender_desk.errors import N_
from defender_desk.secret import Secret, wipe

__all__ = ["describe", "parse_identity", "parse_recipient"]

_HRP: Final[dict[tuple[KeyType, bool], str]] = {
    ("x25519", False): "age",
    ("hybrid", False): "age1pq",
    ("x25519", True): "age-secret-key-",
    ("hybrid", True): "age-secret-key-pq-",
}
_DATA_CHARS: Final[dict[tuple[KeyType, bool], int]] = {
    ("x25519", False): bech32.data_length(32),
    ("hybrid", False): bech32.data_length(HYBRID_PUBLIC_SIZE),
    ("x25519", True): bech32.data_length(32),
    ("hybrid", True): bech32.data_length(32),
}
# What a key is, for messages ("this is {kind}, not {what}").
_DESCRIBE: Final[dict[tuple[KeyType | None, bool], str]] = {
    ("x25519", False): N_("a classic age public key (age1…)"),
    ("hybrid", False): N_("a post-quantum age public key (age1pq1…)"),
    (None, False): N_("an age public key (age1…)"),
    ("x25519", True): N_("a classic age secret key (AGE-SECRET-KEY-1…)"),
    ("hybrid", True): N_("a post-quantum age secret key (AGE-SECRET-KEY-PQ-1…)"),
    (None, True): N_("an age secret key (AGE-SECRET-KEY-…)"),
}
# A public key whose prefix says one type and whose length the other (secret keys of both types
# have the same length, so for them the prefix alone decides).
_PREFIX_MISMATCH: Final[dict[KeyType, str]] = {
    "x25519": N_("a post-quantum public key with a classic key's prefix (age1 for age1pq1)"),
    "hybrid": N_("a classic public key with a post-quantum key's prefix (age1pq1 for age1)"),
}


def _other(t: KeyType) -> KeyType:
    return "hybrid" if t == "x25519" else "x25519"


def describe(kind: KeyType | None, *, secret: bool) -> str:
    """The ``N_`` phrase for a key type ("a post-quantum age public key (age1pq1…)")."""
    return _DESCRIBE[(kind, secret)]


def _classify(t: str, *, secret: bool, expect: KeyType | None) -> tuple[KeyType, str]:
    """Find the key's type from its prefix; raise the clearest error for anything else.
    Returns the type and the data part (after the separator), lowercased."""
    what = _DESCRIBE[(expect, secret)]
    if not t:
        raise AgeKeyMalformed(N_("it is empty"))
    upper = t.upper()
    if upper.startswith("AGE-SECRET-KEY-") and not secret:
        kind: KeyType = "hybrid" if upper.startswith("AGE-SECRET-KEY-PQ-") else "x25519"
        raise AgeSecretKeyAsRecipient(kind=_DESCRIBE[(kind, True)], what=what)
    if upper.startswith("AGE-PLUGIN-"):
        if secret:
            raise AgeKeyWrongType(kind=N_("an age plugin identity (AGE-PLUGIN-…)"), what=what)
        raise AgeSecretKeyAsRecipient(kind=N_("an age plugin identity (AGE-PLUGIN-…)"), what=what)
    if t.startswith("-----BEGIN") and "PRIVATE KEY" in t:
        if secret:
            raise AgeKeyWrongType(kind=N_("a private key file"), what=what)
        raise AgeSecretKeyAsRecipient(kind=N_("a private key file"), what=what)
    if t.split(maxsplit=1)[0].startswith(("ssh-", "ecdsa-", "sk-")):
        raise AgeKeyWrongType(kind=N_("an SSH key"), what=what)
    if any(c.isspace() for c in t):
        raise AgeKeyMalformed(N_("it contains spaces or line breaks"))
    if t != t.lower() and t != t.upper():
        raise AgeKeyMalformed(N_("it mixes capital and small letters"))
    lower = t.lower()
    if secret:
        if lower.startswith("age1"):
            raise AgeKeyWrongType(kind=_DESCRIBE[(None, False)], what=what)
        if lower.startswith("age-secret-key-pq-1"):
            return "hybrid", lower[19:]
        if lower.startswith("age-secret-key-1"):
            return "x25519", lower[16:]
        raise AgeKeyMalformed(N_("an age secret key starts with AGE-SECRET-KEY-"))
    if lower.startswith("age1pq1"):
        return "hybrid", lower[7:]
    if lower.startswith("age1"):
        rest = lower[4:]
        if "1" in rest and len(rest) not in _DATA_CHARS.values():
            raise AgeKeyWrongType(kind=N_("an age plugin or hardware-key recipient"), what=what)
        return "x25519", rest
    raise AgeKeyMalformed(N_("an age public key starts with age1"))


def _decode(text: str, *, secret: bool, expect: KeyType | None) -> tuple[KeyType, bytearray]:
    t = text.strip()
    found, data = _classify(t, secret=secret, expect=expect)
    if any(c not in bech32.CHARSET for c in data):
        raise AgeKeyMalformed(N_("it contains a character that an age key cannot have"))
    want = _DATA_CHARS[(found, secret)]
    other = _DATA_CHARS[(_other(found), secret)]
    if len(data) == other != want:
        raise AgeKeyWrongType(kind=_PREFIX_MISMATCH[found], what=_DESCRIBE[(expect, secret)])
    if expect is not None and found != expect:
        raise AgeKeyWrongType(kind=_DESCRIBE[(found, secret)], what=_DESCRIBE[(expect, secret)])
    if len(data) != want:
        raise AgeKeyLength(found=len(t), expected=len(t) - len(data) + want)
    try:
        hrp, raw = bech32.decode(t)
    except bech32.Bech32Error as e:
        if e.problem == "checksum":
            raise AgeKeyChecksum() from None
        raise AgeKeyMalformed(N_("it is not a valid age key")) from None
    if hrp != _HRP[(found, secret)]:  # unreachable after _classify; kept as a guard
        wipe(raw)
        raise AgeKeyMalformed(N_("it is not a valid age key"))
    return found, raw


def parse_recipient(text: str, *, expect: KeyType | None = None) -> Recipient:
    """An ``age1…`` or ``age1pq1…`` public key → its recipient (``expect`` restricts the type).

    Raises, in this order of checks: :class:`AgeSecretKeyAsRecipient` (a secret key, a plugin
    identity, a private key file), :class:`AgeKeyWrongType` (an SSH key, a plugin recipient, the
    other type than ``expect``, or a prefix that does not match the key's length),
    :class:`AgeKeyMalformed` (empty, spaces, mixed case, impossible characters),
    :class:`AgeKeyLength` (cut off or too long), :class:`AgeKeyChecksum` (a changed character),
    :class:`~defender_desk.age.errors.AgeKeyInvalid` (decodes, but is not a usable key).
    """
    kind, raw = _decode(text, secret=False, expect=expect)
    if kind == "x25519":
        return X25519Recipient(bytes(raw))
    return HybridRecipient(bytes(raw))


def parse_identity(text: str | Secret, *, expect: KeyType | None = None) -> Identity:
    """An ``AGE-SECRET-KEY-1…`` or ``AGE-SECRET-KEY-PQ-1…`` secret key → its identity.

    Errors as :func:`parse_recipient` (a public key given here is :class:`AgeKeyWrongType`).
    """
    if isinstance(text, Secret):
        try:
            plain = text.buffer.decode("ascii")
        except UnicodeDecodeError:
            raise AgeKeyMalformed(
                N_("it contains a character that an age key cannot have")
            ) from None
    else:
        plain = text
    kind, raw = _decode(plain, secret=True, expect=expect)
    try:
        return X25519Identity(raw) if kind == "x25519" else HybridIdentity(raw)
    finally:
        wipe(raw)
