"""What every benchmark shares: its sizes (full and ``--quick``), the command line, timing.

Each ``bench_*.py`` declares ``SIZES = {"name": (full, quick, "what it is")}`` and
``run(sizes) -> rows``. ``run_all.py`` and each module run alone accept the same options:

    --quick             the small sizes (a look in a few seconds, never the published figures)
    --size NAME=VALUE   any size by name (repeatable), e.g. --size incidents=20000

Sizes can also come from the environment, ``BENCH_<MODULE>_<NAME>`` (e.g.
``BENCH_RECORD_INCIDENTS=20000``); the command line wins.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

Row = tuple[str, str, str]
Sizes = dict[str, int]
SizeSpec = Mapping[str, tuple[int, int, str]]


def parser(description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--quick", action="store_true", help="small sizes: a quick look, not figures")
    p.add_argument(
        "--size",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="set one size by name (repeatable)",
    )
    return p


def sizes(module: str, spec: SizeSpec, quick: bool, given: Sequence[str] = ()) -> Sizes:
    """The sizes of ``module``: full or quick defaults, then the environment, then ``given``
    (``NAME=VALUE`` strings; a name another module declares is ignored here)."""
    out = {name: (q if quick else full) for name, (full, q, _what) in spec.items()}
    for name in spec:
        env = os.environ.get(f"BENCH_{module.upper().replace('-', '_')}_{name.upper()}")
        if env:
            out[name] = int(env)
    for item in given:
        name, _, value = item.partition("=")
        if name in spec:
            out[name] = int(value.replace("_", ""))
    return out


def main(module: Any, description: str) -> None:
    """``python bench/bench_x.py [--quick] [--size NAME=VALUE]``: run one module, print rows."""
    args = parser(description).parse_args()
    for row in module.run(sizes(module.NAME, module.SIZES, args.quick, args.size)):
        print(" | ".join(row))


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    value = fn()
    return time.perf_counter() - t0, value


def alternate(
    ours: Callable[[], Any], peer: Callable[[], Any], repeat: int
) -> tuple[float, float, Any, Any]:
    """Median seconds of each over ``repeat`` rounds, the two run in turn within each round (so
    drift in the machine's load hits both); also the last results."""
    a: list[float] = []
    b: list[float] = []
    ra = rb = None
    for _ in range(repeat):
        t, ra = timed(ours)
        a.append(t)
        t, rb = timed(peer)
        b.append(t)
    return statistics.median(a), statistics.median(b), ra, rb


def vm_hwm(pid: int | str = "self") -> int | None:
    """Peak resident set of a process's *current* memory image (bytes), from /proc.

    Not ``ru_maxrss``: Linux carries the parent's peak over an exec (``subprocess`` uses vfork),
    so a child started from a big process would "use" as much as its parent did."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def ms(seconds: float) -> str:
    v = seconds * 1000
    if v < 1:
        return f"{v:.2f} ms"
    if v < 100:
        return f"{v:.1f} ms"
    if v < 1_000:
        return f"{v:.0f} ms"
    return f"{seconds:.2f} s"
