"""The age header (C2SP ``age.md``): parsed and written exactly, with its MAC.

::

    age-encryption.org/v1
    -> X25519 XEl0dJ6y3C7KZkgmgWUicg63EyXJiwBJW8PdYJ/cYBE
    qRS0AMjdjPvZ/WT08U2KL4G+PIooA3hy38SvLpvaC1E
    --- HK2NmOBN9Dpq0Gw6xMCuhFcQlQLvZ/wQUi/2scLG75s

The parser is strict, as the spec's ABNF and the CCTV vectors require: the exact version line;
at least one stanza; each ``-> arg…`` line with one or more arguments of visible ASCII
separated by single spaces; a body of canonical unpadded base64 in lines of exactly 64
characters ended by one shorter line (maybe empty); LF only (a CR is a failure); the MAC line
``--- `` and exactly 43 canonical base64 characters (32 bytes). Anything else is
:class:`~defender_desk.age.errors.AgeHeaderInvalid`. The header's size and number of stanzas
are capped (:data:`MAX_HEADER`, :data:`MAX_STANZAS`) so a hostile file cannot make us hold
much in memory.

The MAC is HMAC-SHA-256, keyed with HKDF-SHA-256(file key, salt empty, info ``header``), over
the header's exact bytes up to and including ``---``.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from defender_desk.age.errors import AgeHeaderInvalid, AgeHeaderTampered
from defender_desk.age.source import Source
from defender_desk.errors import N_

__all__ = [
    "MAX_HEADER",
    "MAX_STANZAS",
    "VERSION_LINE",
    "Header",
    "Stanza",
    "b64decode",
    "b64encode",
    "header_mac",
    "parse",
]

VERSION_LINE: Final = b"age-encryption.org/v1\n"
VERSION_PREFIX: Final = b"age-encryption.org/"
MAX_HEADER: Final = 4 << 20  # ~2,500 post-quantum stanzas
MAX_STANZAS: Final = 4096
_COLUMNS: Final = 64
_BYTES_PER_LINE: Final = 48
_B64: Final = re.compile(rb"[A-Za-z0-9+/]*")
_MAC_B64_LEN: Final = 43


def b64encode(data: bytes | bytearray | memoryview) -> bytes:
    """Unpadded standard base64 (the header's encoding)."""
    return base64.b64encode(data).rstrip(b"=")


def b64decode(text: bytes) -> bytes | None:
    """Canonical unpadded standard base64 → bytes; ``None`` if ``text`` is anything else
    (padding, whitespace, other characters, non-zero trailing bits, an impossible length)."""
    if not _B64.fullmatch(text) or len(text) % 4 == 1:
        return None
    try:
        data = binascii.a2b_base64(text + b"=" * (-len(text) % 4), strict_mode=True)
    except binascii.Error:
        return None
    return data if b64encode(data) == text else None


@dataclass(frozen=True)
class Stanza:
    """One recipient stanza: ``args[0]`` is its type (``X25519``, ``mlkem768x25519``, …)."""

    args: tuple[str, ...]
    body: bytes

    @property
    def type(self) -> str:
        return self.args[0]

    def encode(self) -> bytes:
        out = bytearray(b"-> " + " ".join(self.args).encode("ascii") + b"\n")
        enc = b64encode(self.body)
        for i in range(0, len(enc), _COLUMNS):
            out += enc[i : i + _COLUMNS] + b"\n"
        if len(enc) % _COLUMNS == 0:
            out += b"\n"  # the body always ends with a short line, maybe empty
        return bytes(out)


@dataclass(frozen=True)
class Header:
    """A parsed header. ``raw`` is its exact bytes up to and including ``---`` (the MAC input);
    ``length`` the whole header's length (after the MAC line's LF)."""

    stanzas: tuple[Stanza, ...]
    mac: bytes
    raw: bytes = field(repr=False)
    length: int


def encode_without_mac(stanzas: Sequence[Stanza]) -> bytes:
    """The header up to and including ``---``: what the MAC covers."""
    return VERSION_LINE + b"".join(s.encode() for s in stanzas) + b"---"


def header_mac(file_key: bytes | bytearray, header_without_mac: bytes) -> bytes:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"", info=b"header").derive(file_key)
    return hmac.digest(key, header_without_mac, "sha256")


def encode(stanzas: Sequence[Stanza], file_key: bytes | bytearray) -> bytes:
    """The whole header with its MAC, ready to write."""
    body = encode_without_mac(stanzas)
    return body + b" " + b64encode(header_mac(file_key, body)) + b"\n"


def verify_mac(header: Header, file_key: bytes | bytearray) -> None:
    """Raise :class:`AgeHeaderTampered` unless the MAC matches (constant-time compare)."""
    if not hmac.compare_digest(header_mac(file_key, header.raw), header.mac):
        raise AgeHeaderTampered()


def _bad(reason: str) -> AgeHeaderInvalid:
    return AgeHeaderInvalid(reason)


def _valid_arg(arg: bytes) -> bool:
    return bool(arg) and all(33 <= c <= 126 for c in arg)


def parse(src: Source) -> Header:
    """Read and parse the header from ``src``, leaving it at the first byte after the header.

    Raises :class:`AgeHeaderInvalid` (kind "header failure") on anything that is not exactly a
    v1 header. Errors raised by ``src`` itself (armor, I/O) pass through unchanged.
    """
    start = src.consumed
    budget = MAX_HEADER

    def line() -> bytes:
        nonlocal budget
        text = src.readline(budget + 1)
        budget -= len(text)
        if budget < 0:
            raise _bad(N_("the header is too large"))
        if not text.endswith(b"\n"):
            raise _bad(N_("the header is cut short"))
        if b"\r" in text:
            raise _bad(N_("a header line ends with CR LF"))
        return text

    first = src.readline(len(VERSION_LINE) + 64)
    budget -= len(first)
    if not first:
        raise _bad(N_("the file is empty"))
    if first != VERSION_LINE:
        if b"\r" in first:
            raise _bad(N_("a header line ends with CR LF"))
        if first.startswith(VERSION_PREFIX):
            raise _bad(N_("it was made by a newer or unknown version of age"))
        raise _bad(N_("it does not start with the age version line"))
    raw = bytearray(first)
    stanzas: list[Stanza] = []
    current = line()
    while True:
        if current.startswith(b"---"):
            parts = current[:-1].split(b" ")
            if len(parts) != 2 or parts[0] != b"---" or len(parts[1]) != _MAC_B64_LEN:
                raise _bad(N_("the MAC line is malformed"))
            mac = b64decode(parts[1])
            if mac is None or len(mac) != 32:
                raise _bad(N_("the MAC line is malformed"))
            if not stanzas:
                raise _bad(N_("the header has no recipient stanza"))
            raw += b"---"
            return Header(
                stanzas=tuple(stanzas),
                mac=mac,
                raw=bytes(raw),
                length=src.consumed - start,
            )
        if not current.startswith(b"->"):
            raise _bad(N_("a header line is neither a stanza nor the MAC line"))
        parts = current[:-1].split(b" ")
        if parts[0] != b"->" or len(parts) < 2 or not all(_valid_arg(a) for a in parts[1:]):
            raise _bad(N_("a stanza's first line is malformed"))
        if len(stanzas) >= MAX_STANZAS:
            raise _bad(N_("the header has too many stanzas"))
        raw += current
        body = bytearray()
        while True:
            current = line()
            raw += current
            text = current[:-1]
            if len(text) > _COLUMNS:
                raise _bad(N_("a stanza body line is longer than 64 characters"))
            chunk = b64decode(text)
            if chunk is None:
                raise _bad(N_("a stanza body is not canonical base64 or lacks its final line"))
            body += chunk
            if len(text) < _COLUMNS:
                break
        stanzas.append(Stanza(tuple(a.decode("ascii") for a in parts[1:]), bytes(body)))
        current = line()
