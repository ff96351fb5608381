"""The only module that writes files.

Every write here: private permissions (0600 files, 0700 folders), a temporary file in the same
folder (so the final rename is atomic on one file system), every ``write`` checked, ``fsync``,
atomic rename, ``fsync`` of the folder, and removal of the temporary file on any exception. A
caller is told of success only once the data is durable. Nothing here ever writes plaintext
record content: callers pass ciphertext, headers or settings.

**The system-call layer.** Every call that touches the disk goes through one of the module
attributes ``_os_open``, ``_os_write``, ``_os_fsync``, ``_os_close``, ``_os_replace`` and
``_os_unlink`` (nothing here calls ``os.write`` and the like directly). Tests replace them to
inject faults (``ENOSPC``, ``EIO``: the real code paths then run) and to *record* the calls, so
that durability and atomicity are observable: a test fails when the file's ``fsync`` before the
rename, the rename itself (rather than a copy), or the folder's ``fsync`` after it goes missing
(``tests/test_safewrite.py``, which also checks the same sequence with ``strace``).

**After a wipe has begun** (:mod:`defender_desk.wipeguard`), a write into a vault folder this
process locked is refused with :class:`~defender_desk.errors.VaultWiped`: before the temporary
file is created, before each write into it, and — holding the wipe gate — right before the
rename. The wipe's own writes (its signal, the reduced settings) pass ``unguarded=True``.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

from defender_desk import wipeguard
from defender_desk.devswitches import pause
from defender_desk.errors import N_, FolderProblem, StorageError

FILE_MODE = 0o600
DIR_MODE = 0o700
_TMP_PREFIX = ".dd-tmp-"

# The system-call layer (see the module docstring): tests inject faults and record calls here.
_os_open = os.open
_os_write = os.write
_os_fsync = os.fsync
_os_close = os.close
_os_replace = os.replace
_os_unlink = os.unlink


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return N_("the disk is full")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return N_("permission denied")
    if exc.errno == errno.EROFS:
        return N_("the disk is read-only")
    if exc.errno == errno.ENOENT:
        return N_("the folder does not exist")
    return N_("input/output error")


def storage_error(path: Path | str, exc: OSError) -> StorageError:
    return StorageError(path=str(path), reason=_reason(exc), errno=exc.errno)


def fsync_dir(path: Path) -> None:
    """Make a rename or unlink in ``path`` durable (a no-op where folders cannot be opened)."""
    if os.name == "nt":  # Windows cannot open a directory for fsync; NTFS journals renames.
        return
    fd = _os_open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        _os_fsync(fd)
    finally:
        _os_close(fd)


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) with mode 0700; tighten an existing folder to 0700.

    Raises :class:`FolderProblem` when it cannot be created or is not a folder, and
    :class:`~defender_desk.errors.VaultWiped` inside a vault being wiped.
    """
    try:
        if path.exists() and not path.is_dir():
            raise FolderProblem(path=str(path), reason=N_("it is not a folder"))
        if path.is_dir():
            wipeguard.check(path, is_dir=True)
        else:
            with wipeguard.writing(path, is_dir=True):
                path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        if os.name != "nt":
            os.chmod(path, DIR_MODE)
    except OSError as exc:
        raise FolderProblem(path=str(path), reason=_reason(exc)) from None
    return path


def _write_all(fd: int, data: bytes | bytearray | memoryview) -> None:
    view = memoryview(data)
    while view:
        written = _os_write(fd, view)
        if written <= 0:  # pragma: no cover - os.write raises rather than returning 0
            raise OSError(errno.EIO, "short write")
        view = view[written:]


class AtomicFile:
    """A binary, write-only file that appears at ``path`` only when :meth:`commit` succeeds.

    Use as a context manager: leaving the block normally commits, an exception (or
    :meth:`discard`) removes the temporary file. ``write`` raises :class:`StorageError` at once
    on any error, so a stream producer (pyrage's ``encrypt_io``) stops early. With
    ``overwrite=False`` the final rename refuses to replace an existing file. Inside a vault
    folder being wiped, creating, writing and committing raise
    :class:`~defender_desk.errors.VaultWiped` (``unguarded=True``: the wipe's own writes).
    """

    def __init__(self, path: Path, *, overwrite: bool = True, unguarded: bool = False) -> None:
        self.path = Path(path)
        self.overwrite = overwrite
        self.unguarded = unguarded
        self._tmp = self.path.parent / f"{_TMP_PREFIX}{secrets.token_hex(8)}"
        self._fd: int | None = None
        self._done = False
        self.bytes_written = 0
        if not unguarded:
            wipeguard.check(self.path)
        try:
            self._fd = _os_open(
                self._tmp,
                os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                FILE_MODE,
            )
        except OSError as exc:
            raise storage_error(self.path, exc) from None

    # -- file-object protocol (what pyrage and zipfile call) --------------------------------
    def write(self, data: bytes | bytearray | memoryview) -> int:
        if self._fd is None:
            raise ValueError("write to a closed AtomicFile")
        if not self.unguarded:
            try:
                wipeguard.check(self.path)
            except BaseException:
                self.discard()
                raise
        try:
            _write_all(self._fd, data)
        except OSError as exc:
            self.discard()
            raise storage_error(self.path, exc) from None
        n = memoryview(data).nbytes
        self.bytes_written += n
        return n

    def flush(self) -> None:
        """Nothing is buffered here; durability comes from :meth:`commit`."""

    def writable(self) -> bool:
        return True

    def readable(self) -> bool:
        return False

    def seekable(self) -> bool:
        return False

    def tell(self) -> int:
        return self.bytes_written

    @property
    def closed(self) -> bool:
        return self._fd is None

    # -- outcome ------------------------------------------------------------------------------
    def commit(self) -> None:
        """fsync, rename into place, fsync the folder. Raises :class:`StorageError`."""
        if self._done:
            return
        fd = self._fd
        if fd is None:
            raise ValueError("commit of a discarded AtomicFile")
        try:
            _os_fsync(fd)
            _os_close(fd)
            self._fd = None
            pause(f"commit:{_label(self.path)}")
            with contextlib.nullcontext() if self.unguarded else wipeguard.writing(self.path):
                pause(f"gated:{_label(self.path)}")
                if not self.overwrite and self.path.exists():
                    raise OSError(errno.EEXIST, "exists")
                _os_replace(self._tmp, self.path)
                self._done = True
            fsync_dir(self.path.parent)
        except BaseException as exc:
            self.discard()
            if not isinstance(exc, OSError):
                raise
            if exc.errno == errno.EEXIST:
                raise FolderProblem(
                    path=str(self.path), reason=N_("a file with that name already exists")
                ) from None
            raise storage_error(self.path, exc) from None

    def discard(self) -> None:
        """Close and remove the temporary file; safe to call more than once."""
        if self._fd is not None:
            with contextlib.suppress(OSError):
                _os_close(self._fd)
            self._fd = None
        if not self._done:
            with contextlib.suppress(FileNotFoundError):
                _os_unlink(self._tmp)
            self._done = True

    close = discard  # closing without commit keeps nothing

    def __enter__(self) -> AtomicFile:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.discard()


def _label(path: Path) -> str:
    """The step name of a commit for :func:`defender_desk.devswitches.pause`."""
    return "object" if path.parent.parent.name == "objects" else path.name


def write_bytes(
    path: Path, data: bytes | bytearray, *, overwrite: bool = True, unguarded: bool = False
) -> None:
    """Atomically replace ``path`` with ``data`` (mode 0600). Raises :class:`StorageError`
    (and :class:`~defender_desk.errors.VaultWiped` inside a vault being wiped)."""
    with AtomicFile(path, overwrite=overwrite, unguarded=unguarded) as f:
        f.write(data)


def replace(src: Path, dst: Path) -> None:
    """Rename ``src`` over ``dst`` in one folder, atomically and durably, as a guarded write
    (a staged file becoming the vault's). Raises :class:`StorageError`."""
    with wipeguard.writing(dst):
        try:
            _os_replace(src, dst)
        except OSError as exc:
            raise storage_error(dst, exc) from None
    try:
        fsync_dir(Path(dst).parent)
    except OSError as exc:
        raise storage_error(dst, exc) from None


@contextlib.contextmanager
def atomic_stream(path: Path, *, overwrite: bool = False) -> Iterator[AtomicFile]:
    """Context manager yielding an :class:`AtomicFile` (for streamed, encrypted output)."""
    f = AtomicFile(path, overwrite=overwrite)
    try:
        yield f
    except BaseException:
        f.discard()
        raise
    f.commit()


def create_lock_file(path: Path) -> int:
    """Open (creating, 0600) the empty lock file at ``path`` and return its descriptor."""
    try:
        return _os_open(
            path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | getattr(os, "O_BINARY", 0), FILE_MODE
        )
    except OSError as exc:
        raise storage_error(path, exc) from None


def overwrite_in_place(path: Path) -> bool:
    """Overwrite ``path`` in place with random bytes of its size, fsync it, unlink it, fsync the
    folder (the crypto-erase of ``vault.key``). Returns False when there was no file. Erasing is
    never refused by the wipe guard. Does not follow a symbolic link (``O_NOFOLLOW``)."""
    try:
        fd = _os_open(path, os.O_WRONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        return False
    try:
        size = os.fstat(fd).st_size
        _write_all(fd, secrets.token_bytes(max(size, 1)))
        _os_fsync(fd)
    finally:
        _os_close(fd)
    _os_unlink(path)
    fsync_dir(path.parent)
    return True


def remove_stale_temps(folder: Path) -> int:
    """Delete temporary files left by a killed process (they hold only ciphertext)."""
    count = 0
    with contextlib.suppress(FileNotFoundError):
        for p in folder.iterdir():
            if p.name.startswith(_TMP_PREFIX):
                with contextlib.suppress(OSError):
                    _os_unlink(p)
                    count += 1
    return count


__all__ = [
    "AtomicFile",
    "atomic_stream",
    "create_lock_file",
    "ensure_private_dir",
    "fsync_dir",
    "overwrite_in_place",
    "remove_stale_temps",
    "replace",
    "storage_error",
    "write_bytes",
]
