"""The first steps when someone is detained: a checklist shipped in English, Russian and Kazakh,
hers to edit.

The shipped wording is the one printed on the emergency card
(:func:`defender_desk.reports.card.default_first_steps`): one text for the screen and for paper,
so what she reviews with her lawyer is exactly what a helper will read that night. It covers the
issue's six steps — call the lawyer; ask each station whether the person is held; ask for the
right to a phone call and to a lawyer; write down names, times, what was said; keep every message
received from the person's phone; ask for a medical examination afterwards.

It is **general guidance to review with her lawyer in advance, not legal advice**: the
:data:`DISCLAIMER` goes with the steps wherever they are shown or printed, edited or not.

She may reword, add or remove steps per language; her stored copy then overrides the shipped text
(:class:`~defender_desk.emergency.store.EmergencyStore` keeps it, in the history chain). Like the
reports, these texts do not go through gettext: the checklist's language is chosen on its own
(the card may be printed in Russian from a Kazakh interface).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from defender_desk.errors import N_, InvalidInput

__all__ = [
    "DISCLAIMER",
    "LANGUAGES",
    "STEPS_MAX",
    "STEP_MAX",
    "TITLE",
    "Guidance",
    "check_language",
    "edited",
    "shipped",
]

LANGUAGES: tuple[str, ...] = ("en", "ru", "kk")
STEPS_MAX = 20  # steps in one checklist (the card prints the first ten)
STEP_MAX = 300  # characters in one step

TITLE: Mapping[str, str] = {
    "en": "First steps",
    "ru": "Первые шаги",
    "kk": "Алғашқы қадамдар",
}

# The same sentence as on the card (reports/card.py); a test keeps the two equal.
DISCLAIMER: Mapping[str, str] = {
    "en": "General guidance to review with your lawyer in advance — not legal advice.",
    "ru": (
        "Общие рекомендации: обсудите их заранее со своим адвокатом. "
        "Это не юридическая консультация."
    ),
    "kk": "Жалпы ұсыныстар: оларды адвокатыңызбен алдын ала талқылаңыз. Бұл заңгерлік кеңес емес.",
}


@dataclass(frozen=True, slots=True)
class Guidance:
    """The first steps in one language. ``edited``: her wording (else the shipped one).
    ``disclaimer`` is shown with the steps, always."""

    language: str
    title: str
    steps: tuple[str, ...]
    edited: bool
    disclaimer: str


def check_language(lang: str) -> str:
    if lang not in LANGUAGES:
        raise InvalidInput(field="language", reason=N_("unsupported report language"))
    return lang


def shipped(lang: str) -> Guidance:
    """The first steps as shipped with the app, in ``lang``."""
    check_language(lang)
    from defender_desk.reports.card import default_first_steps

    return Guidance(lang, TITLE[lang], tuple(default_first_steps(lang)), False, DISCLAIMER[lang])


def edited(lang: str, steps: Sequence[str]) -> Guidance:
    """Her own wording of the first steps in ``lang`` (already validated by the store)."""
    check_language(lang)
    return Guidance(lang, TITLE[lang], tuple(steps), True, DISCLAIMER[lang])
