"""Every bad input the vault issue names: a clear message, the right exit code, nothing changed."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from defender_desk import safewrite
from defender_desk.app import Desk
from defender_desk.errors import (
    EmptyPassphrase,
    HeaderRolledBack,
    NewerFormat,
    NotAVault,
    PlainDatabaseRefused,
    RecoveryCodeInvalid,
    StorageError,
    VaultDamaged,
    VaultExists,
    VaultInUse,
    WrongSecret,
)
from defender_desk.secret import Secret
from defender_desk.vault import kdf, keyslots
from tests.conftest import PASS
from tests.vault.headers import reseal, role_positions, slot_at, with_generation


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_wrong_passphrase_changes_nothing(cli, made_vault):
    vault, _ = made_vault
    before = (vault / "vault.key").read_bytes()
    r = cli(vault, ["status"], ["not it"])
    assert r.code == 3
    assert "wrong passphrase" in r.err
    assert (vault / "vault.key").read_bytes() == before


def test_empty_passphrase(cli, made_vault, vault_dir, tmp_path):
    vault, _ = made_vault
    r = cli(vault, ["status"], [""])
    assert r.code == 3 and "empty" in r.err
    r = cli(tmp_path / "other", ["init"], [""])
    assert r.code == 3 and "empty" in r.err
    assert not (tmp_path / "other" / "vault.key").exists()


def test_recovery_code_typo_is_caught_before_derivation(made_vault, monkeypatch):
    vault, code = made_vault
    typo = code[:-1] + str((int(code[-1]) + 1) % 10)
    called = []
    monkeypatch.setattr(kdf, "derive", lambda *a, **k: called.append(1))
    desk = Desk(vault)
    with pytest.raises(RecoveryCodeInvalid):
        desk.recover(typo, Secret(b"new"))
    assert called == []


def test_recovery_code_typo_cli(cli, made_vault):
    vault, code = made_vault
    before = snapshot(vault)
    swapped = code[1] + code[0] + code[2:]
    if swapped == code:
        swapped = code[:5] + code[6] + code[5] + code[7:]
    r = cli(vault, ["recover"], [swapped, "new"])
    assert r.code == 3
    assert "typo" in r.err
    assert snapshot(vault)["vault.key"] == before["vault.key"]


def test_wrong_but_valid_recovery_code(cli, made_vault):
    from defender_desk.vault import recovery

    vault, _ = made_vault
    r = cli(vault, ["recover"], [recovery.generate(), "new"])
    assert r.code == 3


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda b: b[:100], "truncated"),
        (lambda b: b[:5], "not a Defender Desk key file"),
        (lambda b: b"", "empty"),
        (lambda b: os.urandom(len(b)), "not a Defender Desk key file"),
        (lambda b: b + b"\0", "extra bytes"),
    ],
)
def test_damaged_key_file(cli, made_vault, mutate, expected):
    vault, _ = made_vault
    key = vault / "vault.key"
    key.write_bytes(mutate(key.read_bytes()))
    r = cli(vault, ["status"], [PASS])
    assert r.code == 5, r.err
    assert expected in r.err


def test_a_corrupted_key_file_is_told_apart_from_a_wrong_passphrase(cli, made_vault):
    """A flipped bit (a failing disk, a bad copy) is caught by the header's checksum before any
    derivation: "damaged", exit 5 — not "wrong passphrase", which would send her guessing."""
    vault, _ = made_vault
    key = vault / "vault.key"
    good = key.read_bytes()
    for at in (9, 20, 30, slot_at(1) + 40, slot_at(3) + 100, len(good) - 1):
        raw = bytearray(good)
        raw[at] ^= 0x10
        key.write_bytes(bytes(raw))
        with pytest.raises(VaultDamaged) as info:
            Desk(vault).unlock(Secret.from_text(PASS))
        assert info.value.fields["what"] == "the key file is corrupted: its checksum does not match"
    r = cli(vault, ["status"], [PASS])
    assert r.code == 5 and "checksum does not match" in r.err
    key.write_bytes(good)
    r = cli(vault, ["status"], ["not the passphrase"])
    assert r.code == 3 and "wrong passphrase" in r.err


def test_header_field_edit_fails_authentication(made_vault):
    """A deliberate edit, with the checksum recomputed (anyone can), fails like a wrong
    passphrase: the checksum tells accidents apart, not attacks."""
    vault, _ = made_vault
    key = vault / "vault.key"
    raw = bytearray(key.read_bytes())
    at = slot_at(role_positions(bytes(raw))[keyslots.Role.PASSPHRASE])
    raw[at + 14 + 3] ^= 1  # a byte of the passphrase slot's salt
    key.write_bytes(reseal(raw))
    with pytest.raises(WrongSecret):
        Desk(vault).unlock(Secret.from_text(PASS))


def test_old_header_with_its_generation_raised_does_not_open(cli, made_vault):
    """The attack on the header's associated data: after a passphrase change, an old copy of
    vault.key with its generation field raised to pass the rollback check, and the old
    passphrase (coerced) — must not open."""
    vault, _ = made_vault
    old = (vault / "vault.key").read_bytes()
    assert cli(vault, ["passwd"], [PASS, "the new one"]).code == 0
    current = keyslots.parse((vault / "vault.key").read_bytes()).generation
    assert keyslots.parse(old).generation < current
    forged = with_generation(old, current)
    (vault / "vault.key").write_bytes(forged)
    with pytest.raises(WrongSecret):
        Desk(vault).unlock(Secret.from_text(PASS))
    r = cli(vault, ["status"], [PASS])
    assert r.code == 3, r.err
    (vault / "vault.key").write_bytes(old)  # without the raise it is a rollback
    with pytest.raises(HeaderRolledBack):
        Desk(vault).unlock(Secret.from_text(PASS))


def test_newer_format_version(cli, made_vault):
    vault, _ = made_vault
    key = vault / "vault.key"
    raw = bytearray(key.read_bytes())
    raw[8:10] = (keyslots.VERSION + 1).to_bytes(2, "big")
    key.write_bytes(reseal(raw))
    r = cli(vault, ["status"], [PASS])
    assert r.code == 5
    assert "newer Defender Desk" in r.err


def test_key_file_from_another_vault(cli, made_vault, tmp_path):
    vault, _ = made_vault
    other = tmp_path / "other"
    assert cli(other, ["init"], [PASS]).code == 0
    shutil.copy(other / "vault.key", vault / "vault.key")
    db_before = (vault / "vault.db").read_bytes()
    r = cli(vault, ["status"], [PASS])
    assert r.code == 5
    assert "cannot be opened with this key file" in r.err or "another vault" in r.err
    assert (vault / "vault.db").read_bytes() == db_before


def test_rolled_back_header_is_refused(cli, made_vault):
    vault, _ = made_vault
    old = (vault / "vault.key").read_bytes()
    assert cli(vault, ["passwd"], [PASS, "second"]).code == 0
    (vault / "vault.key").write_bytes(old)  # an attacker restores the old header
    r = cli(vault, ["status"], [PASS])
    assert r.code == 5
    assert "older than the database" in r.err
    with pytest.raises(HeaderRolledBack):
        Desk(vault).unlock(Secret.from_text(PASS))


def test_plain_sqlite_database_is_refused_not_opened(cli, made_vault):
    vault, _ = made_vault
    db = vault / "vault.db"
    db.unlink()
    for p in vault.glob("vault.db-*"):
        p.unlink()
    plain = sqlite3.connect(db)
    plain.execute("CREATE TABLE meta(key, value)")
    plain.commit()
    plain.close()
    before = db.read_bytes()
    mtime = db.stat().st_mtime_ns
    r = cli(vault, ["status"], [PASS])
    assert r.code == 5
    assert "not encrypted" in r.err
    assert db.read_bytes() == before and db.stat().st_mtime_ns == mtime
    assert not (vault / "vault.db-wal").exists()
    with pytest.raises(PlainDatabaseRefused):
        Desk(vault).unlock(Secret.from_text(PASS))


def test_garbage_database(cli, made_vault):
    vault, _ = made_vault
    (vault / "vault.db").write_bytes(os.urandom(8192))
    r = cli(vault, ["status"], [PASS])
    assert r.code == 5
    assert "cannot be opened with this key file" in r.err


def test_missing_database(cli, made_vault):
    vault, _ = made_vault
    (vault / "vault.db").unlink()
    r = cli(vault, ["status"], [PASS])
    assert r.code == 5
    assert "database file is missing" in r.err


def test_missing_key_file_with_database(cli, made_vault):
    vault, _ = made_vault
    (vault / "vault.key").unlink()
    r = cli(vault, ["status"], [PASS])
    assert r.code == 5
    assert "vault.key is missing" in r.err


def test_init_over_existing_vault_is_refused(cli, made_vault):
    vault, _ = made_vault
    before = snapshot(vault)
    r = cli(vault, ["init"], ["another"])
    assert r.code == 1
    assert "refusing to overwrite" in r.err
    after = snapshot(vault)
    assert after["vault.key"] == before["vault.key"] and after["vault.db"] == before["vault.db"]
    with pytest.raises(VaultExists):
        Desk(vault).create(Secret(b"x"))


def test_missing_folder(cli, tmp_path):
    r = cli(tmp_path / "nowhere", ["status"], [PASS])
    assert r.code == 5
    assert "there is no vault" in r.err
    with pytest.raises(NotAVault):
        Desk(tmp_path / "nowhere").unlock(Secret(b"x"))


@contextlib.contextmanager
def read_only(folder: Path):
    """Make ``folder`` really read-only: a remounted tmpfs as root, chmod otherwise."""
    if os.geteuid() == 0:
        mnt = folder.parent / "ro-mount"
        mnt.mkdir()
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mnt)], check=True)
        try:
            for p in folder.iterdir():
                shutil.copy2(p, mnt / p.name)
            subprocess.run(["mount", "-o", "remount,ro", str(mnt)], check=True)
            yield mnt
        finally:
            subprocess.run(["umount", str(mnt)], check=False)
    else:
        folder.chmod(0o500)
        try:
            yield folder
        finally:
            folder.chmod(0o700)


def test_read_only_folder(cli, made_vault):
    vault, _ = made_vault
    with read_only(vault) as ro:
        before = snapshot(ro)
        r = cli(ro, ["passwd"], [PASS, "new"])
        assert r.code == 1, r.err
        assert "read-only" in r.err or "permission denied" in r.err
        assert snapshot(ro) == before


def test_init_in_read_only_parent(cli, tmp_path):
    parent = tmp_path / "p"
    parent.mkdir()
    with read_only(parent) as ro:
        r = cli(ro / "vault", ["init"], [PASS])
        assert r.code == 1
        assert "cannot be used" in r.err


def test_second_instance(cli, made_vault):
    vault, _ = made_vault
    holder = Desk(vault)
    holder.unlock(Secret.from_text(PASS))
    try:
        r = cli(vault, ["status"], [PASS])
        assert r.code == 4
        assert "another" in r.err
        with pytest.raises(VaultInUse):
            Desk(vault).unlock(Secret.from_text(PASS))
    finally:
        holder.lock()
    assert cli(vault, ["status"], [PASS]).code == 0


def test_full_disk_while_writing_header(made_vault, monkeypatch):
    vault, _ = made_vault
    before = (vault / "vault.key").read_bytes()
    desk = Desk(vault)
    desk.unlock(Secret.from_text(PASS))

    def full(fd, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(safewrite, "_os_write", full)
    with pytest.raises(StorageError) as info:
        desk.change_passphrase(Secret(b"new one"))
    assert info.value.fields["reason"] == "the disk is full"
    monkeypatch.undo()
    desk.lock()
    assert (vault / "vault.key").read_bytes() == before
    assert not [p for p in vault.iterdir() if p.name.startswith(".dd-tmp")]
    Desk(vault).unlock(Secret.from_text(PASS))


def test_real_full_disk_while_writing_header(made_vault, tmp_path):
    if os.geteuid() != 0:
        pytest.fail("this test needs root to mount a tiny tmpfs (CI runs as root)")
    vault, _ = made_vault
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mnt)], check=True)
    try:
        for p in vault.iterdir():
            shutil.copy2(p, mnt / p.name)
        before = (mnt / "vault.key").read_bytes()
        desk = Desk(mnt)
        desk.unlock(Secret.from_text(PASS))
        fd = os.open(mnt / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
        with contextlib.suppress(OSError):  # fill the disk to the last byte
            for size in (4096, 512, 1):
                while True:
                    os.write(fd, b"\0" * size)
        os.close(fd)
        try:
            with pytest.raises(StorageError):
                desk.change_passphrase(Secret(b"new one"))
        finally:
            desk.lock()
        assert (mnt / "vault.key").read_bytes() == before
        assert not [p for p in mnt.iterdir() if p.name.startswith(".dd-tmp")]
        (mnt / "filler").unlink()
        again = Desk(mnt)
        again.unlock(Secret.from_text(PASS))
        again.lock()
    finally:
        subprocess.run(["umount", str(mnt)], check=False)


def test_empty_new_passphrase_refused(made_vault):
    vault, _ = made_vault
    desk = Desk(vault)
    desk.unlock(Secret.from_text(PASS))
    with pytest.raises(EmptyPassphrase):
        desk.change_passphrase(Secret(b""))
    desk.lock()


def test_newer_schema_is_refused(made_vault):
    vault, _ = made_vault
    desk = Desk(vault)
    desk.unlock(Secret.from_text(PASS))
    conn = desk._open().conn
    conn.execute("INSERT INTO schema_version(version, name) VALUES (999, 'future')")
    desk.lock()
    with pytest.raises(NewerFormat):
        Desk(vault).unlock(Secret.from_text(PASS))


def test_damaged_errors_exit_5_family():
    assert issubclass(PlainDatabaseRefused, VaultDamaged)
    assert VaultDamaged.exit_code == 5 and WrongSecret.exit_code == 3 and VaultInUse.exit_code == 4
