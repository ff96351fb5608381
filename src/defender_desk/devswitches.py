"""Switches for the test suite and the benchmarks — inert in any app a person installs.

Two switches, each read in one place:

- :data:`CHEAP_KDF_ENV` (read by :func:`cheap_kdf`, called only by
  :func:`defender_desk.vault.kdf.creation_params`): new vaults get 8 KiB / 1 pass Argon2id
  parameters, so a test suite can create hundreds of vaults.
- :data:`PAUSE_ENV` (read by :func:`pause`): a process stops at one named step, writes a marker
  file and waits until the test removes it (or kills the process there). It is how the tests put
  a wipe or a ``kill -9`` exactly between two steps of a real second process, and know where the
  process was.

**Both work only from a source checkout** (:func:`source_checkout`): never in a frozen app
(PyInstaller sets ``sys.frozen``) and never from an installed wheel (no ``pyproject.toml`` next
to ``src/``). Setting the variables for the downloadable app changes nothing.
"""

from __future__ import annotations

import os
import sys
import time
from functools import lru_cache
from pathlib import Path

CHEAP_KDF_ENV = "DEFENDER_DESK_INSECURE_CHEAP_KDF_FOR_TESTS_ONLY"
PAUSE_ENV = "DEFENDER_DESK_TEST_PAUSE_AT"
_PAUSE_LIMIT_S = 600.0


@lru_cache(maxsize=1)
def source_checkout() -> bool:
    """True only when this code runs from the project's source tree (``src/defender_desk``
    beside ``pyproject.toml``), not frozen and not installed."""
    if getattr(sys, "frozen", False):
        return False
    here = Path(__file__).resolve()
    package, src, repo = here.parent, here.parent.parent, here.parent.parent.parent
    return (
        package.name == "defender_desk"
        and src.name == "src"
        and (repo / "pyproject.toml").is_file()
        and (repo / "tests").is_dir()
    )


def cheap_kdf() -> bool:
    """Whether the suite's cheap Argon2id parameters are asked for (and allowed here)."""
    return os.environ.get(CHEAP_KDF_ENV) == "1" and source_checkout()


def pause(step: str) -> None:
    """Stop here if the tests asked for ``step`` (``PAUSE_ENV = "step=/path/to/marker"``, several
    separated by ``;``).

    The marker file is created when the process arrives (the test waits for it); the process
    continues once the test deletes it, or after ten minutes.
    """
    spec = os.environ.get(PAUSE_ENV)
    if not spec or not source_checkout():
        return
    wanted = dict(item.partition("=")[::2] for item in spec.split(";"))
    marker_text = wanted.get(step)
    if not marker_text:
        return
    # The marker is a test's own file (a pid and a step name, never record content) in the test's
    # folder; it is written directly so that this module, which safewrite itself calls, does not
    # depend on safewrite.
    marker = Path(marker_text)
    fd = os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0), 0o600)
    try:
        os.write(fd, f"{os.getpid()} {step}\n".encode())
    finally:
        os.close(fd)
    deadline = time.monotonic() + _PAUSE_LIMIT_S
    while marker.exists() and time.monotonic() < deadline:
        time.sleep(0.005)


__all__ = ["CHEAP_KDF_ENV", "PAUSE_ENV", "cheap_kdf", "pause", "source_checkout"]
