"""Issue 12, item 8: the test-only switches reach no real user.

``DEFENDER_DESK_INSECURE_CHEAP_KDF_FOR_TESTS_ONLY=1`` worked in the bundle, was suggested in
``packaging/README.md`` and silently made vaults with 8 KiB / 1 pass. Now both switches (that
one and the pause at a named step) work only from a source checkout: never in a frozen app,
never from an installed copy of the package.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from defender_desk import devswitches

REPO = Path(__file__).resolve().parent.parent

_PROBE = """
import sys
if sys.argv[1] == "frozen":
    sys.frozen = True  # what PyInstaller sets
from defender_desk import devswitches
from defender_desk.vault import kdf
print(devswitches.source_checkout(), devswitches.cheap_kdf(), kdf.insecure_test_mode())
devswitches.pause("anything")  # inert: returns at once, writes no marker
"""


def _probe(mode: str, *, path: Path | None = None, marker: Path) -> str:
    env = {
        **os.environ,
        devswitches.CHEAP_KDF_ENV: "1",
        devswitches.PAUSE_ENV: f"anything={marker}",
    }
    if path is not None:
        env["PYTHONPATH"] = str(path)
    proc = subprocess.run(
        [sys.executable, "-I" if path is None else "-s", "-c", _PROBE, mode],
        capture_output=True,
        text=True,
        env=env,
        cwd=path or REPO,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def test_the_switches_work_here_and_only_here(tmp_path):
    assert devswitches.source_checkout() and devswitches.cheap_kdf()


def test_a_frozen_app_ignores_them(tmp_path):
    marker = tmp_path / "marker"
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, "frozen"],
        capture_output=True,
        text=True,
        env={
            **os.environ,
            devswitches.CHEAP_KDF_ENV: "1",
            devswitches.PAUSE_ENV: f"anything={marker}",
        },
        timeout=60,
        check=True,
    ).stdout.strip()
    assert out == "False False False"
    assert not marker.exists()


def test_an_installed_copy_ignores_them(tmp_path):
    """The package copied somewhere else, as pip installs it (no pyproject.toml beside it)."""
    site = tmp_path / "site-packages"
    shutil.copytree(REPO / "src" / "defender_desk", site / "defender_desk")
    marker = tmp_path / "marker"
    out = _probe("installed", path=site, marker=marker)
    assert out == "False False False"
    assert not marker.exists()


def test_nothing_tells_people_to_set_the_switch():
    """No page a defender (or whoever installs the app for her) reads names the variable, and
    nothing in packaging/ sets it; only the developers' pages, the tests, the benchmarks and the
    code that reads it do."""
    name = devswitches.CHEAP_KDF_ENV
    for path in (REPO / "packaging").rglob("*"):
        if path.is_file() and path.suffix in {".md", ".txt", ".spec", ".py", ".desktop", ""}:
            assert name not in path.read_text(errors="replace"), path
    for page in ("README.md", "docs/threat-model.md", "docs/wipe.md", "docs/sharing.md",
                 "docs/platforms.md"):  # fmt: skip
        assert name not in (REPO / page).read_text(), page
