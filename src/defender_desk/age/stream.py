"""The age payload: STREAM over ChaCha20-Poly1305 in 64 KiB chunks, both ways, bounded memory.

payload key = HKDF-SHA-256(file key, salt = the 16-byte nonce after the header, info
``payload``). Chunk *i* is encrypted with the 12-byte nonce ``i`` (11 bytes, big-endian) ‖
``0x01`` for the final chunk, ``0x00`` before. The final chunk may be shorter than 64 KiB, but is
empty only when the whole payload is.

:class:`AgeWriter` encrypts what is written to it; :meth:`AgeWriter.close` seals the final
chunk — until then the output is not a valid file, so an error or :meth:`AgeWriter.abort`
leaves something no age implementation will accept as complete.

:class:`AgeReader` decrypts, in one of two modes:

* **sequential** (any input, also pipes and armor): each chunk is released only after it
  authenticated; a full-length chunk at the end that is not marked final, a truncated file, an
  empty final chunk after others, or data after the final chunk raise
  :class:`~defender_desk.age.errors.AgePayloadDamaged` — after the chunks before it were
  released, exactly as age's own reader does (the CCTV vectors check this).
* **random access** (a seekable input): the payload's length is checked and its final chunk
  authenticated before the reader is returned, so a cut-off or extended file fails at once and
  the plaintext size is known; :meth:`AgeReader.seek` then works from either end, decrypting
  only the chunks that are read.

In both, a chunk that does not authenticate is never released (its buffer is wiped) and the
reader stays failed: every later read raises the same error.
"""

from __future__ import annotations

import io
import os
import stat
from collections.abc import Callable
from typing import Any, Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from defender_desk.age.errors import AgeDecryptError, AgePayloadDamaged
from defender_desk.age.source import Source, read_full
from defender_desk.errors import N_
from defender_desk.secret import wipe

__all__ = [
    "CHUNK",
    "ENCRYPTED_CHUNK",
    "NONCE_SIZE",
    "AgeReader",
    "AgeWriter",
    "encrypted_payload_size",
    "payload_key",
    "plaintext_size",
    "write_all",
]

CHUNK: Final = 64 << 10
TAG: Final = 16
ENCRYPTED_CHUNK: Final = CHUNK + TAG
NONCE_SIZE: Final = 16
_LAST: Final = b"\x01"
_NOT_LAST: Final = b"\x00"


def _zero(buf: bytearray) -> None:
    """Overwrite a buffer that stays in use (``secret.wipe`` also empties it)."""
    buf[:] = bytes(len(buf))


def payload_key(file_key: bytes | bytearray, nonce: bytes) -> bytearray:
    kdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=nonce, info=b"payload")
    return bytearray(kdf.derive(file_key))


def _nonce(counter: int, last: bool) -> bytes:
    return counter.to_bytes(11, "big") + (_LAST if last else _NOT_LAST)


def encrypted_payload_size(plain: int) -> int:
    """Bytes of STREAM ciphertext (after the 16-byte nonce) for ``plain`` bytes."""
    chunks = max(1, -(-plain // CHUNK))
    return plain + chunks * TAG


def plaintext_size(encrypted: int) -> int | None:
    """The plaintext size of ``encrypted`` bytes of STREAM ciphertext, or ``None`` when no
    valid payload has that length (as age's ``EncryptedChunkCount``)."""
    if encrypted < TAG:
        return None
    chunks = -(-encrypted // ENCRYPTED_CHUNK)
    plain = encrypted - chunks * TAG
    expected = max(1, -(-plain // CHUNK))
    return plain if expected == chunks else None


def _file_descriptor(f: Any) -> int | None:
    """``f``'s descriptor if ``os.preadv`` can read it (a regular file, not on Windows)."""
    if not hasattr(os, "preadv"):
        return None
    try:
        fd = int(f.fileno())
        return fd if stat.S_ISREG(os.fstat(fd).st_mode) else None
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return None


def write_all(out: Any, data: bytes | bytearray | memoryview) -> None:
    """Write all of ``data`` to ``out`` (a raw file may take only part of it per call)."""
    view = memoryview(data)
    while view:
        n = out.write(view)
        if n is None:  # BufferedWriter and friends write everything
            return
        view = view[n:]


class AgeWriter:
    """Encrypts the payload into ``out`` (which it never closes). Not an ``io`` object on
    purpose: ``io`` objects close themselves when collected, and closing seals the file — a
    writer that is dropped or fails is aborted instead, never sealed.

    ``write`` takes any bytes-like object and keeps no reference to it; ``out.write`` receives
    fresh ``bytes`` each time (it may keep them).
    """

    def __init__(
        self, key: bytearray, out: Any, *, on_close: Callable[[], None] | None = None
    ) -> None:
        self._aead = ChaCha20Poly1305(key)
        wipe(key)
        self._out = out
        self._on_close = on_close
        self._buf = bytearray(CHUNK)
        self._fill = 0
        self._counter = 0
        self._state = "open"
        self.plaintext_written = 0

    @property
    def closed(self) -> bool:
        return self._state != "open"

    def writable(self) -> bool:
        return self._state == "open"

    def _check(self) -> None:
        if self._state == "failed":
            raise ValueError("this age writer failed or was aborted; its output is incomplete")
        if self._state == "closed":
            raise ValueError("write to a closed age writer")

    def _seal(self, plain: bytes | bytearray | memoryview, last: bool) -> None:
        write_all(self._out, self._aead.encrypt(_nonce(self._counter, last), plain, None))
        self._counter += 1

    def write(self, data: Any) -> int:
        """Encrypt ``data``; returns its length. A full chunk is written out only once more data
        follows it (the final chunk is sealed differently)."""
        self._check()
        view = memoryview(data).cast("B")
        n = len(view)
        pos = 0
        try:
            if self._fill:
                take = min(CHUNK - self._fill, n)
                self._buf[self._fill : self._fill + take] = view[:take]
                self._fill += take
                pos = take
            if self._fill == CHUNK and pos < n:
                self._seal(self._buf, last=False)
                self._fill = 0
            while n - pos > CHUNK:  # whole chunks straight from the caller's buffer
                self._seal(view[pos : pos + CHUNK], last=False)
                pos += CHUNK
            rest = n - pos
            if rest:
                self._buf[self._fill : self._fill + rest] = view[pos:]
                self._fill += rest
        except BaseException:
            self.abort()
            raise
        finally:
            view.release()
        self.plaintext_written += n
        return n

    def flush(self) -> None:
        """Flush ``out`` (the last, possibly partial, chunk stays here until :meth:`close`)."""
        self._check()
        flush = getattr(self._out, "flush", None)
        if flush is not None:
            flush()

    def close(self) -> None:
        """Seal the final chunk and finish the file (the armor's last line, if armored).
        Closing again does nothing; closing after a failure raises ``ValueError``."""
        if self._state == "closed":
            return
        self._check()
        try:
            self._seal(memoryview(self._buf)[: self._fill], last=True)
            if self._on_close is not None:
                self._on_close()
        except BaseException:
            self.abort()
            raise
        self._state = "closed"
        wipe(self._buf)

    def abort(self) -> None:
        """Give up: nothing more is written; the output stays an incomplete file."""
        if self._state != "closed":
            self._state = "failed"
        wipe(self._buf)

    def __enter__(self) -> AgeWriter:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()

    def __del__(self) -> None:
        if self._state == "open":
            self.abort()


class AgeReader(io.RawIOBase):
    """The decrypted payload as a read-only binary file (``read``, ``readinto``, ``readall``,
    ``tell``; ``seek`` and :attr:`size` in random-access mode). It never closes the input.

    Made by :func:`defender_desk.age.decrypt`; see the module docstring for the two modes.
    """

    def __init__(
        self,
        key: bytearray,
        src: Source,
        *,
        random_access: tuple[Any, int, int] | None = None,
    ) -> None:
        """``random_access`` is ``(file, payload offset, payload length)``."""
        super().__init__()
        self._aead = ChaCha20Poly1305(key)
        wipe(key)
        self._src = src
        self._cipher = bytearray(ENCRYPTED_CHUNK)
        self._plain = bytearray(CHUNK)
        self._plain_len = 0  # valid bytes in _plain
        self._plain_index = -1  # chunk number held in _plain
        self._pos = 0  # plaintext position of the reader
        self._error: BaseException | None = None
        self._deferred: AgeDecryptError | None = None
        self._ra = random_access
        self._size: int | None = None
        self._chunks = 0
        self._done = False  # sequential: the final chunk was read
        self._fd: int | None = None  # random access through preadv, when there is a descriptor
        if random_access is not None:
            self._open_random_access()

    # --- common ---------------------------------------------------------------------------------

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return self._ra is not None

    @property
    def size(self) -> int | None:
        """The plaintext size (random access), else ``None``."""
        return self._size

    def tell(self) -> int:
        return self._pos

    def _decrypt(self, index: int, length: int, last: bool) -> bool:
        """Decrypt ``_cipher[:length]`` as chunk ``index`` into ``_plain``; wipe it on failure."""
        try:
            self._aead.decrypt_into(
                _nonce(index, last),
                memoryview(self._cipher)[:length],
                None,
                memoryview(self._plain)[: length - TAG],
            )
        except InvalidTag:
            _zero(self._plain)  # decrypt_into may have written unauthenticated plaintext
            self._plain_len, self._plain_index = 0, -1
            return False
        self._plain_len, self._plain_index = length - TAG, index
        return True

    def _fail(self, error: BaseException) -> BaseException:
        self._error = error
        _zero(self._plain)
        self._plain_len, self._plain_index = 0, -1
        return error

    def readinto(self, buffer: Any) -> int:
        """Fill ``buffer`` as far as the payload goes. If a failure comes after some bytes were
        copied, those are returned and the failure is raised by the next call."""
        if self.closed:
            raise ValueError("read from a closed age reader")
        if self._error is not None:
            raise self._error
        out = memoryview(buffer).cast("B")
        total = 0
        try:
            while total < len(out):
                offset = self._pos - (self._plain_index * CHUNK)
                if self._plain_index >= 0 and 0 <= offset < self._plain_len:
                    n = min(self._plain_len - offset, len(out) - total)
                    out[total : total + n] = memoryview(self._plain)[offset : offset + n]
                    total += n
                    self._pos += n
                    continue
                try:
                    more = self._load(self._pos // CHUNK)
                except (AgeDecryptError, OSError) as e:
                    if not total:
                        raise self._fail(e) from None
                    self._fail(e)
                    break
                if not more:
                    break
        finally:
            out.release()
        return total

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            return self.readall()
        buf = bytearray(size)
        n = self.readinto(buf)
        out = bytes(buf[:n])
        wipe(buf)
        return out

    def readall(self) -> bytes:
        parts = bytearray()
        chunk = bytearray(CHUNK)
        try:
            while n := self.readinto(chunk):
                parts += memoryview(chunk)[:n]
            return bytes(parts)
        finally:
            wipe(chunk)
            wipe(parts)

    def close(self) -> None:
        if not self.closed:
            wipe(self._plain)
            wipe(self._cipher)
            self._plain_len, self._plain_index = 0, -1
        super().close()

    def _load(self, index: int) -> bool:
        """Make chunk ``index`` current (sequential: the next one); ``False`` at the end."""
        if self._ra is not None:
            if self._size is None or self._pos >= self._size:
                return False
            return self._load_random(index)
        if self._done:
            if self._deferred is not None:
                raise self._deferred
            return False
        self._read_next()
        return True

    # --- sequential -----------------------------------------------------------------------------

    def _read_next(self) -> None:
        index = self._chunks
        n = self._src.readinto_full(memoryview(self._cipher))
        if n == 0:
            raise AgePayloadDamaged(N_("it is cut short: the final part is missing"))
        if n < ENCRYPTED_CHUNK:
            if n == TAG and index > 0:
                raise AgePayloadDamaged(N_("its final part is empty, which age never writes"))
            if n < TAG or not self._decrypt(index, n, last=True):
                raise AgePayloadDamaged(N_("a part of it was changed, or it is cut short"))
            last = True
        elif self._decrypt(index, n, last=False):
            last = False
        elif self._decrypt(index, n, last=True):  # a full-length final chunk
            last = True
        else:
            raise AgePayloadDamaged(N_("a part of it was changed, or it is cut short"))
        self._chunks += 1
        if last:
            self._done = True
            if self._src.read(1):
                # Released like age does: the final chunk authenticated; the error comes next.
                self._deferred = AgePayloadDamaged(N_("there is data after its end"))

    # --- random access --------------------------------------------------------------------------

    def _open_random_access(self) -> None:
        assert self._ra is not None
        f, _, length = self._ra
        self._fd = _file_descriptor(f)
        plain = plaintext_size(length)
        if plain is None:
            raise AgePayloadDamaged(N_("its length is impossible: it is cut short or extended"))
        self._size = plain
        self._chunks = -(-length // ENCRYPTED_CHUNK)
        if not self._load_random(self._chunks - 1):
            raise AssertionError("unreachable: the final chunk exists")

    def _load_random(self, index: int) -> bool:
        assert self._ra is not None
        f, offset, length = self._ra
        if index >= self._chunks:
            return False
        start = index * ENCRYPTED_CHUNK
        n = min(ENCRYPTED_CHUNK, length - start)
        if self._read_at(f, offset + start, memoryview(self._cipher)[:n]) != n:
            raise AgePayloadDamaged(N_("it was cut short while being read"))
        last = index == self._chunks - 1
        if not self._decrypt(index, n, last=last):
            if last:
                raise AgePayloadDamaged(
                    N_("its final part does not authenticate: it is cut short, extended or changed")
                )
            raise AgePayloadDamaged(N_("a part of it was changed"))
        return True

    def _read_at(self, f: Any, position: int, view: memoryview) -> int:
        """Read ``view`` from ``position``: ``preadv`` on the file descriptor where there is one
        (no seek, no buffering; a seek per chunk through ``BufferedReader`` tripled the kernel
        time), else seek and read."""
        if self._fd is None:
            f.seek(position, os.SEEK_SET)
            return read_full(f, view)
        total = 0
        while total < len(view):
            got = os.preadv(self._fd, [view[total:]], position + total)
            if got == 0:
                break
            total += got
        return total

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        if self._ra is None or self._size is None:
            raise io.UnsupportedOperation(
                "this age reader is sequential (the input is not seekable)"
            )
        if self.closed:
            raise ValueError("seek on a closed age reader")
        if whence == os.SEEK_SET:
            target = offset
        elif whence == os.SEEK_CUR:
            target = self._pos + offset
        elif whence == os.SEEK_END:
            target = self._size + offset
        else:
            raise ValueError("invalid whence")
        if target < 0:
            raise ValueError("negative seek position")
        self._pos = target
        return target
