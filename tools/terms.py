"""The project's glossary: ``docs/terms.json`` (machine-readable) and ``docs/glossary.md``.

    python tools/terms.py render   # rewrite docs/glossary.md from docs/terms.json
    python tools/terms.py check    # fail when docs/glossary.md is not what render writes

``tests/test_terms.py`` reads the same JSON and fails when an avoided variant appears in a
catalog, in the report/card/guidance texts, in the taxonomy labels or in the docs.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TERMS = ROOT / "docs" / "terms.json"
GLOSSARY = ROOT / "docs" / "glossary.md"

HEADER = """\
# Glossary — one word for one thing

<!-- Rendered from docs/terms.json by `python tools/terms.py render`; edit the JSON, not this. -->

Use these words in the interface, the command line, the PDF report, the emergency card and the
docs, so that a defender never wonders whether two words mean two things. The Russian follows
Kazakhstan's legal usage and her own words («отметка», «РОВД»). The right-hand column lists the
variants that must not appear: `tests/test_terms.py` fails when one of them shows up in a catalog
msgstr, in the texts of `reports/chronology.py`, `reports/card.py`, `emergency/guidance.py`, in
the taxonomy labels, or (where marked) in `README.md` and `docs/*.md`. Why each choice was made,
and what is still open for a native legal reviewer, is in [translation.md](translation.md).
"""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _avoid(term: dict[str, Any]) -> str:
    parts = []
    for rule in term.get("avoid", ()):
        text = f"{rule['lang']}: «{rule['variant']}»"
        if rule.get("scope"):
            text += " on the emergency screen, card and CLI"
        if rule.get("when_en"):
            text += f" (where the English matches `{rule['when_en']}`)"
        allowed = [f"«{e.get('regex', e.get('stem', ''))}»" for e in rule.get("except", ())]
        if allowed:
            text += " — except " + ", ".join(allowed)
        parts.append(text)
    return "; ".join(parts)


def render(data: dict[str, Any]) -> str:
    out = [HEADER]
    for kind, title in (("term", "Terms"), ("style", "Wording rules")):
        out.append(f"\n## {title}\n\n")
        out.append("| English | Русский | Қазақша | Not | Note |\n")
        out.append("| --- | --- | --- | --- | --- |\n")
        for term in data["terms"]:
            if term.get("kind", "term") != kind:
                continue
            cells = (term["en"], term["ru"], term["kk"], _avoid(term), term.get("note", ""))
            out.append("| " + " | ".join(_cell(c) for c in cells) + " |\n")
    return "".join(out)


def load() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(TERMS.read_text(encoding="utf-8"))
    return data


def main(argv: list[str]) -> int:
    if argv[1:] == ["render"]:
        GLOSSARY.write_text(render(load()), encoding="utf-8")
        return 0
    if argv[1:] == ["check"]:
        if GLOSSARY.read_text(encoding="utf-8") != render(load()):
            print("docs/glossary.md is stale: run python tools/terms.py render")
            return 1
        print("docs/glossary.md matches docs/terms.json")
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
