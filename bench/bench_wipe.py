"""Panic wipe timing: trigger → vault.key erased (overwritten in place, fsynced, removed, folder
fsynced), and trigger → everything deleted, at 10 MB and 2 GB vault sizes.

Each run makes a real vault (real calibrated KDF, a few incidents), then fills ``objects/xx/``
with evidence-sized files of random bytes, named like real objects (the wipe neither reads nor
decrypts them, so they need not be valid age files), and ``sync``s so that the data is on the
disk before the clock starts, as it would be for evidence imported days earlier. The figures are
the wipe's own timings (:class:`defender_desk.wipe.WipeReport`), measured from the call.

Run through ``python bench/run_all.py wipe`` (which rewrites docs/performance.md).
"""

from __future__ import annotations

import os
import secrets
import statistics
import tempfile
from pathlib import Path

from defender_desk import wipe
from defender_desk.app import Desk
from defender_desk.paths import VaultPaths
from defender_desk.secret import Secret
from defender_desk.vault import kdf

NAME = "wipe"
SIZES = {
    "large_mb": (2000, 100, "evidence of the large vault (MB)"),
    "runs": (3, 1, "wipes of the large vault (median); the 10 MB one gets two more"),
}

MiB = 1024 * 1024


def _make_vault(root: Path, evidence_bytes: int, files: int) -> int:
    """A real vault plus ``files`` objects totalling ``evidence_bytes``; returns its size."""
    desk = Desk(root)
    desk.create(Secret(b"benchmark passphrase"))
    for i in range(20):
        draft = {"category": "020103010000", "title": f"incident {i}", "happened": "2021"}
        desk.add_incident(draft)
    desk.lock()
    block = os.urandom(MiB)
    per_file = evidence_bytes // files
    for _ in range(files):
        folder = root / "objects" / secrets.token_hex(1)
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        left = per_file
        with open(folder / secrets.token_hex(16), "wb") as f:
            while left > 0:
                n = min(left, MiB)
                f.write(block[:n])
                left -= n
    os.sync()
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


def _mount_note(path: Path) -> str:
    """File system type, plus ``discard`` when it is mounted with online TRIM (which makes
    every unlink of a large file slower)."""
    fs = wipe.filesystem_type(path) or "?"
    try:
        target = os.path.realpath(path)
        best = ("", "")
        for line in Path("/proc/self/mountinfo").read_text().splitlines():
            left, _sep, right = line.partition(" - ")
            mount = left.split()[4]
            inside = mount == "/" or target == mount or target.startswith(mount + "/")
            if inside and len(mount) >= len(best[0]):
                best = (mount, right.split()[2] if len(right.split()) > 2 else "")
        if "discard" in best[1].split(","):
            fs += " mounted with discard"
    except (OSError, IndexError):
        pass
    return fs


def run(sizes: dict[str, int]) -> list[tuple[str, str, str]]:
    os.environ.pop(kdf.INSECURE_TEST_KDF_ENV, None)
    rows: list[tuple[str, str, str]] = []
    large = sizes["large_mb"]
    # (label, evidence bytes, evidence files, runs): 4 MB per file, as a photo or a short video
    cases = [
        ("10 MB", 10 * 1000 * 1000, 5, sizes["runs"] + 2),
        (
            f"{large / 1000:g} GB" if large >= 1000 else f"{large} MB",
            large * 1000 * 1000,
            max(1, large // 4),
            sizes["runs"],
        ),
    ]
    for label, evidence_bytes, files, runs in cases:
        key_ms: list[float] = []
        all_ms: list[float] = []
        size = 0
        fs = "?"
        for _ in range(runs):
            with tempfile.TemporaryDirectory() as tmp:
                root = Path(tmp) / "vault"
                size = _make_vault(root, evidence_bytes, files)
                report = wipe.wipe(VaultPaths(root))
                assert report.key_erased and report.complete, report.to_json()
                assert not root.exists()
                assert report.key_erased_after_s is not None
                key_ms.append(report.key_erased_after_s * 1000)
                all_ms.append(report.all_deleted_after_s * 1000)
                fs = _mount_note(Path(tmp))
        note = (
            f"{wipe.human_size(size)}: database + {files} evidence objects; "
            f"median of {runs} (min {min(key_ms):.1f}, max {max(key_ms):.1f}); {fs}"
        )
        rows.append(
            (
                f"wipe, {label} vault: trigger → vault.key overwritten in place, fsynced, removed",
                f"{statistics.median(key_ms):.1f} ms",
                note,
            )
        )
        rows.append(
            (
                f"wipe, {label} vault: trigger → everything deleted",
                f"{statistics.median(all_ms):.1f} ms",
                f"min {min(all_ms):.1f}, max {max(all_ms):.1f}; evidence unlinked, not overwritten",
            )
        )
    return rows


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import common

    common.main(sys.modules[__name__], __doc__ or "")
