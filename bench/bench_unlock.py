"""Unlock time: the Argon2id derivation and the database open, measured separately.

Run through ``python bench/run_all.py`` (which rewrites docs/performance.md), or alone:
``python bench/bench_unlock.py [--quick] [--size repeat=N]``.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

from defender_desk.app import Desk
from defender_desk.secret import Secret
from defender_desk.vault import db, kdf, keyslots

NAME = "unlock"
SIZES = {"repeat": (5, 2, "unlocks timed (median)")}


def run(sizes: dict[str, int]) -> list[tuple[str, str, str]]:
    repeat = sizes["repeat"]
    os.environ.pop(kdf.INSECURE_TEST_KDF_ENV, None)
    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        vault = Path(tmp) / "v"
        start = time.perf_counter()
        desk = Desk(vault)
        desk.create(Secret(b"benchmark passphrase"))
        created = time.perf_counter() - start
        desk.lock()
        header = keyslots.parse((vault / "vault.key").read_bytes())
        p = header.kdf
        rows.append(("vault creation (calibration + 2 derivations)", f"{created:.2f} s", ""))
        kdf_times, open_times = [], []
        for _ in range(repeat):
            t0 = time.perf_counter()
            opened = keyslots.open_with(header, Secret(b"benchmark passphrase"))
            t1 = time.perf_counter()
            conn = db.connect(vault / "vault.db", opened.master_key)
            conn.execute("SELECT count(*) FROM meta").fetchone()
            t2 = time.perf_counter()
            conn.close()
            kdf_times.append(t1 - t0)
            open_times.append(t2 - t1)
        params = f"m = {p.memory_kib // 1024} MiB, t = {p.iterations}, p = {p.lanes}"
        rows.append(
            (
                "unlock: Argon2id derivation (calibrated)",
                f"{statistics.median(kdf_times):.3f} s",
                f"{params}; median of {repeat}",
            )
        )
        rows.append(
            (
                "unlock: SQLCipher open + first query",
                f"{statistics.median(open_times) * 1000:.1f} ms",
                "raw key, no PBKDF2",
            )
        )
        floor = []
        for _ in range(max(1, repeat - 2)):
            t0 = time.perf_counter()
            kdf.derive(Secret(b"x"), bytes(32), kdf.FLOOR).wipe()
            floor.append(time.perf_counter() - t0)
        rows.append(
            (
                "Argon2id at the floor",
                f"{statistics.median(floor):.3f} s",
                "m = 64 MiB, t = 3, p = 4",
            )
        )
    return rows


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import common

    common.main(sys.modules[__name__], __doc__ or "")
