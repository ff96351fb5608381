"""The desktop app (PySide6): a thin layer over :class:`defender_desk.app.Desk`.

No SQL, file I/O or cryptography here: every action calls the facade and renders what it
returns. Untrusted or record text is always shown as plain text (never rich text). Every string
goes through the gettext catalogs; every widget can re-translate itself in place
(:meth:`base.Retranslatable.retranslate`), so switching language loses no work.
"""
