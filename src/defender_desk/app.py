"""``Desk``: the one facade that the CLI and the desktop both call.

It owns the open vault (if any) and exposes every capability as a method that takes and returns
plain values and models — never Qt objects, never translated text. Errors are
:class:`~defender_desk.errors.DefenderDeskError` subclasses with fields; the fronts translate.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from defender_desk import __version__
from defender_desk import settings as settings_mod
from defender_desk.errors import VaultLocked
from defender_desk.paths import VaultPaths
from defender_desk.secret import Secret
from defender_desk.vault import db, keyslots, store
from defender_desk.vault.kdf import FLOOR


@dataclass(frozen=True)
class CreateResult:
    recovery_code: str


@dataclass(frozen=True)
class CheckReport:
    ok: bool
    problems: list[str]


class Desk:
    def __init__(self, vault_dir: Path) -> None:
        self.paths = VaultPaths(Path(vault_dir))
        self._vault: store.OpenVault | None = None

    # -- lifecycle ----------------------------------------------------------------------------
    def exists(self) -> bool:
        return self.paths.has_vault()

    @property
    def unlocked(self) -> bool:
        return self._vault is not None

    @property
    def warnings(self) -> list[str]:
        """Machine-readable warnings from the last unlock (e.g. ``kdf_below_floor``)."""
        return list(self._vault.warnings) if self._vault else []

    def create(self, passphrase: Secret) -> CreateResult:
        """Create a vault and leave it unlocked. The recovery code is returned once and never
        stored in readable form."""
        created = store.create(self.paths, passphrase)
        self._vault = created.vault
        return CreateResult(recovery_code=created.recovery_code)

    def unlock(self, passphrase: Secret) -> None:
        self._require_locked()
        self._vault = store.open_vault(self.paths, passphrase)

    def recover(self, untrusted_code: str, new_passphrase: Secret) -> None:
        """Open with the recovery code and set a new passphrase; leaves the vault unlocked."""
        self._require_locked()
        self._vault = store.recover(self.paths, untrusted_code, new_passphrase)

    def change_passphrase(self, new_passphrase: Secret) -> None:
        self._open().change_passphrase(new_passphrase)

    def lock(self) -> None:
        if self._vault is not None:
            vault, self._vault = self._vault, None
            vault.close()

    def __enter__(self) -> Desk:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.lock()

    # -- reading ------------------------------------------------------------------------------
    def status(self) -> dict[str, Any]:
        vault = self._open()
        kdf = vault.header.kdf
        return {
            "path": str(self.paths.root),
            "app_version": __version__,
            "format_version": vault.header.version,
            "schema_version": db.schema_version(vault.conn),
            "header_generation": vault.header.generation,
            "kdf": {
                "algorithm": "argon2id",
                "memory_kib": kdf.memory_kib,
                "iterations": kdf.iterations,
                "lanes": kdf.lanes,
                "below_floor": kdf.below_floor(),
                "floor": {
                    "memory_kib": FLOOR.memory_kib,
                    "iterations": FLOOR.iterations,
                    "lanes": FLOOR.lanes,
                },
            },
            "key_file_size": keyslots.HEADER_LEN,
            "counts": self._counts(vault),
        }

    def _counts(self, vault: store.OpenVault) -> dict[str, int]:
        counts: dict[str, int] = {}
        tables = {
            r[0] for r in vault.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        for name in ("incidents", "people", "evidence", "obligations", "contacts"):
            if name in tables:
                counts[name] = int(vault.conn.execute(f"SELECT count(*) FROM {name}").fetchone()[0])  # noqa: S608 - fixed names
        return counts

    def check(self) -> CheckReport:
        """Integrity of the database (and, as they land, evidence and history)."""
        vault = self._open()
        problems = db.integrity_problems(vault.conn)
        return CheckReport(ok=not problems, problems=problems)

    def settings(self) -> settings_mod.Settings:
        return settings_mod.load(self.paths.settings_file)

    def save_settings(self, value: settings_mod.Settings) -> None:
        settings_mod.save(self.paths.settings_file, value)

    # -- internals ----------------------------------------------------------------------------
    def _open(self) -> store.OpenVault:
        if self._vault is None:
            raise VaultLocked()
        return self._vault

    def _require_locked(self) -> None:
        if self._vault is not None:
            self.lock()
