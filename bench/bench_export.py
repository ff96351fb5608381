"""Export of 1 GiB of evidence + 10,000 incidents, beside ``zip | age`` on the same content.

Each measured step runs in its own child process, so its peak resident memory (``ru_maxrss``)
is its own: the export (unlock, gather, render the PDF, stream the ZIP into age), the peer
(``zip -0 -r - . | age -r …`` over the same files, extracted to disk — which is exactly what
the app never does), and the lawyer opening the export (decrypted into memory by design).

Run through ``python bench/run_all.py export`` (which rewrites docs/performance.md), or alone.
Setup uses the test KDF switch (the KDF is not what is measured here) and restores it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

NAME = "export"
INCIDENTS = 10_000
EVIDENCE_FILES = 16
EVIDENCE_SIZE = 64 << 20  # 16 × 64 MiB = 1 GiB
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


def _setup(tmp: Path) -> tuple[Path, Path, str, Path]:
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
    for n in range(INCIDENTS):
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
            for i in range(EVIDENCE_SIZE >> 20):
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

PEER = """
import subprocess
t0 = time.perf_counter()
subprocess.run(sys.argv[1], shell=True, check=True, cwd=sys.argv[2])
t1 = time.perf_counter()
children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"seconds": t1 - t0, "peak": children}))
"""


def run() -> list[tuple[str, str, str]]:
    from defender_desk.vault import kdf

    saved = os.environ.get(kdf.INSECURE_TEST_KDF_ENV)
    os.environ[kdf.INSECURE_TEST_KDF_ENV] = "1"
    rows: list[tuple[str, str, str]] = []
    try:
        with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as name:
            tmp = Path(name)
            t0 = time.perf_counter()
            her, lawyer, contact, key = _setup(tmp)
            setup = time.perf_counter() - t0
            out = tmp / "out"
            out.mkdir()
            ours = _child(EXPORT, str(her), contact, PASSPHRASE, str(out))
            export_path = Path(str(ours["path"]))
            gib = EVIDENCE_FILES * EVIDENCE_SIZE / (1 << 30)
            rows.append(
                (
                    f"export: {INCIDENTS:,} incidents + {gib:.0f} GiB evidence, total",
                    f"{ours['seconds']:.1f} s",
                    f"{ours['size'] / (1 << 20):,.0f} MiB written; setup {setup:.0f} s",
                )
            )
            rows.append(
                (
                    "export: gather + render report.pdf (before streaming)",
                    f"{ours['before_stream']:.1f} s",
                    "fpdf2, one section per incident",
                )
            )
            stream = ours["seconds"] - ours["before_stream"]
            rows.append(
                (
                    "export: streaming ZIP → age (decrypt evidence, hash, encrypt)",
                    f"{stream:.1f} s",
                    f"{ours['size'] / stream / (1 << 20):,.0f} MiB/s",
                )
            )
            rows.append(
                (
                    "export: peak memory (RSS)",
                    f"{ours['peak']:,.0f} MiB",
                    f"{ours['base']:,.0f} MiB after unlock, before the export",
                )
            )
            # the peer, on the same content extracted to disk
            plain = tmp / "plain"
            plain.mkdir()
            zip_file = tmp / "ours.zip"
            subprocess.run(
                ["age", "-d", "-i", str(key), "-o", str(zip_file), str(export_path)], check=True
            )
            subprocess.run(["unzip", "-q", str(zip_file), "-d", str(plain)], check=True)
            zip_file.unlink()
            recipient = subprocess.run(
                ["age-keygen", "-y", str(key)], capture_output=True, text=True, check=True
            ).stdout.strip()
            peer_out = tmp / "peer.age"
            command = f"zip -0 -q -r - . | age -r {recipient} -o {peer_out}"
            peer = _child(PEER, command, str(plain))
            rows.append(
                (
                    "peer: zip -0 -r - . | age -r … (same files, plaintext on disk)",
                    f"{peer['seconds']:.1f} s",
                    f"{peer_out.stat().st_size / (1 << 20):,.0f} MiB written",
                )
            )
            rows.append(
                (
                    "peer: peak memory (largest of sh, zip, age)",
                    f"{peer['peak']:,.0f} MiB",
                    "",
                )
            )
            shutil.rmtree(plain)
            peer_out.unlink()
            opened = _child(OPEN, str(lawyer), PASSPHRASE, str(export_path))
            rows.append(
                (
                    "open-export of it (decrypt into memory, verify every hash and the chain)",
                    f"{opened['seconds']:.1f} s",
                    f"peak {opened['peak']:,.0f} MiB (in memory by design)",
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
    for row in run():
        print(" | ".join(row))
