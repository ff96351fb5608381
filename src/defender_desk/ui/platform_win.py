"""Windows-only protections, reached with ctypes (untested on Linux; see docs/platforms.md).

- ``SetWindowDisplayAffinity(hwnd, WDA_EXCLUDEFROMCAPTURE)`` keeps the window out of
  screenshots, screen recording and remote-desktop capture (Windows 10 2004+; older versions
  fall back to ``WDA_MONITOR``, which shows a black window in captures).
- Session lock / suspend notifications via ``WTSRegisterSessionNotification`` are handled in
  :mod:`defender_desk.ui.locking`.
"""

from __future__ import annotations

import ctypes

WDA_MONITOR = 0x1
WDA_EXCLUDEFROMCAPTURE = 0x11


def exclude_from_capture(hwnd: int) -> bool:  # pragma: no cover - Windows only
    user32 = ctypes.WinDLL("user32")  # type: ignore[attr-defined,unused-ignore]
    if user32.SetWindowDisplayAffinity(ctypes.c_void_p(hwnd), WDA_EXCLUDEFROMCAPTURE):
        return True
    return bool(user32.SetWindowDisplayAffinity(ctypes.c_void_p(hwnd), WDA_MONITOR))
