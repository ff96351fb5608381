"""One term per thing (issue 19): the glossary's avoided variants appear nowhere she or others read.

The glossary and its avoided variants are in ``docs/terms.json`` (rendered to
``docs/glossary.md``). This test reads every msgstr of the ru and kk catalogs, the ru/kk texts
built into the PDF report, the emergency card and the first steps (``reports/chronology.py``,
``reports/card.py``, ``emergency/guidance.py`` and the few other tables of ru/kk texts in the core,
paired with their English by key), the taxonomy
labels, and the Cyrillic lines of ``README.md`` and ``docs/*.md``, and fails on any variant the
glossary says not to use. Matching ignores case, reads «ё» as «е» and drops ``&`` accelerators;
stems catch Russian and Kazakh inflection («контакт» → «контакту», «контактов»; «белгілену» →
«белгіленуді», «белгіленулер»).
"""

from __future__ import annotations

import ast
import fnmatch
import importlib.util
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "defender_desk"
TERMS: dict[str, Any] = json.loads((ROOT / "docs" / "terms.json").read_text(encoding="utf-8"))
LANGS = ("ru", "kk")
TEXT_FILES = (
    "reports/chronology.py",
    "reports/card.py",
    "emergency/guidance.py",
    # other ru/kk texts built into the core, outside gettext
    "emergency/facade.py",
    "emergency/store.py",
    "obligations/facade.py",
    "obligations/render.py",
    "domain/dates.py",
)
# Docs that quote avoided variants on purpose (to say why they are avoided).
DOCS_QUOTING_VARIANTS = ("glossary.md", "translation.md")

# Variants tolerated for a while in a file another branch is rewriting at the same time (empty
# now: the court-package branch is merged). An entry that no longer occurs fails the test, so the
# set cannot go stale. Each entry: (file, language, variant as written in docs/terms.json).
PENDING_IN_PARALLEL_BRANCH: frozenset[tuple[str, str, str]] = frozenset()


@dataclass(frozen=True)
class Unit:
    """One text to check: where it is, the source files it belongs to, its English."""

    where: str
    paths: tuple[str, ...]  # relative to src/defender_desk; () for docs
    lang: str  # "ru", "kk", or "any" (docs: every rule of either language applies)
    en: str
    text: str


@dataclass(frozen=True)
class Rule:
    term: str
    lang: str
    variant: str
    example: str  # a text the rule must catch (the variant itself, unless annotated)
    pattern: re.Pattern[str]
    exceptions: tuple[re.Pattern[str], ...]
    scope: tuple[str, ...]
    when_en: re.Pattern[str] | None
    docs: bool


def _norm(text: str) -> str:
    return text.replace("ё", "е").replace("Ё", "Е")


def _compile(spec: dict[str, str]) -> re.Pattern[str]:
    if "stem" in spec:
        source = r"(?<!\w)" + re.escape(_norm(spec["stem"])) + r"\w*"
    elif "word" in spec:
        source = r"(?<!\w)" + re.escape(_norm(spec["word"])) + r"(?!\w)"
    else:
        source = _norm(spec["regex"])
    return re.compile(source, re.IGNORECASE)


def rules() -> list[Rule]:
    out = []
    for term in TERMS["terms"]:
        for r in term.get("avoid", ()):
            out.append(
                Rule(
                    term=term["id"],
                    lang=r["lang"],
                    variant=r["variant"],
                    example=r.get("example", r["variant"]),
                    pattern=_compile(r),
                    exceptions=tuple(_compile(e) for e in r.get("except", ())),
                    scope=tuple(r.get("scope", ())),
                    when_en=re.compile(r["when_en"], re.IGNORECASE) if "when_en" in r else None,
                    docs=r.get("docs", True),
                )
            )
    return out


def applies(rule: Rule, unit: Unit) -> bool:
    if unit.lang == "any":
        return rule.docs and not rule.scope and rule.when_en is None
    if rule.lang != unit.lang:
        return False
    if rule.scope and not any(fnmatch.fnmatch(p, g) for p in unit.paths for g in rule.scope):
        return False
    return rule.when_en is None or bool(rule.when_en.search(unit.en.replace("&", "")))


def hits(rule: Rule, text: str) -> list[str]:
    text = _norm(text.replace("&", ""))
    allowed = [m.span() for e in rule.exceptions for m in e.finditer(text)]
    return [
        m.group(0)
        for m in rule.pattern.finditer(text)
        if not any(a <= m.start() and m.end() <= b for a, b in allowed)
    ]


# -- the texts ---------------------------------------------------------------------------------


def catalog_units() -> Iterator[Unit]:
    for lang in LANGS:
        path = SRC / "locale" / lang / "LC_MESSAGES" / "defender_desk.po"
        with path.open("rb") as f:
            catalog = read_po(f, locale=lang)
        for m in catalog:
            if not m.id:
                continue
            en = m.id if isinstance(m.id, str) else " / ".join(m.id)
            paths = tuple(
                sorted({loc.removeprefix("src/defender_desk/") for loc, _line in m.locations})
            )
            forms = m.string if isinstance(m.string, tuple | list) else (m.string,)
            for form in forms:
                yield Unit(f"catalog {lang}: {en!r}", paths, lang, en, form)


def _pair(en: object, other: object, key: str) -> Iterator[tuple[str, str, str]]:
    """(key, English, translation) for every string of a translated literal."""
    if isinstance(other, str):
        yield key, en if isinstance(en, str) else "", other
    elif isinstance(other, dict):
        en_dict = en if isinstance(en, dict) else {}
        for k, v in other.items():
            yield from _pair(en_dict.get(k, ""), v, f"{key}.{k}")
    elif isinstance(other, tuple | list):
        en_seq = en if isinstance(en, tuple | list) else ()
        for i, v in enumerate(other):
            yield from _pair(en_seq[i] if i < len(en_seq) else "", v, f"{key}[{i}]")


def _value(node: ast.expr) -> object:
    """A literal's value; dict keys that are not literals (enum members) become their source."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Dict):
        return {
            (k.value if isinstance(k, ast.Constant) else ast.unparse(k)): _value(v)
            for k, v in zip(node.keys, node.values, strict=True)
            if k is not None
        }
    if isinstance(node, ast.Tuple | ast.List):
        return [_value(e) for e in node.elts]
    return None


def text_units(rel: str) -> Iterator[Unit]:
    """The ru/kk strings of every ``{"en": …, "ru": …, "kk": …}`` table in a module."""
    tree = ast.parse((SRC / rel).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Dict):
            continue
        keys = [k.value for k in node.keys if isinstance(k, ast.Constant)]
        if "en" not in keys or not any(lang in keys for lang in LANGS):
            continue
        table = _value(node)
        assert isinstance(table, dict)
        for lang in LANGS:
            for key, en, text in _pair(table["en"], table.get(lang, ()), f"line {node.lineno}"):
                yield Unit(f"{rel} [{lang}] {key}", (rel,), lang, en, text)


def taxonomy_units() -> Iterator[Unit]:
    data = json.loads((SRC / "resources" / "taxonomy.json").read_text(encoding="utf-8"))
    for cat in data["categories"]:
        for lang in LANGS:
            yield Unit(
                f"taxonomy.json [{lang}] {cat['code']}",
                ("resources/taxonomy.json",),
                lang,
                cat["labels"]["en"],
                cat["labels"][lang],
            )


def doc_units() -> Iterator[Unit]:
    docs = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    for path in docs:
        if path.name in DOCS_QUOTING_VARIANTS:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search("[\u0400-\u04ff]", line):
                yield Unit(f"{path.relative_to(ROOT)}:{n}", (), "any", "", line)


def violations(units: Iterator[Unit]) -> list[tuple[Unit, Rule, list[str]]]:
    found = []
    all_rules = rules()
    for unit in units:
        for rule in all_rules:
            if applies(rule, unit) and (words := hits(rule, unit.text)):
                found.append((unit, rule, words))
    return found


def report(found: list[tuple[Unit, Rule, list[str]]]) -> str:
    return "\n".join(
        f"{u.where}: «{', '.join(w)}» is glossary variant «{r.variant}» ({r.lang}, term {r.term})"
        f"\n    {u.text[:160]}"
        for u, r, w in found
    )


# -- the tests ---------------------------------------------------------------------------------


def test_catalogs_use_one_term_per_thing() -> None:
    found = violations(catalog_units())
    assert not found, "\n" + report(found)


def test_taxonomy_labels_use_one_term_per_thing() -> None:
    found = violations(taxonomy_units())
    assert not found, "\n" + report(found)


def test_report_card_and_guidance_texts_use_one_term_per_thing() -> None:
    for rel in TEXT_FILES:  # the extraction really finds the tables (else this test proves nothing)
        langs = {u.lang for u in text_units(rel)}
        assert langs == set(LANGS), (rel, langs)
    found = violations(u for rel in TEXT_FILES for u in text_units(rel))
    pending = {(u.paths[0], r.lang, r.variant) for u, r, _w in found}
    unexpected = [
        f
        for f in found
        if (f[0].paths[0], f[1].lang, f[1].variant) not in PENDING_IN_PARALLEL_BRANCH
    ]
    assert not unexpected, "\n" + report(unexpected)
    stale = PENDING_IN_PARALLEL_BRANCH - pending
    assert not stale, f"fixed now: remove from PENDING_IN_PARALLEL_BRANCH: {sorted(stale)}"


def test_docs_use_one_term_per_thing() -> None:
    found = violations(doc_units())
    assert not found, "\n" + report(found)


def test_every_term_is_complete_and_every_rule_can_fail() -> None:
    ids = [t["id"] for t in TERMS["terms"]]
    assert len(ids) == len(set(ids)), "duplicate term ids"
    for term in TERMS["terms"]:
        assert all(term[k].strip() for k in ("en", "ru", "kk")), term["id"]
        for r in term.get("avoid", ()):
            assert r["lang"] in LANGS and r["why"].strip(), (term["id"], r)
    for rule in rules():
        # The rule matches the variant it names: written into a text, it would be caught.
        assert hits(rule, rule.example), (rule.term, rule.variant)


def test_inflected_forms_and_exceptions() -> None:
    by = {r.variant: r for r in rules()}
    contact = by["контакт"]
    assert hits(contact, "Ничего не отправляйте этому контакту")
    assert hits(contact, "Ко&нтактов пока нет")
    assert not hits(contact, "удалить экстренный контакт; экстренные контакты")
    assert not hits(contact, "Доверенные лица и моя карточка")
    checkin = by["белгілену"]
    assert hits(checkin, "бір белгіленуді болдырмау") and hits(checkin, "Белгіленулер")
    assert not hits(checkin, "Белгіленген уақыты")
    assert not hits(checkin, "тексерілді деп белгілеңіз")
    erdr = by["СДТБ"]
    assert hits(erdr, "СДТБ нөмірі") and not hits(erdr, "СДТБТ (ЕРДР) нөмірі")
    severity = by["тяжесть"]
    assert hits(severity, "Тяжесть") and not hits(severity, "Серьёзность")


def test_scopes_and_english_conditions() -> None:
    card = next(r for r in rules() if r.term == "emergency-card" and r.lang == "kk")
    on_card = Unit("t", ("ui/screens/emergency.py",), "kk", "Card", "Карточка")
    identity = Unit("t", ("ui/screens/contacts.py",), "kk", "My card", "Менің карточкам")
    assert applies(card, on_card) and hits(card, on_card.text)
    assert not applies(card, identity)
    notes = next(r for r in rules() if r.term == "notes")
    assert applies(notes, Unit("t", ("ui/screens/people.py",), "kk", "No&tes:", "&Жазбалар:"))
    assert not applies(notes, Unit("t", ("x.py",), "kk", "Records (read-only)", "Жазбалар"))


def test_glossary_md_is_rendered_from_terms_json() -> None:
    spec = importlib.util.spec_from_file_location("terms_tool", ROOT / "tools" / "terms.py")
    assert spec and spec.loader
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    rendered = tool.render(TERMS)
    assert (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8") == rendered, (
        "run: python tools/terms.py render"
    )
