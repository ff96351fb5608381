"""Reading an age file's bytes: line by line for the header, then in whole chunks.

:class:`Source` wraps any binary file-like (``readinto`` or ``read``) with a small look-ahead
buffer, so the header parser can read lines and the payload reader gets exactly the bytes after
them — also from pipes and other unseekable inputs. ``consumed`` counts the bytes handed out,
which gives the payload's offset for random access.
"""

from __future__ import annotations

from typing import Any, Final

__all__ = ["Source", "read_full"]

_BLOCK: Final = 16 << 10


def read_full(f: Any, view: memoryview) -> int:
    """Read into ``view`` until it is full or EOF; return how many bytes were read."""
    total = 0
    size = len(view)
    readinto = getattr(f, "readinto", None)
    while total < size:
        if readinto is not None:
            n = readinto(view[total:])
        else:
            data = f.read(size - total)
            n = len(data) if data is not None else 0
            view[total : total + n] = data if data is not None else b""
        if n is None:  # a non-blocking raw file with nothing ready: treat as no data yet
            continue
        if n == 0:
            break
        total += n
    return total


class Source:
    """A binary input with look-ahead. It never closes ``f``."""

    def __init__(self, f: Any) -> None:
        self._f = f
        self._buf = bytearray()
        self.consumed = 0

    @property
    def raw(self) -> Any:
        return self._f

    def buffered(self) -> int:
        return len(self._buf)

    def _more(self, n: int) -> bool:
        chunk = bytearray(n)
        got = read_full(self._f, memoryview(chunk)) if n > 0 else 0
        self._buf += memoryview(chunk)[:got]
        return got > 0

    def peek(self, n: int) -> bytes:
        """Up to ``n`` bytes without consuming them (fewer only at EOF)."""
        if len(self._buf) < n:
            self._more(n - len(self._buf))
        return bytes(self._buf[:n])

    def readline(self, limit: int) -> bytes:
        """The next line with its ``\\n``; at EOF what is left (maybe without ``\\n``, maybe
        empty). A line longer than ``limit`` is returned cut at ``limit`` bytes (no ``\\n``)."""
        start = 0
        while True:
            i = self._buf.find(b"\n", start, limit)
            if i >= 0:
                return self._take(i + 1)
            if len(self._buf) >= limit:
                return self._take(limit)
            start = len(self._buf)
            if not self._more(min(_BLOCK, limit - len(self._buf))):
                return self._take(len(self._buf))

    def read(self, n: int) -> bytes:
        """Exactly ``n`` bytes, or fewer at EOF."""
        if len(self._buf) < n:
            self._more(n - len(self._buf))
        return self._take(min(n, len(self._buf)))

    def _take(self, n: int) -> bytes:
        out = bytes(self._buf[:n])
        del self._buf[:n]
        self.consumed += n
        return out

    def readinto_full(self, view: memoryview) -> int:
        """Fill ``view`` (look-ahead first, then straight from the file); fewer only at EOF."""
        n = min(len(self._buf), len(view))
        if n:
            view[:n] = self._buf[:n]
            del self._buf[:n]
        got = n + (read_full(self._f, view[n:]) if n < len(view) else 0)
        self.consumed += got
        return got
