"""Bech32 (BIP-173, not bech32m) as age uses it: no 90-character limit, one case only.

age keys are Bech32 strings: ``age1…`` (X25519, 62 characters), ``age1pq1…`` (ML-KEM-768 +
X25519, 1,959 characters), ``AGE-SECRET-KEY-1…`` and ``AGE-SECRET-KEY-PQ-1…``. The checksum is
computed over the lowercase string; a string is all lowercase or all uppercase.

Secret keys pass through here, so both functions accept ``bytes``/``bytearray`` (a
:class:`~defender_desk.secret.Secret` buffer) as well as ``str``, return the data as a
``bytearray`` the caller can wipe, and never put the text in an exception.

:func:`decode` reports *why* a string is not valid Bech32 with a :class:`Bech32Error` whose
``problem`` is one of ``"case"``, ``"separator"``, ``"character"``, ``"checksum"``,
``"padding"``; :mod:`defender_desk.age.keys` turns it into a user-facing error.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Final

__all__ = ["CHARSET", "Bech32Error", "data_length", "decode", "encode"]

CHARSET: Final = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_VALUE: Final = {ord(c): i for i, c in enumerate(CHARSET)}
_GENERATOR: Final = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
MAX_LENGTH: Final = 8192  # age1pq1… is 1,959 characters; anything far longer is not a key


class Bech32Error(ValueError):
    """``problem`` names the failure; the message never holds the input."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


def _polymod(values: Iterable[int]) -> int:
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i, g in enumerate(_GENERATOR):
            if (top >> i) & 1:
                chk ^= g
    return chk


def _hrp_expand(hrp: Sequence[int]) -> list[int]:
    return [c >> 5 for c in hrp] + [0] + [c & 31 for c in hrp]


def data_length(n_bytes: int) -> int:
    """Characters after the separator for ``n_bytes`` of data (5-bit groups + 6 checksum)."""
    return (n_bytes * 8 + 4) // 5 + 6


def encode(hrp: str, data: bytes | bytearray | memoryview) -> bytearray:
    """Lowercase Bech32 of ``data`` under ``hrp``, as ASCII bytes (wipeable)."""
    hrp_b = hrp.lower().encode("ascii")
    if not hrp_b or any(not 33 <= c <= 126 for c in hrp_b):
        raise Bech32Error("separator")
    values: list[int] = []
    acc = bits = 0
    for byte in bytes(data):
        acc = ((acc << 8) | byte) & 0xFFF
        bits += 8
        while bits >= 5:
            bits -= 5
            values.append((acc >> bits) & 31)
    if bits:
        values.append((acc << (5 - bits)) & 31)
    polymod = _polymod([*_hrp_expand(hrp_b), *values, 0, 0, 0, 0, 0, 0]) ^ 1
    values += [(polymod >> 5 * (5 - i)) & 31 for i in range(6)]
    out = bytearray(hrp_b)
    out.append(ord("1"))
    out.extend(ord(CHARSET[v]) for v in values)
    values.clear()
    return out


def decode(text: str | bytes | bytearray) -> tuple[str, bytearray]:
    """``(hrp, data)`` of a Bech32 string, the hrp lowercased; raise :class:`Bech32Error`.

    The separator is the last ``1``. No length limit other than :data:`MAX_LENGTH`.
    """
    raw = bytearray(text.encode("ascii", "replace") if isinstance(text, str) else text)
    try:
        if len(raw) > MAX_LENGTH or any(not 33 <= c <= 126 for c in raw):
            raise Bech32Error("character")
        has_lower = any(97 <= c <= 122 for c in raw)
        has_upper = any(65 <= c <= 90 for c in raw)
        if has_lower and has_upper:
            raise Bech32Error("case")
        for i, c in enumerate(raw):
            if 65 <= c <= 90:
                raw[i] = c + 32
        sep = raw.rfind(b"1")
        if sep < 1 or len(raw) - sep - 1 < 6:
            raise Bech32Error("separator")
        hrp = bytes(raw[:sep])
        values = [_VALUE.get(c, -1) for c in raw[sep + 1 :]]
        if any(v < 0 for v in values):
            raise Bech32Error("character")
        if _polymod([*_hrp_expand(hrp), *values]) != 1:
            raise Bech32Error("checksum")
        out = bytearray()
        acc = bits = 0
        for v in values[:-6]:
            acc = ((acc << 5) | v) & 0xFFF
            bits += 5
            if bits >= 8:
                bits -= 8
                out.append((acc >> bits) & 0xFF)
        if bits >= 5 or (acc << (8 - bits)) & 0xFF:
            out[:] = bytes(len(out))
            raise Bech32Error("padding")
        values.clear()
        return hrp.decode("ascii"), out
    finally:
        raw[:] = bytes(len(raw))
