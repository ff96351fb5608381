"""Secrets held in ``bytearray`` and wiped after use, as far as Python allows.

Python cannot wipe ``str`` or ``bytes`` objects (immutable, possibly interned or copied); we keep
secrets in one mutable buffer, overwrite it when done, and never show it in ``repr``, logs or
exceptions. What typed text passed through (a ``str`` from a prompt or a Qt field) is outside our
reach; locking restarts the GUI process for that reason.
"""

from __future__ import annotations

import hmac
import unicodedata
from types import TracebackType


class Secret:
    """A secret byte string. ``repr`` never shows it; :meth:`wipe` zeroes it.

    Given a ``bytearray``, it takes ownership: the argument is copied and then wiped.
    """

    __slots__ = ("_buf",)

    def __init__(self, data: bytes | bytearray | memoryview) -> None:
        self._buf = bytearray(data)
        if isinstance(data, bytearray):
            wipe(data)

    @classmethod
    def from_text(cls, text: str) -> Secret:
        """UTF-8 of the NFC form of ``text`` (so "й" typed either way derives the same key)."""
        return cls(unicodedata.normalize("NFC", text).encode("utf-8"))

    @property
    def buffer(self) -> bytearray:
        return self._buf

    def __bytes__(self) -> bytes:
        # Needed for APIs that only take bytes (cryptography); the copy is short-lived.
        return bytes(self._buf)

    def __len__(self) -> int:
        return len(self._buf)

    def __bool__(self) -> bool:
        return bool(self._buf)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return NotImplemented
        return hmac.compare_digest(self._buf, other._buf)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<Secret {len(self._buf)} bytes>"

    __str__ = __repr__

    def copy(self) -> Secret:
        return Secret(bytes(self._buf))

    def wipe(self) -> None:
        wipe(self._buf)

    def __enter__(self) -> Secret:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.wipe()

    def __del__(self) -> None:
        wipe(self._buf)


def wipe(buf: bytearray) -> None:
    """Overwrite ``buf`` with zeros in place and empty it."""
    buf[:] = bytes(len(buf))  # same length: overwritten in place, no reallocation
    del buf[:]
