"""The desktop app (PySide6): a thin layer over :class:`defender_desk.app.Desk`.

No SQL, file I/O or cryptography here: every action calls the facade and renders what it
returns. ``ui/`` imports only ``defender_desk.app`` (the facade and the types it re-exports),
``domain``, ``i18n``, ``errors`` and ``secret`` (``tests/test_layering.py``). Untrusted or record
text is always shown as plain text (never rich text). Every string goes through the gettext
catalogs; every widget can re-translate itself in place (``retranslate()``), so switching
language loses no work.

Shared behaviour lives once, in :mod:`defender_desk.ui.kit` (forms with drafts, lists, the
confirm dialog, jobs, the evidence viewer); the screens in :mod:`defender_desk.ui.screens` say
only what is particular to them.
"""
