"""Key rotation after a suspected disclosure: every key of the vault is replaced.

After :func:`rekey`, **nothing that was ever inside the vault opens anything of the rotated
vault** — not an old ``vault.key``, not an old database (with every key that was in it), not an
old evidence object:

- a new master key (the database re-keyed with ``sqlcipher_export`` into a new file);
- a new header with **new salts** for both slots (so no key-encryption key derived before, and
  no format-1 recovery key taken from an old database, opens a slot of the new header);
- the passphrase slot re-made with the passphrase (confirmed first);
- the recovery slot re-made with a **new recovery code** by default (shown once), or with the
  current code when she types it (``--keep-recovery-code``; it is checked against the current
  recovery slot first) — the app keeps nothing that could re-make it without the code;
- a new storage identity, every evidence file re-encrypted to it;
- a new signing key and a new receiving identity (her card changes: she gives it to each contact
  again). The old receiving identity stays readable to her until a date she chooses, then it is
  purged (:mod:`defender_desk.sharing.identity`).

Crash safety (kill -9 at any point leaves the old vault or the new one, never neither):

1. **prepare** — write ``vault.db.next`` (new key), new evidence objects (new random names),
   ``vault.key.next``. A crash here: the next unlock deletes the ``.next`` files (the key file
   overwritten in place), and the unreferenced new objects are removed as orphans. The old vault
   was never touched.
2. **commit** — ``rekey.commit`` is written atomically: from now on the new vault is the vault.
   Then ``vault.db.next`` → ``vault.db`` and ``vault.key.next`` → ``vault.key`` (renames), the
   marker is removed, and the old objects (now unreferenced) are deleted. A crash here: the next
   unlock finds the marker and finishes the renames first (:func:`finish_interrupted`).

**The marker is bound to the vault it was made for**: it holds the vault id, the generation the
rotation started from and the one it makes, the SHA-256 of ``vault.key.next`` and the random
16-byte salt that begins ``vault.db.next``. :func:`finish_interrupted` applies it only when the
current ``vault.key`` is that vault at that generation and the staged files are those; anything
else in the folder under those names is erased, never applied — so a marker left behind can
never replace another vault made later in the same folder.

Every step checks the wipe guard: once a wipe has begun the rotation stops with
:class:`~defender_desk.errors.VaultWiped` and commits nothing.

A missing or unreadable evidence file stops the rotation before anything is written, naming the
file; the vault is unchanged.
"""

from __future__ import annotations

import contextlib
import hashlib
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

from defender_desk import safewrite, wipeguard
from defender_desk.devswitches import pause
from defender_desk.errors import N_, DefenderDeskError, InvalidInput, VaultDamaged, VaultWiped
from defender_desk.paths import VaultPaths
from defender_desk.secret import Secret
from defender_desk.vault import db, evidence, kdf, keyslots, recovery
from defender_desk.vault.keyslots import Role

if TYPE_CHECKING:
    from defender_desk.vault.store import OpenVault

Progress = Callable[[int, int], None]
#: Functions that replace other key material inside the new database: each takes the new
#: database connection (inside the rotation's transaction).
ROTATORS: list[Callable[[Any], None]] = []
_MARKER_MAGIC = b"DDREKEY2"
_MARKER = struct.Struct(f">8s{keyslots.VAULT_ID_LEN}sQQ32s16s")
_DB_SALT_LEN = 16


class RekeyFailed(DefenderDeskError):
    message = N_("the keys could not be rotated ({what}); your vault is unchanged")


class RekeyEvidenceMissing(DefenderDeskError):
    """An evidence object is missing or unreadable: nothing was rotated."""

    message = N_(
        "the keys were not rotated: the evidence file {id} (stored as {name}) {reason};"
        " your vault is unchanged"
    )
    hint = N_("run 'check' to see every damaged file")
    exit_code = 5


def next_db(paths: VaultPaths) -> Path:
    return paths.root / "vault.db.next"


def next_key(paths: VaultPaths) -> Path:
    return paths.root / "vault.key.next"


def commit_marker(paths: VaultPaths) -> Path:
    return paths.root / "rekey.commit"


def staged(paths: VaultPaths) -> list[Path]:
    """Every file a rotation may leave in the folder."""
    db_next = next_db(paths)
    return [
        commit_marker(paths),
        next_key(paths),
        db_next,
        *(Path(str(db_next) + s) for s in ("-wal", "-shm", "-journal")),
    ]


def has_leftovers(paths: VaultPaths) -> bool:
    return any(os.path.lexists(p) for p in staged(paths))


# -- the commit marker --------------------------------------------------------------------------


@dataclass(frozen=True)
class Marker:
    vault_id: bytes
    from_generation: int
    to_generation: int
    key_sha256: bytes
    db_salt: bytes

    def to_bytes(self) -> bytes:
        body = _MARKER.pack(
            _MARKER_MAGIC,
            self.vault_id,
            self.from_generation,
            self.to_generation,
            self.key_sha256,
            self.db_salt,
        )
        return body + hashlib.sha256(body).digest()

    @classmethod
    def parse(cls, raw: bytes) -> Marker | None:
        if len(raw) != _MARKER.size + 32 or hashlib.sha256(raw[:-32]).digest() != raw[-32:]:
            return None
        magic, vault_id, from_gen, to_gen, key_sha, db_salt = _MARKER.unpack_from(raw)
        if magic != _MARKER_MAGIC:
            return None
        return cls(vault_id, from_gen, to_gen, key_sha, db_salt)


def _read(path: Path, limit: int = 1 << 16) -> bytes | None:
    try:
        with open(path, "rb") as f:
            return f.read(limit)
    except (FileNotFoundError, IsADirectoryError):
        return None


def _applicable(paths: VaultPaths, marker: Marker | None) -> bool:
    """Whether the staged files are the rotation ``marker`` describes, of the vault in the
    folder, at the generation it started from."""
    if marker is None:
        return False
    current = _read(paths.key_file)
    if current is None:
        return False
    try:
        header = keyslots.parse(current)
    except DefenderDeskError:
        return False
    if header.vault_id != marker.vault_id:
        return False
    staged_key = _read(next_key(paths))
    if staged_key is None:
        # both renames done; only the marker was left
        return hashlib.sha256(current).digest() == marker.key_sha256
    if header.generation != marker.from_generation:
        return False
    if hashlib.sha256(staged_key).digest() != marker.key_sha256:
        return False
    db_next = _read(next_db(paths), _DB_SALT_LEN)
    return db_next is None or db_next == marker.db_salt


def _erase_staged(paths: VaultPaths) -> bool:
    """Remove every staged file; the staged key file is overwritten in place first."""
    found = False
    if os.path.lexists(next_key(paths)):
        found = True
        try:
            safewrite.overwrite_in_place(next_key(paths))
        except OSError:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(next_key(paths))
    for p in staged(paths):
        if os.path.lexists(p):
            found = True
            with contextlib.suppress(FileNotFoundError):
                os.unlink(p)
    with contextlib.suppress(OSError):
        safewrite.fsync_dir(paths.root)
    return found


def finish_interrupted(paths: VaultPaths) -> str | None:
    """Complete or roll back a rotation a killed process left behind. Returns what was done:
    ``"finished"``, ``"rolled back"`` or None. The caller holds the instance lock. Once a wipe
    has begun it applies nothing (:class:`~defender_desk.errors.VaultWiped`)."""
    if wipeguard.wiped(paths.root):
        raise VaultWiped()
    marker_path = commit_marker(paths)
    if os.path.lexists(marker_path):
        raw = _read(marker_path)
        marker = Marker.parse(raw) if raw is not None else None
        if not _applicable(paths, marker):
            _erase_staged(paths)
            return "rolled back"
        db_next, key_next = next_db(paths), next_key(paths)
        if db_next.exists():
            for side in (paths.wal_file, paths.shm_file):
                with contextlib.suppress(FileNotFoundError):
                    side.unlink()
            safewrite.replace(db_next, paths.db_file)
        if key_next.exists():
            safewrite.replace(key_next, paths.key_file)
        os.unlink(marker_path)
        safewrite.fsync_dir(paths.root)
        return "finished"
    return "rolled back" if _erase_staged(paths) else None


# -- the rotation -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RekeyResult:
    #: the new recovery code (shown once), or None when she kept hers
    new_recovery_code: str | None
    evidence_files: int
    #: her new card
    verification_code: str = ""
    age_recipient: str = ""
    #: until when exports sent to her old card stay readable (None: not kept)
    previous_card_until: datetime | None = None


def _reencrypt(src: Path, dst: Path, old_identity: Any, new_recipient: Any) -> None:
    """Decrypt ``src`` and encrypt to ``dst`` through an in-memory pipe (bounded memory,
    no plaintext on disk). The pipe's writing end is always closed, so a source that cannot be
    read ends the reader instead of leaving it waiting."""
    read_fd, write_fd = os.pipe()
    errors: list[BaseException] = []

    def produce() -> None:
        try:
            with os.fdopen(write_fd, "wb", buffering=0) as w, open(src, "rb") as f:
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


def _check_objects(paths: VaultPaths, rows: list[tuple[str, str, int]]) -> None:
    """Every evidence object is there and readable, before anything is written."""
    for eid, object_name, _size in rows:
        path = paths.objects / object_name
        try:
            with open(path, "rb") as f:
                f.read(1)
        except FileNotFoundError:
            raise RekeyEvidenceMissing(id=eid, name=object_name, reason=N_("is missing")) from None
        except OSError:
            raise RekeyEvidenceMissing(
                id=eid, name=object_name, reason=N_("cannot be read")
            ) from None


def rekey(
    vault: OpenVault,
    passphrase: Secret,
    *,
    recovery_code: str | None = None,
    keep_old_card_until: datetime | None = None,
    progress: Progress | None = None,
    now: Callable[[], datetime] | None = None,
) -> RekeyResult:
    """Rotate every key of the open ``vault`` (which stays open, on the new keys).

    ``recovery_code`` keeps her current recovery code (it must open the current recovery slot);
    without it a new code is made and returned. ``keep_old_card_until``: until when exports sent
    to her old card stay readable. Raises :class:`~defender_desk.errors.WrongSecret`,
    :class:`~defender_desk.errors.RecoveryCodeInvalid`, :class:`RekeyEvidenceMissing`,
    :class:`~defender_desk.errors.VaultWiped`, … — and then the vault is unchanged."""
    clock = now or (lambda: datetime.now(UTC))
    paths = vault.paths
    header = vault.header
    code_secret = recovery.to_secret(recovery_code) if recovery_code is not None else None
    keys: list[Secret] = []
    try:
        # Confirm the passphrase (a rotation must not be done by someone who found it unlocked)
        # and the kept recovery code.
        from defender_desk.vault import store

        store.check_secret(header, passphrase, Role.PASSPHRASE)
        new_code: str | None = None
        if code_secret is not None:
            store.check_secret(header, code_secret, Role.RECOVERY)
        else:
            new_code = recovery.generate()
            code_secret = recovery.to_secret(new_code)
        pass_slot = header.slot_for(Role.PASSPHRASE)
        pass_params = pass_slot.kdf if pass_slot is not None else header.slots[0].kdf
        rec_slot = header.slot_for(Role.RECOVERY)
        rec_params = kdf.at_least(pass_params, rec_slot.kdf) if rec_slot else pass_params
        pass_key = keyslots.slot_key(passphrase, pass_params)
        keys.append(pass_key.kek)
        rec_key = keyslots.slot_key(code_secret, rec_params)
        keys.append(rec_key.kek)
        backup_recipient = recovery.backup_recipient(code_secret)
    except BaseException:
        for k in keys:
            k.wipe()
        raise
    finally:
        if code_secret is not None:
            code_secret.wipe()

    wipeguard.check(paths.key_file)
    finish_interrupted(paths)
    conn = vault.conn
    rows = [
        (str(r[0]), str(r[1]), int(r[2]))
        for r in conn.execute("SELECT id, object_name, size FROM evidence ORDER BY id")
    ]
    _check_objects(paths, rows)
    new_master = Secret(secrets.token_bytes(kdf.KEY_LEN))
    new_objects: list[Path] = []
    try:
        # 1. prepare: the new database
        pause("rekey.prepare")
        db.checkpoint(conn)
        target = next_db(paths)
        with contextlib.suppress(FileNotFoundError):
            target.unlink()
        hexkey = new_master.buffer.hex()
        with db.writable(conn):
            conn.execute(f"ATTACH DATABASE ? AS rekey_new KEY \"x'{hexkey}'\"", (str(target),))
            try:
                conn.execute("SELECT sqlcipher_export('rekey_new')")
            finally:
                conn.execute("DETACH DATABASE rekey_new")
        del hexkey
        new_conn = db.connect(target, new_master)
        try:
            old_identity = evidence.EvidenceStore(conn, paths.objects, clock)._identity()
            new_identity = pyrage.x25519.Identity.generate()
            updates: list[tuple[str, str]] = []
            for n, (eid, object_name, _size) in enumerate(rows, 1):
                wipeguard.check(paths.key_file)
                pause("rekey.reencrypt")
                name = f"{secrets.token_hex(1)}/{secrets.token_hex(16)}"
                dst = paths.objects / name
                safewrite.ensure_private_dir(dst.parent)
                new_objects.append(dst)
                try:
                    _reencrypt(
                        paths.objects / object_name, dst, old_identity, new_identity.to_public()
                    )
                except (pyrage.DecryptError, pyrage.EncryptError, OSError, ValueError):
                    raise RekeyEvidenceMissing(
                        id=eid, name=object_name, reason=N_("cannot be decrypted")
                    ) from None
                updates.append((eid, name))
                if progress is not None:
                    progress(n, len(rows))
            moment = clock()
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
                    history.append(new_conn, "evidence", eid, "edit", data, moment)
                db.set_meta(
                    new_conn, store.META_GENERATION, struct.pack(">Q", header.generation + 1)
                )
                db.set_meta(
                    new_conn, store.META_RECOVERY_RECIPIENT, backup_recipient.encode("ascii")
                )
                for legacy in (store.META_RECOVERY_KEK, store.META_RECOVERY_KEK_PENDING):
                    new_conn.execute("DELETE FROM meta WHERE key = ?", (legacy,))
                from defender_desk.sharing import identity

                identity.rotate_identities(new_conn, moment, keep_old_until=keep_old_card_until)
                for rotate in ROTATORS:
                    rotate(new_conn)
            db.checkpoint(new_conn)
        finally:
            new_conn.close()
        new_header = keyslots.build(
            vault_id=header.vault_id,
            generation=header.generation + 1,
            master_key=new_master,
            new={Role.PASSPHRASE: pass_key, Role.RECOVERY: rec_key},
        )
        key_bytes = new_header.to_bytes()
        safewrite.write_bytes(next_key(paths), key_bytes)
        db_salt = _read(target, _DB_SALT_LEN)
        if db_salt is None or len(db_salt) != _DB_SALT_LEN:
            raise VaultDamaged(what=N_("the new database could not be written"))
        marker = Marker(
            header.vault_id,
            header.generation,
            header.generation + 1,
            hashlib.sha256(key_bytes).digest(),
            db_salt,
        )
        # 2. commit
        pause("rekey.commit")
        conn.close()
        safewrite.write_bytes(commit_marker(paths), marker.to_bytes())
    except BaseException:
        for p in new_objects:
            with contextlib.suppress(FileNotFoundError):
                p.unlink()
        if not os.path.lexists(commit_marker(paths)):
            with contextlib.suppress(Exception):
                _erase_staged(paths)
        with contextlib.suppress(Exception):
            if not _conn_alive(conn):
                vault.conn = db.connect(paths.db_file, vault.master_key)
        new_master.wipe()
        rec_key.kek.wipe()
        pass_key.kek.wipe()
        raise

    pause("rekey.renames")
    finish_interrupted(paths)
    old_objects = [paths.objects / r[1] for r in rows]
    for p in old_objects:
        with contextlib.suppress(FileNotFoundError):
            p.unlink()
    rec_key.kek.wipe()
    # the vault stays open, on the new keys
    vault.conn = db.connect(paths.db_file, new_master)
    vault.master_key.wipe()
    vault.master_key = new_master
    vault.header = new_header
    if vault.passphrase_key is not None:
        vault.passphrase_key.kek.wipe()
    vault.passphrase_key = pass_key
    if vault.legacy_recovery_key is not None:
        vault.legacy_recovery_key.kek.wipe()
        vault.legacy_recovery_key = None
    from defender_desk import wipe
    from defender_desk.sharing import identity

    wipe.exclude_from_backups(paths.root)
    card = identity.my_card(vault.conn)
    kept = [c.until for c in identity.previous_cards(vault.conn)]
    return RekeyResult(
        new_recovery_code=new_code,
        evidence_files=len(rows),
        verification_code=card.verification_code,
        age_recipient=card.age_recipient,
        previous_card_until=max(kept) if kept else None,
    )


def _conn_alive(conn: Any) -> bool:
    try:
        conn.execute("SELECT 1").fetchone()
    except Exception:  # noqa: BLE001 - a closed connection raises ProgrammingError
        return False
    return True


def keep_recovery_code_required() -> InvalidInput:
    """What :meth:`Desk.rekey` raises when asked to keep the code without being given it."""
    return InvalidInput(
        field="recovery_code", reason=N_("to keep the recovery code, type it to confirm it")
    )
