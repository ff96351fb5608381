"""Logging that cannot carry record content.

Our code logs fixed event names only. As a safety net the formatter never interpolates
arguments that are not numbers: a stray ``log.info("saved %s", title)`` prints ``saved <str>``.
Logs go to stderr only — never to a file.
"""

from __future__ import annotations

import logging
import sys


class ContentFreeFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        args = record.args
        if isinstance(args, tuple):
            safe = tuple(
                a
                if isinstance(a, int | float) and not isinstance(a, bool)
                else f"<{type(a).__name__}>"
                for a in args
            )
            record = logging.makeLogRecord({**record.__dict__, "args": safe})
        elif args:
            record = logging.makeLogRecord(
                {**record.__dict__, "args": None, "msg": str(record.msg)}
            )
        record.exc_info = None  # tracebacks may show values; errors are reported by type only
        record.exc_text = None
        return super().format(record)


def setup(verbose: bool = False) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(ContentFreeFormatter("defender-desk: %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("defender_desk")
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose else logging.WARNING)
    root.propagate = False


def get(name: str) -> logging.Logger:
    return logging.getLogger(name)
