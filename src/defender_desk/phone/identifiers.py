"""Identifiers of senders, normalised so that the same number or account written two ways in
two exports is one key: ``tel:+77051234567``, ``telegram:user123456789``.

Phone numbers: digits only, with ``+``. Kazakhstan and Russia share +7; a number written the
domestic way (``8 705 123 45 67``, eleven digits starting with 8) becomes ``+7…``, and ten digits
starting with 7 or 9 (``705 123 45 67``) get ``+7`` too. Anything else that is 8–15 digits
with a leading ``+`` is kept as written. A name (a contact she saved) is not an identifier.
"""

from __future__ import annotations

import re

_PHONE_CHARS = re.compile(r"^\+?[\d\s\-().\u00a0\u202f\u2011\u2012\u2013]{7,32}$")
_TELEGRAM = re.compile(r"^(?:user|channel|chat)\d{1,20}$")


def normalise_phone(text: str) -> str | None:
    """``tel:+<digits>`` if ``text`` is a phone number as WhatsApp writes a sender, else None."""
    value = text.strip().strip("\u200e\u200f\u202a\u202c\u2066\u2069")
    if not _PHONE_CHARS.match(value):
        return None
    digits = re.sub(r"\D", "", value)
    if value.startswith("+"):
        if not 8 <= len(digits) <= 15:
            return None
        return "tel:+" + digits
    if len(digits) == 11 and digits[0] == "8":
        return "tel:+7" + digits[1:]
    if len(digits) == 11 and digits[0] == "7":
        return "tel:+" + digits
    if len(digits) == 10 and digits[0] in "79":
        return "tel:+7" + digits
    return None


def normalise_telegram(from_id: str) -> str | None:
    """``telegram:user123`` for Telegram Desktop's ``from_id`` / ``actor_id``, else None."""
    value = from_id.strip()
    return "telegram:" + value if _TELEGRAM.match(value) else None


def normalise(text: str) -> str | None:
    """Normalise an identifier she types: a phone number, a Telegram id (``user123…``), or an
    already normalised ``tel:…`` / ``telegram:…`` key. None if it is neither."""
    value = text.strip()
    if value.startswith("tel:"):
        return normalise_phone(value[4:])
    if value.startswith("telegram:"):
        return normalise_telegram(value[9:])
    return normalise_phone(value) or normalise_telegram(value)
