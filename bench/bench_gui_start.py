"""Start-up of the desktop app to its unlock window (target ≤ 0.6 s on this machine).

A fresh process each time (``python -m defender_desk.gui_main``, Qt offscreen), timed from
spawn to the line the app prints once the unlock window is shown; median of several runs.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

NAME = "gui-start"
SIZES = {"starts": (7, 3, "starts timed (median)")}


def _once(vault: Path) -> float:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "DEFENDER_DESK_SMOKE_EXIT_AFTER_START": "1",
    }
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "defender_desk.gui_main", "--vault-dir", str(vault)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    elapsed = time.perf_counter() - start
    proc.wait(timeout=30)
    assert "UnlockWindow" in line, line
    return elapsed


def run(sizes: dict[str, int]) -> list[tuple[str, str, str]]:
    os.environ["DEFENDER_DESK_INSECURE_CHEAP_KDF_FOR_TESTS_ONLY"] = "1"
    from defender_desk.app import Desk
    from defender_desk.secret import Secret

    with tempfile.TemporaryDirectory() as tmp:
        vault = Path(tmp) / "v"
        desk = Desk(vault)
        desk.create(Secret(b"bench"))
        desk.lock()
        _once(vault)  # warm the file cache, as a second start would be
        times = [_once(vault) for _ in range(sizes["starts"])]
    return [
        (
            "start to the unlock window (warm cache)",
            f"{statistics.median(times):.3f} s",
            f"median of {len(times)}; min {min(times):.3f} s, max {max(times):.3f} s; Qt offscreen",
        )
    ]


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import common

    common.main(sys.modules[__name__], __doc__ or "")
