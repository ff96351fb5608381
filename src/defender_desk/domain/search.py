"""What a search matches: folding, word forms, and the terms of a query.

One set of rules for every search in the app — incidents (through the vault's full-text index),
people and categories (in memory) and the CLI — so that what she types finds the same things
everywhere:

* **Case and marks.** Unicode case folding; combining marks are dropped, so «ё» = «е», «й» =
  «и», «é» = «e», and a stress mark (а́) is ignored.
* **Kazakh letters typed on a Russian layout.** ``қ→к ң→н ғ→г ү→у ұ→у ө→о ә→а і→и һ→х`` on
  both sides: «кызым» finds «қызым», «акимдик» finds «әкімдік».
* **Words, by their beginning.** Text is cut into words (letters and digits); a query word
  matches every word that *starts with* its search term, and every query word must match.
* **Russian word forms** (Snowball's Russian stemmer, from the maintained ``snowballstemmer``
  package): the term of a Russian query word is its stem, so «угроза» (stem «угроз») finds
  «угрозы», «угрозами»; «дочь» (stem «доч») finds «дочери», «дочерью». English words get
  Snowball's English stemmer («summoned» finds «summons»).
* **Kazakh word forms.** Snowball has no Kazakh stemmer and no maintained library for Kazakh
  is packaged for Python, so a Kazakh query word (one with a Kazakh letter) is matched by
  its beginning only, after folding: «әкімдік» finds «әкімдікке», «әкімдіктен» (endings added
  to the typed form); «әкімдікке» does *not* find «әкімдік» (type the shorter form: the stem,
  or the dictionary form). Words typed without Kazakh letters go through the Russian stemmer,
  which cuts Russian-looking endings: «кызым» → «кыз», which finds «қызым», «қызымның» and also
  «қыздар», «қызыл».

A stem shorter than three letters is not used (the typed word is: «мой» searches «мой…», not
«мо…»). Digits are kept as typed («208» finds «208-бабы», «2080»).

The index side (:func:`index_text`) stores folded words only; the stems are never stored, so a
change to the stemmer needs no re-index.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

__all__ = [
    "KAZAKH_TO_RUSSIAN_LAYOUT",
    "Matcher",
    "fold",
    "fts_query",
    "index_text",
    "matches",
    "query_terms",
    "words",
]

#: What a Kazakh letter becomes when typed on a Russian keyboard layout (lowercase).
KAZAKH_TO_RUSSIAN_LAYOUT: dict[str, str] = {
    "қ": "к",
    "ң": "н",
    "ғ": "г",
    "ү": "у",
    "ұ": "у",
    "ө": "о",
    "ә": "а",
    "і": "и",
    "һ": "х",
}
_KAZAKH_LETTERS = frozenset(KAZAKH_TO_RUSSIAN_LAYOUT)
_MIN_STEM = 3


@functools.cache
def _tables() -> tuple[dict[int, Any], dict[int, Any]]:
    """(marks, fold): every combining mark (Mn, Me) of the Basic Multilingual Plane removed;
    the fold table also maps the Kazakh letters. Built on first use (~30 ms)."""
    marks: dict[int, Any] = {
        cp: None for cp in range(0x300, 0x10000) if unicodedata.category(chr(cp)) in ("Mn", "Me")
    }
    return marks, {**marks, **{ord(k): v for k, v in KAZAKH_TO_RUSSIAN_LAYOUT.items()}}


# A word: letters and digits (no underscore), as the full-text index's words are.
_WORD = re.compile(r"[^\W_]+")
_CYRILLIC_WORD = re.compile(r"[\u0400-\u04ff]+")
_LATIN_WORD = re.compile(r"[a-z]+")


def fold(text: str) -> str:
    """Case-folded, without combining marks, Kazakh letters as typed on a Russian layout.

    Works letter by letter (a word stays one word, a prefix stays a prefix)."""
    return unicodedata.normalize("NFD", text.casefold()).translate(_tables()[1])


def words(text: str) -> list[str]:
    """The folded words of ``text``, in order (duplicates kept)."""
    return _WORD.findall(fold(text))


def index_text(parts: Iterable[str]) -> str:
    """What the full-text index stores for a record: its folded words, one space apart.

    The index uses SQLite's ``ascii`` tokenizer, which splits on ASCII spaces and punctuation
    and keeps every other character: with words made here, index and query agree exactly."""
    return " ".join(w for part in parts if part for w in words(part))


@functools.cache
def _stemmers() -> tuple[Any, Any]:
    import snowballstemmer  # imported on first use: start-up does not pay for it

    return snowballstemmer.stemmer("russian"), snowballstemmer.stemmer("english")


def _prepared(text: str) -> str:
    """NFC, case-folded, combining marks (a stress mark) removed — but «ё» and «й» kept as
    letters, since the stemmers know them."""
    return unicodedata.normalize("NFC", text).casefold().translate(_tables()[0])


def _term(word: str) -> str:
    russian, english = _stemmers()
    if _KAZAKH_LETTERS.isdisjoint(word):
        if _CYRILLIC_WORD.fullmatch(word):
            stem = russian.stemWord(word)
            word = stem if len(stem) >= _MIN_STEM else word
        elif _LATIN_WORD.fullmatch(word):
            stem = english.stemWord(word)
            word = stem if len(stem) >= _MIN_STEM else word
    return fold(word)


def query_terms(text: str) -> list[str]:
    """The search terms of a query: one per word, each to be matched as a word beginning.
    Duplicates are dropped; a query without letters or digits has no terms."""
    out: dict[str, None] = {}
    for word in _WORD.findall(_prepared(text)):
        for term in _WORD.findall(_term(word)):
            out.setdefault(term, None)
    # a term that is the beginning of another adds nothing (every term must match)
    terms = list(out)
    return [t for t in terms if not any(o != t and o.startswith(t) for o in terms)]


def fts_query(terms: Sequence[str]) -> str:
    """An FTS5 MATCH expression: every term as a quoted prefix query, all required."""
    return " AND ".join('"' + t.replace('"', '""') + '"*' for t in terms)


def matches(terms: Sequence[str], text_words: Iterable[str]) -> bool:
    """True if every term begins some word of ``text_words`` (folded words, see :func:`words`).
    No terms match nothing."""
    if not terms:
        return False
    pool = set(text_words)
    return all(any(w.startswith(t) for w in pool) for t in terms)


class Matcher:
    """A query, prepared once, matched against many small texts (people, categories)."""

    def __init__(self, query: str) -> None:
        self.terms = query_terms(query)

    def __bool__(self) -> bool:
        return bool(self.terms)

    def __call__(self, *texts: str) -> bool:
        """True if every term begins a word of ``texts`` (raw text: folded here)."""
        return matches(self.terms, (w for t in texts if t for w in words(t)))

    def matches_words(self, folded_words: Iterable[str]) -> bool:
        """True if every term begins one of ``folded_words`` (from :func:`words`)."""
        return matches(self.terms, folded_words)
