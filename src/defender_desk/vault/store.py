"""Creating, opening and re-keying the vault's header and database together.

:class:`OpenVault` is an unlocked vault: the database connection, the master key and the
passphrase slot's key (derived at unlock). It holds the single-instance lock for its whole life.
:func:`create`, :func:`open_vault` and :func:`recover` make one; :meth:`OpenVault.close`
checkpoints the WAL, closes the database and wipes the keys.

**Nothing stored can stand in for the recovery code.** The recovery slot of ``vault.key`` wraps
the master key under a key derived from the code alone (with that slot's own salt and
parameters); neither the database nor the header keeps anything that opens it. A passphrase
change or a strengthening without the code rewrites only the passphrase slot and copies the
recovery slot byte for byte (:mod:`.keyslots`: the slots are independent). The recovery slot is
made anew only where the code is typed: creation, recovery, key rotation, strengthening with the
code. The database keeps the *public* recipient derived from the code (backups are encrypted to
it) — a public key, which opens nothing.

A vault made before this design (header format 1) kept the recovery key-encryption key in the
database (``meta recovery_kek``). It is opened as before; at the first unlock its header is
rewritten as format 2 and that key is deleted from the database. Copies of the database made
before then still hold it, and it still opens the recovery slot (same salt): only key rotation
(:mod:`.rekey`, new salts and a new master key) makes such copies useless.

Order of writes, so a crash at any point leaves an openable vault:
- passphrase change / recovery / migration / strengthening: the new header is written atomically
  (generation + 1) *before* the database's mirror of the generation; a header one generation
  ahead is accepted and the mirror updated at the next unlock. A header *behind* the database is
  a rollback and refused.

Every write goes through :mod:`defender_desk.safewrite` and the database's guarded commits: once
a wipe has begun (:mod:`defender_desk.wipeguard`), each is refused with
:class:`~defender_desk.errors.VaultWiped`. Opening a folder whose wipe is pending finishes that
wipe instead.
"""

from __future__ import annotations

import contextlib
import secrets
import struct
from dataclasses import dataclass, field
from datetime import UTC, datetime

from defender_desk import safewrite, wipeguard
from defender_desk.errors import (
    N_,
    EmptyPassphrase,
    FolderProblem,
    HeaderRolledBack,
    NotAVault,
    StorageError,
    VaultDamaged,
    VaultExists,
    VaultWiped,
)
from defender_desk.instance import InstanceLock
from defender_desk.paths import VaultPaths
from defender_desk.secret import Secret
from defender_desk.sharing import identity
from defender_desk.vault import db, evidence, kdf, keyslots, recovery
from defender_desk.vault.keyslots import Header, Role, SlotKey

META_VAULT_ID = "vault_id"
META_GENERATION = "header_generation"
#: format 1 only: the recovery key-encryption key (deleted when the header becomes format 2)
META_RECOVERY_KEK = "recovery_kek"
META_CREATED = "created_at"
META_RECOVERY_RECIPIENT = "recovery_recipient"
#: format 1 only (an interrupted strengthening); deleted like ``recovery_kek``
META_RECOVERY_KEK_PENDING = "recovery_kek_pending"
_LEGACY_META = (META_RECOVERY_KEK, META_RECOVERY_KEK_PENDING)

#: What may be in a folder before a vault is created or restored in it.
FOLDER_FILES = frozenset({"settings.json", "CACHEDIR.TAG", ".deja-dup-ignore", "vault.lock"})


def _u64(n: int) -> bytes:
    return struct.pack(">Q", n)


@dataclass
class OpenVault:
    paths: VaultPaths
    conn: db.Connection
    header: Header
    master_key: Secret
    #: the passphrase slot's key; None only between opening with the code and the new passphrase
    passphrase_key: SlotKey | None
    lock: InstanceLock
    warnings: list[str] = field(default_factory=list)
    #: format 1 only: the recovery slot's key (from the database, or derived from the code)
    legacy_recovery_key: SlotKey | None = None

    def _keys(self) -> list[Secret]:
        keys = [self.master_key]
        for k in (self.passphrase_key, self.legacy_recovery_key):
            if k is not None:
                keys.append(k.kek)
        return keys

    def close(self) -> None:
        """Checkpoint (TRUNCATE) the WAL, close the database, wipe keys, release the lock."""
        try:
            with contextlib.suppress(Exception):
                db.checkpoint(self.conn)
            self.conn.close()
        finally:
            for s in self._keys():
                s.wipe()
            self.lock.release()

    def forget(self) -> None:
        """Close without checkpointing and wipe the keys (the vault is being erased)."""
        try:
            with contextlib.suppress(Exception):
                self.conn.close()
        finally:
            for s in self._keys():
                s.wipe()
            self.lock.release()

    def write_header(
        self,
        *,
        passphrase_key: SlotKey | None = None,
        recovery_key: SlotKey | None = None,
    ) -> None:
        """Rewrite ``vault.key`` as format 2 (generation + 1): the passphrase slot sealed afresh
        (with ``passphrase_key`` or the current one), the recovery slot made from
        ``recovery_key`` when given, else copied byte for byte. Then mirror the generation (and
        drop a format-1 recovery key from the database).

        On :class:`StorageError` the old header is intact and nothing else changed.
        """
        new_pass = passphrase_key or self.passphrase_key
        if new_pass is None:
            raise ValueError("no passphrase slot key")
        new: dict[Role, SlotKey] = {Role.PASSPHRASE: new_pass}
        keep: dict[Role, tuple[int, keyslots.Slot]] = {}
        if recovery_key is not None:
            new[Role.RECOVERY] = recovery_key
        elif (kept := keyslots.kept_slot(self.header, Role.RECOVERY)) is not None:
            keep[Role.RECOVERY] = kept
        elif self.legacy_recovery_key is not None:
            new[Role.RECOVERY] = self.legacy_recovery_key
        else:  # pragma: no cover - every opened vault has one of the three
            raise VaultDamaged(what=N_("the recovery slot is missing"))
        header = keyslots.build(
            vault_id=self.header.vault_id,
            generation=self.header.generation + 1,
            master_key=self.master_key,
            new=new,
            keep=keep,
        )
        safewrite.write_bytes(self.paths.key_file, header.to_bytes())
        self.header = header
        if passphrase_key is not None and passphrase_key is not self.passphrase_key:
            if self.passphrase_key is not None:
                self.passphrase_key.kek.wipe()
            self.passphrase_key = passphrase_key
        if self.legacy_recovery_key is not None:
            if self.legacy_recovery_key is not recovery_key:
                self.legacy_recovery_key.kek.wipe()
            self.legacy_recovery_key = None
        with db.transaction(self.conn):
            db.set_meta(self.conn, META_GENERATION, _u64(header.generation))
            for key in _LEGACY_META:
                self.conn.execute("DELETE FROM meta WHERE key = ?", (key,))

    def strengthen(self, passphrase: Secret, code: Secret | None, params: kdf.KdfParams) -> None:
        """Re-derive the passphrase slot's key with ``params`` and a new salt (and the recovery
        slot's, when the code is given) and rewrite the header. Without the code the recovery
        slot is kept as it is. ``params`` is never lower than what a slot had."""
        pass_slot = self.header.slot_for(Role.PASSPHRASE)
        pass_params = kdf.at_least(pass_slot.kdf, params) if pass_slot is not None else params
        pass_key = keyslots.slot_key(passphrase, pass_params)
        rec_key = None
        if code is not None:
            rec_slot = self.header.slot_for(Role.RECOVERY)
            rec_params = kdf.at_least(rec_slot.kdf, params) if rec_slot is not None else params
            rec_key = keyslots.slot_key(code, rec_params)
        try:
            self.write_header(passphrase_key=pass_key, recovery_key=rec_key)
        finally:
            if rec_key is not None:
                rec_key.kek.wipe()

    def change_passphrase(self, new_passphrase: Secret) -> None:
        """A new passphrase slot (new salt, the slot's parameters); the recovery slot is
        copied unchanged."""
        if not new_passphrase:
            raise EmptyPassphrase()
        current = self.header.slot_for(Role.PASSPHRASE)
        params = current.kdf if current is not None else self.header.slots[0].kdf
        self.write_header(passphrase_key=keyslots.slot_key(new_passphrase, params))


@dataclass
class Created:
    vault: OpenVault
    recovery_code: str
    #: what was done to keep the vault folder out of backups (``N_`` sentences)
    backup_exclusion: tuple[str, ...] = ()


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


def finish_pending_wipe(paths: VaultPaths) -> bool:
    """Finish a wipe left pending in ``paths.root``; True if there was one."""
    if not wipeguard.wiped(paths.root):
        return False
    from defender_desk import wipe

    wipe.finish_pending_wipe(paths)
    return True


def _require_empty_folder(paths: VaultPaths) -> None:
    """A vault folder belongs to the vault alone (the panic wipe erases everything in it)."""
    if not paths.root.exists():
        return
    if not paths.root.is_dir():
        raise FolderProblem(path=str(paths.root), reason=N_("it is not a folder"))
    others = [p for p in paths.root.iterdir() if p.name not in FOLDER_FILES]
    if others:
        raise FolderProblem(
            path=str(paths.root),
            reason=N_("it holds other files; a vault needs a folder of its own"),
        )


def create(paths: VaultPaths, passphrase: Secret, *, recovery_code: str | None = None) -> Created:
    """Make a new vault in ``paths.root`` (created 0700, marked for backup tools to skip).
    Never overwrites: raises :class:`VaultExists` if a key file or database is there, and
    :class:`FolderProblem` if the folder holds anything else. On failure nothing is left.

    ``recovery_code`` keeps an existing code (restoring a backup); by default a new one is made.
    """
    if not passphrase:
        raise EmptyPassphrase()
    if recovery_code is not None:
        recovery_code = recovery.format_code(recovery.normalize(recovery_code))
    finish_pending_wipe(paths)
    if paths.has_vault():
        raise VaultExists(path=str(paths.root))
    _require_empty_folder(paths)
    safewrite.ensure_private_dir(paths.root)
    lock = InstanceLock(paths.lock_file).acquire()
    conn = None
    keys: list[Secret] = []
    try:
        if paths.has_vault():  # re-check under the lock
            raise VaultExists(path=str(paths.root))
        _require_empty_folder(paths)
        params = kdf.creation_params()
        vault_id = keyslots.new_vault_id()
        master = Secret(secrets.token_bytes(kdf.KEY_LEN))
        keys.append(master)
        code = recovery_code or recovery.generate()
        with recovery.to_secret(code) as code_secret:
            rec_key = keyslots.slot_key(code_secret, params)
            keys.append(rec_key.kek)
            backup_recipient = recovery.backup_recipient(code_secret)
        pass_key = keyslots.slot_key(passphrase, params)
        keys.append(pass_key.kek)
        header = keyslots.build(
            vault_id=vault_id,
            generation=1,
            master_key=master,
            new={Role.PASSPHRASE: pass_key, Role.RECOVERY: rec_key},
        )
        rec_key.kek.wipe()
        conn = db.connect(paths.db_file, master, create=True)
        db.new_session(conn)
        evidence.ensure_storage_identity(conn)
        identity.ensure_identity(conn)
        with db.transaction(conn):
            db.set_meta(conn, META_VAULT_ID, vault_id)
            db.set_meta(conn, META_GENERATION, _u64(1))
            db.set_meta(conn, META_CREATED, datetime.now(UTC).isoformat().encode())
            db.set_meta(conn, META_RECOVERY_RECIPIENT, backup_recipient.encode("ascii"))
        safewrite.write_bytes(paths.key_file, header.to_bytes(), overwrite=False)
        from defender_desk import wipe

        excluded = tuple(wipe.exclude_from_backups(paths.root))
        vault = OpenVault(paths, conn, header, master, pass_key, lock)
        return Created(vault=vault, recovery_code=code, backup_exclusion=excluded)
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
    if finish_pending_wipe(paths):
        raise VaultWiped()
    from defender_desk.vault import rekey

    if rekey.has_leftovers(paths):
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
    if wipeguard.wiped(paths.root):  # a wipe began while we were getting here
        lock.release()
        finish_pending_wipe(paths)
        raise VaultWiped()
    return header, lock


def _finish_open(
    paths: VaultPaths, header: Header, opened: keyslots.Opened, lock: InstanceLock
) -> OpenVault:
    # Nothing is written before the key file and the database are known to belong together.
    conn = db.connect(paths.db_file, opened.master_key, migrate=False)
    try:
        vault_id = db.get_meta(conn, META_VAULT_ID)
        if vault_id != header.vault_id:
            raise VaultDamaged(what=N_("the key file belongs to another vault"))
        raw_gen = db.get_meta(conn, META_GENERATION)
        if raw_gen is None:
            raise VaultDamaged(what=N_("the database is incomplete"))
        db_gen = struct.unpack(">Q", raw_gen)[0]
        if header.generation < db_gen:
            raise HeaderRolledBack(found=header.generation, expected=db_gen)
        legacy: SlotKey | None = None
        if header.version == 1:
            if opened.role is Role.RECOVERY:
                legacy = opened.key
            else:
                raw_kek = db.get_meta(conn, META_RECOVERY_KEK)
                if raw_kek is None:
                    raise VaultDamaged(what=N_("the database is incomplete"))
                first = header.slots[0]
                legacy = SlotKey(Secret(raw_kek), first.salt, first.kdf)
        db.migrate(conn)
        db.new_session(conn)
        if header.generation > db_gen:
            with db.transaction(conn):
                db.set_meta(conn, META_GENERATION, _u64(header.generation))
        if header.version >= 2 and any(db.get_meta(conn, k) is not None for k in _LEGACY_META):
            # a migration or strengthening was interrupted after its header was written
            with db.transaction(conn):
                for key in _LEGACY_META:
                    conn.execute("DELETE FROM meta WHERE key = ?", (key,))
        evidence.ensure_storage_identity(conn)
        identity.ensure_identity(conn)
        identity.purge_previous(conn, datetime.now(UTC))
        evidence.EvidenceStore(conn, paths.objects, lambda: datetime.now(UTC)).remove_orphans()
        pass_key = opened.key if opened.role is Role.PASSPHRASE else None
        vault = OpenVault(
            paths,
            conn,
            header,
            opened.master_key,
            pass_key,
            lock,
            legacy_recovery_key=legacy,
        )
        if header.version == 1 and pass_key is not None:
            vault.write_header()  # becomes format 2; the recovery key leaves the database
        if header.kdf.below_floor():
            vault.warnings.append("kdf_below_floor")
        return vault
    except BaseException:
        conn.close()
        raise


def open_vault(paths: VaultPaths, passphrase: Secret) -> OpenVault:
    """Unlock with the passphrase. Raises :class:`WrongSecret`, :class:`VaultDamaged` (and
    subclasses), :class:`VaultInUse`, :class:`VaultWiped`. Writes nothing on any failure."""
    if not passphrase:
        raise EmptyPassphrase()
    header, lock = _preflight(paths)
    try:
        opened = keyslots.open_with(header, passphrase, Role.PASSPHRASE)
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
            opened = keyslots.open_with(header, code, Role.RECOVERY)
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


def check_secret(header: Header, secret: Secret, role: Role) -> None:
    """Raise :class:`WrongSecret` unless ``secret`` opens ``role``'s slot (one derivation)."""
    opened = keyslots.open_with(header, secret, role)
    opened.master_key.wipe()
    opened.kek.wipe()


__all__ = [
    "META_CREATED",
    "META_GENERATION",
    "META_RECOVERY_RECIPIENT",
    "META_VAULT_ID",
    "Created",
    "OpenVault",
    "check_secret",
    "create",
    "open_vault",
    "recover",
]
