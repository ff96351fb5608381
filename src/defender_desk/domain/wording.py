"""Fixed wordings that must read the same in the report, the CLI and the desktop.

These live in explicit per-language tables (like the report's own texts) rather than in the
gettext catalogs, so that a printed report in Russian says the same words as the desktop in
Russian whatever the interface language of the computer that made it.

* A restriction is shown as what it forbids: "Forbidden: …" / «Запрещено: …» / «Тыйым
  салынады: …» — never under "Conditions", which reads as a duty.
* A family member is shown with the relation to her after the name: "Айгерим (дочь)",
  "Айгерим (қызы)", "Aigerim (daughter)".

``lang`` defaults to the interface language (:func:`defender_desk.i18n.get_language`).
"""

from __future__ import annotations

from collections.abc import Mapping

from defender_desk.domain.models import Relation
from defender_desk.errors import N_
from defender_desk.i18n import get_language

__all__ = [
    "ADVICE_BACKUP",
    "ADVICE_RECOVERY_CODE",
    "forbidden",
    "forbidden_label",
    "relation_word",
    "with_relation",
]

#: Where the recovery code goes (shown with the code: ``init``, the first-run wizard). The
#: code and the backup are never with the same person: together they open everything.
ADVICE_RECOVERY_CODE = N_(
    "Keep it on paper, outside your home, with one person you trust — for example a colleague"
    " at a human rights organisation. Never give it to the person who keeps your backup (for"
    " example your lawyer): the code and the backup together open your whole vault. With the"
    " code you can open the vault if you forget the passphrase, and restore a backup."
)
#: Where the backup goes (shown after each backup: ``backup``, the backup screen).
ADVICE_BACKUP = N_(
    "Keep this file outside your home with someone who keeps it safe — for example your lawyer,"
    " who cannot read it without your recovery code. Never give it to the person who keeps your"
    " recovery code: the backup and the code together open your whole vault."
)

_FORBIDDEN_LABEL: Mapping[str, str] = {
    "en": "Forbidden",
    "ru": "Запрещено",
    "kk": "Тыйым салынады",
}

# The relation as it follows a name in parentheses: lower case, her relative ("her daughter").
# Kazakh uses the third-person possessive (қызы = her daughter); «апа-сіңлісі» and «аға-інісі»
# cover an older or a younger sister or brother.
_RELATION: Mapping[str, Mapping[Relation, str]] = {
    "en": {
        Relation.DAUGHTER: "daughter",
        Relation.SON: "son",
        Relation.WIFE: "wife",
        Relation.HUSBAND: "husband",
        Relation.MOTHER: "mother",
        Relation.FATHER: "father",
        Relation.SISTER: "sister",
        Relation.BROTHER: "brother",
        Relation.SPOUSE: "spouse",
        Relation.CHILD: "child",
        Relation.PARENT: "parent",
        Relation.SIBLING: "brother or sister",
        Relation.OTHER: "other relative",
    },
    "ru": {
        Relation.DAUGHTER: "дочь",
        Relation.SON: "сын",
        Relation.WIFE: "жена",
        Relation.HUSBAND: "муж",
        Relation.MOTHER: "мать",
        Relation.FATHER: "отец",
        Relation.SISTER: "сестра",
        Relation.BROTHER: "брат",
        Relation.SPOUSE: "муж или жена",
        Relation.CHILD: "дочь или сын",
        Relation.PARENT: "мать или отец",
        Relation.SIBLING: "брат или сестра",
        Relation.OTHER: "другой родственник",
    },
    "kk": {
        Relation.DAUGHTER: "қызы",
        Relation.SON: "ұлы",
        Relation.WIFE: "әйелі",
        Relation.HUSBAND: "күйеуі",
        Relation.MOTHER: "анасы",
        Relation.FATHER: "әкесі",
        Relation.SISTER: "апа-сіңлісі",
        Relation.BROTHER: "аға-інісі",
        Relation.SPOUSE: "жұбайы",
        Relation.CHILD: "баласы",
        Relation.PARENT: "анасы не әкесі",
        Relation.SIBLING: "бауыры",
        Relation.OTHER: "туысы",
    },
}


def _lang(lang: str | None) -> str:
    code = lang or get_language()
    return code if code in _FORBIDDEN_LABEL else "en"


def forbidden_label(lang: str | None = None) -> str:
    """ "Forbidden" / «Запрещено» / «Тыйым салынады» (a label, no colon)."""
    return _FORBIDDEN_LABEL[_lang(lang)]


def forbidden(text: str, lang: str | None = None) -> str:
    """A restriction's text as what it forbids: «Запрещено: участвовать в …»."""
    return f"{forbidden_label(lang)}: {text.strip()}"


def relation_word(relation: Relation | str, lang: str | None = None) -> str:
    """The relation in lower case, as it follows a name: "daughter", «дочь», «қызы»."""
    return _RELATION[_lang(lang)][Relation(relation)]


def with_relation(name: str, relation: Relation | str | None, lang: str | None = None) -> str:
    """«Айгерим (дочь)»; the name alone when no relation is recorded."""
    if relation is None:
        return name
    return f"{name} ({relation_word(relation, lang)})"
