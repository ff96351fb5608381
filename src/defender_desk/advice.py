"""Security tips the app shows her: what protects her records beyond the app's own reach.

Plain data (untranslated ``N_`` texts; the fronts translate them with ``_()``), read through
``Desk.security_tips()``. The desktop shows them full sentences; the reasons are in
docs/threat-model.md ("Memory" and "Practical advice").
"""

from __future__ import annotations

from dataclasses import dataclass

from defender_desk.errors import N_

__all__ = ["SECURITY_TIPS", "SecurityTip"]


@dataclass(frozen=True, slots=True)
class SecurityTip:
    #: a stable key (for a "done" mark or a help link), never shown
    key: str
    #: untranslated title and text (``N_``)
    title: str
    text: str


SECURITY_TIPS: tuple[SecurityTip, ...] = (
    SecurityTip(
        "full-disk-encryption",
        N_("Encrypt the whole disk, swap included"),
        N_(
            "Turn on full-disk encryption: BitLocker with a start-up PIN on Windows, FileVault"
            " on macOS, LUKS on Linux with swap inside the encrypted volume. The app keeps no"
            " readable copy of your records on disk, but while the vault is open the operating"
            " system may move memory that holds them to swap (the page file) at any time."
        ),
    ),
    SecurityTip(
        "no-hibernation",
        N_("Turn hibernation off"),
        N_(
            "Hibernation writes everything in memory, open records included, to the disk. Turn"
            " it off and shut the computer down instead; without full-disk encryption that copy"
            " would be readable."
        ),
    ),
    SecurityTip(
        "shut-down",
        N_("Shut down rather than lock when you leave"),
        N_(
            "Locking closes the vault, but a computer that is running or asleep keeps the disk's"
            " key in memory. When you leave the computer, or when a search is possible, shut it"
            " down."
        ),
    ),
)
