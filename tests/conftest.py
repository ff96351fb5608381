"""Shared fixtures. Every vault made by the suite uses cheap KDF parameters through the one
loudly named switch (never otherwise reachable); one test checks real calibration."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from defender_desk.vault.kdf import INSECURE_TEST_KDF_ENV

os.environ[INSECURE_TEST_KDF_ENV] = "1"
os.environ.pop("DEFENDER_DESK_HOME", None)
os.environ["LANGUAGE"] = "en"

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Result:
    code: int
    out: str
    err: str


def _cli(
    vault: Path | None,
    args: Sequence[str],
    secrets: Sequence[str] = (),
    *,
    lang: str | None = None,
    stdin: str | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 120,
) -> Result:
    """Run the real CLI in a subprocess, secrets on a pipe given as --passphrase-fd."""
    read_fd, write_fd = os.pipe()
    payload = "".join(s + "\n" for s in secrets).encode("utf-8")
    os.write(write_fd, payload)
    os.close(write_fd)
    argv = [sys.executable, "-m", "defender_desk"]
    if vault is not None:
        argv += ["--vault-dir", str(vault)]
    if lang:
        argv += ["--lang", lang]
    argv += ["--passphrase-fd", str(read_fd), *args]
    try:
        proc = subprocess.run(
            argv,
            input=(stdin or "").encode("utf-8"),
            capture_output=True,
            pass_fds=(read_fd,),
            timeout=timeout,
            env={**os.environ, **(env or {})},
            check=False,
        )
    finally:
        os.close(read_fd)
    return Result(proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8"))


@pytest.fixture
def cli() -> Callable[..., Result]:
    return _cli


@pytest.fixture
def vault_dir(tmp_path: Path) -> Path:
    return tmp_path / "vault"


PASS = "correct horse — батарея скрепка"


@pytest.fixture
def made_vault(vault_dir: Path) -> tuple[Path, str]:
    """A vault created through the real CLI: (folder, recovery code)."""
    import json

    r = _cli(vault_dir, ["init", "--json"], [PASS])
    assert r.code == 0, r.err
    return vault_dir, json.loads(r.out)["recovery_code"]
