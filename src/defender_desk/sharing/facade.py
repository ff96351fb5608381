"""The sharing part of the facade: a mixin for :class:`defender_desk.app.Desk`.

``class Desk(SharingFacade, …)`` gets her card, contacts, exports, opening received exports,
backup and restore. The methods use what ``Desk`` provides: ``self._open()`` (the open vault),
``self.records``, ``self.evidence``, ``self.paths`` and ``self.clock``. Like the rest of the
facade they take and return plain values and models, never translated text.

Obligations go into an export when the facade also has ``export_obligations(lang=…)``
(the obligations part of the facade), returning ``(data, obligations, attendance,
supervision)``: a list of JSON dictionaries for ``data.json`` and the report's three sections as
``reports.chronology`` dataclasses.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from defender_desk import safewrite
from defender_desk.errors import N_, DefenderDeskError, InvalidInput
from defender_desk.secret import Secret
from defender_desk.sharing import backup as backup_mod
from defender_desk.sharing import court, identity
from defender_desk.sharing import export as export_mod
from defender_desk.sharing import open_export as open_mod
from defender_desk.sharing import receipts as receipts_mod
from defender_desk.sharing.contacts import Contact, ContactStore

if TYPE_CHECKING:
    from defender_desk.paths import VaultPaths
    from defender_desk.vault import store
    from defender_desk.vault.evidence import EvidenceStore
    from defender_desk.vault.records import RecordStore

__all__ = ["SELF", "SharingFacade"]

Progress = Callable[[int, int], None]
SELF = ("me", "self")  # recipient ids that mean her own receiving key


class SharingFacade:
    """Mixin: her identity, contacts, exports, opening exports, backup and restore."""

    if TYPE_CHECKING:
        paths: VaultPaths
        clock: Callable[[], datetime]

        def _open(self) -> store.OpenVault: ...

        @property
        def records(self) -> RecordStore: ...

        @property
        def evidence(self) -> EvidenceStore: ...

    def _sharing_conn(self) -> Any:
        conn = self._open().conn
        identity.ensure_identity(conn)  # a vault made before sharing gets its keys here
        return conn

    @property
    def contacts(self) -> ContactStore:
        return ContactStore(self._sharing_conn(), self.clock)

    # -- her identity -------------------------------------------------------------------------
    def me(self) -> identity.MyCard:
        """Her public card (age recipient + signing key), its verification code and QR code."""
        return identity.my_card(self._sharing_conn())

    def previous_cards(self) -> list[identity.PreviousCard]:
        """Her old cards (after a key rotation) whose exports she can still open, and until
        when."""
        return identity.previous_cards(self._sharing_conn())

    def keep_previous_cards_until(self, until: datetime | None) -> int:
        """Move the end of the transition period of her old cards to ``until`` (None: end it
        now and purge the old receiving identities). Returns how many old cards remain."""
        return identity.forget_previous(self._sharing_conn(), until)

    def _guard_cancel(self, cancel: Callable[[], bool] | None) -> Callable[[], bool]:
        """A cancel that also stops the work once a wipe of this vault has begun."""
        from defender_desk import wipeguard

        root = self.paths.root

        def stop() -> bool:
            return wipeguard.wiped(root) or (cancel is not None and cancel())

        return stop

    def _wiped_instead(self, exc: BaseException) -> None:
        from defender_desk import wipeguard
        from defender_desk.errors import Cancelled, VaultWiped

        if isinstance(exc, Cancelled) and wipeguard.wiped(self.paths.root):
            raise VaultWiped() from None

    # -- contacts -----------------------------------------------------------------------------
    def add_contact(
        self,
        *,
        name: str,
        role: str,
        age_recipient: str,
        signing_key: str | None = None,
        notes: str = "",
    ) -> Contact:
        return self.contacts.add(
            name=name, role=role, age_recipient=age_recipient, signing_key=signing_key, notes=notes
        )

    def edit_contact(self, contact_id: str, changes: dict[str, Any]) -> Contact:
        return self.contacts.edit(contact_id, changes)

    def list_contacts(self) -> list[Contact]:
        return self.contacts.list()

    def get_contact(self, contact_id: str) -> Contact:
        return self.contacts.get(contact_id)

    def verify_contact(self, contact_id: str, on: date | None = None) -> Contact:
        """Record that the contact's verification code was compared in person (today)."""
        return self.contacts.verify(contact_id, on or self.clock().astimezone().date())

    def delete_contact(self, contact_id: str) -> None:
        self.contacts.delete(contact_id)

    # -- export -------------------------------------------------------------------------------
    def _recipients(self, ids: Sequence[str]) -> list[export_mod.Recipient]:
        out: list[export_mod.Recipient] = []
        seen: set[str] = set()
        store = self.contacts
        for rid in ids:
            if rid in SELF:
                card = self.me()
                recipient = export_mod.Recipient(card.age_recipient, card.verification_code)
            else:
                contact = store.get(rid)
                recipient = export_mod.Recipient(
                    contact.age_recipient, contact.verification_code(), contact
                )
            if recipient.age_recipient not in seen:
                seen.add(recipient.age_recipient)
                out.append(recipient)
        return out

    def _obligations_part(self, language: str) -> export_mod.ObligationsPart | None:
        provider = getattr(self, "export_obligations", None)
        if provider is None:
            return None
        data, obligations, attendance, supervision = provider(lang=language)
        return export_mod.ObligationsPart(
            data=list(data),
            obligations=tuple(obligations),
            attendance=tuple(attendance),
            supervision=tuple(supervision),
        )

    def export(
        self,
        recipients: Sequence[str],
        selection: export_mod.ExportSelection | None = None,
        *,
        output: Path | None = None,
        owner_name: str = "",
        progress: Progress | None = None,
        cancel: Callable[[], bool] | None = None,
    ) -> export_mod.ExportResult:
        """Write a signed export for ``recipients`` (contact ids; ``"me"`` adds her own key).

        ``output``: a file (never overwritten) or a folder (a neutral name is made in it);
        default: the current folder. Only a complete file is left; see :mod:`.export`.
        """
        selection = selection or export_mod.ExportSelection()
        if selection.report_language not in ("en", "ru", "kk"):
            raise InvalidInput(field="report_language", reason=N_("unsupported report language"))
        conn = self._sharing_conn()
        chosen = self._recipients(recipients)
        obligations = (
            self._obligations_part(selection.report_language)
            if selection.include_obligations
            else None
        )
        try:
            return export_mod.export(
                conn,
                records=self.records,
                evidence=self.evidence,
                clock=self.clock,
                recipients=chosen,
                selection=selection,
                output=output,
                owner_name=owner_name,
                obligations=obligations,
                progress=progress,
                cancel=self._guard_cancel(cancel),
            )
        except BaseException as exc:
            self._wiped_instead(exc)
            raise

    # -- received exports ---------------------------------------------------------------------
    def open_export(
        self,
        path: Path,
        *,
        identity_file: Path | None = None,
        ask_passphrase: Callable[[], Secret] | None = None,
        remember: bool = True,
        accept_rewrite: bool = False,
    ) -> open_mod.OpenedExport:
        """Decrypt (into memory) and verify a received export. ``identity_file`` adds an age
        identity file, possibly passphrase-protected (``ask_passphrase`` is then called once).
        ``accept_rewrite``: an export whose history contradicts what he received before (and is
        otherwise intact, by a known signer) becomes the new line — only after speaking to her;
        the decision is recorded in his own history. Call ``close()`` on the result."""
        extra: list[Any] = []
        if identity_file is not None:

            def no_passphrase() -> Secret:
                raise open_mod.IdentityFileRefused(
                    reason=N_("it is protected with a passphrase, and none was given")
                )

            extra = open_mod.load_identity_file(identity_file, ask_passphrase or no_passphrase)
        conn = self._sharing_conn()
        # exports sent to an old card, within the transition period after a key rotation
        extra += identity.previous_receiving_identities(conn, self.clock())
        return open_mod.open_export(
            conn,
            Path(path),
            extra_identities=extra,
            clock=self.clock,
            remember=remember,
            accept_rewrite=accept_rewrite,
        )

    def save_for_court(self, opened: open_mod.OpenedExport, folder: Path) -> list[Path]:
        """Write every verified file, the signed manifest, a README.txt for the court's expert
        and an allowed_signers file to ``folder`` (complete and self-checking). They are then
        readable by anyone with access to that disk: ask first."""
        today = self.clock().astimezone().date().isoformat()
        return court.save_for_court(opened, Path(folder), saved_on=today)

    # -- receipts: the lawyer as a witness ----------------------------------------------------
    def receipt_for(self, opened: open_mod.OpenedExport) -> bytes:
        """A signed receipt for an export that verified completely: export id, her verification
        code, her chain head, the manifest's SHA-256, the time received (now) and his own
        verification code, signed with his key (see :mod:`.receipts`). No record content."""
        if not opened.ok:
            raise receipts_mod.ReceiptRefused(reason=N_("the export did not verify completely"))
        code = opened.signer.verification_code
        if code is None:  # pragma: no cover - a known signer always has a code
            raise receipts_mod.ReceiptRefused(reason=N_("the signer has no verification code"))
        return receipts_mod.make_receipt(
            self._sharing_conn(),
            export_id=opened.export_id,
            signer_code=code,
            head_seq=opened.chain.head_seq,
            head_hash=opened.chain.head_hash,
            manifest_sha256=opened.manifest_sha256,
            now=self.clock(),
        )

    def write_receipt(self, opened: open_mod.OpenedExport, output: Path) -> Path:
        """Write :meth:`receipt_for` to ``output`` (a file, never overwritten, or a folder: a
        neutral name ``2026-12-07-k7q-receipt.txt`` is made in it). Returns the path."""
        data = self.receipt_for(opened)
        path = Path(output)
        if path.is_dir():
            stem = export_mod.default_file_name(self.clock())[: -len(".age")]
            path = path / f"{stem}-receipt.txt"
        safewrite.write_bytes(path, data, overwrite=False)
        return path

    def import_receipt(self, path: Path) -> receipts_mod.Receipt:
        """Check a receipt her lawyer sent back and keep it in her history (see
        :func:`.receipts.import_receipt`). Only a regular file is read."""

        def refused(reason: str) -> DefenderDeskError:
            return receipts_mod.ReceiptRefused(reason=reason)

        with open_mod.open_regular_file(Path(path), refused) as f:
            data = f.read(receipts_mod.MAX_RECEIPT + 1)
        return self.import_receipt_bytes(data)

    def import_receipt_bytes(self, data: bytes) -> receipts_mod.Receipt:
        return receipts_mod.import_receipt(self._sharing_conn(), data, self.clock)

    def list_receipts(self) -> list[receipts_mod.Receipt]:
        """Her receipts, newest head first."""
        return receipts_mod.list_receipts(self._sharing_conn())

    def last_witnessed(self) -> receipts_mod.Receipt | None:
        """The receipt with the newest head ("last witnessed: 12 March, by Нурлан"), if any."""
        receipts = self.list_receipts()
        return receipts[0] if receipts else None

    def witnessed_heads(self) -> list[tuple[int, str]]:
        """Every chain head a witness signed a receipt for, as ``(seq, lower-case hex hash)``,
        oldest first: what a restored history must still contain (for ``restore``)."""
        return receipts_mod.witnessed_heads(self._sharing_conn())

    # -- backup -------------------------------------------------------------------------------
    def backup(
        self,
        output: Path | None = None,
        *,
        progress: Progress | None = None,
        cancel: Callable[[], bool] | None = None,
    ) -> backup_mod.BackupResult:
        """The whole vault as one age file for her recovery identity only."""
        conn = self._sharing_conn()
        try:
            return backup_mod.backup(
                conn,
                self.paths,
                clock=self.clock,
                output=output,
                progress=progress,
                cancel=self._guard_cancel(cancel),
            )
        except BaseException as exc:
            self._wiped_instead(exc)
            raise

    def last_backup(self) -> datetime | None:
        return backup_mod.last_backup(self._open().conn)

    @staticmethod
    def inspect_backup(backup_file: Path, recovery_code: str) -> backup_mod.BackupInfo:
        """What a backup says about itself (when it was made, its history head, its counts),
        read before anything is written. See :func:`defender_desk.sharing.backup.inspect`."""
        return backup_mod.inspect(Path(backup_file), recovery_code)

    @staticmethod
    def restore(
        backup_file: Path,
        vault_dir: Path,
        recovery_code: str,
        new_passphrase: Secret,
        *,
        progress: Progress | None = None,
        made_before: datetime | None = None,
        on_info: Callable[[backup_mod.BackupInfo], None] | None = None,
        witnessed_heads: Sequence[tuple[int, str]] = (),
    ) -> backup_mod.RestoreResult:
        """Build a new vault in ``vault_dir`` (missing or empty) from a backup; the vault is left
        locked. See :func:`defender_desk.sharing.backup.restore`."""
        return backup_mod.restore(
            Path(backup_file),
            Path(vault_dir),
            recovery_code,
            new_passphrase,
            progress=progress,
            made_before=made_before,
            on_info=on_info,
            witnessed_heads=witnessed_heads,
        )
