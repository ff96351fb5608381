from __future__ import annotations

import unicodedata

import pytest

from defender_desk.app import Desk
from defender_desk.errors import VaultDamaged, WrongSecret
from defender_desk.secret import Secret
from defender_desk.vault import kdf, keyslots
from defender_desk.vault.keyslots import Role, SlotKey
from tests.conftest import PASS
from tests.vault.headers import reseal, role_positions, slot_at, with_generation

PARAMS = kdf.KdfParams(8, 1, 1)


def key(byte: bytes) -> SlotKey:
    return SlotKey(Secret(byte * 32), byte * 32, PARAMS)


def make(master: Secret, keys: dict[Role, SlotKey], generation: int = 1) -> keyslots.Header:
    return keyslots.build(vault_id=b"v" * 16, generation=generation, master_key=master, new=keys)


def test_header_size_is_fixed_whatever_slots_are_used():
    master = Secret(b"m" * 32)
    one = make(master, {Role.PASSPHRASE: key(b"k")})
    two = make(master, {Role.PASSPHRASE: key(b"k"), Role.RECOVERY: key(b"r")})
    assert len(one.to_bytes()) == len(two.to_bytes()) == keyslots.HEADER_LEN
    assert keyslots.parse(two.to_bytes()) == two
    assert keyslots.parse(one.to_bytes()) == one


def test_every_slot_opens_only_with_its_key_and_role():
    master = Secret(b"m" * 32)
    header = make(master, {Role.PASSPHRASE: key(b"k"), Role.RECOVERY: key(b"r")})
    opened = keyslots.open_with_kek(header, Secret(b"r" * 32))
    assert opened is not None and opened.role is Role.RECOVERY
    assert bytes(opened.master_key.buffer) == b"m" * 32
    assert keyslots.open_with_kek(header, Secret(b"x" * 32)) is None


def test_slot_bound_to_its_index_its_fields_and_the_generation():
    master = Secret(b"m" * 32)
    raw = make(master, {Role.PASSPHRASE: key(b"k"), Role.RECOVERY: key(b"r")}).to_bytes()
    where = role_positions(raw)
    # Moving a slot to another position breaks it (the index is in the associated data).
    p, other = where[Role.PASSPHRASE], next(i for i in range(4) if i not in where.values())
    moved = bytearray(raw)
    a, b = slot_at(p), slot_at(other)
    moved[a : a + keyslots.SLOT_LEN], moved[b : b + keyslots.SLOT_LEN] = (
        raw[b : b + keyslots.SLOT_LEN],
        raw[a : a + keyslots.SLOT_LEN],
    )
    assert keyslots.open_with_kek(keyslots.parse(reseal(moved)), Secret(b"k" * 32)) is None
    # A raised generation breaks the passphrase slot ...
    newer = keyslots.parse(with_generation(raw, 2))
    assert keyslots.open_with_kek(newer, Secret(b"k" * 32)) is None
    # ... while the recovery slot does not bind it (it survives passphrase changes unchanged).
    opened = keyslots.open_with_kek(newer, Secret(b"r" * 32))
    assert opened is not None and opened.role is Role.RECOVERY
    # An edited parameter of a slot (with the checksum recomputed) fails like a wrong key.
    edited = bytearray(raw)
    edited[slot_at(where[Role.RECOVERY]) + 2 + 3] ^= 1  # memory KiB, low byte
    assert keyslots.open_with_kek(keyslots.parse(reseal(edited)), Secret(b"r" * 32)) is None


def test_a_passphrase_change_copies_the_recovery_slot_and_renews_the_rest(made_vault):
    """The app keeps no key that could re-encrypt the recovery slot, so a passphrase change
    leaves it byte for byte; the passphrase slot and the unused ones are all new."""
    vault, code = made_vault
    before = (vault / "vault.key").read_bytes()
    desk = Desk(vault)
    desk.unlock(Secret.from_text(PASS))
    desk.change_passphrase(Secret.from_text("another one"))
    desk.lock()
    after = (vault / "vault.key").read_bytes()
    a, b = keyslots.parse(before), keyslots.parse(after)
    assert len(before) == len(after) and a.vault_id == b.vault_id
    assert b.generation == a.generation + 1
    rec = role_positions(before)[Role.RECOVERY]
    assert role_positions(after)[Role.RECOVERY] == rec
    assert a.slots[rec] == b.slots[rec]
    assert a.slot_for(Role.PASSPHRASE).salt != b.slot_for(Role.PASSPHRASE).salt  # new salt
    for i in range(keyslots.SLOT_COUNT):
        if i != rec:
            assert a.slots[i].to_bytes()[12:] != b.slots[i].to_bytes()[12:]
    Desk(vault).recover(code, Secret.from_text("third"))  # the copied slot still opens


def test_passphrase_is_nfc_normalised(vault_dir):
    composed = unicodedata.normalize("NFC", "пароль й әңгіме")
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    desk = Desk(vault_dir)
    desk.create(Secret.from_text(composed))
    desk.lock()
    desk.unlock(Secret.from_text(decomposed))
    desk.lock()


def test_unlock_costs_one_derivation(made_vault, monkeypatch):
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


@pytest.mark.parametrize(
    ("memory", "passes", "lanes"),
    [(4 * 1024 * 1024, 3, 4), (keyslots.MAX_MEMORY_KIB + 1024, 3, 4), (65536, 9, 4), (65536, 3, 9)],
)
def test_hostile_kdf_parameters_are_refused_before_deriving(
    made_vault, monkeypatch, memory, passes, lanes
):
    """A header edited to ask for 4 GiB (or too many passes or lanes) is a damaged header —
    refused before any derivation, not an unlock that allocates it."""
    import struct

    vault, _ = made_vault
    raw = bytearray((vault / "vault.key").read_bytes())
    at = slot_at(role_positions(bytes(raw))[Role.PASSPHRASE]) + 2
    raw[at : at + 12] = struct.pack(">III", memory, passes, lanes)
    (vault / "vault.key").write_bytes(reseal(raw))
    calls = []
    monkeypatch.setattr(keyslots, "derive", lambda *a, **k: calls.append(a))
    with pytest.raises(VaultDamaged) as info:
        Desk(vault).unlock(Secret.from_text(PASS))
    assert info.value.fields["what"] == "the key file has impossible parameters"
    assert calls == []


def test_the_limits_cover_what_calibration_can_choose():
    assert kdf.MAX_MEMORY_KIB <= keyslots.MAX_MEMORY_KIB
    assert kdf.MAX_PASSES <= keyslots.MAX_PASSES
    assert kdf.FLOOR.lanes <= keyslots.MAX_LANES


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


def test_strengthen_kdf_with_the_code_renews_both_slots(made_vault, monkeypatch):
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
    assert after.slot_for(Role.RECOVERY).kdf == kdf.FLOOR
    assert after.slot_for(Role.RECOVERY).salt != before.slot_for(Role.RECOVERY).salt
    assert after.generation == before.generation + 1
    d = Desk(vault)
    d.unlock(Secret.from_text(PASS))
    assert "kdf_below_floor" not in d.warnings
    d.lock()
    d.recover(code, Secret.from_text("new one"))  # the recovery code still opens it
    d.change_passphrase(Secret.from_text("third"))
    d.lock()
    Desk(vault).recover(code, Secret.from_text("fourth"))


def test_strengthen_kdf_without_the_code_keeps_the_recovery_slot(made_vault, monkeypatch):
    vault, code = made_vault
    desk = Desk(vault)
    desk.unlock(Secret.from_text(PASS))
    before = (vault / "vault.key").read_bytes()
    monkeypatch.delenv(kdf.INSECURE_TEST_KDF_ENV)
    monkeypatch.setattr(kdf, "calibrate", lambda: kdf.FLOOR)
    assert desk.strengthen_kdf(Secret.from_text(PASS)) == kdf.FLOOR
    desk.lock()
    after = (vault / "vault.key").read_bytes()
    rec = role_positions(before)[Role.RECOVERY]
    assert keyslots.parse(after).slots[rec] == keyslots.parse(before).slots[rec]
    Desk(vault).recover(code, Secret.from_text("still opens"))


def test_strengthening_never_lowers_a_parameter(made_vault, monkeypatch):
    """Under the cheap test switch (what leaked into the bundle) strengthening once *lowered* a
    calibrated vault to 8 KiB / 1 pass. Now each parameter only goes up."""
    vault, code = made_vault
    desk = Desk(vault)
    desk.unlock(Secret.from_text(PASS))
    strong = kdf.KdfParams(128 * 1024, 4, 4)
    monkeypatch.setattr(kdf, "calibrate", lambda: strong)
    desk.strengthen_kdf(Secret.from_text(PASS), code)
    assert keyslots.parse((vault / "vault.key").read_bytes()).kdf == strong
    # the switch is on (conftest) and this computer now "measures" weaker parameters
    assert kdf.insecure_test_mode()
    monkeypatch.setattr(kdf, "calibrate", lambda: kdf.KdfParams(64 * 1024, 5, 4))
    params = desk.strengthen_kdf(Secret.from_text(PASS), code)
    assert params == kdf.KdfParams(128 * 1024, 5, 4)
    header = keyslots.parse((vault / "vault.key").read_bytes())
    assert header.kdf == params and header.slot_for(Role.RECOVERY).kdf == params
    desk.lock()


def test_no_stored_secret_opens_the_recovery_slot(made_vault):
    """Nothing in the database (every meta value, every blob) nor in the header opens the
    recovery slot: only the code does (format 1 kept its key in the database)."""
    vault, _code = made_vault
    desk = Desk(vault)
    desk.unlock(Secret.from_text(PASS))
    conn = desk._open().conn
    values = [bytes(v) for (v,) in conn.execute("SELECT value FROM meta")]
    desk.lock()
    header = keyslots.parse((vault / "vault.key").read_bytes())
    raw = (vault / "vault.key").read_bytes()
    assert values
    candidates = {v[i : i + 32] for v in [*values, raw] for i in range(max(len(v) - 31, 0))}
    for c in candidates:
        opened = keyslots.open_with_kek(header, Secret(c))
        assert opened is None or opened.role is not Role.RECOVERY
