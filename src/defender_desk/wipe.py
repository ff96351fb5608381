"""The panic wipe («срочно стереть данные»): crypto-erase first, then delete, then say the truth.

Order of work in :func:`wipe` (each step best effort; a failure is recorded, never raised, and
the next step still runs):

1. **Crypto-erase.** ``vault.key`` is overwritten *in place* (same inode, not a replacement) with
   random bytes of its size, fsynced, unlinked, and the folder fsynced
   (:func:`defender_desk.safewrite.overwrite_in_place`). It holds the only wrapped copies of the
   master key, so from this moment the database and every evidence file are undecryptable,
   whatever their size and even with the right passphrase or recovery code. Unfinished copies of
   the header (``.dd-tmp-*`` in the vault folder: a header write in progress) get the same
   treatment, because they wrap the same key.
2. **Signal.** An empty ``wipe.signal`` is created (through :mod:`safewrite`) so that a running
   instance stops (protocol below).
3. **This process.** ``drop_keys`` (the caller's own open vault: close the database, wipe the
   keys) and ``clear_clipboard`` are called if given; the core has no clipboard.
4. **Delete the rest**: ``vault.db``, ``-wal``, ``-shm``, ``-journal``, ``objects/`` and any
   temporary files; ``settings.json`` is rewritten with only ``discreet`` and ``language`` (what
   discreet mode needs before a vault exists), or deleted when both are at their defaults. Then
   ``vault.key`` is looked for again: a header write racing with the wipe may have renamed a new
   one into place; it is erased the same way.
5. If no other process holds the instance lock, the wipe takes it and removes ``vault.lock``,
   ``wipe.signal`` and (when it is empty) the folder itself. Otherwise they stay for the running
   instance.

**Decision — the database and the evidence are deleted, not overwritten.** Without
``vault.key`` they are ciphertext under a key that no longer exists anywhere (the evidence is
age-encrypted to a storage identity that lives only inside the database). Overwriting 2 GB of
evidence would take seconds to minutes in the moment that matters, and on SSDs and copy-on-write
file systems (APFS, btrfs, ZFS) the new bytes go to other blocks anyway, so it would not reach the
old ones. Only the 323-byte ``vault.key`` is worth overwriting, and even that is no guarantee on
an SSD: the report says so.

**The wipe ignores the instance lock.** It needs no passphrase, no unlock and no lock; it only
*probes* the lock (non-blocking) to learn whether another process has the vault open and so will
have to finish the job. It deletes only names Defender Desk creates; anything else in the folder
is left alone and counted.

**Protocol with a running instance (``wipe.signal``).**

- A process with the vault open polls :func:`wipe_requested` (a ``stat``; the GUI every
  :data:`POLL_SECONDS`, workers between chunks — it makes a good ``cancel`` callable).
- When it is true, the process: stops its workers (cancel) and discards their partial outputs
  (an unfinished export or backup is an uncommitted ``AtomicFile``: discard it); closes the
  database and wipes its keys without a checkpoint (``Desk.forget()`` / ``OpenVault.forget()``,
  which also release the instance lock);
  calls :func:`finish_pending_wipe`, which repeats the deletion (anything it wrote meanwhile, or
  that Windows refused to delete while it was open) and removes ``vault.lock`` and
  ``wipe.signal``; then exits (the GUI shows one neutral line first).
- Every start (and ``create`` / ``restore``) calls :func:`finish_pending_wipe` before anything
  else: a signal left by a killed instance is finished then. **A folder with ``wipe.signal`` is a
  folder being erased**: whatever is put into it before that call is erased too.
- The signal file carries no content.

The :class:`WipeReport` is truthful: what was erased, with timings (trigger → ``vault.key``
erased and fsynced; trigger → everything deleted), what could not be, and what no wipe can
reach. It holds structured fields and ``N_()``-marked templates; the fronts translate.

:func:`exclude_from_backups` marks the vault folder for backup tools where the platform allows;
the caller runs it when the vault is created.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from defender_desk import safewrite, wipeguard
from defender_desk import settings as settings_mod
from defender_desk.devswitches import pause
from defender_desk.errors import N_, DefenderDeskError, VaultInUse
from defender_desk.instance import InstanceLock
from defender_desk.paths import VaultPaths

Clock = Callable[[], float]

#: How often a running instance should look at the signal (seconds).
POLL_SECONDS = 0.25

_TMP_PREFIX = ".dd-tmp-"
_JOURNAL_SUFFIX = "-journal"

# What was erased (``Erased.item`` / ``NotErased.item``).
KEY_FILE = "key_file"
HEADER_COPIES = "header_copies"
DATABASE = "database"
EVIDENCE = "evidence"
TEMP_FILES = "temp_files"
OTHER_FILES = "other_files"
SETTINGS = "settings"
CLIPBOARD = "clipboard"
OWN_VAULT = "own_vault"
SIGNAL = "signal"

# How (``Erased.how``).
OVERWRITTEN = "overwritten"  # in place with random bytes, fsynced, unlinked, folder fsynced
DELETED = "deleted"  # unlinked only (ciphertext under a key that no longer exists)
RESET = "reset"  # rewritten with only what discreet mode needs
CLEARED = "cleared"

# Backup-exclusion markers (see exclude_from_backups).
CACHEDIR_TAG = "CACHEDIR.TAG"
CACHEDIR_SIGNATURE = b"Signature: 8a477f597d28d172789f06886806bc55"
DEJA_DUP_IGNORE = ".deja-dup-ignore"
MARKERS = (CACHEDIR_TAG, DEJA_DUP_IGNORE)
_CACHEDIR_TAG_TEXT = (
    CACHEDIR_SIGNATURE + b"\n"
    b"# This folder is not a cache: do not delete it. The tag asks backup tools that honour\n"
    b"# CACHEDIR.TAG to skip this folder.\n"
    b"# For information about cache directory tags, see https://bford.info/cachedir/\n"
)

# Names of items, for messages (translated by the fronts like an error's ``what`` field).
_ITEM_NAMES: dict[str, str] = {
    KEY_FILE: N_("vault.key"),
    HEADER_COPIES: N_("unfinished copies of vault.key"),
    DATABASE: N_("the database"),
    EVIDENCE: N_("the evidence files"),
    TEMP_FILES: N_("temporary files"),
    OTHER_FILES: N_("other files in the vault folder"),
    SETTINGS: N_("the settings"),
    CLIPBOARD: N_("the clipboard"),
    OWN_VAULT: N_("the vault open in this window"),
    SIGNAL: N_("the signal to other windows"),
}


# -- the report -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One message: ``kind`` for machines, ``template`` (``N_``-marked English) and its fields.

    Fronts translate with ``_(template).format(**fields)``, translating the fields named
    ``what`` and ``reason`` too (they are marked messages themselves)."""

    kind: str
    template: str
    fields: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Erased:
    item: str
    how: str
    files: int = 0
    bytes: int = 0


@dataclass(frozen=True)
class NotErased:
    item: str
    reason: str  # an N_-marked reason (safewrite's vocabulary) or a message
    files: int = 0
    errno: int | None = None


@dataclass
class WipeReport:
    """What a wipe did and did not do. Timings are seconds from the trigger (the call, or
    ``triggered_at``) on the caller's clock."""

    root: str
    platform: str
    key_found: bool = False  # a vault.key was there
    key_erased: bool = False  # ... and was overwritten in place, fsynced and removed
    key_erased_after_s: float | None = None
    all_deleted_after_s: float = 0.0
    erased: list[Erased] = field(default_factory=list)
    not_erased: list[NotErased] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    other_instance: bool = False  # another process held the instance lock during the wipe
    other_closed: bool = False  # ... and released it (closed the vault) before the report
    gate_held: bool = False  # a writer kept the wipe gate longer than wipeguard.GATE_WAIT_S
    signal_pending: bool = False
    key_rewrites: int = 0
    left_alone: int = 0
    filesystem: str | None = None
    backup_markers: bool = False

    @property
    def found(self) -> bool:
        """Whether there was anything of a vault to erase (this process's clipboard and open
        vault do not count)."""
        outside = (CLIPBOARD, OWN_VAULT, SIGNAL)
        return (
            self.key_found
            or any(e.item not in outside for e in self.erased)
            or any(n.item not in outside for n in self.not_erased)
        )

    @property
    def complete(self) -> bool:
        """Everything found was erased (the limits in :meth:`limits` apply regardless)."""
        return not self.not_erased

    # -- messages ---------------------------------------------------------------------------
    def headline(self) -> Line:
        if not self.found:
            return Line(
                "nothing",
                N_("there was no vault to erase in {path}; nothing was changed"),
                {"path": self.root},
            )
        if self.key_found and not self.key_erased:
            return Line(
                "key_not_erased",
                N_(
                    "the vault in {path} was NOT made unreadable: vault.key could not be erased;"
                    " read below what is left"
                ),
                {"path": self.root},
            )
        if not self.key_found and self.complete:
            return Line(
                "no_key_file",
                N_(
                    "the files of the vault in {path} were deleted; there was no vault.key, so"
                    " the vault could already not be opened"
                ),
                {"path": self.root},
            )
        if self.not_erased:
            return Line(
                "partly",
                N_(
                    "the vault in {path} can no longer be opened, but some files could not be"
                    " deleted; read below"
                ),
                {"path": self.root},
            )
        return Line("erased", N_("the vault in {path} was erased"), {"path": self.root})

    def erased_lines(self) -> list[Line]:
        lines: list[Line] = []
        for e in self.erased:
            lines.append(_erased_line(e, self))
        if self.key_rewrites:
            lines.append(
                Line(
                    "key_rewrites",
                    N_(
                        "a new vault.key written by another process during the erasure was"
                        " overwritten and removed too"
                    ),
                )
            )
        if self.other_instance and self.other_closed:
            lines.append(
                Line(
                    "other_closed",
                    N_(
                        "another Defender Desk window or process had the vault open; it closed"
                        " the vault, and the erasure was finished"
                    ),
                )
            )
        if self.found:
            lines.append(
                Line(
                    "timing",
                    N_("everything was deleted {ms} ms after the start"),
                    {"ms": _ms(self.all_deleted_after_s)},
                )
            )
        return lines

    def not_erased_lines(self) -> list[Line]:
        lines: list[Line] = []
        for n in self.not_erased:
            if n.item == KEY_FILE:
                lines.append(
                    Line(
                        "key_not_erased",
                        N_(
                            "vault.key could not be overwritten ({reason}): its bytes may still be"
                            " on the disk, and with them the passphrase or the recovery code"
                            " still opens the vault"
                        ),
                        {"reason": n.reason},
                    )
                )
            elif n.item in (CLIPBOARD, OWN_VAULT, SIGNAL):
                lines.append(
                    Line(
                        "failed",
                        N_("{what}: could not be done ({reason})"),
                        {"what": _ITEM_NAMES[n.item], "reason": n.reason},
                    )
                )
            else:
                lines.append(
                    Line(
                        "not_deleted",
                        N_("{what}: not deleted ({reason}); files left: {count}"),
                        {"what": _ITEM_NAMES[n.item], "count": n.files, "reason": n.reason},
                    )
                )
        if self.gate_held and self.found:
            lines.append(
                Line(
                    "gate_held",
                    N_(
                        "a Defender Desk process was in the middle of a write and did not finish"
                        " it within seconds (it may be stopped); a key file it writes later is"
                        " not erased until the next start"
                    ),
                )
            )
        if self.other_instance and not self.other_closed and self.found:
            lines.append(
                Line(
                    "other_instance",
                    N_(
                        "another Defender Desk window or process still has the vault open: it"
                        " is refused every further write to this vault, and the remaining files"
                        " are removed when it closes the vault or at the next start"
                    ),
                )
            )
        elif self.signal_pending and self.found:
            lines.append(
                Line(
                    "signal_pending",
                    N_("the erasure will be finished the next time Defender Desk starts"),
                )
            )
        return lines

    def kept_lines(self) -> list[Line]:
        lines: list[Line] = []
        if "discreet" in self.kept:
            lines.append(
                Line(
                    "kept_settings",
                    N_(
                        "settings.json, with only discreet mode and the language (so the app"
                        " looks the same when it starts)"
                    ),
                )
            )
        if self.backup_markers:
            lines.append(
                Line(
                    "kept_markers",
                    N_(
                        "the backup-exclusion markers CACHEDIR.TAG and .deja-dup-ignore, which"
                        " hold no data"
                    ),
                )
            )
        return lines

    def limits(self) -> list[Line]:
        """What no wipe can reach — always stated, whatever happened."""
        return limits_for(self.platform, self.filesystem, self.backup_markers)

    def sections(self) -> list[tuple[str, list[Line]]]:
        """(heading template, lines) in the order a front shows them after :meth:`headline`;
        empty sections dropped, and none at all when there was nothing to erase."""
        if not self.found:
            return []
        parts = [
            (N_("Erased:"), self.erased_lines()),
            (N_("Not erased:"), self.not_erased_lines()),
            (N_("Kept:"), self.kept_lines()),
            (N_("What this erasure cannot reach:"), self.limits()),
        ]
        return [(heading, lines) for heading, lines in parts if lines]

    def to_json(self) -> dict[str, Any]:
        """Structured, untranslated (for ``--json`` and tests)."""
        return {
            "root": self.root,
            "platform": self.platform,
            "found": self.found,
            "complete": self.complete,
            "key_found": self.key_found,
            "key_erased": self.key_erased,
            "key_erased_after_s": self.key_erased_after_s,
            "all_deleted_after_s": self.all_deleted_after_s,
            "erased": [vars(e) for e in self.erased],
            "not_erased": [vars(n) for n in self.not_erased],
            "kept": list(self.kept),
            "other_instance": self.other_instance,
            "other_closed": self.other_closed,
            "gate_held": self.gate_held,
            "signal_pending": self.signal_pending,
            "key_rewrites": self.key_rewrites,
            "left_alone": self.left_alone,
            "filesystem": self.filesystem,
            "backup_markers": self.backup_markers,
            "limits": [line.kind for line in self.limits()],
        }


def _ms(seconds: float | None) -> str:
    return "?" if seconds is None else f"{seconds * 1000:.1f}"


def human_size(n: int) -> str:
    """Decimal units, one decimal place (``12.3 MB``)."""
    size = float(n)
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{int(size)} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    raise AssertionError("unreachable")  # pragma: no cover


def _erased_line(e: Erased, report: WipeReport) -> Line:
    if e.item == KEY_FILE:
        return Line(
            "key_erased",
            N_(
                "vault.key: overwritten in place with random bytes, forced to the disk and removed"
                " {ms} ms after the start; from then on the database and the evidence cannot be"
                " decrypted, not even with the passphrase or the recovery code"
            ),
            {"ms": _ms(report.key_erased_after_s)},
        )
    if e.item == HEADER_COPIES:
        return Line(
            "header_copies",
            N_(
                "other files that held a wrapped key (unfinished copies of vault.key): overwritten"
                " and removed the same way ({count})"
            ),
            {"count": e.files},
        )
    if e.item == DATABASE:
        return Line(
            "database",
            N_("the database (vault.db and its journal files, {size}): deleted"),
            {"count": e.files, "size": human_size(e.bytes)},
        )
    if e.item == EVIDENCE:
        return Line(
            "evidence",
            N_(
                "the evidence files ({size}; files: {count}): deleted — not overwritten: without"
                " vault.key they cannot be decrypted, and overwriting would take long without"
                " reaching old copies on an SSD"
            ),
            {"count": e.files, "size": human_size(e.bytes)},
        )
    if e.item == TEMP_FILES:
        return Line(
            "temp_files",
            N_("unfinished temporary files: deleted ({count})"),
            {"count": e.files},
        )
    if e.item == OTHER_FILES:
        return Line(
            "other_files",
            N_(
                "other files in the vault folder (left by an interrupted key rotation, or put"
                " there by hand): deleted ({count})"
            ),
            {"count": e.files},
        )
    if e.item == SETTINGS:
        if e.how == RESET:
            return Line(
                "settings_reset",
                N_("settings: reset; only discreet mode and the language were kept"),
            )
        return Line("settings_deleted", N_("settings: deleted"))
    if e.item == CLIPBOARD:
        return Line("clipboard", N_("the clipboard: cleared"))
    if e.item == OWN_VAULT:
        return Line("own_vault", N_("the vault open in this window: closed, its keys wiped"))
    return Line(e.item, N_("{what}: done"), {"what": _ITEM_NAMES.get(e.item, e.item)})


def limits_for(platform: str, filesystem: str | None, backup_markers: bool) -> list[Line]:
    """The truthful list of what a wipe cannot reach on ``platform``."""
    lines = [
        Line(
            "ssd",
            N_(
                "SSDs and copy-on-write file systems write new data elsewhere: the old vault.key"
                " may survive in spare flash cells or free blocks, readable with laboratory"
                " tools; full-disk encryption keeps such remains encrypted"
            ),
        )
    ]
    if platform == "win32":
        lines.append(
            Line(
                "snapshots",
                N_(
                    "Windows shadow copies (restore points) of this disk may hold an old vault.key"
                    " and database; the app cannot remove them"
                ),
            )
        )
    elif platform == "darwin":
        lines.append(
            Line(
                "snapshots",
                N_(
                    "Time Machine and APFS local snapshots cover the whole disk and may hold an"
                    " old vault.key and database until they expire (local snapshots usually"
                    " within a day)"
                ),
            )
        )
    elif filesystem in ("btrfs", "zfs"):
        lines.append(
            Line(
                "snapshots",
                N_(
                    "this folder is on {filesystem}: snapshots of it (Snapper, Timeshift,"
                    " automatic ZFS snapshots) may hold an old vault.key and database"
                ),
                {"filesystem": filesystem},
            )
        )
    else:
        lines.append(
            Line(
                "snapshots",
                N_(
                    "file-system snapshots (btrfs or ZFS, LVM, a virtual machine's) may hold an"
                    " old vault.key and database"
                ),
            )
        )
    lines.append(
        Line(
            "backups",
            N_(
                "backups of the home folder (Time Machine, File History, Déjà Dup, copy scripts)"
                " may hold the vault folder, vault.key included"
            ),
        )
    )
    if backup_markers:
        lines.append(
            Line(
                "backups_marked",
                N_(
                    "the folder was marked for backup tools to skip; backups made before that, or"
                    " by tools that ignore the marks, may still hold it"
                ),
            )
        )
    lines += [
        Line(
            "copies",
            N_(
                "files you saved for court or extracted, exports and backups you made, copies you"
                " sent by messenger or e-mail, and the originals on your phone are not touched"
            ),
        ),
        Line(
            "earlier_image",
            N_(
                "a copy of the disk made before the erasure still contains vault.key: with your"
                " passphrase or recovery code it opens the vault as it was that day"
            ),
        ),
        Line(
            "traces",
            N_(
                "the erasure cannot be hidden: the installed app, the remaining settings and the"
                " file system's own records show that a vault existed and was erased"
            ),
        ),
        Line(
            "still_locked",
            N_(
                "every surviving copy of vault.key is still locked by your passphrase and your"
                " recovery code"
            ),
        ),
    ]
    return lines


# -- the wipe ---------------------------------------------------------------------------------


def wipe_requested(paths: VaultPaths) -> bool:
    """True once a wipe has signalled this vault (a ``stat``; cheap enough to poll often)."""
    return os.path.lexists(paths.wipe_signal)


def wipe(
    paths: VaultPaths,
    *,
    clock: Clock | None = None,
    clear_clipboard: Callable[[], None] | None = None,
    drop_keys: Callable[[], None] | None = None,
    triggered_at: float | None = None,
    settle_s: float = 0.0,
    gate_wait_s: float = wipeguard.GATE_WAIT_S,
) -> WipeReport:
    """Erase the vault in ``paths`` now. Never raises for a file that cannot be erased: the
    report says what was and was not done. Needs no passphrase; works locked or unlocked and
    while another process holds the instance lock. Idempotent.

    ``clock`` (monotonic seconds; default :func:`time.perf_counter`) times the steps from
    ``triggered_at`` (default: the call). ``drop_keys`` is called right after ``vault.key`` is
    erased, the database unlinked and the signal raised: the caller's own open vault closes and
    wipes its keys there. ``clear_clipboard`` is called then too. ``settle_s``: when another
    process has the vault open, how long to wait for it to close the vault before reporting
    (the command line waits a few seconds; the desktop does not). ``gate_wait_s``: how long to
    wait for a writer to leave the wipe gate before raising the signal anyway (reported).
    """
    return _Wipe(paths, clock or time.perf_counter, triggered_at, gate_wait_s).run(
        drop_keys, clear_clipboard, settle_s
    )


def finish_pending_wipe(paths: VaultPaths, *, clock: Clock | None = None) -> WipeReport | None:
    """If ``wipe.signal`` is present, finish that wipe (repeat every deletion; remove the lock
    file and the signal when no other process holds the vault) and return its report; else
    ``None``. Called by a running instance after it closed its vault on the signal, and at every
    start before unlocking or creating a vault."""
    if not wipe_requested(paths):
        return None
    return wipe(paths, clock=clock)


class _Tally:
    """Counts files removed and remembers the first failure (for one report item)."""

    def __init__(self) -> None:
        self.files = 0
        self.bytes = 0
        self.failed = 0
        self.error: OSError | None = None
        self.error_path: Path | None = None

    def fail(self, path: Path, exc: OSError) -> None:
        self.failed += 1
        if self.error is None:
            self.error, self.error_path = exc, path


def _reason(path: Path, exc: OSError) -> tuple[str, int | None]:
    err = safewrite.storage_error(path, exc)
    return str(err.fields["reason"]), exc.errno


def _lexists(path: Path) -> bool:
    return os.path.lexists(path)


def _unlink(path: Path) -> int:
    """Remove one file (not following symlinks); return its size. FileNotFoundError passes
    through; read-only files (Windows) are made writable first."""
    size = os.lstat(path).st_size
    try:
        os.unlink(path)
    except PermissionError:
        if os.name != "nt":
            raise
        os.chmod(path, stat.S_IWRITE)
        os.unlink(path)
    return size


def _starts_with_magic(path: Path) -> bool:
    """Whether ``path`` is a regular file that begins like a key file (a copy of vault.key)."""
    try:
        fd = os.open(
            path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        )
    except OSError:
        return False
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return False
        return os.read(fd, len(_KEY_MAGIC)) == _KEY_MAGIC
    except OSError:
        return False
    finally:
        os.close(fd)


_KEY_MAGIC = b"DDVAULT\x00"  # keyslots.MAGIC (not imported: the wipe must not need the vault code)


class _Wipe:
    def __init__(
        self,
        paths: VaultPaths,
        clock: Clock,
        triggered_at: float | None,
        gate_wait_s: float = wipeguard.GATE_WAIT_S,
    ) -> None:
        self.paths = paths
        self.gate_wait_s = gate_wait_s
        self.clock = clock
        self.t0 = clock() if triggered_at is None else triggered_at
        self.report = WipeReport(root=str(paths.root), platform=sys.platform)
        self._key_failed = False
        self._failed: set[Path] = set()  # files already reported as not erased

    def run(
        self,
        drop_keys: Callable[[], None] | None,
        clear_clipboard: Callable[[], None] | None,
        settle_s: float = 0.0,
    ) -> WipeReport:
        r = self.report
        root = self.paths.root
        if root.is_dir():
            # 1. Crypto-erase: every file that may wrap the master key, in place.
            self._erase_key_material()
            if r.key_found and not self._key_failed:
                r.key_erased_after_s = self.clock() - self.t0
            # 2. Unlink the database files, so SQLite never checkpoints into them again.
            self._delete_database()
            # 3. The tombstone, under the wipe gate: from here on no Defender Desk process
            #    writes a file of this vault (wipeguard).
            self._raise_signal()
        # 4. This process: its own keys, the clipboard (also when there is no folder any more).
        self._call(drop_keys, OWN_VAULT)
        self._call(clear_clipboard, CLIPBOARD)
        if root.is_dir():
            # 5. A header write that was past the gate before the tombstone renamed a new
            #    vault.key into place: erase it too. Then everything else, whatever its name.
            found_before = r.key_found
            self._erase_key_material(again=True)
            if not found_before and r.key_found and not self._key_failed:
                r.key_erased_after_s = self.clock() - self.t0
            lock = self._probe_lock()
            self._delete_database()
            self._delete_objects()
            self._delete_rest()
            self._reset_settings()
            with contextlib.suppress(OSError):
                safewrite.fsync_dir(root)
            # 6. Clean up the signal, or leave it for the process that has the vault open.
            self._finish(lock)
            if lock is None and r.other_instance and settle_s > 0:
                self._settle(settle_s)
        wipeguard.mark_wiped(root)
        r.key_erased = r.key_found and not self._key_failed
        r.all_deleted_after_s = self.clock() - self.t0
        r.filesystem = filesystem_type(root)
        if not r.found:
            r.kept = []
        return r

    # -- 1. key material ----------------------------------------------------------------------
    def _key_bearing(self) -> list[Path]:
        """Files in the vault folder that may wrap the master key, other than vault.key: the
        staged key of a key rotation, unfinished header writes, any copy of a key file."""
        try:
            entries = sorted(self.paths.root.iterdir())
        except OSError:
            return []
        out = []
        for p in entries:
            if p == self.paths.key_file or p in self._failed:
                continue
            if p.name.startswith(("vault.key", _TMP_PREFIX)) or _starts_with_magic(p):
                if not p.is_dir() or p.is_symlink():
                    out.append(p)
        return out

    def _erase_key_material(self, *, again: bool = False) -> None:
        """Overwrite ``vault.key`` and every other key-bearing file in place, then remove them."""
        r = self.report
        key = self.paths.key_file
        # (A vault.key that could not be erased the first time is not tried twice.)
        if _lexists(key) and not (again and self._key_failed):
            if again:
                r.key_rewrites += 1
            r.key_found = True
            try:
                size = os.lstat(key).st_size
            except OSError:
                size = 0
            ok, (reason, num) = self._overwrite(key)
            if ok:
                if not any(e.item == KEY_FILE for e in r.erased):
                    r.erased.insert(0, Erased(KEY_FILE, OVERWRITTEN, 1, size))
            else:
                self._key_failed = True
                r.not_erased.insert(0, NotErased(KEY_FILE, reason, 1, num))
        copies = _Tally()
        for other in self._key_bearing():
            ok, (reason, num) = self._overwrite(other)
            if ok:
                copies.files += 1
            else:
                self._failed.add(other)
                r.not_erased.append(NotErased(HEADER_COPIES, reason, 1, num))
        if copies.files:
            self._add_erased(HEADER_COPIES, OVERWRITTEN, copies.files, 0)

    def _overwrite(self, path: Path) -> tuple[bool, tuple[str, int | None]]:
        """Crypto-erase one file through safewrite. True when it was overwritten and removed."""
        if path.is_symlink():  # a link is not followed: removing the name is the erasure
            try:
                os.unlink(path)
                return True, ("", None)
            except OSError as exc:
                return False, _reason(path, exc)
        try:
            safewrite.overwrite_in_place(path)
            return True, ("", None)
        except OSError as first:
            if not _lexists(path):
                # Overwritten, fsynced and unlinked; only the folder's fsync failed.
                return True, ("", None)
            error: OSError = first
        # A read-only file (chmod 0400, or Windows' read-only attribute): make it writable.
        with contextlib.suppress(OSError):
            os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
            try:
                safewrite.overwrite_in_place(path)
                return True, ("", None)
            except OSError as second:
                error = second
        # Could not overwrite: at least remove the name, and say that the bytes may remain.
        with contextlib.suppress(OSError):
            os.unlink(path)
        return False, _reason(path, error)

    # -- 3. the signal ------------------------------------------------------------------------
    def _raise_signal(self) -> None:
        pause("wipe.signal")
        with wipeguard.closing(self.paths.root, self.gate_wait_s) as got:
            if not got:
                self.report.gate_held = True
            try:
                if not wipe_requested(self.paths):
                    safewrite.write_bytes(self.paths.wipe_signal, b"", unguarded=True)
            except DefenderDeskError as exc:
                reason = str(exc.fields.get("reason", N_("input/output error")))
                self.report.not_erased.append(NotErased(SIGNAL, reason, 0, exc.fields.get("errno")))

    # -- 4. callbacks -------------------------------------------------------------------------
    def _call(self, fn: Callable[[], None] | None, item: str) -> None:
        if fn is None:
            return
        try:
            fn()
        except Exception as exc:  # noqa: BLE001 - a callback must not stop the wipe
            self.report.not_erased.append(NotErased(item, type(exc).__name__))
        else:
            self.report.erased.append(Erased(item, CLEARED))

    # -- 5. the rest --------------------------------------------------------------------------
    def _probe_lock(self) -> InstanceLock | None:
        """The instance lock if nobody else holds it (so we finish everything ourselves)."""
        lock = InstanceLock(self.paths.lock_file)
        try:
            return lock.acquire()
        except DefenderDeskError as exc:
            self.report.other_instance = self.report.other_instance or isinstance(exc, VaultInUse)
            return None

    def _delete_database(self) -> None:
        tally = _Tally()
        names = [*self.paths.database_files(), Path(str(self.paths.db_file) + _JOURNAL_SUFFIX)]
        for p in names:
            try:
                tally.bytes += _unlink(p)
                tally.files += 1
            except FileNotFoundError:
                pass
            except OSError as exc:
                if p not in self._failed:
                    self._failed.add(p)
                    tally.fail(p, exc)
        self._record(DATABASE, DELETED, tally)

    def _delete_objects(self) -> None:
        tally = _Tally()
        top = self.paths.objects
        if _lexists(top):
            if top.is_symlink() or not top.is_dir():
                try:
                    tally.bytes += _unlink(top)
                    tally.files += 1
                except FileNotFoundError:
                    pass
                except OSError as exc:
                    tally.fail(top, exc)
            else:
                _remove_tree(top, tally)
        self._record(EVIDENCE, DELETED, tally)

    def _kept_names(self) -> set[str]:
        return {
            self.paths.settings_file.name,
            self.paths.lock_file.name,
            self.paths.wipe_signal.name,
            *MARKERS,
        }

    def _delete_rest(self) -> None:
        """Every other file and folder in the vault folder, whatever its name: unfinished
        temporary files, what an interrupted key rotation left (``vault.db.next``,
        ``rekey.commit``), and anything else. The folder belongs to the vault alone."""
        temps, others = _Tally(), _Tally()
        kept = self._kept_names()
        try:
            entries = sorted(self.paths.root.iterdir())
        except OSError:
            entries = []
        for p in entries:
            if p.name in kept or p in self._failed:
                continue
            tally = temps if p.name.startswith(_TMP_PREFIX) else others
            if p.is_dir() and not p.is_symlink():
                _remove_tree(p, tally)
                continue
            try:
                tally.bytes += _unlink(p)
                tally.files += 1
            except FileNotFoundError:
                pass
            except OSError as exc:
                self._failed.add(p)
                tally.fail(p, exc)
        self._record(TEMP_FILES, DELETED, temps)
        self._record(OTHER_FILES, DELETED, others)

    def _reset_settings(self) -> None:
        path = self.paths.settings_file
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return
        except OSError as exc:
            reason, num = _reason(path, exc)
            self.report.not_erased.append(NotErased(SETTINGS, reason, 1, num))
            return
        current = settings_mod.load(path)
        keep: dict[str, Any] = {"discreet": current.discreet, "language": current.language}
        try:
            if not current.discreet and current.language is None:
                _unlink(path)
                self._add_erased(SETTINGS, DELETED, 1, len(raw))
                return
            try:
                parsed = json.loads(raw.decode("utf-8"))
            except ValueError:
                parsed = None
            self.report.kept = ["discreet", "language"]
            if parsed == keep:
                return  # already reduced by an earlier wipe
            data = json.dumps(keep, indent=2, sort_keys=True).encode("utf-8")
            safewrite.write_bytes(path, data, unguarded=True)
            self._add_erased(SETTINGS, RESET, 1, len(raw))
        except FileNotFoundError:
            return
        except OSError as exc:
            reason, num = _reason(path, exc)
            self.report.not_erased.append(NotErased(SETTINGS, reason, 1, num))
        except DefenderDeskError as exc:
            reason = str(exc.fields.get("reason", N_("input/output error")))
            self.report.not_erased.append(NotErased(SETTINGS, reason, 1, exc.fields.get("errno")))

    # -- 5. finish ----------------------------------------------------------------------------
    def _finish(self, lock: InstanceLock | None) -> None:
        r = self.report
        root = self.paths.root
        if not _lexists(self.paths.settings_file):
            # Nothing of the vault stays, so the markers go too: an empty folder, then no
            # folder, is all that is left (a marker would tell that a vault was here).
            for m in MARKERS:
                with contextlib.suppress(OSError):
                    os.unlink(root / m)
        r.backup_markers = any(_lexists(root / m) for m in MARKERS)
        if lock is None:
            r.signal_pending = wipe_requested(self.paths)
        else:
            try:
                if os.name == "nt":  # pragma: no cover - an open file cannot be removed there
                    lock.release()
                for p in (self.paths.lock_file, self.paths.wipe_signal):
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(p)
                with contextlib.suppress(OSError):
                    safewrite.fsync_dir(root)
            except OSError as exc:
                reason, num = _reason(self.paths.wipe_signal, exc)
                r.not_erased.append(NotErased(SIGNAL, reason, 0, num))
            finally:
                lock.release()
            r.signal_pending = wipe_requested(self.paths)
        try:
            left = [p for p in root.iterdir() if p.name not in self._kept_names()]
        except OSError:
            left = []
        r.left_alone = len(left)  # what could not be deleted (each reported under not_erased)
        if lock is not None:
            with contextlib.suppress(OSError):
                root.rmdir()  # only succeeds when nothing at all is left
                safewrite.fsync_dir(root.parent)

    def _settle(self, settle_s: float) -> None:
        """Wait up to ``settle_s`` for the process that has the vault open to close it; then
        finish the erasure (or see that it finished it itself)."""
        r = self.report
        deadline = time.monotonic() + settle_s
        while time.monotonic() < deadline:
            if not wipe_requested(self.paths):  # it closed the vault and finished the wipe
                r.other_closed, r.signal_pending = True, False
                return
            lock = InstanceLock(self.paths.lock_file)
            try:
                lock.acquire()
            except DefenderDeskError:
                time.sleep(0.05)
                continue
            self._erase_key_material(again=True)
            self._delete_database()
            self._delete_objects()
            self._delete_rest()
            self._finish(lock)
            r.other_closed = True
            return

    # -- helpers ------------------------------------------------------------------------------
    def _record(self, item: str, how: str, tally: _Tally) -> None:
        if tally.files:
            self._add_erased(item, how, tally.files, tally.bytes)
        if tally.failed and tally.error is not None and tally.error_path is not None:
            reason, num = _reason(tally.error_path, tally.error)
            self.report.not_erased.append(NotErased(item, reason, tally.failed, num))

    def _add_erased(self, item: str, how: str, files: int, size: int) -> None:
        r = self.report
        for i, e in enumerate(r.erased):
            if e.item == item:
                r.erased[i] = Erased(item, how, e.files + files, e.bytes + size)
                return
        r.erased.append(Erased(item, how, files, size))


def _remove_tree(top: Path, tally: _Tally) -> None:
    """Delete ``top`` and everything under it without following symlinks. A folder whose files
    could not all be removed is not counted again as a failure of its own."""
    failed_before = tally.failed
    try:
        entries = list(os.scandir(top))
    except FileNotFoundError:
        return
    except OSError as exc:
        tally.fail(top, exc)
        return
    for entry in entries:
        p = Path(entry.path)
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
        except OSError:
            is_dir = False
        if is_dir:
            _remove_tree(p, tally)
            continue
        try:
            tally.bytes += _unlink(p)
            tally.files += 1
        except FileNotFoundError:
            pass
        except OSError as exc:
            tally.fail(p, exc)
    try:
        os.rmdir(top)
    except FileNotFoundError:
        pass
    except OSError as exc:
        if tally.failed == failed_before:
            tally.fail(top, exc)


# -- what would be erased ---------------------------------------------------------------------


@dataclass(frozen=True)
class Inventory:
    """What :func:`wipe` would erase now (for the confirmation dialog and ``wipe`` without
    ``--yes``). Sizes only; never file names."""

    root: str
    key_file: bool
    database_files: int
    database_bytes: int
    evidence_files: int
    evidence_bytes: int
    settings: bool

    @property
    def empty(self) -> bool:
        return not (self.key_file or self.database_files or self.evidence_files)

    def lines(self) -> list[Line]:
        if self.empty:
            return [
                Line(
                    "nothing",
                    N_("there is no vault in {path}; a wipe would change nothing"),
                    {"path": self.root},
                )
            ]
        lines = [Line("where", N_("this would erase, in {path}:"), {"path": self.root})]
        if self.key_file:
            lines.append(
                Line(
                    "key_file",
                    N_(
                        "vault.key, the key to everything: after it is gone, nothing in the vault"
                        " can be decrypted, not even with the passphrase or the recovery code"
                    ),
                )
            )
        if self.database_files:
            lines.append(
                Line(
                    "database",
                    N_("the database with every record and its history ({size})"),
                    {"size": human_size(self.database_bytes)},
                )
            )
        if self.evidence_files:
            lines.append(
                Line(
                    "evidence",
                    N_("the evidence files ({size}; files: {count})"),
                    {"count": self.evidence_files, "size": human_size(self.evidence_bytes)},
                )
            )
        if self.settings:
            lines.append(
                Line(
                    "settings",
                    N_("the settings, except discreet mode and the language"),
                )
            )
        lines.append(
            Line(
                "no_undo",
                N_(
                    "it cannot be undone: only a backup made before (for example the one your"
                    " lawyer keeps) brings the records back"
                ),
            )
        )
        return lines


def inventory(paths: VaultPaths) -> Inventory:
    db_files = db_bytes = ev_files = ev_bytes = 0
    for p in paths.database_files():
        with contextlib.suppress(OSError):
            db_bytes += os.lstat(p).st_size
            db_files += 1
    for f in _walk_files(paths.objects):
        with contextlib.suppress(OSError):
            ev_bytes += os.lstat(f).st_size
            ev_files += 1
    return Inventory(
        root=str(paths.root),
        key_file=_lexists(paths.key_file),
        database_files=db_files,
        database_bytes=db_bytes,
        evidence_files=ev_files,
        evidence_bytes=ev_bytes,
        settings=_lexists(paths.settings_file),
    )


def _walk_files(top: Path) -> Iterator[Path]:
    for dirpath, _dirs, files in os.walk(top):
        for name in files:
            yield Path(dirpath) / name


# -- the file system --------------------------------------------------------------------------

_OCTAL_ESCAPE = re.compile(r"\\([0-7]{3})")


def filesystem_type(path: Path) -> str | None:
    """The file system holding ``path`` (Linux, from ``/proc/self/mountinfo``); else None."""
    if not sys.platform.startswith("linux"):
        return None
    probe = Path(path)
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    try:
        target = os.path.realpath(probe)
        text = Path("/proc/self/mountinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    best: tuple[int, str] | None = None
    for line in text.splitlines():
        left, sep, right = line.partition(" - ")
        fields = left.split()
        if not sep or len(fields) < 5 or not right:
            continue
        mount = _OCTAL_ESCAPE.sub(lambda m: chr(int(m.group(1), 8)), fields[4])
        inside = mount == "/" or target == mount or target.startswith(mount.rstrip("/") + "/")
        if inside and (best is None or len(mount) >= best[0]):
            best = (len(mount), right.split()[0])
    return best[1] if best else None


# -- backups ----------------------------------------------------------------------------------


def exclude_from_backups(root: Path, *, platform: str | None = None) -> list[str]:
    """Mark the vault folder so backup tools skip it, where the platform allows. Returns what it
    did and could not do, as ``N_``-marked sentences without fields (the front translates).

    **Decision.** On every platform the folder gets a ``CACHEDIR.TAG`` (the Cache Directory
    Tagging Specification): Déjà Dup honours it by default, borg, restic, GNU tar and bup with
    ``--exclude-caches``. The folder is *not* a cache — a tool that deletes tagged folders to
    free space would delete the vault — so the tag says so in its comment lines, and the folder
    lives in the data folder, not in ``~/.cache``. On Linux it also gets ``.deja-dup-ignore``
    (Déjà Dup's own marker, with no cache meaning). On macOS ``tmutil addexclusion`` (a sticky
    exclusion, no administrator needed) excludes it from Time Machine backups; not from local
    snapshots, which cover the whole volume. On Windows an app running as a normal user has no
    reliable way to exclude a folder from File History, backup apps or Volume Shadow Copies
    (``FilesNotToSnapshot`` / ``FilesNotToBackup`` are machine-wide policies needing an
    administrator): it says so. Never raises.
    """
    plat = platform or sys.platform
    done: list[str] = []
    markers_ok = True
    try:
        safewrite.ensure_private_dir(Path(root))
        _write_marker(Path(root) / CACHEDIR_TAG, _CACHEDIR_TAG_TEXT)
        if plat not in ("win32", "darwin"):
            _write_marker(Path(root) / DEJA_DUP_IGNORE, b"")
    except DefenderDeskError:
        markers_ok = False
    if not markers_ok:
        done.append(N_("could not write the backup-exclusion markers into the vault folder"))
    elif plat in ("win32", "darwin"):
        done.append(
            N_(
                "marked the vault folder with CACHEDIR.TAG: borg, restic and tar skip it when run"
                " with --exclude-caches"
            )
        )
    else:
        done.append(
            N_(
                "marked the vault folder with CACHEDIR.TAG and .deja-dup-ignore: Déjà Dup skips"
                " it; borg, restic and tar skip it when run with --exclude-caches"
            )
        )
    if plat == "darwin":
        if _tmutil_exclude(Path(root)):
            done.append(
                N_("Time Machine: the vault folder is excluded from backups (tmutil addexclusion)")
            )
        else:
            done.append(
                N_(
                    "Time Machine: the vault folder could not be excluded from backups; add it in"
                    " the Time Machine settings under Exclude from backups"
                )
            )
        done.append(
            N_(
                "Time Machine local snapshots and other APFS snapshots cover the whole disk and"
                " cannot leave out one folder"
            )
        )
    elif plat == "win32":
        done.append(
            N_(
                "Windows: an app cannot exclude a folder from File History, backup apps or shadow"
                " copies (restore points) without administrator rights; check File History's"
                " Exclude folders and your backup app yourself"
            )
        )
        local = os.environ.get("LOCALAPPDATA")
        if local and _is_under(Path(root), Path(local)):
            done.append(
                N_(
                    "the vault folder is in AppData\\Local, which File History and OneDrive do not"
                    " copy by default"
                )
            )
    elif filesystem_type(Path(root)) in ("btrfs", "zfs"):
        done.append(
            N_(
                "the vault folder is on btrfs or ZFS: snapshots of that volume (Snapper,"
                " Timeshift) cannot leave out one folder"
            )
        )
    return done


def _write_marker(path: Path, data: bytes) -> None:
    try:
        if path.read_bytes() == data:
            return
    except OSError:
        pass
    safewrite.write_bytes(path, data)


def _tmutil_exclude(root: Path) -> bool:
    try:
        added = subprocess.run(
            ["tmutil", "addexclusion", str(root)],
            capture_output=True,
            timeout=20,
            check=False,
        )
        if added.returncode != 0:
            return False
        check = subprocess.run(
            ["tmutil", "isexcluded", str(root)],
            capture_output=True,
            timeout=20,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return check.returncode == 0 and b"[Excluded]" in check.stdout


def _is_under(path: Path, parent: Path) -> bool:
    try:
        Path(os.path.abspath(path)).relative_to(os.path.abspath(parent))
    except ValueError:
        return False
    return True


__all__ = [
    "CACHEDIR_TAG",
    "DEJA_DUP_IGNORE",
    "MARKERS",
    "POLL_SECONDS",
    "Erased",
    "Inventory",
    "Line",
    "NotErased",
    "WipeReport",
    "exclude_from_backups",
    "filesystem_type",
    "finish_pending_wipe",
    "human_size",
    "inventory",
    "limits_for",
    "wipe",
    "wipe_requested",
]
