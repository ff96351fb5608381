"""Streaming ZIP writer for exports and a hostile-input ZIP reader for received ones.

**Writing.** Entries are stored (or deflated on request) with data descriptors, UTF-8 names,
the fixed time 1980-01-01 00:00 and mode 0644, ZIP64 where needed (an entry of unknown or
≥ 3.75 GiB size, more than 65,534 entries, or offsets past 4 GiB). Each source is read in
chunks (memory stays bounded by ``chunk_size``), while CRC-32, SHA-256 and size are computed;
every entry yields a :class:`WrittenEntry`. Two faces on one builder:

* :class:`ZipWriter` pushes onto any writable binary file object (seekable or not);
* :class:`ZipReadStream` is a readable file object that *produces* the ZIP as it is read — what
  ``pyrage.encrypt_io(reader, writer, recipients)`` needs to stream a ZIP straight into age.
  Its sources are pulled lazily, so a later entry (``manifest.json``) can be built from
  :attr:`ZipReadStream.entries` of the earlier ones. pyrage turns an exception raised while it
  reads into a bare ``EncryptError``; the original is kept in :attr:`ZipReadStream.error`.

Python's ``zipfile`` is not used for writing: it only pushes, so it cannot feed
``encrypt_io`` without a thread, and it would not give fixed headers.

**Reading.** :class:`SafeZipReader` parses the central directory itself (``zipfile`` silently
cuts names at NUL) and refuses, before any content is read: names that are empty, absolute, with
a drive letter, ``..``, backslashes, NUL or control characters or characters Windows forbids,
duplicates (also after case folding and Unicode normalisation), directories, symlinks and other
non-regular entries, encrypted entries, methods other than stored/deflate, too many entries, too
much in total, an entry too large, a compression ratio that betrays a bomb, overlapping entries.
Reading then never trusts the header: output beyond the declared size stops at once, and a size
or CRC that does not match is refused. Each refusal is a :class:`ZipRefused` (archive) or
:class:`ZipEntryRefused` (one entry, with its index and name) whose ``reason`` is one of
:class:`Reason`. Entry names are passed in the error: in our exports they are
``evidence/<hash>-<name>``, which the recipient sees anyway; a front must still escape a name
before showing it (it comes from the sender).
"""

from __future__ import annotations

import hashlib
import io
import itertools
import re
import struct
import unicodedata
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Final, Protocol

from defender_desk.errors import N_, DefenderDeskError

__all__ = [
    "Reason",
    "SafeZipReader",
    "WrittenEntry",
    "ZipEntryInfo",
    "ZipEntryRefused",
    "ZipLimits",
    "ZipReadStream",
    "ZipRefused",
    "ZipSource",
    "ZipWriteError",
    "ZipWriter",
    "entry_name_problem",
]

CHUNK_SIZE: Final = 1 << 20
STORED: Final = 0
DEFLATED: Final = 8
_U16: Final = 0xFFFF
_U32: Final = 0xFFFFFFFF
_ZIP64_AT: Final = 0xF000_0000  # deflate may grow incompressible data a little
_LOCAL_SIG, _CD_SIG, _EOCD_SIG = 0x04034B50, 0x02014B50, 0x06054B50
_EOCD64_SIG, _LOC64_SIG, _DD_SIG = 0x06064B50, 0x07064B50, 0x08074B50
_FLAG_ENCRYPTED: Final = 0x0001 | 0x0040 | 0x2000
_FLAG_DESCRIPTOR: Final = 0x0008
_FLAG_UTF8: Final = 0x0800
_DOS_DATE: Final = (0 << 9) | (1 << 5) | 1  # 1980-01-01
_DOS_TIME: Final = 0
_MADE_BY: Final = (3 << 8) | 45  # Unix, spec 4.5
_EXT_ATTR: Final = 0o100644 << 16
_CD = struct.Struct("<IHHHHHHIIIHHHHHII")
_LOCAL = struct.Struct("<IHHHHHIIIHH")
_EOCD = struct.Struct("<IHHHHIIH")
_EOCD64 = struct.Struct("<IQHHIIQQQQ")
_LOC64 = struct.Struct("<IIQI")
_WINDOWS_FORBIDDEN: Final = frozenset('<>:"|?*')
_BIDI_CONTROLS: Final = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


class Reason:
    """Why an archive or an entry was refused (marked, untranslated messages)."""

    NOT_ZIP = N_("it is not a ZIP archive or it is damaged")
    MULTI_DISK = N_("it is split over several disks")
    TOO_MANY_ENTRIES = N_("it has too many files")
    TOO_LARGE_TOTAL = N_("its files are too large in total")
    OVERLAP = N_("its entries overlap (a zip bomb)")
    NAME_EMPTY = N_("its name is empty")
    NAME_NUL = N_("its name contains a NUL character")
    NAME_CONTROL = N_("its name contains control characters")
    NAME_ENCODING = N_("its name is not valid UTF-8")
    NAME_TOO_LONG = N_("its name is too long")
    NAME_ABSOLUTE = N_("its name is an absolute path")
    NAME_DRIVE = N_("its name starts with a drive letter")
    NAME_BACKSLASH = N_("its name contains a backslash")
    NAME_TRAVERSAL = N_("its name climbs out of the folder (..)")
    NAME_MALFORMED = N_("its name has an empty or '.' part")
    NAME_CHARACTER = N_("its name has a character that is not allowed in file names")
    DUPLICATE = N_("its name appears twice")
    DUPLICATE_CASE = N_("its name differs from another only by capital letters or accents")
    DIRECTORY = N_("it is a folder, not a file")
    SYMLINK = N_("it is a symbolic link")
    SPECIAL = N_("it is not a regular file")
    ENCRYPTED = N_("it is encrypted with a ZIP password")
    METHOD = N_("it is compressed with an unsupported method")
    TOO_LARGE = N_("it is too large")
    RATIO = N_("it expands too much when unpacked (a zip bomb)")
    SIZE_MISMATCH = N_("its size is not the one its header declares")
    CRC = N_("its contents are damaged (checksum mismatch)")
    HEADER_MISMATCH = N_("its local header does not match the central directory")
    TRUNCATED = N_("its data runs past the end of the archive")


class ZipRefused(DefenderDeskError):
    message = N_("the archive was refused: {reason}")

    def __init__(self, *, reason: str, **fields: object) -> None:
        super().__init__(reason=reason, **fields)
        self.reason = reason


class ZipEntryRefused(ZipRefused):
    """``index`` is the entry's 0-based position in the central directory; ``number`` is 1-based.

    ``name`` is the entry's name as decoded (``None`` if it could not be decoded).
    """

    message = N_("file {number} of the archive was refused: {reason}")

    def __init__(self, *, reason: str, index: int, name: str | None) -> None:
        super().__init__(reason=reason, index=index, number=index + 1, name=name)
        self.index, self.name = index, name


class ZipWriteError(DefenderDeskError):
    message = N_("the export could not be written: {reason}")


def entry_name_problem(name: str) -> str | None:
    """The :class:`Reason` why ``name`` is not a safe, portable entry name, else ``None``."""
    if not name:
        return Reason.NAME_EMPTY
    if "\0" in name:
        return Reason.NAME_NUL
    if any(unicodedata.category(c) == "Cc" or c in _BIDI_CONTROLS for c in name):
        return Reason.NAME_CONTROL
    if "\\" in name:
        return Reason.NAME_BACKSLASH
    if name.startswith("/"):
        return Reason.NAME_ABSOLUTE
    if re.match(r"[A-Za-z]:", name):
        return Reason.NAME_DRIVE
    if name.endswith("/"):
        return Reason.DIRECTORY
    parts = name.split("/")
    if ".." in parts:
        return Reason.NAME_TRAVERSAL
    if any(p in ("", ".") for p in parts):
        return Reason.NAME_MALFORMED
    if any(c in _WINDOWS_FORBIDDEN for c in name) or any(p[-1] in ". " for p in parts):
        return Reason.NAME_CHARACTER
    return None


def _name_key(name: str) -> str:
    return unicodedata.normalize("NFC", name).casefold()


# --- writing ------------------------------------------------------------------------------------


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class Writable(Protocol):
    def write(self, data: bytes | memoryview, /) -> int | None: ...


Data = bytes | bytearray | memoryview | Readable


@dataclass(frozen=True)
class ZipSource:
    """One entry to write. ``size`` (when known) is checked: a source that changes is an error."""

    name: str
    data: Data
    size: int | None = None
    deflate: bool = False


@dataclass(frozen=True)
class WrittenEntry:
    name: str
    size: int
    sha256: str  # lowercase hex
    crc32: int


@dataclass
class _Record:
    name: bytes
    method: int
    crc: int
    csize: int
    usize: int
    offset: int
    zip64_local: bool


class _Builder:
    def __init__(self, chunk_size: int, progress: Callable[[int], None] | None) -> None:
        if chunk_size < 1:
            raise ValueError("chunk_size")
        self.chunk_size, self.progress = chunk_size, progress
        self.offset = self.payload = 0
        self.records: list[_Record] = []
        self.entries: list[WrittenEntry] = []
        self.keys: set[str] = set()
        self.closed = False

    def _emit(self, data: bytes | memoryview) -> bytes | memoryview:
        self.offset += len(data)
        return data

    def _chunks(self, data: Data, size: int | None) -> Iterator[bytes | memoryview]:
        if isinstance(data, bytes | bytearray | memoryview):
            view = memoryview(data).cast("B")
            for i in range(0, len(view), self.chunk_size):
                yield view[i : i + self.chunk_size]
            return
        read = 0
        while True:
            want = self.chunk_size if size is None else min(self.chunk_size, size + 1 - read)
            chunk = data.read(max(want, 1))
            if not chunk:
                return
            read += len(chunk)
            yield chunk
            if size is not None and read > size:
                return

    def entry(self, src: ZipSource) -> Iterator[bytes | memoryview]:
        if self.closed:
            raise ValueError("the archive is closed")
        problem = entry_name_problem(src.name)
        if problem is not None:
            raise ValueError(f"bad entry name: {problem}")
        if _name_key(src.name) in self.keys:
            raise ValueError("duplicate entry name")
        self.keys.add(_name_key(src.name))
        size = src.size
        if isinstance(src.data, bytes | bytearray | memoryview):
            size = memoryview(src.data).nbytes if size is None else size
        zip64 = size is None or size >= _ZIP64_AT
        name = src.name.encode("utf-8")
        method = DEFLATED if src.deflate else STORED
        extra = struct.pack("<HHQQ", 1, 16, 0, 0) if zip64 else b""
        sizes32 = _U32 if zip64 else 0
        offset = self.offset
        header = _LOCAL.pack(
            _LOCAL_SIG, 45 if zip64 else 20, _FLAG_DESCRIPTOR | _FLAG_UTF8, method, _DOS_TIME,
            _DOS_DATE, 0, sizes32, sizes32, len(name), len(extra),
        )  # fmt: skip
        yield self._emit(header + name + extra)
        crc, usize, csize, sha = 0, 0, 0, hashlib.sha256()
        comp = zlib.compressobj(6, zlib.DEFLATED, -15) if src.deflate else None
        for chunk in self._chunks(src.data, size):
            usize += len(chunk)
            if size is not None and usize > size:
                raise ZipWriteError(reason=N_("a file changed while it was being exported"))
            crc = zlib.crc32(chunk, crc)
            sha.update(chunk)
            out = comp.compress(chunk) if comp else chunk
            csize += len(out)
            if out:
                yield self._emit(out)
            self.payload += len(chunk)
            if self.progress is not None:
                self.progress(self.payload)
        if comp is not None:
            out = comp.flush()
            csize += len(out)
            yield self._emit(out)
        if size is not None and usize != size:
            raise ZipWriteError(reason=N_("a file changed while it was being exported"))
        if not zip64 and max(usize, csize) >= _U32:  # pragma: no cover - excluded by _ZIP64_AT
            raise ZipWriteError(reason=N_("a file is too large"))
        fmt = "<IIQQ" if zip64 else "<IIII"
        yield self._emit(struct.pack(fmt, _DD_SIG, crc, csize, usize))
        self.records.append(_Record(name, method, crc, csize, usize, offset, zip64))
        result = WrittenEntry(src.name, usize, sha.hexdigest(), crc)
        self.entries.append(result)

    def end(self) -> Iterator[bytes | memoryview]:
        if self.closed:
            return
        self.closed = True
        cd_offset = self.offset
        for r in self.records:
            big = [v for v in (r.usize, r.csize, r.offset) if v >= _U32]
            extra = struct.pack(f"<HH{len(big)}Q", 1, 8 * len(big), *big) if big else b""
            header = _CD.pack(
                _CD_SIG, _MADE_BY, 45 if big or r.zip64_local else 20,
                _FLAG_DESCRIPTOR | _FLAG_UTF8, r.method, _DOS_TIME, _DOS_DATE, r.crc,
                min(r.csize, _U32), min(r.usize, _U32), len(r.name), len(extra), 0, 0, 0,
                _EXT_ATTR, min(r.offset, _U32),
            )  # fmt: skip
            yield self._emit(header + r.name + extra)
        count, cd_size, eocd64 = len(self.records), self.offset - cd_offset, self.offset
        if count >= _U16 or cd_size >= _U32 or cd_offset >= _U32:
            yield self._emit(
                _EOCD64.pack(_EOCD64_SIG, 44, _MADE_BY, 45, 0, 0, count, count, cd_size, cd_offset)
                + _LOC64.pack(_LOC64_SIG, 0, eocd64, 1)
            )
        n16, size32, off32 = min(count, _U16), min(cd_size, _U32), min(cd_offset, _U32)
        yield self._emit(_EOCD.pack(_EOCD_SIG, 0, 0, n16, n16, size32, off32, 0))


class ZipWriter:
    """Push a ZIP onto ``out``: :meth:`add` each entry, then :meth:`close` (``out`` stays open).

    ``progress`` is called with the payload bytes written so far; it may raise (e.g.
    ``Cancelled``) to stop. ``write`` receives bytes or memoryviews; a short write is retried,
    ``None`` counts as complete (the file object's own errors must be checked by its owner).
    After any exception the archive is unusable: discard what was written.
    """

    def __init__(
        self,
        out: Writable,
        *,
        chunk_size: int = CHUNK_SIZE,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        self._out = out
        self._b = _Builder(chunk_size, progress)

    @property
    def entries(self) -> list[WrittenEntry]:
        return list(self._b.entries)

    def _write(self, data: bytes | memoryview) -> None:
        view = memoryview(data)
        while len(view):
            n = self._out.write(view)
            view = view[len(view) if n is None else n :]

    def add(
        self, name: str, data: Data, *, size: int | None = None, deflate: bool = False
    ) -> WrittenEntry:
        for piece in self._b.entry(ZipSource(name, data, size, deflate)):
            self._write(piece)
        return self._b.entries[-1]

    def close(self) -> list[WrittenEntry]:
        for piece in self._b.end():
            self._write(piece)
        return self.entries


class ZipReadStream(io.RawIOBase):
    """A readable file object whose bytes are the ZIP of ``sources`` (pulled lazily).

    For ``pyrage.encrypt_io(ZipReadStream(...), out, recipients)``. After it, check
    :attr:`complete` (the whole ZIP was produced) and :attr:`error` (the exception a source or
    ``progress`` raised, which pyrage reports only as text).
    """

    def __init__(
        self,
        sources: Iterable[ZipSource],
        *,
        chunk_size: int = CHUNK_SIZE,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        super().__init__()
        self._b = _Builder(chunk_size, progress)
        self._gen = self._generate(iter(sources))
        self._pending = memoryview(b"")
        self.complete = False
        self.error: BaseException | None = None

    def _generate(self, sources: Iterator[ZipSource]) -> Iterator[bytes | memoryview]:
        for src in sources:
            yield from self._b.entry(src)
        yield from self._b.end()

    @property
    def entries(self) -> list[WrittenEntry]:
        return list(self._b.entries)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self.error is not None:
            raise self.error
        try:
            while not len(self._pending) and not self.complete:
                try:
                    self._pending = memoryview(next(self._gen)).cast("B")
                except StopIteration:
                    self.complete = True
        except BaseException as e:
            self.error = e
            raise
        n = min(len(buffer), len(self._pending))
        memoryview(buffer).cast("B")[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n


# --- reading ------------------------------------------------------------------------------------


class SeekableReadable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...
    def seek(self, offset: int, whence: int = 0, /) -> int: ...


@dataclass(frozen=True)
class ZipLimits:
    """Caps for a received archive. The ratio is checked only above ``ratio_floor`` bytes."""

    max_entries: int = 10_000
    max_entry_size: int = 8 << 30
    max_total_size: int = 32 << 30
    max_ratio: int = 100
    ratio_floor: int = 1 << 20
    max_name_bytes: int = 1024


@dataclass(frozen=True)
class ZipEntryInfo:
    index: int
    name: str
    size: int
    compressed_size: int
    method: int
    crc32: int
    header_offset: int = field(repr=False)
    data_offset: int = field(repr=False)


class _Source:
    def __init__(self, src: bytes | bytearray | memoryview | SeekableReadable) -> None:
        if isinstance(src, bytes | bytearray | memoryview):
            self._view: memoryview | None = memoryview(src).cast("B")
            self._file: SeekableReadable | None = None
            self.size = len(self._view)
        else:
            self._view, self._file = None, src
            self.size = src.seek(0, io.SEEK_END)

    def read_at(self, offset: int, n: int, reason: str = Reason.NOT_ZIP) -> bytes:
        if offset < 0 or n < 0 or offset + n > self.size:
            raise ZipRefused(reason=reason)
        if self._view is not None:
            return bytes(self._view[offset : offset + n])
        assert self._file is not None
        self._file.seek(offset)
        data = self._file.read(n)
        if len(data) != n:
            raise ZipRefused(reason=reason)
        return data


def _zip64_values(extra: bytes, wanted: list[bool]) -> list[int] | None:
    """The 8-byte values of the ZIP64 extra field for the ``wanted`` 0xFFFFFFFF fields."""
    pos = 0
    while pos + 4 <= len(extra):
        kind, length = struct.unpack_from("<HH", extra, pos)
        body = extra[pos + 4 : pos + 4 + length]
        if len(body) != length:
            return None
        if kind == 1:
            n = sum(wanted)
            if length < 8 * n:
                return None
            return list(struct.unpack_from(f"<{n}Q", body))
        pos += 4 + length
    return None if any(wanted) else []


class SafeZipReader:
    """Check a received ZIP (bytes, or a seekable file object in memory) before reading it."""

    def __init__(
        self,
        source: bytes | bytearray | memoryview | SeekableReadable,
        limits: ZipLimits | None = None,
    ) -> None:
        self._src = _Source(source)
        self.limits = limits or ZipLimits()
        self.entries: list[ZipEntryInfo] = self._parse()

    def _end_of_central_directory(self) -> tuple[int, int, int, int]:
        """``(count, cd_offset, cd_size, cd_end)`` where ``cd_end`` is where the CD must end."""
        size = self._src.size
        if size < _EOCD.size:
            raise ZipRefused(reason=Reason.NOT_ZIP)
        start = max(0, size - _EOCD.size - _U16)
        tail = self._src.read_at(start, size - start)
        end = len(tail)
        while True:  # the last signature whose comment length reaches exactly the end
            pos = tail.rfind(b"PK\x05\x06", 0, end)
            if pos < 0:
                raise ZipRefused(reason=Reason.NOT_ZIP)
            comment = int.from_bytes(tail[pos + 20 : pos + 22], "little")
            if pos + _EOCD.size <= len(tail) and pos + _EOCD.size + comment == len(tail):
                break
            end = pos + 3
        _, disk, cd_disk, n_disk, count, cd_size, cd_offset, _ = _EOCD.unpack_from(tail, pos)
        eocd = start + pos
        loc = self._src.read_at(eocd - _LOC64.size, _LOC64.size) if eocd >= _LOC64.size else b""
        if loc[:4] == b"PK\x06\x07":
            _, disk64, eocd64, disks = _LOC64.unpack(loc)
            if disk64 != 0 or disks != 1:
                raise ZipRefused(reason=Reason.MULTI_DISK)
            rec = self._src.read_at(eocd64, _EOCD64.size)
            sig, _, _, _, disk, cd_disk, n_disk, count, cd_size, cd_offset = _EOCD64.unpack(rec)
            if sig != _EOCD64_SIG:
                raise ZipRefused(reason=Reason.NOT_ZIP)
            eocd = eocd64
        if disk != 0 or cd_disk != 0 or n_disk != count:
            raise ZipRefused(reason=Reason.MULTI_DISK)
        return count, cd_offset, cd_size, eocd

    def _parse(self) -> list[ZipEntryInfo]:
        lim = self.limits
        count, cd_offset, cd_size, cd_end = self._end_of_central_directory()
        if count > lim.max_entries:
            raise ZipRefused(reason=Reason.TOO_MANY_ENTRIES)
        if cd_offset + cd_size != cd_end:
            raise ZipRefused(reason=Reason.NOT_ZIP)
        cd = self._src.read_at(cd_offset, cd_size)
        entries: list[ZipEntryInfo] = []
        keys: dict[str, str] = {}
        total, pos = 0, 0
        for index in range(count):
            if pos + _CD.size > len(cd):
                raise ZipRefused(reason=Reason.NOT_ZIP)
            (sig, made_by, _, flags, method, _, _, crc, csize, usize, n_len, e_len, c_len, _, _,
             ext_attr, offset) = _CD.unpack_from(cd, pos)  # fmt: skip
            raw_name = cd[pos + _CD.size : pos + _CD.size + n_len]
            extra = cd[pos + _CD.size + n_len : pos + _CD.size + n_len + e_len]
            pos += _CD.size + n_len + e_len + c_len
            if sig != _CD_SIG or pos > len(cd):
                raise ZipRefused(reason=Reason.NOT_ZIP)
            wanted = [usize == _U32, csize == _U32, offset == _U32]
            big = _zip64_values(extra, wanted)
            if big is None:
                raise ZipRefused(reason=Reason.NOT_ZIP)
            values = iter(big)
            usize, csize, offset = (next(values) if w else v for w, v in zip(
                wanted, (usize, csize, offset), strict=True))  # fmt: skip
            name: str | None = None
            try:
                name = raw_name.decode("utf-8")
            except UnicodeDecodeError:
                pass

            def refuse(reason: str, index: int = index, name: str | None = name) -> ZipEntryRefused:
                return ZipEntryRefused(reason=reason, index=index, name=name)

            if flags & _FLAG_ENCRYPTED:
                raise refuse(Reason.ENCRYPTED)
            if name is None or (not flags & _FLAG_UTF8 and not raw_name.isascii()):
                raise refuse(Reason.NAME_ENCODING)
            if n_len > lim.max_name_bytes:
                raise refuse(Reason.NAME_TOO_LONG)
            problem = entry_name_problem(name)
            if problem is not None:
                raise refuse(problem)
            mode = ext_attr >> 16
            if made_by >> 8 == 3 and mode & 0o170000 not in (0, 0o100000):
                kind = mode & 0o170000
                raise refuse({0o120000: Reason.SYMLINK, 0o040000: Reason.DIRECTORY}.get(
                    kind, Reason.SPECIAL))  # fmt: skip
            if ext_attr & 0x10:  # MS-DOS directory attribute
                raise refuse(Reason.DIRECTORY)
            if method not in (STORED, DEFLATED):
                raise refuse(Reason.METHOD)
            key = _name_key(name)
            if key in keys:
                raise refuse(Reason.DUPLICATE if keys[key] == name else Reason.DUPLICATE_CASE)
            keys[key] = name
            if method == STORED and csize != usize:
                raise refuse(Reason.SIZE_MISMATCH)
            if usize > lim.max_entry_size:
                raise refuse(Reason.TOO_LARGE)
            if usize > lim.ratio_floor and usize > lim.max_ratio * csize:
                raise refuse(Reason.RATIO)
            total += usize
            if total > lim.max_total_size:
                raise ZipRefused(reason=Reason.TOO_LARGE_TOTAL)
            local = self._src.read_at(offset, _LOCAL.size, Reason.TRUNCATED)
            l_sig, _, l_flags, l_method, *_, l_nlen, l_elen = _LOCAL.unpack(local)
            if l_flags & _FLAG_ENCRYPTED:
                raise refuse(Reason.ENCRYPTED)
            data_offset = offset + _LOCAL.size + l_nlen + l_elen
            if (
                l_sig != _LOCAL_SIG
                or l_method != method
                or self._src.read_at(offset + _LOCAL.size, l_nlen, Reason.TRUNCATED) != raw_name
            ):
                raise refuse(Reason.HEADER_MISMATCH)
            if data_offset + csize > cd_offset:
                raise refuse(Reason.TRUNCATED)
            entries.append(
                ZipEntryInfo(index, name, usize, csize, method, crc, offset, data_offset)
            )
        if pos != len(cd):
            raise ZipRefused(reason=Reason.NOT_ZIP)
        spans = sorted((e.header_offset, e.data_offset + e.compressed_size) for e in entries)
        for (_, end), (start, _) in itertools.pairwise(spans):
            if start < end:
                raise ZipRefused(reason=Reason.OVERLAP)
        return entries

    def iter_chunks(self, index: int, *, chunk_size: int = CHUNK_SIZE) -> Iterator[bytes]:
        """Yield the entry's contents; trust them only if the iteration ends without error.

        Output stops as soon as it exceeds the declared size; a short output, a damaged deflate
        stream or a CRC mismatch is refused at the end.
        """
        info = self.entries[index]

        def refuse(reason: str) -> ZipEntryRefused:
            return ZipEntryRefused(reason=reason, index=index, name=info.name)

        crc, produced, pos, left = 0, 0, info.data_offset, info.compressed_size

        def compressed() -> bytes:
            nonlocal pos, left
            n = min(chunk_size, left)
            data = self._src.read_at(pos, n, Reason.TRUNCATED)
            pos, left = pos + n, left - n
            return data

        def inflated() -> Iterator[bytes]:
            d, tail = zlib.decompressobj(-15), b""
            try:
                while not d.eof:
                    if tail or left:
                        yield d.decompress(tail or compressed(), chunk_size)
                        tail = d.unconsumed_tail
                    else:  # input exhausted: drain what zlib still holds, or it is cut short
                        out = d.decompress(b"", chunk_size)
                        if not out and not d.eof:
                            raise refuse(Reason.CRC)
                        yield out
            except zlib.error:
                raise refuse(Reason.CRC) from None
            if left or d.unused_data:
                raise refuse(Reason.SIZE_MISMATCH)

        stored = (compressed() for _ in iter(lambda: left, 0))
        for data in inflated() if info.method == DEFLATED else stored:
            produced += len(data)
            if produced > info.size:
                raise refuse(Reason.SIZE_MISMATCH)
            crc = zlib.crc32(data, crc)
            if data:
                yield data
        if produced != info.size:
            raise refuse(Reason.SIZE_MISMATCH)
        if crc != info.crc32:
            raise refuse(Reason.CRC)

    def read(self, index: int, *, max_size: int | None = None) -> bytes:
        """The whole entry in memory; refuse it (TOO_LARGE) if it declares more than max_size."""
        info = self.entries[index]
        if max_size is not None and info.size > max_size:
            raise ZipEntryRefused(reason=Reason.TOO_LARGE, index=index, name=info.name)
        out = bytearray()
        for chunk in self.iter_chunks(index):
            out += chunk
        return bytes(out)

    def index_of(self, name: str) -> int | None:
        """The index of the entry named exactly ``name``, else ``None``."""
        return next((e.index for e in self.entries if e.name == name), None)
