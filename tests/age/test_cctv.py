"""All 143 C2SP/CCTV age vectors against our implementation, none skipped.

Each vector is decrypted twice: sequentially (a pipe-like input) and with random access (a
seekable input). A failure must be of the kind the vector names (by exception class and its
``kind``); a success must give the payload's SHA-256. For payload failures read sequentially,
*exactly* the plaintext age itself would have released before the error must have come out
(the vector's hash covers it) — no more, so nothing of the failing chunk. With random access
the failure may come earlier (the size is checked first), so only a prefix is required.

The encoders are checked against the same vectors: every parsable header re-encodes to the
same bytes, every armor re-encodes to the same text (up to CRLF and outer whitespace), and
every successful payload re-encrypts to the same ciphertext from its file key and nonce.
"""

from __future__ import annotations

import hashlib
import io

import pytest

from defender_desk import age
from defender_desk.age import header as age_header
from defender_desk.age.armor import ArmorReader, ArmorWriter
from defender_desk.age.source import Source
from defender_desk.age.stream import CHUNK, NONCE_SIZE, AgeWriter, payload_key
from defender_desk.secret import Secret
from tests.age.conftest import Unseekable, Vector, all_vectors

VECTORS = all_vectors()
IDS = [v.name for v in VECTORS]
CLASSES: dict[str, type[age.AgeDecryptError]] = {
    "header failure": age.AgeHeaderInvalid,
    "armor failure": age.AgeArmorInvalid,
    "no match": age.AgeNoMatch,
    "HMAC failure": age.AgeHeaderTampered,
    "payload failure": age.AgePayloadDamaged,
}


def test_the_vectors_are_all_there():
    assert len(VECTORS) == 143
    kinds = {v.expect for v in VECTORS}
    assert kinds == {"success", *CLASSES}
    assert sum(1 for v in VECTORS if any("-PQ-" in i for i in v.identities)) == 19


def identities(v: Vector) -> list[age.Identity]:
    found: list[age.Identity] = [age.parse_identity(i) for i in v.identities]
    found += [age.ScryptIdentity(Secret(p.encode())) for p in v.passphrases]
    return found or [age.X25519Identity.generate()]  # "empty" files: any identity at all


def read_until_error(reader: age.AgeReader) -> tuple[bytes, BaseException | None]:
    out = bytearray()
    try:
        while data := reader.read(10_000):
            out += data
    except age.AgeDecryptError as e:
        return bytes(out), e
    return bytes(out), None


def check_kind(error: BaseException | None, v: Vector) -> None:
    if v.expect == "success":
        assert error is None, (v.name, error)
        return
    assert error is not None, (v.name, "succeeded")
    assert type(error) is CLASSES[v.expect] or (
        v.expect == "header failure" and isinstance(error, age.ScryptWorkFactorTooHigh)
    ), (v.name, type(error))
    assert isinstance(error, CLASSES[v.expect]) and error.kind == v.expect


@pytest.mark.parametrize("v", VECTORS, ids=IDS)
def test_sequential(v: Vector):
    plain, error = b"", None
    try:
        reader = age.decrypt(identities(v), Unseekable(v.body))
        assert not reader.seekable()
        plain, error = read_until_error(reader)
    except age.AgeDecryptError as e:
        error = e
    check_kind(error, v)
    if v.payload is not None:  # success, or what was released before a payload failure
        assert hashlib.sha256(plain).hexdigest() == v.payload, (v.name, len(plain))


@pytest.mark.parametrize("v", VECTORS, ids=IDS)
def test_random_access(v: Vector):
    plain, error = b"", None
    try:
        reader = age.decrypt(identities(v), io.BytesIO(v.body))
        assert reader.seekable() is (not v.armored)
        plain, error = read_until_error(reader)
    except age.AgeDecryptError as e:
        error = e
    check_kind(error, v)
    if v.expect == "success":
        assert hashlib.sha256(plain).hexdigest() == v.payload
    elif v.expect == "payload failure" and plain:
        full, _ = read_until_error(age.decrypt(identities(v), Unseekable(v.body)))
        assert full.startswith(plain)


HEADERS = [v for v in VECTORS if not v.armored and v.expect != "header failure"]


@pytest.mark.parametrize("v", HEADERS, ids=[v.name for v in HEADERS])
def test_header_reencodes_identically(v: Vector):
    src = Source(io.BytesIO(v.body))
    head = age_header.parse(src)
    again = age_header.encode_without_mac(head.stanzas)
    assert again == head.raw
    assert again + b" " + age_header.b64encode(head.mac) + b"\n" == v.body[: head.length]


SUCCESSES = [v for v in VECTORS if v.expect == "success" and not v.armored]


@pytest.mark.parametrize("v", SUCCESSES, ids=[v.name for v in SUCCESSES])
def test_payload_reencrypts_identically(v: Vector):
    assert v.file_key is not None
    head = age_header.parse(Source(io.BytesIO(v.body)))
    start = head.length
    nonce = v.body[start : start + NONCE_SIZE]
    plain = age.decrypt(identities(v), io.BytesIO(v.body)).read()
    out = io.BytesIO()
    writer = AgeWriter(payload_key(v.file_key, nonce), out)
    for i in range(0, len(plain), 7 * CHUNK // 3):  # odd write sizes across chunk borders
        writer.write(plain[i : i + 7 * CHUNK // 3])
    writer.close()
    assert out.getvalue() == v.body[start + NONCE_SIZE :]


ARMORED = [v for v in VECTORS if v.armored and v.expect != "armor failure"]


@pytest.mark.parametrize("v", ARMORED, ids=[v.name for v in ARMORED])
def test_armor_reencodes_identically(v: Vector):
    decoded = bytearray()
    reader = ArmorReader(Source(io.BytesIO(v.body)))
    buf = bytearray(1000)
    while n := reader.readinto(buf):
        decoded += buf[:n]
    out = io.BytesIO()
    writer = ArmorWriter(out)
    writer.write(decoded)
    writer.close()
    expect = v.body.replace(b"\r\n", b"\n").strip() + b"\n"
    assert out.getvalue() == expect
