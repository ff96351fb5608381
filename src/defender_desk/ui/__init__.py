"""The desktop app (PySide6): a thin layer over :class:`defender_desk.app.Desk`.

No SQL, file I/O or cryptography here: every action calls the facade and renders what it
returns. Untrusted or record text is always shown as plain text (never rich text). Every string
goes through the gettext catalogs; every widget can re-translate itself in place
(``retranslate()``), so switching language loses no work.
"""

import sys

if sys.version_info < (3, 12):  # pragma: no branch
    # PySide6 6.12 wheels release a reference to None for every Qt call that returns nothing
    # (they assume Python 3.12's immortal None). On 3.11 the count reaches zero after some
    # tens of thousands of calls and the interpreter aborts ("none_dealloc"). Make None
    # effectively immortal here, before any Qt call, as 3.12 does. See docs/architecture.md.
    import ctypes

    ctypes.c_ssize_t.from_address(id(None)).value += 1 << 40
