"""``vault.key``: the keyslot header that wraps the master key.

Layout (big-endian, fixed size whatever slots are in use)::

    magic "DDVAULT\\0" (8) | version u16 | kdf id u8 | memory KiB u32 | iterations u32 |
    lanes u32 | salt (32) | vault id (16) | generation u64 | 4 × slot

    slot = nonce (12) | ChaCha20-Poly1305( role (1) ‖ master key (32) ) (49)

Associated data of slot *i* = every header byte before the slots ‖ *i*: magic, version, KDF
parameters, salt, vault id and generation are all authenticated by every slot, so an edited
field or a header from another vault fails like a wrong passphrase. Unused slots are random
bytes of the same length. Every write re-encrypts the used slots with fresh nonces, refills the
unused ones and shuffles positions, so two copies of the header do not show which slot changed.

The generation counter is mirrored in the database; a header older than the database is refused
(:class:`HeaderRolledBack`). One Argon2id derivation per unlock; every slot is tried with it.
"""

from __future__ import annotations

import enum
import secrets
import struct
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from defender_desk.errors import N_, NewerFormat, VaultDamaged, WrongSecret
from defender_desk.secret import Secret
from defender_desk.vault.kdf import KEY_LEN, SALT_LEN, KdfParams, derive

MAGIC = b"DDVAULT\x00"
VERSION = 1
KDF_ARGON2ID = 1
SLOT_COUNT = 4
NONCE_LEN = 12
TAG_LEN = 16
SLOT_PLAIN_LEN = 1 + KEY_LEN
SLOT_LEN = NONCE_LEN + SLOT_PLAIN_LEN + TAG_LEN
VAULT_ID_LEN = 16
_PREFIX = struct.Struct(f">8sHBIII{SALT_LEN}s{VAULT_ID_LEN}sQ")
HEADER_LEN = _PREFIX.size + SLOT_COUNT * SLOT_LEN

# Refuse parameters a hostile header could use to hang or exhaust the machine.
_MAX_MEMORY_KIB = 4 * 1024 * 1024
_MAX_ITERATIONS = 64
_MAX_LANES = 64


class Role(enum.IntEnum):
    PASSPHRASE = 1
    RECOVERY = 2


@dataclass(frozen=True)
class Header:
    version: int
    kdf: KdfParams
    salt: bytes
    vault_id: bytes
    generation: int
    slots: tuple[bytes, ...]

    def prefix(self) -> bytes:
        return _PREFIX.pack(
            MAGIC,
            self.version,
            KDF_ARGON2ID,
            self.kdf.memory_kib,
            self.kdf.iterations,
            self.kdf.lanes,
            self.salt,
            self.vault_id,
            self.generation,
        )

    def to_bytes(self) -> bytes:
        return self.prefix() + b"".join(self.slots)


def _ad(prefix: bytes, index: int) -> bytes:
    return prefix + bytes([index])


def parse(untrusted_header: bytes) -> Header:
    """Parse and sanity-check a header. Raises :class:`VaultDamaged` subclasses."""
    if len(untrusted_header) < len(MAGIC) or untrusted_header[: len(MAGIC)] != MAGIC:
        if not untrusted_header:
            raise VaultDamaged(what=N_("the key file is empty"))
        raise VaultDamaged(what=N_("the key file is not a Defender Desk key file"))
    if len(untrusted_header) < _PREFIX.size:
        raise VaultDamaged(what=N_("the key file is truncated"))
    _magic, version, kdf_id, memory, iterations, lanes, salt, vault_id, generation = (
        _PREFIX.unpack_from(untrusted_header)
    )
    if version > VERSION:
        raise NewerFormat(found=version)
    if version != VERSION or kdf_id != KDF_ARGON2ID:
        raise VaultDamaged(what=N_("the key file has an unknown format"))
    if len(untrusted_header) != HEADER_LEN:
        what = N_("the key file is truncated") if len(untrusted_header) < HEADER_LEN else None
        raise VaultDamaged(what=what or N_("the key file has extra bytes"))
    if (
        not (8 <= memory <= _MAX_MEMORY_KIB and 1 <= iterations <= _MAX_ITERATIONS and 1 <= lanes)
        or lanes > _MAX_LANES
    ):
        raise VaultDamaged(what=N_("the key file has impossible parameters"))
    body = untrusted_header[_PREFIX.size :]
    slots = tuple(body[i * SLOT_LEN : (i + 1) * SLOT_LEN] for i in range(SLOT_COUNT))
    return Header(version, KdfParams(memory, iterations, lanes), salt, vault_id, generation, slots)


def build(
    *,
    kdf: KdfParams,
    salt: bytes,
    vault_id: bytes,
    generation: int,
    master_key: Secret,
    keks: dict[Role, Secret],
) -> Header:
    """A fresh header: every used slot re-encrypted with a fresh nonce, unused ones random."""
    if len(master_key) != KEY_LEN or not keks or len(keks) > SLOT_COUNT:
        raise ValueError("bad key material")
    skeleton = Header(VERSION, kdf, salt, vault_id, generation, ())
    prefix = skeleton.prefix()
    positions = list(range(SLOT_COUNT))
    secrets.SystemRandom().shuffle(positions)
    slots: list[bytes] = [secrets.token_bytes(SLOT_LEN) for _ in range(SLOT_COUNT)]
    for pos, (role, kek) in zip(positions, sorted(keks.items()), strict=False):
        plain = bytearray([int(role)]) + master_key.buffer
        nonce = secrets.token_bytes(NONCE_LEN)
        try:
            slots[pos] = nonce + ChaCha20Poly1305(bytes(kek.buffer)).encrypt(
                nonce, bytes(plain), _ad(prefix, pos)
            )
        finally:
            plain[:] = bytes(len(plain))
    return Header(VERSION, kdf, salt, vault_id, generation, tuple(slots))


@dataclass
class Opened:
    role: Role
    master_key: Secret
    kek: Secret


def open_with(header: Header, secret: Secret) -> Opened:
    """Derive once, try every slot. Raises :class:`WrongSecret` when none opens."""
    kek = derive(secret, header.salt, header.kdf)
    opened = open_with_kek(header, kek)
    if opened is None:
        kek.wipe()
        raise WrongSecret()
    return opened


def open_with_kek(header: Header, kek: Secret) -> Opened | None:
    prefix = header.prefix()
    aead = ChaCha20Poly1305(bytes(kek.buffer))
    for index, slot in enumerate(header.slots):
        try:
            plain = bytearray(aead.decrypt(slot[:NONCE_LEN], slot[NONCE_LEN:], _ad(prefix, index)))
        except InvalidTag:
            continue
        try:
            role = Role(plain[0])
            return Opened(role=role, master_key=Secret(plain[1:]), kek=kek)
        except ValueError:
            continue
        finally:
            plain[:] = bytes(len(plain))
    return None


def new_salt() -> bytes:
    return secrets.token_bytes(SALT_LEN)


def new_vault_id() -> bytes:
    return secrets.token_bytes(VAULT_ID_LEN)
