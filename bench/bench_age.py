"""age: our implementation (``defender_desk.age``) beside pyrage (rage 0.11) and the age CLI.

For each size (64 MiB and 1 GiB by default): encrypt a file to one X25519 recipient and decrypt
it again, file to file, with ours, ``pyrage.encrypt_io``/``decrypt_io`` and ``age`` 1.1.1 —
alternating ours / pyrage / CLI (who goes first rotates each round, and the page cache is
synced before each run), several rounds, the median reported, with user and system CPU time.
Every run is its own child process, so each peak resident memory is that process's own
(``VmHWM`` for Python, the ``age`` process's ``ru_maxrss`` from ``wait4``). Ours is also timed
to a post-quantum hybrid recipient. Then the GIL question: a thread that sleeps 5 ms in a loop
records its worst gap while the main thread encrypts 64 MiB with ours, with pyrage, and while
``age`` runs in a child (which holds no lock of ours) — idle first, as the baseline.
Decryption writes to ``/dev/null`` (see ``_sizes``); encryption writes real files.

    .venv/bin/python bench/bench_age.py [--quick] [--size MIB]
    .venv/bin/python bench/run_all.py age       # the same, written into docs/performance.md

``--quick``: 64 MiB only, 3 rounds. ``--size``: only that size (MiB). Plaintext comes from a
file in the OS cache; outputs go to files in the same temporary folder (``BENCH_TMP``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

NAME = "age"
ROOT = Path(__file__).resolve().parent.parent
MIB = 1 << 20
DEFAULT_SIZES = (64, 1024)  # MiB
ROUNDS = {64: 7, 1024: 3}

_PRELUDE = """
import json, os, resource, sys, time
def cpu():
    u = resource.getrusage(resource.RUSAGE_SELF)
    return u.ru_utime, u.ru_stime
def peak_mib():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0
"""

_OURS = """
from defender_desk import age
mode, src, dst, key = sys.argv[1:5]
before = peak_mib()
buf = bytearray(1 << 20)
c = cpu()
t = time.perf_counter()
with open(src, "rb") as f, open(dst, "wb") as out:
    if mode == "encrypt":
        w = age.encrypt([age.parse_recipient(key)], out)
        while n := f.readinto(buf):
            w.write(memoryview(buf)[:n])
        w.close()
    else:
        r = age.decrypt(age.load_identity_file(open(key, "rb").read()), f)
        while n := r.readinto(buf):
            out.write(memoryview(buf)[:n])
seconds = time.perf_counter() - t
c = [b - a for a, b in zip(c, cpu())]
print(json.dumps({"seconds": seconds, "user": c[0], "sys": c[1], "peak": peak_mib(),
                  "before": before}))
"""

_PYRAGE = """
import pyrage
mode, src, dst, key = sys.argv[1:5]
before = peak_mib()
c = cpu()
t = time.perf_counter()
with open(src, "rb") as f, open(dst, "wb") as out:
    if mode == "encrypt":
        pyrage.encrypt_io(f, out, [pyrage.x25519.Recipient.from_str(key)])
    else:
        line = [l for l in open(key).read().splitlines() if l.startswith("AGE-SECRET-KEY-")][0]
        pyrage.decrypt_io(f, out, [pyrage.x25519.Identity.from_str(line)])
seconds = time.perf_counter() - t
c = [b - a for a, b in zip(c, cpu())]
print(json.dumps({"seconds": seconds, "user": c[0], "sys": c[1], "peak": peak_mib(),
                  "before": before}))
"""

_CLI = """
import subprocess
mode, src, dst, key = sys.argv[1:5]
argv = ["age", "-r", key] if mode == "encrypt" else ["age", "-d", "-i", key]
t = time.perf_counter()
p = subprocess.Popen([*argv, "-o", dst, src])
_, status, usage = os.wait4(p.pid, 0)
seconds = time.perf_counter() - t
assert os.waitstatus_to_exitcode(status) == 0
print(json.dumps({"seconds": seconds, "user": usage.ru_utime, "sys": usage.ru_stime,
                  "peak": usage.ru_maxrss / 1024, "before": 0}))
"""

_TICKER = """
import threading
which, src, dst, key = sys.argv[1:5]
gaps = []
stop = threading.Event()
def tick():
    last = time.perf_counter()
    while not stop.is_set():
        time.sleep(0.005)
        now = time.perf_counter()
        gaps.append(now - last)
        last = now
if which == "ours":
    from defender_desk import age
    def work():
        buf = bytearray(1 << 20)
        with open(src, "rb") as f, open(dst, "wb") as out:
            w = age.encrypt([age.parse_recipient(key)], out)
            while n := f.readinto(buf):
                w.write(memoryview(buf)[:n])
            w.close()
elif which == "pyrage":
    import pyrage
    def work():
        with open(src, "rb") as f, open(dst, "wb") as out:
            pyrage.encrypt_io(f, out, [pyrage.x25519.Recipient.from_str(key)])
elif which == "cli":
    import subprocess
    def work():
        subprocess.run(["age", "-r", key, "-o", dst, src], check=True)
else:
    def work():
        time.sleep(1.0)
thread = threading.Thread(target=tick, daemon=True)
thread.start()
time.sleep(0.2)
gaps.clear()
t = time.perf_counter()
work()
seconds = time.perf_counter() - t
stop.set()
thread.join()
gaps.sort()
p99 = gaps[int(len(gaps) * 0.99)]
print(json.dumps({"seconds": seconds, "max": gaps[-1] * 1000, "p99": p99 * 1000,
                  "median": statistics.median(gaps) * 1000, "ticks": len(gaps)}))
"""


def _child(code: str, *args: str) -> dict[str, float]:
    script = _PRELUDE + "import statistics\n" + textwrap.dedent(code)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, env=env, check=False
    )
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-2000:])
    result: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def _make_plaintext(path: Path, mib: int) -> None:
    block = os.urandom(MIB)
    with path.open("wb") as f:
        for i in range(mib):
            f.write(block[i % 7 :] + block[: i % 7])  # not one repeated MiB, not compressible


def _keys(tmp: Path) -> tuple[Path, str, str]:
    """An age-keygen key file (X25519) and a post-quantum recipient of ours."""
    sys.path.insert(0, str(ROOT / "src"))
    from defender_desk import age

    key = tmp / "key.txt"
    key.unlink(missing_ok=True)  # age-keygen never overwrites
    subprocess.run(["age-keygen", "-o", str(key)], check=True, capture_output=True)
    recipient = subprocess.run(
        ["age-keygen", "-y", str(key)], check=True, capture_output=True, text=True
    ).stdout.strip()
    return key, recipient, str(age.HybridIdentity.generate().recipient)


def _stat(runs: list[dict[str, float]], mib: int) -> tuple[float, str]:
    speeds = sorted(mib / r["seconds"] for r in runs)
    peak = max(r["peak"] for r in runs)
    before = max(r["before"] for r in runs)
    spread = f"{speeds[0]:,.0f}–{speeds[-1]:,.0f}"
    user = statistics.median(r["user"] for r in runs) * 1024 / mib
    kernel = statistics.median(r["sys"] for r in runs) * 1024 / mib
    mem = f"peak RSS {peak:,.0f} MiB" + (f" ({before:,.0f} before the work)" if before else "")
    return statistics.median(speeds), (
        f"median of {len(runs)} alternating runs ({spread}); per GiB {user:.2f} s user CPU,"
        f" {kernel:.2f} s system; {mem}"
    )


def _sizes(mib: int, rounds: int, tmp: Path) -> list[tuple[str, str, str]]:
    key, recipient, pq = _keys(tmp)
    plain = tmp / "plain.bin"
    _make_plaintext(plain, mib)
    subprocess.run(["cat", str(plain)], stdout=subprocess.DEVNULL, check=True)  # into the cache
    label = f"{mib} MiB" if mib < 1024 else f"{mib // 1024} GiB"
    peers: list[tuple[str, str]] = [("ours", _OURS), ("pyrage", _PYRAGE), ("age CLI", _CLI)]
    enc: dict[str, list[dict[str, float]]] = {p: [] for p, _ in peers}
    dec: dict[str, list[dict[str, float]]] = {p: [] for p, _ in peers}
    hybrid: list[dict[str, float]] = []
    for round_ in range(rounds):
        # who goes first rotates: the first run of a round would otherwise pay for the kernel
        # writing back the previous runs' output; and the page cache is synced before each run
        order = peers[round_ % 3 :] + peers[: round_ % 3]
        for name, code in order:
            out = tmp / f"{name}.age"
            os.sync()
            enc[name].append(_child(code, "encrypt", str(plain), str(out), recipient))
        os.sync()
        hybrid.append(_child(_OURS, "encrypt", str(plain), str(tmp / "pq.age"), pq))
        (tmp / "pq.age").unlink()
        for name, code in order:
            # each decrypts the file age made (the common peer) to /dev/null: the app decrypts
            # into memory or a parser, and writing 1 GiB of new file measured mostly the
            # kernel's page cache (which run came after which deletion), not the decryption
            os.sync()
            dec[name].append(
                _child(code, "decrypt", str(tmp / "age CLI.age"), os.devnull, str(key))
            )
    rows: list[tuple[str, str, str]] = []
    for what, table in (("encrypt", enc), ("decrypt", dec)):
        for name, _ in peers:
            speed, note = _stat(table[name], mib)
            rows.append((f"{what} {label} (X25519): {name}", f"{speed:,.0f} MiB/s", note))
        if what == "encrypt":
            speed, note = _stat(hybrid, mib)
            rows.append(
                (f"encrypt {label} to a post-quantum recipient: ours", f"{speed:,.0f} MiB/s", note)
            )
    for name, _ in peers:
        (tmp / f"{name}.age").unlink(missing_ok=True)
    plain.unlink()
    return rows


def _gil(tmp: Path) -> list[tuple[str, str, str]]:
    _, recipient, _ = _keys(tmp)
    plain = tmp / "plain.bin"
    _make_plaintext(plain, 64)
    rows: list[tuple[str, str, str]] = []
    labels = {
        "idle": "5 ms ticker, idle (baseline)",
        "ours": "5 ms ticker while ours encrypts 64 MiB",
        "pyrage": "5 ms ticker while pyrage encrypts 64 MiB",
        "cli": "5 ms ticker while the age CLI encrypts 64 MiB (another process)",
    }
    results: dict[str, list[dict[str, float]]] = {k: [] for k in labels}
    for _ in range(3):
        for which in labels:
            os.sync()
            results[which].append(_child(_TICKER, which, str(plain), str(tmp / "t.age"), recipient))
    for which, label in labels.items():
        worst = max(r["max"] for r in results[which])
        p99 = statistics.median(r["p99"] for r in results[which])
        ticks = statistics.median(r["ticks"] for r in results[which])
        secs = statistics.median(r["seconds"] for r in results[which])
        note = f"p99 {p99:.1f} ms over 3 runs; {ticks:.0f} ticks in {secs:.2f} s"
        rows.append((label, f"worst gap {worst:.1f} ms", note))
    plain.unlink()
    return rows


def measure(sizes: tuple[int, ...], rounds: Callable[[int], int]) -> list[tuple[str, str, str]]:
    if shutil.which("age") is None:
        raise RuntimeError("the age CLI is needed (apt-get install age)")
    load0 = os.getloadavg()[0]
    t0 = time.perf_counter()
    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as name:
        tmp = Path(name)
        for mib in sizes:
            rows += _sizes(mib, rounds(mib), tmp)
        rows += _gil(tmp)
    rows.append(
        (
            "machine load during this benchmark",
            f"load average {load0:.1f} at the start, {os.getloadavg()[0]:.1f} at the end"
            f" ({os.cpu_count()} cores); {time.perf_counter() - t0:,.0f} s in all",
            "input files in the OS cache; encryption writes files (no fsync), decryption"
            " writes to /dev/null; alternating runs, so the ratios hold better than the"
            " absolute values",
        )
    )
    return rows


def run() -> list[tuple[str, str, str]]:
    return measure(DEFAULT_SIZES, lambda mib: ROUNDS.get(mib, 3))


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="64 MiB only, 3 rounds")
    parser.add_argument("--size", type=int, metavar="MIB", help="only this size, in MiB")
    args = parser.parse_args(argv)
    sizes: tuple[int, ...] = DEFAULT_SIZES
    if args.quick:
        sizes = (64,)
    if args.size:
        sizes = (args.size,)
    rows = measure(sizes, (lambda mib: 3) if args.quick else (lambda mib: ROUNDS.get(mib, 3)))
    for row in rows:
        print(" | ".join(row))


if __name__ == "__main__":
    main(sys.argv[1:])
