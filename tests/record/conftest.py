from __future__ import annotations

from pathlib import Path

import pytest

from defender_desk.app import Desk
from defender_desk.secret import Secret
from tests.conftest import PASS


@pytest.fixture
def desk(tmp_path: Path):
    d = Desk(tmp_path / "vault")
    d.create(Secret.from_text(PASS))
    yield d
    d.lock()


@pytest.fixture
def family(desk):
    daughter = desk.add_person({"name": "Айгерим", "role": "family", "relation": "child"})
    police = desk.add_person({"name": "РОВД", "role": "actor", "institution": "police"})
    return daughter, police
