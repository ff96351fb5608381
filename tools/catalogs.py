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
