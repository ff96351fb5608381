"""Long work never freezes the window: event-loop latency while a big job runs.

A 10 ms ``QTimer`` ticks in the GUI thread while the work runs in a
:class:`defender_desk.ui.kit.jobs.Job` (the desktop's worker thread, with its progress dialog), as
the export, open-export and backup screens run it. The largest gap between two ticks is the
longest the window could not repaint or react to a key: 10 ms means no delay at all. Measured
for an idle loop (baseline), an export of 1 GiB of evidence, opening that export (decrypted
into memory, as the lawyer does) and a backup of the same vault.

Run through ``python bench/run_all.py gui-latency`` (which rewrites docs/performance.md), or
alone. Setup uses the test KDF switch (the KDF is not what is measured) and restores it.
Offscreen Qt platform; no display needed.
"""

from __future__ import annotations

import itertools
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

NAME = "gui-latency"
SIZES = {"evidence_mib": (1024, 64, "evidence exported, opened and backed up (MiB, 4 files)")}
EVIDENCE_FILES = 4
TICK_MS = 10
ROOT = Path(__file__).resolve().parent.parent


def _measure(app: Any, parent: Any, label: str, fn: Callable[..., Any]) -> dict[str, float]:
    """Run ``fn(progress, cancelled)`` in a Job; tick a 10 ms timer meanwhile."""
    from PySide6.QtCore import QEventLoop, QTimer

    from defender_desk.ui.kit.jobs import Job

    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(TICK_MS)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    loop = QEventLoop()
    job = Job(parent, label, fn)
    job.ended.connect(loop.quit)
    start = time.perf_counter()
    timer.start()
    job.start()
    loop.exec()
    elapsed = time.perf_counter() - start
    timer.stop()
    app.processEvents()
    if job.error is not None:
        raise RuntimeError(f"{label}: {type(job.error).__name__}")
    return _stats(ticks, start, elapsed)


def _idle(app: Any, seconds: float) -> dict[str, float]:
    from PySide6.QtCore import QEventLoop, QTimer

    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(TICK_MS)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    start = time.perf_counter()
    timer.start()
    loop.exec()
    timer.stop()
    return _stats(ticks, start, time.perf_counter() - start)


def _stats(ticks: list[float], start: float, elapsed: float) -> dict[str, float]:
    points = [start, *ticks]
    gaps = [(b - a) * 1000 for a, b in itertools.pairwise(points)] or [elapsed * 1000]
    gaps_sorted = sorted(gaps)
    return {
        "max": max(gaps),
        "p99": gaps_sorted[min(len(gaps) - 1, int(len(gaps) * 0.99))],
        "median": statistics.median(gaps),
        "over_50": sum(1 for g in gaps if g > 50),
        "ticks": len(ticks),
        "seconds": elapsed,
    }


def _row(what: str, s: dict[str, float], extra: str = "") -> tuple[str, str, str]:
    note = (
        f"p99 {s['p99']:.1f} ms, median {s['median']:.1f} ms, {int(s['ticks'])} ticks in"
        f" {s['seconds']:.1f} s, {int(s['over_50'])} gaps > 50 ms"
    )
    return (what, f"{s['max']:.1f} ms", f"{note}{'; ' + extra if extra else ''}")


def run(sizes: dict[str, int]) -> list[tuple[str, str, str]]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("QT_LOGGING_RULES", "*.debug=false;qt.*.info=false")
    sys.path.insert(0, str(ROOT / "src"))
    from defender_desk.vault.kdf import INSECURE_TEST_KDF_ENV

    previous = os.environ.get(INSECURE_TEST_KDF_ENV)
    os.environ[INSECURE_TEST_KDF_ENV] = "1"
    try:
        return _run((sizes["evidence_mib"] << 20) // EVIDENCE_FILES)
    finally:
        if previous is None:
            os.environ.pop(INSECURE_TEST_KDF_ENV, None)
        else:
            os.environ[INSECURE_TEST_KDF_ENV] = previous


def _run(evidence_size: int) -> list[tuple[str, str, str]]:
    import pyrage
    from PySide6.QtWidgets import QApplication, QWidget

    import defender_desk.ui  # noqa: F401  (None's reference count, before any Qt call)
    from defender_desk.app import Desk
    from defender_desk.secret import Secret
    from defender_desk.ui.screens.export import bounded

    app = QApplication.instance() or QApplication([])
    rows: list[tuple[str, str, str]] = []
    mib = (EVIDENCE_FILES * evidence_size) / (1 << 20)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        desk = Desk(tmp / "vault")
        desk.create(Secret.from_text("benchmark passphrase"))
        try:
            incident = desk.add_incident(
                {"category": "020103010000", "title": "Угроза", "happened": "2024-05-01"}
            )
            for n in range(EVIDENCE_FILES):
                desk.add_evidence_bytes(incident.id, f"video-{n}.mp4", os.urandom(evidence_size))
            lawyer = pyrage.x25519.Identity.generate().to_public()
            contact = desk.add_contact(name="Адвокат", role="lawyer", age_recipient=str(lawyer))
            parent = QWidget()
            out = tmp / "out"
            out.mkdir()

            rows.append(_row("idle event loop (baseline)", _idle(app, 2.0), "no job running"))

            made: dict[str, Any] = {}

            def export(progress: Any, cancelled: Any) -> Any:
                made["export"] = desk.export(
                    [contact.id, "me"], output=out, progress=bounded(progress), cancel=cancelled
                )
                return made["export"]

            s = _measure(app, parent, "Making the encrypted export…", export)
            rows.append(
                _row(
                    f"export of {mib:.0f} MiB of evidence in a Job",
                    s,
                    f"{mib / s['seconds']:.0f} MiB/s",
                )
            )

            opened: dict[str, Any] = {}

            def open_it(_progress: Any, _cancelled: Any) -> Any:
                opened["export"] = desk.open_export(made["export"].path, remember=False)
                return opened["export"]

            s = _measure(app, parent, "Decrypting and checking the export…", open_it)
            opened["export"].close()
            rows.append(
                _row(
                    f"open-export of that export ({mib:.0f} MiB, into memory) in a Job",
                    s,
                    f"{mib / s['seconds']:.0f} MiB/s",
                )
            )

            def backup(progress: Any, cancelled: Any) -> Any:
                return desk.backup(out, progress=bounded(progress), cancel=cancelled)

            s = _measure(app, parent, "Making the backup…", backup)
            rows.append(
                _row(
                    f"backup of the vault ({mib:.0f} MiB of evidence) in a Job",
                    s,
                    f"{mib / s['seconds']:.0f} MiB/s",
                )
            )
            parent.deleteLater()
        finally:
            desk.lock()
    return rows


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "bench"))
    import common

    common.main(sys.modules[__name__], __doc__ or "")
