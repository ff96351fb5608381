"""Export of 1 GiB of evidence + 10,000 incidents, beside ``zip | age`` on the same content.

Each measured step runs in its own process, so its peak memory is its own: the export (a Python
child: unlock, gather, render the PDF, stream the ZIP into age), the peer (``zip -0 -r - . | age
-r …`` over the same files, extracted to disk — which is exactly what the app never does), and
the lawyer opening the export. The export and the peer run in turn, ``rounds`` times (medians).

Peak memory is each process's own: the Python children read their ``VmHWM`` (the peak of their
own memory image; ``ru_maxrss`` would carry over the big benchmark process's peak through the
exec), and ``zip`` and ``age`` each run under ``/usr/bin/time -f %M`` (GNU time, a small parent
whose wait4 reports that one process's peak) — not the shell's or a Python parent's.

Run through ``python bench/run_all.py export`` (which rewrites docs/performance.md), or alone:
``python bench/bench_export.py [--quick] [--size incidents=N] [--size evidence_mib=N]``. Setup
uses the test KDF switch (the KDF is not what is measured here) and restores it.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

NAME = "export"
SIZES = {
    "incidents": (10_000, 300, "incidents in her vault"),
    "evidence_mib": (1024, 32, "evidence in 16 files (MiB)"),
    "rounds": (3, 1, "export and peer, in turn (medians)"),
}
EVIDENCE_FILES = 16
PASSPHRASE = "benchmark passphrase"
ROOT = Path(__file__).resolve().parent.parent

_PRELUDE = """
import json, os, resource, sys, time
from pathlib import Path
from defender_desk.app import Desk
from defender_desk.secret import Secret
from defender_desk.sharing.facade import SharingFacade
D = Desk if issubclass(Desk, SharingFacade) else type("D", (SharingFacade, Desk), {})
def peak_mib():
    # VmHWM: this process's own peak (ru_maxrss would inherit the parent's through the exec)
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
"""


def _child(code: str, *args: str) -> dict[str, float]:
    script = _PRELUDE + textwrap.dedent(code)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, env=env, check=False
    )
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-2000:])
    result: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def _setup(tmp: Path, incidents: int, evidence_size: int) -> tuple[Path, Path, str, Path]:
    """Her vault (10,000 incidents, 1 GiB of evidence), the lawyer's vault, and his age key."""
    from defender_desk.app import Desk
    from defender_desk.secret import Secret
    from defender_desk.sharing.facade import SharingFacade

    cls = Desk if issubclass(Desk, SharingFacade) else type("D", (SharingFacade, Desk), {})
    her, lawyer = cls(tmp / "her"), cls(tmp / "lawyer")
    her.create(Secret(PASSPHRASE.encode()))
    lawyer.create(Secret(PASSPHRASE.encode()))
    card = lawyer.me()
    contact = her.add_contact(
        name="Адвокат",
        role="lawyer",
        age_recipient=card.age_recipient,
        signing_key=card.signing_key,
    )
    mine = her.me()
    lawyer.add_contact(
        name="Айгуль", role="colleague", age_recipient=mine.age_recipient,
        signing_key=mine.signing_key,
    )  # fmt: skip
    conn = her._open().conn
    conn.execute("PRAGMA synchronous = OFF")  # setup only
    actor = her.add_person({"name": "Участковый Қасымов", "role": "actor", "institution": "police"})
    ids = []
    for n in range(incidents):
        ids.append(
            her.add_incident(
                {
                    "category": "DD-SUMMONS",
                    "title": f"Вызов в ОВД № {n}",
                    "happened": f"{2016 + n % 10}-{1 + n % 12:02d}-{1 + n % 28:02d}T10:30",
                    "actor_ids": [actor.id],
                    "targets_self": True,
                    "description": "Пришёл участковый и вручил повестку. Қазақша мәтін. " * 4,
                }
            ).id
        )
    src = tmp / "src"
    src.mkdir()
    block = os.urandom(1 << 20)
    for n in range(EVIDENCE_FILES):
        f = src / f"video-{n:02d}.mp4"
        with open(f, "wb") as out:
            for i in range(evidence_size >> 20):
                out.write(block[:16] + n.to_bytes(4, "big") + i.to_bytes(4, "big") + block[24:])
        her.add_evidence(ids[n], f)
        f.unlink()
    conn.execute("PRAGMA synchronous = FULL")
    her.lock()
    ident = (
        lawyer._open()
        .conn.execute("SELECT value FROM meta WHERE key = 'sharing_receiving_identity'")
        .fetchone()[0]
    )
    key = tmp / "lawyer.key"
    key.write_bytes(bytes(ident) + b"\n")
    lawyer.lock()
    return tmp / "her", tmp / "lawyer", contact.id, key


EXPORT = """
her = D(Path(sys.argv[1]))
her.unlock(Secret(sys.argv[3].encode()))
base = peak_mib()
first = []
t0 = time.perf_counter()
result = her.export(
    [sys.argv[2]], output=Path(sys.argv[4]),
    progress=lambda d, t: first.append(time.perf_counter()) if not first else None,
)
t1 = time.perf_counter()
print(json.dumps({"seconds": t1 - t0, "before_stream": first[0] - t0, "size": result.size,
                  "path": str(result.path), "peak": peak_mib(), "base": base}))
"""

OPEN = """
law = D(Path(sys.argv[1]))
law.unlock(Secret(sys.argv[2].encode()))
base = peak_mib()
t0 = time.perf_counter()
opened = law.open_export(Path(sys.argv[3]), remember=False)
t1 = time.perf_counter()
assert opened.exit_code == 0, opened.as_json()
print(json.dumps({"seconds": t1 - t0, "peak": peak_mib(), "base": base}))
"""


def _peer(command: str, cwd: Path, tmp: Path) -> dict[str, float]:
    """Run the peer pipeline; its wall time and the own peak (MiB) of ``zip`` and of ``age``."""
    zip_mem, age_mem = tmp / "zip.mem", tmp / "age.mem"
    t0 = time.perf_counter()
    subprocess.run(command.format(zip_mem=zip_mem, age_mem=age_mem), shell=True, check=True,
                   cwd=cwd)  # fmt: skip
    seconds = time.perf_counter() - t0
    return {
        "seconds": seconds,
        "zip": int(zip_mem.read_text().split()[-1]) / 1024,
        "age": int(age_mem.read_text().split()[-1]) / 1024,
    }


def _median(values: list[float]) -> float:
    return statistics.median(values)


def run(sizes: dict[str, int]) -> list[tuple[str, str, str]]:
    from defender_desk.vault import kdf

    incidents, rounds = sizes["incidents"], sizes["rounds"]
    evidence_size = max(1, sizes["evidence_mib"] // EVIDENCE_FILES) << 20
    saved = os.environ.get(kdf.INSECURE_TEST_KDF_ENV)
    os.environ[kdf.INSECURE_TEST_KDF_ENV] = "1"
    rows: list[tuple[str, str, str]] = []
    try:
        with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as name:
            tmp = Path(name)
            t0 = time.perf_counter()
            her, lawyer, contact, key = _setup(tmp, incidents, evidence_size)
            setup = time.perf_counter() - t0
            out = tmp / "out"
            out.mkdir()
            recipient = subprocess.run(
                ["age-keygen", "-y", str(key)], capture_output=True, text=True, check=True
            ).stdout.strip()
            peer_out = tmp / "peer.age"
            command = (
                "/usr/bin/time -f %M -o {zip_mem} zip -0 -q -r - . |"
                f" /usr/bin/time -f %M -o {{age_mem}} age -r {recipient} -o {peer_out}"
            )
            plain = tmp / "plain"
            ours_runs: list[dict[str, float]] = []
            peer_runs: list[dict[str, float]] = []
            export_path: Path | None = None
            for n in range(rounds):
                if export_path is not None:
                    export_path.unlink()
                ours = _child(EXPORT, str(her), contact, PASSPHRASE, str(out))
                ours_runs.append(ours)
                export_path = Path(str(ours["path"]))
                if n == 0:  # the peer's input: the same content, extracted to disk
                    plain.mkdir()
                    zip_file = tmp / "ours.zip"
                    subprocess.run(
                        ["age", "-d", "-i", str(key), "-o", str(zip_file), str(export_path)],
                        check=True,
                    )
                    subprocess.run(["unzip", "-q", str(zip_file), "-d", str(plain)], check=True)
                    zip_file.unlink()
                peer_runs.append(_peer(command, plain, tmp))
                peer_size = peer_out.stat().st_size
                peer_out.unlink()
            shutil.rmtree(plain)

            def med(runs: list[dict[str, float]], key: str) -> float:
                return _median([r[key] for r in runs])

            total, before = med(ours_runs, "seconds"), med(ours_runs, "before_stream")
            stream = _median([r["seconds"] - r["before_stream"] for r in ours_runs])
            size = ours_runs[-1]["size"]
            gib = EVIDENCE_FILES * evidence_size / (1 << 30)
            what = f"{gib:.0f} GiB" if gib >= 1 else f"{EVIDENCE_FILES * evidence_size >> 20} MiB"
            peer_s = med(peer_runs, "seconds")
            note = f"median of {rounds}, export and peer in turn"
            rows += [
                (
                    f"export: {incidents:,} incidents + {what} evidence, total",
                    f"{total:.1f} s (peer {peer_s:.1f} s, ×{peer_s / total:.2f} of the peer's"
                    " speed)",
                    f"{size / (1 << 20):,.0f} MiB written; {note}; setup {setup:.0f} s",
                ),
                (
                    "export: gather + render report.pdf (before streaming)",
                    f"{before:.1f} s",
                    "fpdf2, one section per incident",
                ),
                (
                    "export: streaming ZIP → age (decrypt evidence, hash, encrypt)",
                    f"{stream:.1f} s",
                    f"{size / stream / (1 << 20):,.0f} MiB/s",
                ),
                (
                    "export: peak memory (RSS)",
                    f"{med(ours_runs, 'peak'):,.0f} MiB",
                    f"the export's own process (VmHWM); {med(ours_runs, 'base'):,.0f} MiB after"
                    " unlock, before the export",
                ),
                (
                    "peer: zip -0 -r - . | age -r … (same files, plaintext on disk)",
                    f"{peer_s:.1f} s",
                    f"{peer_size / (1 << 20):,.0f} MiB written; {note}",
                ),
                (
                    "peer: peak memory of each process",
                    f"zip {med(peer_runs, 'zip'):,.1f} MiB · age {med(peer_runs, 'age'):,.1f} MiB",
                    "each process's own peak (GNU time -f %M: wait4's rusage of that process"
                    " alone), not the shell's or a Python parent's",
                ),
            ]
            assert export_path is not None
            opened = _child(OPEN, str(lawyer), PASSPHRASE, str(export_path))
            rows.append(
                (
                    "open-export of it (decrypt into memory, verify every hash and the chain)",
                    f"{opened['seconds']:.1f} s",
                    f"peak {opened['peak']:,.0f} MiB (its own process, VmHWM; in memory by design)",
                )
            )
    finally:
        if saved is None:
            os.environ.pop(kdf.INSECURE_TEST_KDF_ENV, None)
        else:
            os.environ[kdf.INSECURE_TEST_KDF_ENV] = saved
    return rows


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT / "bench"))
    import common

    common.main(sys.modules[__name__], __doc__ or "")
