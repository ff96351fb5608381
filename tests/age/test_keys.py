"""Keys: the spec's examples, generation, Bech32, and one distinct error per way a pasted key is
wrong — with no key material in any message."""

from __future__ import annotations

from pathlib import Path

import pytest

from defender_desk import age
from defender_desk.age import bech32
from defender_desk.i18n import describe_error
from defender_desk.secret import Secret

DATA = Path(__file__).parent / "data"
# age.md's examples
SPEC_PQ_IDENTITY = "AGE-SECRET-KEY-PQ-1XX76JRALNLXDMEW0CRK45QMCCH4X06SE84UN3VPM33W6HWDX0H3SK3ZQFR"
SPEC_PQ_RECIPIENT = (DATA / "spec_hybrid_recipient.txt").read_text().strip()
SPEC_X_IDENTITY = "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX"
SPEC_X_RECIPIENT = "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj"


def test_spec_examples():
    hybrid = age.parse_identity(SPEC_PQ_IDENTITY)
    assert isinstance(hybrid, age.HybridIdentity)
    assert len(SPEC_PQ_RECIPIENT) == 1959
    assert str(hybrid.recipient) == SPEC_PQ_RECIPIENT
    assert bytes(hybrid.secret_text()) == SPEC_PQ_IDENTITY.encode()
    classic = age.parse_identity(SPEC_X_IDENTITY)
    assert isinstance(classic, age.X25519Identity)
    assert str(classic.recipient) == SPEC_X_RECIPIENT
    assert age.parse_recipient(SPEC_PQ_RECIPIENT) == hybrid.recipient
    assert age.parse_recipient(SPEC_X_RECIPIENT.upper()) == classic.recipient  # QR codes


@pytest.mark.parametrize("cls", [age.X25519Identity, age.HybridIdentity])
def test_generate_roundtrip_and_no_leak(cls: type[age.X25519Identity | age.HybridIdentity]):
    one = cls.generate()
    secret = one.secret_text()
    again = age.parse_identity(secret)
    assert str(again.recipient) == str(one.recipient)  # type: ignore[attr-defined]
    assert str(cls.generate().recipient) != str(one.recipient)
    text = bytes(secret).decode()
    assert text.startswith("AGE-SECRET-KEY-") and text == text.upper()
    for shown in (repr(one), str(one), repr(secret), repr(one.recipient)):
        assert text[20:40] not in shown
    expected_len = 1959 if cls is age.HybridIdentity else 62
    assert len(str(one.recipient)) == expected_len


VALID_BECH32 = [
    "A12UEL5L",
    "a12uel5l",
    "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
    "?1ezyfcl",
    "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
]
INVALID_BECH32 = [
    ("A1G7SGD8", "checksum"),
    ("a1Qqqqqqq", "case"),
    ("1nwldj5", "separator"),
    ("x1b4n0q5v", "character"),
    ("li1dgmt3", "separator"),
]


def test_bech32_bip173_vectors():
    for valid in VALID_BECH32:
        bech32.decode(valid)
    for invalid, problem in INVALID_BECH32:
        with pytest.raises(bech32.Bech32Error) as info:
            bech32.decode(invalid)
        assert info.value.problem == problem, invalid
    data = bytes(range(200))
    assert bech32.decode(bech32.encode("age1pq", data)) == ("age1pq", bytearray(data))


def change_one(key: str, position: int) -> str:
    """``key`` with one data character replaced by another valid Bech32 character."""
    c = key[position]
    new = bech32.CHARSET[(bech32.CHARSET.index(c.lower()) + 7) % 32]
    return key[:position] + (new.upper() if c.isupper() else new) + key[position + 1 :]


PQ = SPEC_PQ_RECIPIENT
X = SPEC_X_RECIPIENT


@pytest.mark.parametrize("position", [7, 8, 500, 1000, 1952, len(PQ) - 6, len(PQ) - 1])
def test_hybrid_key_with_one_character_changed(position: int):
    with pytest.raises(age.AgeKeyChecksum):
        age.parse_recipient(change_one(PQ, position))


@pytest.mark.parametrize("position", [4, 30, 61])
def test_classic_key_with_one_character_changed(position: int):
    with pytest.raises(age.AgeKeyChecksum):
        age.parse_recipient(change_one(X, position))


@pytest.mark.parametrize("cut", [1, 6, 100, 980, 1900])
def test_hybrid_key_cut_off(cut: int):
    with pytest.raises(age.AgeKeyLength) as info:
        age.parse_recipient(PQ[:-cut])
    assert info.value.fields == {"found": 1959 - cut, "expected": 1959}
    with pytest.raises(age.AgeKeyLength):
        age.parse_recipient(PQ[:-cut], expect="hybrid")


def test_keys_too_long():
    with pytest.raises(age.AgeKeyLength):
        age.parse_recipient(PQ + "q")
    with pytest.raises(age.AgeKeyLength):
        age.parse_recipient(X + "qq")
    with pytest.raises(age.AgeKeyLength):
        age.parse_identity(SPEC_PQ_IDENTITY[:-3])


def test_prefix_that_does_not_match_the_key():
    with pytest.raises(age.AgeKeyWrongType) as info:
        age.parse_recipient("age1" + PQ[7:])  # a hybrid key with the classic prefix
    assert "classic key's prefix" in info.value.fields["kind"]
    with pytest.raises(age.AgeKeyWrongType):
        age.parse_recipient("age1" + PQ[7:], expect="hybrid")
    with pytest.raises(age.AgeKeyWrongType) as info:
        age.parse_recipient("age1pq1" + X[4:])  # a classic key with the post-quantum prefix
    assert "post-quantum key's prefix" in info.value.fields["kind"]


def test_wrong_type_where_one_type_is_expected():
    with pytest.raises(age.AgeKeyWrongType) as info:
        age.parse_recipient(X, expect="hybrid")
    assert info.value.fields["kind"].startswith("a classic")
    assert info.value.fields["what"].startswith("a post-quantum")
    with pytest.raises(age.AgeKeyWrongType):
        age.parse_recipient(PQ, expect="x25519")
    assert isinstance(age.parse_recipient(PQ, expect="hybrid"), age.HybridRecipient)
    assert isinstance(age.parse_recipient(X, expect="x25519"), age.X25519Recipient)


@pytest.mark.parametrize("secret", [SPEC_PQ_IDENTITY, SPEC_X_IDENTITY, SPEC_PQ_IDENTITY.lower()])
def test_secret_key_given_as_recipient(secret: str):
    for expect in (None, "hybrid", "x25519"):
        with pytest.raises(age.AgeSecretKeyAsRecipient) as info:
            age.parse_recipient(secret, expect=expect)  # type: ignore[arg-type]
        assert info.value.hint is not None
    kind = age.AgeSecretKeyAsRecipient
    with pytest.raises(kind):
        age.parse_recipient("AGE-PLUGIN-YUBIKEY-1QQQQQQQQQQQQQQQQQQQQ")


def test_public_key_given_as_identity():
    with pytest.raises(age.AgeKeyWrongType):
        age.parse_identity(PQ)
    with pytest.raises(age.AgeKeyWrongType):
        age.parse_identity(X)
    with pytest.raises(age.AgeKeyChecksum):
        age.parse_identity(change_one(SPEC_PQ_IDENTITY, 30))
    with pytest.raises(age.AgeKeyWrongType):
        age.parse_identity(SPEC_X_IDENTITY, expect="hybrid")


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", age.AgeKeyMalformed),
        ("   ", age.AgeKeyMalformed),
        (X[:30] + " " + X[30:], age.AgeKeyMalformed),
        (X[:30] + X[30:].upper(), age.AgeKeyMalformed),
        (X[:10] + "b" + X[11:], age.AgeKeyMalformed),
        ("age1yubikey1" + "q" * 59, age.AgeKeyWrongType),
        ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkV", age.AgeKeyWrongType),
        ("-----BEGIN OPENSSH PRIVATE KEY-----", age.AgeSecretKeyAsRecipient),
        ("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", age.AgeKeyMalformed),
    ],
)  # fmt: skip
def test_other_bad_recipients(text: str, error: type[Exception]):
    with pytest.raises(error):
        age.parse_recipient(text)


def test_unusable_public_keys():
    low_order = bech32.encode("age", bytes(32)).decode()
    with pytest.raises(age.AgeKeyInvalid):
        age.parse_recipient(low_order)
    raw = bech32.decode(PQ)[1]
    with pytest.raises(age.AgeKeyInvalid):  # the X25519 half of a hybrid key is low-order
        age.parse_recipient(bech32.encode("age1pq", raw[:1184] + bytes(32)).decode())
    with pytest.raises(age.AgeKeyInvalid):  # ML-KEM coefficients out of range
        age.parse_recipient(bech32.encode("age1pq", b"\xff" * 1184 + raw[1184:]).decode())


def test_no_key_material_in_any_error():
    bad = [
        change_one(PQ, 900), PQ[:-40], "age1" + PQ[7:], SPEC_PQ_IDENTITY, X[:10] + "b" + X[11:],
        change_one(SPEC_PQ_IDENTITY, 25),
    ]  # fmt: skip
    for text in bad:
        for parse in (age.parse_recipient, age.parse_identity):
            if text == SPEC_PQ_IDENTITY and parse is age.parse_identity:
                continue  # a valid secret key
            with pytest.raises(age.AgeKeyRejected) as info:
                parse(text)  # type: ignore[operator]
            e = info.value
            shown = " ".join([str(e), repr(e), describe_error(e), repr(e.fields)]).lower()
            data = text[text.lower().rfind("1") + 1 :].lower()  # after the prefix
            for i in range(0, len(data) - 8, 8):
                assert data[i : i + 8] not in shown


def test_identity_from_a_secret_buffer():
    one = age.HybridIdentity.generate()
    buf = one.secret_text()
    assert str(age.parse_identity(buf).recipient) == str(one.recipient)  # type: ignore[attr-defined]
    with pytest.raises(age.AgeKeyMalformed):
        age.parse_identity(Secret("AGE-SECRET-KEY-ПQ".encode()))
