"""``defender-desk``: the desktop app's entry point, and the one place that wires it.

Kept small so the unlock window appears fast: hardening first, then Qt, then the controller.
:class:`DesktopCore` is what the desktop needs from the core *before* the facade is loaded (where
the vault lives, its settings file, a pending panic wipe, the practice vault): built here, outside
``ui/``, and passed in, so ``ui/`` itself imports only the facade (``tests/test_layering.py``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from defender_desk.app import Desk
    from defender_desk.paths import VaultPaths
    from defender_desk.settings import Settings

PRACTICE_SUFFIX = "-practice"


class DesktopCore:
    """The vault folders (hers and the practice one beside it) and what can be done with them
    before unlock. ``real_dir`` is always her own vault's folder: the practice folder is derived
    from it once, never from itself (no ``…-practice-practice``)."""

    def __init__(self, real_dir: Path) -> None:
        real_dir = Path(real_dir)
        if real_dir.name.endswith(PRACTICE_SUFFIX):
            # started with the practice folder itself: her vault is the one it belongs to
            real_dir = real_dir.with_name(real_dir.name[: -len(PRACTICE_SUFFIX)])
        self.real_dir = real_dir
        self.practice_dir = real_dir.with_name(real_dir.name + PRACTICE_SUFFIX)

    @property
    def practice_passphrase(self) -> str:
        from defender_desk.practice import PRACTICE_PASSPHRASE

        return PRACTICE_PASSPHRASE

    def folder(self, practice: bool) -> Path:
        return self.practice_dir if practice else self.real_dir

    def _paths(self, practice: bool) -> VaultPaths:
        from defender_desk.paths import VaultPaths

        return VaultPaths(self.folder(practice))

    def has_vault(self, practice: bool) -> bool:
        return self._paths(practice).has_vault()

    def in_use(self, practice: bool) -> bool:
        """True when another process holds this vault open (its instance lock)."""
        from defender_desk.errors import VaultInUse
        from defender_desk.instance import InstanceLock

        paths = self._paths(practice)
        if not paths.root.is_dir():
            return False
        try:
            InstanceLock(paths.lock_file).acquire().release()
        except VaultInUse:
            return True
        except OSError:
            return False
        return False

    def load_settings(self, practice: bool) -> Settings:
        from defender_desk import settings

        return settings.load(self._paths(practice).settings_file)

    def save_settings(self, practice: bool, value: Settings) -> None:
        from defender_desk import settings

        settings.save(self._paths(practice).settings_file, value)

    def finish_pending_wipe(self, practice: bool) -> None:
        from defender_desk.wipe import finish_pending_wipe

        finish_pending_wipe(self._paths(practice))

    def wipe_requested(self, practice: bool) -> bool:
        from defender_desk.wipe import wipe_requested

        return bool(wipe_requested(self._paths(practice)))

    def ensure_practice_vault(self) -> None:
        """Create and fill the practice vault unless it exists (a few seconds the first time)."""
        from defender_desk.practice import ensure_practice_vault

        ensure_practice_vault(self.practice_dir)

    def make_desk(self, practice: bool) -> Desk:
        from defender_desk.app import Desk

        return Desk(self.folder(practice))


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="defender-desk")
    parser.add_argument("--vault-dir", metavar="DIR")
    parser.add_argument("--lang", choices=("en", "ru", "kk"))
    parser.add_argument("--practice", action="store_true", help="open the practice vault")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    from defender_desk import hardening, log

    hardening.harden_process()
    log.setup()
    args = parse_args(sys.argv[1:] if argv is None else argv)
    from defender_desk.paths import resolve_vault_dir

    core = DesktopCore(resolve_vault_dir(args.vault_dir))
    from defender_desk.ui.app import run

    return int(run(args, core))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
