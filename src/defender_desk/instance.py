"""The single-instance lock: one writer per vault, ever.

An exclusive, non-blocking OS lock on ``vault.lock`` (``fcntl.flock`` on Linux and macOS,
``msvcrt.locking`` on Windows). The OS releases it when the process dies, so a killed process
never leaves the vault locked. A second process gets :class:`VaultInUse` at once.

While it is held, the vault folder is registered with :mod:`defender_desk.wipeguard`: from
then on every write of this process into that folder is refused once a wipe has begun.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from types import TracebackType

from defender_desk import safewrite, wipeguard
from defender_desk.errors import VaultInUse


class InstanceLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self) -> InstanceLock:
        fd = safewrite.create_lock_file(self.path)
        try:
            if sys.platform == "win32":  # pragma: no cover - Windows only
                import msvcrt

                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined,unused-ignore]
            else:
                import fcntl

                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise VaultInUse() from None
        self._fd = fd
        wipeguard.hold(self.path.parent)
        return self

    def release(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)  # closing the descriptor releases the lock
            self._fd = None
            wipeguard.let_go(self.path.parent)

    @property
    def held(self) -> bool:
        return self._fd is not None

    def __enter__(self) -> InstanceLock:
        return self.acquire()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()
