"""Drafts (issue 17, item 1): migration 0011, and what the facade keeps — inside the encrypted
database only, one per editor and record, never in the history chain."""

from __future__ import annotations

import secrets

import pytest

from defender_desk.app import Desk
from defender_desk.errors import InvalidInput, NotFound, VaultLocked
from defender_desk.secret import Secret
from defender_desk.vault import db
from tests.conftest import PASS


def test_migration_0011_drafts(tmp_path):
    import sqlcipher3

    raw = sqlcipher3.connect(str(tmp_path / "six.db"), isolation_level=None)
    raw.execute(f"PRAGMA key = \"x'{secrets.token_bytes(32).hex()}'\"")
    assert db.migrate(raw, target=10) == 10
    db.set_meta(raw, "kept", b"across the migration")
    assert db.migrate(raw, target=11) == 11
    columns = [r[1] for r in raw.execute("PRAGMA table_info(drafts)")]
    assert columns == ["id", "kind", "record_id", "saved_at", "payload"]
    assert db.get_meta(raw, "kept") == b"across the migration"
    raw.close()


@pytest.fixture
def desk(tmp_path):
    d = Desk(tmp_path / "vault")
    d.create(Secret.from_text(PASS))
    yield d
    d.lock()


def test_drafts_round_trip_and_replace(desk):
    first = desk.save_draft("incident", None, {"title": "Машина у подъезда", "severity": 3})
    assert first.payload == {"title": "Машина у подъезда", "severity": 3}
    person = desk.add_person({"name": "Айгерим", "role": "family"})
    desk.save_draft("person", person.id, {"name": "Айгерим (дочь)"})
    # one draft per editor and record: a second save replaces the first
    second = desk.save_draft("incident", None, {"title": "Машина у подъезда, третий вечер"})
    drafts = desk.list_drafts()
    assert {(d.kind, d.record_id) for d in drafts} == {("incident", None), ("person", person.id)}
    assert desk.get_draft(second.id).payload["title"].endswith("третий вечер")
    with pytest.raises(NotFound):
        desk.get_draft(first.id)
    # not part of the record: no revision, the person unchanged
    assert all(r["record_id"] != second.id for r in _revisions(desk))
    assert desk.get_person(person.id).name == "Айгерим"
    desk.delete_draft(second.id)
    assert [d.kind for d in desk.list_drafts()] == ["person"]
    assert "Айгерим" not in repr(desk.list_drafts()[0])  # never the content in a repr


def _revisions(desk):
    return [
        {"record_id": r[0]} for r in desk._open().conn.execute("SELECT record_id FROM revisions")
    ]


def test_a_draft_is_encrypted_on_disk(desk, tmp_path):
    desk.save_draft("incident", None, {"description": "DRAFT-CANARY-51c0 «дочь не вернётся»"})
    desk.lock()
    for path in (tmp_path / "vault").rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert b"DRAFT-CANARY-51c0" not in data, path
            assert "дочь не вернётся".encode() not in data, path


def test_bad_drafts_are_refused(desk):
    with pytest.raises(InvalidInput):
        desk.save_draft("password", None, {"x": 1})
    with pytest.raises(InvalidInput):
        desk.save_draft("incident", None, ["not", "a", "dict"])  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        desk.save_draft("incident", None, {"text": "x" * (4 * 1024 * 1024 + 1)})
    desk.lock()
    with pytest.raises(VaultLocked):
        desk.list_drafts()
