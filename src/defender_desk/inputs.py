"""Opening a file she names (an evidence file, a backup) without ever blocking.

Only regular files are accepted. A FIFO, a device or a socket is refused *before* it is opened
for reading (``stat``), and the file is then opened with ``O_NONBLOCK`` — so that one swapped in
between the two is refused too (``fstat``) instead of blocking the program forever — and
``O_NONBLOCK`` is cleared again for the reads. A symbolic link to a regular file is followed (her
own file may be a link).
"""

from __future__ import annotations

import os
import stat
from typing import BinaryIO

from defender_desk.errors import N_

__all__ = ["NotReadable", "open_regular"]


class NotReadable(Exception):
    """Why a file cannot be read; ``reason`` is an ``N_``-marked phrase (never the name)."""

    def __init__(self, reason: str) -> None:
        super().__init__("NotReadable")
        self.reason = reason


R_MISSING = N_("the file does not exist")
R_FOLDER = N_("it is a folder, not a file")
R_NOT_REGULAR = N_("it is not a regular file (a device, a pipe or a socket); give a file")
R_UNREADABLE = N_("the file cannot be read")
R_CHANGED = N_("the file changed while it was being opened")


def _kind_reason(mode: int) -> str | None:
    if stat.S_ISDIR(mode):
        return R_FOLDER
    if not stat.S_ISREG(mode):
        return R_NOT_REGULAR
    return None


def open_regular(path: str | os.PathLike[str]) -> tuple[BinaryIO, os.stat_result]:
    """Open ``path`` for reading; raise :class:`NotReadable` unless it is a regular file."""
    try:
        before = os.stat(path)
    except FileNotFoundError:
        raise NotReadable(R_MISSING) from None
    except OSError:
        raise NotReadable(R_UNREADABLE) from None
    reason = _kind_reason(before.st_mode)
    if reason is not None:
        raise NotReadable(reason)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    flags |= getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise NotReadable(R_MISSING) from None
    except IsADirectoryError:
        raise NotReadable(R_FOLDER) from None
    except OSError:
        raise NotReadable(R_UNREADABLE) from None
    try:
        after = os.fstat(fd)
        reason = _kind_reason(after.st_mode)
        if reason is not None:
            raise NotReadable(reason)
        if (after.st_dev, after.st_ino) != (before.st_dev, before.st_ino):
            raise NotReadable(R_CHANGED)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb"), after
    except BaseException:
        os.close(fd)
        raise
