"""Durability and atomicity of ``safewrite``, made observable (issue 12, item 10).

Before, removing the folder's fsync, the fsync of the overwritten key file, or replacing the
atomic rename with a copy passed every test. Here every disk call goes through safewrite's
system-call layer (``_os_open`` … ``_os_unlink``), recorded, and the order is checked; one test
checks the same order in the real system calls with ``strace`` — so a regression that bypasses
the layer fails too.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from defender_desk import safewrite


class Recorder:
    """Wraps the layer: ``(call, path)`` events, descriptors mapped back to their paths."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.events: list[tuple[str, str]] = []
        self.fds: dict[int, str] = {}
        real = {
            name: getattr(safewrite, name)
            for name in ("_os_open", "_os_write", "_os_fsync", "_os_close", "_os_replace",
                         "_os_unlink")
        }  # fmt: skip

        def op(path, flags, mode=0o777):
            fd = real["_os_open"](path, flags, mode)
            self.fds[fd] = os.fspath(path)
            kind = "open-dir" if flags & getattr(os, "O_DIRECTORY", 0) else "open"
            if flags & os.O_CREAT and flags & os.O_EXCL:
                kind = "create"
            self.events.append((kind, os.fspath(path)))
            return fd

        def wr(fd, data):
            self.events.append(("write", self.fds[fd]))
            return real["_os_write"](fd, data)

        def fs(fd):
            self.events.append(("fsync", self.fds[fd]))
            return real["_os_fsync"](fd)

        def cl(fd):
            self.events.append(("close", self.fds.pop(fd)))
            return real["_os_close"](fd)

        def rp(src, dst):
            self.events.append(("rename", f"{os.fspath(src)} -> {os.fspath(dst)}"))
            return real["_os_replace"](src, dst)

        def ul(path):
            self.events.append(("unlink", os.fspath(path)))
            return real["_os_unlink"](path)

        for name, fn in (("_os_open", op), ("_os_write", wr), ("_os_fsync", fs),
                         ("_os_close", cl), ("_os_replace", rp), ("_os_unlink", ul)):  # fmt: skip
            monkeypatch.setattr(safewrite, name, fn)

    def index(self, kind: str, path: str) -> int:
        return self.events.index((kind, path))


def test_a_write_is_fsynced_renamed_atomically_and_the_folder_fsynced(tmp_path, monkeypatch):
    target = tmp_path / "vault.key"
    target.write_bytes(b"old")
    rec = Recorder(monkeypatch)
    safewrite.write_bytes(target, b"new content")
    assert target.read_bytes() == b"new content"
    (created,) = [p for kind, p in rec.events if kind == "create"]
    assert Path(created).parent == tmp_path and Path(created).name.startswith(".dd-tmp-")
    rename = ("rename", f"{created} -> {target}")
    assert rename in rec.events, rec.events  # a rename, not a copy into the old file
    assert not any(kind in ("open", "write") and p == str(target) for kind, p in rec.events)
    i_fsync = rec.index("fsync", created)
    i_rename = rec.events.index(rename)
    assert rec.index("write", created) < i_fsync < i_rename  # the data is on disk first
    i_dir = rec.index("fsync", str(tmp_path))
    assert i_dir > i_rename  # ... and then the rename itself
    assert not any(p.name.startswith(".dd-tmp-") for p in tmp_path.iterdir())


def test_an_overwrite_in_place_is_fsynced_before_the_unlink(tmp_path, monkeypatch):
    key = tmp_path / "vault.key"
    key.write_bytes(b"K" * 323)
    link = tmp_path / "same-inode"
    os.link(key, link)
    rec = Recorder(monkeypatch)
    assert safewrite.overwrite_in_place(key)
    assert not key.exists()
    assert link.read_bytes() != b"K" * 323 and len(link.read_bytes()) == 323  # same inode
    i_write = rec.index("write", str(key))
    i_fsync = rec.index("fsync", str(key))
    i_unlink = rec.index("unlink", str(key))
    i_dir = rec.index("fsync", str(tmp_path))
    assert i_write < i_fsync < i_unlink < i_dir
    assert not any(kind == "rename" for kind, _p in rec.events)


def test_a_failed_fsync_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "settings.json"
    target.write_bytes(b"old")

    def eio(fd: int) -> None:
        raise OSError(5, "EIO")

    monkeypatch.setattr(safewrite, "_os_fsync", eio)
    with pytest.raises(Exception) as info:
        safewrite.write_bytes(target, b"new")
    assert type(info.value).__name__ == "StorageError"
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["settings.json"]


_CHILD = """
import sys
from pathlib import Path
from defender_desk import safewrite
safewrite.write_bytes(Path(sys.argv[1]), b"durable")
safewrite.overwrite_in_place(Path(sys.argv[2]))
"""


def test_the_real_system_calls_in_order(tmp_path):
    """The same order, seen by strace in the real system calls of a child process."""
    strace = shutil.which("strace")
    assert strace, "strace is missing: bash tools/apt.sh tools/apt-packages.txt installs it"
    target, key = tmp_path / "out.bin", tmp_path / "vault.key"
    key.write_bytes(b"K" * 64)
    log = tmp_path / "trace.txt"
    proc = subprocess.run(
        [strace, "-f", "-o", str(log), "-e",
         "trace=openat,write,fsync,fdatasync,rename,renameat,renameat2,unlink,unlinkat,close",
         sys.executable, "-c", _CHILD, str(target), str(key)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert target.read_bytes() == b"durable" and not key.exists()
    calls = [line.split(None, 1)[1] for line in log.read_text().splitlines() if " " in line]
    d = re.escape(str(tmp_path))

    def first(pattern: str, after: int = 0) -> tuple[int, re.Match[str]]:
        for i in range(after, len(calls)):
            m = re.search(pattern, calls[i])
            if m:
                return i, m
        raise AssertionError(f"no {pattern!r} after call {after} in:\n" + "\n".join(calls))

    # write_bytes: create the temp exclusively, write, fsync it, rename it, fsync the folder
    i, m = first(
        rf'openat\(AT_FDCWD, "({d}/\.dd-tmp-[0-9a-f]+)", [^)]*O_CREAT\|O_EXCL[^)]*\) = (\d+)'
    )
    tmp, fd = m.group(1), m.group(2)
    i, _ = first(rf"write\({fd}, ", i)
    i, _ = first(rf"fsync\({fd}\)\s+= 0", i)
    i, _ = first(rf'rename(at2?)?\(.*"{re.escape(tmp)}".*"{d}/out\.bin"', i)
    i, m = first(rf'openat\(AT_FDCWD, "{d}", O_RDONLY[^)]*O_DIRECTORY[^)]*\) = (\d+)', i)
    i, _ = first(rf"fsync\({m.group(1)}\)\s+= 0", i)
    # overwrite_in_place: open the key file itself, write, fsync it, unlink, fsync the folder
    i, m = first(rf'openat\(AT_FDCWD, "{d}/vault\.key", O_WRONLY[^)]*\) = (\d+)', i)
    kfd = m.group(1)
    i, _ = first(rf"write\({kfd}, ", i)
    i, _ = first(rf"fsync\({kfd}\)\s+= 0", i)
    i, _ = first(rf'unlink(at)?\(.*"{d}/vault\.key"', i)
    i, m = first(rf'openat\(AT_FDCWD, "{d}", O_RDONLY[^)]*O_DIRECTORY[^)]*\) = (\d+)', i)
    first(rf"fsync\({m.group(1)}\)\s+= 0", i)
