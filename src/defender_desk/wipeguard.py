"""After a wipe has begun, no Defender Desk process writes a file of that vault again.

Three parts, used by :mod:`defender_desk.safewrite` (every file write), by
:mod:`defender_desk.vault.db` (every transaction commit and checkpoint) and by
:mod:`defender_desk.wipe`:

- **The tombstone** is ``wipe.signal`` in the vault folder. The wipe raises it (after the key
  file is erased and the database files are unlinked) and it stays while any process holds the
  vault's instance lock; only a wipe pass that takes the lock itself removes it.
- **The registry** knows the vault folders whose instance lock this process holds
  (:class:`~defender_desk.instance.InstanceLock` calls :func:`hold` and :func:`let_go`). A
  write into such a folder (the folder itself or up to three levels below it) is *guarded*: it
  is refused with :class:`~defender_desk.errors.VaultWiped` when the tombstone is there, and
  also when this process no longer holds the lock (a straggling worker of a session that was
  closed). The folder files that live without a vault — ``settings.json`` and the
  backup-exclusion markers — are refused only while the tombstone is there.
- **The gate** makes "check, then write" atomic against the wipe: a guarded write holds a
  *shared* ``flock`` on the vault folder (a descriptor of the directory itself, so no extra file)
  for the instant of the check and the rename (or the ``COMMIT``); the wipe takes it
  *exclusively* to raise the tombstone. So every write either happened before the tombstone
  (and the wipe's later passes erase it) or sees the tombstone and is refused. The wipe waits for
  the gate at most :data:`GATE_WAIT_S`; a writer that holds it longer (a stopped process) is
  reported. On Windows, which cannot lock a folder, the check runs without the gate (untested
  there).

What this cannot do: stop a process that is not Defender Desk, or one that is frozen between the
check and the write beyond the wipe's wait (the wipe report then says so), and it cannot reach
writes of SQLite into a database file the wipe has already unlinked (they land in the deleted
file, encrypted under a master key no header wraps any more; SQLite does not checkpoint into an
unlinked database when it closes).
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from defender_desk.errors import VaultLocked, VaultWiped

TOMBSTONE = "wipe.signal"
#: Files that belong to the folder rather than to a vault: written without the instance lock,
#: refused only while a wipe is pending.
FOLDER_FILES = frozenset({"settings.json", "CACHEDIR.TAG", ".deja-dup-ignore"})
#: How long the wipe waits for a writer to leave the gate.
GATE_WAIT_S = 3.0
_DEPTH = 4  # objects/xx/<name>: the vault folder is at most this many levels up

_lock = threading.Lock()
_held: dict[str, int] = {}
_known: set[str] = set()
_wiped: set[str] = set()


def _key(path: str | os.PathLike[str]) -> str:
    return os.path.normpath(os.path.abspath(os.fspath(path)))


# -- the registry -----------------------------------------------------------------------------


def hold(root: str | os.PathLike[str]) -> None:
    """This process now holds the instance lock of the vault in ``root``."""
    k = _key(root)
    with _lock:
        _held[k] = _held.get(k, 0) + 1
        _known.add(k)
        _wiped.discard(k)


def let_go(root: str | os.PathLike[str]) -> None:
    k = _key(root)
    with _lock:
        n = _held.get(k, 0) - 1
        if n > 0:
            _held[k] = n
        else:
            _held.pop(k, None)


def mark_wiped(root: str | os.PathLike[str]) -> None:
    """Remember in this process that the vault in ``root`` was wiped (until a new lock)."""
    k = _key(root)
    with _lock:
        _wiped.add(k)


def root_of(path: str | os.PathLike[str], *, is_dir: bool = False) -> str | None:
    """The vault folder this process locked (now or before) that ``path`` lies in, if any."""
    p = _key(path)
    with _lock:
        if not _known:
            return None
        known = set(_known)
    cur = p if is_dir else os.path.dirname(p)
    for _ in range(_DEPTH):
        if cur in known:
            return cur
        parent = os.path.dirname(cur)
        if parent == cur:
            break
        cur = parent
    return None


# -- the tombstone ----------------------------------------------------------------------------


def tombstone(root: str | os.PathLike[str]) -> Path:
    return Path(root) / TOMBSTONE


def wiped(root: str | os.PathLike[str]) -> bool:
    """Whether a wipe of the vault in ``root`` has begun and is not finished."""
    return os.path.lexists(tombstone(root))


def _check(root: str, path: str, is_dir: bool) -> None:
    if wiped(root):
        mark_wiped(root)
        raise VaultWiped()
    rel = os.path.relpath(_key(path), root)
    if rel == os.curdir:
        return  # (re)creating the folder itself: a new vault may be made there
    if not is_dir and os.sep not in rel and rel in FOLDER_FILES:
        return  # the settings and the markers live without a vault
    with _lock:
        gone = root in _wiped
        held = _held.get(root, 0) > 0
    if gone:
        raise VaultWiped()
    if not held:
        raise VaultLocked()


def check(path: str | os.PathLike[str], *, is_dir: bool = False) -> None:
    """Refuse a write to ``path`` (without the gate: for streaming into a temporary file)."""
    root = root_of(path, is_dir=is_dir)
    if root is not None:
        _check(root, os.fspath(path), is_dir)


# -- the gate ---------------------------------------------------------------------------------


def _open_folder(root: str) -> int | None:
    if sys.platform == "win32":  # pragma: no cover - a folder cannot be locked there
        return None
    try:
        return os.open(root, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | os.O_CLOEXEC)
    except OSError as exc:
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            return -1
        raise


@contextlib.contextmanager
def writing(path: str | os.PathLike[str], *, is_dir: bool = False) -> Iterator[None]:
    """Hold the gate (shared) and refuse if the vault was wiped; write inside the block."""
    root = root_of(path, is_dir=is_dir)
    if root is None or (is_dir and _key(path) == root):
        if root is not None:
            _check(root, os.fspath(path), is_dir)
        yield
        return
    fd = _open_folder(root)
    if fd == -1:  # the vault folder itself is gone: the wipe removed it
        mark_wiped(root)
        raise VaultWiped()
    try:
        if fd is not None:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_SH)
        _check(root, os.fspath(path), is_dir)
        yield
    finally:
        if fd is not None:
            os.close(fd)


@contextlib.contextmanager
def closing(root: str | os.PathLike[str], wait_s: float = GATE_WAIT_S) -> Iterator[bool]:
    """For the wipe: hold the gate exclusively while the tombstone is raised. Yields whether it
    was got within ``wait_s`` (the wipe goes on either way and reports a writer that held it)."""
    fd = _open_folder(_key(root))
    if fd is None or fd == -1:
        yield fd is None
        return
    import fcntl

    got = False
    deadline = time.monotonic() + wait_s
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                got = True
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    break
                time.sleep(0.002)
        yield got
    finally:
        os.close(fd)


__all__ = [
    "FOLDER_FILES",
    "GATE_WAIT_S",
    "TOMBSTONE",
    "check",
    "closing",
    "hold",
    "let_go",
    "mark_wiped",
    "root_of",
    "tombstone",
    "wiped",
    "writing",
]
