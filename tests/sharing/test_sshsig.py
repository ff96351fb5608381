"""SSHSIG interop with the real ``ssh-keygen -Y`` (must be installed: the test fails otherwise)."""

from __future__ import annotations

import base64
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from hypothesis import given, settings
from hypothesis import strategies as st

from defender_desk.sharing import sshsig
from defender_desk.sharing.sshsig import (
    EXPORT_NAMESPACE,
    KeyMalformed,
    KeyTruncated,
    SecretKeyPasted,
    SignatureError,
    SignatureInvalid,
    SignatureMalformed,
    SignatureNamespaceMismatch,
    UnexpectedSigner,
    WrongKeyType,
)

MESSAGE = b'{"schema": 1, "files": []}\n'


def ssh_keygen() -> str:
    path = shutil.which("ssh-keygen")
    if path is None:
        pytest.fail("ssh-keygen is required for these tests (apt-get install openssh-client)")
    return path


def keygen_verify(
    tmp: Path, key: Ed25519PublicKey, sig: str, message: bytes, namespace: str = EXPORT_NAMESPACE
) -> subprocess.CompletedProcess[bytes]:
    (tmp / "allowed_signers").write_text(sshsig.allowed_signers_line("her", key) + "\n")
    (tmp / "file.sig").write_text(sig)
    return subprocess.run(
        [ssh_keygen(), "-Y", "verify", "-f", str(tmp / "allowed_signers"), "-I", "her", "-n",
         namespace, "-s", str(tmp / "file.sig")],
        input=message, capture_output=True, check=False,
    )  # fmt: skip


def keygen_key(tmp: Path) -> tuple[Path, Ed25519PrivateKey]:
    path = tmp / "id_ed25519"
    subprocess.run(
        [ssh_keygen(), "-q", "-t", "ed25519", "-N", "", "-C", "lawyer@example", "-f", str(path)],
        check=True,
    )
    key = serialization.load_ssh_private_key(path.read_bytes(), password=None)
    assert isinstance(key, Ed25519PrivateKey)
    return path, key


def keygen_sign(tmp: Path, key_path: Path, message: bytes, *options: str) -> str:
    data = tmp / "manifest.json"
    data.write_bytes(message)
    subprocess.run(
        [ssh_keygen(), "-q", "-Y", "sign", "-f", str(key_path), "-n", EXPORT_NAMESPACE,
         *options, str(data)],
        check=True, capture_output=True,
    )  # fmt: skip
    return (tmp / "manifest.json.sig").read_text()


def test_our_signature_verifies_with_ssh_keygen(tmp_path: Path) -> None:
    key = Ed25519PrivateKey.generate()
    sig = sshsig.sign(key, MESSAGE, EXPORT_NAMESPACE)
    result = keygen_verify(tmp_path, key.public_key(), sig, MESSAGE)
    assert result.returncode == 0, result.stderr
    assert b'Good "defender-desk-export-v1" signature for her' in result.stdout + result.stderr


def test_armor_has_70_columns_and_is_byte_identical_to_ssh_keygen(tmp_path: Path) -> None:
    key_path, key = keygen_key(tmp_path)
    theirs = keygen_sign(tmp_path, key_path, MESSAGE)
    ours = sshsig.sign(key, MESSAGE, EXPORT_NAMESPACE)
    assert ours == theirs  # Ed25519 is deterministic: same key, message, namespace, hash
    lines = ours.splitlines()
    assert lines[0] == "-----BEGIN SSH SIGNATURE-----"
    assert lines[-1] == "-----END SSH SIGNATURE-----"
    assert all(len(line) == 70 for line in lines[1:-2]) and 0 < len(lines[-2]) <= 70


@pytest.mark.parametrize("options", [(), ("-O", "hashalg=sha256")])
def test_ssh_keygen_signature_verifies_with_ours(tmp_path: Path, options: tuple[str, ...]) -> None:
    key_path, _ = keygen_key(tmp_path)
    sig = keygen_sign(tmp_path, key_path, MESSAGE, *options)
    pub_line = (tmp_path / "id_ed25519.pub").read_text()
    expected = sshsig.parse_openssh_public_key(pub_line)
    signer = sshsig.verify(sig, MESSAGE, namespace=EXPORT_NAMESPACE, expected_key=expected)
    assert signer.public_bytes_raw() == expected.public_bytes_raw()
    with pytest.raises(SignatureInvalid):
        sshsig.verify(sig, MESSAGE + b" ", namespace=EXPORT_NAMESPACE, expected_key=expected)


def test_tampered_message_fails_both(tmp_path: Path) -> None:
    key = Ed25519PrivateKey.generate()
    sig = sshsig.sign(key, MESSAGE, EXPORT_NAMESPACE)
    tampered = MESSAGE.replace(b"1", b"2")
    assert keygen_verify(tmp_path, key.public_key(), sig, tampered).returncode != 0
    with pytest.raises(SignatureInvalid):
        sshsig.verify(sig, tampered, namespace=EXPORT_NAMESPACE)


def test_wrong_namespace_fails_both(tmp_path: Path) -> None:
    key = Ed25519PrivateKey.generate()
    sig = sshsig.sign(key, MESSAGE, "file")
    assert keygen_verify(tmp_path, key.public_key(), sig, MESSAGE).returncode != 0
    with pytest.raises(SignatureNamespaceMismatch) as info:
        sshsig.verify(sig, MESSAGE, namespace=EXPORT_NAMESPACE)
    assert info.value.fields == {"expected": EXPORT_NAMESPACE}
    # ssh-keygen also refuses our signature under a namespace the allowed_signers line excludes
    good = sshsig.sign(key, MESSAGE, "file")
    assert keygen_verify(tmp_path, key.public_key(), good, MESSAGE, "file").returncode != 0


def test_other_key_fails_both(tmp_path: Path) -> None:
    key, other = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    sig = sshsig.sign(key, MESSAGE, EXPORT_NAMESPACE)
    assert keygen_verify(tmp_path, other.public_key(), sig, MESSAGE).returncode != 0
    with pytest.raises(UnexpectedSigner) as info:
        sshsig.verify(sig, MESSAGE, namespace=EXPORT_NAMESPACE, expected_key=other.public_key())
    assert info.value.exit_code == 6  # "valid signature by an unknown key"
    signer = sshsig.verify(sig, MESSAGE, namespace=EXPORT_NAMESPACE)
    assert signer.public_bytes_raw() == key.public_key().public_bytes_raw()


def test_signature_by_swapped_key_is_invalid() -> None:
    """Replacing the embedded public key (to pass as someone else) breaks the signature."""
    key, other = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    sig = sshsig.sign(key, MESSAGE, EXPORT_NAMESPACE)
    blob = base64.b64decode("".join(sig.splitlines()[1:-1]))
    raw, raw_other = key.public_key().public_bytes_raw(), other.public_key().public_bytes_raw()
    forged = base64.b64encode(blob.replace(raw, raw_other)).decode()
    with pytest.raises(SignatureInvalid):
        sshsig.verify(
            f"-----BEGIN SSH SIGNATURE-----\n{forged}\n-----END SSH SIGNATURE-----\n",
            MESSAGE,
            namespace=EXPORT_NAMESPACE,
            expected_key=other.public_key(),
        )


SIG = sshsig.sign(Ed25519PrivateKey.generate(), MESSAGE, EXPORT_NAMESPACE)
BLOB = base64.b64decode("".join(SIG.splitlines()[1:-1]))


def armor(blob: bytes) -> str:
    b64 = base64.b64encode(blob).decode()
    return f"-----BEGIN SSH SIGNATURE-----\n{b64}\n-----END SSH SIGNATURE-----"


@settings(max_examples=300, deadline=None)
@given(st.integers(0, len(BLOB) - 1), st.integers(1, 255))
def test_any_flipped_byte_is_refused(position: int, xor: int) -> None:
    blob = bytearray(BLOB)
    blob[position] ^= xor
    with pytest.raises(SignatureError):
        sshsig.verify(armor(bytes(blob)), MESSAGE, namespace=EXPORT_NAMESPACE)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, len(BLOB) - 1))
def test_any_truncation_is_refused(length: int) -> None:
    with pytest.raises(SignatureMalformed):
        sshsig.verify(armor(BLOB[:length]), MESSAGE, namespace=EXPORT_NAMESPACE)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "hello",
        "-----BEGIN SSH SIGNATURE-----\n!!!!\n-----END SSH SIGNATURE-----",
        SIG.replace("BEGIN SSH SIGNATURE", "BEGIN PGP SIGNATURE"),
        SIG + "x" * 20000,
        armor(b"SSHSIG\x00\x00\x00\x02" + BLOB[10:]),
        armor(BLOB + b"\x00"),
        armor(BLOB.replace(b"sha512", b"sha384")),
        "\u0436".encode().decode() + SIG,
    ],
)
def test_malformed_signatures(text: str) -> None:
    with pytest.raises(SignatureMalformed):
        sshsig.verify(text, MESSAGE, namespace=EXPORT_NAMESPACE)


def test_signature_as_bytes_and_crlf() -> None:
    sshsig.verify(SIG.replace("\n", "\r\n").encode(), MESSAGE, namespace=EXPORT_NAMESPACE)
    with pytest.raises(SignatureMalformed):
        sshsig.verify(b"\xff" + SIG.encode(), MESSAGE, namespace=EXPORT_NAMESPACE)


def test_rsa_signature_is_refused_as_unsupported(tmp_path: Path) -> None:
    key_path = tmp_path / "id_rsa"
    subprocess.run(
        [ssh_keygen(), "-q", "-t", "rsa", "-b", "2048", "-N", "", "-f", str(key_path)], check=True
    )
    sig = keygen_sign(tmp_path, key_path, MESSAGE)
    with pytest.raises(SignatureMalformed) as info:
        sshsig.verify(sig, MESSAGE, namespace=EXPORT_NAMESPACE)
    assert "Ed25519" in info.value.fields["reason"]


def test_public_key_line_matches_ssh_keygen_and_round_trips(tmp_path: Path) -> None:
    key_path, key = keygen_key(tmp_path)
    theirs = (tmp_path / "id_ed25519.pub").read_text().strip()
    assert sshsig.format_openssh_public_key(key.public_key(), "lawyer@example") == theirs
    openssh = key.public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    )
    assert sshsig.format_openssh_public_key(key.public_key()) == openssh.decode()
    parsed = sshsig.parse_openssh_public_key(f"  {theirs}\n")
    assert parsed.public_bytes_raw() == key.public_key().public_bytes_raw()
    # ssh-keygen reads our line back and prints the same fingerprint
    ours = tmp_path / "ours.pub"
    ours.write_text(sshsig.format_openssh_public_key(parsed) + "\n")
    fingerprint = [ssh_keygen(), "-l", "-f"]
    a = subprocess.run([*fingerprint, str(ours)], capture_output=True, check=True).stdout
    b = subprocess.run([*fingerprint, str(key_path)], capture_output=True, check=True).stdout
    assert a.split()[1] == b.split()[1]
    with pytest.raises(ValueError):
        sshsig.format_openssh_public_key(key.public_key(), "two\nlines")


def test_public_key_errors(tmp_path: Path) -> None:
    key = Ed25519PrivateKey.generate()
    line = sshsig.format_openssh_public_key(key.public_key())
    secret = "AGE-SECRET-KEY-1QQQSYQCYQ5RQWZQFPG9SCRGWPUGPZYSNZS23V9CCRYDPK8QARC0SWRYDWG"
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.OpenSSH,
        serialization.NoEncryption(),
    ).decode()
    rsa_path = tmp_path / "rsa"
    subprocess.run(
        [ssh_keygen(), "-q", "-t", "rsa", "-b", "2048", "-N", "", "-f", str(rsa_path)], check=True
    )
    cases: list[tuple[str, type[Exception]]] = [
        ("", KeyMalformed),
        ("hello world", KeyMalformed),
        (secret, SecretKeyPasted),
        (pem, SecretKeyPasted),
        ("age1gezwzfcgxk54yn7sffkyqjk2t4vyqt4l5su6e9s3altxr8mrs5vs39cn6d", WrongKeyType),
        ((tmp_path / "rsa.pub").read_text(), WrongKeyType),
        ("ssh-ed25519", KeyTruncated),
        (line[:-10], KeyTruncated),
        (line + "AAAA", KeyTruncated),
        (line.replace("AAAAC3", "AAAAC4"), KeyTruncated),
        ("ssh-ed25519 not*base64", KeyTruncated),
    ]
    for text, error in cases:
        with pytest.raises(error) as info:
            sshsig.parse_openssh_public_key(text)
        # the pasted text (possibly a secret) is never kept in the error
        assert secret not in repr(info.value.__dict__) and pem not in repr(info.value.__dict__)


def test_allowed_signers_line_refuses_unsafe_principals_and_namespaces() -> None:
    key = Ed25519PrivateKey.generate().public_key()
    for principal in ["", "a b", 'a"b', "*", "a,b"]:
        with pytest.raises(ValueError):
            sshsig.allowed_signers_line(principal, key)
    for namespace in ["", "a b", 'a"b']:
        with pytest.raises(ValueError):
            sshsig.allowed_signers_line("her", key, namespace)
        with pytest.raises(ValueError):
            sshsig.sign(Ed25519PrivateKey.generate(), b"", namespace)
