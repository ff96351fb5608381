"""Key rotation timing with real, calibrated key derivation: a rotation derives four times
(the passphrase confirmed, the passphrase slot and the recovery slot made anew with new salts,
the new code's backup recipient at the floor) — five with ``--keep-recovery-code`` (the code is
checked against the current slot) — and re-encrypts every evidence file.

Run through ``python bench/run_all.py rekey`` (which rewrites docs/performance.md).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

from defender_desk.app import Desk
from defender_desk.secret import Secret
from defender_desk.vault import kdf

NAME = "rekey"
PASS = b"benchmark passphrase"
# (label, evidence files, bytes each, runs)
CASES = [("no evidence", 0, 0, 3), ("20 evidence files of 5 MB", 20, 5 * 1000 * 1000, 2)]


def run() -> list[tuple[str, str, str]]:
    os.environ.pop(kdf.INSECURE_TEST_KDF_ENV, None)
    rows: list[tuple[str, str, str]] = []
    for label, files, size, runs in CASES:
        new_code: list[float] = []
        kept: list[float] = []
        params = None
        for _ in range(runs):
            with tempfile.TemporaryDirectory() as tmp:
                desk = Desk(Path(tmp) / "vault")
                code = desk.create(Secret(PASS)).recovery_code
                params = desk.status()["kdf"]
                if files:
                    incident = desk.add_incident(
                        {"category": "020103010000", "title": "t", "happened": "2021"}
                    )
                    for n in range(files):
                        f = Path(tmp) / f"e{n}.bin"
                        f.write_bytes(os.urandom(size))
                        desk.add_evidence(incident.id, f)
                start = time.perf_counter()
                result = desk.rekey(Secret(PASS))
                new_code.append(time.perf_counter() - start)
                start = time.perf_counter()
                desk.rekey(Secret(PASS), recovery_code=result.new_recovery_code or code)
                kept.append(time.perf_counter() - start)
                desk.lock()
        assert params is not None
        note = (
            f"Argon2id {params['memory_kib'] // 1024} MiB, {params['iterations']} passes, "
            f"{params['lanes']} lanes (calibrated here); median of {runs}"
        )
        rows.append(
            (f"rekey, {label}: a new recovery code", f"{statistics.median(new_code):.2f} s", note)
        )
        rows.append(
            (f"rekey, {label}: --keep-recovery-code", f"{statistics.median(kept):.2f} s", note)
        )
    return rows


if __name__ == "__main__":
    for row in run():
        print(" | ".join(row))
