"""OpenSSH signatures (``PROTOCOL.sshsig``) and Ed25519 public keys in OpenSSH formats.

An export's ``manifest.sig`` is an armored SSHSIG over ``manifest.json`` with the namespace
:data:`EXPORT_NAMESPACE` and the hash ``sha512``, so that stock OpenSSH checks it. With
``allowed_signers`` holding the line made by :func:`allowed_signers_line`
(``her namespaces="defender-desk-export-v1" ssh-ed25519 AAAA…``)::

    ssh-keygen -Y verify -f allowed_signers -I her -n defender-desk-export-v1 \\
        -s manifest.sig < manifest.json

This module is the lowest of ``sharing``: it also defines the errors for rejected keys, which
:mod:`defender_desk.sharing.keys` re-exports.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import struct
from typing import Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from defender_desk.errors import N_, DefenderDeskError

__all__ = [
    "EXPORT_NAMESPACE",
    "KeyMalformed",
    "KeyRejected",
    "KeyTruncated",
    "SecretKeyPasted",
    "SignatureError",
    "SignatureInvalid",
    "SignatureMalformed",
    "SignatureNamespaceMismatch",
    "UnexpectedSigner",
    "WrongKeyType",
    "allowed_signers_line",
    "format_openssh_public_key",
    "parse_openssh_public_key",
    "sign",
    "verify",
]

EXPORT_NAMESPACE: Final = "defender-desk-export-v1"
_MAGIC: Final = b"SSHSIG"
_VERSION: Final = 1
_KEY_TYPE: Final = "ssh-ed25519"
_BEGIN: Final = "-----BEGIN SSH SIGNATURE-----"
_END: Final = "-----END SSH SIGNATURE-----"
_HASHES: Final = {"sha512": hashlib.sha512, "sha256": hashlib.sha256}
_MAX_ARMORED: Final = 16 * 1024  # an Ed25519 SSHSIG is ~300 characters
_NAMESPACE_RE: Final = re.compile(r"[\x21-\x7e]{1,128}")
_PRINCIPAL_RE: Final = re.compile(r"[A-Za-z0-9._@+-]{1,128}")


# --- errors -------------------------------------------------------------------------------------


class KeyRejected(DefenderDeskError):
    """A pasted key cannot be used; never carries the key text (it may be a secret)."""

    message = N_("this key cannot be used: {reason}")


class KeyMalformed(KeyRejected):
    pass


class KeyTruncated(KeyRejected):
    message = N_("this key is incomplete or has a typo: {reason}")
    hint = N_("copy the whole key again, from its first to its last character")


class WrongKeyType(KeyRejected):
    """``kind`` says what was pasted, ``what`` what was expected (both marked messages)."""

    message = N_("this is {kind}, not {what}")


class SecretKeyPasted(WrongKeyType):
    message = N_("this is {kind}: a secret key, not a public one")
    hint = N_(
        "never send or paste a secret key; if anyone else has seen it, its owner should make a"
        " new one"
    )


class SignatureError(DefenderDeskError):
    message = N_("the signature cannot be checked: {reason}")


class SignatureMalformed(SignatureError):
    pass


class SignatureNamespaceMismatch(SignatureError):
    message = N_("the signature was made for another purpose, not for {expected}")


class SignatureInvalid(SignatureError):
    message = N_(
        "the signature does not match: the file was changed or the signature is not for it"
    )


class UnexpectedSigner(SignatureError):
    """The signature is valid, but by a key other than the expected one (CLI exit 6)."""

    message = N_("the signature is valid but was made by an unknown key")
    exit_code = 6


# --- SSH wire format ----------------------------------------------------------------------------


def _string(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data


class _Reader:
    def __init__(self, data: bytes, error: type[DefenderDeskError], reason: str) -> None:
        self._data, self._pos, self._error, self._reason = data, 0, error, reason

    def take(self, n: int) -> bytes:
        if n > len(self._data) - self._pos:
            raise self._error(reason=self._reason)
        out = self._data[self._pos : self._pos + n]
        self._pos += n
        return out

    def uint32(self) -> int:
        value: int = struct.unpack(">I", self.take(4))[0]
        return value

    def string(self) -> bytes:
        return self.take(self.uint32())

    def end(self) -> None:
        if self._pos != len(self._data):
            raise self._error(reason=self._reason)


def _key_blob(key: Ed25519PublicKey) -> bytes:
    return _string(_KEY_TYPE.encode()) + _string(key.public_bytes_raw())


def _parse_key_blob(blob: bytes, error: type[DefenderDeskError], reason: str) -> Ed25519PublicKey:
    r = _Reader(blob, error, reason)
    if r.string() != _KEY_TYPE.encode():
        raise error(reason=reason)
    raw = r.string()
    r.end()
    if len(raw) != 32:
        raise error(reason=reason)
    return Ed25519PublicKey.from_public_bytes(raw)


# --- public keys --------------------------------------------------------------------------------


def format_openssh_public_key(key: Ed25519PublicKey, comment: str = "") -> str:
    """``ssh-ed25519 AAAA… comment`` (the comment is optional and must be one line)."""
    if any(c in comment for c in "\r\n\0"):
        raise ValueError("the comment must be a single line")
    line = f"{_KEY_TYPE} {base64.b64encode(_key_blob(key)).decode('ascii')}"
    return f"{line} {comment}" if comment else line


def parse_openssh_public_key(text: str) -> Ed25519PublicKey:
    """Parse ``ssh-ed25519 AAAA… [comment]``; raise a :class:`KeyRejected` subclass."""
    t = text.strip()
    upper = t.upper()
    what = N_("an SSH signing key (ssh-ed25519 …)")
    if upper.startswith("AGE-SECRET-KEY-") or upper.startswith("AGE-PLUGIN-"):
        raise SecretKeyPasted(kind=N_("an age secret key"), what=what)
    if t.startswith("-----BEGIN") and "PRIVATE KEY" in t:
        raise SecretKeyPasted(kind=N_("a private key file"), what=what)
    if t.lower().startswith("age1"):
        raise WrongKeyType(kind=N_("an age recipient (age1…)"), what=what)
    parts = t.split(maxsplit=2)
    if not parts:
        raise KeyMalformed(reason=N_("it is empty"))
    if parts[0] != _KEY_TYPE:
        if re.fullmatch(r"(ssh|ecdsa|sk)-[a-z0-9@.-]+", parts[0]):
            raise WrongKeyType(kind=N_("an SSH key of another type"), what=what)
        raise KeyMalformed(reason=N_("it does not start with ssh-ed25519"))
    if len(parts) < 2:
        raise KeyTruncated(reason=N_("the key itself is missing after ssh-ed25519"))
    try:
        blob = base64.b64decode(parts[1], validate=True)
    except (binascii.Error, ValueError):
        raise KeyTruncated(reason=N_("it is not valid base64")) from None
    return _parse_key_blob(blob, KeyTruncated, N_("its length is wrong"))


def allowed_signers_line(
    principal: str, key: Ed25519PublicKey, namespace: str = EXPORT_NAMESPACE
) -> str:
    """One line of an OpenSSH ``allowed_signers`` file, limited to ``namespace``."""
    if not _PRINCIPAL_RE.fullmatch(principal):
        raise ValueError("principal: letters, digits and ._@+- only")
    _check_namespace(namespace)
    return f'{principal} namespaces="{namespace}" {format_openssh_public_key(key)}'


# --- SSHSIG -------------------------------------------------------------------------------------


def _check_namespace(namespace: str) -> None:
    if not _NAMESPACE_RE.fullmatch(namespace) or '"' in namespace or "," in namespace:
        raise ValueError("namespace: 1 to 128 printable ASCII characters, no quote or comma")


def _signed_data(namespace: bytes, reserved: bytes, hash_name: bytes, digest: bytes) -> bytes:
    return _MAGIC + _string(namespace) + _string(reserved) + _string(hash_name) + _string(digest)


def sign(private_key: Ed25519PrivateKey, message: bytes, namespace: str) -> str:
    """An armored SSHSIG of ``message`` (hash sha512), as ``ssh-keygen -Y sign`` writes it."""
    _check_namespace(namespace)
    digest = hashlib.sha512(message).digest()
    to_sign = _signed_data(namespace.encode(), b"", b"sha512", digest)
    sig = _string(_KEY_TYPE.encode()) + _string(private_key.sign(to_sign))
    blob = (
        _MAGIC
        + struct.pack(">I", _VERSION)
        + _string(_key_blob(private_key.public_key()))
        + _string(namespace.encode())
        + _string(b"")
        + _string(b"sha512")
        + _string(sig)
    )
    b64 = base64.b64encode(blob).decode("ascii")
    lines = [b64[i : i + 70] for i in range(0, len(b64), 70)]
    return "\n".join([_BEGIN, *lines, _END]) + "\n"


def _dearmor(armored: str | bytes) -> bytes:
    if len(armored) > _MAX_ARMORED:
        raise SignatureMalformed(reason=N_("it is too long"))
    if isinstance(armored, bytes):
        try:
            armored = armored.decode("ascii")
        except UnicodeDecodeError:
            raise SignatureMalformed(reason=N_("it is not an SSH signature")) from None
    lines = [line.strip() for line in armored.strip().splitlines()]
    if len(lines) < 3 or lines[0] != _BEGIN or lines[-1] != _END:
        raise SignatureMalformed(reason=N_("it is not an SSH signature"))
    try:
        return base64.b64decode("".join(lines[1:-1]), validate=True)
    except (binascii.Error, ValueError):
        raise SignatureMalformed(reason=N_("it is damaged")) from None


def verify(
    signature: str | bytes,
    message: bytes,
    *,
    namespace: str,
    expected_key: Ed25519PublicKey | None = None,
) -> Ed25519PublicKey:
    """Check an armored SSHSIG over ``message``; return the signer's key.

    Order: parse, namespace, the signature itself, then (if given) ``expected_key`` — so
    :class:`UnexpectedSigner` always means "valid, but by someone else". Without
    ``expected_key`` the caller must compare the returned key with the keys it trusts.
    Hashes ``sha512`` and ``sha256`` are accepted (both are allowed by the protocol).
    """
    damaged = N_("it is damaged")
    r = _Reader(_dearmor(signature), SignatureMalformed, damaged)
    if r.take(6) != _MAGIC:
        raise SignatureMalformed(reason=N_("it is not an SSH signature"))
    if r.uint32() != _VERSION:
        raise SignatureMalformed(reason=N_("its version is not supported"))
    key_blob = r.string()
    ns, reserved, hash_name, sig_blob = r.string(), r.string(), r.string(), r.string()
    r.end()
    unsupported = N_("only Ed25519 (ssh-ed25519) signatures are supported")
    key = _parse_key_blob(key_blob, SignatureMalformed, unsupported)
    hash_fn = _HASHES.get(hash_name.decode("ascii", "replace"))
    if hash_fn is None:
        raise SignatureMalformed(reason=N_("its hash algorithm is not supported"))
    if ns != namespace.encode():
        raise SignatureNamespaceMismatch(expected=namespace)
    s = _Reader(sig_blob, SignatureMalformed, damaged)
    if s.string() != _KEY_TYPE.encode():
        raise SignatureMalformed(reason=unsupported)
    raw_sig = s.string()
    s.end()
    to_check = _signed_data(ns, reserved, hash_name, hash_fn(message).digest())
    try:
        key.verify(raw_sig, to_check)
    except InvalidSignature:
        raise SignatureInvalid() from None
    if expected_key is not None and expected_key.public_bytes_raw() != key.public_bytes_raw():
        raise UnexpectedSigner()
    return key
