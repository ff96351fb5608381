"""typage (age's TypeScript implementation by age's author, npm ``age-encryption`` 0.3.1, on
Node.js) both ways: post-quantum hybrid and X25519 files at the sizes that matter, its keys
used by us and ours by it, its streaming and armor paths. If Node.js or typage is missing the
tests fail (``tools/node.sh`` installs them from the committed lock)."""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import pytest

from defender_desk import age
from tests.age.conftest import Unseekable, run

SIZES = [0, 1, 65535, 65536, 65537, 10 << 20]
KINDS = ["hybrid", "x25519"]


def typage_keygen(typage: list[str], kind: str) -> tuple[str, str]:
    proc = run([*typage, "keygen", kind])
    assert proc.returncode == 0, proc.stderr.decode()
    identity, recipient = proc.stdout.decode().split()
    return identity, recipient


def ours(kind: str) -> age.X25519Identity | age.HybridIdentity:
    return age.HybridIdentity.generate() if kind == "hybrid" else age.X25519Identity.generate()


def data_of(size: int) -> bytes:
    return os.urandom(size)


@pytest.mark.parametrize("kind", KINDS)
def test_keys_agree(typage: list[str], kind: str):
    identity, recipient = typage_keygen(typage, kind)
    parsed = age.parse_identity(identity)
    assert str(parsed.recipient) == recipient  # type: ignore[attr-defined]
    assert str(age.parse_recipient(recipient)) == recipient
    mine = ours(kind)
    proc = run([*typage, "recipient"], bytes(mine.secret_text()))
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stdout.decode().strip() == str(mine.recipient)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("kind", KINDS)
def test_ours_open_in_typage(typage: list[str], kind: str, size: int, tmp_path: Path):
    identity, recipient = typage_keygen(typage, kind)
    data = data_of(size)
    out = io.BytesIO()
    with age.encrypt([age.parse_recipient(recipient)], out) as w:
        w.write(data)
    keyfile = tmp_path / "key.txt"
    keyfile.write_text(identity + "\n")
    command = "decrypt-stream" if size == 10 << 20 else "decrypt"
    proc = run([*typage, command, str(keyfile)], out.getvalue())
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    assert hashlib.sha256(proc.stdout).digest() == hashlib.sha256(data).digest()


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("kind", KINDS)
def test_typage_files_open_in_ours(typage: list[str], kind: str, size: int):
    mine = ours(kind)
    data = data_of(size)
    command = "encrypt-stream" if size in (65537, 10 << 20) else "encrypt"
    proc = run([*typage, command, str(mine.recipient)], data)
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    reader = age.decrypt([mine], io.BytesIO(proc.stdout))
    assert reader.size == size
    assert hashlib.sha256(reader.read()).digest() == hashlib.sha256(data).digest()
    assert age.decrypt([mine], Unseekable(proc.stdout)).read() == data


def test_several_hybrid_recipients_and_armor(typage: list[str], tmp_path: Path):
    a_id, a_rec = typage_keygen(typage, "hybrid")
    b_id, b_rec = typage_keygen(typage, "hybrid")
    mine = age.HybridIdentity.generate()
    data = os.urandom(200_000)
    armored = age.encrypt_bytes(
        [age.parse_recipient(a_rec), mine.recipient, age.parse_recipient(b_rec)], data, armor=True
    )
    for identity in (a_id, b_id):
        keyfile = tmp_path / "k.txt"
        keyfile.write_text(identity + "\n")
        proc = run([*typage, "decrypt", str(keyfile)], armored)
        assert proc.returncode == 0 and proc.stdout == data, proc.stderr.decode()[-2000:]
    proc = run([*typage, "encrypt", "--armor", str(mine.recipient), a_rec], data)
    assert proc.returncode == 0 and proc.stdout.startswith(b"-----BEGIN AGE ENCRYPTED FILE-----")
    assert age.decrypt([mine], io.BytesIO(proc.stdout)).read() == data


def test_mixed_files_open_but_we_never_make_one(typage: list[str]):
    """typage 0.3.1 encrypts to a classic and a post-quantum recipient together; such a file
    (like the CCTV vector hybrid_and_x25519) decrypts, but we refuse to make one."""
    mine = age.HybridIdentity.generate()
    _, classic = typage_keygen(typage, "x25519")
    proc = run([*typage, "encrypt", str(mine.recipient), classic], b"mixed")
    assert proc.returncode == 0, proc.stderr.decode()
    assert age.decrypt([mine], io.BytesIO(proc.stdout)).read() == b"mixed"
    with pytest.raises(age.RecipientsMixed):
        age.encrypt([mine.recipient, age.parse_recipient(classic)], io.BytesIO())
