"""Key rotation: old key copies open nothing; the vault survives kill -9 at any point."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from defender_desk.app import Desk
from defender_desk.errors import VaultDamaged, WrongSecret
from defender_desk.secret import Secret
from defender_desk.vault import rekey
from tests.conftest import PASS


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


def test_rekey_old_key_copy_opens_nothing(vault_dir, tmp_path):
    desk, _code, blobs = filled(vault_dir, tmp_path)
    old_key = (vault_dir / "vault.key").read_bytes()
    old_db = (vault_dir / "vault.db").read_bytes()
    old_objects = {p: p.read_bytes() for p in (vault_dir / "objects").rglob("*") if p.is_file()}
    old_identity = desk.evidence._identity()
    result = desk.rekey(Secret.from_text(PASS))
    assert result.new_recovery_code is None and result.evidence_files == 3
    for eid, data in blobs.items():
        assert desk.read_evidence(eid) == data
    assert desk.check().ok
    desk.lock()
    # every old object is gone; the new ones are not readable with the old storage identity
    assert not any(p.exists() for p in old_objects)
    import pyrage

    for p in (vault_dir / "objects").rglob("*"):
        if p.is_file():
            with pytest.raises(pyrage.DecryptError):
                pyrage.decrypt(p.read_bytes(), [old_identity])
    assert (vault_dir / "vault.db").read_bytes() != old_db
    # an old copy of vault.key with the old passphrase opens nothing current
    (vault_dir / "vault.key").write_bytes(old_key)
    with pytest.raises(VaultDamaged):
        Desk(vault_dir).unlock(Secret.from_text(PASS))


def test_recovery_code_survives_rekey_or_is_replaced(vault_dir, tmp_path):
    desk, code, _ = filled(vault_dir, tmp_path, files=1)
    desk.rekey(Secret.from_text(PASS))
    desk.lock()
    d = Desk(vault_dir)
    d.recover(code, Secret.from_text("after first rotation"))
    result = d.rekey(Secret.from_text("after first rotation"), new_recovery_code=True)
    new_code = result.new_recovery_code
    assert new_code and new_code != code
    d.lock()
    with pytest.raises(WrongSecret):
        Desk(vault_dir).recover(code, Secret.from_text("x"))
    d = Desk(vault_dir)
    d.recover(new_code, Secret.from_text("after second"))
    assert d.check().ok
    d.lock()


def test_rekey_needs_the_passphrase(vault_dir, tmp_path):
    desk, _, _ = filled(vault_dir, tmp_path, files=1)
    with pytest.raises(WrongSecret):
        desk.rekey(Secret.from_text("not it"))
    assert desk.check().ok
    desk.lock()


def test_interrupted_prepare_rolls_back(vault_dir, tmp_path, monkeypatch):
    desk, _, blobs = filled(vault_dir, tmp_path, files=2)

    def boom(*a, **k):
        raise RuntimeError("power cut")

    monkeypatch.setattr(rekey.safewrite, "write_bytes", boom)
    with pytest.raises(RuntimeError):
        desk.rekey(Secret.from_text(PASS))
    monkeypatch.undo()
    desk.lock()
    assert not rekey.next_db(desk.paths).exists() and not rekey.next_key(desk.paths).exists()
    d = Desk(vault_dir)
    d.unlock(Secret.from_text(PASS))
    for eid, data in blobs.items():
        assert d.read_evidence(eid) == data
    assert d.check().ok
    d.lock()


def test_crash_after_commit_marker_is_finished_at_next_unlock(vault_dir, tmp_path):
    desk, _, _blobs = filled(vault_dir, tmp_path, files=2)
    desk.lock()
    # simulate: prepare done, marker written, renames not yet done
    shutil.copy(vault_dir / "vault.db", rekey.next_db(desk.paths))
    shutil.copy(vault_dir / "vault.key", rekey.next_key(desk.paths))
    rekey.commit_marker(desk.paths).write_bytes(b"commit\n")
    d = Desk(vault_dir)
    d.unlock(Secret.from_text(PASS))
    assert not rekey.commit_marker(desk.paths).exists()
    assert d.check().ok
    d.lock()


@pytest.mark.parametrize("delay", [0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.45, 0.6])
def test_kill_9_during_rekey_leaves_old_or_new(vault_dir, tmp_path, delay):
    desk, _, blobs = filled(vault_dir, tmp_path, files=8, size=400_000)
    desk.lock()
    script = textwrap.dedent(
        f"""
        from defender_desk.app import Desk
        from defender_desk.secret import Secret
        d = Desk({str(vault_dir)!r})
        d.unlock(Secret.from_text({PASS!r}))
        print("go", flush=True)
        d.rekey(Secret.from_text({PASS!r}))
        print("done", flush=True)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "go"
    time.sleep(delay)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    d = Desk(vault_dir)
    d.unlock(Secret.from_text(PASS))
    try:
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
