"""age's ASCII armor, strictly, both ways, streaming.

::

    -----BEGIN AGE ENCRYPTED FILE-----
    YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOSBUZ1d3b0RJRjZEMjdBVkhx
    …
    -----END AGE ENCRYPTED FILE-----

Strict PEM (RFC 7468 §3) with the label ``AGE ENCRYPTED FILE``, no headers, padded canonical
base64 in lines of exactly 64 characters, the last one shorter (it is not written when the data
ends exactly on a line). Accepted, as age does and ``age.md`` allows: LF or CRLF line ends, up
to 1 KiB of whitespace before and after the block, a missing final line end. Everything else is
:class:`~defender_desk.age.errors.AgeArmorInvalid` ("armor failure"): other labels, headers,
empty or long or short lines in the middle, spaces, missing or non-canonical padding, a PGP
checksum line, data after the block.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any, Final

from defender_desk.age.errors import AgeArmorInvalid
from defender_desk.age.source import Source
from defender_desk.age.stream import write_all
from defender_desk.errors import N_

__all__ = ["BEGIN", "END", "ArmorReader", "ArmorWriter", "looks_armored"]

BEGIN: Final = b"-----BEGIN AGE ENCRYPTED FILE-----"
END: Final = b"-----END AGE ENCRYPTED FILE-----"
_COLUMNS: Final = 64
_BYTES_PER_LINE: Final = 48
_MAX_WHITESPACE: Final = 1024
_B64_PADDED: Final = re.compile(rb"[A-Za-z0-9+/]*={0,2}")
_BATCH: Final = _BYTES_PER_LINE * 1024  # 48 KiB in, 64 KiB + line ends out


def looks_armored(head: bytes) -> bool:
    """Whether the first bytes of a file say "armored": not the binary version line, and a
    ``-----`` line (or a BEGIN line soon after something else) at the start."""
    if head.startswith(b"age-encryption.org/"):
        return False
    return head.lstrip().startswith(b"-----") or b"-----BEGIN" in head[: _MAX_WHITESPACE + 64]


class ArmorWriter:
    """Armors what is written into ``out`` (never closed). :meth:`close` writes the end."""

    def __init__(self, out: Any) -> None:
        self._out = out
        self._pending = bytearray()
        self._started = False
        self._closed = False

    def _start(self) -> None:
        if not self._started:
            write_all(self._out, BEGIN + b"\n")
            self._started = True

    @staticmethod
    def _lines(block: bytes | bytearray | memoryview) -> bytes:
        enc = base64.b64encode(block)
        return b"".join(enc[i : i + _COLUMNS] + b"\n" for i in range(0, len(enc), _COLUMNS))

    def write(self, data: Any) -> int:
        if self._closed:
            raise ValueError("write to a closed armor writer")
        self._start()
        view = memoryview(data).cast("B")
        n = len(view)
        self._pending += view
        view.release()
        if len(self._pending) >= _BATCH:
            whole = len(self._pending) // _BYTES_PER_LINE * _BYTES_PER_LINE
            write_all(self._out, self._lines(memoryview(self._pending)[:whole]))
            del self._pending[:whole]
        return n

    def close(self) -> None:
        if self._closed:
            return
        self._start()
        write_all(self._out, self._lines(self._pending) + END + b"\n")
        self._pending.clear()
        self._closed = True


def _decode_line(line: bytes) -> bytes | None:
    if len(line) % 4 or not _B64_PADDED.fullmatch(line):
        return None
    try:
        data = binascii.a2b_base64(line, strict_mode=True)
    except binascii.Error:
        return None
    return data if base64.b64encode(data) == line else None


class ArmorReader:
    """Decodes an armored age file read from ``src``; a raw binary reader (``readinto``).

    If a failure comes after some bytes were copied by a call, those bytes are returned and the
    failure is raised by the next call (the same contract as age's reader).
    """

    def __init__(self, src: Source) -> None:
        self._src = src
        self._started = False
        self._eof = False
        self._pending = b""
        self._error: AgeArmorInvalid | None = None
        self._deferred: AgeArmorInvalid | None = None

    def _line(self, limit: int) -> bytes:
        raw = self._src.readline(limit)
        if not raw:
            raise AgeArmorInvalid(N_("it ends before its END line"))
        if raw.endswith(b"\n"):
            raw = raw[:-1]
        elif len(raw) >= limit:
            raise AgeArmorInvalid(N_("a line is longer than 64 characters"))
        return raw[:-1] if raw.endswith(b"\r") else raw

    def _drain_trailing(self) -> None:
        rest = self._src.read(_MAX_WHITESPACE)
        if rest.strip():
            raise AgeArmorInvalid(N_("there is data after its END line"))
        if len(rest) == _MAX_WHITESPACE:
            raise AgeArmorInvalid(N_("there is too much whitespace after its END line"))

    def _begin(self) -> None:
        skipped = 0
        while True:
            line = self._line(_MAX_WHITESPACE + 2)
            if line.strip():
                break
            skipped += len(line) + 1
            if skipped > _MAX_WHITESPACE:
                raise AgeArmorInvalid(N_("there is too much whitespace before its BEGIN line"))
        if line != BEGIN:
            raise AgeArmorInvalid(N_("it does not begin with BEGIN AGE ENCRYPTED FILE"))
        self._started = True

    def _next(self) -> bytes:
        if not self._started:
            self._begin()
        line = self._line(_COLUMNS + 3)
        if line == END:
            self._eof = True
            self._drain_trailing()
            return b""
        if not line:
            raise AgeArmorInvalid(N_("it has an empty line"))
        if len(line) > _COLUMNS:
            raise AgeArmorInvalid(N_("a line is longer than 64 characters"))
        data = _decode_line(line)
        if data is None:
            raise AgeArmorInvalid(N_("a line is not canonical padded base64"))
        if len(data) < _BYTES_PER_LINE:
            if self._line(len(END) + 3) != END:
                raise AgeArmorInvalid(N_("a short line is not followed by its END line"))
            self._eof = True
            try:
                self._drain_trailing()
            except AgeArmorInvalid as e:
                self._deferred = e
        return data

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._error is not None:
            raise self._error
        out = memoryview(buffer).cast("B")
        total = 0
        try:
            while total < len(out):
                if self._pending:
                    n = min(len(self._pending), len(out) - total)
                    out[total : total + n] = self._pending[:n]
                    self._pending = self._pending[n:]
                    total += n
                    continue
                if self._eof:
                    if self._deferred is not None:
                        if total:
                            break
                        self._error = self._deferred
                        raise self._error
                    break
                try:
                    self._pending = self._next()
                except AgeArmorInvalid as e:
                    self._error = e
                    if total:
                        break
                    raise
        finally:
            out.release()
        return total
