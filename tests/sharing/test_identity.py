"""Her sharing identity: made with the vault, distinct from the other keys, shown as a card."""

from __future__ import annotations

import json
from pathlib import Path

import pyrage
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from defender_desk.secret import Secret
from defender_desk.sharing import identity
from defender_desk.sharing.keys import (
    age_recipient_from_identity,
    parse_card,
    verification_code,
)
from defender_desk.sharing.sshsig import EXPORT_NAMESPACE, sign, verify
from defender_desk.vault import db
from defender_desk.vault.evidence import META_STORAGE_IDENTITY
from tests.conftest import PASS
from tests.sharing.conftest import SDesk


def test_identity_is_made_once_and_kept(her):
    conn = her._open().conn
    identity.ensure_identity(conn)
    signing = db.get_meta(conn, identity.META_SIGNING_KEY)
    receiving = db.get_meta(conn, identity.META_RECEIVING_IDENTITY)
    assert signing is not None and len(signing) == 32
    assert receiving is not None and receiving.startswith(b"AGE-SECRET-KEY-1")
    assert identity.ensure_identity(conn) is False  # idempotent
    assert db.get_meta(conn, identity.META_SIGNING_KEY) == signing
    assert db.get_meta(conn, identity.META_RECEIVING_IDENTITY) == receiving
    card = her.me()
    her.lock()
    her.unlock(Secret(PASS.encode()))
    assert her.me() == card  # the same after lock and unlock


def test_identity_is_distinct_from_storage_and_recovery_keys(her, lawyer):
    conn = her._open().conn
    card = her.me()
    storage = db.get_meta(conn, META_STORAGE_IDENTITY)
    assert storage is not None
    storage_recipient = age_recipient_from_identity(storage.decode())
    recovery_recipient = db.get_meta(conn, "recovery_recipient")
    assert recovery_recipient is not None
    assert len({card.age_recipient, storage_recipient, recovery_recipient.decode()}) == 3
    assert card.age_recipient != lawyer.me().age_recipient
    assert card.signing_key != lawyer.me().signing_key


def test_a_vault_without_sharing_keys_gets_them_on_first_use(her):
    conn = her._open().conn
    with db.transaction(conn):
        conn.execute("DELETE FROM meta WHERE key LIKE 'sharing_%'")
    card = her.me()
    assert card.age_recipient.startswith("age1")
    assert db.get_meta(conn, identity.META_SIGNING_KEY) is not None


def test_card_round_trips_and_its_code_matches(her):
    card = her.me()
    parsed = parse_card(card.text)
    assert parsed.age_recipient == card.age_recipient
    assert parsed.verification_code() == card.verification_code
    assert card.verification_code == verification_code(card.age_recipient, parsed.signing_key)
    groups = card.verification_code.split(" ")
    assert [len(g) for g in groups] == [5, 5, 5, 5] and all(g.isdigit() for g in groups)
    png = card.qr_png()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")


def test_receiving_identity_decrypts_what_is_sent_to_the_card(her):
    card = her.me()
    blob = pyrage.encrypt(b"hello", [pyrage.x25519.Recipient.from_str(card.age_recipient)])
    conn = her._open().conn
    assert pyrage.decrypt(blob, [identity.receiving_identity(conn)]) == b"hello"


def test_signing_key_signs_for_the_card(her):
    conn = her._open().conn
    key = identity.signing_key(conn)
    assert isinstance(key, Ed25519PrivateKey)
    sig = sign(key, b"manifest", EXPORT_NAMESPACE)
    signer = verify(sig, b"manifest", namespace=EXPORT_NAMESPACE)
    assert signer.public_bytes_raw() == parse_card(her.me().text).signing_key.public_bytes_raw()


def test_secrets_are_not_in_the_card_or_its_repr(her):
    card = her.me()
    secret = db.get_meta(her._open().conn, identity.META_RECEIVING_IDENTITY)
    assert secret is not None
    for text in (card.text, repr(card), json.dumps(card.as_json())):
        assert secret.decode() not in text
        assert "AGE-SECRET-KEY" not in text


def test_me_command(her, scli, tmp_path):
    expected = her.me()
    her.lock()
    r = scli(her.paths.root, ["me", "--json", "--qr", str(tmp_path / "card.png")], [PASS])
    assert r.code == 0, r.err
    data = json.loads(r.out)
    assert data == expected.as_json()
    qr = tmp_path / "card.png"
    assert qr.read_bytes().startswith(b"\x89PNG")
    assert oct(qr.stat().st_mode & 0o777) == "0o600"
    r = scli(her.paths.root, ["me"], [PASS])
    assert r.code == 0, r.err
    assert expected.verification_code in r.out
    assert expected.text in r.out
    r = scli(her.paths.root, ["me"], ["wrong"])
    assert r.code == 3


def test_init_prints_the_verification_code(scli, tmp_path):
    vault = tmp_path / "v"
    r = scli(vault, ["init", "--json"], [PASS])
    assert r.code == 0, r.err
    data = json.loads(r.out)
    assert set(data) == {"recovery_code", "verification_code"}
    me = scli(vault, ["me", "--json"], [PASS])
    assert json.loads(me.out)["verification_code"] == data["verification_code"]


def test_facade_works_on_a_fresh_desk(tmp_path: Path):
    desk = SDesk(tmp_path / "fresh")
    desk.create(Secret(b"pw"))
    try:
        assert desk.me().age_recipient.startswith("age1")
        assert desk.list_contacts() == []
        assert desk.last_backup() is None
    finally:
        desk.lock()


def test_the_sharing_facade_and_commands_are_wired() -> None:
    """The real Desk has the sharing facade and the real CLI the sharing commands (the tests
    used to wire them in themselves when they were missing)."""
    import defender_desk.cli as cli_mod
    from defender_desk.app import Desk
    from defender_desk.cli import sharing_cmds
    from defender_desk.sharing.facade import SharingFacade

    assert issubclass(Desk, SharingFacade)
    assert sharing_cmds.register in cli_mod.COMMAND_MODULES
