from __future__ import annotations

import unicodedata

import pytest

from defender_desk.app import Desk
from defender_desk.errors import WrongSecret
from defender_desk.secret import Secret
from defender_desk.vault import kdf, keyslots
from defender_desk.vault.keyslots import Role
from tests.conftest import PASS

PARAMS = kdf.KdfParams(8, 1, 1)


def make(master: Secret, keks: dict[Role, Secret], generation: int = 1) -> keyslots.Header:
    return keyslots.build(
        kdf=PARAMS,
        salt=b"s" * 32,
        vault_id=b"v" * 16,
        generation=generation,
        master_key=master,
        keks=keks,
    )


def test_header_size_is_fixed_whatever_slots_are_used():
    master = Secret(b"m" * 32)
    one = make(master, {Role.PASSPHRASE: Secret(b"k" * 32)})
    two = make(master, {Role.PASSPHRASE: Secret(b"k" * 32), Role.RECOVERY: Secret(b"r" * 32)})
    assert len(one.to_bytes()) == len(two.to_bytes()) == keyslots.HEADER_LEN
    assert keyslots.parse(two.to_bytes()) == two


def test_every_slot_opens_only_with_its_key_and_role():
    master = Secret(b"m" * 32)
    header = make(master, {Role.PASSPHRASE: Secret(b"k" * 32), Role.RECOVERY: Secret(b"r" * 32)})
    opened = keyslots.open_with_kek(header, Secret(b"r" * 32))
    assert opened is not None and opened.role is Role.RECOVERY
    assert bytes(opened.master_key.buffer) == b"m" * 32
    assert keyslots.open_with_kek(header, Secret(b"x" * 32)) is None


def test_slot_bound_to_its_index_and_header():
    master = Secret(b"m" * 32)
    header = make(master, {Role.PASSPHRASE: Secret(b"k" * 32)})
    # Moving slots around breaks every one of them (the index is in the associated data).
    rotated = keyslots.Header(
        header.version,
        header.kdf,
        header.salt,
        header.vault_id,
        header.generation,
        header.slots[1:] + header.slots[:1],
    )
    assert keyslots.open_with_kek(rotated, Secret(b"k" * 32)) is None
    newer = keyslots.Header(
        header.version,
        header.kdf,
        header.salt,
        header.vault_id,
        header.generation + 1,
        header.slots,
    )
    assert keyslots.open_with_kek(newer, Secret(b"k" * 32)) is None


def test_copies_around_a_passphrase_change_differ_in_every_slot(made_vault):
    vault, _ = made_vault
    before = (vault / "vault.key").read_bytes()
    desk = Desk(vault)
    desk.unlock(Secret.from_text(PASS))
    desk.change_passphrase(Secret.from_text("another one"))
    desk.lock()
    after = (vault / "vault.key").read_bytes()
    assert len(before) == len(after)
    a, b = keyslots.parse(before), keyslots.parse(after)
    assert a.salt == b.salt and a.vault_id == b.vault_id and b.generation == a.generation + 1
    for i in range(keyslots.SLOT_COUNT):
        assert a.slots[i] != b.slots[i]
        # not even a shared nonce or a shared 8-byte run of ciphertext
        assert a.slots[i][:12] != b.slots[i][:12]


def test_passphrase_is_nfc_normalised(vault_dir):
    composed = unicodedata.normalize("NFC", "пароль й әңгіме")
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    desk = Desk(vault_dir)
    desk.create(Secret.from_text(composed))
    desk.lock()
    desk.unlock(Secret.from_text(decomposed))
    desk.lock()


def test_unlock_tries_all_slots_with_one_derivation(made_vault, monkeypatch):
    vault, _ = made_vault
    calls = []
    real = kdf.derive

    def counting(*a, **k):
        calls.append(1)
        return real(*a, **k)

    monkeypatch.setattr(keyslots, "derive", counting)
    desk = Desk(vault)
    desk.unlock(Secret.from_text(PASS))
    desk.lock()
    assert len(calls) == 1
    with pytest.raises(WrongSecret):
        desk.unlock(Secret.from_text("wrong"))
    assert len(calls) == 2


def test_hostile_kdf_parameters_are_refused():
    header = make(Secret(b"m" * 32), {Role.PASSPHRASE: Secret(b"k" * 32)})
    huge = keyslots.Header(
        header.version, kdf.KdfParams(2**31, 3, 4), header.salt, header.vault_id, 1, header.slots
    )
    from defender_desk.errors import VaultDamaged

    with pytest.raises(VaultDamaged):
        keyslots.parse(huge.to_bytes())


def test_calibration_meets_floor_and_target():
    params = kdf.calibrate()
    assert not params.below_floor()
    assert params.lanes == 4


def test_creation_uses_cheap_params_only_under_the_switch(monkeypatch):
    monkeypatch.delenv(kdf.INSECURE_TEST_KDF_ENV)
    monkeypatch.setattr(kdf, "calibrate", lambda: kdf.FLOOR)
    assert kdf.creation_params() == kdf.FLOOR
    monkeypatch.setenv(kdf.INSECURE_TEST_KDF_ENV, "1")
    assert kdf.creation_params().below_floor()


def test_secret_repr_hides_content():
    s = Secret.from_text("сверхсекретно")
    assert "сверх" not in repr(s) and "сверх" not in str(s)
    buf = s.buffer
    s.wipe()
    assert len(buf) == 0


def test_check_passphrase(made_vault):
    vault, code = made_vault
    desk = Desk(vault)
    desk.unlock(Secret.from_text(PASS))
    desk.check_passphrase(Secret.from_text(PASS))
    with pytest.raises(WrongSecret):
        desk.check_passphrase(Secret.from_text("wrong"))
    from defender_desk.vault import recovery

    with pytest.raises(WrongSecret):  # the recovery code is not the passphrase
        desk.check_passphrase(recovery.to_secret(code))
    desk.lock()


def test_strengthen_kdf_keeps_passphrase_and_code(made_vault, monkeypatch):
    vault, code = made_vault
    desk = Desk(vault)
    desk.unlock(Secret.from_text(PASS))
    before = keyslots.parse((vault / "vault.key").read_bytes())
    assert before.kdf.below_floor()
    monkeypatch.delenv(kdf.INSECURE_TEST_KDF_ENV)
    monkeypatch.setattr(kdf, "calibrate", lambda: kdf.FLOOR)  # the floor: quick enough here
    with pytest.raises(WrongSecret):
        desk.strengthen_kdf(Secret.from_text("wrong"), code)
    params = desk.strengthen_kdf(Secret.from_text(PASS), code)
    assert params == kdf.FLOOR
    desk.lock()
    after = keyslots.parse((vault / "vault.key").read_bytes())
    assert after.kdf == kdf.FLOOR and after.salt != before.salt
    assert after.generation == before.generation + 1
    d = Desk(vault)
    d.unlock(Secret.from_text(PASS))
    assert "kdf_below_floor" not in d.warnings
    d.lock()
    d.recover(code, Secret.from_text("new one"))  # the recovery code still opens it
    d.change_passphrase(Secret.from_text("third"))  # and its slot re-wraps correctly
    d.lock()
    Desk(vault).recover(code, Secret.from_text("fourth"))


def test_interrupted_strengthening_keeps_the_recovery_code(made_vault, monkeypatch):
    from defender_desk.vault import db, store

    vault, code = made_vault
    desk = Desk(vault)
    desk.unlock(Secret.from_text(PASS))
    real = db.set_meta
    calls = []

    def crash_after_header(conn, key, value):
        calls.append(key)
        if key == store.META_RECOVERY_KEK and len(calls) > 1:
            raise RuntimeError("power cut after the header was written")
        return real(conn, key, value)

    monkeypatch.setattr(db, "set_meta", crash_after_header)
    with pytest.raises(RuntimeError):
        desk.strengthen_kdf(Secret.from_text(PASS), code)
    monkeypatch.undo()
    desk.forget()
    d = Desk(vault)
    d.recover(code, Secret.from_text("after the crash"))
    d.change_passphrase(Secret.from_text("and again"))
    d.lock()
    Desk(vault).recover(code, Secret.from_text("still works"))
