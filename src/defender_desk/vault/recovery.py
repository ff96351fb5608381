"""The recovery code: 32 digits in 8 groups of 4, the last digit a Damm check digit.

31 random decimal digits carry 102.9 bits of entropy (≥ 100 bits as required); the Damm check
digit catches every single-digit typo and every swap of two neighbouring digits *before* the slow
derivation runs. Digits only, because a Kazakh keyboard layout types letters on the number row:
those letters are mapped back to the digits of their keys, so a code typed in the wrong layout
still works. Shown once at creation; the app never writes it to a file.
"""

from __future__ import annotations

import secrets
import unicodedata

from defender_desk.errors import N_, RecoveryCodeInvalid
from defender_desk.secret import Secret

GROUPS = 8
GROUP_LEN = 4
DIGITS = GROUPS * GROUP_LEN  # 32, the last one the check digit
ENTROPY_BITS = (DIGITS - 1) * 3.3219280948873626

# Damm's totally anti-symmetric quasigroup of order 10.
_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)

# The Kazakh (Windows and macOS "Kazakh") layout's number row, unshifted and shifted: what the
# keys 1…0 type there. The punctuation keys (6 and 7 type "," and ".") are only read as digits
# when that makes the count right, since people also use them as separators.
_KAZAKH_LETTERS = {
    "ә": "2", "і": "3", "ң": "4", "ғ": "5", "ү": "8", "ұ": "9", "қ": "0",
    "Ә": "2", "І": "3", "Ң": "4", "Ғ": "5", "Ү": "8", "Ұ": "9", "Қ": "0",
    '"': "1", "!": "1", "№": "3",
}  # fmt: skip
_KAZAKH_PUNCT = {",": "6", ";": "6", ".": "7", ":": "7"}
_SEPARATORS = set(" \t\r\n-‐‑‒–—_/")


def damm_check(digits: str) -> int:
    interim = 0
    for ch in digits:
        interim = _DAMM[interim][ord(ch) - 48]
    return interim


def generate() -> str:
    """A new code, formatted in groups ("1234-5678-…")."""
    body = "".join(secrets.choice("0123456789") for _ in range(DIGITS - 1))
    return format_code(body + str(damm_check(body)))


def format_code(digits: str) -> str:
    return "-".join(digits[i : i + GROUP_LEN] for i in range(0, len(digits), GROUP_LEN))


def normalize(untrusted_text: str) -> str:
    """The 32 digits of a typed code, or :class:`RecoveryCodeInvalid` (before any slow work)."""
    text = unicodedata.normalize("NFKC", untrusted_text)
    core: list[str] = []
    punct_positions: list[tuple[int, str]] = []
    for ch in text:
        if ch in _SEPARATORS:
            continue
        if "0" <= ch <= "9":
            core.append(ch)
        elif ch in _KAZAKH_LETTERS:
            core.append(_KAZAKH_LETTERS[ch])
        elif ch in _KAZAKH_PUNCT:
            punct_positions.append((len(core), ch))
            core.append(ch)
        else:
            raise RecoveryCodeInvalid(reason=N_("it may contain only digits"))
    as_digits = "".join(_KAZAKH_PUNCT.get(c, c) for c in core)
    without_punct = "".join(c for c in core if c not in _KAZAKH_PUNCT)
    candidates = [as_digits, without_punct] if punct_positions else [as_digits]
    for digits in candidates:
        if len(digits) == DIGITS:
            if damm_check(digits) != 0:
                raise RecoveryCodeInvalid(reason=N_("a digit is wrong or two digits are swapped"))
            return digits
    raise RecoveryCodeInvalid(reason=N_("a recovery code has 32 digits"))


def to_secret(untrusted_text: str) -> Secret:
    """The code as the secret fed to Argon2id (its 32 ASCII digits)."""
    return Secret(normalize(untrusted_text).encode("ascii"))


# -- the recovery identity (backups) --------------------------------------------------------
# Backups are encrypted to an age X25519 identity derived from the recovery code alone — not
# from the vault's salt — so a backup can be restored on a new machine from the file plus the
# code. The salt is fixed and public: the code's 103 bits of entropy make per-vault salting
# unnecessary, and Argon2id at the floor makes each guess cost as much as an unlock.
BACKUP_IDENTITY_SALT = b"defender-desk/recovery-identity/v1"


def backup_identity(code: Secret) -> str:
    """The ``AGE-SECRET-KEY-1…`` identity that opens her backups (derived from the code)."""
    from defender_desk.sharing.keys import age_identity_from_seed
    from defender_desk.vault.kdf import FLOOR, derive

    seed = derive(code, BACKUP_IDENTITY_SALT, FLOOR)
    try:
        return age_identity_from_seed(seed.buffer)
    finally:
        seed.wipe()


def backup_recipient(code: Secret) -> str:
    from defender_desk.sharing.keys import age_recipient_from_identity

    return age_recipient_from_identity(backup_identity(code))
