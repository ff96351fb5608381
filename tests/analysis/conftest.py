from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from defender_desk.app import Desk
from defender_desk.secret import Secret
from tests.conftest import PASS

#: 2025-06-15 12:00 in Almaty (UTC+5): "today" is 2025-06-15 for every facade test.
NOW = datetime(2025, 6, 15, 7, 0, tzinfo=UTC)


@pytest.fixture
def desk(tmp_path: Path):
    d = Desk(tmp_path / "vault", clock=lambda: NOW)
    d.create(Secret.from_text(PASS))
    yield d
    d.lock()


@pytest.fixture
def cast(desk):
    """People of the scenario: two relatives and three actors."""
    add = desk.add_person
    return {
        "husband": add({"name": "Ерлан", "role": "family", "relation": "spouse"}).id,
        "daughter": add({"name": "Айгерим", "role": "family", "relation": "child"}).id,
        "akimat": add(
            {
                "name": "Отдел внутренней политики акимата",
                "role": "actor",
                "institution": "local_administration",
            }
        ).id,
        "police": add({"name": "РОВД", "role": "actor", "institution": "police"}).id,
        "unknown": add({"name": "Неизвестный", "role": "actor", "institution": "unknown"}).id,
        "lawyer": add({"name": "Адвокат Нурлан", "role": "lawyer"}).id,
    }
