"""Process hardening applied once at start by every entry point.

- umask 077, so anything the process (or a library) creates is private;
- no core dumps: ``RLIMIT_CORE = 0`` (Linux, macOS) and ``PR_SET_DUMPABLE = 0`` (Linux, which
  also stops other processes of the same user from attaching with ptrace); on Windows, Windows
  Error Reporting dialogs and dumps are turned off for this process (``SetErrorMode``,
  ``WerSetFlags``) — a LocalDumps registry policy set by an administrator is out of our reach;
- ``faulthandler`` writes only to stderr (a traceback of Python frames: code locations, never
  variable values);
- an exception hook (also for threads) that prints the exception's type and code locations
  only — never its message, which may hold record content — and only to stderr.

Each step is best effort and reports what it achieved, so tests and ``status`` can show it.
"""

from __future__ import annotations

import contextlib
import faulthandler
import os
import sys
import threading
import traceback
from dataclasses import dataclass, field
from types import TracebackType


@dataclass
class HardeningReport:
    umask: bool = False
    core_dumps_off: bool = False
    not_dumpable: bool = False
    windows_error_reporting_off: bool = False
    notes: list[str] = field(default_factory=list)


def harden_process() -> HardeningReport:
    report = HardeningReport()
    os.umask(0o077)
    report.umask = True
    if sys.platform != "win32":
        import resource

        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
            report.core_dumps_off = resource.getrlimit(resource.RLIMIT_CORE) == (0, 0)
    if sys.platform.startswith("linux"):
        report.not_dumpable = _linux_not_dumpable()
    elif sys.platform == "darwin":
        report.notes.append("macOS: RLIMIT_CORE=0; ptrace(PT_DENY_ATTACH) not used")
    elif sys.platform == "win32":  # pragma: no cover - not testable on Linux
        report.windows_error_reporting_off = _windows_no_error_reporting()
    if sys.stderr is not None:
        with contextlib.suppress(RuntimeError, ValueError, AttributeError, OSError):
            faulthandler.enable(file=sys.stderr)
    sys.excepthook = _content_free_excepthook
    threading.excepthook = _content_free_thread_hook
    return report


def _describe(exc_type: type[BaseException], tb: TracebackType | None) -> str:
    """The exception's type and where it happened (file:line of each frame) — never its
    message or any variable's value, which may hold record content."""
    frames = [f"{f.f_code.co_filename.rsplit('/', 1)[-1]}:{n}" for f, n in traceback.walk_tb(tb)]
    return f"defender-desk: unexpected {exc_type.__name__} at {' < '.join(reversed(frames))}\n"


def _content_free_excepthook(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> None:
    if sys.stderr is not None:
        sys.stderr.write(_describe(exc_type, tb))


def _content_free_thread_hook(args: threading.ExceptHookArgs) -> None:
    if sys.stderr is not None:
        sys.stderr.write(_describe(args.exc_type, args.exc_traceback))


def _linux_not_dumpable() -> bool:
    import ctypes

    pr_set_dumpable, pr_get_dumpable = 4, 3
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(pr_set_dumpable, 0, 0, 0, 0) != 0:
            return False
        return bool(libc.prctl(pr_get_dumpable, 0, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def _windows_no_error_reporting() -> bool:  # pragma: no cover - Windows only
    import ctypes

    sem_failcriticalerrors, sem_nogpfaulterrorbox, sem_noopenfileerrorbox = 0x1, 0x2, 0x8000
    ok = True
    try:
        kernel32 = ctypes.WinDLL("kernel32")  # type: ignore[attr-defined,unused-ignore]
        kernel32.SetErrorMode(
            sem_failcriticalerrors | sem_nogpfaulterrorbox | sem_noopenfileerrorbox
        )
    except OSError:
        ok = False
    try:
        wer = ctypes.WinDLL("wer")  # type: ignore[attr-defined,unused-ignore]
        wer_fault_reporting_no_ui, wer_fault_reporting_flag_noheap = 0x20, 0x1
        ok = (
            ok and wer.WerSetFlags(wer_fault_reporting_no_ui | wer_fault_reporting_flag_noheap) == 0
        )
    except (OSError, AttributeError):
        ok = False
    return ok
