"""Translation catalogs: extract, update, compile, check.

    python tools/catalogs.py update   # extract messages, merge into ru/kk .po, compile .mo
    python tools/catalogs.py check    # fail when a catalog is stale, incomplete or fuzzy

English is the source language (msgids); Russian and Kazakh must translate every message.
The ``.mo`` files are committed and must equal what the ``.po`` files compile to.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "defender_desk"
LOCALE = SRC / "locale"
DOMAIN = "defender_desk"
LANGS = ("ru", "kk")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}
METHOD_MAP = [("**.py", "python")]


def extract() -> Catalog:
    catalog = Catalog(project="Defender Desk", charset="utf-8", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(SRC), METHOD_MAP, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",)
    ):
        if message in ("", ("", "")):
            continue
        catalog.add(
            message,
            None,
            [(str(Path("src/defender_desk") / filename), lineno)],
            auto_comments=comments,
            context=context,
        )
    return catalog


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def load_po(lang: str) -> Catalog:
    path = po_path(lang)
    if not path.exists():
        return Catalog(locale=lang, project="Defender Desk", charset="utf-8")
    with path.open("rb") as f:
        return read_po(f, locale=lang)


def compiled(catalog: Catalog) -> bytes:
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    return buf.getvalue()


def update() -> None:
    template = extract()
    for lang in LANGS:
        catalog = load_po(lang)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        path = po_path(lang)
        path.parent.mkdir(parents=True, exist_ok=True)
        buf = io.BytesIO()
        write_po(
            buf, catalog, width=100, omit_header=False, sort_output=False, include_lineno=False
        )
        path.write_bytes(buf.getvalue())
        path.with_suffix(".mo").write_bytes(compiled(load_po(lang)))
    print(f"{len(template)} messages; run 'check' to see what is untranslated")


def _key(message_id: object) -> str:
    return message_id if isinstance(message_id, str) else "\x00".join(message_id)  # type: ignore[arg-type]


# -- text that could hide from the catalogs -------------------------------------------------
#: Qt calls that put text on screen: a literal with letters passed to one of these is English
#: nobody can translate (it must go through _() or come from a translated table).
TEXT_SETTERS = frozenset(
    {
        "setText",
        "setWindowTitle",
        "setTitle",
        "setPlaceholderText",
        "setToolTip",
        "setAccessibleName",
        "setAccessibleDescription",
        "setStatusTip",
        "setWhatsThis",
        "setTabText",
        "setHeaderLabels",
        "setHorizontalHeaderLabels",
        "addItem",
        "addTab",
        "showMessage",
        "setLabelText",
        "setCancelButtonText",
        "setHtml",
        "setPlainText",
    }
)
TEXT_WIDGETS = frozenset(
    {"QLabel", "QPushButton", "QCheckBox", "QRadioButton", "QGroupBox", "QAction", "PlainLabel"}
)
#: Texts that are the same in every language (names of languages, formats, samples).
SAME_IN_EVERY_LANGUAGE = frozenset({"English", "Русский", "Қазақша", "Caps Lock", "ЕРДР"})
#: A line that shows text the same in every language (a key format, a shortcut) says so.
SAME_MARK = "# same in every language"
_TRANSLATE_IN_FSTRING = __import__("re").compile(r"\b(?:_|N_|ngettext|pgettext)\(\s*['\"]")
_LANGS_ALL = {"en", "ru", "kk"}


def _has_words(text: str) -> bool:
    import re

    stripped = re.sub(r"\{[^}]*\}", "", text)  # placeholders are not words
    stripped = re.sub(r"<[^>]*>|&\w+;", "", stripped)  # nor HTML tags and entities
    if stripped.strip() in SAME_IN_EVERY_LANGUAGE:
        return False
    return bool(re.search(r"[^\W\d_]{2,}", stripped))


def _literal_text(node: object) -> str | None:
    import ast

    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)
        )
    if isinstance(node, ast.List | ast.Tuple):
        parts = [_literal_text(e) for e in node.elts]
        return " ".join(p for p in parts if p) or None
    return None


def hidden_texts(root: Path = SRC) -> list[str]:
    """User-visible text the catalogs cannot see:

    - a translation call with a literal inside an f-string (Babel does not look inside
      f-strings on Python 3.11, so the message never reaches the catalog);
    - in the desktop (``ui/``), a literal with words handed straight to a Qt text call;
    - a per-language table (``{"en": …, "ru": …, "kk": …}``) that lacks a language, or whose
      languages do not have the same entries, or has an empty one.
    """
    import ast
    import tokenize

    problems: list[str] = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(ROOT)
        with path.open("rb") as f:
            for tok in tokenize.tokenize(f.readline):
                if tok.type == tokenize.STRING:
                    prefix = tok.string.split("'")[0].split('"')[0].lower()
                    if "f" in prefix and _TRANSLATE_IN_FSTRING.search(tok.string):
                        problems.append(
                            f"{rel}:{tok.start[0]}: a translated literal inside an f-string"
                            " is never extracted; translate it outside the f-string"
                        )
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        tree = ast.parse(source)
        in_ui = "ui" in rel.parts
        for node in ast.walk(tree):
            if in_ui and isinstance(node, ast.Call) and node.args:
                func = node.func
                name = (
                    func.attr
                    if isinstance(func, ast.Attribute)
                    else func.id
                    if isinstance(func, ast.Name)
                    else ""
                )
                if name in TEXT_SETTERS or name in TEXT_WIDGETS:
                    text = _literal_text(node.args[0])
                    span = "\n".join(lines[node.lineno - 1 : (node.end_lineno or node.lineno)])
                    if text is not None and _has_words(text) and SAME_MARK not in span:
                        problems.append(
                            f"{rel}:{node.lineno}: untranslated text on screen: {text!r}"
                        )
            if isinstance(node, ast.Dict) and node.keys:
                keys = [k.value for k in node.keys if isinstance(k, ast.Constant)]
                if len(keys) == len(node.keys) and "en" in keys and set(keys) <= _LANGS_ALL:
                    if set(keys) != _LANGS_ALL:
                        missing = sorted(_LANGS_ALL - set(keys))
                        problems.append(f"{rel}:{node.lineno}: a language table lacks {missing}")
                        continue
                    values = dict(zip(keys, node.values, strict=True))
                    shapes = {}
                    for lang, value in values.items():
                        if isinstance(value, ast.Dict):
                            entries = {
                                k.value: v
                                for k, v in zip(value.keys, value.values, strict=True)
                                if isinstance(k, ast.Constant)
                            }
                            shapes[lang] = frozenset(entries)
                            for key, v in entries.items():
                                if isinstance(v, ast.Constant) and v.value in ("", None):
                                    problems.append(f"{rel}:{node.lineno}: {lang} {key!r} is empty")
                        elif isinstance(value, ast.Constant) and value.value in ("", None):
                            problems.append(f"{rel}:{node.lineno}: {lang} is empty")
                    if shapes and len(set(shapes.values())) > 1:
                        problems.append(
                            f"{rel}:{node.lineno}: the languages of a table differ in entries"
                        )
    return problems


def check() -> int:
    template = extract()
    wanted = {(m.context, _key(m.id)) for m in template if m.id}
    problems: list[str] = []
    for lang in LANGS:
        path = po_path(lang)
        if not path.exists():
            problems.append(f"{lang}: {path} is missing")
            continue
        catalog = load_po(lang)
        have = {(m.context, _key(m.id)) for m in catalog if m.id}
        for _ctx, mid in sorted(wanted - have, key=str):
            problems.append(f"{lang}: not in the catalog (run update): {mid!r}")
        for _ctx, mid in sorted(have - wanted, key=str):
            problems.append(f"{lang}: no longer used (run update): {mid!r}")
        for m in catalog:
            if not m.id:
                continue
            if m.fuzzy:
                problems.append(f"{lang}: fuzzy: {_key(m.id)!r}")
            strings = m.string if isinstance(m.string, tuple | list) else (m.string,)
            if not all(strings):
                problems.append(f"{lang}: untranslated: {_key(m.id)!r}")
            elif "{" in _key(m.id):
                import re

                want = set(re.findall(r"\{(\w*)\}", _key(m.id)))
                for s in strings:
                    got = set(re.findall(r"\{(\w*)\}", s))
                    if got - want:
                        problems.append(f"{lang}: unknown placeholder in {_key(m.id)!r}: {s!r}")
        mo = path.with_suffix(".mo")
        if not mo.exists() or mo.read_bytes() != compiled(catalog):
            problems.append(f"{lang}: {mo.name} is stale (run update)")
    problems += hidden_texts()
    for p in problems:
        print(p)
    if problems:
        print(f"catalog check failed: {len(problems)} problem(s)")
        return 1
    print(f"catalogs complete: {len(wanted)} messages in {', '.join(LANGS)}")
    return 0


def fill(lang: str, json_path: str) -> None:
    """Set translations from a JSON object {msgid: msgstr} (or {msgid: [forms…]})."""
    import json

    table = json.loads(Path(json_path).read_text(encoding="utf-8"))
    catalog = load_po(lang)
    changed = 0
    for m in catalog:
        key = _key(m.id) if m.id else None
        if key is None:
            continue
        lookup = m.id[0] if isinstance(m.id, tuple | list) else m.id
        if lookup in table:
            value = table[lookup]
            m.string = tuple(value) if isinstance(value, list) else value
            m.flags.discard("fuzzy")
            changed += 1
    path = po_path(lang)
    buf = io.BytesIO()
    write_po(buf, catalog, width=100, omit_header=False, sort_output=False, include_lineno=False)
    path.write_bytes(buf.getvalue())
    path.with_suffix(".mo").write_bytes(compiled(load_po(lang)))
    print(f"{lang}: {changed} messages set")


def stats() -> None:
    for lang in LANGS:
        catalog = load_po(lang)
        total = sum(1 for m in catalog if m.id)
        done = sum(
            1
            for m in catalog
            if m.id
            and all(m.string if isinstance(m.string, tuple) else (m.string,))
            and not m.fuzzy
        )
        print(f"{lang}: {done}/{total}")


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    if command == "update":
        update()
    elif command == "check":
        sys.exit(check())
    elif command == "fill":
        fill(sys.argv[2], sys.argv[3])
    elif command == "stats":
        stats()
    else:
        sys.exit(f"unknown command {command!r}")
