"""The streaming ZIP writer (checked with age, unzip and zipfile) and the hostile-input reader."""

from __future__ import annotations

import hashlib
import io
import shutil
import struct
import subprocess
import tracemalloc
import unicodedata
import warnings
import zipfile
import zlib
from pathlib import Path

import pyrage
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from defender_desk.errors import Cancelled
from defender_desk.sharing.zipstream import (
    Reason,
    SafeZipReader,
    ZipEntryRefused,
    ZipLimits,
    ZipReadStream,
    ZipRefused,
    ZipSource,
    ZipWriteError,
    ZipWriter,
    entry_name_problem,
)


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is required for these tests (apt-get install age unzip)")
    return path


def payload(size: int) -> bytes:
    return (hashlib.sha256(str(size).encode()).digest() * (size // 32 + 1))[:size]


class Zeros:
    """A readable of ``size`` zero bytes that never holds more than one chunk."""

    def __init__(self, size: int) -> None:
        self.left = size

    def read(self, n: int = -1) -> bytes:
        n = self.left if n < 0 else min(n, self.left)
        self.left -= n
        return bytes(n)


class WriteOnly:
    """A non-seekable sink (like a pipe) that keeps what it is given."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: bytes | memoryview) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def value(self) -> bytes:
        return b"".join(self.parts)


def unzip_test(tmp: Path, data: bytes) -> str:
    path = tmp / "t.zip"
    path.write_bytes(data)
    result = subprocess.run([tool("unzip"), "-t", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No errors detected" in result.stdout
    return result.stdout


# --- writing ------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [0, 1, 65535, 65536, 65537])
def test_zip_streamed_into_age_decrypts_with_the_cli(tmp_path: Path, size: int) -> None:
    identity = pyrage.x25519.Identity.generate()
    (tmp_path / "key.txt").write_text(str(identity) + "\n")
    data = payload(size)
    evidence = f"evidence/{hashlib.sha256(data).hexdigest()[:12]}-фото.jpg"

    def sources() -> object:
        yield ZipSource("report.pdf", b"%PDF-1.7 fake", deflate=True)
        yield ZipSource(evidence, io.BytesIO(data), size=size)
        # built lazily from what was already written, as the manifest will be
        listed = "\n".join(f"{e.sha256}  {e.name}" for e in stream.entries)
        yield ZipSource("manifest.json", listed.encode())

    stream = ZipReadStream(sources(), chunk_size=4096)  # type: ignore[arg-type]
    encrypted = io.BytesIO()
    pyrage.encrypt_io(stream, encrypted, [identity.to_public()])
    assert stream.complete and stream.error is None
    (tmp_path / "export.age").write_bytes(encrypted.getvalue())
    subprocess.run(
        [tool("age"), "-d", "-i", str(tmp_path / "key.txt"), "-o", str(tmp_path / "t.zip"),
         str(tmp_path / "export.age")],
        check=True,
    )  # fmt: skip
    plain = (tmp_path / "t.zip").read_bytes()
    assert unzip_test(tmp_path, plain).count("OK") == 3

    written = {e.name: e for e in stream.entries}
    assert written[evidence].size == size
    assert written[evidence].sha256 == hashlib.sha256(data).hexdigest()
    with zipfile.ZipFile(io.BytesIO(plain)) as zf:
        assert zf.namelist() == ["report.pdf", evidence, "manifest.json"]
        assert zf.read(evidence) == data
        manifest = zf.read("manifest.json").decode()
        assert f"{hashlib.sha256(data).hexdigest()}  {evidence}" in manifest
        assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in zf.infolist())
        assert all(i.flag_bits & 0x808 == 0x808 for i in zf.infolist())
    reader = SafeZipReader(plain)
    assert reader.read(reader.index_of(evidence)) == data  # type: ignore[arg-type]


def test_push_writer_on_a_non_seekable_sink(tmp_path: Path) -> None:
    sink = WriteOnly()
    w = ZipWriter(sink, chunk_size=1000)
    a = w.add("data.json", b'{"a": 1}' * 5000, deflate=True)
    b = w.add("evidence/unknown-size.bin", io.BytesIO(payload(70000)))  # ZIP64 local header
    c = w.add("schema.json", io.BytesIO(b"{}"), size=2)
    assert w.close() == [a, b, c]
    data = sink.value()
    unzip_test(tmp_path, data)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.testzip() is None
        assert zf.read("evidence/unknown-size.bin") == payload(70000)
        assert zf.getinfo("data.json").compress_type == zipfile.ZIP_DEFLATED
    assert a.sha256 == hashlib.sha256(b'{"a": 1}' * 5000).hexdigest() and a.size == 40000
    assert b.crc32 == zlib.crc32(payload(70000))


def test_output_is_deterministic() -> None:
    def make() -> bytes:
        out = io.BytesIO()
        w = ZipWriter(out)
        w.add("a", b"x")
        w.add("b", io.BytesIO(b"y" * 10), size=10, deflate=True)
        w.close()
        return out.getvalue()

    assert make() == make()


def test_more_than_65535_entries_use_zip64_end_records(tmp_path: Path) -> None:
    out = io.BytesIO()
    w = ZipWriter(out)
    for i in range(70_000):
        w.add(f"f/{i}", b"")
    w.close()
    data = out.getvalue()
    assert b"PK\x06\x06" in data[-200:] and b"PK\x06\x07" in data[-200:]
    unzip_test(tmp_path, data)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert len(zf.infolist()) == 70_000
    assert len(SafeZipReader(data, ZipLimits(max_entries=70_000)).entries) == 70_000
    with pytest.raises(ZipRefused) as info:
        SafeZipReader(data)
    assert info.value.reason == Reason.TOO_MANY_ENTRIES


def test_memory_stays_bounded_for_a_large_entry() -> None:
    size = 64 << 20
    counted = 0

    class Sink:
        def write(self, data: bytes | memoryview) -> int:
            nonlocal counted
            counted += len(data)
            return len(data)

    tracemalloc.start()
    try:
        w = ZipWriter(Sink())
        entry = w.add("evidence/big.bin", Zeros(size), size=size)
        w.close()
        stream = ZipReadStream([ZipSource("big", Zeros(size), size=size)])
        while stream.read(1 << 16):
            pass
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert entry.size == size and counted > size
    assert entry.sha256 == hashlib.sha256(bytes(size)).hexdigest()
    assert peak < 6 << 20, peak  # a few chunks of 1 MiB, not 64 MiB


@pytest.mark.parametrize(("declared", "actual"), [(10, 11), (10, 9), (0, 1)])
def test_a_source_that_changes_size_is_an_error(declared: int, actual: int) -> None:
    w = ZipWriter(io.BytesIO())
    with pytest.raises(ZipWriteError):
        w.add("a", io.BytesIO(bytes(actual)), size=declared)
    with pytest.raises(ZipWriteError):
        ZipWriter(io.BytesIO()).add("a", bytes(actual), size=declared)


def test_cancel_through_pyrage_keeps_the_original_error() -> None:
    seen: list[int] = []

    def progress(done: int) -> None:
        seen.append(done)
        if done > 100_000:
            raise Cancelled()

    stream = ZipReadStream([ZipSource("a", Zeros(1 << 20))], chunk_size=65536, progress=progress)
    with pytest.raises(pyrage.EncryptError):
        pyrage.encrypt_io(stream, io.BytesIO(), [pyrage.x25519.Identity.generate().to_public()])
    assert isinstance(stream.error, Cancelled)
    assert seen == sorted(seen) and seen[0] == 65536
    assert not stream.complete
    with pytest.raises(Cancelled):
        stream.read(10)


@pytest.mark.parametrize(
    "name", ["", "../a", "a/../b", "/etc/passwd", "C:/x", "a\\b", "a\0b", "a\nb", "a/", "a//b",
             "./a", "a:b", "a.", "evil\u202etxt.exe"],
)  # fmt: skip
def test_writer_refuses_unsafe_names(name: str) -> None:
    assert entry_name_problem(name) is not None
    with pytest.raises(ValueError):
        ZipWriter(io.BytesIO()).add(name, b"")


def test_writer_refuses_duplicates_and_use_after_close() -> None:
    w = ZipWriter(io.BytesIO())
    w.add("evidence/A.jpg", b"")
    with pytest.raises(ValueError):
        w.add("evidence/a.JPG", b"")
    w.close()
    with pytest.raises(ValueError):
        w.add("b", b"")


# --- reading hostile archives -------------------------------------------------------------------


def build(*entries: tuple[str, bytes], method: int = zipfile.ZIP_STORED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as zf:
        for name, data in entries:
            zf.writestr(name, data)
    return out.getvalue()


def cd_entries(data: bytes) -> list[int]:
    """Offsets of the central directory records."""
    count, _, offset = struct.unpack_from("<HII", data, len(data) - 12)
    positions = []
    for _ in range(count):
        positions.append(offset)
        n, e, c = struct.unpack_from("<HHH", data, offset + 28)
        offset += 46 + n + e + c
    return positions


def patch(data: bytes, offset: int, fmt: str, value: int) -> bytes:
    b = bytearray(data)
    struct.pack_into(fmt, b, offset, value)
    return bytes(b)


def refused(data: bytes, limits: ZipLimits | None = None) -> ZipRefused:
    with pytest.raises(ZipRefused) as info:
        reader = SafeZipReader(data, limits)
        for e in reader.entries:
            reader.read(e.index)
    return info.value


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        (b"../x", Reason.NAME_TRAVERSAL),
        (b"a/../../x", Reason.NAME_TRAVERSAL),
        (b"/etc/pwd", Reason.NAME_ABSOLUTE),
        (b"C:/Users", Reason.NAME_DRIVE),
        (b"a\\..\\b", Reason.NAME_BACKSLASH),
        (b"a\x00b", Reason.NAME_NUL),
        (b"a\nb", Reason.NAME_CONTROL),
        (b"a//b", Reason.NAME_MALFORMED),
        (b"dir/", Reason.DIRECTORY),
        (b"\xff\xfe", Reason.NAME_ENCODING),
        (b"ab:c", Reason.NAME_CHARACTER),
        (b"ab?", Reason.NAME_CHARACTER),
    ],
)
def test_unsafe_names_are_refused(name: bytes, reason: str) -> None:
    placeholder = b"Q" * len(name)
    data = build(("ok.txt", b"fine"), (placeholder.decode(), b"evil")).replace(placeholder, name)
    error = refused(data)
    assert isinstance(error, ZipEntryRefused)
    assert (error.reason, error.index) == (reason, 1)
    assert error.fields["number"] == 2


def test_names_cut_at_nul_by_zipfile_are_still_refused() -> None:
    # zipfile would show this entry as "a" and read it without complaint
    data = build(("aQb", b"x")).replace(b"aQb", b"a\0b")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.namelist() == ["a"]
    assert refused(data).reason == Reason.NAME_NUL


@pytest.mark.parametrize(
    ("first", "second", "reason"),
    [
        ("a.txt", "a.txt", Reason.DUPLICATE),
        ("evidence/Photo.JPG", "evidence/photo.jpg", Reason.DUPLICATE_CASE),
        (unicodedata.normalize("NFC", "é.txt"), unicodedata.normalize("NFD", "é.txt"),
         Reason.DUPLICATE_CASE),
    ],
)  # fmt: skip
def test_duplicates_are_refused(first: str, second: str, reason: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate it writes
        data = build((first, b"1"), (second, b"2"))
    error = refused(data)
    assert isinstance(error, ZipEntryRefused) and (error.reason, error.index) == (reason, 1)


@pytest.mark.parametrize(
    ("mode", "reason"),
    [(0o120777, Reason.SYMLINK), (0o040755, Reason.DIRECTORY), (0o010644, Reason.SPECIAL)],
)
def test_symlinks_directories_and_special_files_are_refused(mode: int, reason: str) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        info = zipfile.ZipInfo("link")
        info.create_system = 3
        info.external_attr = mode << 16
        zf.writestr(info, b"/etc/passwd")
    assert refused(out.getvalue()).reason == reason
    dos_dir = patch(build(("d", b"")), cd_entries(build(("d", b"")))[0] + 38, "<I", 0x10)
    assert refused(dos_dir).reason == Reason.DIRECTORY


def test_encrypted_and_unsupported_methods_are_refused() -> None:
    data = build(("a", b"secret"))
    enc = patch(patch(data, 6, "<H", 1), cd_entries(data)[0] + 8, "<H", 1)
    assert refused(enc).reason == Reason.ENCRYPTED
    assert refused(build(("a", b"x" * 100), method=zipfile.ZIP_BZIP2)).reason == Reason.METHOD
    assert refused(build(("a", b"x" * 100), method=zipfile.ZIP_LZMA)).reason == Reason.METHOD


def test_zip_bomb_is_refused_before_reading() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        with zf.open("bomb.bin", "w") as f:
            for _ in range(64):
                f.write(bytes(1 << 20))
    data = out.getvalue()
    assert len(data) < 200_000
    error = refused(data)
    assert isinstance(error, ZipEntryRefused) and error.reason == Reason.RATIO
    # lifting the ratio cap still leaves the size caps
    assert refused(data, ZipLimits(max_ratio=10**6, max_entry_size=1 << 20)).reason == (
        Reason.TOO_LARGE
    )
    total = ZipLimits(max_ratio=10**6, max_total_size=32 << 20)
    assert refused(data, total).reason == Reason.TOO_LARGE_TOTAL


def test_overlapping_entries_are_refused() -> None:
    # Fifield's "better zip bomb": the second entry's local header lies inside the first's data
    inner = build(("b", b"shared"))
    data = build(("a", inner[: 30 + 1 + 6]), ("b", b"shared"))
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        a_data = zf.getinfo("a").header_offset + 30 + 1
    overlapped = patch(data, cd_entries(data)[1] + 42, "<I", a_data)
    assert refused(overlapped).reason == Reason.OVERLAP


def test_too_many_entries_and_total_size() -> None:
    data = build(*[(f"f{i}", b"12345") for i in range(11)])
    assert refused(data, ZipLimits(max_entries=10)).reason == Reason.TOO_MANY_ENTRIES
    assert refused(data, ZipLimits(max_total_size=54)).reason == Reason.TOO_LARGE_TOTAL
    reader = SafeZipReader(data, ZipLimits(max_entries=11, max_total_size=55))
    with pytest.raises(ZipEntryRefused) as info:
        reader.read(0, max_size=4)
    assert info.value.reason == Reason.TOO_LARGE


def test_a_header_that_understates_the_size_stops_the_read_at_once() -> None:
    data = build(("a", bytes(4 << 20)), method=zipfile.ZIP_DEFLATED)
    lying = patch(data, cd_entries(data)[0] + 24, "<I", 1000)  # declares 1000 bytes
    reader = SafeZipReader(lying)
    assert reader.entries[0].size == 1000
    received = 0
    with pytest.raises(ZipEntryRefused) as info:
        for chunk in reader.iter_chunks(0, chunk_size=4096):
            received += len(chunk)
    assert info.value.reason == Reason.SIZE_MISMATCH
    assert received <= 1000


def test_a_header_that_overstates_the_size_is_refused() -> None:
    data = build(("a", b"x" * 5000), method=zipfile.ZIP_DEFLATED)
    lying = patch(data, cd_entries(data)[0] + 24, "<I", 6000)
    assert refused(lying).reason == Reason.SIZE_MISMATCH
    stored = build(("a", b"x" * 50))
    assert refused(patch(stored, cd_entries(stored)[0] + 24, "<I", 60)).reason == (
        Reason.SIZE_MISMATCH
    )


def test_a_cut_deflate_stream_is_refused() -> None:
    data = build(("a", payload(5000)), method=zipfile.ZIP_DEFLATED)
    cd = cd_entries(data)[0]
    (csize,) = struct.unpack_from("<I", data, cd + 20)
    assert refused(patch(data, cd + 20, "<I", csize - 5)).reason == Reason.CRC


def test_a_wrong_crc_is_refused() -> None:
    data = build(("a", b"evidence"))
    assert refused(patch(data, cd_entries(data)[0] + 16, "<I", 0)).reason == Reason.CRC


def test_local_header_that_disagrees_is_refused() -> None:
    data = build(("aaa", b"x"))
    renamed = data[:30] + b"bbb" + data[33:]
    assert refused(renamed).reason == Reason.HEADER_MISMATCH


@pytest.mark.parametrize(
    "data", [b"", b"PK", b"not a zip at all" * 10, build(("a", b"x"))[:-1],
             build(("a", b"x")) + b"trailing", b"prefix" + build(("a", b"x"))],
)  # fmt: skip
def test_not_zips_are_refused(data: bytes) -> None:
    error = refused(data)
    assert type(error) is ZipRefused and error.reason == Reason.NOT_ZIP


def test_reader_accepts_a_seekable_file_and_zip_comments() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.comment = b"PK\x05\x06 a comment that looks like an end record"
        zf.writestr("a/b.txt", b"hello" * 1000)
    reader = SafeZipReader(io.BytesIO(out.getvalue()))
    assert [e.name for e in reader.entries] == ["a/b.txt"]
    assert reader.read(0) == b"hello" * 1000
    assert reader.index_of("a/b.txt") == 0 and reader.index_of("A/B.txt") is None


VALID = build(("a.txt", b"hello " * 200), ("b/c.bin", payload(3000)), method=zipfile.ZIP_DEFLATED)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, len(VALID) - 1), st.integers(1, 255))
def test_any_flipped_byte_is_refused_or_harmless(position: int, xor: int) -> None:
    data = bytearray(VALID)
    data[position] ^= xor
    try:
        reader = SafeZipReader(bytes(data))
        contents = {e.name: reader.read(e.index) for e in reader.entries}
    except ZipRefused:
        return
    # a flip that is not refused must leave every content intact (e.g. in a time field)
    assert contents == {"a.txt": b"hello " * 200, "b/c.bin": payload(3000)}


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.binary(max_size=3000), st.booleans()), max_size=4),
    st.integers(1, 700),
    st.integers(1, 700),
)
def test_round_trip_with_any_chunk_sizes(
    items: list[tuple[bytes, bool]], write_chunk: int, read_chunk: int
) -> None:
    items = [(data * 7, deflate) for data, deflate in items]  # something to compress
    out = io.BytesIO()
    w = ZipWriter(out, chunk_size=write_chunk)
    for i, (data, deflate) in enumerate(items):
        w.add(f"e{i}", io.BytesIO(data), deflate=deflate)
    w.close()
    reader = SafeZipReader(out.getvalue())
    for i, (data, _) in enumerate(items):
        assert b"".join(reader.iter_chunks(i, chunk_size=read_chunk)) == data
        assert all(len(c) <= read_chunk for c in reader.iter_chunks(i, chunk_size=read_chunk))
