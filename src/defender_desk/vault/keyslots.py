"""``vault.key``: the keyslot header that wraps the master key.

Format 2 (written by this version; big-endian, 494 bytes whatever slots are in use)::

    magic "DDVAULT\\0" (8) | version u16 = 2 | vault id (16) | generation u64 |
    4 × slot (107) | SHA-256 of every byte before it (32)

    slot = role u8 (0 = unused) | kdf id u8 (1 = Argon2id) | memory KiB u32 | passes u32 |
           lanes u32 | salt (32) | nonce (12) | ChaCha20-Poly1305( role ‖ master key ) (49)

**Each slot has its own salt and Argon2id parameters**, and its role in the clear, so that
unlocking with the passphrase (or the recovery code) costs one derivation, with that slot's
parameters, and so that the slots are *independent*: changing the passphrase, or strengthening
its derivation, rewrites the passphrase slot only and copies the recovery slot byte for byte.
That is what lets the app keep **no key that opens the recovery slot** (format 1 kept the
recovery key-encryption key inside the database to re-encrypt that slot): the recovery slot is
made only where the recovery code is typed (creation, recovery, rotation, strengthening with the
code).

Associated data of slot *i*: magic ‖ version ‖ vault id ‖ *i* ‖ the slot's own clear fields
(role, kdf id, parameters, salt) — and, for the passphrase slot, the generation. So an edited
field, a slot moved to another position or copied from another vault, or an old header whose
generation was raised to pass the rollback check, fails like a wrong passphrase. The recovery
slot does not bind the generation (it must survive passphrase changes unchanged); an old
recovery slot opens only the master key it was made with, which key rotation replaces.

Unused slots are role 0 followed by random bytes. Every write makes the passphrase slot anew
(fresh nonce, at a random free position) and refills the unused slots.

**Checksum.** The last 32 bytes are an unkeyed SHA-256 of the rest. It tells *accidental*
damage (a flipped bit, a truncated copy) apart from a wrong passphrase, before any derivation.
It proves nothing against someone who edits the file on purpose: he recomputes it, and then an
edit shows up only as a slot that does not open — indistinguishable from a wrong passphrase.

**Bounded parameters.** A hostile header could ask for gigabytes of memory and minutes of
work before the slot's authentication can fail. So :func:`parse` refuses, before any
derivation, memory above :data:`MAX_MEMORY_KIB` (1 GiB, the most calibration ever picks),
more than :data:`MAX_PASSES` passes or :data:`MAX_LANES` lanes — absolute limits for this
format version, since anything recorded inside the header can be edited along with the
parameters themselves (and the copy in the database can only be read *after* deriving).

Format 1 (the 323-byte header of earlier versions: one salt and one set of parameters for all
slots, no roles in the clear, every field in every slot's associated data) is still parsed and
opened; the store rewrites it as format 2 at the first unlock (see
:func:`defender_desk.vault.store.open_vault`).

The generation counter is mirrored in the database; a header older than the database is refused
(:class:`HeaderRolledBack`).
"""

from __future__ import annotations

import enum
import hashlib
import secrets
import struct
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from defender_desk.errors import N_, NewerFormat, VaultDamaged, WrongSecret
from defender_desk.secret import Secret
from defender_desk.vault.kdf import KEY_LEN, SALT_LEN, KdfParams, derive

MAGIC = b"DDVAULT\x00"
VERSION = 2
KDF_ARGON2ID = 1
SLOT_COUNT = 4
NONCE_LEN = 12
TAG_LEN = 16
VAULT_ID_LEN = 16
SLOT_PLAIN_LEN = 1 + KEY_LEN
SEALED_LEN = NONCE_LEN + SLOT_PLAIN_LEN + TAG_LEN  # 61
CHECKSUM_LEN = 32

# -- format 2 ----------------------------------------------------------------------------------
_PREFIX = struct.Struct(f">8sH{VAULT_ID_LEN}sQ")
_SLOT_HEAD = struct.Struct(f">BBIII{SALT_LEN}s")
SLOT_LEN = _SLOT_HEAD.size + SEALED_LEN  # 107
HEADER_LEN = _PREFIX.size + SLOT_COUNT * SLOT_LEN + CHECKSUM_LEN  # 494

# -- format 1 (read only) ----------------------------------------------------------------------
_V1_PREFIX = struct.Struct(f">8sHBIII{SALT_LEN}s{VAULT_ID_LEN}sQ")
V1_HEADER_LEN = _V1_PREFIX.size + SLOT_COUNT * SEALED_LEN  # 323

#: Absolute limits for a header of this format, checked before any derivation.
MAX_MEMORY_KIB = 1024 * 1024
MAX_PASSES = 8
MAX_LANES = 8
_MIN_MEMORY_KIB = 8


class Role(enum.IntEnum):
    PASSPHRASE = 1
    RECOVERY = 2


@dataclass(frozen=True)
class Slot:
    """One slot as stored. ``role`` is 0 for an unused slot (then ``kdf``/``salt`` are
    meaningless and ``sealed`` is random)."""

    role: int
    kdf: KdfParams
    salt: bytes
    sealed: bytes  # nonce ‖ ciphertext ‖ tag

    def head(self) -> bytes:
        return _SLOT_HEAD.pack(
            self.role,
            KDF_ARGON2ID,
            self.kdf.memory_kib,
            self.kdf.iterations,
            self.kdf.lanes,
            self.salt,
        )

    def to_bytes(self) -> bytes:
        return self.head() + self.sealed

    @property
    def used(self) -> bool:
        return self.role != 0


@dataclass(frozen=True)
class Header:
    version: int
    vault_id: bytes
    generation: int
    slots: tuple[Slot, ...]
    #: format 1 only: the raw header bytes (its slots are opened with the v1 rules)
    v1_raw: bytes | None = None

    # -- compatibility views -----------------------------------------------------------------
    def slot_for(self, role: Role) -> Slot | None:
        for slot in self.slots:
            if slot.role == role:
                return slot
        return None

    @property
    def kdf(self) -> KdfParams:
        """The passphrase slot's Argon2id parameters (what an unlock costs)."""
        slot = self.slot_for(Role.PASSPHRASE)
        return slot.kdf if slot is not None else self.slots[0].kdf

    @property
    def salt(self) -> bytes:
        slot = self.slot_for(Role.PASSPHRASE)
        return slot.salt if slot is not None else self.slots[0].salt

    def to_bytes(self) -> bytes:
        if self.v1_raw is not None:
            return self.v1_raw
        body = _PREFIX.pack(MAGIC, self.version, self.vault_id, self.generation) + b"".join(
            s.to_bytes() for s in self.slots
        )
        return body + hashlib.sha256(body).digest()


def _ad(header: Header, index: int, slot: Slot) -> bytes:
    ad = MAGIC + struct.pack(">H", header.version) + header.vault_id + bytes([index]) + slot.head()
    if slot.role == Role.PASSPHRASE:
        ad += struct.pack(">Q", header.generation)
    return ad


def _check_params(memory: int, passes: int, lanes: int) -> None:
    if not (
        _MIN_MEMORY_KIB <= memory <= MAX_MEMORY_KIB
        and 1 <= passes <= MAX_PASSES
        and 1 <= lanes <= MAX_LANES
    ):
        raise VaultDamaged(what=N_("the key file has impossible parameters"))


def parse(untrusted_header: bytes) -> Header:
    """Parse and sanity-check a header (format 2, or format 1 for migration). Raises
    :class:`VaultDamaged` subclasses, before any derivation."""
    raw = bytes(untrusted_header)
    if len(raw) < len(MAGIC) or raw[: len(MAGIC)] != MAGIC:
        if not raw:
            raise VaultDamaged(what=N_("the key file is empty"))
        raise VaultDamaged(what=N_("the key file is not a Defender Desk key file"))
    if len(raw) < len(MAGIC) + 2:
        raise VaultDamaged(what=N_("the key file is truncated"))
    (version,) = struct.unpack_from(">H", raw, len(MAGIC))
    if version == 1:
        return _parse_v1(raw)
    body, checksum = raw[:-CHECKSUM_LEN], raw[-CHECKSUM_LEN:]
    if len(raw) == HEADER_LEN and hashlib.sha256(body).digest() != checksum:
        # whatever the version field says: a file of exactly this size whose checksum fails
        # was damaged (a flipped bit, a bad copy), not written by another version
        raise VaultDamaged(what=N_("the key file is corrupted: its checksum does not match"))
    if version > VERSION:
        raise NewerFormat(found=version)
    if version != VERSION:
        raise VaultDamaged(what=N_("the key file has an unknown format"))
    if len(raw) != HEADER_LEN:
        if len(raw) < HEADER_LEN:
            raise VaultDamaged(what=N_("the key file is truncated"))
        raise VaultDamaged(what=N_("the key file has extra bytes"))
    _magic, _version, vault_id, generation = _PREFIX.unpack_from(body)
    slots: list[Slot] = []
    roles: list[int] = []
    for i in range(SLOT_COUNT):
        start = _PREFIX.size + i * SLOT_LEN
        role, kdf_id, memory, passes, lanes, salt = _SLOT_HEAD.unpack_from(body, start)
        sealed = body[start + _SLOT_HEAD.size : start + SLOT_LEN]
        if role:
            if role not in (Role.PASSPHRASE, Role.RECOVERY) or kdf_id != KDF_ARGON2ID:
                raise VaultDamaged(what=N_("the key file has an unknown format"))
            _check_params(memory, passes, lanes)
            roles.append(role)
            slots.append(Slot(role, KdfParams(memory, passes, lanes), salt, sealed))
        else:
            filler = body[start + 1 : start + SLOT_LEN]
            slots.append(_unused_from(filler))
    if len(set(roles)) != len(roles) or (
        Role.PASSPHRASE not in roles and Role.RECOVERY not in roles
    ):
        raise VaultDamaged(what=N_("the key file has an unknown format"))
    return Header(version, vault_id, generation, tuple(slots))


def _unused_from(filler: bytes) -> Slot:
    """An unused slot keeps its random filler bytes exactly (role 0 ‖ 106 bytes)."""
    head_rest = _SLOT_HEAD.size - 1
    fields = filler[:head_rest]
    _kdf_id, memory, passes, lanes, salt = struct.unpack(f">BIII{SALT_LEN}s", fields)
    return _UnusedSlot(0, KdfParams(memory, passes, lanes), salt, filler[head_rest:], fields)


@dataclass(frozen=True)
class _UnusedSlot(Slot):
    raw_head: bytes = b""

    def head(self) -> bytes:
        return b"\x00" + self.raw_head


def _random_unused() -> Slot:
    return _unused_from(secrets.token_bytes(SLOT_LEN - 1))


def _parse_v1(raw: bytes) -> Header:
    if len(raw) < _V1_PREFIX.size:
        raise VaultDamaged(what=N_("the key file is truncated"))
    _m, _v, kdf_id, memory, passes, lanes, salt, vault_id, generation = _V1_PREFIX.unpack_from(raw)
    if kdf_id != KDF_ARGON2ID:
        raise VaultDamaged(what=N_("the key file has an unknown format"))
    if len(raw) != V1_HEADER_LEN:
        if len(raw) < V1_HEADER_LEN:
            raise VaultDamaged(what=N_("the key file is truncated"))
        raise VaultDamaged(what=N_("the key file has extra bytes"))
    _check_params(memory, passes, lanes)
    params = KdfParams(memory, passes, lanes)
    body = raw[_V1_PREFIX.size :]
    # Format 1 does not say which slot is which: each is tried with the one derivation.
    slots = tuple(
        Slot(-1, params, salt, body[i * SEALED_LEN : (i + 1) * SEALED_LEN])
        for i in range(SLOT_COUNT)
    )
    return Header(1, vault_id, generation, slots, v1_raw=raw)


# -- building -----------------------------------------------------------------------------------


@dataclass
class SlotKey:
    """What makes a new slot: the key-encryption key and the salt and parameters it was
    derived with."""

    kek: Secret
    salt: bytes
    kdf: KdfParams


def _seal(
    header: Header, index: int, role: Role, key: SlotKey, master_key: Secret
) -> tuple[Slot, bytes]:
    slot = Slot(int(role), key.kdf, key.salt, b"")
    nonce = secrets.token_bytes(NONCE_LEN)
    plain = bytearray([int(role)]) + master_key.buffer
    try:
        ct = ChaCha20Poly1305(bytes(key.kek.buffer)).encrypt(
            nonce, bytes(plain), _ad(header, index, slot)
        )
    finally:
        plain[:] = bytes(len(plain))
    return Slot(int(role), key.kdf, key.salt, nonce + ct), ct


def build(
    *,
    vault_id: bytes,
    generation: int,
    master_key: Secret,
    new: dict[Role, SlotKey],
    keep: dict[Role, tuple[int, Slot]] | None = None,
) -> Header:
    """A format-2 header: the slots in ``new`` sealed afresh at random free positions, the
    slots in ``keep`` (role → (position, slot) from the current header) copied byte for byte,
    the others random."""
    keep = dict(keep or {})
    if len(master_key) != KEY_LEN or not (new or keep) or set(new) & set(keep):
        raise ValueError("bad key material")
    slots: list[Slot] = [_random_unused() for _ in range(SLOT_COUNT)]
    taken = set()
    for _role, (pos, slot) in keep.items():
        slots[pos] = slot
        taken.add(pos)
    free = [i for i in range(SLOT_COUNT) if i not in taken]
    secrets.SystemRandom().shuffle(free)
    skeleton = Header(VERSION, vault_id, generation, tuple(slots))
    for (role, key), pos in zip(sorted(new.items()), free, strict=False):
        slots[pos], _ct = _seal(skeleton, pos, role, key, master_key)
    return Header(VERSION, vault_id, generation, tuple(slots))


def kept_slot(header: Header, role: Role) -> tuple[int, Slot] | None:
    """Position and bytes of ``header``'s slot for ``role`` (format 2 only), to copy it."""
    if header.version != VERSION:
        return None
    for i, slot in enumerate(header.slots):
        if slot.role == role:
            return i, slot
    return None


# -- opening ------------------------------------------------------------------------------------


@dataclass
class Opened:
    role: Role
    master_key: Secret
    key: SlotKey

    @property
    def kek(self) -> Secret:
        return self.key.kek


def open_with(header: Header, secret: Secret, role: Role) -> Opened:
    """Derive once (with the parameters of ``role``'s slot) and open it. Raises
    :class:`WrongSecret` when it does not open."""
    if header.version == 1:
        first = header.slots[0]
        kek = derive(secret, first.salt, first.kdf)
        opened = open_with_kek(header, kek)
        if opened is None or opened.role is not role:
            if opened is not None:
                opened.master_key.wipe()
            kek.wipe()
            raise WrongSecret()
        return opened
    slot = header.slot_for(role)
    if slot is None:
        raise WrongSecret()
    kek = derive(secret, slot.salt, slot.kdf)
    opened = open_with_kek(header, kek)
    if opened is None or opened.role is not role:
        if opened is not None:
            opened.master_key.wipe()
        kek.wipe()
        raise WrongSecret()
    return opened


def open_with_kek(header: Header, kek: Secret) -> Opened | None:
    """Try ``kek`` on every used slot; None when none opens."""
    aead = ChaCha20Poly1305(bytes(kek.buffer))
    for index, slot in enumerate(header.slots):
        if header.version == 1:
            ad = header.v1_raw[: _V1_PREFIX.size] + bytes([index])  # type: ignore[index]
        elif not slot.used:
            continue
        else:
            ad = _ad(header, index, slot)
        sealed = slot.sealed
        try:
            plain = bytearray(aead.decrypt(sealed[:NONCE_LEN], sealed[NONCE_LEN:], ad))
        except InvalidTag:
            continue
        try:
            role = Role(plain[0])
            if header.version != 1 and role != slot.role:
                continue
            return Opened(role, Secret(plain[1:]), SlotKey(kek, slot.salt, slot.kdf))
        except ValueError:
            continue
        finally:
            plain[:] = bytes(len(plain))
    return None


def new_salt() -> bytes:
    return secrets.token_bytes(SALT_LEN)


def new_vault_id() -> bytes:
    return secrets.token_bytes(VAULT_ID_LEN)


def slot_key(secret: Secret, params: KdfParams) -> SlotKey:
    """A new slot key for ``secret``: a fresh salt, one derivation."""
    salt = new_salt()
    return SlotKey(derive(secret, salt, params), salt, params)
