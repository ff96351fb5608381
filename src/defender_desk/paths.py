"""Where the vault lives, and the names of its files.

Default: ``platformdirs.user_data_path("DefenderDesk", appauthor=False)``; overridden by
``--vault-dir`` or ``DEFENDER_DESK_HOME``. The folder is created 0700, files 0600, and the
process umask is 077 (set by :func:`defender_desk.hardening.harden_process`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ENV_HOME = "DEFENDER_DESK_HOME"
APP_DIR_NAME = "DefenderDesk"


def default_vault_dir() -> Path:
    import platformdirs

    return platformdirs.user_data_path(APP_DIR_NAME, appauthor=False)


def resolve_vault_dir(cli_value: str | os.PathLike[str] | None = None) -> Path:
    """``--vault-dir`` wins, then ``DEFENDER_DESK_HOME``, then the platform default."""
    if cli_value:
        return Path(cli_value).expanduser().absolute()
    env = os.environ.get(ENV_HOME)
    if env:
        return Path(env).expanduser().absolute()
    return default_vault_dir()


@dataclass(frozen=True)
class VaultPaths:
    root: Path

    @property
    def key_file(self) -> Path:
        return self.root / "vault.key"

    @property
    def db_file(self) -> Path:
        return self.root / "vault.db"

    @property
    def wal_file(self) -> Path:
        return self.root / "vault.db-wal"

    @property
    def shm_file(self) -> Path:
        return self.root / "vault.db-shm"

    @property
    def objects(self) -> Path:
        return self.root / "objects"

    @property
    def settings_file(self) -> Path:
        return self.root / "settings.json"

    @property
    def lock_file(self) -> Path:
        return self.root / "vault.lock"

    @property
    def wipe_signal(self) -> Path:
        """Created by a panic wipe so that a running instance drops its keys and exits."""
        return self.root / "wipe.signal"

    def database_files(self) -> list[Path]:
        return [self.db_file, self.wal_file, self.shm_file]

    def has_vault(self) -> bool:
        return self.key_file.exists() or self.db_file.exists()
