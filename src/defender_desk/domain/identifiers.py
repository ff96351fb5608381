"""Identifiers of an actor (a phone number, a badge number, a car plate) and how they match.

She writes an identifier the way she saw or heard it; it is stored as written. To match two
identifiers (is the number that called her husband the one that called her?), both are reduced
to a *key* by :func:`identifier_key`, by kind:

**phone** — a Kazakh (or Russian, the same +7 zone) number written in the usual ways is one key:
``+7 701 123 45 67``, ``8 (701) 123-45-67``, ``87011234567``, ``7011234567``,
``+7(701)1234567`` and ``8-701-123-45-67`` all become ``+77011234567``. Rules, in order: keep the
digits; a leading ``00`` or ``+`` is international; without it, 11 digits starting with ``8`` or
``7`` are a +7 number (``8`` is the trunk prefix) and 10 digits are a +7 number without its
prefix; any other length stays as it is (a short local number), without ``+``.

**badge**, **plate** — upper case, spaces, hyphens, dots and ``№``/``#`` dropped, and Cyrillic
letters that look like Latin ones read as the Latin letter (``123 АВС 02`` typed on a Russian
layout is the plate ``123ABC02``).

**other** — case-folded, runs of white space as one space.

Aliases (other names for one person) match case-folded with white space collapsed
(:func:`alias_key`).
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum

__all__ = [
    "PHONE_MAX_DIGITS",
    "PHONE_MIN_DIGITS",
    "IdentifierKind",
    "alias_key",
    "identifier_key",
    "phone_problem",
]

PHONE_MIN_DIGITS, PHONE_MAX_DIGITS = 3, 15  # E.164 allows 15; short service numbers have 3


class IdentifierKind(StrEnum):
    PHONE = "phone"
    BADGE = "badge"
    PLATE = "plate"
    OTHER = "other"


# Cyrillic capitals that look like Latin ones (plates use Latin letters only).
_LOOKALIKE = str.maketrans("АВЕКМНОРСТУХІ", "ABEKMHOPCTYXI")
_PHONE_CHARS = re.compile(r"[0-9+()\-.\s]+")
_DROP = re.compile(r"[\s\-.№#]+")


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def phone_problem(text: str) -> bool:
    """True if ``text`` cannot be a phone number (letters, or too few or too many digits)."""
    text = _nfc(text)
    if not _PHONE_CHARS.fullmatch(text) or "+" in text[1:]:
        return True
    digits = sum(ch.isdigit() for ch in text)
    return not PHONE_MIN_DIGITS <= digits <= PHONE_MAX_DIGITS


def _phone_key(text: str) -> str:
    text = _nfc(text)
    digits = "".join(ch for ch in text if ch.isascii() and ch.isdigit())
    international = text.startswith("+")
    if not international and digits.startswith("00"):
        international, digits = True, digits[2:]
    if not international:
        if len(digits) == 11 and digits[0] in "78":
            international, digits = True, "7" + digits[1:]
        elif len(digits) == 10:
            international, digits = True, "7" + digits
    return ("+" if international else "") + digits


def identifier_key(kind: IdentifierKind | str, text: str) -> str:
    """The matching key of an identifier of ``kind`` written as ``text`` (see the module)."""
    kind = IdentifierKind(kind)
    if kind is IdentifierKind.PHONE:
        return _phone_key(text)
    if kind in (IdentifierKind.BADGE, IdentifierKind.PLATE):
        return _DROP.sub("", _nfc(text).upper()).translate(_LOOKALIKE)
    return alias_key(text)


def alias_key(text: str) -> str:
    """A name or alias as matched: NFC, case-folded, white space collapsed."""
    return " ".join(_nfc(text).casefold().split())
