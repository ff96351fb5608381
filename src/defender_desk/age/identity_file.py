"""age identity (secret key) files: as ``age-keygen`` writes them, plain or ``age -p``-protected.

A plain file (``age-keygen [-pq] -o key.txt``)::

    # created: 2026-11-25T09:30:00Z
    # public key: age1pq1…
    AGE-SECRET-KEY-PQ-1…

One secret key per line; empty lines and lines starting with ``#`` are ignored; LF or CRLF.
A protected file is that text encrypted with a passphrase (``age -p -o key.age key.txt``,
binary or armored): :func:`load_identity_file` recognises it and decrypts it with the
passphrase, capping the scrypt work factor before any work. Everything is held in
:class:`~defender_desk.secret.Secret`/``bytearray`` buffers that are wiped after use.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Final

from defender_desk.age.armor import looks_armored
from defender_desk.age.errors import (
    AgeKeyChecksum,
    AgeKeyLength,
    AgeKeyRejected,
    AgeKeyWrongType,
    AgeNoMatch,
    IdentityFileRefused,
    IdentityPassphraseNeeded,
    WrongIdentityPassphrase,
)
from defender_desk.age.files import decrypt_bytes, encrypt_bytes
from defender_desk.age.keys import (
    DEFAULT_SCRYPT_WORK_FACTOR,
    MAX_SCRYPT_WORK_FACTOR,
    HybridIdentity,
    Identity,
    ScryptIdentity,
    ScryptRecipient,
    X25519Identity,
)
from defender_desk.age.parse import parse_identity
from defender_desk.errors import N_
from defender_desk.secret import Secret, wipe

__all__ = [
    "MAX_IDENTITY_FILE",
    "format_identity_file",
    "is_passphrase_protected",
    "load_identity_file",
    "parse_identities",
    "protect_identity_file",
]

MAX_IDENTITY_FILE: Final = 1 << 20


def is_passphrase_protected(data: bytes | bytearray) -> bool:
    """Whether ``data`` is an age file (binary or armored) rather than plain key lines."""
    head = bytes(data[:1088])
    return head.startswith(b"age-encryption.org/") or looks_armored(head)


def _line_reason(error: AgeKeyRejected) -> str:
    if isinstance(error, AgeKeyChecksum):
        return N_("a secret key there has a typo")
    if isinstance(error, AgeKeyLength):
        return N_("a secret key there is cut off or too long")
    if isinstance(error, AgeKeyWrongType):
        return N_("it is not an age secret key (a public key, an SSH key or a plugin?)")
    return N_("it is not an age secret key")


def parse_identities(data: bytes | bytearray | Secret) -> list[Identity]:
    """The identities of a plain identity file. Raises :class:`IdentityFileRefused` (with the
    1-based line number) for a line that is not a native age secret key, or for a file with
    none; the line itself is never put in the error."""
    buf = data.buffer if isinstance(data, Secret) else data
    if len(buf) > MAX_IDENTITY_FILE:
        raise IdentityFileRefused(reason=N_("it is too large to be a key file"))
    found: list[Identity] = []
    start = number = 0
    while start < len(buf):
        end = buf.find(b"\n", start)
        end = len(buf) if end < 0 else end
        number += 1
        line = bytearray(buf[start:end])
        start = end + 1
        if line.endswith(b"\r"):
            del line[-1:]
        try:
            if not line or line.startswith(b"#"):
                continue
            if any(c > 126 or c < 32 for c in line):
                raise IdentityFileRefused(
                    reason=N_("it is not a text file of age secret keys"), line=number
                )
            with Secret(line) as secret:
                found.append(parse_identity(secret))
        except AgeKeyRejected as e:
            raise IdentityFileRefused(reason=_line_reason(e), line=number) from None
        finally:
            wipe(line)
    if not found:
        raise IdentityFileRefused(reason=N_("it holds no age secret key"))
    return found


def load_identity_file(
    data: bytes | bytearray | Secret,
    passphrase: Secret | None = None,
    *,
    max_work_factor: int = MAX_SCRYPT_WORK_FACTOR,
) -> list[Identity]:
    """The identities of an identity file, plain or passphrase-protected.

    Raises :class:`IdentityPassphraseNeeded` when the file is protected and no ``passphrase``
    was given, :class:`WrongIdentityPassphrase` when it does not open the file,
    :class:`~defender_desk.age.errors.ScryptWorkFactorTooHigh` (before any work) when the file
    asks for more than 2^``max_work_factor``, :class:`IdentityFileRefused` when the protected
    file is encrypted to a key instead, and any other
    :class:`~defender_desk.age.errors.AgeDecryptError` for a damaged file.
    """
    buf = data.buffer if isinstance(data, Secret) else data
    if len(buf) > 2 * MAX_IDENTITY_FILE:
        raise IdentityFileRefused(reason=N_("it is too large to be a key file"))
    if not is_passphrase_protected(buf):
        return parse_identities(buf)
    if passphrase is None:
        raise IdentityPassphraseNeeded()
    identity = ScryptIdentity(passphrase, max_work_factor=max_work_factor)
    try:
        plain = decrypt_bytes([identity], bytes(buf), max_size=MAX_IDENTITY_FILE)
    except AgeNoMatch:
        if identity.saw_stanza:
            raise WrongIdentityPassphrase() from None
        raise IdentityFileRefused(
            reason=N_("it is encrypted to a key, not protected with a passphrase")
        ) from None
    try:
        return parse_identities(plain)
    finally:
        wipe(plain)


def format_identity_file(
    identity: X25519Identity | HybridIdentity, *, created: datetime | None = None
) -> Secret:
    """The text ``age-keygen`` writes for ``identity`` (created time, public key, secret key)."""
    when = (created or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    head = f"# created: {when}\n# public key: {identity.recipient}\n".encode("ascii")
    out = bytearray(head)
    with identity.secret_text() as secret:
        out += secret.buffer
    out += b"\n"
    return Secret(out)  # takes the buffer over and wipes it


def protect_identity_file(
    plain: Secret,
    passphrase: Secret,
    *,
    work_factor: int = DEFAULT_SCRYPT_WORK_FACTOR,
    armor: bool = False,
) -> bytes:
    """``plain`` encrypted with ``passphrase``, as ``age -p`` does (opens with age and rage)."""
    recipient = ScryptRecipient(passphrase, work_factor=work_factor)
    return encrypt_bytes([recipient], plain.buffer, armor=armor)
