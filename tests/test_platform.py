"""Safe writes, the instance lock, process hardening, settings, logging."""

from __future__ import annotations

import errno
import logging
import os
import subprocess
import sys

import pytest

from defender_desk import log, safewrite, settings
from defender_desk.errors import StorageError, VaultInUse
from defender_desk.instance import InstanceLock


def test_atomic_write_is_private_and_complete(tmp_path):
    target = tmp_path / "f"
    safewrite.write_bytes(target, b"one")
    safewrite.write_bytes(target, b"two")
    assert target.read_bytes() == b"two"
    assert target.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["f"]


def test_exception_inside_leaves_nothing(tmp_path):
    target = tmp_path / "f"
    with pytest.raises(RuntimeError), safewrite.atomic_stream(target) as f:
        f.write(b"partial")
        raise RuntimeError("cancel")
    assert list(tmp_path.iterdir()) == []


def test_write_error_stops_and_cleans(tmp_path, monkeypatch):
    target = tmp_path / "f"
    target.write_bytes(b"old")

    def enospc(fd, data):
        raise OSError(errno.ENOSPC, "full")

    monkeypatch.setattr(safewrite, "_os_write", enospc)
    with pytest.raises(StorageError):
        safewrite.write_bytes(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["f"]


def test_fsync_error_at_commit_is_reported(tmp_path, monkeypatch):
    def eio(fd):
        raise OSError(errno.EIO, "io")

    monkeypatch.setattr(safewrite, "_os_fsync", eio)
    with pytest.raises(StorageError):
        safewrite.write_bytes(tmp_path / "f", b"x")
    assert list(tmp_path.iterdir()) == []


def test_no_overwrite_mode(tmp_path):
    (tmp_path / "f").write_bytes(b"keep")
    with pytest.raises(Exception):  # noqa: B017 - FolderProblem
        safewrite.write_bytes(tmp_path / "f", b"new", overwrite=False)
    assert (tmp_path / "f").read_bytes() == b"keep"


def test_overwrite_in_place_same_inode(tmp_path):
    f = tmp_path / "vault.key"
    f.write_bytes(b"k" * 323)
    assert safewrite.overwrite_in_place(f)
    assert not f.exists()
    assert not safewrite.overwrite_in_place(f)


def test_instance_lock_is_exclusive_across_processes(tmp_path):
    lock = InstanceLock(tmp_path / "vault.lock").acquire()
    code = (
        "import sys\nfrom pathlib import Path\nfrom defender_desk.instance import InstanceLock\n"
        "from defender_desk.errors import VaultInUse\n"
        f"try:\n    InstanceLock(Path({str(tmp_path / 'vault.lock')!r})).acquire()\n"
        "except VaultInUse:\n    sys.exit(4)\nsys.exit(0)\n"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 4
    with pytest.raises(VaultInUse):
        InstanceLock(tmp_path / "vault.lock").acquire()
    lock.release()
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_hardening_turns_core_dumps_off_in_a_fresh_process():
    code = (
        "import resource, os\nfrom defender_desk.hardening import harden_process\n"
        "r = harden_process()\n"
        "assert resource.getrlimit(resource.RLIMIT_CORE) == (0, 0)\n"
        "assert r.core_dumps_off and r.not_dumpable and r.umask\n"
        "old = os.umask(0); assert old == 0o077, oct(old)\n"
        "print(open('/proc/self/status').read().count('x'))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr


def test_cli_process_is_not_dumpable(made_vault):
    # /proc/<pid>/status of a running CLI process: the dumpable flag is visible via coredump_filter
    # only indirectly; prctl's effect is observable through /proc/self/... being owned by root.
    code = (
        "import ctypes\nfrom defender_desk.hardening import harden_process\nharden_process()\n"
        "libc = ctypes.CDLL(None)\nassert libc.prctl(3, 0, 0, 0, 0) == 0\n"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_settings_round_trip_and_garbage(tmp_path):
    path = tmp_path / "settings.json"
    assert settings.load(path) == settings.Settings()
    s = settings.Settings(language="kk", discreet=True, auto_lock_minutes=3)
    settings.save(path, s)
    assert settings.load(path) == s
    path.write_bytes(b"\xff\xfe garbage")
    assert settings.load(path) == settings.Settings()


def test_logging_never_interpolates_text(capsys):
    log.setup()
    logger = logging.getLogger("defender_desk.test")
    logger.warning("saved %s with %d files", "Дочь задержали", 3)
    err = capsys.readouterr().err
    assert "Дочь" not in err
    assert "<str>" in err and "3 files" in err


def test_umask_applied_by_cli(made_vault):
    vault, _ = made_vault
    for p in vault.iterdir():
        assert p.stat().st_mode & 0o077 == 0, p
    assert os.stat(vault).st_mode & 0o077 == 0


def test_uncaught_exception_shows_type_and_place_never_text():
    code = (
        "from defender_desk.hardening import harden_process\nharden_process()\n"
        "import threading\n"
        "def boom():\n    raise ValueError('секрет 7a1c')\n"
        "t = threading.Thread(target=boom); t.start(); t.join()\n"
        "boom()\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert proc.returncode == 1
    assert "секрет" not in proc.stderr and "7a1c" not in proc.stderr
    assert proc.stderr.count("unexpected ValueError") == 2
