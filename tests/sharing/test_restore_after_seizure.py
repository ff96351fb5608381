"""Issue 12, item 5: a restore she can trust after a seizure.

A backup is encrypted to her recovery *recipient*, a public key anyone who opened her database
knows, and its checks are unkeyed hashes: whoever had her database (and her coerced passphrase)
can make a "backup" with an incident deleted and his own receiving key planted, and it restores
and verifies. What helps is what he cannot change: the date and the history head she can compare
(shown before anything is written), ``--made-before`` (a date she knows: the search), the heads
her lawyer signed for, and a key rotation afterwards.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pyrage
import pytest

from defender_desk.secret import Secret
from defender_desk.sharing import backup as backup_mod
from defender_desk.sharing import identity
from defender_desk.vault import db, history
from tests.sharing.conftest import SDesk, add_record, make_desk

NEW_PASS = "новая фраза"


def _forged_backup(her: Any, tmp_path: Path, *, drop_title: str) -> tuple[Path, str]:
    """What the examiner makes from her database and passphrase: the same record without one
    incident (its history rewritten from scratch), his own receiving key planted, encrypted to
    her recovery recipient — a public key he read in the database."""
    conn = her._open().conn
    recipient = db.get_meta(conn, "recovery_recipient")
    assert recipient is not None
    forger, _code = make_desk(tmp_path / "forger", "forger")
    for incident in her.list_incidents():
        if incident.title != drop_title:
            forger.add_incident(
                {"category": incident.category, "title": incident.title, "happened": "2026"}
            )
    his = pyrage.x25519.Identity.generate()
    fconn = forger._open().conn
    with db.transaction(fconn):
        db.set_meta(fconn, "recovery_recipient", recipient)
        db.set_meta(fconn, identity.META_RECEIVING_IDENTITY, str(his).encode())
    result = forger.backup(tmp_path / "forged.age")
    forger.lock()
    return result.path, str(his.to_public())


def test_the_forged_backup_restores_and_verifies_without_more(her, tmp_path):
    """The finding, as it stands without the checks below: nothing in the file tells."""
    add_record(her, tmp_path / "src", sizes=(10,), title="Угроза от участкового")
    add_record(her, tmp_path / "src2", sizes=(10,), title="Второй вызов")
    forged, planted = _forged_backup(her, tmp_path, drop_title="Угроза от участкового")
    her.lock()
    target = tmp_path / "restored"
    SDesk.restore(forged, target, her.recovery_code, Secret.from_text(NEW_PASS))
    desk = SDesk(target)
    desk.unlock(Secret.from_text(NEW_PASS))
    assert desk.check().ok
    assert [i.title for i in desk.list_incidents()] == ["Второй вызов"]
    assert desk.me().age_recipient == planted  # his key, under her name
    # (b) a key rotation after a restore replaces every key: the planted one dies with it (here
    # without a transition period for the old card: it was never hers)
    desk.rekey(Secret.from_text(NEW_PASS), keep_old_card_days=0)
    assert desk.me().age_recipient != planted
    assert planted not in identity.own_recipients(desk._open().conn)
    desk.lock()


def test_witnessed_heads_catch_a_rewritten_history(her, tmp_path):
    """(c) Heads her lawyer signed for (the court package's receipts): a backup whose history
    lacks one is refused, naming it; nothing is written."""
    add_record(her, tmp_path / "src", sizes=(10,), title="Угроза от участкового")
    add_record(her, tmp_path / "src2", sizes=(10,), title="Второй вызов")
    seq, digest = history.head(her._open().conn)
    witnessed = [(seq, digest.hex())]
    genuine = her.backup(tmp_path / "genuine.age").path
    forged, _ = _forged_backup(her, tmp_path, drop_title="Угроза от участкового")
    her.lock()
    target = tmp_path / "restored"
    with pytest.raises(backup_mod.BackupLacksWitnessedHead) as info:
        SDesk.restore(
            forged,
            target,
            her.recovery_code,
            Secret.from_text(NEW_PASS),
            witnessed_heads=witnessed,
        )
    assert info.value.fields == {"seq": seq, "hash": digest.hex()}
    assert not target.exists()
    SDesk.restore(
        genuine, target, her.recovery_code, Secret.from_text(NEW_PASS), witnessed_heads=witnessed
    )


def test_missing_witnessed_heads_with_hand_made_heads(her, tmp_path):
    """The seam for receipts: which of the given (sequence number, hash) pairs the history does
    not contain."""
    add_record(her, tmp_path / "src", sizes=(10,))
    conn = her._open().conn
    skeleton = history.skeleton(conn)
    assert len(skeleton) >= 3
    first, last = skeleton[0], skeleton[-1]
    heads = [
        (first["seq"], first["hash"]),  # there
        (last["seq"], bytes.fromhex(last["hash"])),  # there (bytes accepted)
        (last["seq"], "00" * 32),  # that revision, another hash
        (last["seq"] + 5, last["hash"]),  # a revision the history does not reach
        (2, first["hash"].upper()),  # case does not matter, the position does
    ]
    assert backup_mod.missing_witnessed_heads(conn, heads) == [
        (last["seq"], "00" * 32),
        (last["seq"] + 5, last["hash"]),
        (2, first["hash"]),
    ]
    assert backup_mod.missing_witnessed_heads(conn, []) == []


def test_the_backup_is_shown_before_anything_is_written(her, tmp_path):
    add_record(her, tmp_path / "src", sizes=(10, 20))
    conn = her._open().conn
    seq, digest = history.head(conn)
    result = her.backup(tmp_path / "b.age")
    her.lock()
    info = SDesk.inspect_backup(result.path, her.recovery_code)
    assert info.head_seq == seq and info.head_hash == digest.hex()
    assert info.counts["incidents"] == 1 and info.counts["evidence"] == 2
    assert info.created_at is not None and abs(info.created_at - result.created_at) < timedelta(
        seconds=1
    )
    target = tmp_path / "restored"
    seen: list[bool] = []

    class Stop(Exception):
        pass

    def look(summary: backup_mod.BackupInfo) -> None:
        seen.append(target.exists())
        assert summary == info
        raise Stop  # she does not like what she sees

    with pytest.raises(Stop):
        SDesk.restore(result.path, target, her.recovery_code, Secret(b"x"), on_info=look)
    assert seen == [False] and not target.exists()


def test_made_before_refuses_a_newer_backup(her, scli, tmp_path):
    add_record(her, tmp_path / "src", sizes=(10,))
    path = her.backup(tmp_path / "b.age").path
    her.lock()
    target = tmp_path / "restored"
    tomorrow = (datetime.now().astimezone() + timedelta(days=1)).date().isoformat()
    yesterday = (datetime.now().astimezone() - timedelta(days=1)).date().isoformat()
    r = scli(target, ["restore", str(path), "--made-before", yesterday], [her.recovery_code, "p"])
    assert r.code == 1, r.err
    assert "not before" in r.err and "nothing was written" in r.err
    assert "This backup says it was made on" in r.out  # shown first
    assert not target.exists()
    r = scli(target, ["restore", str(path), "--made-before", "not a date"], [her.recovery_code])
    assert r.code == 2
    r = scli(target, ["restore", str(path), "--made-before", tomorrow], [her.recovery_code, "p"])
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert lines[0].startswith("This backup says it was made on")
    assert any(line.startswith("Its history ends at revision") for line in lines)
    assert any("1 incident" in line for line in lines)
    assert "rotate every key" in r.out


def test_made_before_in_the_core_is_an_aware_moment(her, tmp_path):
    path = her.backup(tmp_path / "b.age").path
    her.lock()
    made = SDesk.inspect_backup(path, her.recovery_code).created_at
    assert made is not None
    with pytest.raises(backup_mod.BackupTooNew):
        SDesk.restore(
            path, tmp_path / "r", her.recovery_code, Secret(b"p"), made_before=made
        )  # "on or after": refused
    assert not (tmp_path / "r").exists()
    SDesk.restore(
        path,
        tmp_path / "r",
        her.recovery_code,
        Secret(b"p"),
        made_before=made + timedelta(microseconds=1),
    )


def test_a_restored_vault_gets_the_backup_exclusion_markers(her, tmp_path):
    """Item 7: created, restored and rekeyed vault folders carry the markers, with neutral
    text."""
    from defender_desk import wipe

    path = her.backup(tmp_path / "b.age").path
    her.lock()
    target = tmp_path / "restored"
    SDesk.restore(path, target, her.recovery_code, Secret(b"p"))
    tag = (target / wipe.CACHEDIR_TAG).read_bytes()
    assert tag.startswith(wipe.CACHEDIR_SIGNATURE)
    assert b"backed up" not in tag and b"encrypted" not in tag
    assert (target / wipe.DEJA_DUP_IGNORE).exists()
    desk = SDesk(target)
    desk.unlock(Secret(b"p"))
    (target / wipe.CACHEDIR_TAG).unlink()
    (target / wipe.DEJA_DUP_IGNORE).unlink()
    desk.rekey(Secret(b"p"))
    assert (target / wipe.CACHEDIR_TAG).exists() and (target / wipe.DEJA_DUP_IGNORE).exists()
    desk.lock()
