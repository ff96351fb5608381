"""Fixtures for the sharing tests: desks, the real CLI, age identity files.

``app.Desk`` includes the sharing facade and the CLI registers the sharing commands: the tests
run the plain ``python -m defender_desk`` and fail (they do not work around it) if that wiring
is ever lost.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from defender_desk.app import Desk
from defender_desk.secret import Secret
from tests.conftest import PASS, Result

SDesk: Any = Desk


def run_cli(
    vault: Path | None,
    args: Sequence[str],
    secrets: Sequence[str] = (),
    *,
    lang: str | None = None,
    cwd: Path | None = None,
    timeout: float = 300,
) -> Result:
    """Run the real CLI in a subprocess, secrets on a pipe given as --passphrase-fd."""
    read_fd, write_fd = os.pipe()
    os.write(write_fd, "".join(s + "\n" for s in secrets).encode("utf-8"))
    os.close(write_fd)
    argv = [sys.executable, "-m", "defender_desk"]
    if vault is not None:
        argv += ["--vault-dir", str(vault)]
    if lang:
        argv += ["--lang", lang]
    argv += ["--passphrase-fd", str(read_fd), *args]
    try:
        proc = subprocess.run(
            argv,
            capture_output=True,
            pass_fds=(read_fd,),
            timeout=timeout,
            cwd=cwd,
            check=False,
        )
    finally:
        os.close(read_fd)
    return Result(proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8"))


@pytest.fixture
def scli() -> Callable[..., Result]:
    return run_cli


def make_desk(folder: Path, passphrase: str = PASS) -> tuple[Any, str]:
    desk = SDesk(folder)
    code = desk.create(Secret(passphrase.encode())).recovery_code
    return desk, code


@pytest.fixture
def her(tmp_path: Path) -> Iterator[Any]:
    desk, code = make_desk(tmp_path / "her")
    desk.recovery_code = code
    yield desk
    desk.lock()


@pytest.fixture
def lawyer(tmp_path: Path) -> Iterator[Any]:
    desk, _ = make_desk(tmp_path / "lawyer", "lawyer pass")
    yield desk
    desk.lock()


def receiving_identity_text(desk: Any) -> str:
    conn = desk._open().conn
    row = conn.execute("SELECT value FROM meta WHERE key = 'sharing_receiving_identity'").fetchone()
    return bytes(row[0]).decode("ascii")


def write_identity(desk: Any, path: Path) -> Path:
    """Her (or his) receiving identity as an age identity file, as age-keygen writes one."""
    path.write_text(f"# test identity\n{receiving_identity_text(desk)}\n")
    return path


def introduce(her: Any, lawyer: Any, *, verified: bool = True) -> Any:
    """Each adds the other as a contact; returns her contact entry for him."""
    his, hers = lawyer.me(), her.me()
    contact = her.add_contact(
        name="Адвокат Серик",
        role="lawyer",
        age_recipient=his.age_recipient,
        signing_key=his.signing_key,
    )
    back = lawyer.add_contact(
        name="Айгуль",
        role="colleague",
        age_recipient=hers.age_recipient,
        signing_key=hers.signing_key,
    )
    if verified:
        her.verify_contact(contact.id)
        lawyer.verify_contact(back.id)
    return contact


def add_record(
    desk: Any, folder: Path, *, sizes: Sequence[int] = (70_000,), title: str = "Вызов"
) -> Any:
    """A person, an incident aimed at her, and evidence files of the given sizes."""
    folder.mkdir(parents=True, exist_ok=True)
    person = desk.add_person(
        {"name": "Участковый Қасымов", "role": "actor", "institution": "police"}
    )
    files = []
    for n, size in enumerate(sizes):
        f = folder / f"фото {n} «{size}».jpg"
        f.write_bytes(payload(size, n))
        files.append(f)
    return desk.add_incident(
        {
            "category": "DD-SUMMONS",
            "title": title,
            "happened": "2026-03-14T10:30",
            "actor_ids": [person.id],
            "targets_self": True,
            "description": "Пришёл участковый и вручил повестку. Қазақша: әіңғүұқөһ.",
            "summons": {"who_summoned": "РОВД", "legal_basis": "ст. 110 УПК"},
        },
        files,
    )


def payload(size: int, seed: int = 0) -> bytes:
    import hashlib

    block = hashlib.sha256(f"{seed}:{size}".encode()).digest() * 2048
    return (block * (size // len(block) + 1))[:size]


def files_under(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def scrypt_encrypt(data: bytes, passphrase: str, work_factor: int = 10) -> bytes:
    """An age file protected with a passphrase, as ``age -p`` writes it, but with a small work
    factor so tests stay fast (pyrage calibrates to about a second per file)."""
    import base64
    import hashlib
    import hmac
    import secrets

    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    def b64(raw: bytes) -> bytes:
        return base64.b64encode(raw).rstrip(b"=")

    def hkdf(key: bytes, salt: bytes, info: bytes) -> bytes:
        return HKDF(hashes.SHA256(), 32, salt, info).derive(key)

    file_key, salt = secrets.token_bytes(16), secrets.token_bytes(16)
    wrap = hashlib.scrypt(
        passphrase.encode(), salt=b"age-encryption.org/v1/scrypt" + salt,
        n=2**work_factor, r=8, p=1, dklen=32,
    )  # fmt: skip
    body = b64(ChaCha20Poly1305(wrap).encrypt(bytes(12), file_key, None))
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    if len(lines[-1]) == 64:
        lines.append(b"")
    header = b"age-encryption.org/v1\n-> scrypt " + b64(salt) + b" %d\n" % work_factor
    header += b"\n".join(lines) + b"\n---"
    mac = hmac.new(hkdf(file_key, b"", b"header"), header, "sha256").digest()
    header += b" " + b64(mac) + b"\n"
    nonce = secrets.token_bytes(16)
    aead = ChaCha20Poly1305(hkdf(file_key, nonce, b"payload"))
    chunks = [data[i : i + 65536] for i in range(0, len(data), 65536)] or [b""]
    out = bytearray(header + nonce)
    for n, chunk in enumerate(chunks):
        last = n == len(chunks) - 1
        out += aead.encrypt(n.to_bytes(11, "big") + (b"\x01" if last else b"\x00"), chunk, None)
    return bytes(out)
