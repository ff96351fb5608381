"""Creating, opening and re-keying the vault's header and database together.

:class:`OpenVault` is an unlocked vault: the database connection, the master key and the two
key-encryption keys (the passphrase's, derived at unlock, and the recovery code's, kept inside
the database so the recovery slot can be re-wrapped without the code). It holds the single-
instance lock for its whole life. :func:`create`, :func:`open_vault` and :func:`recover` make
one; :meth:`OpenVault.close` checkpoints the WAL, closes the database and wipes the keys.

Order of writes, so a crash at any point leaves an openable vault:
- passphrase change / recovery: the new header is written atomically (generation + 1) *before*
  the database's mirror of the generation; a header one generation ahead is accepted and the
  mirror updated at the next unlock. A header *behind* the database is a rollback and refused.
"""

from __future__ import annotations

import contextlib
import secrets
import struct
from dataclasses import dataclass, field
from datetime import UTC, datetime

from defender_desk import safewrite
from defender_desk.errors import (
    N_,
    EmptyPassphrase,
    HeaderRolledBack,
    NotAVault,
    StorageError,
    VaultDamaged,
    VaultExists,
    WrongSecret,
)
from defender_desk.instance import InstanceLock
from defender_desk.paths import VaultPaths
from defender_desk.secret import Secret
from defender_desk.sharing import identity
from defender_desk.vault import db, evidence, kdf, keyslots, recovery
from defender_desk.vault.keyslots import Header, Role

META_VAULT_ID = "vault_id"
META_GENERATION = "header_generation"
META_RECOVERY_KEK = "recovery_kek"
META_CREATED = "created_at"
META_RECOVERY_RECIPIENT = "recovery_recipient"
#: a recovery KEK written before a header with a new salt/strength, with its generation
META_RECOVERY_KEK_PENDING = "recovery_kek_pending"


def _u64(n: int) -> bytes:
    return struct.pack(">Q", n)


@dataclass
class OpenVault:
    paths: VaultPaths
    conn: db.Connection
    header: Header
    master_key: Secret
    kek_passphrase: Secret
    kek_recovery: Secret
    lock: InstanceLock
    warnings: list[str] = field(default_factory=list)

    def close(self) -> None:
        """Checkpoint (TRUNCATE) the WAL, close the database, wipe keys, release the lock."""
        try:
            with contextlib.suppress(Exception):
                db.checkpoint(self.conn)
            self.conn.close()
        finally:
            for s in (self.master_key, self.kek_passphrase, self.kek_recovery):
                s.wipe()
            self.lock.release()

    def forget(self) -> None:
        """Close without checkpointing and wipe the keys (the vault is being erased)."""
        try:
            with contextlib.suppress(Exception):
                self.conn.close()
        finally:
            for s in (self.master_key, self.kek_passphrase, self.kek_recovery):
                s.wipe()
            self.lock.release()

    def write_header(self, *, kek_passphrase: Secret | None = None) -> None:
        """Rewrite ``vault.key`` (generation + 1, fresh nonces), then mirror the generation.

        On :class:`StorageError` the old header is intact and nothing else changed.
        """
        new_kek = kek_passphrase or self.kek_passphrase
        header = keyslots.build(
            kdf=self.header.kdf,
            salt=self.header.salt,
            vault_id=self.header.vault_id,
            generation=self.header.generation + 1,
            master_key=self.master_key,
            keks={Role.PASSPHRASE: new_kek, Role.RECOVERY: self.kek_recovery},
        )
        safewrite.write_bytes(self.paths.key_file, header.to_bytes())
        self.header = header
        if kek_passphrase is not None and kek_passphrase is not self.kek_passphrase:
            self.kek_passphrase.wipe()
            self.kek_passphrase = kek_passphrase
        with db.transaction(self.conn):
            db.set_meta(self.conn, META_GENERATION, _u64(header.generation))

    def strengthen(self, passphrase: Secret, code: Secret, params: kdf.KdfParams) -> None:
        """Re-derive both key-encryption keys with new Argon2id parameters and a new salt and
        rewrite the header. The new recovery KEK is recorded as *pending* (with the header's
        generation) before the header is written, so a crash between the two leaves a vault
        whose recovery code still works: the next unlock adopts the pending KEK."""
        salt = keyslots.new_salt()
        kek_pass = kdf.derive(passphrase, salt, params)
        kek_rec = kdf.derive(code, salt, params)
        generation = self.header.generation + 1
        with db.transaction(self.conn):
            db.set_meta(
                self.conn,
                META_RECOVERY_KEK_PENDING,
                _u64(generation) + bytes(kek_rec.buffer),
            )
        header = keyslots.build(
            kdf=params,
            salt=salt,
            vault_id=self.header.vault_id,
            generation=generation,
            master_key=self.master_key,
            keks={Role.PASSPHRASE: kek_pass, Role.RECOVERY: kek_rec},
        )
        safewrite.write_bytes(self.paths.key_file, header.to_bytes())
        self.header = header
        with db.transaction(self.conn):
            db.set_meta(self.conn, META_RECOVERY_KEK, bytes(kek_rec.buffer))
            db.set_meta(self.conn, META_GENERATION, _u64(generation))
            self.conn.execute("DELETE FROM meta WHERE key = ?", (META_RECOVERY_KEK_PENDING,))
        self.kek_passphrase.wipe()
        self.kek_recovery.wipe()
        self.kek_passphrase, self.kek_recovery = kek_pass, kek_rec

    def change_passphrase(self, new_passphrase: Secret) -> None:
        if not new_passphrase:
            raise EmptyPassphrase()
        self.write_header(
            kek_passphrase=kdf.derive(new_passphrase, self.header.salt, self.header.kdf)
        )


@dataclass
class Created:
    vault: OpenVault
    recovery_code: str


def _read_header(paths: VaultPaths) -> Header:
    try:
        raw = paths.key_file.read_bytes()
    except FileNotFoundError:
        if paths.db_file.exists():
            raise VaultDamaged(what=N_("the key file vault.key is missing")) from None
        raise NotAVault(path=str(paths.root)) from None
    except IsADirectoryError:
        raise VaultDamaged(what=N_("the key file is not a file")) from None
    except OSError as exc:
        raise safewrite.storage_error(paths.key_file, exc) from None
    return keyslots.parse(raw)


def create(paths: VaultPaths, passphrase: Secret, *, recovery_code: str | None = None) -> Created:
    """Make a new vault in ``paths.root`` (created 0700). Never overwrites: raises
    :class:`VaultExists` if a key file or database is there. On failure nothing is left.

    ``recovery_code`` keeps an existing code (restoring a backup); by default a new one is made.
    """
    if not passphrase:
        raise EmptyPassphrase()
    if recovery_code is not None:
        recovery_code = recovery.format_code(recovery.normalize(recovery_code))
    if paths.has_vault():
        raise VaultExists(path=str(paths.root))
    safewrite.ensure_private_dir(paths.root)
    lock = InstanceLock(paths.lock_file).acquire()
    conn = None
    keys: list[Secret] = []
    try:
        if paths.has_vault():  # re-check under the lock
            raise VaultExists(path=str(paths.root))
        params = kdf.creation_params()
        salt, vault_id = keyslots.new_salt(), keyslots.new_vault_id()
        master = Secret(secrets.token_bytes(kdf.KEY_LEN))
        code = recovery_code or recovery.generate()
        with recovery.to_secret(code) as code_secret:
            kek_rec = kdf.derive(code_secret, salt, params)
            backup_recipient = recovery.backup_recipient(code_secret)
        kek_pass = kdf.derive(passphrase, salt, params)
        keys = [master, kek_rec, kek_pass]
        header = keyslots.build(
            kdf=params,
            salt=salt,
            vault_id=vault_id,
            generation=1,
            master_key=master,
            keks={Role.PASSPHRASE: kek_pass, Role.RECOVERY: kek_rec},
        )
        conn = db.connect(paths.db_file, master, create=True)
        evidence.ensure_storage_identity(conn)
        identity.ensure_identity(conn)
        with db.transaction(conn):
            db.set_meta(conn, META_VAULT_ID, vault_id)
            db.set_meta(conn, META_GENERATION, _u64(1))
            db.set_meta(conn, META_RECOVERY_KEK, bytes(kek_rec.buffer))
            db.set_meta(conn, META_CREATED, datetime.now(UTC).isoformat().encode())
            db.set_meta(conn, META_RECOVERY_RECIPIENT, backup_recipient.encode("ascii"))
        safewrite.write_bytes(paths.key_file, header.to_bytes(), overwrite=False)
        vault = OpenVault(paths, conn, header, master, kek_pass, kek_rec, lock)
        return Created(vault=vault, recovery_code=code)
    except BaseException:
        if conn is not None:
            conn.close()
        for p in paths.database_files():
            with contextlib.suppress(FileNotFoundError):
                p.unlink()
        for k in keys:
            k.wipe()
        lock.release()
        raise


def _preflight(paths: VaultPaths) -> tuple[Header, InstanceLock]:
    """Cheap checks before the slow derivation; takes the instance lock."""
    if not paths.root.is_dir():
        raise NotAVault(path=str(paths.root))
    from defender_desk.vault import rekey

    if rekey.commit_marker(paths).exists() or rekey.next_key(paths).exists():
        # a rotation was interrupted: finish it (or roll it back) under the instance lock
        with InstanceLock(paths.lock_file):
            rekey.finish_interrupted(paths)
    header = _read_header(paths)
    if not paths.db_file.exists():
        raise VaultDamaged(what=N_("the database file is missing"))
    db.refuse_plain(paths.db_file)
    try:
        lock = InstanceLock(paths.lock_file).acquire()
    except StorageError:
        # A read-only folder cannot hold the lock file; opening read-only is not supported.
        raise
    return header, lock


def _finish_open(
    paths: VaultPaths, header: Header, opened: keyslots.Opened, lock: InstanceLock
) -> OpenVault:
    conn = db.connect(paths.db_file, opened.master_key)
    try:
        vault_id = db.get_meta(conn, META_VAULT_ID)
        if vault_id != header.vault_id:
            raise VaultDamaged(what=N_("the key file belongs to another vault"))
        raw_gen = db.get_meta(conn, META_GENERATION)
        kek_rec_raw = db.get_meta(conn, META_RECOVERY_KEK)
        if raw_gen is None or kek_rec_raw is None:
            raise VaultDamaged(what=N_("the database is incomplete"))
        db_gen = struct.unpack(">Q", raw_gen)[0]
        if header.generation < db_gen:
            raise HeaderRolledBack(found=header.generation, expected=db_gen)
        pending = db.get_meta(conn, META_RECOVERY_KEK_PENDING)
        if header.generation > db_gen:
            with db.transaction(conn):
                if pending is not None and pending[:8] == _u64(header.generation):
                    # a strengthening was interrupted after its header was written
                    kek_rec_raw = pending[8:]
                    db.set_meta(conn, META_RECOVERY_KEK, kek_rec_raw)
                db.set_meta(conn, META_GENERATION, _u64(header.generation))
        if pending is not None:
            with db.transaction(conn):
                conn.execute("DELETE FROM meta WHERE key = ?", (META_RECOVERY_KEK_PENDING,))
        evidence.ensure_storage_identity(conn)
        identity.ensure_identity(conn)
        evidence.EvidenceStore(conn, paths.objects, lambda: datetime.now(UTC)).remove_orphans()
        kek_rec = Secret(kek_rec_raw)
        kek_pass = opened.kek if opened.role is Role.PASSPHRASE else Secret(bytes(32))
        vault = OpenVault(paths, conn, header, opened.master_key, kek_pass, kek_rec, lock)
        if header.kdf.below_floor():
            vault.warnings.append("kdf_below_floor")
        return vault
    except BaseException:
        conn.close()
        raise


def open_vault(paths: VaultPaths, passphrase: Secret) -> OpenVault:
    """Unlock with the passphrase. Raises :class:`WrongSecret`, :class:`VaultDamaged` (and
    subclasses), :class:`VaultInUse`. Writes nothing on any failure."""
    if not passphrase:
        raise EmptyPassphrase()
    header, lock = _preflight(paths)
    try:
        opened = keyslots.open_with(header, passphrase)
        if opened.role is not Role.PASSPHRASE:
            opened.master_key.wipe()
            raise WrongSecret()
        return _finish_open(paths, header, opened, lock)
    except BaseException:
        lock.release()
        raise


def recover(paths: VaultPaths, untrusted_code: str, new_passphrase: Secret) -> OpenVault:
    """Open the recovery slot with the code, then set ``new_passphrase``.

    The code's check digit is verified first (instantly, :class:`RecoveryCodeInvalid`)."""
    code = recovery.to_secret(untrusted_code)
    if not new_passphrase:
        raise EmptyPassphrase()
    header, lock = _preflight(paths)
    try:
        with code:
            opened = keyslots.open_with(header, code)
        if opened.role is not Role.RECOVERY:
            opened.master_key.wipe()
            raise WrongSecret()
        vault = _finish_open(paths, header, opened, lock)
    except BaseException:
        lock.release()
        raise
    try:
        vault.change_passphrase(new_passphrase)
    except BaseException:
        vault.close()
        raise
    return vault
