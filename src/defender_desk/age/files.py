"""Whole age files: :func:`encrypt` and :func:`decrypt` (header, stanzas, MAC, payload), and
their in-memory forms for small things. See :mod:`defender_desk.age` for the contracts."""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from typing import Any, Final

import defender_desk.age.header as _header
from defender_desk.age.armor import ArmorReader, ArmorWriter, looks_armored
from defender_desk.age.errors import (
    AgeHeaderInvalid,
    AgeNoMatch,
    AgePayloadDamaged,
    NoRecipients,
    PassphraseNotAlone,
    RecipientsMixed,
)
from defender_desk.age.keys import FILE_KEY_SIZE, Identity, Recipient
from defender_desk.age.source import Source
from defender_desk.age.stream import (
    NONCE_SIZE,
    AgeReader,
    AgeWriter,
    encrypted_payload_size,
    payload_key,
    write_all,
)
from defender_desk.errors import N_
from defender_desk.secret import wipe

__all__ = [
    "check_recipients",
    "decrypt",
    "decrypt_bytes",
    "encrypt",
    "encrypt_bytes",
    "encrypted_size",
]

_PEEK: Final = 1024 + 64


def check_recipients(recipients: Sequence[Recipient]) -> None:
    """Raise unless ``recipients`` may share one file (see the module's contracts)."""
    if not recipients:
        raise NoRecipients()
    groups = {r.group for r in recipients}
    if "passphrase" in groups and len(recipients) > 1:
        raise PassphraseNotAlone()
    if len(groups) > 1:
        raise RecipientsMixed()


def encrypt(recipients: Sequence[Recipient], out: Any, *, armor: bool = False) -> AgeWriter:
    """Start an age file to ``recipients`` in ``out`` (any object with ``write``; never closed).

    The header and nonce are written at once; write the plaintext to the returned
    :class:`AgeWriter` and :meth:`~AgeWriter.close` it (or use it as a context manager, which
    aborts on an exception: the output then stays an incomplete file no age tool accepts).
    Raises :class:`RecipientsRefused` subclasses for a recipient set that may not share a file.
    """
    check_recipients(recipients)
    file_key = bytearray(os.urandom(FILE_KEY_SIZE))
    try:
        stanzas = [s for r in recipients for s in r.wrap(file_key)]
        head = _header.encode(stanzas, file_key)
        nonce = os.urandom(NONCE_SIZE)
        key = payload_key(file_key, nonce)
    finally:
        wipe(file_key)
    target: Any = out
    on_close = None
    if armor:
        target = ArmorWriter(out)
        on_close = target.close
    write_all(target, head + nonce)
    return AgeWriter(key, target, on_close=on_close)


def encrypted_size(plaintext: int, header: int) -> int:
    """The binary file size for ``plaintext`` bytes behind a header of ``header`` bytes."""
    return header + NONCE_SIZE + encrypted_payload_size(plaintext)


def _seekable(f: Any) -> bool:
    try:
        return bool(f.seekable())
    except (AttributeError, OSError, ValueError):
        return False


def decrypt(
    identities: Sequence[Identity],
    in_file: Any,
    *,
    armored: bool | None = None,
    random_access: bool | None = None,
) -> AgeReader:
    """Open the age file read from ``in_file`` (binary; never closed) with ``identities``.

    Everything before the payload is checked first, in age's order: armor and header syntax
    (:class:`AgeArmorInvalid`, :class:`AgeHeaderInvalid`), then each identity in turn
    (:class:`AgeNoMatch` when none opens a stanza; a malformed stanza of an identity's own type,
    or a passphrase work factor above the cap, is :class:`AgeHeaderInvalid`), then the header
    MAC (:class:`AgeHeaderTampered`), then the payload nonce (:class:`AgeHeaderInvalid`).

    ``armored``: ``None`` detects it from the first bytes. ``random_access``: ``None`` uses it
    when ``in_file`` is seekable and the file is not armored (then a cut-off or extended
    payload raises :class:`AgePayloadDamaged` here already); ``True`` demands it; ``False``
    reads sequentially. Reading starts at ``in_file``'s current position.
    """
    seekable = _seekable(in_file)
    start = in_file.tell() if seekable else 0
    raw = Source(in_file)
    if armored is None:
        armored = looks_armored(raw.peek(_PEEK))
    if random_access and (armored or not seekable):
        raise ValueError("random access needs a seekable, binary (not armored) input")
    use_ra = bool(seekable and not armored) if random_access is None else random_access
    src = Source(ArmorReader(raw)) if armored else raw
    head = _header.parse(src)
    if any(s.type == "scrypt" for s in head.stanzas) and len(head.stanzas) != 1:
        raise AgeHeaderInvalid(N_("a passphrase stanza is not alone in the header"))
    if not identities:
        raise ValueError("no identities given")
    file_key: bytearray | None = None
    for identity in identities:
        file_key = identity.unwrap(head.stanzas)
        if file_key is not None:
            break
    if file_key is None:
        raise AgeNoMatch()
    try:
        if len(file_key) != FILE_KEY_SIZE:
            raise AgeHeaderInvalid(N_("a stanza's body does not hold a 16-byte file key"))
        _header.verify_mac(head, file_key)
        nonce = src.read(NONCE_SIZE)
        if len(nonce) != NONCE_SIZE:
            raise AgeHeaderInvalid(N_("the payload's nonce is missing or cut short"))
        key = payload_key(file_key, nonce)
    finally:
        wipe(file_key)
    if not use_ra:
        return AgeReader(key, src)
    offset = start + src.consumed
    end = in_file.seek(0, io.SEEK_END)
    return AgeReader(key, src, random_access=(in_file, offset, end - offset))


def encrypt_bytes(
    recipients: Sequence[Recipient], data: bytes | bytearray, *, armor: bool = False
) -> bytes:
    """A whole age file for ``data`` (small things: keys, identity files)."""
    out = io.BytesIO()
    with encrypt(recipients, out, armor=armor) as w:
        w.write(data)
    return out.getvalue()


def decrypt_bytes(
    identities: Sequence[Identity], data: bytes | bytearray, *, max_size: int = 16 << 20
) -> bytearray:
    """The whole plaintext of a small age file, as a wipeable ``bytearray`` (all or nothing:
    on any error nothing is returned and what was decrypted is wiped)."""
    reader = decrypt(identities, io.BytesIO(data), random_access=False)
    out = bytearray()
    buf = bytearray(64 << 10)
    try:
        while n := reader.readinto(buf):
            out += memoryview(buf)[:n]
            if len(out) > max_size:
                raise AgePayloadDamaged(N_("it is larger than expected"))
    except BaseException:
        wipe(out)
        raise
    finally:
        wipe(buf)
        reader.close()
    return out
