"""The payload: round trips at the sizes that matter, truncation, appended data, the empty final
chunk rule, tampered chunks (never released), aborts (never sealed) and random access."""

from __future__ import annotations

import gc
import hashlib
import io
import os
import random
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from defender_desk import age
from defender_desk.age import header as age_header
from defender_desk.age.stream import CHUNK, ENCRYPTED_CHUNK, NONCE_SIZE, payload_key
from tests.age.conftest import Unseekable

SIZES = [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 5]
ME = age.X25519Identity.generate()


def make(data: bytes, *, armor: bool = False, step: int | None = None) -> bytes:
    out = io.BytesIO()
    with age.encrypt([ME.recipient], out, armor=armor) as w:
        if step is None:
            assert w.write(data) == len(data)
        else:
            for i in range(0, len(data), step):
                w.write(data[i : i + step])
    return out.getvalue()


def open_seq(blob: bytes) -> age.AgeReader:
    return age.decrypt([ME], Unseekable(blob))


def read_all_or_error(reader: age.AgeReader) -> tuple[bytes, BaseException | None]:
    out = bytearray()
    try:
        while data := reader.read(CHUNK // 3):
            out += data
    except age.AgeDecryptError as e:
        return bytes(out), e
    return bytes(out), None


def header_length(blob: bytes) -> int:
    return blob.index(b"\n---") + 1 + 48 + NONCE_SIZE  # "--- " + 43 + "\n"


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("armor", [False, True])
def test_roundtrip(size: int, armor: bool):
    data = os.urandom(size)
    blob = make(data, armor=armor)
    if not armor:
        assert len(blob) == age.encrypted_size(size, header_length(blob) - NONCE_SIZE)
    assert age.decrypt([ME], io.BytesIO(blob)).read() == data
    assert open_seq(blob).read() == data
    assert age.decrypt_bytes([ME], blob) == data


def test_write_patterns_and_no_aliasing():
    data = os.urandom(2 * CHUNK + 123)
    for step in (1, 7, CHUNK - 1, CHUNK, CHUNK + 1, 5 * CHUNK):
        assert open_seq(make(data, step=step)).read() == data
    out = io.BytesIO()
    buf = bytearray(data)
    with age.encrypt([ME.recipient], out) as w:
        w.write(memoryview(buf)[: CHUNK + 10])
        buf[:] = bytes(len(buf))  # the writer must have kept no reference
        w.write(data[CHUNK + 10 :])
    assert open_seq(out.getvalue()).read() == data
    assert w.plaintext_written == len(data)


def test_truncated_file(tmp_path: Path):
    data = os.urandom(3 * CHUNK + 100)
    blob = make(data)
    start = header_length(blob)
    for cut in (
        len(blob) - 1,  # inside the final chunk
        start + 3 * ENCRYPTED_CHUNK,  # the whole final chunk is gone
        start + 2 * ENCRYPTED_CHUNK + 10,
        start + 16,
        start,  # nothing after the nonce
    ):
        part = blob[:cut]
        released, error = read_all_or_error(open_seq(part))
        assert isinstance(error, age.AgePayloadDamaged), cut
        whole_chunks = (cut - start) // ENCRYPTED_CHUNK
        # the chunks before the break authenticated; the last full one may only be released
        # if it was not the one carrying the break
        assert data.startswith(released) and len(released) <= whole_chunks * CHUNK
        with pytest.raises(age.AgePayloadDamaged):  # random access: before any plaintext
            age.decrypt([ME], io.BytesIO(part))
        (tmp_path / "cut.age").write_bytes(part)
        with (tmp_path / "cut.age").open("rb") as f, pytest.raises(age.AgePayloadDamaged):
            age.decrypt([ME], f)
    with pytest.raises(age.AgeHeaderInvalid):  # the nonce itself is cut
        age.decrypt([ME], Unseekable(blob[: start - 3]))


@pytest.mark.parametrize("extra", [b"\0", b"x" * 17, os.urandom(ENCRYPTED_CHUNK)])
@pytest.mark.parametrize("size", [CHUNK + 5, 2 * CHUNK])
def test_data_appended_after_the_final_chunk(extra: bytes, size: int):
    data = os.urandom(size)
    blob = make(data) + extra
    released, error = read_all_or_error(open_seq(blob))
    assert isinstance(error, age.AgePayloadDamaged)  # never "success"
    # a short final chunk now runs into the extra bytes and fails to authenticate; a full one
    # authenticates (and is released, as age does) before the extra bytes are found
    assert released == (data if size % CHUNK == 0 else data[:CHUNK])
    with pytest.raises(age.AgePayloadDamaged):
        age.decrypt([ME], io.BytesIO(blob))


def forged(chunks: list[tuple[bytes, bool]]) -> bytes:
    """A file for ME whose payload chunks are given as (plaintext, final flag)."""
    file_key = os.urandom(16)
    head = age_header.encode(ME.recipient.wrap(file_key), file_key)
    nonce = os.urandom(NONCE_SIZE)
    aead = ChaCha20Poly1305(bytes(payload_key(file_key, nonce)))
    body = b"".join(
        aead.encrypt(i.to_bytes(11, "big") + (b"\1" if last else b"\0"), plain, None)
        for i, (plain, last) in enumerate(chunks)
    )
    return head + nonce + body


def test_empty_final_chunk_rules():
    full = os.urandom(CHUNK)
    assert open_seq(forged([(b"", True)])).read() == b""  # an empty file: one empty chunk
    blob = forged([(full, False), (b"", True)])  # an empty final chunk after a full one
    released, error = read_all_or_error(open_seq(blob))
    assert isinstance(error, age.AgePayloadDamaged) and released == full
    with pytest.raises(age.AgePayloadDamaged):
        age.decrypt([ME], io.BytesIO(blob))
    short = forged([(b"abc", False), (b"def", True)])  # a short chunk that is not final
    assert read_all_or_error(open_seq(short))[0] == b""
    assert open_seq(forged([(full, True)])).read() == full  # a full final chunk is fine


@pytest.mark.parametrize("chunk", [0, 1, 3])
def test_tampered_chunk_is_never_released(chunk: int):
    data = os.urandom(3 * CHUNK + 100)
    blob = bytearray(make(data))
    blob[header_length(bytes(blob)) + chunk * ENCRYPTED_CHUNK + 5] ^= 1
    released, error = read_all_or_error(open_seq(bytes(blob)))
    assert isinstance(error, age.AgePayloadDamaged)
    assert released == data[: chunk * CHUNK]
    reader = None
    try:
        reader = age.decrypt([ME], io.BytesIO(bytes(blob)))
    except age.AgePayloadDamaged:
        assert chunk == 3  # the final chunk is checked when opening
    if reader is not None:
        reader.seek(chunk * CHUNK + 10)
        with pytest.raises(age.AgePayloadDamaged):
            reader.read(5)
        with pytest.raises(age.AgePayloadDamaged):  # and it stays failed
            reader.seek(0)
            reader.read(5)


@pytest.mark.parametrize("mode", ["sequential", "random access"])
def test_no_unauthenticated_plaintext_is_left_behind(mode: str):
    """cryptography's decrypt_into writes the plaintext before it checks the tag: after a
    failure, neither the caller's buffer nor the reader may hold the failing chunk's text."""
    data = b"".join(bytes([65 + k]) * CHUNK for k in range(3)) + b"Z" * 10
    blob = bytearray(make(data))
    tag_end = header_length(bytes(blob)) + 2 * ENCRYPTED_CHUNK
    blob[tag_end - 1] ^= 1  # only chunk 1's tag: its ciphertext still decrypts to "BBBB…"
    f = Unseekable(bytes(blob)) if mode == "sequential" else io.BytesIO(bytes(blob))
    reader = age.decrypt([ME], f)
    buf = bytearray(3 * CHUNK)
    if mode == "random access":
        reader.seek(CHUNK)
    with pytest.raises(age.AgePayloadDamaged):
        while reader.readinto(buf):
            pass
    assert b"BBBB" not in buf
    assert b"BBBB" not in reader._plain
    reader.close()


@pytest.mark.parametrize("source", ["memory", "file"])
def test_random_access_across_chunk_boundaries(source: str, tmp_path: Path):
    data = os.urandom(5 * CHUNK + 777)
    blob = make(data)
    if source == "file":  # a real descriptor: chunks are read with preadv, no seeking
        (tmp_path / "f.age").write_bytes(blob)
        f: io.BufferedIOBase = (tmp_path / "f.age").open("rb")
    else:
        f = io.BytesIO(blob)
    reader = age.decrypt([ME], f)
    assert reader.seekable() and reader.size == len(data)
    rng = random.Random(5)
    points = [k * CHUNK + d for k in range(6) for d in (-2, -1, 0, 1)] + [rng.randrange(len(data))]
    for start in points:
        for length in (1, 3, CHUNK, CHUNK + 3, 3 * CHUNK):
            if start < 0:
                continue
            assert reader.seek(start) == start
            assert reader.read(length) == data[start : start + length], (start, length)
            assert reader.tell() == min(start + length, max(start, len(data)))
    assert reader.seek(-10, io.SEEK_END) == len(data) - 10
    assert reader.read() == data[-10:]
    reader.seek(CHUNK - 5)
    reader.seek(10, io.SEEK_CUR)
    assert reader.read(4) == data[CHUNK + 5 : CHUNK + 9]
    reader.seek(len(data) + 100)
    assert reader.read(10) == b""
    with pytest.raises(ValueError):
        reader.seek(-1)


def test_sequential_reader_cannot_seek():
    reader = open_seq(make(b"hello"))
    assert not reader.seekable() and reader.size is None
    with pytest.raises(io.UnsupportedOperation):
        reader.seek(0)
    with pytest.raises(ValueError):
        age.decrypt([ME], Unseekable(make(b"x")), random_access=True)


def test_random_access_reads_one_zip_member():
    """What open-export needs: a member of an encrypted ZIP, without decrypting the rest."""
    members = {"a.bin": os.urandom(3 * CHUNK), "manifest.json": b'{"x": 1}', "z.bin": b"z" * 99}
    plain = io.BytesIO()
    with zipfile.ZipFile(plain, "w", zipfile.ZIP_STORED) as z:
        for name, content in members.items():
            z.writestr(name, content)
    reader = age.decrypt([ME], io.BytesIO(make(plain.getvalue())))
    with zipfile.ZipFile(reader) as z:
        assert z.read("manifest.json") == members["manifest.json"]
        assert hashlib.sha256(z.read("a.bin")).digest() == hashlib.sha256(members["a.bin"]).digest()


def test_aborted_or_dropped_writer_is_never_sealed():
    data = os.urandom(CHUNK + 10)
    out = io.BytesIO()
    with pytest.raises(RuntimeError), age.encrypt([ME.recipient], out) as w:
        w.write(data)
        raise RuntimeError("the producer failed")
    with pytest.raises(ValueError):
        w.close()  # closing after a failure must not seal it
    _, error = read_all_or_error(open_seq(out.getvalue()))
    assert isinstance(error, age.AgePayloadDamaged)
    out2 = io.BytesIO()
    w2 = age.encrypt([ME.recipient], out2)
    w2.write(data)
    del w2
    gc.collect()
    assert isinstance(read_all_or_error(open_seq(out2.getvalue()))[1], age.AgePayloadDamaged)


def test_failing_output_aborts_the_writer():
    class Full(io.RawIOBase):
        def __init__(self) -> None:
            self.written = 0

        def writable(self) -> bool:
            return True

        def write(self, b: object) -> int:
            n = len(memoryview(b))  # type: ignore[arg-type]
            if self.written + n > 3 * CHUNK:
                raise OSError(28, "No space left on device")
            self.written += n
            return n

    w = age.encrypt([ME.recipient], Full())
    with pytest.raises(OSError):
        w.write(os.urandom(5 * CHUNK))
    assert w.closed
    with pytest.raises(ValueError):
        w.write(b"more")


@pytest.mark.parametrize("armor", [False, True])
def test_short_writes_of_a_raw_output_are_completed(armor: bool):
    class Trickle(io.RawIOBase):
        """A raw output that takes at most 100 bytes per call, as a pipe or socket may."""

        def __init__(self) -> None:
            self.data = bytearray()

        def writable(self) -> bool:
            return True

        def write(self, b: object) -> int:
            view = memoryview(b)  # type: ignore[arg-type]
            self.data += view[:100]
            return min(100, len(view))

    data = os.urandom(2 * CHUNK + 3)
    out = Trickle()
    with age.encrypt([ME.recipient], out, armor=armor) as w:
        w.write(data)
    assert age.decrypt([ME], io.BytesIO(bytes(out.data))).read() == data
