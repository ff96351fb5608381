"""Run every benchmark of the project and rewrite the results table in docs/performance.md.

    .venv/bin/python bench/run_all.py [--quick] [--size NAME=VALUE] [NAME ...]

Each ``bench/bench_*.py`` module has ``NAME``, ``SIZES`` (full and quick sizes, see
``bench/common.py``) and ``run(sizes) -> list[(what, result, note)]``. Without ``--quick``, the
results replace the section between the markers in docs/performance.md (modules not selected
keep their old section); the prose around them is kept. ``--quick`` runs every module at its
small sizes (a look within a few minutes) and prints the tables without touching the document:
quick figures are never published. Benchmarks measure; tests never assert timings.
"""

from __future__ import annotations

import importlib
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "performance.md"
BEGIN = "<!-- bench:begin -->"
END = "<!-- bench:end -->"


def main(argv: list[str]) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    import common

    p = common.parser("Run the benchmarks (all, or the NAMEs given).")
    p.add_argument("names", nargs="*", metavar="NAME")
    args = p.parse_args(argv)
    modules = sorted(p.stem for p in (ROOT / "bench").glob("bench_*.py"))
    started = time.perf_counter()
    lines = [
        BEGIN,
        f"Measured {time.strftime('%Y-%m-%d')} on {platform.machine()}, "
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{_cpu()} ({_cores()} cores).",
        "",
    ]
    old = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
    for name in modules:
        mod = importlib.import_module(name)
        if args.names and mod.NAME not in args.names:
            lines += _old_section(old, mod.NAME)
            continue
        sizes = common.sizes(mod.NAME, mod.SIZES, args.quick, args.size)
        shown = ", ".join(f"{k}={v:,}" for k, v in sizes.items())
        print(f"running {mod.NAME} ({shown}) …", flush=True)
        t0 = time.perf_counter()
        rows = mod.run(sizes)
        print(f"  {mod.NAME}: {time.perf_counter() - t0:.0f} s", flush=True)
        lines += [f"### {mod.NAME}", "", "| what | result | note |", "| --- | --- | --- |"]
        lines += [f"| {_cell(a)} | {_cell(b)} | {_cell(c)} |" for a, b, c in rows]
        lines.append("")
    lines.append(END)
    block = "\n".join(lines)
    print(block)
    print(f"all benchmarks: {time.perf_counter() - started:.0f} s", flush=True)
    if args.quick:
        print("(--quick: docs/performance.md is left as it was)")
        return
    if BEGIN in old and END in old:
        head, rest = old.split(BEGIN, 1)
        tail = rest.split(END, 1)[1]
        text = head + block + tail
    else:
        text = (old or "# Performance\n\n") + "\n" + block + "\n"
    DOC.write_text(text, encoding="utf-8")


def _cell(text: str) -> str:
    """A Markdown table cell: a literal | would end the cell."""
    return text.replace("\\|", "|").replace("|", "\\|")


def _old_section(old: str, name: str) -> list[str]:
    marker = f"### {name}\n"
    if marker not in old:
        return []
    section = old.split(marker, 1)[1].split("### ", 1)[0].split(END, 1)[0]
    return [f"### {name}", *section.rstrip("\n").split("\n"), ""]


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _cores() -> int:
    import os

    return os.cpu_count() or 0


if __name__ == "__main__":
    main(sys.argv[1:])
