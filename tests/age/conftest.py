"""Shared helpers for the age tests: the CCTV vectors, the real peers (Debian's ``age``, typage
on Node.js) and a pseudo-terminal for ``age -p``. A missing peer FAILS the test, never skips."""

from __future__ import annotations

import io
import os
import pty
import select
import shutil
import subprocess
import time
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
VECTORS = REPO.parent / "shared" / "testdata" / "cctv-age"
NODE_DIR = REPO / "tools" / "node"
TYPAGE = NODE_DIR / "typage.mjs"


@dataclass
class Vector:
    name: str
    expect: str
    payload: str | None
    file_key: bytes | None
    identities: list[str]
    passphrases: list[str]
    armored: bool
    body: bytes


def load_vector(path: Path) -> Vector:
    raw = path.read_bytes()
    head, _, body = raw.partition(b"\n\n")
    fields: dict[str, list[str]] = {}
    for line in head.decode().splitlines():
        key, _, value = line.partition(": ")
        fields.setdefault(key, []).append(value)
    if fields.get("compressed") == ["zlib"]:
        body = zlib.decompress(body)
    key = fields.get("file key", [None])[0]
    return Vector(
        name=path.name,
        expect=fields["expect"][0],
        payload=fields.get("payload", [None])[0],
        file_key=bytes.fromhex(key) if key else None,
        identities=fields.get("identity", []),
        passphrases=fields.get("passphrase", []),
        armored=fields.get("armored") == ["yes"],
        body=body,
    )


def all_vectors() -> list[Vector]:
    """Every vector; a missing folder fails the collection (pytest.fail), it never skips."""
    if not VECTORS.is_dir():
        pytest.fail(f"the C2SP/CCTV age test vectors are missing: {VECTORS}", pytrace=False)
    return [load_vector(p) for p in sorted(VECTORS.iterdir()) if p.name != "README.md"]


class Unseekable(io.RawIOBase):
    """A pipe-like view of bytes: no seek, no tell (forces sequential decryption)."""

    def __init__(self, data: bytes) -> None:
        self._inner = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        return self._inner.readinto(buffer)


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is required (apt-get install age; see tools/apt-packages.txt)")
    return path


def run(argv: list[str], data: bytes = b"", **kw: Any) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(argv, input=data, capture_output=True, timeout=300, check=False, **kw)


@pytest.fixture(scope="session")
def typage() -> list[str]:
    """The argv prefix that runs tools/node/typage.mjs; installs typage from the committed lock
    (tools/node.sh, a no-op when up to date). Fails if Node.js or typage cannot be had."""
    proc = subprocess.run(
        ["bash", str(REPO / "tools" / "node.sh")], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        pytest.fail(f"tools/node.sh failed (Node.js and typage are required):\n{proc.stderr}")
    node = shutil.which("node")
    if node is None or not (NODE_DIR / "node_modules" / "age-encryption").is_dir():
        pytest.fail("node or typage (npm age-encryption) is missing: run bash tools/node.sh")
    version = subprocess.run(
        [node, "-p", "require('./node_modules/age-encryption/package.json').version"],
        cwd=NODE_DIR, capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    assert version == "0.3.1", version
    return [node, str(TYPAGE)]


def run_on_tty(argv: list[str], answers: list[tuple[bytes, str]], timeout: float = 120) -> int:
    """Run ``argv`` on a pseudo-terminal, typing each answer after its prompt appears."""
    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child
        os.execvp(argv[0], argv)
    seen = b""
    deadline = time.monotonic() + timeout
    pending = list(answers)
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(fd, 1024)
                except OSError:
                    break
                if not chunk:
                    break
                seen += chunk
            if pending and pending[0][0] in seen:
                prompt, answer = pending.pop(0)
                seen = seen.split(prompt, 1)[1]
                time.sleep(0.5)  # let it switch the terminal to no-echo (which flushes input)
                os.write(fd, answer.encode() + b"\n")
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                return os.waitstatus_to_exitcode(status)
        else:
            os.kill(pid, 9)
            pytest.fail(f"{argv[0]} did not finish; output: {seen!r}")
    finally:
        os.close(fd)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)
