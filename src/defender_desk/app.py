"""``Desk``: the one facade that the CLI and the desktop both call.

It owns the open vault (if any) and exposes every capability as a method that takes and returns
plain values and models — never Qt objects, never translated text. Errors are
:class:`~defender_desk.errors.DefenderDeskError` subclasses with fields; the fronts translate.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any

from defender_desk import __version__, advice
from defender_desk import settings as settings_mod
from defender_desk.advice import SecurityTip
from defender_desk.analysis.facade import AnalysisFacade
from defender_desk.domain import taxonomy
from defender_desk.domain.drafts import Draft
from defender_desk.domain.filters import IncidentFilter
from defender_desk.domain.models import Evidence, Incident, Person
from defender_desk.domain.overview import MonthCount, UncertainCount
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
from defender_desk.errors import N_, InvalidInput, VaultLocked
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
from defender_desk.phone.facade import PhoneFacade
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
from defender_desk.vault.records import IncidentPage, PersonInUse, RecordStore

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
    "IncidentPage",
    "LogEntry",
    "MonthCount",
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
    "SecurityTip",
    "Settings",
    "SupervisionEvent",
    "SupervisionKind",
    "UncertainCount",
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


class Desk(AnalysisFacade, SharingFacade, EmergencyFacade, ObligationsFacade, PhoneFacade):
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
        """Machine-readable warnings from the last unlock, for both fronts to show at every
        unlock: ``kdf_below_floor`` (the passphrase slot's Argon2id parameters are below the
        floor — offer to strengthen them)."""
        return list(self._vault.warnings) if self._vault else []

    def create(self, passphrase: Secret) -> CreateResult:
        """Create a vault and leave it unlocked. The recovery code is returned once and never
        stored in readable form."""
        created = store.create(self.paths, passphrase)  # finishes a pending wipe first
        self._vault = created.vault
        return CreateResult(
            recovery_code=created.recovery_code, backup_exclusion=created.backup_exclusion
        )

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
        store.check_secret(self._open().header, passphrase, keyslots.Role.PASSPHRASE)

    def strengthen_kdf(
        self, passphrase: Secret, untrusted_code: str | None = None
    ) -> kdf.KdfParams:
        """Recalibrate Argon2id on this computer with a new salt for the passphrase slot — and
        for the recovery slot too when the recovery code is given (without it that slot is kept
        as it is). Never lowers any parameter and never goes below the floor. Returns the
        passphrase slot's new parameters. Raises :class:`WrongSecret` /
        :class:`RecoveryCodeInvalid`."""
        from defender_desk.vault import recovery

        vault = self._open()
        code = None if untrusted_code is None else recovery.to_secret(untrusted_code)
        try:
            self.check_passphrase(passphrase)
            if code is not None:
                store.check_secret(vault.header, code, keyslots.Role.RECOVERY)
            params = kdf.strengthened(vault.header.kdf)
            vault.strengthen(passphrase, code, params)
        finally:
            if code is not None:
                code.wipe()
        return vault.header.kdf

    def rekey(
        self,
        passphrase: Secret,
        *,
        new_recovery_code: bool = True,
        recovery_code: str | None = None,
        keep_old_card_days: int = 30,
        progress: Progress | None = None,
    ) -> rekey_mod.RekeyResult:
        """Rotate every key (see :mod:`defender_desk.vault.rekey`). The passphrase confirms it.

        A new recovery code is issued (returned once, never stored) unless ``recovery_code`` is
        given: then that code is kept (it must be the current one). ``new_recovery_code=False``
        without the code is refused — the app holds nothing that could keep the code without
        it. Exports sent to her old card stay readable for ``keep_old_card_days`` days (0: not
        at all)."""
        if recovery_code is None and not new_recovery_code:
            self.check_passphrase(passphrase)  # a wrong passphrase is said first
            raise rekey_mod.keep_recovery_code_required()
        if not 0 <= keep_old_card_days <= 3650:
            raise InvalidInput(field="keep_old_card_days", reason=N_("out of range"))
        now = self.clock()
        until = now + timedelta(days=keep_old_card_days) if keep_old_card_days else None
        return rekey_mod.rekey(
            self._open(),
            passphrase,
            recovery_code=recovery_code,
            keep_old_card_until=until,
            progress=progress,
            now=self.clock,
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
        for name in (
            "incidents",
            "people",
            "evidence",
            "obligations",
            "contacts",
            "emergencies",
            "assessments",
            "chats",
        ):
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
        problems += self.analysis_problems()
        problems += self.chats.consistency_problems()
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
        """Delete a person named in no incident, emergency or threat assessment; their
        "same as" links go first (the links' history stays readable)."""
        self._prepare_person_delete(person_id)
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
        self._prepare_incident_delete(incident_id)
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

    def count_incidents(self, flt: IncidentFilter | None = None, *, cap: int | None = None) -> int:
        """How many incidents ``flt`` shows; with ``cap`` the count stops after ``cap + 1`` (a
        result above ``cap`` means "more than ``cap``")."""
        return self.records.count_incidents(flt, cap=cap)

    def search_incidents(
        self,
        flt: IncidentFilter,
        *,
        limit: int = 50,
        offset: int = 0,
        newest_first: bool = True,
        count_cap: int = 1000,
    ) -> IncidentPage:
        """A page of incidents with a count that never waits for the whole record: ``count`` is
        exact up to ``count_cap``, else ``exact`` is False ("1,000+"; count the rest with
        :meth:`count_incidents` off the GUI thread if it is wanted)."""
        return self.records.search_page(
            flt, limit=limit, offset=offset, newest_first=newest_first, count_cap=count_cap
        )

    def search_people(self, query: str) -> list[Person]:
        """People whose name or notes match ``query`` (same rules as incident search)."""
        return self.records.search_people(query)

    @staticmethod
    def search_categories(query: str, lang: str) -> list[taxonomy.Category]:
        """Categories found by ``query`` in their labels and synonyms (any language, those in
        ``lang`` first), or by code. Needs no open vault."""
        return taxonomy.search(query, lang)

    # -- the overview: counted in SQL, nothing loaded --------------------------------------------
    def incident_month_counts(self) -> list[MonthCount]:
        """Incidents per month (``kind`` None), oldest first; months without any left out.
        Only incidents dated to the month or better (see :mod:`defender_desk.domain.overview`)."""
        return self.records.month_counts()

    def actor_month_counts(self) -> list[MonthCount]:
        """Incidents per month and actor kind (the chart's coloured parts), oldest first."""
        return self.records.month_counts(by_actor_kind=True)

    def uncertain_date_counts(self) -> list[UncertainCount]:
        """Incidents dated only to the year or approximately, per stated date: in no month."""
        return self.records.uncertain_counts()

    def actor_incident_counts(self) -> dict[str, int]:
        """Person id → number of incidents naming them as an actor."""
        return self.records.actor_counts()

    def recent_incidents(self, limit: int = 10) -> list[Incident]:
        """The ``limit`` latest incidents by date (newest first)."""
        return self.records.list_incidents(limit=limit, newest_first=True)

    @staticmethod
    def security_tips() -> list[SecurityTip]:
        """Advice about her computer the app shows (untranslated ``N_`` texts)."""
        return list(advice.SECURITY_TIPS)

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
            self.reindex(iid)
        return evidence

    def delete_evidence(self, evidence_id: str) -> Evidence:
        evidence = self.evidence.delete(evidence_id)
        if evidence.incident_id is not None:
            self.reindex(evidence.incident_id)
        return evidence

    def reindex(self, incident_id: str) -> None:
        """Rebuild one incident's search entry, in a (guarded) transaction of its own."""
        records = self.records
        with db.transaction(self._open().conn):
            records.reindex(incident_id)

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
