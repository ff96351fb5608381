"""A real second process stopped at a named step (``devswitches.pause``), for tests that put a
wipe or a ``kill -9`` exactly between two steps — and know where the process was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from defender_desk.devswitches import PAUSE_ENV

REPO = Path(__file__).resolve().parent.parent


class Paused:
    """A child process (the real CLI, or ``python -c``) told to stop at ``step``."""

    def __init__(
        self,
        step: str,
        argv: Sequence[str],
        marker: Path,
        *,
        secrets: Sequence[str] = (),
        env: dict[str, str] | None = None,
    ) -> None:
        self.step, self.marker = step, marker
        read_fd, write_fd = os.pipe()
        os.write(write_fd, "".join(s + "\n" for s in secrets).encode("utf-8"))
        os.close(write_fd)
        full = [str(a).replace("{fd}", str(read_fd)) for a in argv]
        try:
            self.proc = subprocess.Popen(
                full,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                pass_fds=(read_fd,),
                env={**os.environ, PAUSE_ENV: f"{step}={marker}", **(env or {})},
                cwd=REPO,
            )
        finally:
            os.close(read_fd)

    @classmethod
    def cli(
        cls,
        step: str,
        vault: Path,
        args: Sequence[str],
        marker: Path,
        secrets: Sequence[str] = (),
    ) -> Paused:
        argv = [sys.executable, "-m", "defender_desk", "--vault-dir", str(vault)]
        argv += ["--passphrase-fd", "{fd}", *args]
        return cls(step, argv, marker, secrets=secrets)

    def wait(self, timeout: float = 120) -> None:
        """Until the child has arrived at the step (its marker says which step and pid)."""
        deadline = time.monotonic() + timeout
        while not self.marker.exists():
            if self.proc.poll() is not None:
                _out, err = self.proc.communicate()
                raise AssertionError(
                    f"the child ended ({self.proc.returncode}) before {self.step}: {err.decode()}"
                )
            if time.monotonic() > deadline:
                raise AssertionError(f"the child did not reach {self.step}")
            time.sleep(0.01)
        text = self.marker.read_text().split()
        assert text == [str(self.proc.pid), self.step], text

    def release(self, timeout: float = 120) -> tuple[int, str, str]:
        """Let it go on; its exit code and output."""
        self.marker.unlink()
        out, err = self.proc.communicate(timeout=timeout)
        return self.proc.returncode, out.decode("utf-8"), err.decode("utf-8")

    def kill(self) -> None:
        """kill -9 while it waits at the step (so the kill landed exactly there)."""
        assert self.proc.poll() is None and self.marker.exists()
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.communicate(timeout=60)
        assert self.proc.returncode == -signal.SIGKILL
        self.marker.unlink()

    def __enter__(self) -> Paused:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate()
