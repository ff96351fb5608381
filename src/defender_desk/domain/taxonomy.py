"""The category list (types of acts): HURIDOCS "Types of Acts" plus Defender Desk's local terms.

The data lives in ``resources/taxonomy.json`` and is read once (:func:`load` caches it).

Codes:

* twelve digits — a HURIDOCS Micro-thesauri code, kept as published. Its parent is derived from
  the digits: the last non-zero pair of digits set to ``00`` (``020103010200`` →
  ``020103010000`` → ``020103000000`` → ``020100000000`` → ``020000000000``, a root).
* ``DD-…`` (upper-case letters, digits and hyphens) — a local term. It names its primary
  ``parent`` and may be *also listed* under further parents (``also_under``); the prefix cannot
  collide with a HURIDOCS code.

Every node has labels in en, ru and kk, and may have ``synonyms`` per language: further words
that search finds it by (a summons is found by «вызов», «беседа», «акимат»). ``summons`` marks
the kinds (a formal summons, an invitation to a "conversation") whose incidents may carry
summons details; the mark is inherited by the node's primary descendants.

Lookups accept a code in any case with surrounding blanks (``" dd-summons "``) and always
return the canonical code. An unknown code raises :class:`UnknownCategory`; a damaged data file
raises :class:`InvalidTaxonomy` at load.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from types import MappingProxyType
from typing import Any, NamedTuple

from defender_desk.domain.search import Matcher, words
from defender_desk.errors import N_, DefenderDeskError, InvalidInput

__all__ = [
    "LANGS",
    "Category",
    "InvalidTaxonomy",
    "Taxonomy",
    "TreeEntry",
    "UnknownCategory",
    "ancestors",
    "children",
    "descendants",
    "get",
    "huridocs_parent",
    "is_summons",
    "label",
    "load",
    "normalise_code",
    "search",
    "walk",
]

LANGS: tuple[str, ...] = ("en", "ru", "kk")
FORMAT = 1
_HURIDOCS = re.compile(r"[0-9]{12}", re.ASCII)
_LOCAL = re.compile(r"DD-[A-Z0-9]+(?:-[A-Z0-9]+)*", re.ASCII)
_CODE_SHOWN_MAX = 40  # an unknown "code" is user input: never echo more than this


class UnknownCategory(InvalidInput):
    """No category has this code (``code`` is the normalised input, cut to 40 characters)."""

    message = N_("unknown category code {code}")


class InvalidTaxonomy(DefenderDeskError):
    """The shipped category list is damaged; ``reason`` says how, ``code`` names the entry."""

    message = N_("the category list shipped with the app is damaged: {reason} ({code})")


@dataclass(frozen=True, slots=True)
class Category:
    """One node. ``labels`` has exactly the keys of :data:`LANGS`."""

    code: str
    parent: str | None
    also_under: tuple[str, ...]
    labels: Mapping[str, str]
    summons: bool
    #: further words search finds the category by, per language (may be empty)
    synonyms: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def is_local(self) -> bool:
        return self.code.startswith("DD-")

    def label(self, lang: str) -> str:
        """The label in ``lang``; English for a language we have no labels for."""
        return self.labels.get(lang) or self.labels["en"]


class TreeEntry(NamedTuple):
    """One line of a category picker: ``primary`` is False where a node is *also listed*."""

    depth: int
    category: Category
    primary: bool


def normalise_code(code: str) -> str:
    """``code`` without surrounding blanks, upper-cased (digits are unaffected)."""
    return code.strip().upper()


def huridocs_parent(code: str) -> str | None:
    """The parent of a twelve-digit HURIDOCS code, or None for a root (``NN0000000000``).

    Raises ValueError when the non-zero pairs do not form a prefix (``020003000000``).
    """
    pairs = [code[i : i + 2] for i in range(0, 12, 2)]
    depth = max((i for i, p in enumerate(pairs) if p != "00"), default=-1)
    if depth < 0 or "00" in pairs[:depth]:
        raise ValueError(code)
    if depth == 0:
        return None
    return "".join(pairs[:depth]) + "00" * (6 - depth)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold().replace("ё", "е")


class Taxonomy:
    """A validated, read-only category tree. Build one with :meth:`from_data` or :func:`load`."""

    def __init__(self, categories: Mapping[str, Category]) -> None:
        self._by_code = dict(categories)
        self._search_words: dict[str, dict[str, tuple[str, ...]]] = {}
        self._children: dict[str | None, list[tuple[Category, bool]]] = {}
        for cat in self._by_code.values():  # file order
            self._children.setdefault(cat.parent, []).append((cat, True))
            for extra in cat.also_under:
                self._children.setdefault(extra, []).append((cat, False))

    # -- construction ----------------------------------------------------------------------

    @classmethod
    def from_data(cls, data: Any) -> Taxonomy:
        """Validate parsed JSON and build the tree; raise :class:`InvalidTaxonomy` if wrong.

        Checks: the format number, known keys only, well-formed and unique codes, HURIDOCS
        parents consistent with the digits, every parent present, no cycles, all three labels
        present and non-blank, and no two categories with the same label in one language.
        """

        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise _bad(N_("unknown format"))
        entries = data.get("categories")
        if not isinstance(entries, list) or not entries:
            raise _bad(N_("no categories"))
        cats: dict[str, Category] = {}
        for entry in entries:
            cat = _parse_entry(entry)
            if cat.code in cats:
                raise _bad(N_("duplicate code"), cat.code)
            cats[cat.code] = cat
        seen_labels: dict[tuple[str, str], str] = {}
        for cat in cats.values():
            for ref in (cat.parent, *cat.also_under):
                if ref is not None and ref not in cats:
                    raise _bad(N_("parent does not exist"), cat.code)
            for lang in LANGS:
                key = (lang, _fold(cat.labels[lang]))
                if key in seen_labels:
                    raise _bad(N_("two categories have the same label"), cat.code)
                seen_labels[key] = cat.code
        _check_acyclic(cats)
        return cls(cats)

    # -- lookups -------------------------------------------------------------------------

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and normalise_code(code) in self._by_code

    def __len__(self) -> int:
        return len(self._by_code)

    def get(self, code: str) -> Category:
        """The category for ``code``; raise :class:`UnknownCategory` if there is none."""
        norm = normalise_code(code)
        try:
            return self._by_code[norm]
        except KeyError:
            raise UnknownCategory(code=norm[:_CODE_SHOWN_MAX]) from None

    def label(self, code: str, lang: str) -> str:
        return self.get(code).label(lang)

    def roots(self) -> tuple[Category, ...]:
        return tuple(c for c, _ in self._children.get(None, []))

    def children(self, code: str) -> tuple[Category, ...]:
        """Direct children in file order, including nodes *also listed* under ``code``."""
        return tuple(c for c, _ in self._children.get(self.get(code).code, []))

    def descendants(self, code: str) -> tuple[str, ...]:
        """Codes of ``code`` itself and everything below it (also-listed nodes included), each
        once, in pre-order — the set to match when filtering "by category with descendants"."""
        out: dict[str, None] = {}
        stack = [self.get(code)]
        while stack:
            cat = stack.pop()
            if cat.code in out:
                continue
            out[cat.code] = None
            stack.extend(reversed([c for c, _ in self._children.get(cat.code, [])]))
        return tuple(out)

    def ancestors(self, code: str) -> tuple[Category, ...]:
        """The primary path above ``code``, root first, without ``code`` itself (a breadcrumb).

        ``also_under`` links are not followed here; :meth:`descendants` does follow them.
        """
        path: list[Category] = []
        parent = self.get(code).parent
        while parent is not None:
            cat = self._by_code[parent]
            path.append(cat)
            parent = cat.parent
        return tuple(reversed(path))

    def is_summons(self, code: str) -> bool:
        """True if incidents of this kind may carry summons details (the node or a primary
        ancestor is marked ``summons``)."""
        cat = self.get(code)
        return cat.summons or any(a.summons for a in self.ancestors(cat.code))

    def summons_codes(self) -> tuple[str, ...]:
        return tuple(code for code in self._by_code if self.is_summons(code))

    def walk(self) -> Iterator[TreeEntry]:
        """Depth-first, in file order, for a picker. A node with ``also_under`` appears once
        under each parent (``primary=False`` for the extra placements), its subtree with it."""

        def visit(parent: str | None, depth: int) -> Iterator[TreeEntry]:
            for cat, primary in self._children.get(parent, []):
                yield TreeEntry(depth, cat, primary)
                yield from visit(cat.code, depth + 1)

        return visit(None, 0)

    def search(self, text: str, lang: str = "en") -> list[Category]:
        """Categories found by ``text`` in their labels and synonyms in any language, or whose
        code contains it.

        Matching follows :mod:`defender_desk.domain.search`: every word of ``text`` must begin
        a word of the category's labels or synonyms, case-folded, «ё» = «е», Kazakh letters as
        typed on a Russian layout, Russian and English words by their stem («угроза» finds
        «Угрозы»). Matches in ``lang`` (its label or synonyms) come first, then the rest; each
        group in tree order. Blank text returns every category in tree order.
        """
        ordered: dict[str, Category] = {e.category.code: e.category for e in self.walk()}
        if not text.strip():
            return list(ordered.values())
        matcher = Matcher(text)
        needle = _fold(text.strip())
        first: list[Category] = []
        rest: list[Category] = []
        for cat in ordered.values():
            by_lang = self._words(cat.code)
            if matcher and matcher.matches_words(by_lang.get(lang, ())):
                first.append(cat)
            elif (matcher and matcher.matches_words(by_lang[""])) or needle in cat.code.casefold():
                rest.append(cat)
        return first + rest

    def _words(self, code: str) -> dict[str, tuple[str, ...]]:
        """The folded words of a category's label and synonyms per language, and of all of
        them together (key ``""``); computed once per category."""
        cached = self._search_words.get(code)
        if cached is None:
            cat = self._by_code[code]
            cached = {
                lang: tuple(
                    w for t in (cat.labels[lang], *cat.synonyms.get(lang, ())) for w in words(t)
                )
                for lang in LANGS
            }
            cached[""] = tuple(w for lang in LANGS for w in cached[lang])
            self._search_words[code] = cached
        return cached


def _bad(reason: str, code: str = "-") -> InvalidTaxonomy:
    return InvalidTaxonomy(reason=reason, code=code[:_CODE_SHOWN_MAX])


def _parse_entry(entry: Any) -> Category:
    if not isinstance(entry, dict):
        raise _bad(N_("entry is not an object"))
    code = entry.get("code")
    if not isinstance(code, str):
        raise _bad(N_("entry has no code"))
    if set(entry) - {"code", "parent", "also_under", "labels", "summons", "synonyms"}:
        raise _bad(N_("entry has an unknown key"), code)
    parent = entry.get("parent")
    if _HURIDOCS.fullmatch(code):
        try:
            derived = huridocs_parent(code)
        except ValueError:
            raise _bad(N_("malformed HURIDOCS code"), code) from None
        if parent is not None and parent != derived:
            raise _bad(N_("parent does not match the code"), code)
        parent = derived
    elif _LOCAL.fullmatch(code):
        if not isinstance(parent, str):
            raise _bad(N_("local term without a parent"), code)
    else:
        raise _bad(N_("malformed code"), code)
    also = entry.get("also_under", [])
    if (
        not isinstance(also, list)
        or not all(isinstance(a, str) for a in also)
        or len(set(also)) != len(also)
        or parent in also
        or code in also
    ):
        raise _bad(N_("bad also_under list"), code)
    summons = entry.get("summons", False)
    if not isinstance(summons, bool):
        raise _bad(N_("summons must be true or false"), code)
    labels = entry.get("labels")
    if not isinstance(labels, dict) or set(labels) != set(LANGS):
        raise _bad(N_("labels must be exactly en, ru and kk"), code)
    clean: dict[str, str] = {}
    for lang in LANGS:
        value = labels[lang]
        if not isinstance(value, str) or not value.strip():
            raise _bad(N_("empty label"), code)
        clean[lang] = unicodedata.normalize("NFC", value.strip())
    synonyms = entry.get("synonyms", {})
    if not isinstance(synonyms, dict) or not set(synonyms) <= set(LANGS):
        raise _bad(N_("synonyms must be lists per language (en, ru, kk)"), code)
    syn: dict[str, tuple[str, ...]] = {}
    for lang, values in synonyms.items():
        if not isinstance(values, list) or not all(
            isinstance(v, str) and v.strip() for v in values
        ):
            raise _bad(N_("synonyms must be lists per language (en, ru, kk)"), code)
        syn[lang] = tuple(unicodedata.normalize("NFC", v.strip()) for v in values)
    return Category(
        code, parent, tuple(also), MappingProxyType(clean), summons, MappingProxyType(syn)
    )


def _check_acyclic(cats: Mapping[str, Category]) -> None:
    """Raise if following parent and also_under links upwards ever returns to a node."""
    done: set[str] = set()

    def visit(code: str, on_path: set[str]) -> None:
        if code in done:
            return
        if code in on_path:
            raise _bad(N_("the tree has a cycle"), code)
        on_path.add(code)
        cat = cats[code]
        for up in (cat.parent, *cat.also_under):
            if up is not None:
                visit(up, on_path)
        on_path.discard(code)
        done.add(code)

    for code in cats:
        visit(code, set())


@functools.cache
def load() -> Taxonomy:
    """The shipped taxonomy, read and validated once per process."""
    raw = (resources.files("defender_desk") / "resources" / "taxonomy.json").read_text("utf-8")
    try:
        data = json.loads(raw)
    except ValueError:
        raise InvalidTaxonomy(reason=N_("not valid JSON"), code="-") from None
    return Taxonomy.from_data(data)


# Module-level shortcuts on the shipped taxonomy.


def get(code: str) -> Category:
    return load().get(code)


def label(code: str, lang: str) -> str:
    return load().label(code, lang)


def children(code: str) -> tuple[Category, ...]:
    return load().children(code)


def descendants(code: str) -> tuple[str, ...]:
    return load().descendants(code)


def ancestors(code: str) -> tuple[Category, ...]:
    return load().ancestors(code)


def is_summons(code: str) -> bool:
    return load().is_summons(code)


def search(text: str, lang: str = "en") -> list[Category]:
    return load().search(text, lang)


def walk() -> Iterator[TreeEntry]:
    return load().walk()
