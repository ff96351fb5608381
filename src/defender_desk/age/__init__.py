"""Our own age (age-encryption.org/v1) on ``cryptography``'s primitives.

The format is C2SP ``age.md``; every ``cryptography`` primitive is used as is (HPKE with
MLKEM768-X25519, X25519, ChaCha20-Poly1305, HKDF, HMAC, scrypt, SHAKE-256) — only Bech32,
base64 framing and the file format are written here. It passes all 143 C2SP/CCTV age vectors
and interoperates with age (Go), rage and typage (``tests/age/``).

Encrypt — streaming, bounded memory, to one or more recipients::

    with encrypt([parse_recipient(key)], out) as w:   # out: any binary writable
        shutil.copyfileobj(source, w, 1 << 20)             # or w.write(...) as you produce

Decrypt — sequential for pipes and armor, random access for seekable files::

    r = decrypt([identity], f)       # header, stanza, MAC checked; raises before any plaintext
    r.seek(offset); r.read(n)        # only the chunks read are decrypted

The contracts:

* **Recipients must agree**: post-quantum (``age1pq1…``) and classic (``age1…``) recipients are
  never mixed in one file (:class:`RecipientsMixed`); a passphrase is always alone
  (:class:`PassphraseNotAlone`). Files made by others that mix them still decrypt.
* **Failures are classified** as the CCTV vectors name them, by class: :class:`AgeHeaderInvalid`,
  :class:`AgeArmorInvalid`, :class:`AgeNoMatch`, :class:`AgeHeaderTampered` (HMAC),
  :class:`AgePayloadDamaged`; all are :class:`AgeDecryptError` with a ``kind``.
* **Nothing unauthenticated is released**: a chunk reaches the caller only after it
  authenticated. In sequential mode chunks before a failing one have been released (as in every
  streaming age implementation): a caller that needs all-or-nothing treats any error as "discard
  everything", or uses a seekable input, where a cut-off or extended file fails before the
  first byte.
* **Passphrase work is capped** (:data:`MAX_SCRYPT_WORK_FACTOR`, 2^20 by default): a higher
  work factor is refused before any work.
* **No key material in errors, ``repr`` or logs**; secret keys come and go as
  :class:`~defender_desk.secret.Secret`.

This module writes no files: callers pass file objects (``safewrite.atomic_stream`` for output).
"""

from __future__ import annotations

from defender_desk.age.errors import (
    AgeArmorInvalid,
    AgeDecryptError,
    AgeHeaderInvalid,
    AgeHeaderTampered,
    AgeKeyChecksum,
    AgeKeyInvalid,
    AgeKeyLength,
    AgeKeyMalformed,
    AgeKeyRejected,
    AgeKeyWrongType,
    AgeNoMatch,
    AgePayloadDamaged,
    AgeSecretKeyAsRecipient,
    IdentityFileRefused,
    IdentityPassphraseNeeded,
    NoRecipients,
    PassphraseNotAlone,
    RecipientsMixed,
    RecipientsRefused,
    ScryptWorkFactorTooHigh,
    WrongIdentityPassphrase,
)
from defender_desk.age.files import (
    check_recipients,
    decrypt,
    decrypt_bytes,
    encrypt,
    encrypt_bytes,
    encrypted_size,
)
from defender_desk.age.identity_file import (
    format_identity_file,
    is_passphrase_protected,
    load_identity_file,
    parse_identities,
    protect_identity_file,
)
from defender_desk.age.keys import (
    DEFAULT_SCRYPT_WORK_FACTOR,
    MAX_SCRYPT_WORK_FACTOR,
    HybridIdentity,
    HybridRecipient,
    Identity,
    KeyType,
    Recipient,
    ScryptIdentity,
    ScryptRecipient,
    X25519Identity,
    X25519Recipient,
)
from defender_desk.age.parse import parse_identity, parse_recipient
from defender_desk.age.stream import AgeReader, AgeWriter

__all__ = [
    "DEFAULT_SCRYPT_WORK_FACTOR",
    "MAX_SCRYPT_WORK_FACTOR",
    "AgeArmorInvalid",
    "AgeDecryptError",
    "AgeHeaderInvalid",
    "AgeHeaderTampered",
    "AgeKeyChecksum",
    "AgeKeyInvalid",
    "AgeKeyLength",
    "AgeKeyMalformed",
    "AgeKeyRejected",
    "AgeKeyWrongType",
    "AgeNoMatch",
    "AgePayloadDamaged",
    "AgeReader",
    "AgeSecretKeyAsRecipient",
    "AgeWriter",
    "HybridIdentity",
    "HybridRecipient",
    "Identity",
    "IdentityFileRefused",
    "IdentityPassphraseNeeded",
    "KeyType",
    "NoRecipients",
    "PassphraseNotAlone",
    "Recipient",
    "RecipientsMixed",
    "RecipientsRefused",
    "ScryptIdentity",
    "ScryptRecipient",
    "ScryptWorkFactorTooHigh",
    "WrongIdentityPassphrase",
    "X25519Identity",
    "X25519Recipient",
    "check_recipients",
    "decrypt",
    "decrypt_bytes",
    "encrypt",
    "encrypt_bytes",
    "encrypted_size",
    "format_identity_file",
    "is_passphrase_protected",
    "load_identity_file",
    "parse_identities",
    "parse_identity",
    "parse_recipient",
    "protect_identity_file",
]
