"""``settings.json``: what must be known before unlock — and nothing else.

Language, discreet mode, auto-lock and clipboard timing, lock triggers. Never record content. An
unreadable or foreign file falls back to defaults (and is rewritten on the next save), because a
damaged settings file must never keep her out of her vault.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from defender_desk import safewrite


class Settings(BaseModel):
    model_config = ConfigDict(extra="ignore", hide_input_in_errors=True)

    language: str | None = Field(default=None, pattern=r"^(en|ru|kk)$")
    discreet: bool = False
    auto_lock_minutes: int = Field(default=5, ge=1, le=240)
    clipboard_clear_seconds: int = Field(default=30, ge=5, le=600)
    lock_on_screen_lock: bool = True
    lock_on_suspend: bool = True
    lock_on_minimise: bool = False
    confirm_panic_wipe: bool = True
    notification_details: bool = False
    #: IANA zone for obligations (None: Asia/Almaty, her zone; Kazakhstan changed zones in 2024)
    zone: str | None = None

    @field_validator("zone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is None:
            return None
        import zoneinfo

        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError("unknown time zone") from None
        return value


def load(path: Path) -> Settings:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Settings()
    except OSError:
        return Settings()
    try:
        return Settings.model_validate(json.loads(raw.decode("utf-8")))
    except (ValueError, ValidationError):
        return Settings()


def save(path: Path, settings: Settings) -> None:
    data = json.dumps(settings.model_dump(), indent=2, sort_keys=True).encode("utf-8")
    safewrite.write_bytes(path, data)
