"""The report tests that export from a real vault use the sharing tests' desks."""

from __future__ import annotations

from tests.sharing.conftest import her, lawyer, scli

__all__ = ["her", "lawyer", "scli"]
