"""The history chain: every create, edit and delete of a record appends a revision.

    c_i = SHA-256("defender-desk/revision/v1" ‖ 0x00 ‖ r_i ‖ content_i)
    h_i = SHA-256(h_{i-1} ‖ u64(seq_i) ‖ lp(record id) ‖ lp(operation) ‖ lp(recorded_at) ‖ c_i)

``r_i`` is 32 random bytes, ``content_i`` the record's canonical JSON, ``lp(x)`` a u32 length
then the UTF-8 bytes, ``h_0`` 32 zero bytes, ``recorded_at`` the UTC time of the change (apart
from when the event happened). Deleting a record *purges* the content and ``r_i`` of all its
revisions but keeps ``c_i``: the chain still verifies, and a purged entry can neither be read
nor confirmed by guessing its content (``r_i`` is gone).

What this proves, and no more: content given out with a chain head existed when the head was
given out, and nothing before that head was later changed without breaking the chain.
"""

from __future__ import annotations

import hashlib
import secrets
import struct
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from defender_desk.errors import N_

TAG = b"defender-desk/revision/v1\x00"
GENESIS = bytes(32)
Connection = Any


def commitment(nonce: bytes, content: bytes) -> bytes:
    return hashlib.sha256(TAG + nonce + content).digest()


def _lp(text: str) -> bytes:
    raw = text.encode("utf-8")
    return struct.pack(">I", len(raw)) + raw


def link(
    prev: bytes, seq: int, record_id: str, operation: str, recorded_at: str, c: bytes
) -> bytes:
    return hashlib.sha256(
        prev + struct.pack(">Q", seq) + _lp(record_id) + _lp(operation) + _lp(recorded_at) + c
    ).digest()


def timestamp(moment: datetime) -> str:
    """UTC, microseconds, ``Z`` suffix: one fixed text form, since it is hashed."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def append(
    conn: Connection, kind: str, record_id: str, operation: str, content: bytes, now: datetime
) -> int:
    """Append one revision (inside the caller's transaction). Returns its sequence number."""
    row = conn.execute("SELECT seq, hash FROM revisions ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev = (1, GENESIS) if row is None else (int(row[0]) + 1, bytes(row[1]))
    recorded_at = timestamp(now)
    nonce = secrets.token_bytes(32)
    c = commitment(nonce, content)
    h = link(prev, seq, record_id, operation, recorded_at, c)
    conn.execute(
        "INSERT INTO revisions(seq, record_kind, record_id, operation, recorded_at, nonce,"
        " content, commitment, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (seq, kind, record_id, operation, recorded_at, nonce, content, c, h),
    )
    return seq


def purge(conn: Connection, record_id: str) -> int:
    """Erase content and nonces of every revision of ``record_id``; keep the commitments."""
    cur = conn.execute(
        "UPDATE revisions SET nonce = NULL, content = NULL WHERE record_id = ?", (record_id,)
    )
    return int(cur.rowcount)


@dataclass(frozen=True)
class Problem:
    """An untranslated message template with its fields (the fronts translate)."""

    message: str
    fields: dict[str, Any]

    def english(self) -> str:
        return self.message.format(**self.fields)


def verify(conn: Connection) -> list[Problem]:
    """Recompute the chain; report the first broken link (and stop there)."""
    prev = GENESIS
    expected_seq = 1
    for seq, record_id, operation, recorded_at, nonce, content, c, h in conn.execute(
        "SELECT seq, record_id, operation, recorded_at, nonce, content, commitment, hash"
        " FROM revisions ORDER BY seq"
    ):
        if seq != expected_seq:
            return [Problem(N_("history: revision {seq} is missing"), {"seq": expected_seq})]
        if (nonce is None) != (content is None):
            return [Problem(N_("history: revision {seq} is half purged"), {"seq": seq})]
        if content is not None and commitment(bytes(nonce), bytes(content)) != bytes(c):
            return [
                Problem(
                    N_("history: revision {seq} ({id}) does not match its commitment"),
                    {"seq": seq, "id": record_id},
                )
            ]
        if link(prev, seq, record_id, operation, recorded_at, bytes(c)) != bytes(h):
            return [
                Problem(
                    N_("history: the chain is broken at revision {seq} ({id})"),
                    {"seq": seq, "id": record_id},
                )
            ]
        prev = bytes(h)
        expected_seq += 1
    return []


def head(conn: Connection) -> tuple[int, bytes]:
    row = conn.execute("SELECT seq, hash FROM revisions ORDER BY seq DESC LIMIT 1").fetchone()
    return (0, GENESIS) if row is None else (int(row[0]), bytes(row[1]))


def latest_content(conn: Connection, record_id: str) -> bytes | None:
    row = conn.execute(
        "SELECT content FROM revisions WHERE record_id = ? ORDER BY seq DESC LIMIT 1",
        (record_id,),
    ).fetchone()
    return None if row is None or row[0] is None else bytes(row[0])


def revisions_of(conn: Connection, record_id: str) -> list[dict[str, Any]]:
    return [
        {
            "seq": seq,
            "operation": op,
            "recorded_at": at,
            "content": None if content is None else bytes(content).decode("utf-8"),
            "commitment": bytes(c).hex(),
            "hash": bytes(h).hex(),
        }
        for seq, op, at, content, c, h in conn.execute(
            "SELECT seq, operation, recorded_at, content, commitment, hash FROM revisions"
            " WHERE record_id = ? ORDER BY seq",
            (record_id,),
        )
    ]


def skeleton(conn: Connection, upto: int | None = None) -> list[dict[str, Any]]:
    """Every revision's public part (no content): what exports carry."""
    rows = conn.execute(
        "SELECT seq, record_id, operation, recorded_at, commitment, hash FROM revisions"
        " WHERE ? IS NULL OR seq <= ? ORDER BY seq",
        (upto, upto),
    )
    return [
        {
            "seq": seq,
            "record_id": rid,
            "operation": op,
            "recorded_at": at,
            "commitment": bytes(c).hex(),
            "hash": bytes(h).hex(),
        }
        for seq, rid, op, at, c, h in rows
    ]
