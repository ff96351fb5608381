"""The wipe guard inside one process (``wipeguard``, ``safewrite``, ``db``): what is refused,
what is not, and that the app writes to its database only through guarded transactions."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import pytest

from defender_desk import safewrite, settings, wipeguard
from defender_desk.app import Desk
from defender_desk.errors import VaultLocked, VaultWiped
from defender_desk.secret import Secret
from defender_desk.vault import db
from tests.conftest import PASS

_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER")


def test_the_app_writes_only_inside_guarded_transactions(tmp_path: Path) -> None:
    """Every write statement of a whole session runs inside ``db.transaction`` (whose commit is
    guarded): none runs on its own (an autocommit write would pass the guard)."""
    desk = Desk(tmp_path / "vault")
    desk.create(Secret.from_text(PASS))
    seen: list[tuple[str, bool]] = []

    def trace(conn):
        conn.set_trace_callback(lambda sql: seen.append((sql, conn.in_transaction)))

    trace(desk._open().conn)
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"jpeg" * 1000)
    daughter = desk.add_person({"name": "Айгерим", "role": "family", "relation": "child"})
    incident = desk.add_incident(
        {"category": "020103010000", "title": "т", "happened": "2021", "target_ids": [daughter.id]},
        [photo],
    )
    desk.edit_incident(incident.id, {"title": "изменено"})
    ev = desk.list_evidence()[0]
    desk.attach_evidence(ev.id, None)
    desk.delete_evidence(ev.id)
    lawyer = Desk(tmp_path / "lawyer")
    lawyer.create(Secret.from_text("l"))
    card = lawyer.me()
    lawyer.lock()
    contact = desk.add_contact(name="Адвокат", role="lawyer", age_recipient=card.age_recipient)
    desk.verify_contact(contact.id)
    desk.export([contact.id], output=tmp_path / "export.age")
    desk.add_obligation(
        {"kind": "probation", "title": "Пробация", "start": "2024-06-26", "until": "2027-06-25"}
    )
    emergency = desk.start_emergency(daughter.id)
    desk.log(emergency.id, "позвонили из РОВД")
    desk.backup(tmp_path / "backup.age")
    desk.delete_incident(incident.id)
    desk.change_passphrase(Secret.from_text("second"))
    desk.lock()
    desk.unlock(Secret.from_text("second"))
    trace(desk._open().conn)
    desk.rekey(Secret.from_text("second"))
    trace(desk._open().conn)
    desk.add_person({"name": "после", "role": "witness"})
    desk.lock()
    writes = [(sql, inside) for sql, inside in seen if sql.lstrip().upper().startswith(_WRITES)]
    assert len(writes) > 30
    outside = [sql for sql, inside in writes if not inside]
    assert outside == []
    assert date.today()  # (the session ran with the real clock)


def test_a_write_after_the_lock_is_released_is_refused(tmp_path: Path) -> None:
    desk = Desk(tmp_path / "vault")
    desk.create(Secret.from_text(PASS))
    objects = desk.paths.objects
    desk.lock()
    with pytest.raises(VaultLocked):  # a straggling worker of a closed session
        safewrite.write_bytes(objects / "ab" / "straggler", b"x")
    with pytest.raises(VaultLocked):
        safewrite.write_bytes(desk.paths.key_file, b"x")
    # the folder's own files live without a vault
    settings.save(desk.paths.settings_file, settings.Settings(discreet=True))
    safewrite.write_bytes(tmp_path / "elsewhere.txt", b"not in a vault")


def test_while_a_wipe_is_pending_even_the_settings_wait(tmp_path: Path) -> None:
    desk = Desk(tmp_path / "vault")
    desk.create(Secret.from_text(PASS))
    safewrite.write_bytes(desk.paths.wipe_signal, b"", unguarded=True)
    for write in (
        lambda: desk.add_person({"name": "x", "role": "witness"}),
        lambda: settings.save(desk.paths.settings_file, settings.Settings()),
        lambda: safewrite.write_bytes(desk.paths.key_file, b"x"),
        lambda: safewrite.ensure_private_dir(desk.paths.objects / "zz"),
        lambda: db.checkpoint(desk._open().conn),
    ):
        with pytest.raises(VaultWiped):
            write()
    assert desk.list_people() == []  # the refused transaction was rolled back
    assert not (desk.paths.objects / "zz").exists()
    desk.forget()


def test_a_long_statement_stops_when_the_wipe_begins(tmp_path: Path) -> None:
    desk = Desk(tmp_path / "vault")
    desk.create(Secret.from_text(PASS))
    conn = desk._open().conn
    started = threading.Event()

    def raise_the_signal() -> None:
        started.wait(60)
        safewrite.write_bytes(desk.paths.wipe_signal, b"", unguarded=True)

    t = threading.Thread(target=raise_the_signal)
    t.start()
    query = (
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
        "SELECT count(*) FROM n WHERE dd_started(i)"
    )
    conn.create_function("dd_started", 1, lambda i: started.set() or True)
    with pytest.raises(VaultWiped):  # an endless statement, interrupted by the progress handler
        with db.writable(conn):
            conn.execute(query).fetchone()
    t.join()
    desk.forget()


def test_registry_follows_the_instance_lock(tmp_path: Path) -> None:
    desk = Desk(tmp_path / "vault")
    desk.create(Secret.from_text(PASS))
    root = str(desk.paths.root)
    assert wipeguard.root_of(desk.paths.objects / "ab" / "cd") == root
    assert wipeguard.root_of(desk.paths.key_file) == root
    assert wipeguard.root_of(tmp_path / "elsewhere") is None
    desk.lock()
    assert wipeguard.root_of(desk.paths.key_file) == root  # known, no longer held
