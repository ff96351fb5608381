"""File names from the outside world: stored exactly, shown safely, exported portably.

A name on Linux is bytes. Three forms of it are kept apart:

- **the exact bytes** — kept when they are not plain UTF-8 text (``Evidence.original_name_bytes``,
  base64), so nothing about the original is lost;
- **the display form** (:func:`display_name`) — always valid Unicode without control characters,
  so it can be stored in the record, validated, searched and printed on a terminal without
  moving the cursor or reversing the text: UTF-8 when the bytes are UTF-8; otherwise the Cyrillic
  code page the bytes read as (Windows-1251, then DOS 866 — what a name from an old Windows
  machine, a FAT stick or a ZIP archive made there usually is); otherwise ``\\xNN`` for each byte
  that is not text. Control characters become visible escapes (``\\t``, ``\\n``, ``\\x1b``) and the
  bidirectional-override characters ``\\u202e`` and the like, so a name cannot pretend to end in
  ``.jpg``;
- **the portable form** (:func:`portable_name`) — for a file written to someone else's disk (an
  export, *Save for court*): valid on Windows, macOS and Linux — no ``<>:"/\\|?*``, no control or
  format characters, no trailing dots or spaces, not a reserved Windows device name (``CON``,
  ``NUL``, ``COM1``…), at most 255 bytes of UTF-8 with the extension kept.
"""

from __future__ import annotations

import base64
import os
import re
import unicodedata

__all__ = ["display_name", "exact_bytes", "name_parts", "portable_name", "terminal_safe"]

_MAX_BYTES = 255
_UNSAFE = re.compile(r'[<>:"/\\|?*]')
_RESERVED = re.compile(r"^(CON|PRN|AUX|NUL|COM[0-9¹²³]|LPT[0-9¹²³])(\..*)?$", re.IGNORECASE)
# Bidirectional controls and other invisible format characters that reorder or hide text.
_BIDI = frozenset(
    "\u061c\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2066\u2067\u2068\u2069\ufeff"
)
_ESCAPES = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}
_CYRILLIC_TEXT = re.compile(r"[\u0400-\u04ff\u0020-\u007e«»–—№…’“”„]*")
_LEGACY_CODEPAGES = ("cp1251", "cp866")
_MIN_LETTERS = 3  # fewer Cyrillic letters than this is too little to call it text


def _escape(ch: str) -> str:
    if ch in _ESCAPES:
        return _ESCAPES[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def terminal_safe(text: str) -> str:
    """``text`` with control and bidirectional-format characters made visible as escapes."""
    return "".join(
        _escape(ch) if unicodedata.category(ch) == "Cc" or ch in _BIDI else ch for ch in text
    )


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for codepage in _LEGACY_CODEPAGES:
        try:
            text = raw.decode(codepage)
        except UnicodeDecodeError:
            continue
        letters = sum("\u0400" <= c <= "\u04ff" for c in text)
        if _CYRILLIC_TEXT.fullmatch(text) and letters >= _MIN_LETTERS:
            return text
    # Not text in any code page we know: keep the bytes visible.
    return "".join(
        c if not 0xDC80 <= ord(c) <= 0xDCFF else f"\\x{ord(c) - 0xDC00:02x}"
        for c in raw.decode("utf-8", "surrogateescape")
    )


def display_name(raw: bytes | str) -> str:
    """The display form of a file name given as bytes (or as ``os.fsdecode`` text)."""
    if isinstance(raw, str):
        raw = os.fsencode(raw)
    text = unicodedata.normalize("NFC", _decode(raw))
    return terminal_safe(text).strip() or "?"


def exact_bytes(raw: bytes | str, display: str) -> str | None:
    """Base64 of the exact name when the display form does not give it back; else None."""
    if isinstance(raw, str):
        raw = os.fsencode(raw)
    if display.encode("utf-8") == raw:
        return None
    return base64.b64encode(raw).decode("ascii")


def name_parts(path: os.PathLike[str] | str) -> tuple[str, str | None]:
    """(display form, exact bytes or None) of the last component of ``path``."""
    raw = os.fsencode(os.path.basename(os.fspath(path)))
    display = display_name(raw)
    return display, exact_bytes(raw, display)


def portable_name(name: str, *, fallback: str = "file") -> str:
    """A name valid on Windows, macOS and Linux for the (display-form) ``name``."""
    text = unicodedata.normalize("NFC", name)
    text = "".join(
        "_"
        if unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp") or _UNSAFE.match(c)
        else c
        for c in text
    )
    text = " ".join(text.split()).strip(" .")
    if _RESERVED.match(text):
        text = "_" + text
    if len(text.encode("utf-8")) > _MAX_BYTES:
        stem, dot, ext = text.rpartition(".")
        if not dot or not stem or len(ext.encode("utf-8")) > 16:
            stem, ext = text, ""
        budget = _MAX_BYTES - (len(ext.encode("utf-8")) + 1 if ext else 0)
        cut = stem.encode("utf-8")[:budget].decode("utf-8", "ignore").rstrip(" .")
        text = f"{cut}.{ext}" if ext else cut
    return text or fallback
