"""Trusted contacts: validated keys with clear errors, every change in the history chain."""

from __future__ import annotations

import json

import pyrage
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from defender_desk.errors import InvalidInput, NotFound
from defender_desk.i18n import describe_error
from defender_desk.sharing.contacts import ContactDuplicate, ContactIsYou
from defender_desk.sharing.keys import KeyMalformed, KeyTruncated, SecretKeyPasted, WrongKeyType
from defender_desk.sharing.sshsig import format_openssh_public_key
from defender_desk.vault import history
from tests.conftest import PASS


def new_keys() -> tuple[str, str, str]:
    """(age identity, age recipient, ssh-ed25519 public key) of a new person."""
    ident = pyrage.x25519.Identity.generate()
    ssh = format_openssh_public_key(Ed25519PrivateKey.generate().public_key())
    return str(ident), str(ident.to_public()), ssh


def test_add_list_verify_edit_delete(her):
    _, recipient, ssh = new_keys()
    c = her.add_contact(
        name="  Адвокат Серик ", role="lawyer", age_recipient=recipient.upper(), signing_key=ssh
    )
    assert c.id.startswith("c-")
    assert c.name == "Адвокат Серик"
    assert c.age_recipient == recipient  # canonical lower case
    assert c.signing_key == ssh
    assert c.verified_on is None
    assert c.verification_code() is not None
    assert [x.id for x in her.list_contacts()] == [c.id]
    assert her.get_contact(c.id) == c

    v = her.verify_contact(c.id)
    assert v.verified_on == her.clock().astimezone().date()
    edited = her.edit_contact(c.id, {"notes": "встреча в Алматы"})
    assert edited.verified_on == v.verified_on  # notes do not clear the verification
    _, other, _ = new_keys()
    rekeyed = her.edit_contact(c.id, {"age_recipient": other})
    assert rekeyed.verified_on is None  # a new key must be compared again

    _, r2, _ = new_keys()
    no_key = her.add_contact(name="Мама", role="family", age_recipient=r2)
    assert no_key.signing_key is None and no_key.verification_code() is None
    her.delete_contact(no_key.id)
    with pytest.raises(NotFound):
        her.get_contact(no_key.id)
    assert [x.id for x in her.list_contacts()] == [c.id]


def test_every_change_is_in_the_history_and_deletion_purges(her):
    _, recipient, ssh = new_keys()
    c = her.add_contact(name="Орг", role="organisation", age_recipient=recipient, signing_key=ssh)
    her.verify_contact(c.id)
    revs = her.history_of(c.id)
    assert [r["operation"] for r in revs] == ["create", "edit"]
    assert json.loads(revs[-1]["content"])["verified_on"] is not None
    kinds = {
        r[0]
        for r in her._open().conn.execute(
            "SELECT record_kind FROM revisions WHERE record_id = ?", (c.id,)
        )
    }
    assert kinds == {"contact"}
    her.delete_contact(c.id)
    revs = her.history_of(c.id)
    assert [r["operation"] for r in revs] == ["create", "edit", "delete"]
    assert all(r["content"] is None for r in revs)  # purged, commitments kept
    assert history.verify(her._open().conn) == []


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("hello", KeyMalformed),
        ("", KeyMalformed),
        ("age1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq", KeyTruncated),
    ],
)
def test_malformed_recipients(her, text, error):
    with pytest.raises(error):
        her.add_contact(name="X", role="lawyer", age_recipient=text)


def test_bad_keys_have_clear_errors_without_the_key(her):
    ident, recipient, ssh = new_keys()
    cases = [
        (recipient[:-5], KeyTruncated),  # cut off
        (recipient[:20] + ("q" if recipient[20] != "q" else "p") + recipient[21:], KeyTruncated),
        (ident, SecretKeyPasted),  # her secret key pasted
        (ssh, WrongKeyType),  # an SSH key where an age key belongs
        ("age1" + "A" * 10 + "a" * 48, KeyMalformed),  # mixed case
    ]
    for text, error in cases:
        with pytest.raises(error) as info:
            her.add_contact(name="X", role="lawyer", age_recipient=text)
        message = describe_error(info.value)
        assert text not in message and text not in str(info.value)
    # signing key errors
    for text, error in [
        (recipient, WrongKeyType),
        (ssh[:-6], KeyTruncated),
        ("ssh-rsa AAAAB3NzaC1yc2E", WrongKeyType),
        ("-----BEGIN OPENSSH PRIVATE KEY-----", SecretKeyPasted),
    ]:
        with pytest.raises(error):
            her.add_contact(name="X", role="lawyer", age_recipient=recipient, signing_key=text)
    assert her.list_contacts() == []


def test_her_own_keys_are_refused(her):
    card = her.me()
    with pytest.raises(ContactIsYou):
        her.add_contact(name="Я", role="colleague", age_recipient=card.age_recipient)
    backup = (
        her._open()
        .conn.execute("SELECT value FROM meta WHERE key = 'recovery_recipient'")
        .fetchone()[0]
    )
    with pytest.raises(ContactIsYou):
        her.add_contact(name="Я", role="colleague", age_recipient=bytes(backup).decode())
    _, recipient, _ = new_keys()
    with pytest.raises(ContactIsYou) as info:
        her.add_contact(
            name="Я", role="colleague", age_recipient=recipient, signing_key=card.signing_key
        )
    assert "your own signing key" in describe_error(info.value)


def test_duplicates_are_refused(her):
    _, recipient, ssh = new_keys()
    first = her.add_contact(name="A", role="lawyer", age_recipient=recipient, signing_key=ssh)
    with pytest.raises(ContactDuplicate) as info:
        her.add_contact(name="B", role="lawyer", age_recipient=recipient)
    assert first.id in describe_error(info.value)
    _, other, _ = new_keys()
    with pytest.raises(ContactDuplicate):
        her.add_contact(name="B", role="lawyer", age_recipient=other, signing_key=ssh)
    second = her.add_contact(name="B", role="lawyer", age_recipient=other)
    with pytest.raises(ContactDuplicate):
        her.edit_contact(second.id, {"signing_key": ssh})


def test_bad_name_and_role(her):
    _, recipient, _ = new_keys()
    with pytest.raises(InvalidInput) as info:
        her.add_contact(name="  ", role="lawyer", age_recipient=recipient)
    assert info.value.fields["field"] == "name"
    with pytest.raises(InvalidInput) as info:
        her.add_contact(name="A", role="judge", age_recipient=recipient)
    assert info.value.fields["field"] == "role"


def test_contact_commands(her, scli):
    _, recipient, ssh = new_keys()
    her.lock()
    vault = her.paths.root
    r = scli(
        vault,
        ["contact", "add", "--name", "Серик", "--role", "lawyer", "--age-recipient", recipient,
         "--signing-key", ssh],
        [PASS],
    )  # fmt: skip
    assert r.code == 0, r.err
    cid = r.out.strip()
    assert cid.startswith("c-")
    r = scli(vault, ["contact", "list", "--json"], [PASS])
    assert r.code == 0, r.err
    listed = json.loads(r.out)
    assert [c["id"] for c in listed] == [cid]
    assert listed[0]["verification_code"] and listed[0]["verified_on"] is None
    r = scli(vault, ["contact", "verify", cid], [PASS])
    assert r.code == 0, r.err
    assert listed[0]["verification_code"] in r.out
    r = scli(vault, ["contact", "list"], [PASS])
    assert "Серик" in r.out and "verified" in r.out
    r = scli(
        vault,
        ["contact", "add", "--name", "X", "--role", "lawyer", "--age-recipient", recipient[:-4]],
        [PASS],
    )
    assert r.code == 1
    assert "incomplete or has a typo" in r.err
    assert recipient[:-4] not in r.err
    r = scli(
        vault, ["contact", "add", "--name", "X", "--role", "judge", "--age-recipient", recipient],
        [PASS],
    )  # fmt: skip
    assert r.code == 2
    r = scli(vault, ["contact", "delete", cid], [PASS])
    assert r.code == 0, r.err
    r = scli(vault, ["contact", "list", "--json"], [PASS])
    assert json.loads(r.out) == []
    r = scli(vault, ["contact", "delete", cid], [PASS])
    assert r.code == 1


def test_migration_0004_makes_the_sharing_tables(her):
    conn = her._open().conn
    versions = dict(conn.execute("SELECT version, name FROM schema_version").fetchall())
    assert versions[4] == "sharing"
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"contacts", "export_log"} <= tables
    row = ("c-x", "X", "lawyer", "age1x", None, None, "{}")
    conn.execute("INSERT INTO contacts VALUES (?, ?, ?, ?, ?, ?, ?)", row)
    for bad in (
        ("c-y", "Y", "judge", "age1y", None, None, "{}"),  # role outside the list
        ("c-z", "Z", "lawyer", "age1x", None, None, "{}"),  # the same recipient twice
    ):
        with pytest.raises(Exception, match="constraint"):
            conn.execute("INSERT INTO contacts VALUES (?, ?, ?, ?, ?, ?, ?)", bad)
    with pytest.raises(Exception, match="constraint"):
        conn.execute("INSERT INTO export_log VALUES ('both', 'k', 'e', 0, 'h', 't', 't')")
