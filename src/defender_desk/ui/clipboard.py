"""Copying sensitive text: cleared after the set time if unchanged, and on quit, with the
"secret" hints that clipboard managers and cloud clipboards honour.

- KDE/Klipper: ``x-kde-passwordManagerHint: secret``.
- Windows: ``ExcludeClipboardContentFromMonitorProcessing`` (any content) and
  ``CanIncludeInClipboardHistory`` = 0 and ``CanUploadToCloudClipboard`` = 0 (DWORD 0), so it
  stays out of clipboard history and the cloud clipboard.
- macOS: ``org.nspasteboard.ConcealedType`` (honoured by most clipboard managers).
"""

from __future__ import annotations

import hashlib

from PySide6.QtCore import QMimeData, QObject, QTimer
from PySide6.QtWidgets import QApplication

_ZERO_DWORD = b"\x00\x00\x00\x00"


def secret_mime(text: str) -> QMimeData:
    mime = QMimeData()
    mime.setText(text)
    mime.setData("x-kde-passwordManagerHint", b"secret")
    mime.setData("ExcludeClipboardContentFromMonitorProcessing", b"\x01")
    mime.setData("CanIncludeInClipboardHistory", _ZERO_DWORD)
    mime.setData("CanUploadToCloudClipboard", _ZERO_DWORD)
    mime.setData("application/x-nspasteboard-concealed-type", b"secret")
    return mime


class SecureClipboard(QObject):
    def __init__(self, seconds: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.seconds = seconds
        self._fingerprint: bytes | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.clear_if_ours)

    def copy(self, text: str) -> None:
        QApplication.clipboard().setMimeData(secret_mime(text))
        self._fingerprint = hashlib.sha256(text.encode("utf-8")).digest()
        self._timer.start(self.seconds * 1000)

    def clear_if_ours(self) -> bool:
        """Clear the clipboard if it still holds what we put there (never someone else's)."""
        if self._fingerprint is None:
            return False
        current = QApplication.clipboard().text()
        ours = hashlib.sha256(current.encode("utf-8")).digest() == self._fingerprint
        self._fingerprint = None
        if ours:
            QApplication.clipboard().clear()
        return ours
