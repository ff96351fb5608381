"""Key rotation (issue 12, items 2, 3 and 4): after ``rekey`` nothing that was ever inside the
vault opens anything of the rotated vault; a rotation killed at any step leaves the old vault or
the new one; its leftovers are only ever applied to the vault they were made for; a missing
evidence file stops it within seconds."""

from __future__ import annotations

import json
import os
import shutil
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyrage
import pytest

from defender_desk.app import Desk
from defender_desk.errors import InvalidInput, VaultDamaged, WrongSecret
from defender_desk.secret import Secret
from defender_desk.sharing import identity
from defender_desk.vault import db, kdf, keyslots, rekey
from defender_desk.vault.keyslots import Role
from tests.conftest import PASS
from tests.pausing import Paused


def filled(vault_dir, tmp_path, files=3, size=200_000):
    desk = Desk(vault_dir)
    result = desk.create(Secret.from_text(PASS))
    inc = desk.add_incident({"category": "020103010000", "title": "угроза", "happened": "2021"})
    blobs = {}
    for n in range(files):
        f = tmp_path / f"e{n}.bin"
        data = os.urandom(size) + f"canary-{n}".encode()
        f.write_bytes(data)
        blobs[desk.add_evidence(inc.id, f).id] = data
    return desk, result.recovery_code, blobs


def image(vault: Path, where: Path) -> Path:
    """A copy of the vault folder as an examiner's disk image would hold it."""
    shutil.copytree(vault, where)
    return where


def everything_inside(image_dir: Path) -> dict[str, object]:
    """Every key the examiner gets from an image plus the coerced passphrase: the master key,
    the passphrase slot's key, and every value in the database (format 1 kept the recovery
    slot's key there)."""
    header = keyslots.parse((image_dir / "vault.key").read_bytes())
    opened = keyslots.open_with(header, Secret.from_text(PASS), Role.PASSPHRASE)
    conn = db.connect(image_dir / "vault.db", opened.master_key, migrate=False)
    try:
        meta = {str(k): bytes(v) for k, v in conn.execute("SELECT key, value FROM meta")}
    finally:
        conn.close()
    return {
        "master": bytes(opened.master_key.buffer),
        "passphrase kek": bytes(opened.kek.buffer),
        "meta": meta,
    }


def test_after_rekey_nothing_from_an_old_image_opens_anything(vault_dir, tmp_path):
    desk, code, blobs = filled(vault_dir, tmp_path)
    old_card = desk.me()
    desk.lock()
    old = everything_inside(image(vault_dir, tmp_path / "image"))
    old_storage = pyrage.x25519.Identity.from_str(old["meta"]["storage_identity"].decode())
    old_receiving = pyrage.x25519.Identity.from_str(
        old["meta"]["sharing_receiving_identity"].decode()
    )

    desk.unlock(Secret.from_text(PASS))
    result = desk.rekey(Secret.from_text(PASS))
    assert result.new_recovery_code and result.new_recovery_code != code
    for eid, data in blobs.items():
        assert desk.read_evidence(eid) == data
    assert desk.check().ok
    new_card = desk.me()
    desk.lock()

    new_header = keyslots.parse((vault_dir / "vault.key").read_bytes())
    # No key from the image — nor any 32 bytes of any value in its database — opens a slot.
    candidates = {old["master"], old["passphrase kek"]}
    for value in old["meta"].values():
        candidates |= {value[i : i + 32] for i in range(max(len(value) - 31, 0))}
    for c in candidates:
        assert keyslots.open_with_kek(new_header, Secret(c)) is None
    # The old master key does not open the new database.
    with pytest.raises(VaultDamaged):
        db.connect(vault_dir / "vault.db", Secret(old["master"]), migrate=False)
    # The old storage identity opens no evidence object.
    objects = [p for p in (vault_dir / "objects").rglob("*") if p.is_file()]
    assert len(objects) == len(blobs)
    for p in objects:
        with pytest.raises(pyrage.DecryptError):
            pyrage.decrypt(p.read_bytes(), [old_storage])
    # The old receiving identity does not read what contacts now send to her new card.
    assert new_card.age_recipient != old_card.age_recipient
    assert new_card.verification_code != old_card.verification_code
    sent = pyrage.encrypt(
        b"to her new card", [pyrage.x25519.Recipient.from_str(new_card.age_recipient)]
    )
    with pytest.raises(pyrage.DecryptError):
        pyrage.decrypt(sent, [old_receiving])
    # The old code opens nothing; the new one does.
    with pytest.raises(WrongSecret):
        Desk(vault_dir).recover(code, Secret.from_text("x"))
    d = Desk(vault_dir)
    d.recover(result.new_recovery_code, Secret.from_text("after"))
    d.lock()


def test_format_1_recovery_key_from_an_old_database_opens_no_rotated_header(tmp_path):
    """The finding, on a vault made by the code before issue 12: its database held the recovery
    slot's key; after rekey --keep-recovery-code that key opens nothing (new salts)."""
    fixture = Path(__file__).resolve().parents[1] / "fixtures"
    facts = json.loads((fixture / "vault-format-1.json").read_text())
    vault = tmp_path / "v"
    shutil.copytree(fixture / "vault-format-1", vault)
    header = keyslots.parse((vault / "vault.key").read_bytes())
    assert header.version == 1
    old = everything_inside_v1(vault, facts["passphrase"])
    stolen = old["meta"]["recovery_kek"]
    assert keyslots.open_with_kek(header, Secret(stolen)).role is Role.RECOVERY  # the finding

    desk = Desk(vault)
    desk.unlock(Secret.from_text(facts["passphrase"]))
    migrated = keyslots.parse((vault / "vault.key").read_bytes())
    assert migrated.version == keyslots.VERSION
    assert db.get_meta(desk._open().conn, "recovery_kek") is None  # gone from the database
    # (an old image still holds it, and it still opens the migrated header: same salt) ...
    assert keyslots.open_with_kek(migrated, Secret(stolen)) is not None
    desk.rekey(Secret.from_text(facts["passphrase"]), recovery_code=facts["recovery_code"])
    desk.lock()
    # ... until the rotation: then it opens nothing, and the kept code still works.
    rotated = keyslots.parse((vault / "vault.key").read_bytes())
    assert keyslots.open_with_kek(rotated, Secret(stolen)) is None
    Desk(vault).recover(facts["recovery_code"], Secret.from_text("after"))


def everything_inside_v1(vault: Path, passphrase: str) -> dict[str, dict[str, bytes]]:
    header = keyslots.parse((vault / "vault.key").read_bytes())
    opened = keyslots.open_with(header, Secret.from_text(passphrase), Role.PASSPHRASE)
    conn = db.connect(vault / "vault.db", opened.master_key, migrate=False)
    try:
        return {"meta": {str(k): bytes(v) for k, v in conn.execute("SELECT key, value FROM meta")}}
    finally:
        conn.close()


def test_keep_recovery_code_needs_the_code(vault_dir, tmp_path):
    desk, code, _ = filled(vault_dir, tmp_path, files=1)
    with pytest.raises(InvalidInput):
        desk.rekey(Secret.from_text(PASS), new_recovery_code=False)
    with pytest.raises(WrongSecret):  # a valid code that is not hers
        from defender_desk.vault import recovery

        desk.rekey(Secret.from_text(PASS), recovery_code=recovery.generate())
    result = desk.rekey(Secret.from_text(PASS), recovery_code=code)
    assert result.new_recovery_code is None
    desk.lock()
    Desk(vault_dir).recover(code, Secret.from_text("still mine"))


def test_rekey_needs_the_passphrase(vault_dir, tmp_path):
    desk, _, _ = filled(vault_dir, tmp_path, files=1)
    before = (vault_dir / "vault.key").read_bytes()
    with pytest.raises(WrongSecret):
        desk.rekey(Secret.from_text("not it"))
    assert (vault_dir / "vault.key").read_bytes() == before
    assert desk.check().ok
    desk.lock()


def test_old_card_readable_for_the_transition_then_purged(vault_dir, tmp_path):
    now = [datetime(2026, 5, 1, 12, tzinfo=UTC)]
    desk = Desk(vault_dir, clock=lambda: now[0])
    desk.create(Secret.from_text(PASS))
    old = desk.me()
    to_old = tmp_path / "to-old.age"
    lawyer_dir = tmp_path / "lawyer"
    lawyer = Desk(lawyer_dir)
    lawyer.create(Secret.from_text("lawyer"))
    contact = lawyer.add_contact(name="Айгуль", role="colleague", age_recipient=old.age_recipient,
                                 signing_key=old.signing_key)  # fmt: skip
    lawyer.export([contact.id], output=to_old)
    desk.rekey(Secret.from_text(PASS), keep_old_card_days=10)
    assert [c.age_recipient for c in desk.previous_cards()] == [old.age_recipient]
    opened = desk.open_export(to_old, remember=False)  # sent to the old card: still readable
    opened.close()
    desk.lock()
    now[0] += timedelta(days=11)
    desk.unlock(Secret.from_text(PASS))  # the period is over: the unlock purges the old key
    assert desk.previous_cards() == []
    conn = desk._open().conn
    assert db.get_meta(conn, identity.META_PREVIOUS_RECEIVING) is None
    from defender_desk.sharing import open_export

    with pytest.raises(open_export.NotForYou):
        desk.open_export(to_old, remember=False)
    desk.lock()
    lawyer.lock()


def test_cli_rekey_contract(cli, made_vault):
    vault, code = made_vault
    r = cli(vault, ["rekey", "--json"], [PASS, PASS])
    assert r.code == 0, r.err
    data = json.loads(r.out)
    assert set(data) == {"recovery_code", "verification_code", "age_recipient"}
    assert data["recovery_code"] and data["recovery_code"] != code
    me = json.loads(cli(vault, ["me", "--json"], [PASS]).out)
    assert me["verification_code"] == data["verification_code"]
    assert me["age_recipient"] == data["age_recipient"]
    new_code = data["recovery_code"]
    # --keep-recovery-code: the code on the fd after the two passphrase lines
    r = cli(vault, ["rekey", "--keep-recovery-code", "--json"], [PASS, PASS, new_code])
    assert r.code == 0, r.err
    kept = json.loads(r.out)
    assert kept["recovery_code"] is None and kept["age_recipient"] != data["age_recipient"]
    r = cli(vault, ["rekey", "--keep-recovery-code"], [PASS, PASS, code])  # the old one
    assert r.code == 3, r.err
    r = cli(vault, ["recover"], [new_code, "fresh"])
    assert r.code == 0, r.err
    # human output: the new code once, the new card with the advice
    r = cli(vault, ["rekey"], ["fresh", "fresh"])
    assert r.code == 0, r.err
    assert "NEW recovery code" in r.out and "give it to each contact again" in r.out
    assert "can still be opened until" in r.out


# -- item 4: a missing evidence file --------------------------------------------------------


def test_missing_evidence_file_fails_fast_and_changes_nothing(vault_dir, tmp_path, cli):
    desk, _code, blobs = filled(vault_dir, tmp_path, files=3)
    victim = desk.list_evidence()[1]
    desk.lock()
    (vault_dir / "objects" / victim.object_name).unlink()

    def state() -> dict[str, bytes]:  # the key file and every evidence object
        files = [vault_dir / "vault.key", *(vault_dir / "objects").rglob("*")]
        return {str(p.relative_to(vault_dir)): p.read_bytes() for p in files if p.is_file()}

    before = state()
    r = cli(vault_dir, ["rekey"], [PASS, PASS], timeout=60)  # it used to hang for ever
    assert r.code == 5, r.err
    assert victim.id in r.err and victim.object_name in r.err and "is missing" in r.err
    assert "unchanged" in r.err
    assert state() == before  # the same key file, the same objects (the unlock itself writes
    # its session counter into the database, nothing else)
    assert not rekey.has_leftovers(desk.paths)
    r = cli(vault_dir, ["check"], [PASS])
    assert r.code == 5 and victim.id in r.out and victim.object_name in r.out
    d = Desk(vault_dir)
    d.unlock(Secret.from_text(PASS))  # still opens with the old keys
    others = [e for e in blobs if e != victim.id]
    assert all(d.read_evidence(e) == blobs[e] for e in others)
    d.lock()


def test_a_source_that_cannot_be_read_ends_the_reencryption(tmp_path):
    """The pipe's writing end is closed whatever happens, so the reader never waits for ever."""
    ident = pyrage.x25519.Identity.generate()
    src = tmp_path / "gone"
    with pytest.raises(FileNotFoundError):
        rekey._reencrypt(src, tmp_path / "out", ident, ident.to_public())
    assert not (tmp_path / "out").exists()


# -- kill -9 at each named step ----------------------------------------------------------------

_ROTATE = """
import sys
from defender_desk.app import Desk
from defender_desk.secret import Secret
d = Desk(sys.argv[1])
d.unlock(Secret.from_text(sys.argv[2]))
d.rekey(Secret.from_text(sys.argv[2]), recovery_code=sys.argv[3])
print("done", flush=True)
"""


@pytest.mark.parametrize(
    ("step", "outcome"),
    [
        ("rekey.prepare", "old"),
        ("rekey.reencrypt", "old"),
        ("commit:vault.key.next", "old"),
        ("rekey.commit", "old"),
        ("commit:rekey.commit", "old"),
        ("rekey.renames", "new"),
    ],
)
def test_kill_9_at_each_step_leaves_old_or_new(vault_dir, tmp_path, step, outcome):
    desk, code, blobs = filled(vault_dir, tmp_path, files=4, size=100_000)
    old_key = (vault_dir / "vault.key").read_bytes()
    desk.lock()
    with Paused(
        step,
        [sys.executable, "-c", _ROTATE, str(vault_dir), PASS, code],
        tmp_path / "marker",
    ) as child:
        child.wait()
        child.kill()  # exactly at the step: the marker says so, and the child was waiting there
    d = Desk(vault_dir)
    d.unlock(Secret.from_text(PASS))
    try:
        assert not rekey.has_leftovers(d.paths)
        header_now = (vault_dir / "vault.key").read_bytes()
        if outcome == "old":
            assert header_now == old_key
        else:
            assert keyslots.parse(header_now).generation == keyslots.parse(old_key).generation + 1
        for eid, data in blobs.items():
            assert d.read_evidence(eid) == data
        assert d.check().ok
        referenced = {e.object_name for e in d.list_evidence()}
        on_disk = {
            f"{p.parent.name}/{p.name}" for p in (vault_dir / "objects").rglob("*") if p.is_file()
        }
        assert on_disk == referenced
    finally:
        d.lock()
    Desk(vault_dir).recover(code, Secret.from_text("code still opens"))


# -- item 3: leftovers are applied only to their own vault ---------------------------------------


def test_interrupted_rotation_then_wipe_then_new_vault(vault_dir, tmp_path, cli):
    """The finding: killed inside the commit window, the wipe left the staging files (which
    open with the passphrase) and the marker, and a new vault made in the folder was replaced by
    the wiped one at its first unlock."""
    desk, code, _ = filled(vault_dir, tmp_path, files=2)
    desk.lock()
    with Paused(
        "rekey.renames",
        [sys.executable, "-c", _ROTATE, str(vault_dir), PASS, code],
        tmp_path / "marker",
    ) as child:
        child.wait()
        child.kill()
    assert rekey.commit_marker(desk.paths).exists() and rekey.next_key(desk.paths).exists()
    r = cli(vault_dir, ["wipe", "--yes", "--json"])
    assert r.code == 0, r.err
    left = sorted(p.name for p in vault_dir.iterdir()) if vault_dir.exists() else []
    assert left == [], left  # every file, whatever its name
    new = Desk(vault_dir)
    new.create(Secret.from_text("a new vault"))
    new_id = keyslots.parse((vault_dir / "vault.key").read_bytes()).vault_id
    new.lock()
    new.unlock(Secret.from_text("a new vault"))
    assert keyslots.parse((vault_dir / "vault.key").read_bytes()).vault_id == new_id
    new.lock()


def test_a_marker_for_another_vault_is_erased_not_applied(vault_dir, tmp_path):
    """Staging files and a marker copied into a folder (the old wipe left them; or planted) are
    never applied to the vault there: it opens as itself and they are erased."""
    donor_dir = tmp_path / "donor"
    donor, donor_code, _ = filled(donor_dir, tmp_path, files=1)
    donor.lock()
    with Paused(
        "rekey.renames",
        [sys.executable, "-c", _ROTATE, str(donor_dir), PASS, donor_code],
        tmp_path / "marker",
    ) as child:
        child.wait()
        child.kill()
    desk = Desk(vault_dir)
    desk.create(Secret.from_text(PASS))
    desk.lock()
    mine = (vault_dir / "vault.key").read_bytes()
    for name in ("rekey.commit", "vault.key.next", "vault.db.next"):
        shutil.copy(donor_dir / name, vault_dir / name)
    desk.unlock(Secret.from_text(PASS))
    assert (vault_dir / "vault.key").read_bytes() == mine
    assert not rekey.has_leftovers(desk.paths)
    desk.lock()


def test_a_marker_from_an_older_generation_is_not_applied(vault_dir, tmp_path):
    desk, code, _ = filled(vault_dir, tmp_path, files=1)
    desk.lock()
    with Paused(
        "rekey.renames",
        [sys.executable, "-c", _ROTATE, str(vault_dir), PASS, code],
        tmp_path / "marker",
    ) as child:
        child.wait()
        staged = {n: (vault_dir / n).read_bytes() for n in ("rekey.commit", "vault.key.next")}
        child.kill()
    d = Desk(vault_dir)
    d.unlock(Secret.from_text(PASS))  # finishes that rotation (generation + 1)
    d.change_passphrase(Secret.from_text(PASS))  # generation + 2
    d.lock()
    now = (vault_dir / "vault.key").read_bytes()
    for name, data in staged.items():  # the same leftovers put back: they are stale now
        (vault_dir / name).write_bytes(data)
    d.unlock(Secret.from_text(PASS))
    assert (vault_dir / "vault.key").read_bytes() == now
    assert not rekey.has_leftovers(d.paths)
    d.lock()


def test_exports_signed_after_rotation_verify_only_with_the_new_card(vault_dir, tmp_path):
    from defender_desk.sharing import sshsig

    desk, _, _ = filled(vault_dir, tmp_path, files=1)
    old_card = desk.me()
    before = desk.export(["me"], output=tmp_path / "before.age")
    desk.rekey(Secret.from_text(PASS))
    new_card = desk.me()
    assert new_card.verification_code != old_card.verification_code
    after = desk.export(["me"], output=tmp_path / "after.age")
    sigs = {}
    for name, result in (("before", before), ("after", after)):
        opened = desk.open_export(result.path)
        try:
            sigs[name] = (opened.manifest_bytes, opened.signature)
        finally:
            opened.close()
    old_key = sshsig.parse_openssh_public_key(old_card.signing_key)
    new_key = sshsig.parse_openssh_public_key(new_card.signing_key)
    manifest, sig = sigs["after"]
    sshsig.verify(sig, manifest, namespace=sshsig.EXPORT_NAMESPACE, expected_key=new_key)
    with pytest.raises(sshsig.UnexpectedSigner):
        sshsig.verify(sig, manifest, namespace=sshsig.EXPORT_NAMESPACE, expected_key=old_key)
    manifest, sig = sigs["before"]
    sshsig.verify(sig, manifest, namespace=sshsig.EXPORT_NAMESPACE, expected_key=old_key)
    desk.lock()


def test_rekey_keeps_the_passphrase_slot_strength(vault_dir, tmp_path, monkeypatch):
    desk, code, _ = filled(vault_dir, tmp_path, files=0)
    monkeypatch.setattr(kdf, "calibrate", lambda: kdf.FLOOR)
    desk.strengthen_kdf(Secret.from_text(PASS), code)
    desk.rekey(Secret.from_text(PASS), recovery_code=code)
    header = keyslots.parse((vault_dir / "vault.key").read_bytes())
    assert header.kdf == kdf.FLOOR and header.slot_for(Role.RECOVERY).kdf == kdf.FLOOR
    desk.lock()


def test_format_1_vault_opens_migrates_and_keeps_everything(tmp_path, cli):
    fixture = Path(__file__).resolve().parents[1] / "fixtures"
    facts = json.loads((fixture / "vault-format-1.json").read_text())
    vault = tmp_path / "v"
    shutil.copytree(fixture / "vault-format-1", vault)
    r = cli(vault, ["status", "--json"], [facts["passphrase"]])
    assert r.code == 0, r.err
    assert json.loads(r.out)["format_version"] == keyslots.VERSION  # migrated at the unlock
    assert (vault / "vault.key").stat().st_size == keyslots.HEADER_LEN
    r = cli(vault, ["check"], [facts["passphrase"]])
    assert r.code == 0, r.out + r.err
    d = Desk(vault)
    d.unlock(Secret.from_text(facts["passphrase"]))
    assert d.get_incident(facts["incident"]).title == "Угроза по телефону"
    assert d.read_evidence(facts["evidence"]) == b"format-1 evidence bytes " * 1000
    assert d.me().age_recipient == facts["age_recipient"]
    d.change_passphrase(Secret.from_text("changed"))
    d.lock()
    Desk(vault).recover(facts["recovery_code"], Secret.from_text("by code"))


def test_format_1_vault_migrates_through_recovery_too(tmp_path):
    fixture = Path(__file__).resolve().parents[1] / "fixtures"
    facts = json.loads((fixture / "vault-format-1.json").read_text())
    vault = tmp_path / "v"
    shutil.copytree(fixture / "vault-format-1", vault)
    d = Desk(vault)
    d.recover(facts["recovery_code"], Secret.from_text("new"))
    assert keyslots.parse((vault / "vault.key").read_bytes()).version == keyslots.VERSION
    assert db.get_meta(d._open().conn, "recovery_kek") is None
    d.lock()
    d.unlock(Secret.from_text("new"))
    d.lock()
    Desk(vault).recover(facts["recovery_code"], Secret.from_text("again"))
