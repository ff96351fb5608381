"""Layering (issue 17): ``ui/`` imports only the facade and the pure layers, and no module of the
project imports one that imports it back.

Imports are read from the source (every ``import`` anywhere in a module: at the top, inside a
function, under ``TYPE_CHECKING``), so a lazy import cannot hide a dependency.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "src"
PKG = "defender_desk"

#: What ``ui/`` may import from the project (besides ``ui`` itself).
UI_ALLOWED = (
    "defender_desk.app",
    "defender_desk.domain",
    "defender_desk.i18n",
    "defender_desk.errors",
    "defender_desk.secret",
)
#: Third-party code that belongs below the facade: the desktop never touches it directly.
UI_FORBIDDEN_THIRD_PARTY = (
    "sqlcipher3",
    "sqlite3",
    "cryptography",
    "pyrage",
    "fpdf",
    "socket",
    "urllib",
    "http",
    "requests",
)

#: Import circles that exist today and are removed by a later step (the CLI's table-driven
#: reshape and the key-rotation split). Each entry is one circle, exactly: a new module joining
#: it, or any other circle, fails the test.
KNOWN_CYCLES: list[frozenset[str]] = [
    # vault: rotation re-opens through the store, the store finishes an interrupted rotation
    frozenset({"defender_desk.vault.rekey", "defender_desk.vault.store"}),
]


def modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in (ROOT / PKG).rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def imports_of(name: str, path: Path) -> Iterator[str]:
    """Every module ``name`` imports (absolute names, relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package[: len(package) - node.level + 1]
                base = ".".join([*up, base] if base else up)
            yield base
            yield from (f"{base}.{a.name}" for a in node.names)


def graph() -> dict[str, set[str]]:
    mods = modules()

    def resolve(target: str) -> str | None:
        while target and target not in mods:
            target = target.rpartition(".")[0]
        return target or None

    edges: dict[str, set[str]] = {m: set() for m in mods}
    for name, path in mods.items():
        for target in imports_of(name, path):
            if target.startswith(PKG):
                resolved = resolve(target)
                if resolved and resolved != name:
                    edges[name].add(resolved)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[frozenset[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(frozenset(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_ui_imports_only_the_facade_and_pure_layers() -> None:
    bad: list[str] = []
    for name, path in modules().items():
        if not (name == f"{PKG}.ui" or name.startswith(f"{PKG}.ui.")):
            continue
        for target in imports_of(name, path):
            top = target.split(".")[0]
            if target.startswith(PKG + "."):
                if target.startswith(f"{PKG}.ui") or target.startswith(UI_ALLOWED):
                    continue
                if target.count(".") == 1 and target.split(".")[1] in {
                    m.split(".")[-1] for m in UI_ALLOWED
                }:
                    continue  # "from defender_desk import i18n"
                bad.append(f"{name} imports {target}")
            elif top in UI_FORBIDDEN_THIRD_PARTY:
                bad.append(f"{name} imports {target}")
    assert not bad, "\n".join(sorted(set(bad)))


def test_no_new_import_circle() -> None:
    found = cycles(graph())
    new = [sorted(c) for c in found if c not in KNOWN_CYCLES]
    assert not new, f"import circles: {new}"


def test_the_checks_can_fail() -> None:
    """The cycle finder sees a circle, and the UI check would see a forbidden import."""
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [frozenset("abc")]
    fake = ROOT / PKG / "ui" / "_layering_probe.py"
    assert not fake.exists()
    tree_imports = list(imports_of(f"{PKG}.ui.x", ROOT / PKG / "vault" / "store.py"))
    assert any(t.startswith(f"{PKG}.vault") for t in tree_imports)
