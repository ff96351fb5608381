"""What a window may ask of the controller.

Windows and screens type their controller as :class:`Host` (a protocol) instead of importing the
controller class: the controller imports the windows, never the other way round, so ``ui/`` has
no import circle (``tests/test_layering.py``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance
    from PySide6.QtWidgets import QApplication, QWidget

    from defender_desk.app import Desk, Settings


class Host(Protocol):
    app: QApplication
    settings: Settings
    practice: bool
    #: the practice vault's public passphrase (shown on its unlock screen)
    practice_passphrase: str
    vault_dir: Path
    window: QWidget | None
    main_window: Any
    tray: Any
    language_changed: SignalInstance
    locked: SignalInstance

    @property
    def desk(self) -> Desk: ...

    @property
    def is_unlocked(self) -> bool: ...

    def display_name(self) -> str: ...

    def set_language(self, lang: str, *, save: bool = True) -> None: ...

    def save_settings(self, settings: Settings) -> None: ...

    def copy_text(self, text: str) -> None: ...

    def unlocked(self) -> None: ...

    def lock(self) -> None: ...

    def quit(self) -> None: ...

    def panic_wipe(self) -> None: ...

    def open_practice(self, on: bool = True) -> None: ...

    def can_hide_to_tray(self) -> bool: ...

    def in_use_elsewhere(self) -> bool: ...

    def save_drafts(self) -> int: ...
