"""Key rotation: a new master key, a new storage identity (every evidence file re-encrypted),
new sharing keys, a new header — after a suspected disclosure.

After rotation an old copy of ``vault.key`` plus the old passphrase opens nothing current: the
database is re-keyed (``sqlcipher_export`` into a new file) and the old evidence objects are
deleted once the new ones are in place. The recovery slot is re-wrapped with the recovery KEK
kept inside the database, so the recovery code keeps working — or a new code is issued.

Crash safety (kill -9 at any point leaves the old vault or the new one, never neither):

1. **prepare** — write ``vault.db.next`` (new key), new evidence objects (new random names),
   ``vault.key.next``. A crash here: the next unlock deletes the ``.next`` files, and the
   unreferenced new objects are removed as orphans. The old vault was never touched.
2. **commit** — ``rekey.commit`` is written atomically: from now on the new vault is the vault.
   Then ``vault.db.next`` → ``vault.db`` and ``vault.key.next`` → ``vault.key`` (renames), the
   marker is removed, and the old objects (now unreferenced) are deleted. A crash here: the next
   unlock finds the marker and finishes the renames first (:func:`finish_interrupted`).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyrage

from defender_desk import safewrite
from defender_desk.errors import N_, DefenderDeskError, WrongSecret
from defender_desk.paths import VaultPaths
from defender_desk.secret import Secret
from defender_desk.vault import db, evidence, kdf, keyslots, recovery
from defender_desk.vault.keyslots import Role

if TYPE_CHECKING:
    from defender_desk.vault.store import OpenVault

Progress = Callable[[int, int], None]
#: Functions that replace other key material inside the new database (the sharing identity
#: registers its own): each takes the new database connection.
ROTATORS: list[Callable[[Any], None]] = []


class RekeyFailed(DefenderDeskError):
    message = N_("the keys could not be rotated ({what}); your vault is unchanged")


def next_db(paths: VaultPaths) -> Path:
    return paths.root / "vault.db.next"


def next_key(paths: VaultPaths) -> Path:
    return paths.root / "vault.key.next"


def commit_marker(paths: VaultPaths) -> Path:
    return paths.root / "rekey.commit"


def finish_interrupted(paths: VaultPaths) -> str | None:
    """Complete or roll back a rotation a killed process left behind. Returns what was done."""
    marker = commit_marker(paths)
    if marker.exists():
        for src, dst in ((next_db(paths), paths.db_file), (next_key(paths), paths.key_file)):
            if src.exists():
                if dst == paths.db_file:
                    for side in (paths.wal_file, paths.shm_file):
                        with contextlib.suppress(FileNotFoundError):
                            side.unlink()
                os.replace(src, dst)
        safewrite.fsync_dir(paths.root)
        marker.unlink()
        safewrite.fsync_dir(paths.root)
        return "finished"
    leftovers = [p for p in (next_db(paths), next_key(paths)) if p.exists()]
    for p in [*leftovers, *(Path(str(next_db(paths)) + s) for s in ("-wal", "-shm"))]:
        with contextlib.suppress(FileNotFoundError):
            p.unlink()
    return "rolled back" if leftovers else None


@dataclass(frozen=True)
class RekeyResult:
    new_recovery_code: str | None
    evidence_files: int


def _reencrypt(src: Path, dst: Path, old_identity: Any, new_recipient: Any, size: int) -> None:
    """Decrypt ``src`` and encrypt to ``dst`` through an in-memory pipe (bounded memory,
    no plaintext on disk)."""
    read_fd, write_fd = os.pipe()
    errors: list[BaseException] = []

    def produce() -> None:
        try:
            with open(src, "rb") as f, os.fdopen(write_fd, "wb", buffering=0) as w:
                pyrage.decrypt_io(f, w, [old_identity])
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    t = threading.Thread(target=produce, daemon=True)
    t.start()
    try:
        with (
            os.fdopen(read_fd, "rb", buffering=0) as r,
            safewrite.atomic_stream(dst, overwrite=False) as out,
        ):
            pyrage.encrypt_io(r, out, [new_recipient])
            t.join()
            if errors:
                raise errors[0]
    finally:
        t.join()


def rekey(
    vault: OpenVault,
    passphrase: Secret,
    *,
    new_recovery_code: bool = False,
    progress: Progress | None = None,
) -> RekeyResult:
    """Rotate every key of the open ``vault`` (which stays open, on the new keys)."""
    paths = vault.paths
    header = vault.header
    # Confirm the passphrase (a rotation must not be done by someone who found it unlocked).
    kek = kdf.derive(passphrase, header.salt, header.kdf)
    opened = keyslots.open_with_kek(header, kek)
    if opened is None or opened.role is not Role.PASSPHRASE:
        kek.wipe()
        raise WrongSecret()
    opened.master_key.wipe()
    finish_interrupted(paths)

    conn = vault.conn
    new_master = Secret(secrets.token_bytes(kdf.KEY_LEN))
    code: str | None = None
    kek_rec = vault.kek_recovery
    if new_recovery_code:
        code = recovery.generate()
        with recovery.to_secret(code) as code_secret:
            kek_rec = kdf.derive(code_secret, header.salt, header.kdf)
            backup_recipient = recovery.backup_recipient(code_secret)
    new_objects: list[Path] = []
    try:
        # 1. prepare: the new database
        db.checkpoint(conn)
        hexkey = new_master.buffer.hex()
        target = next_db(paths)
        with contextlib.suppress(FileNotFoundError):
            target.unlink()
        conn.execute(f"ATTACH DATABASE ? AS rekey_new KEY \"x'{hexkey}'\"", (str(target),))
        try:
            conn.execute("SELECT sqlcipher_export('rekey_new')")
        finally:
            conn.execute("DETACH DATABASE rekey_new")
        new_conn = db.connect(target, new_master)
        try:
            old_identity = evidence.EvidenceStore(conn, paths.objects, _now)._identity()
            new_identity = pyrage.x25519.Identity.generate()
            rows = conn.execute("SELECT id, object_name, size FROM evidence ORDER BY id").fetchall()
            updates: list[tuple[str, str]] = []
            for n, (eid, object_name, size) in enumerate(rows, 1):
                name = f"{secrets.token_hex(1)}/{secrets.token_hex(16)}"
                dst = paths.objects / name
                safewrite.ensure_private_dir(dst.parent)
                new_objects.append(dst)
                _reencrypt(
                    paths.objects / object_name, dst, old_identity, new_identity.to_public(), size
                )
                updates.append((eid, name))
                if progress is not None:
                    progress(n, len(rows))
            with db.transaction(new_conn):
                db.set_meta(
                    new_conn, evidence.META_STORAGE_IDENTITY, str(new_identity).encode("ascii")
                )
                from defender_desk.domain.models import Evidence, canonical_json
                from defender_desk.vault import history

                for eid, name in updates:
                    (old_data,) = new_conn.execute(
                        "SELECT data FROM evidence WHERE id = ?", (eid,)
                    ).fetchone()
                    moved = Evidence.model_validate_json(old_data).model_copy(
                        update={"object_name": name}
                    )
                    data = canonical_json(Evidence.model_validate_json(moved.model_dump_json()))
                    new_conn.execute(
                        "UPDATE evidence SET object_name = ?, data = ? WHERE id = ?",
                        (name, data.decode("utf-8"), eid),
                    )
                    # the new location is a change of the record: it goes into the chain
                    history.append(new_conn, "evidence", eid, "edit", data, _now())
                from defender_desk.vault import store

                db.set_meta(
                    new_conn, store.META_GENERATION, struct.pack(">Q", header.generation + 1)
                )
                db.set_meta(new_conn, store.META_RECOVERY_KEK, bytes(kek_rec.buffer))
                if code is not None:
                    db.set_meta(
                        new_conn, store.META_RECOVERY_RECIPIENT, backup_recipient.encode("ascii")
                    )
                from defender_desk.sharing import identity

                for rotate in (identity.rotate_signing_key, *ROTATORS):
                    rotate(new_conn)
            db.checkpoint(new_conn)
        finally:
            new_conn.close()
        new_header = keyslots.build(
            kdf=header.kdf,
            salt=header.salt,
            vault_id=header.vault_id,
            generation=header.generation + 1,
            master_key=new_master,
            keks={Role.PASSPHRASE: kek, Role.RECOVERY: kek_rec},
        )
        safewrite.write_bytes(next_key(paths), new_header.to_bytes())
    except BaseException:
        for p in new_objects:
            with contextlib.suppress(FileNotFoundError):
                p.unlink()
        finish_interrupted(paths)
        new_master.wipe()
        raise

    # 2. commit
    old_objects = [paths.objects / r[1] for r in rows]
    conn.close()
    safewrite.write_bytes(commit_marker(paths), b"commit\n")
    finish_interrupted(paths)
    for p in old_objects:
        with contextlib.suppress(FileNotFoundError):
            p.unlink()
    # the vault stays open, on the new keys
    vault.conn = db.connect(paths.db_file, new_master)
    vault.master_key.wipe()
    vault.master_key = new_master
    vault.header = new_header
    if kek is not vault.kek_passphrase:
        vault.kek_passphrase.wipe()
        vault.kek_passphrase = kek
    if kek_rec is not vault.kek_recovery:
        vault.kek_recovery.wipe()
        vault.kek_recovery = kek_rec
    return RekeyResult(new_recovery_code=code, evidence_files=len(rows))


def _now() -> datetime:
    return datetime.now(UTC)
