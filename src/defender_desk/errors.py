"""One exception tree for the whole core, rooted in :class:`DefenderDeskError`.

Errors carry structured fields, never prose and never record content. Each class names an
untranslated message template (marked with ``N_`` so Babel extracts it); the fronts (CLI, GUI)
translate it with :func:`defender_desk.i18n.describe_error`. ``exit_code`` is the CLI's exit
status for that error (README: 0 ok, 1 error, 2 usage, 3 wrong passphrase, 4 in use, 5 damaged
or not a vault, 6 valid signature by an unknown key).
"""

from __future__ import annotations

from typing import Any, ClassVar


def N_(message: str) -> str:
    """Mark a string for extraction without translating it now."""
    return message


class DefenderDeskError(Exception):
    """Base of every error the core raises on purpose."""

    message: ClassVar[str] = N_("something went wrong")
    hint: ClassVar[str | None] = None
    exit_code: ClassVar[int] = 1

    def __init__(self, **fields: Any) -> None:
        self.fields: dict[str, Any] = fields
        # The exception text is the class name and the *names* of the fields only: values may
        # be paths or numbers today, but an exception text must never be able to carry record
        # content into a log or a crash report.
        super().__init__(f"{type(self).__name__}({', '.join(sorted(fields))})")


class UsageError(DefenderDeskError):
    message = N_("{detail}")
    exit_code = 2


class WrongSecret(DefenderDeskError):
    message = N_("wrong passphrase or recovery code")
    hint = N_("check the keyboard layout and Caps Lock, then try again")
    exit_code = 3


class EmptyPassphrase(DefenderDeskError):
    message = N_("the passphrase is empty")
    exit_code = 3


class PassphraseMismatch(DefenderDeskError):
    message = N_("the two passphrases do not match")
    exit_code = 3


class RecoveryCodeInvalid(DefenderDeskError):
    message = N_("this recovery code has a typo: {reason}")
    hint = N_("compare it digit by digit with the code you wrote down")
    exit_code = 3


class VaultInUse(DefenderDeskError):
    message = N_("the vault is open in another Defender Desk window or process")
    hint = N_("close the other one first")
    exit_code = 4


class VaultDamaged(DefenderDeskError):
    """The vault's files are missing, garbage, foreign or were tampered with."""

    message = N_("the vault is damaged or is not a Defender Desk vault ({what})")
    hint: ClassVar[str | None] = N_(
        "do not delete anything; restore from your backup if you have one"
    )
    exit_code = 5


class NotAVault(VaultDamaged):
    message = N_("there is no vault in {path}")
    hint = N_("create one with 'init' or choose another folder with --vault-dir")


class HeaderRolledBack(VaultDamaged):
    message = N_(
        "the vault key file is older than the database (generation {found}, expected {expected}):"
        " it may have been replaced with an old copy"
    )
    hint = N_("do not type anything into this vault; ask someone you trust to look at the computer")


class NewerFormat(VaultDamaged):
    message = N_("this vault was made by a newer Defender Desk (format {found}); update the app")
    hint = None


class PlainDatabaseRefused(VaultDamaged):
    message = N_("the vault database is not encrypted; refusing to open it")
    hint = N_("someone may have replaced the database file; restore from your backup")


class VaultExists(DefenderDeskError):
    message = N_("a vault already exists in {path}; refusing to overwrite it")


class StorageError(DefenderDeskError):
    """A file could not be written or read (full disk, read-only folder, permissions)."""

    message = N_("could not write to {path}: {reason}")
    hint = N_("nothing was changed; free some space or choose another folder")


class FolderProblem(DefenderDeskError):
    message = N_("the folder {path} cannot be used: {reason}")


class VaultWiped(DefenderDeskError):
    """A wipe of this vault has begun: nothing more is written to it (see ``wipeguard``)."""

    message = N_("the vault was wiped; nothing was written to it")
    exit_code = 5


class VaultLocked(DefenderDeskError):
    message = N_("the vault is locked")


class NotFound(DefenderDeskError):
    message = N_("no {kind} with id {id}")


class Cancelled(DefenderDeskError):
    message = N_("cancelled; nothing was kept")


class InvalidInput(DefenderDeskError):
    """A value the user gave does not fit; ``field`` names it, ``reason`` says why."""

    message = N_("{field}: {reason}")
    exit_code = 1
