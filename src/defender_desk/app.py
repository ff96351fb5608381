"""``Desk``: the one facade that the CLI and the desktop both call.

It owns the open vault (if any) and exposes every capability as a method that takes and returns
plain values and models — never Qt objects, never translated text. Errors are
:class:`~defender_desk.errors.DefenderDeskError` subclasses with fields; the fronts translate.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from defender_desk import __version__
from defender_desk import settings as settings_mod
from defender_desk.domain.drafts import Draft
from defender_desk.domain.filters import IncidentFilter
from defender_desk.domain.models import Evidence, Incident, Person
from defender_desk.emergency import guidance as emergency_guidance
from defender_desk.emergency.facade import EmergencyFacade
from defender_desk.emergency.store import (
    CONTACT_KIND_LABELS,
    FUTURE_SLACK,
    PLACE_KIND_LABELS,
    ContactKind,
    Emergency,
    EmergencyContact,
    EmergencyPlace,
    EmergencyView,
    LogEntry,
    PlaceCheck,
    PlaceKind,
    local_minute,
    timeline_lines,
)
from defender_desk.errors import VaultLocked, WrongSecret
from defender_desk.obligations import render as obligation_render
from defender_desk.obligations.facade import ObligationsFacade
from defender_desk.obligations.models import (
    DEFAULT_LEADS,
    AttendanceEntry,
    CheckIn,
    Hearing,
    ObligationError,
    Probation,
    Restriction,
    RestrictionKind,
    ScheduleError,
    SupervisionEvent,
    rule_parts,
)
from defender_desk.obligations.schedule import Countdown, Due, Occurrence, Reminder, today_in
from defender_desk.obligations.store import AnyObligation, AttendanceStatus, SupervisionKind
from defender_desk.paths import VaultPaths
from defender_desk.secret import Secret
from defender_desk.settings import Settings
from defender_desk.sharing.backup import BackupResult, RestoreResult
from defender_desk.sharing.contacts import ROLE_LABELS as CONTACT_ROLE_LABELS
from defender_desk.sharing.contacts import Contact, ContactRole
from defender_desk.sharing.export import REPORT, ExportResult, ExportSelection, default_file_name
from defender_desk.sharing.facade import SharingFacade
from defender_desk.sharing.keys import CARD_TAG, parse_card
from defender_desk.sharing.open_export import ChainVerdict, FileVerdict, OpenedExport
from defender_desk.vault import db, history, kdf, keyslots, store
from defender_desk.vault import rekey as rekey_mod
from defender_desk.vault.drafts import DraftStore
from defender_desk.vault.evidence import EvidenceStore, Progress
from defender_desk.vault.kdf import FLOOR
from defender_desk.vault.records import PersonInUse, RecordStore

#: The facade and what the fronts may use from below it. The desktop (``ui/``) imports only this
#: module, ``domain``, ``i18n``, ``errors`` and ``secret`` (``tests/test_layering.py``): the types
#: and pure helpers it needs are re-exported here.
__all__ = [
    "CARD_TAG",
    "CONTACT_KIND_LABELS",
    "CONTACT_ROLE_LABELS",
    "DEFAULT_LEADS",
    "FUTURE_SLACK",
    "PLACE_KIND_LABELS",
    "REPORT",
    "AnyObligation",
    "AttendanceEntry",
    "AttendanceStatus",
    "BackupResult",
    "ChainVerdict",
    "CheckIn",
    "CheckReport",
    "Contact",
    "ContactKind",
    "ContactRole",
    "Countdown",
    "CreateResult",
    "Desk",
    "Draft",
    "Due",
    "Emergency",
    "EmergencyContact",
    "EmergencyPlace",
    "EmergencyView",
    "ExportResult",
    "ExportSelection",
    "FileVerdict",
    "Hearing",
    "IncidentFilter",
    "LogEntry",
    "ObligationError",
    "Occurrence",
    "OpenedExport",
    "PersonInUse",
    "PlaceCheck",
    "PlaceKind",
    "Probation",
    "Reminder",
    "RestoreResult",
    "Restriction",
    "RestrictionKind",
    "ScheduleError",
    "Settings",
    "SupervisionEvent",
    "SupervisionKind",
    "card_texts",
    "default_file_name",
    "emergency_guidance",
    "local_minute",
    "obligation_render",
    "parse_card",
    "rule_parts",
    "timeline_lines",
    "today_in",
]


def card_texts(language: str) -> dict[str, str]:
    """The emergency card's headings and notes in ``language`` — the same words the printed
    card uses, so the desktop's preview never differs from the PDF."""
    from defender_desk.reports.card import _texts

    return dict(_texts(language))


@dataclass(frozen=True)
class CreateResult:
    recovery_code: str
    #: what was done to keep the vault folder out of backups and snapshots (plain sentences)
    backup_exclusion: tuple[str, ...] = ()


@dataclass(frozen=True)
class CheckReport:
    ok: bool
    problems: list[history.Problem]


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Desk(SharingFacade, EmergencyFacade, ObligationsFacade):
    def __init__(self, vault_dir: Path, *, clock: Callable[[], datetime] = _utc_now) -> None:
        self.paths = VaultPaths(Path(vault_dir))
        self.clock = clock
        self._vault: store.OpenVault | None = None

    # -- lifecycle ----------------------------------------------------------------------------
    def exists(self) -> bool:
        return self.paths.has_vault()

    @property
    def unlocked(self) -> bool:
        return self._vault is not None

    @property
    def warnings(self) -> list[str]:
        """Machine-readable warnings from the last unlock (e.g. ``kdf_below_floor``)."""
        return list(self._vault.warnings) if self._vault else []

    def create(self, passphrase: Secret) -> CreateResult:
        """Create a vault and leave it unlocked. The recovery code is returned once and never
        stored in readable form."""
        from defender_desk import wipe

        wipe.finish_pending_wipe(self.paths)
        created = store.create(self.paths, passphrase)
        self._vault = created.vault
        excluded = tuple(wipe.exclude_from_backups(self.paths.root))
        return CreateResult(recovery_code=created.recovery_code, backup_exclusion=excluded)

    def wipe(self, clear_clipboard: Callable[[], None] | None = None) -> Any:
        """Panic wipe (see :mod:`defender_desk.wipe`): the key file first, then everything.
        Works locked or unlocked; drops this desk's keys right after the key file is gone."""
        from defender_desk import wipe

        return wipe.wipe(self.paths, drop_keys=self.forget, clear_clipboard=clear_clipboard)

    def unlock(self, passphrase: Secret) -> None:
        self._require_locked()
        self._vault = store.open_vault(self.paths, passphrase)

    def recover(self, untrusted_code: str, new_passphrase: Secret) -> None:
        """Open with the recovery code and set a new passphrase; leaves the vault unlocked."""
        self._require_locked()
        self._vault = store.recover(self.paths, untrusted_code, new_passphrase)

    def change_passphrase(self, new_passphrase: Secret) -> None:
        self._open().change_passphrase(new_passphrase)

    def check_passphrase(self, passphrase: Secret) -> None:
        """Raise :class:`WrongSecret` unless ``passphrase`` opens this vault's passphrase slot
        (one derivation). Used to confirm sensitive actions in an already unlocked vault."""
        vault = self._open()
        kek = kdf.derive(passphrase, vault.header.salt, vault.header.kdf)
        try:
            opened = keyslots.open_with_kek(vault.header, kek)
            if opened is None or opened.role is not keyslots.Role.PASSPHRASE:
                raise WrongSecret()
            opened.master_key.wipe()
        finally:
            kek.wipe()

    def strengthen_kdf(self, passphrase: Secret, untrusted_code: str) -> kdf.KdfParams:
        """Recalibrate Argon2id on this computer (never below the floor) with a new salt and
        re-wrap both slots. Needs the passphrase and the recovery code: the recovery slot's key
        depends on the parameters. Raises :class:`WrongSecret` / :class:`RecoveryCodeInvalid`."""
        from defender_desk.vault import recovery

        vault = self._open()
        code = recovery.to_secret(untrusted_code)  # the check digit first, instantly
        self.check_passphrase(passphrase)
        kek = kdf.derive(code, vault.header.salt, vault.header.kdf)
        try:
            opened = keyslots.open_with_kek(vault.header, kek)
            if opened is None or opened.role is not keyslots.Role.RECOVERY:
                raise WrongSecret()
            opened.master_key.wipe()
        finally:
            kek.wipe()
        params = kdf.creation_params()
        with code:
            vault.strengthen(passphrase, code, params)
        return params

    def rekey(
        self,
        passphrase: Secret,
        *,
        new_recovery_code: bool = False,
        progress: Progress | None = None,
    ) -> rekey_mod.RekeyResult:
        """Rotate every key (see :mod:`defender_desk.vault.rekey`). The passphrase confirms it.
        Returns the new recovery code when one was asked for (shown once, never stored)."""
        return rekey_mod.rekey(
            self._open(), passphrase, new_recovery_code=new_recovery_code, progress=progress
        )

    def lock(self) -> None:
        if self._vault is not None:
            vault, self._vault = self._vault, None
            vault.close()

    def forget(self) -> None:
        """Drop the keys and close the database at once, without a checkpoint (panic wipe:
        the files are about to be erased)."""
        if self._vault is not None:
            vault, self._vault = self._vault, None
            vault.forget()

    def __enter__(self) -> Desk:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.lock()

    # -- reading ------------------------------------------------------------------------------
    def status(self) -> dict[str, Any]:
        vault = self._open()
        kdf = vault.header.kdf
        return {
            "path": str(self.paths.root),
            "app_version": __version__,
            "format_version": vault.header.version,
            "schema_version": db.schema_version(vault.conn),
            "header_generation": vault.header.generation,
            "kdf": {
                "algorithm": "argon2id",
                "memory_kib": kdf.memory_kib,
                "iterations": kdf.iterations,
                "lanes": kdf.lanes,
                "below_floor": kdf.below_floor(),
                "floor": {
                    "memory_kib": FLOOR.memory_kib,
                    "iterations": FLOOR.iterations,
                    "lanes": FLOOR.lanes,
                },
            },
            "key_file_size": keyslots.HEADER_LEN,
            "counts": self._counts(vault),
        }

    def _counts(self, vault: store.OpenVault) -> dict[str, int]:
        counts: dict[str, int] = {}
        tables = {
            r[0] for r in vault.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        for name in ("incidents", "people", "evidence", "obligations", "contacts", "emergencies"):
            if name in tables:
                counts[name] = int(vault.conn.execute(f"SELECT count(*) FROM {name}").fetchone()[0])
        return counts

    def check(self, progress: Progress | None = None) -> CheckReport:
        """Integrity of the database, the history chain, and every evidence file (re-hashed)."""
        vault = self._open()
        problems = [
            history.Problem("database: {detail}", {"detail": p})
            for p in db.integrity_problems(vault.conn)
        ]
        problems += history.verify(vault.conn)
        problems += self.records.consistency_problems()
        problems += self.obligation_problems()
        problems += self.emergencies.consistency_problems()
        problems += self.evidence.verify(progress)
        return CheckReport(ok=not problems, problems=problems)

    # -- the record ---------------------------------------------------------------------------
    @property
    def records(self) -> RecordStore:
        return RecordStore(self._open().conn, self.clock)

    @property
    def evidence(self) -> EvidenceStore:
        return EvidenceStore(self._open().conn, self.paths.objects, self.clock)

    def add_person(self, draft: dict[str, Any]) -> Person:
        return self.records.add_person(draft)

    def edit_person(self, person_id: str, changes: dict[str, Any]) -> Person:
        return self.records.edit_person(person_id, changes)

    def delete_person(self, person_id: str) -> None:
        self.records.delete_person(person_id)

    def list_people(self) -> list[Person]:
        return self.records.list_people()

    def get_person(self, person_id: str) -> Person:
        return self.records.get_person(person_id)

    def add_incident(
        self,
        draft: dict[str, Any],
        evidence_paths: Sequence[Path] = (),
        *,
        progress: Progress | None = None,
        cancel: Callable[[], bool] | None = None,
    ) -> Incident:
        """Create an incident, then import its evidence files. If an import fails the incident
        stays (it is acknowledged) and the error names the file; earlier files stay attached."""
        incident = self.records.add_incident(draft)
        for path in evidence_paths:
            self.add_evidence(incident.id, path, progress=progress, cancel=cancel)
        return incident

    def edit_incident(self, incident_id: str, changes: dict[str, Any]) -> Incident:
        return self.records.edit_incident(incident_id, changes)

    def delete_incident(self, incident_id: str) -> int:
        return self.records.delete_incident(incident_id)

    def get_incident(self, incident_id: str) -> Incident:
        return self.records.get_incident(incident_id)

    def list_incidents(
        self,
        flt: IncidentFilter | None = None,
        *,
        limit: int | None = None,
        offset: int = 0,
        newest_first: bool = False,
    ) -> list[Incident]:
        return self.records.list_incidents(
            flt, limit=limit, offset=offset, newest_first=newest_first
        )

    def count_incidents(self, flt: IncidentFilter | None = None) -> int:
        return self.records.count_incidents(flt)

    def history_of(self, record_id: str) -> list[dict[str, Any]]:
        return history.revisions_of(self._open().conn, record_id)

    def add_evidence(
        self,
        incident_id: str | None,
        untrusted_path: Path,
        *,
        progress: Progress | None = None,
        cancel: Callable[[], bool] | None = None,
    ) -> Evidence:
        records = self.records
        if incident_id is not None:
            records.get_incident(incident_id)

        def reindex(_evidence: Evidence) -> None:
            if incident_id is not None:
                records.reindex(incident_id)

        return self.evidence.add(
            untrusted_path, incident_id, progress=progress, cancel=cancel, on_written=reindex
        )

    def add_evidence_bytes(
        self, incident_id: str | None, name: str, data: bytes, media_type: str | None = None
    ) -> Evidence:
        """Import evidence held in memory (a generated or received file) — no disk file."""
        import io

        records = self.records
        if incident_id is not None:
            records.get_incident(incident_id)

        def reindex(_evidence: Evidence) -> None:
            if incident_id is not None:
                records.reindex(incident_id)

        return self.evidence.add_stream(
            name,
            io.BytesIO(data),
            len(data),
            incident_id,
            media_type=media_type,
            on_written=reindex,
        )

    def list_evidence(self, incident_id: str | None = None) -> list[Evidence]:
        if incident_id is not None:
            self.records.get_incident(incident_id)
        return self.evidence.listing(incident_id)

    def read_evidence(self, evidence_id: str) -> bytes:
        return self.evidence.read_bytes(evidence_id)

    def verify_evidence(self, progress: Progress | None = None) -> list[history.Problem]:
        return self.evidence.verify(progress)

    def attach_evidence(self, evidence_id: str, incident_id: str | None) -> Evidence:
        """Attach an evidence file to an incident (or detach it with None); both incidents'
        search entries follow."""
        before = self.evidence.get(evidence_id).incident_id
        if incident_id is not None:
            self.records.get_incident(incident_id)
        evidence = self.evidence.attach(evidence_id, incident_id)
        for iid in {before, incident_id} - {None}:
            assert iid is not None
            self.records.reindex(iid)
        return evidence

    def delete_evidence(self, evidence_id: str) -> Evidence:
        evidence = self.evidence.delete(evidence_id)
        if evidence.incident_id is not None:
            self.records.reindex(evidence.incident_id)
        return evidence

    # -- schedules, off the GUI thread -------------------------------------------------------
    def next_dates(self, obligation: AnyObligation, after: datetime, n: int = 3) -> list[datetime]:
        """The next ``n`` occurrences of a check-in or hearing from ``after`` (aware), looking
        ahead in growing windows so a frequent rule is never expanded further than needed. The
        desktop calls this in a worker thread: the GUI thread never expands a recurrence rule."""
        from datetime import timedelta

        from defender_desk.obligations.schedule import occurrences

        found: list[datetime] = []
        for days in (14, 62, 400, 800):
            found = [o.at for o in occurrences(obligation, after, after + timedelta(days=days))]
            if len(found) >= n:
                break
        return found[:n]

    # -- drafts (what an editor held when the vault locked) ----------------------------------
    @property
    def drafts(self) -> DraftStore:
        return DraftStore(self._open().conn, self.clock)

    def save_draft(self, kind: str, record_id: str | None, payload: dict[str, Any]) -> Draft:
        """Keep an open editor's fields, encrypted in the vault, until she continues or discards
        them. One draft per editor and record: saving again replaces it."""
        return self.drafts.save(kind, record_id, payload)

    def list_drafts(self) -> list[Draft]:
        return self.drafts.listing()

    def get_draft(self, draft_id: str) -> Draft:
        return self.drafts.get(draft_id)

    def delete_draft(self, draft_id: str) -> None:
        self.drafts.delete(draft_id)

    def settings(self) -> settings_mod.Settings:
        return settings_mod.load(self.paths.settings_file)

    def save_settings(self, value: settings_mod.Settings) -> None:
        settings_mod.save(self.paths.settings_file, value)

    # -- internals ----------------------------------------------------------------------------
    def _open(self) -> store.OpenVault:
        if self._vault is None:
            raise VaultLocked()
        return self._vault

    def _require_locked(self) -> None:
        if self._vault is not None:
            self.lock()
