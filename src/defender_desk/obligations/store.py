"""The obligation repository: obligations, the attendance log and supervision events.

Records are validated by :mod:`defender_desk.obligations.models` from JSON-shaped drafts
(strings for dates and times, ``"P1D"`` for reminder lead times), so the CLI and the GUI hand
over the same dictionaries. Every write happens in one transaction together with its revision
in the history chain (record kinds ``"obligation"``, ``"attendance"``, ``"supervision"``);
deleting a record appends a ``delete`` revision and purges the content of all its revisions.

Evidence for an attendance entry or a supervision event (a photo of a stamp, the written
warning) is imported through the :class:`~defender_desk.vault.evidence.EvidenceStore` with no
incident, and its id is listed in the entry's ``evidence``. The entry is written inside the
evidence import's own transaction, so either both exist or neither does.

Rules this module adds to the models:

- A check-in added without an end (``until``) ends with the probation in force on its first
  day, when there is exactly one (:func:`~.schedule.bound_to_probation`); otherwise it runs
  until further notice.
- Attendance is logged for check-ins and hearings only, for a day on which the obligation has
  an occurrence (scheduled by the rule, even if moved away or cancelled, or moved onto that
  day). ``attended`` and ``missed`` cannot be logged for a day after today (in the obligation's
  zone); ``moved`` can (the officer announced it).
- Deleting an obligation deletes its attendance entries and supervision events too; their
  evidence files are kept, unattached.

Errors: :class:`~.models.ObligationError` (bad values), :class:`~defender_desk.errors.NotFound`,
and the evidence store's errors for a file that cannot be imported.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel

from defender_desk.domain.models import Evidence, canonical_json
from defender_desk.errors import N_, NotFound
from defender_desk.obligations.models import (
    AttendanceEntry,
    CheckIn,
    Hearing,
    ObligationError,
    Probation,
    Restriction,
    SupervisionEvent,
    parse_obligation,
    parse_record,
)
from defender_desk.obligations.schedule import bound_to_probation, in_force, today_in
from defender_desk.vault import db, history
from defender_desk.vault.evidence import EvidenceStore, Progress
from defender_desk.vault.records import new_id

__all__ = [
    "AnyObligation",
    "AttendanceStatus",
    "Deleted",
    "ObligationStore",
    "SupervisionKind",
]

Connection = Any
AnyObligation = Probation | Restriction | CheckIn | Hearing
AttendanceStatus = Literal["attended", "missed", "moved"]
SupervisionKind = Literal["warning", "permission", "notification", "labour"]
_M = TypeVar("_M", bound=BaseModel)


@dataclass(frozen=True)
class Deleted:
    """What went with a deleted obligation: its log entries; its evidence files stay."""

    attendance: int
    supervision: int
    evidence_kept: int


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="microseconds")


def _bad_text(value: Any, path: str) -> str | None:
    """The dotted path of the first string that is not valid Unicode (lone surrogates, as an
    undecodable command-line argument becomes), else None."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return path or "-"
        return None
    items: Iterable[tuple[Any, Any]]
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        found = _bad_text(item, f"{path}.{key}" if path else str(key))
        if found:
            return found
    return None


def _checked(data: dict[str, Any]) -> str:
    bad = _bad_text(data, "")
    if bad is not None:
        raise ObligationError(field=bad, reason=N_("the text is not valid Unicode"))
    return json.dumps(data)


def _span(ob: AnyObligation) -> tuple[date, date | None]:
    """The first and last day of an obligation, for the row's ordering columns."""
    if isinstance(ob, Hearing):
        return ob.at.date(), ob.at.date()
    if isinstance(ob, CheckIn):
        return ob.start.date(), ob.until
    return ob.start, ob.until


def occurs_on(ob: CheckIn | Hearing, day: date) -> bool:
    """Whether ``day`` (local, in the obligation's zone) has one of its occurrences: scheduled
    by the rule (even if moved away or cancelled) or moved onto that day."""
    if isinstance(ob, Hearing):
        return ob.at.date() == day
    if any(m.to.date() == day for m in ob.moves):
        return True
    first, last = datetime.combine(day, time()), datetime.combine(day, time(23, 59, 59))
    if last < ob.start:
        return False
    return bool(ob.rule(end=last).between(first, last, inc=True))


class ObligationStore:
    def __init__(self, conn: Connection, clock: Callable[[], datetime]) -> None:
        self.conn = conn
        self.clock = clock

    # -- obligations --------------------------------------------------------------------------
    def add(self, draft: dict[str, Any]) -> AnyObligation:
        """Validate a JSON-shaped draft (its ``kind`` chooses the model) and store it."""
        obligation = parse_obligation(_checked({**draft, "id": new_id("o")}))
        if isinstance(obligation, CheckIn) and obligation.until is None:
            obligation = self._bind(obligation)
        with db.transaction(self.conn):
            self._write_obligation(obligation, "create")
        return obligation

    def _bind(self, checkin: CheckIn) -> CheckIn:
        first = checkin.start.date()
        probations = [p for p in self.listing() if isinstance(p, Probation) and in_force(p, first)]
        return bound_to_probation(checkin, probations[0]) if len(probations) == 1 else checkin

    def edit(self, obligation_id: str, changes: dict[str, Any]) -> AnyObligation:
        """Apply ``changes`` (JSON-shaped; a None value clears an optional field) and validate
        the whole record again. The kind cannot change."""
        current = self.get(obligation_id)
        if changes.get("kind", current.kind) != current.kind:
            raise ObligationError(
                field="kind", reason=N_("the kind of an obligation cannot be changed")
            )
        merged = {**current.model_dump(mode="json"), **changes, "id": obligation_id}
        obligation = parse_obligation(_checked(merged))
        with db.transaction(self.conn):
            self._write_obligation(obligation, "edit")
        return obligation

    def delete(self, obligation_id: str) -> Deleted:
        """Delete the obligation with its attendance entries and supervision events, purging
        their content from the history. Evidence files stay (unattached)."""
        self.get(obligation_id)
        entries = self.attendance(obligation_id)
        events = self.supervision(obligation_id)
        evidence_ids = {e for x in entries for e in x.evidence} | {
            e for x in events for e in x.evidence
        }
        kept = sum(
            1
            for e in evidence_ids
            if self.conn.execute("SELECT 1 FROM evidence WHERE id = ?", (e,)).fetchone()
        )
        with db.transaction(self.conn):
            for entry in entries:
                self._delete_row("attendance", "attendance", entry.id)
            for event in events:
                self._delete_row("supervision_events", "supervision", event.id)
            self._delete_row("obligations", "obligation", obligation_id)
        db.checkpoint(self.conn)
        return Deleted(len(entries), len(events), kept)

    def get(self, obligation_id: str) -> AnyObligation:
        row = self.conn.execute(
            "SELECT data FROM obligations WHERE id = ?", (obligation_id,)
        ).fetchone()
        if row is None:
            raise NotFound(kind=N_("obligation"), id=obligation_id)
        return parse_obligation(row[0])

    def listing(self) -> list[AnyObligation]:
        """Every obligation, by first day (on the same day: probation, restrictions,
        check-ins, hearings)."""
        rows = self.conn.execute(
            "SELECT data FROM obligations ORDER BY starts, CASE kind WHEN 'probation' THEN 0"
            " WHEN 'restriction' THEN 1 WHEN 'checkin' THEN 2 ELSE 3 END, id"
        )
        return [parse_obligation(r[0]) for r in rows]

    def _write_obligation(self, obligation: AnyObligation, operation: str) -> None:
        data = canonical_json(obligation)
        now = _iso(self.clock())
        starts, ends = _span(obligation)
        self.conn.execute(
            "INSERT INTO obligations(id, kind, starts, ends, created_at, updated_at, data)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET kind = excluded.kind,"
            " starts = excluded.starts, ends = excluded.ends, updated_at = excluded.updated_at,"
            " data = excluded.data",
            (
                obligation.id,
                obligation.kind,
                starts.isoformat(),
                None if ends is None else ends.isoformat(),
                now,
                now,
                data.decode("utf-8"),
            ),
        )
        history.append(self.conn, "obligation", obligation.id, operation, data, self.clock())

    # -- attendance ---------------------------------------------------------------------------
    def log_attendance(
        self,
        obligation_id: str,
        day: date,
        status: AttendanceStatus,
        note: str = "",
        *,
        evidence: EvidenceStore | None = None,
        evidence_path: Path | None = None,
        progress: Progress | None = None,
        cancel: Callable[[], bool] | None = None,
    ) -> AttendanceEntry:
        """Log what happened at the check-in (or hearing) on ``day``; with ``evidence_path``,
        import that file (no incident) and name it in the entry, atomically."""
        obligation = self.get(obligation_id)
        if not isinstance(obligation, CheckIn | Hearing):
            raise ObligationError(
                field="obligation", reason=N_("attendance is logged for check-ins and hearings")
            )
        draft = {
            "id": new_id("a"),
            "obligation_id": obligation_id,
            "occurrence": day.isoformat(),
            "status": status,
            "note": note,
        }
        entry = parse_record(AttendanceEntry, _checked(draft))
        if not occurs_on(obligation, entry.occurrence):
            raise ObligationError(
                field="date", reason=N_("there is no check-in or hearing on this day")
            )
        if entry.status != "moved" and entry.occurrence > today_in(self.clock(), obligation.zone):
            raise ObligationError(
                field="date", reason=N_("this day has not come yet; only a move can be logged")
            )
        return self._log(
            AttendanceEntry,
            entry,
            draft,
            "attendance",
            evidence,
            evidence_path,
            progress,
            cancel,
        )

    def attendance(self, obligation_id: str | None = None) -> list[AttendanceEntry]:
        """Attendance entries, by day then by when they were logged."""
        rows = self.conn.execute(
            "SELECT data FROM attendance WHERE ? IS NULL OR obligation_id = ?"
            " ORDER BY occurrence, created_at, id",
            (obligation_id, obligation_id),
        )
        return [parse_record(AttendanceEntry, r[0]) for r in rows]

    def delete_attendance(self, entry_id: str) -> None:
        if not self.conn.execute("SELECT 1 FROM attendance WHERE id = ?", (entry_id,)).fetchone():
            raise NotFound(kind=N_("attendance entry"), id=entry_id)
        with db.transaction(self.conn):
            self._delete_row("attendance", "attendance", entry_id)
        db.checkpoint(self.conn)

    # -- supervision events -------------------------------------------------------------------
    def log_supervision(
        self,
        obligation_id: str,
        kind: SupervisionKind,
        day: date,
        *,
        hours: float | None = None,
        note: str = "",
        evidence: EvidenceStore | None = None,
        evidence_path: Path | None = None,
        progress: Progress | None = None,
        cancel: Callable[[], bool] | None = None,
    ) -> SupervisionEvent:
        """Log a warning, a permission, a notification of a change or hours of compulsory
        labour under an obligation; ``evidence_path`` is the document, imported atomically."""
        self.get(obligation_id)
        draft: dict[str, Any] = {
            "id": new_id("s"),
            "obligation_id": obligation_id,
            "kind": kind,
            "day": day.isoformat(),
            "hours": hours,
            "note": note,
        }
        event = parse_record(SupervisionEvent, _checked(draft))
        return self._log(
            SupervisionEvent, event, draft, "supervision", evidence, evidence_path, progress, cancel
        )

    def supervision(self, obligation_id: str | None = None) -> list[SupervisionEvent]:
        rows = self.conn.execute(
            "SELECT data FROM supervision_events WHERE ? IS NULL OR obligation_id = ?"
            " ORDER BY day, created_at, id",
            (obligation_id, obligation_id),
        )
        return [parse_record(SupervisionEvent, r[0]) for r in rows]

    def delete_supervision(self, event_id: str) -> None:
        if not self.conn.execute(
            "SELECT 1 FROM supervision_events WHERE id = ?", (event_id,)
        ).fetchone():
            raise NotFound(kind=N_("supervision event"), id=event_id)
        with db.transaction(self.conn):
            self._delete_row("supervision_events", "supervision", event_id)
        db.checkpoint(self.conn)

    # -- shared -------------------------------------------------------------------------------
    def _log(
        self,
        model: type[_M],
        record: _M,
        draft: dict[str, Any],
        kind: str,
        evidence: EvidenceStore | None,
        evidence_path: Path | None,
        progress: Progress | None,
        cancel: Callable[[], bool] | None,
    ) -> _M:
        if evidence_path is None:
            with db.transaction(self.conn):
                self._write_entry(kind, record)
            return record
        if evidence is None:
            raise ValueError("an evidence file needs the evidence store")
        written: list[_M] = []

        def attach(item: Evidence) -> None:  # inside the evidence row's transaction
            final = parse_record(model, _checked({**draft, "evidence": [item.id]}))
            self._write_entry(kind, final)
            written.append(final)

        evidence.add(evidence_path, None, progress=progress, cancel=cancel, on_written=attach)
        return written[0]

    def _write_entry(self, kind: str, record: BaseModel) -> None:
        data = canonical_json(record)
        now = _iso(self.clock())
        if isinstance(record, AttendanceEntry):
            self.conn.execute(
                "INSERT INTO attendance(id, obligation_id, occurrence, status, created_at, data)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    record.id,
                    record.obligation_id,
                    record.occurrence.isoformat(),
                    record.status,
                    now,
                    data.decode("utf-8"),
                ),
            )
            history.append(self.conn, kind, record.id, "create", data, self.clock())
        elif isinstance(record, SupervisionEvent):
            self.conn.execute(
                "INSERT INTO supervision_events(id, obligation_id, kind, day, created_at, data)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    record.id,
                    record.obligation_id,
                    record.kind,
                    record.day.isoformat(),
                    now,
                    data.decode("utf-8"),
                ),
            )
            history.append(self.conn, kind, record.id, "create", data, self.clock())
        else:  # pragma: no cover - only the two log models come here
            raise TypeError(type(record).__name__)

    def _delete_row(self, table: str, kind: str, record_id: str) -> None:
        self.conn.execute(f"DELETE FROM {table} WHERE id = ?", (record_id,))
        tomb = json.dumps({"deleted": record_id}, separators=(",", ":")).encode()
        history.append(self.conn, kind, record_id, "delete", tomb, self.clock())
        history.purge(self.conn, record_id)

    # -- consistency --------------------------------------------------------------------------
    def consistency_problems(self) -> list[history.Problem]:
        """Live records that differ from their latest revision (an edit outside the app), and
        log entries naming an evidence file that is gone."""
        problems: list[history.Problem] = []
        for table, kind in (
            ("obligations", "obligation"),
            ("attendance", "attendance"),
            ("supervision_events", "supervision"),
        ):
            for rid, data in self.conn.execute(f"SELECT id, data FROM {table} ORDER BY id"):
                if history.latest_content(self.conn, rid) != data.encode("utf-8"):
                    problems.append(
                        history.Problem(
                            N_("history: the {kind} {id} differs from its last revision"),
                            {"kind": kind, "id": rid},
                        )
                    )
        return problems + self._missing_evidence()

    def _missing_evidence(self) -> list[history.Problem]:
        problems: list[history.Problem] = []
        known = {r[0] for r in self.conn.execute("SELECT id FROM evidence")}
        for table in ("attendance", "supervision_events"):
            for rid, data in self.conn.execute(f"SELECT id, data FROM {table} ORDER BY id"):
                try:
                    named = json.loads(data).get("evidence", [])
                except (ValueError, AttributeError):
                    named = None
                if not isinstance(named, list):
                    continue  # reported already: it cannot match its revision either
                for evidence_id in [e for e in named if isinstance(e, str) and e not in known]:
                    problems.append(
                        history.Problem(
                            N_("obligations: {id} names a missing evidence file {evidence}"),
                            {"id": rid, "evidence": evidence_id},
                        )
                    )
        return problems
