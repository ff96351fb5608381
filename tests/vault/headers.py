"""Helpers for tests that edit ``vault.key`` as an attacker would (format 2)."""

from __future__ import annotations

import hashlib
import struct

from defender_desk.vault import keyslots

PREFIX = 8 + 2 + 16 + 8  # magic, version, vault id, generation
GENERATION_AT = 8 + 2 + 16


def reseal(raw: bytes | bytearray) -> bytes:
    """Recompute the header's unkeyed checksum (anyone can)."""
    body = bytes(raw[: -keyslots.CHECKSUM_LEN])
    return body + hashlib.sha256(body).digest()


def with_generation(raw: bytes, generation: int) -> bytes:
    out = bytearray(raw)
    out[GENERATION_AT : GENERATION_AT + 8] = struct.pack(">Q", generation)
    return reseal(out)


def slot_at(index: int) -> int:
    return PREFIX + index * keyslots.SLOT_LEN


def role_positions(raw: bytes) -> dict[int, int]:
    """role → slot position."""
    return {raw[slot_at(i)]: i for i in range(keyslots.SLOT_COUNT) if raw[slot_at(i)]}
