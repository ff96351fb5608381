"""Which recipients may share a file, and how decryption classifies the bad inputs of issue 14:
hybrid stanzas with a wrong-length encapsulation or extra arguments, a file for someone else,
the classic/post-quantum mismatch, tampered headers, and scrypt above the cap (refused before
any work)."""

from __future__ import annotations

import io
import os
import re

import pytest

from defender_desk import age
from defender_desk.age import keys as age_keys
from defender_desk.secret import Secret
from tests.age.conftest import Unseekable

HYBRID = age.HybridIdentity.generate()
CLASSIC = age.X25519Identity.generate()


def test_mixing_classic_and_post_quantum_is_refused():
    other = age.HybridIdentity.generate().recipient
    with pytest.raises(age.RecipientsMixed):
        age.encrypt([HYBRID.recipient, CLASSIC.recipient], io.BytesIO())
    with pytest.raises(age.RecipientsMixed):
        age.encrypt([CLASSIC.recipient, other, HYBRID.recipient], io.BytesIO())
    out = io.BytesIO()
    with pytest.raises(age.RecipientsRefused):
        age.encrypt([other, CLASSIC.recipient], out)
    assert out.getvalue() == b""  # refused before anything was written
    blob = age.encrypt_bytes([HYBRID.recipient, other], b"both post-quantum: fine")
    assert age.decrypt_bytes([HYBRID], blob) == b"both post-quantum: fine"


def test_passphrase_must_be_alone():
    pw = age.ScryptRecipient(Secret(b"correct horse"), work_factor=10)
    with pytest.raises(age.PassphraseNotAlone):
        age.encrypt([pw, CLASSIC.recipient], io.BytesIO())
    with pytest.raises(age.PassphraseNotAlone):
        age.encrypt([pw, pw], io.BytesIO())
    with pytest.raises(age.NoRecipients):
        age.encrypt([], io.BytesIO())
    blob = age.encrypt_bytes([pw], b"secret")
    assert age.decrypt_bytes([age.ScryptIdentity(Secret(b"correct horse"))], blob) == b"secret"
    with pytest.raises(age.AgeNoMatch):
        age.decrypt_bytes([age.ScryptIdentity(Secret(b"wrong horse"))], blob)


def hybrid_file(data: bytes = b"hello") -> bytes:
    return age.encrypt_bytes([HYBRID.recipient], data)


def edit_stanza(blob: bytes, edit: object) -> bytes:
    """Apply ``edit`` (a function of the argument line) to the first stanza's argument line."""
    first, rest = blob.split(b"\n", 1)
    line, tail = rest.split(b"\n", 1)
    return first + b"\n" + edit(line) + b"\n" + tail  # type: ignore[operator]


def test_hybrid_stanza_with_wrong_length_encapsulation():
    blob = hybrid_file()
    enc = blob.split(b"\n")[1].split(b" ")[2]
    assert len(enc) == 1494  # 1,120 bytes
    shorter = edit_stanza(blob, lambda line: line.replace(enc, enc[:-4]))  # 1,117 bytes
    longer = edit_stanza(blob, lambda line: line.replace(enc, enc + b"AAAA"))  # 1,123 bytes
    for bad in (shorter, longer):
        with pytest.raises(age.AgeHeaderInvalid):
            age.decrypt([HYBRID], io.BytesIO(bad))
    not_canonical = edit_stanza(blob, lambda line: line[:-1] + b"=")
    with pytest.raises(age.AgeHeaderInvalid):
        age.decrypt([HYBRID], io.BytesIO(not_canonical))


def test_hybrid_stanza_with_extra_or_missing_arguments():
    blob = hybrid_file()
    with pytest.raises(age.AgeHeaderInvalid):
        age.decrypt([HYBRID], io.BytesIO(edit_stanza(blob, lambda line: line + b" extra")))
    with pytest.raises(age.AgeHeaderInvalid):
        age.decrypt(
            [HYBRID],
            io.BytesIO(edit_stanza(blob, lambda line: line.split(b" ")[0] + b" mlkem768x25519")),
        )
    # someone else's identity ignores a stanza of a type it does not know: no match
    odd = edit_stanza(blob, lambda line: line.replace(b"mlkem768x25519", b"MLKEM768X25519"))
    with pytest.raises(age.AgeNoMatch):
        age.decrypt([HYBRID], io.BytesIO(odd))


def test_hybrid_file_for_someone_else():
    with pytest.raises(age.AgeNoMatch):
        age.decrypt([age.HybridIdentity.generate(), CLASSIC], io.BytesIO(hybrid_file()))


def test_classic_stanza_where_only_hybrid_is_expected_and_the_reverse():
    classic_file = age.encrypt_bytes([CLASSIC.recipient], b"classic")
    with pytest.raises(age.AgeNoMatch):
        age.decrypt([HYBRID], io.BytesIO(classic_file))
    with pytest.raises(age.AgeNoMatch):
        age.decrypt([CLASSIC], io.BytesIO(hybrid_file()))
    # with both identities, each opens its own kind
    assert age.decrypt([HYBRID, CLASSIC], io.BytesIO(classic_file)).read() == b"classic"
    assert age.decrypt([CLASSIC, HYBRID], io.BytesIO(hybrid_file())).read() == b"hello"


def test_header_changed_after_it_was_made():
    blob = age.encrypt_bytes([CLASSIC.recipient], b"x")
    grease = blob.replace(b"\n---", b"\n-> grease\n\n---", 1)  # a stanza slipped in
    with pytest.raises(age.AgeHeaderTampered):
        age.decrypt([CLASSIC], io.BytesIO(grease))
    mac = re.search(rb"\n--- (\S+)\n", blob)
    assert mac is not None
    flipped = (
        mac.group(1)[:10] + (b"A" if mac.group(1)[10:11] != b"A" else b"B") + mac.group(1)[11:]
    )
    with pytest.raises((age.AgeHeaderTampered, age.AgeHeaderInvalid)):
        age.decrypt([CLASSIC], io.BytesIO(blob.replace(mac.group(1), flipped)))


def test_scrypt_next_to_another_stanza_is_refused_even_for_other_identities():
    pw_file = age.encrypt_bytes([age.ScryptRecipient(Secret(b"pw"), work_factor=10)], b"x")
    classic_file = age.encrypt_bytes([CLASSIC.recipient], b"x")
    scrypt_stanza = pw_file.split(b"\n---")[0].split(b"\n", 1)[1]
    mixed = classic_file.replace(b"\n---", b"\n" + scrypt_stanza + b"\n---", 1)
    with pytest.raises(age.AgeHeaderInvalid):
        age.decrypt([CLASSIC], io.BytesIO(mixed))


class Spy:
    """Stands in for cryptography's Scrypt to record whether any derivation was attempted."""

    calls = 0

    def __init__(self, **kw: object) -> None:
        Spy.calls += 1

    def derive(self, key_material: object) -> bytes:
        raise AssertionError("scrypt must not run")


@pytest.mark.parametrize("factor", [21, 22, 30, 64, 999])
def test_scrypt_above_the_cap_is_refused_before_any_work(
    factor: int, monkeypatch: pytest.MonkeyPatch
):
    blob = age.encrypt_bytes([age.ScryptRecipient(Secret(b"pw"), work_factor=10)], b"x")
    raised = re.sub(rb"(-> scrypt \S+) 10\n", rb"\1 " + str(factor).encode() + b"\n", blob)
    monkeypatch.setattr(age_keys, "Scrypt", Spy)
    Spy.calls = 0
    with pytest.raises(age.ScryptWorkFactorTooHigh) as info:
        age.decrypt([age.ScryptIdentity(Secret(b"pw"))], io.BytesIO(raised))
    assert Spy.calls == 0
    assert info.value.fields == {"found": factor, "limit": age.MAX_SCRYPT_WORK_FACTOR}
    assert isinstance(info.value, age.AgeHeaderInvalid)  # "header failure", as CCTV names it
    with pytest.raises(age.ScryptWorkFactorTooHigh):
        age.decrypt([age.ScryptIdentity(Secret(b"pw"), max_work_factor=9)], io.BytesIO(blob))
    assert Spy.calls == 0


def test_armor_detection_and_errors():
    armored = age.encrypt_bytes([CLASSIC.recipient], b"armored", armor=True)
    assert armored.startswith(b"-----BEGIN AGE ENCRYPTED FILE-----\n")
    assert age.decrypt([CLASSIC], io.BytesIO(b"\r\n  \n" + armored + b"\n\n")).read() == b"armored"
    with pytest.raises(age.AgeArmorInvalid):
        age.decrypt([CLASSIC], io.BytesIO(armored.replace(b"-----\n", b"-----\nComment: x\n", 1)))
    with pytest.raises(age.AgeArmorInvalid):
        age.decrypt([CLASSIC], Unseekable(armored + b"junk"))
    with pytest.raises(age.AgeHeaderInvalid):
        age.decrypt([CLASSIC], io.BytesIO(b"PK\x03\x04 not an age file at all"))
    with pytest.raises(age.AgeHeaderInvalid):
        age.decrypt([CLASSIC], io.BytesIO(b""))
    with pytest.raises(age.AgeHeaderInvalid):
        age.decrypt([CLASSIC], io.BytesIO(b"age-encryption.org/v2\n-> x\n\n--- AAAA\n"))


def test_huge_header_is_refused_in_bounded_memory():
    class Endless(io.RawIOBase):
        """An endless stanza body: the header cap must stop the reading."""

        def __init__(self) -> None:
            self.given = 0

        def readable(self) -> bool:
            return True

        def readinto(self, b: object) -> int:
            view = memoryview(b)  # type: ignore[arg-type]
            start = b"age-encryption.org/v1\n-> X25519 abc\n" if self.given == 0 else b""
            line = (b"A" * 64 + b"\n") * (len(view) // 65 + 1)
            data = (start + line)[: len(view)]
            view[: len(data)] = data
            self.given += len(data)
            return len(data)

    src = Endless()
    with pytest.raises(age.AgeHeaderInvalid):
        age.decrypt([CLASSIC], src)
    assert src.given < 5 << 20


def test_decrypt_needs_an_identity():
    with pytest.raises(ValueError):
        age.decrypt([], io.BytesIO(age.encrypt_bytes([CLASSIC.recipient], b"x")))
    assert os.urandom  # keep the import used for readers
