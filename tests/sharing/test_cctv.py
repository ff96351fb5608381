"""The C2SP/CCTV age test vectors against open-export: the right kind of failure for each
failure vector, the right payload for each success, and never any plaintext left behind.

The vectors live beside the repository (``../shared/testdata/cctv-age``); the 19 that need a
post-quantum identity are skipped. Exports are never passphrase-encrypted, so open-export
refuses every ``scrypt`` vector before decrypting (kind ``passphrase``); the same vectors go
through the passphrase-protected identity path (``--identity``), which must classify them
exactly.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyrage
import pytest

from defender_desk.errors import WrongSecret
from defender_desk.secret import Secret
from defender_desk.sharing.open_export import (
    AgeFileRefused,
    NotAnExport,
    NotForYou,
    dearmor,
    decrypt_passphrase_protected,
    decrypt_to_memory,
)
from defender_desk.sharing.zipstream import ZipRefused
from tests.sharing.conftest import files_under, make_desk

REPO = Path(__file__).resolve().parents[2]
VECTORS = REPO.parent / "shared" / "testdata" / "cctv-age"
KINDS = {
    "header failure": "header",
    "armor failure": "armor",
    "no match": "no match",
    "HMAC failure": "HMAC",
    "payload failure": "payload",
}


@dataclass
class Vector:
    name: str
    expect: str
    payload: str | None
    identities: list[str]
    passphrases: list[str]
    body: bytes

    @property
    def post_quantum(self) -> bool:
        return any(i.upper().startswith("AGE-SECRET-KEY-PQ-") for i in self.identities)


def load(path: Path) -> Vector:
    raw = path.read_bytes()
    head, _, body = raw.partition(b"\n\n")
    fields: dict[str, list[str]] = {}
    for line in head.decode().splitlines():
        key, _, value = line.partition(": ")
        fields.setdefault(key, []).append(value)
    if fields.get("compressed") == ["zlib"]:
        body = zlib.decompress(body)
    return Vector(
        name=path.name,
        expect=fields["expect"][0],
        payload=fields.get("payload", [None])[0],
        identities=fields.get("identity", []),
        passphrases=fields.get("passphrase", []),
        body=body,
    )


def all_vectors() -> list[Vector]:
    if not VECTORS.is_dir():
        pytest.fail(f"the age test vectors are missing: {VECTORS}")
    return [load(p) for p in sorted(VECTORS.iterdir()) if p.name != "README.md"]


VECTOR_LIST = all_vectors()
USABLE = [v for v in VECTOR_LIST if not v.post_quantum]


def test_the_vectors_are_there():
    assert len(VECTOR_LIST) == 143
    assert len(USABLE) == 124


def kind_of(exc: BaseException) -> str:
    if isinstance(exc, AgeFileRefused):
        return exc.kind
    if isinstance(exc, WrongSecret):
        return "no match"
    if isinstance(exc, NotAnExport | ZipRefused):
        return "not an export"
    raise exc


def has_scrypt_stanza(v: Vector) -> bool:
    body = v.body
    if b"-----BEGIN" in body[:100]:
        try:
            body = dearmor(body)
        except AgeFileRefused:
            return False
    return b"\n-> scrypt " in body.split(b"\n---", 1)[0]


def write_identities(v: Vector, folder: Path) -> Path | None:
    if not v.identities:
        return None
    path = folder / "identities.txt"
    path.write_text("".join(i + "\n" for i in v.identities))
    return path


@pytest.fixture(scope="module")
def receiver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    desk, _ = make_desk(tmp_path_factory.mktemp("receiver") / "vault", "lawyer pass")
    yield desk
    desk.lock()


@pytest.mark.parametrize("v", USABLE, ids=[v.name for v in USABLE])
def test_open_export_on_vector(v: Vector, receiver: Any, tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    source = folder / "received.age"
    source.write_bytes(v.body)
    ids = write_identities(v, folder)
    before = files_under(tmp_path)
    with pytest.raises(Exception) as info:
        receiver.open_export(source, identity_file=ids).close()
    got = kind_of(info.value)
    if has_scrypt_stanza(v):
        # exports are never passphrase-encrypted: refused before decrypting (or the header is
        # malformed already, which is found first)
        allowed = {"passphrase"} | ({"header"} if v.expect == "header failure" else set())
    elif v.expect == "success":
        allowed = {"not an export"}  # decrypted fine; the payload is not a ZIP
    else:
        allowed = {KINDS[v.expect]}
    assert got in allowed, (v.name, v.expect, got)
    after = files_under(tmp_path)
    assert set(after) - set(before) <= {p for p in after if "vault.db" in p}, set(after) - set(
        before
    )


@pytest.mark.parametrize(
    "v", [v for v in USABLE if not v.passphrases], ids=[v.name for v in USABLE if not v.passphrases]
)
def test_decryption_layer_on_vector(v: Vector):
    """The layer open-export uses: the payload's hash for successes, the kind for failures,
    and for failures nothing at all is released."""
    identities = [pyrage.x25519.Identity.from_str(i) for i in v.identities]
    if v.expect == "success":
        plain = decrypt_to_memory(v.body, identities)
        assert hashlib.sha256(plain).hexdigest() == v.payload
        return
    with pytest.raises(Exception) as info:
        decrypt_to_memory(v.body, identities)
    assert kind_of(info.value) == KINDS[v.expect], (v.name, v.expect)


SCRYPT = [v for v in USABLE if v.passphrases]


@pytest.mark.parametrize("v", SCRYPT, ids=[v.name for v in SCRYPT])
def test_passphrase_protected_identity_path_on_vector(v: Vector):
    """``--identity`` accepts an ``age -p`` file: the scrypt vectors must classify exactly,
    with the work factor capped (scrypt_work_factor_23 is refused without deriving)."""
    passphrase = Secret(v.passphrases[0].encode())
    if v.expect == "success":
        plain = decrypt_passphrase_protected(v.body, passphrase)
        assert hashlib.sha256(plain).hexdigest() == v.payload
        return
    with pytest.raises(Exception) as info:
        decrypt_passphrase_protected(v.body, passphrase)
    assert kind_of(info.value) == KINDS[v.expect], (v.name, v.expect)


def test_cli_exit_codes_on_one_vector_of_each_kind(lawyer, scli, tmp_path):
    lawyer.lock()
    chosen: dict[str, Vector] = {}
    for v in USABLE:
        key = "scrypt" if v.passphrases else v.expect
        chosen.setdefault(key, v)
    assert set(chosen) == {"success", "scrypt", *KINDS}
    for key, v in chosen.items():
        folder = tmp_path / v.name
        folder.mkdir()
        source = folder / "received.age"
        source.write_bytes(v.body)
        args = ["open-export", str(source)]
        ids = write_identities(v, folder)
        if ids is not None:
            args += ["--identity", str(ids)]
        before = files_under(folder)
        r = scli(lawyer.paths.root, args, ["lawyer pass"], cwd=folder)
        assert r.code == 1, (key, v.name, r.code, r.err)
        assert "error:" in r.err and "Traceback" not in r.err
        assert files_under(folder) == before, key
        # the only thing on stdout is the verdict (issue 13, item 5): never a partial listing
        lines = r.out.splitlines()
        assert len(lines) == 1 and lines[0].startswith("NOT VERIFIED: "), (key, r.out)
        assert lines[0].removeprefix("NOT VERIFIED: ") in r.err


def test_no_match_is_not_confused_with_damage(lawyer, tmp_path):
    v = next(v for v in USABLE if v.name == "x25519")
    source = tmp_path / "x.age"
    source.write_bytes(v.body)
    with pytest.raises(NotForYou):
        lawyer.open_export(source)  # the vault's own key is not the vector's
