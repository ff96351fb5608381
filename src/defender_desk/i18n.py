"""Translations: gettext catalogs for English, Russian and Kazakh.

Catalogs live in ``locale/<lang>/LC_MESSAGES/defender_desk.po`` (the source, edited by people)
and ``.mo`` (compiled, committed; ``tools/catalogs.py check`` fails when a ``.mo`` is stale or a
``.po`` is incomplete). The language comes from ``--lang``, then the settings, then the system
locale, else English. The current language is process-wide on purpose: the CLI sets it once, the
GUI re-sets it when the user switches language.

The core raises untranslated errors; :func:`describe_error` turns one into a sentence.
"""

from __future__ import annotations

import gettext as _gettext
import locale
import os
from importlib import resources
from typing import TYPE_CHECKING

from defender_desk.errors import N_

if TYPE_CHECKING:
    from defender_desk.errors import DefenderDeskError

DOMAIN = "defender_desk"
LANGUAGES: tuple[str, ...] = ("en", "ru", "kk")
DEFAULT_LANGUAGE = "en"

__all__ = [
    "DOMAIN",
    "LANGUAGES",
    "N_",
    "_",
    "as_sentence",
    "describe_error",
    "describe_error_sentences",
    "error_parts",
    "get_language",
    "ngettext",
]

_current: _gettext.NullTranslations = _gettext.NullTranslations()
_current_lang: str = DEFAULT_LANGUAGE
# Fields of an error whose values are themselves marked messages and get translated too.
_TRANSLATED_FIELDS = frozenset({"reason", "what", "detail", "kind"})


def locale_dir() -> str:
    return str(resources.files("defender_desk") / "locale")


def load(lang: str) -> _gettext.NullTranslations:
    """Return the catalog for ``lang`` (English needs none: msgids are English)."""
    if lang == "en":
        return _gettext.NullTranslations()
    return _gettext.translation(DOMAIN, localedir=locale_dir(), languages=[lang], fallback=True)


def set_language(lang: str) -> None:
    global _current, _current_lang
    if lang not in LANGUAGES:
        raise ValueError(lang)
    _current = load(lang)
    _current_lang = lang


def get_language() -> str:
    return _current_lang


def system_language() -> str:
    """The first of en/ru/kk that the environment or the OS locale asks for, else English."""
    candidates: list[str] = []
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            candidates.extend(value.split(":"))
    try:
        loc = locale.getlocale()[0]
    except ValueError:
        loc = None
    if loc:
        candidates.append(loc)
    for cand in candidates:
        code = cand.split(".")[0].split("_")[0].split("-")[0].lower()
        if code in ("kk", "kazakh"):
            return "kk"
        if code in ("ru", "russian"):
            return "ru"
        if code in ("en", "english"):
            return "en"
    return DEFAULT_LANGUAGE


def _(message: str) -> str:
    return _current.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _current.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return _current.pgettext(context, message)


def error_parts(error: DefenderDeskError) -> tuple[str, str | None]:
    """The translated message of ``error`` and its translated hint (or None), unformatted as
    sentences: the CLI prints them lowercase, the desktop as sentences."""
    fields = {
        k: (_(v) if k in _TRANSLATED_FIELDS and isinstance(v, str) else v)
        for k, v in error.fields.items()
    }
    try:
        text = _(error.message).format(**fields)
    except (KeyError, IndexError, ValueError):
        text = _(error.message)
    return text, (_(error.hint) if error.hint else None)


def describe_error(error: DefenderDeskError) -> str:
    """One translated sentence for ``error`` (its hint, if any, on a second line)."""
    text, hint = error_parts(error)
    if hint:
        text += "\n" + _("hint: {hint}").format(hint=hint)
    return text


def as_sentence(text: str) -> str:
    """``text`` with a capital first letter and a full stop (the desktop shows sentences)."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in '.!?…:)»"' else text + "."


def describe_error_sentences(error: DefenderDeskError) -> str:
    """``error`` as the desktop shows it: a sentence, and the hint as a second sentence (no
    CLI-style "hint:" prefix)."""
    text, hint = error_parts(error)
    return as_sentence(text) + (("\n" + as_sentence(hint)) if hint else "")


# Messages used by describe_error's callers for errors that are not ours.
UNEXPECTED = N_("unexpected error ({kind}); nothing more is shown to keep your records private")
