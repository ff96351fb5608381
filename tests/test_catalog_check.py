"""The catalog check sees text that would otherwise hide from translators (issue 17, item 9:
the emergency card preview showed English headings in ru and kk because its ``_()`` calls sat
inside f-strings, which Babel does not read on Python 3.11)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import catalogs  # noqa: E402


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    src = tmp_path / "src" / "pkg"
    for name, text in files.items():
        path = src / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return src


def test_hidden_text_is_found(tmp_path, monkeypatch):
    monkeypatch.setattr(catalogs, "ROOT", tmp_path)
    src = _tree(
        tmp_path,
        {
            "ui/card.py": (
                "def card(e, _):\n    return f\"<h3>{e(_('If someone is detained'))}</h3>\"\n"
            ),
            "ui/window.py": (
                "def build(label, box, _):\n"
                "    label.setText('Lawyer and helpers')\n"
                "    box.setAccessibleName(f'Places {1}')\n"
                "    label.setText(_('Fine'))\n"
                "    label.setText('1234-5678')\n"
                "    label.setToolTip('Ctrl+L')  # same in every language\n"
            ),
            "report.py": (
                "TEXTS = {'en': {'title': 'Card', 'more': 'More'}, 'ru': {'title': 'Памятка'},"
                " 'kk': {'title': 'Жадынама', 'more': ''}}\n"
                "TITLE = {'en': 'First steps', 'ru': 'Первые шаги'}\n"
            ),
        },
    )
    found = "\n".join(catalogs.hidden_texts(src))
    assert "ui/card.py:2: a translated literal inside an f-string" in found
    assert "ui/window.py:2: untranslated text on screen: 'Lawyer and helpers'" in found
    assert "ui/window.py:3: untranslated text on screen: 'Places '" in found
    assert "'Fine'" not in found and "1234" not in found and "Ctrl+L" not in found
    assert "report.py:1: kk 'more' is empty" in found
    assert "report.py:1: the languages of a table differ in entries" in found
    assert "report.py:2: a language table lacks ['kk']" in found


def test_the_project_hides_no_text():
    assert catalogs.hidden_texts() == []
