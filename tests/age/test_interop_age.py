"""Debian's age 1.1.1 (``/usr/bin/age``, ``age-keygen``) both ways: X25519 files binary and
armored, several recipients, ``age -p`` files, and identity files — plain and ``age -p``-
protected. age 1.1 cannot open hybrid files (that is why docs/sharing.md says to update)."""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import pytest

from defender_desk import age
from defender_desk.secret import Secret
from tests.age.conftest import Unseekable, run, run_on_tty, tool

SIZES = [0, 1, 65535, 65536, 65537, 10 << 20]
PASS = "пароль юриста"


def keygen(path: Path) -> str:
    proc = run([tool("age-keygen"), "-o", str(path)])
    assert proc.returncode == 0, proc.stderr
    return run([tool("age-keygen"), "-y", str(path)]).stdout.decode().strip()


@pytest.fixture(scope="module")
def their_key(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    path = tmp_path_factory.mktemp("age") / "key.txt"
    return path, keygen(path)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("armor", [False, True])
def test_ours_open_in_age(size: int, armor: bool, their_key: tuple[Path, str], tmp_path: Path):
    key, recipient = their_key
    data = os.urandom(size)
    path = tmp_path / "f.age"
    with (
        path.open("wb") as out,
        age.encrypt([age.parse_recipient(recipient)], out, armor=armor) as w,
    ):
        for i in range(0, len(data), 1 << 20):
            w.write(data[i : i + (1 << 20)])
    proc = run([tool("age"), "-d", "-i", str(key), str(path)])
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == data


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("armor", [False, True])
def test_age_files_open_in_ours(
    size: int, armor: bool, their_key: tuple[Path, str], tmp_path: Path
):
    key, recipient = their_key
    data = os.urandom(size)
    other = age.X25519Identity.generate()
    argv = [tool("age"), "-r", str(other.recipient), "-r", recipient, *(["-a"] if armor else [])]
    proc = run(argv, data)
    assert proc.returncode == 0, proc.stderr
    ids = age.load_identity_file(key.read_bytes())
    reader = age.decrypt(ids, io.BytesIO(proc.stdout))
    assert hashlib.sha256(reader.read()).digest() == hashlib.sha256(data).digest()
    assert reader.seekable() is not armor
    assert age.decrypt([other], Unseekable(proc.stdout)).read() == data


def test_age_keygen_file_and_ours_in_age(tmp_path: Path):
    ours = age.HybridIdentity.generate()
    classic = age.X25519Identity.generate()
    path = tmp_path / "ours.txt"
    path.write_bytes(bytes(age.format_identity_file(classic)))
    proc = run([tool("age-keygen"), "-y", str(path)])
    assert proc.returncode == 0 and proc.stdout.decode().strip() == str(classic.recipient)
    assert bytes(age.format_identity_file(ours)).startswith(b"# created: ")
    # age 1.1 predates post-quantum keys: it cannot read them (docs/sharing.md: update age)
    pq = tmp_path / "pq.txt"
    pq.write_bytes(bytes(age.format_identity_file(ours)))
    blob = tmp_path / "pq.age"
    blob.write_bytes(age.encrypt_bytes([ours.recipient], b"x"))
    assert run([tool("age"), "-d", "-i", str(pq), str(blob)]).returncode != 0
    assert run([tool("age"), "-r", str(ours.recipient)], b"x").returncode != 0


def test_passphrase_files_both_ways(tmp_path: Path):
    data = os.urandom(100_000)
    plain, theirs = tmp_path / "plain.bin", tmp_path / "theirs.age"
    plain.write_bytes(data)
    code = run_on_tty(
        [tool("age"), "-p", "-o", str(theirs), str(plain)],
        [(b"passphrase", PASS), (b"onfirm", PASS)],
    )
    assert code == 0 and theirs.read_bytes().startswith(b"age-encryption.org/v1\n-> scrypt ")
    identity = age.ScryptIdentity(Secret(PASS.encode()))
    assert age.decrypt([identity], theirs.open("rb")).read() == data
    with pytest.raises(age.AgeNoMatch):
        age.decrypt([age.ScryptIdentity(Secret(b"wrong"))], theirs.open("rb"))
    ours = tmp_path / "ours.age"
    ours.write_bytes(
        age.encrypt_bytes([age.ScryptRecipient(Secret(PASS.encode()))], data, armor=True)
    )
    out = tmp_path / "out.bin"
    code = run_on_tty([tool("age"), "-d", "-o", str(out), str(ours)], [(b"passphrase", PASS)])
    assert code == 0 and out.read_bytes() == data


@pytest.mark.parametrize("armor", [False, True])
def test_age_p_protected_identity_file(armor: bool, tmp_path: Path):
    key = tmp_path / "key.txt"
    recipient = keygen(key)
    protected = tmp_path / "key.age"
    argv = [tool("age"), "-p", *(["-a"] if armor else []), "-o", str(protected), str(key)]
    assert run_on_tty(argv, [(b"passphrase", PASS), (b"onfirm", PASS)]) == 0
    assert age.is_passphrase_protected(protected.read_bytes())
    blob = run([tool("age"), "-r", recipient], b"for the lawyer").stdout
    with pytest.raises(age.IdentityPassphraseNeeded):
        age.load_identity_file(protected.read_bytes())
    with pytest.raises(age.WrongIdentityPassphrase) as info:
        age.load_identity_file(protected.read_bytes(), Secret(b"not it"))
    assert info.value.exit_code == 3
    ids = age.load_identity_file(protected.read_bytes(), Secret(PASS.encode()))
    assert age.decrypt(ids, io.BytesIO(blob)).read() == b"for the lawyer"
    # ours, protected by us, opened by age (it asks for the key file's passphrase)
    mine = age.X25519Identity.generate()
    ours = tmp_path / "ours.age"
    ours.write_bytes(
        age.protect_identity_file(
            age.format_identity_file(mine), Secret(PASS.encode()), armor=armor
        )
    )
    target = tmp_path / "m.age"
    target.write_bytes(age.encrypt_bytes([mine.recipient], b"opened by age"))
    out = tmp_path / "m.txt"
    code = run_on_tty(
        [tool("age"), "-d", "-i", str(ours), "-o", str(out), str(target)], [(b"passphrase", PASS)]
    )
    assert code == 0 and out.read_bytes() == b"opened by age"


def test_identity_file_refusals(tmp_path: Path):
    mine = age.X25519Identity.generate()
    text = bytes(age.format_identity_file(mine)).decode()
    secret_line = text.splitlines()[2]
    typo = secret_line[:30] + ("Q" if secret_line[30] != "Q" else "P") + secret_line[31:]
    with pytest.raises(age.IdentityFileRefused) as info:
        age.parse_identities(f"# comment\n\n{typo}\n".encode())
    assert info.value.fields["line"] == 3
    assert secret_line[20:40] not in str(info.value.fields)
    with pytest.raises(age.IdentityFileRefused):
        age.parse_identities(b"# only comments\n\n")
    with pytest.raises(age.IdentityFileRefused):
        age.parse_identities(f"{mine.recipient}\n".encode())  # a public key is no identity
    crlf = text.replace("\n", "\r\n").encode()
    assert str(age.parse_identities(crlf)[0].recipient) == str(mine.recipient)  # type: ignore[attr-defined]
    to_a_key = age.encrypt_bytes([mine.recipient], text.encode())
    with pytest.raises(age.IdentityFileRefused):
        age.load_identity_file(to_a_key, Secret(b"pw"))
    heavy = age.protect_identity_file(Secret(text.encode()), Secret(b"pw"), work_factor=10)
    with pytest.raises(age.ScryptWorkFactorTooHigh):
        age.load_identity_file(heavy, Secret(b"pw"), max_work_factor=9)
