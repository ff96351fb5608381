"""age recipients and identities: X25519, hybrid post-quantum (mlkem768x25519), scrypt.

Every primitive comes from ``cryptography``: X25519, HKDF-SHA-256, ChaCha20-Poly1305, scrypt,
SHAKE-256 and HPKE (RFC 9180) with the MLKEM768-X25519 KEM (X-Wing, draft-ietf-hpke-pq).

=====================  ===========================  =========================================
type                   public key (recipient)       secret key (identity)
=====================  ===========================  =========================================
X25519 (classic)       ``age1…`` (62 characters)    ``AGE-SECRET-KEY-1…`` (32-byte scalar)
mlkem768x25519         ``age1pq1…`` (1,959          ``AGE-SECRET-KEY-PQ-1…`` (32-byte seed,
(post-quantum hybrid)  characters, 1,216 bytes)     expanded with SHAKE-256 as hpke-pq does)
scrypt (passphrase)    —                            —
=====================  ===========================  =========================================

Stanzas, as ``age.md`` specifies them:

* ``-> X25519 <share>``: share = X25519(ephemeral, basepoint); wrap key =
  HKDF(ikm = X25519(ephemeral, recipient), salt = share ‖ recipient,
  info = ``age-encryption.org/v1/X25519``); body = ChaCha20-Poly1305(wrap key, zero nonce,
  file key).
* ``-> mlkem768x25519 <enc>``: HPKE SealBase (KEM MLKEM768-X25519, HKDF-SHA256,
  ChaCha20Poly1305, info = ``age-encryption.org/mlkem768x25519``, empty aad); enc is 1,120
  bytes; body = the 32-byte HPKE ciphertext.
* ``-> scrypt <salt> <log2 N>``: wrap key = scrypt(N, r = 8, p = 1, salt =
  ``age-encryption.org/v1/scrypt`` ‖ salt) of the passphrase.

Unwrapping ignores stanzas of other types; a stanza of its own type that breaks the rules
(argument count, canonical base64, lengths, a body that is not 32 bytes, an all-zero X25519
shared secret, a work factor above the cap) raises
:class:`~defender_desk.age.errors.AgeHeaderInvalid` before any secret work; a stanza that simply
does not open returns no key ("no match").

Parsing pasted keys is in :mod:`defender_desk.age.parse` (one error class per mistake, never
the key in a message).
"""

from __future__ import annotations

import os
import re
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import ClassVar, Final, Literal

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hpke
from cryptography.hazmat.primitives.asymmetric import mlkem
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

import defender_desk.age.bech32 as bech32
from defender_desk.age.errors import (
    AgeHeaderInvalid,
    AgeKeyInvalid,
    ScryptWorkFactorTooHigh,
)
from defender_desk.age.header import Stanza, b64decode, b64encode
from defender_desk.errors import N_
from defender_desk.secret import Secret, wipe

__all__ = [
    "DEFAULT_SCRYPT_WORK_FACTOR",
    "FILE_KEY_SIZE",
    "HYBRID_PUBLIC_SIZE",
    "MAX_SCRYPT_WORK_FACTOR",
    "HybridIdentity",
    "HybridRecipient",
    "Identity",
    "KeyType",
    "Recipient",
    "ScryptIdentity",
    "ScryptRecipient",
    "X25519Identity",
    "X25519Recipient",
]

KeyType = Literal["x25519", "hybrid"]

FILE_KEY_SIZE: Final = 16
DEFAULT_SCRYPT_WORK_FACTOR: Final = 18  # as age: ~1 s, 256 MiB
MAX_SCRYPT_WORK_FACTOR: Final = 20  # our cap when decrypting: 1 GiB, a few seconds
_X25519_LABEL: Final = b"age-encryption.org/v1/X25519"
_SCRYPT_LABEL: Final = b"age-encryption.org/v1/scrypt"
_HYBRID_LABEL: Final = b"age-encryption.org/mlkem768x25519"
HYBRID_PUBLIC_SIZE: Final = 1216  # ML-KEM-768 encapsulation key (1,184) ‖ X25519 point (32)
_MLKEM_PUBLIC: Final = 1184
_HYBRID_ENC: Final = 1120  # ML-KEM-768 ciphertext (1,088) ‖ X25519 ephemeral share (32)
_MLKEM_CT: Final = 1088
_BODY: Final = FILE_KEY_SIZE + 16
_ZERO_NONCE: Final = bytes(12)
_WORK_FACTOR: Final = re.compile(r"[1-9][0-9]*")
_HPKE: Final = hpke.Suite(
    hpke.KEM.MLKEM768_X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.CHACHA20_POLY1305
)

# --- the interfaces ------------------------------------------------------------------------------


class Recipient(ABC):
    """Someone a file is encrypted to. ``group`` decides what may share a file: all recipients
    of one file must have the same group, and a ``"passphrase"`` recipient must be alone."""

    group: ClassVar[str]

    @abstractmethod
    def wrap(self, file_key: bytes | bytearray) -> list[Stanza]:
        """The stanza(s) that carry ``file_key`` to this recipient."""


class Identity(ABC):
    """Something that can open stanzas."""

    @abstractmethod
    def unwrap(self, stanzas: Sequence[Stanza]) -> bytearray | None:
        """The file key from the first stanza this identity opens, or ``None`` if none is
        addressed to it. Raises :class:`AgeHeaderInvalid` for a malformed stanza of its type."""


def _aead_wrap(key: bytes, file_key: bytes | bytearray) -> bytes:
    return ChaCha20Poly1305(key).encrypt(_ZERO_NONCE, file_key, None)


def _aead_unwrap(key: bytes | bytearray, body: bytes) -> bytearray | None:
    out = bytearray(FILE_KEY_SIZE)
    try:
        ChaCha20Poly1305(key).decrypt_into(_ZERO_NONCE, body, None, out)
    except InvalidTag:
        wipe(out)
        return None
    return out


def _check_body(stanza: Stanza) -> None:
    # age.md: check the length before decrypting (partitioning oracles).
    if len(stanza.body) != _BODY:
        raise AgeHeaderInvalid(N_("a stanza's body does not hold a 16-byte file key"))


def _public_x25519(raw: bytes) -> X25519PublicKey:
    """A usable X25519 public key: not a low-order point (its shared secrets would be zero)."""
    key = X25519PublicKey.from_public_bytes(raw)
    try:
        X25519PrivateKey.generate().exchange(key)
    except ValueError:
        raise AgeKeyInvalid(N_("it is not a usable public key")) from None
    return key


def _secret_text(kind: KeyType, raw: bytearray) -> Secret:
    text = bech32.encode("age-secret-key-pq-" if kind == "hybrid" else "age-secret-key-", raw)
    try:
        return Secret(text.upper())
    finally:
        wipe(text)


# --- X25519 --------------------------------------------------------------------------------------


class X25519Recipient(Recipient):
    """A classic ``age1…`` recipient."""

    group = "classic"

    def __init__(self, public: bytes) -> None:
        if len(public) != 32:
            raise AgeKeyInvalid(N_("it is not a usable public key"))
        self.public_bytes = bytes(public)
        self._key = _public_x25519(self.public_bytes)

    def wrap(self, file_key: bytes | bytearray) -> list[Stanza]:
        ephemeral = X25519PrivateKey.generate()
        share = ephemeral.public_key().public_bytes_raw()
        shared = ephemeral.exchange(self._key)
        key = HKDF(hashes.SHA256(), 32, salt=share + self.public_bytes, info=_X25519_LABEL).derive(
            shared
        )
        return [Stanza(("X25519", b64encode(share).decode()), _aead_wrap(key, file_key))]

    def __str__(self) -> str:
        return bech32.encode("age", self.public_bytes).decode("ascii")

    def __repr__(self) -> str:
        return f"X25519Recipient({self})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, X25519Recipient) and other.public_bytes == self.public_bytes

    def __hash__(self) -> int:
        return hash(("x25519", self.public_bytes))


class X25519Identity(Identity):
    """A classic ``AGE-SECRET-KEY-1…`` identity (any 32 bytes; X25519 clamps them)."""

    def __init__(self, secret: bytes | bytearray) -> None:
        if len(secret) != 32:
            raise AgeKeyInvalid(N_("it is not a usable secret key"))
        self._secret = bytearray(secret)
        self._key = X25519PrivateKey.from_private_bytes(self._secret)
        self._public = self._key.public_key().public_bytes_raw()

    @classmethod
    def generate(cls) -> X25519Identity:
        seed = bytearray(os.urandom(32))
        try:
            return cls(seed)
        finally:
            wipe(seed)

    @property
    def recipient(self) -> X25519Recipient:
        return X25519Recipient(self._public)

    def secret_text(self) -> Secret:
        """``AGE-SECRET-KEY-1…`` (uppercase ASCII) in a wipeable :class:`Secret`."""
        return _secret_text("x25519", self._secret)

    def unwrap(self, stanzas: Sequence[Stanza]) -> bytearray | None:
        for s in stanzas:
            if s.type != "X25519":
                continue
            if len(s.args) != 2:
                raise AgeHeaderInvalid(N_("an X25519 stanza has the wrong number of arguments"))
            share = b64decode(s.args[1].encode("ascii"))
            if share is None or len(share) != 32:
                raise AgeHeaderInvalid(N_("an X25519 stanza's share is malformed"))
            _check_body(s)
            try:
                shared = self._key.exchange(X25519PublicKey.from_public_bytes(share))
            except ValueError:
                raise AgeHeaderInvalid(
                    N_("an X25519 stanza's share is a low-order point")
                ) from None
            key = HKDF(hashes.SHA256(), 32, salt=share + self._public, info=_X25519_LABEL).derive(
                shared
            )
            file_key = _aead_unwrap(key, s.body)
            if file_key is not None:
                return file_key
        return None

    def __repr__(self) -> str:
        return "<X25519Identity>"

    def __del__(self) -> None:
        wipe(self._secret)


# --- MLKEM768-X25519 (post-quantum hybrid) -------------------------------------------------------


class HybridRecipient(Recipient):
    """A post-quantum ``age1pq1…`` recipient (ML-KEM-768 + X25519 through HPKE)."""

    group = "postquantum"

    def __init__(self, public: bytes) -> None:
        if len(public) != HYBRID_PUBLIC_SIZE:
            raise AgeKeyInvalid(N_("it is not a usable public key"))
        self.public_bytes = bytes(public)
        try:
            pq = mlkem.MLKEM768PublicKey.from_public_bytes(self.public_bytes[:_MLKEM_PUBLIC])
        except ValueError:
            raise AgeKeyInvalid(N_("it is not a usable public key")) from None
        classic = _public_x25519(self.public_bytes[_MLKEM_PUBLIC:])
        self._key = hpke.MLKEM768X25519PublicKey(pq, classic)

    def wrap(self, file_key: bytes | bytearray) -> list[Stanza]:
        sealed = _HPKE.encrypt(file_key, self._key, info=_HYBRID_LABEL)
        enc, body = sealed[:_HYBRID_ENC], sealed[_HYBRID_ENC:]
        return [Stanza(("mlkem768x25519", b64encode(enc).decode()), body)]

    def __str__(self) -> str:
        return bech32.encode("age1pq", self.public_bytes).decode("ascii")

    def __repr__(self) -> str:
        return f"HybridRecipient({str(self)[:16]}…)"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, HybridRecipient) and other.public_bytes == self.public_bytes

    def __hash__(self) -> int:
        return hash(("hybrid", self.public_bytes))


class HybridIdentity(Identity):
    """A post-quantum ``AGE-SECRET-KEY-PQ-1…`` identity: a 32-byte seed, expanded with
    SHAKE-256 into the ML-KEM-768 seed (64 bytes) and the X25519 scalar (32), as
    filippo.io/hpke-pq (and so age and typage) do."""

    def __init__(self, seed: bytes | bytearray) -> None:
        if len(seed) != 32:
            raise AgeKeyInvalid(N_("it is not a usable secret key"))
        self._seed = bytearray(seed)
        xof = hashes.Hash(hashes.SHAKE256(digest_size=96))
        xof.update(self._seed)
        expanded = bytearray(xof.finalize())
        view = memoryview(expanded)
        try:
            pq = mlkem.MLKEM768PrivateKey.from_seed_bytes(view[:64])
            self._classic = X25519PrivateKey.from_private_bytes(view[64:])
        finally:
            view.release()
            wipe(expanded)
        self._key = hpke.MLKEM768X25519PrivateKey(pq, self._classic)
        self._public = (
            pq.public_key().public_bytes_raw() + self._classic.public_key().public_bytes_raw()
        )

    @classmethod
    def generate(cls) -> HybridIdentity:
        seed = bytearray(os.urandom(32))
        try:
            return cls(seed)
        finally:
            wipe(seed)

    @property
    def recipient(self) -> HybridRecipient:
        return HybridRecipient(self._public)

    def secret_text(self) -> Secret:
        """``AGE-SECRET-KEY-PQ-1…`` (uppercase ASCII) in a wipeable :class:`Secret`."""
        return _secret_text("hybrid", self._seed)

    def unwrap(self, stanzas: Sequence[Stanza]) -> bytearray | None:
        for s in stanzas:
            if s.type != "mlkem768x25519":
                continue
            if len(s.args) != 2:
                raise AgeHeaderInvalid(
                    N_("an mlkem768x25519 stanza has the wrong number of arguments")
                )
            enc = b64decode(s.args[1].encode("ascii"))
            if enc is None or len(enc) != _HYBRID_ENC:
                raise AgeHeaderInvalid(N_("an mlkem768x25519 stanza's encapsulation is malformed"))
            _check_body(s)
            # HPKE aborts on an all-zero X25519 secret; cryptography reports that like a wrong
            # key, but age calls it a malformed stanza: check the classic half first.
            try:
                self._classic.exchange(X25519PublicKey.from_public_bytes(enc[_MLKEM_CT:]))
            except ValueError:
                raise AgeHeaderInvalid(
                    N_("an mlkem768x25519 stanza's share is a low-order point")
                ) from None
            try:
                opened = _HPKE.decrypt(enc + s.body, self._key, info=_HYBRID_LABEL)
            except InvalidTag:
                continue  # ML-KEM rejects implicitly: a key for someone else lands here
            return bytearray(opened)
        return None

    def __repr__(self) -> str:
        return "<HybridIdentity>"

    def __del__(self) -> None:
        wipe(self._seed)


# --- scrypt (passphrase) -------------------------------------------------------------------------


class ScryptRecipient(Recipient):
    """Encrypt with a passphrase. Must be a file's only recipient."""

    group = "passphrase"

    def __init__(
        self, passphrase: Secret, *, work_factor: int = DEFAULT_SCRYPT_WORK_FACTOR
    ) -> None:
        if not 1 <= work_factor <= MAX_SCRYPT_WORK_FACTOR:
            raise ValueError("scrypt work factor out of range")
        if not passphrase:
            raise ValueError("empty passphrase")
        self._passphrase = passphrase.copy()
        self.work_factor = work_factor

    def wrap(self, file_key: bytes | bytearray) -> list[Stanza]:
        salt = os.urandom(16)
        kdf = Scrypt(salt=_SCRYPT_LABEL + salt, length=32, n=1 << self.work_factor, r=8, p=1)
        key = kdf.derive(self._passphrase.buffer)
        args = ("scrypt", b64encode(salt).decode(), str(self.work_factor))
        return [Stanza(args, _aead_wrap(key, file_key))]

    def __repr__(self) -> str:
        return "<ScryptRecipient>"


class ScryptIdentity(Identity):
    """Decrypt with a passphrase; a work factor above ``max_work_factor`` is refused before
    any work (:class:`ScryptWorkFactorTooHigh`)."""

    def __init__(
        self, passphrase: Secret, *, max_work_factor: int = MAX_SCRYPT_WORK_FACTOR
    ) -> None:
        if not 1 <= max_work_factor <= 30:
            raise ValueError("scrypt work factor cap out of range")
        self._passphrase = passphrase.copy()
        self.max_work_factor = max_work_factor
        self.saw_stanza = False  # set once a scrypt stanza was looked at

    def unwrap(self, stanzas: Sequence[Stanza]) -> bytearray | None:
        for s in stanzas:
            if s.type != "scrypt":
                continue
            self.saw_stanza = True
            if len(stanzas) != 1:
                raise AgeHeaderInvalid(N_("a passphrase stanza is not alone in the header"))
            if len(s.args) != 3:
                raise AgeHeaderInvalid(N_("a passphrase stanza has the wrong number of arguments"))
            salt = b64decode(s.args[1].encode("ascii"))
            if salt is None or len(salt) != 16:
                raise AgeHeaderInvalid(N_("a passphrase stanza's salt is malformed"))
            if not _WORK_FACTOR.fullmatch(s.args[2]) or len(s.args[2]) > 3:
                raise AgeHeaderInvalid(N_("a passphrase stanza's work factor is malformed"))
            log_n = int(s.args[2])
            if log_n > self.max_work_factor:
                raise ScryptWorkFactorTooHigh(found=log_n, limit=self.max_work_factor)
            _check_body(s)
            kdf = Scrypt(salt=_SCRYPT_LABEL + salt, length=32, n=1 << log_n, r=8, p=1)
            key = bytearray(kdf.derive(self._passphrase.buffer))
            try:
                return _aead_unwrap(key, s.body)
            finally:
                wipe(key)
        return None

    def __repr__(self) -> str:
        return "<ScryptIdentity>"
