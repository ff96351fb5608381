"""Signed receipts: her lawyer as an independent witness of her history chain.

Everything in an export is dated by her own computer's clock. A receipt is the lawyer's own
statement, signed with *his* key and dated by *his* clock, that he received her chain head
``N`` (and so every revision up to ``N``) at a given moment. It holds no record content.

The file (``open-export FILE --receipt OUT``) is two parts, byte for byte::

    line 1   the receipt: one line of JSON (ASCII only, keys sorted, no spaces) and "\\n"
    then     an armored SSHSIG over line 1 (its "\\n" included), namespace
             ``defender-desk-receipt-v1``, hash sha512 — as ``ssh-keygen -Y sign`` writes it

    {"export_id":"<32 hex>","format":"defender-desk-receipt",
     "head":{"hash":"<64 hex>","seq":N},"manifest_sha256":"<64 hex>",
     "received_at":"YYYY-MM-DDTHH:MM:SS.ffffffZ","signer":{"verification_code":"… … … …"},
     "version":1,"witness":{"verification_code":"… … … …"}}

(shown wrapped here; it is one line). ``signer`` is hers, ``witness`` his. So ``head -n 1`` gives
the signed message and ``tail -n +2`` the signature, and ``ssh-keygen -Y verify -n
defender-desk-receipt-v1`` checks it with his key (see ``docs/sharing.md``).

She imports it (``receipt import FILE``): the signature must be by one of her contacts, the
receipt must name her (her verification code, or an export she sent), and its head must be in
her history chain. It is then kept in the ``receipts`` table and, like every record, as a
revision of her history. Every later export carries her receipts (``receipts/<id>.json`` and
``receipts/<id>.json.sig``, listed in the signed manifest), and the report has a page
"Independent witnesses".
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from defender_desk.errors import N_, DefenderDeskError
from defender_desk.sharing import identity
from defender_desk.sharing.contacts import ContactStore
from defender_desk.sharing.sshsig import (
    SignatureError,
    format_openssh_public_key,
    sign,
    verify,
)
from defender_desk.vault import db, history

__all__ = [
    "FORMAT",
    "MAX_RECEIPT",
    "NAMESPACE",
    "Receipt",
    "ReceiptBody",
    "ReceiptDuplicate",
    "ReceiptHeadUnknown",
    "ReceiptRefused",
    "body_bytes",
    "import_receipt",
    "list_receipts",
    "make_receipt",
    "parse_body",
    "split_receipt",
    "ssh_fingerprint",
    "witnessed_heads",
]

Connection = Any
NAMESPACE: Final = "defender-desk-receipt-v1"
FORMAT: Final = "defender-desk-receipt"
VERSION: Final = 1
KIND: Final = "receipt"
MAX_RECEIPT: Final = 64 * 1024
_HEX32 = re.compile(r"[0-9a-f]{32}")
_HEX64 = re.compile(r"[0-9a-f]{64}")
_CODE = re.compile(r"[0-9]{5} [0-9]{5} [0-9]{5} [0-9]{5}")
_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z")
_BEGIN = b"-----BEGIN SSH SIGNATURE-----"


class ReceiptRefused(DefenderDeskError):
    message = N_("this receipt cannot be used: {reason}")


class ReceiptDuplicate(DefenderDeskError):
    message = N_("this receipt was already imported")


class ReceiptHeadUnknown(ReceiptRefused):
    message = N_(
        "this receipt cannot be used: its chain head (revision {seq}) is not in your history"
    )


@dataclass(frozen=True)
class ReceiptBody:
    """What a receipt says (see the module docstring)."""

    export_id: str
    signer_code: str
    head_seq: int
    head_hash: str
    manifest_sha256: str
    received_at: str
    witness_code: str

    def as_json(self) -> dict[str, Any]:
        return {
            "export_id": self.export_id,
            "format": FORMAT,
            "head": {"hash": self.head_hash, "seq": self.head_seq},
            "manifest_sha256": self.manifest_sha256,
            "received_at": self.received_at,
            "signer": {"verification_code": self.signer_code},
            "version": VERSION,
            "witness": {"verification_code": self.witness_code},
        }


def body_bytes(body: ReceiptBody) -> bytes:
    """The signed line: canonical JSON (ASCII, keys sorted, no whitespace) and a newline."""
    text = json.dumps(body.as_json(), sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return text.encode("ascii") + b"\n"


def _refuse(reason: str) -> ReceiptRefused:
    return ReceiptRefused(reason=reason)


def parse_body(raw: bytes) -> ReceiptBody:
    """A receipt line, strictly: exactly the canonical form :func:`body_bytes` writes."""
    malformed = N_("it is not a Defender Desk receipt, or it is damaged")
    try:
        data = json.loads(raw.decode("ascii"))
        head, signer, witness = data["head"], data["signer"], data["witness"]
        body = ReceiptBody(
            export_id=data["export_id"],
            signer_code=signer["verification_code"],
            head_seq=head["seq"],
            head_hash=head["hash"],
            manifest_sha256=data["manifest_sha256"],
            received_at=data["received_at"],
            witness_code=witness["verification_code"],
        )
        ok = (
            data.get("format") == FORMAT
            and isinstance(data.get("version"), int)
            and isinstance(body.head_seq, int)
            and not isinstance(body.head_seq, bool)
            and body.head_seq >= 1
            and all(isinstance(v, str) for v in (body.export_id, body.head_hash))
            and _HEX32.fullmatch(body.export_id) is not None
            and _HEX64.fullmatch(body.head_hash) is not None
            and isinstance(body.manifest_sha256, str)
            and _HEX64.fullmatch(body.manifest_sha256) is not None
            and isinstance(body.received_at, str)
            and _TIME.fullmatch(body.received_at) is not None
            and isinstance(body.signer_code, str)
            and _CODE.fullmatch(body.signer_code) is not None
            and isinstance(body.witness_code, str)
            and _CODE.fullmatch(body.witness_code) is not None
        )
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, RecursionError):
        raise _refuse(malformed) from None
    if not ok:
        raise _refuse(malformed)
    if data["version"] != VERSION:
        raise _refuse(N_("it was made by a newer version of Defender Desk"))
    if body_bytes(body) != raw:
        raise _refuse(malformed)
    return body


def split_receipt(data: bytes) -> tuple[bytes, bytes]:
    """A receipt file's two parts: the signed line (with its newline) and the signature."""
    if len(data) > MAX_RECEIPT:
        raise _refuse(N_("it is too large for a receipt"))
    end = data.find(b"\n")
    if end < 0 or not data[end + 1 :].startswith(_BEGIN):
        raise _refuse(N_("it is not a Defender Desk receipt, or it is damaged"))
    return data[: end + 1], data[end + 1 :]


def ssh_fingerprint(key: Ed25519PublicKey | str) -> str:
    """``SHA256:…`` as ``ssh-keygen -l`` and ``ssh-keygen -Y verify`` print it."""
    import base64

    from defender_desk.sharing.sshsig import parse_openssh_public_key

    text = key if isinstance(key, str) else format_openssh_public_key(key)
    public = parse_openssh_public_key(text)
    blob = base64.b64decode(format_openssh_public_key(public).split()[1])
    digest = base64.b64encode(hashlib.sha256(blob).digest()).decode("ascii").rstrip("=")
    return f"SHA256:{digest}"


# -- the lawyer's side: making one ---------------------------------------------------------------


def make_receipt(
    conn: Connection,
    *,
    export_id: str,
    signer_code: str,
    head_seq: int,
    head_hash: str,
    manifest_sha256: str,
    now: datetime,
) -> bytes:
    """The receipt file for an export just verified, signed with this vault's signing key."""
    if head_seq < 1:
        raise _refuse(N_("the export's history is empty: there is nothing to witness"))
    body = ReceiptBody(
        export_id=export_id,
        signer_code=signer_code,
        head_seq=head_seq,
        head_hash=head_hash,
        manifest_sha256=manifest_sha256,
        received_at=history.timestamp(now),
        witness_code=identity.my_card(conn).verification_code,
    )
    raw = body_bytes(body)
    parse_body(raw)  # the one format, both ways
    signature = sign(identity.signing_key(conn), raw, NAMESPACE).encode("ascii")
    return raw + signature


# -- her side: keeping them ----------------------------------------------------------------------


@dataclass(frozen=True)
class Receipt:
    """A receipt she imported."""

    id: str
    witness_key: str
    witness_name: str
    export_id: str
    head_seq: int
    head_hash: str
    received_at: str
    imported_at: str
    body: bytes
    signature: bytes

    @property
    def parsed(self) -> ReceiptBody:
        return parse_body(self.body)

    @property
    def witness_code(self) -> str:
        return self.parsed.witness_code

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "witness": {
                "name": self.witness_name,
                "signing_key": self.witness_key,
                "fingerprint": ssh_fingerprint(self.witness_key),
                "verification_code": self.witness_code,
            },
            "export_id": self.export_id,
            "head": {"seq": self.head_seq, "hash": self.head_hash},
            "received_at": self.received_at,
            "imported_at": self.imported_at,
        }


def receipt_id(body: bytes) -> str:
    return "rc-" + hashlib.sha256(body).hexdigest()[:16]


def verify_parts(body: bytes, signature: bytes) -> tuple[ReceiptBody, Ed25519PublicKey]:
    """Check the signature (namespace ``defender-desk-receipt-v1``) and the format."""
    try:
        key = verify(signature, body, namespace=NAMESPACE)
    except SignatureError as exc:
        raise _refuse(N_("its signature is not valid")) from exc
    return parse_body(body), key


def import_receipt(conn: Connection, data: bytes, clock: Callable[[], datetime]) -> Receipt:
    """Check a receipt and keep it (table ``receipts`` and a revision of kind ``receipt``).

    Refused unless: the signature is valid and by one of her contacts (whose verification code,
    when known, is the one the receipt names); the receipt names her (her current verification
    code, or an export she sent with that head); and its head is in her history chain.
    """
    body, signature = split_receipt(data)
    parsed, key = verify_parts(body, signature)
    contact = ContactStore(conn, clock).find_by_signing_key(key)
    if contact is None:
        raise _refuse(N_("it was signed by a key that is not one of your contacts"))
    code = contact.verification_code()
    if code is not None and code != parsed.witness_code:
        raise _refuse(N_("the witness's verification code is not your contact's"))
    mine = identity.my_card(conn).verification_code
    if parsed.signer_code != mine:
        sent = conn.execute(
            "SELECT 1 FROM export_log WHERE direction = 'sent' AND export_id = ?"
            " AND head_seq = ? AND head_hash = ?",
            (parsed.export_id, parsed.head_seq, parsed.head_hash),
        ).fetchone()
        if sent is None:
            raise _refuse(N_("it is a receipt for someone else's export"))
    row = conn.execute("SELECT hash FROM revisions WHERE seq = ?", (parsed.head_seq,)).fetchone()
    if row is None or bytes(row[0]).hex() != parsed.head_hash:
        raise ReceiptHeadUnknown(seq=parsed.head_seq)
    rid = receipt_id(body)
    if conn.execute("SELECT 1 FROM receipts WHERE id = ?", (rid,)).fetchone():
        raise ReceiptDuplicate()
    now = clock()
    receipt = Receipt(
        id=rid,
        witness_key=format_openssh_public_key(key),
        witness_name=contact.name,
        export_id=parsed.export_id,
        head_seq=parsed.head_seq,
        head_hash=parsed.head_hash,
        received_at=parsed.received_at,
        imported_at=history.timestamp(now),
        body=body,
        signature=signature,
    )
    record = {
        "id": rid,
        "witness_key": receipt.witness_key,
        "witness_name": receipt.witness_name,
        "contact_id": contact.id,
        "export_id": receipt.export_id,
        "head": {"seq": receipt.head_seq, "hash": receipt.head_hash},
        "received_at": receipt.received_at,
        "imported_at": receipt.imported_at,
        "body": body.decode("ascii"),
        "signature": signature.decode("ascii"),
    }
    content = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    with db.transaction(conn):
        conn.execute(
            "INSERT INTO receipts(id, witness_key, witness_name, export_id, head_seq, head_hash,"
            " received_at, imported_at, body, signature, data)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                rid,
                receipt.witness_key,
                receipt.witness_name,
                receipt.export_id,
                receipt.head_seq,
                receipt.head_hash,
                receipt.received_at,
                receipt.imported_at,
                body,
                signature,
                content,
            ),
        )
        history.append(conn, KIND, rid, "create", content.encode("utf-8"), now)
    return receipt


def list_receipts(conn: Connection) -> list[Receipt]:
    """Her receipts, newest head first (then newest receipt first)."""
    return [
        Receipt(
            id=r[0],
            witness_key=r[1],
            witness_name=r[2],
            export_id=r[3],
            head_seq=int(r[4]),
            head_hash=r[5],
            received_at=r[6],
            imported_at=r[7],
            body=bytes(r[8]),
            signature=bytes(r[9]),
        )
        for r in conn.execute(
            "SELECT id, witness_key, witness_name, export_id, head_seq, head_hash, received_at,"
            " imported_at, body, signature FROM receipts"
            " ORDER BY head_seq DESC, received_at DESC, id"
        )
    ]


def witnessed_heads(conn: Connection) -> list[tuple[int, str]]:
    """Every chain head a witness signed for, as ``(seq, lower-case hex hash)``, oldest first,
    without repeats: what a restored history must still contain."""
    return [
        (int(seq), str(digest))
        for seq, digest in conn.execute(
            "SELECT DISTINCT head_seq, head_hash FROM receipts ORDER BY head_seq, head_hash"
        )
    ]


def in_chain(conn: Connection, receipts: list[Receipt]) -> list[Receipt]:
    """The receipts whose head is still in her chain (a restore of an older backup may have
    removed some)."""
    out = []
    for r in receipts:
        row = conn.execute("SELECT hash FROM revisions WHERE seq = ?", (r.head_seq,)).fetchone()
        if row is not None and bytes(row[0]).hex() == r.head_hash:
            out.append(r)
    return out
