"""Defender Desk: an offline-first, encrypted desk for a human rights defender.

The core (everything here except ``ui/``) never imports Qt; ``app.Desk`` is the one facade that
both the CLI (``cli.py``) and the desktop (``ui/``) call.
"""

__version__ = "0.1.0"
