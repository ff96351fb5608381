"""People and incidents: create, edit, delete, list, search — each change in the history chain.

Records are validated by the domain models from JSON-shaped drafts (strings for dates, enums and
codes), so the CLI and the GUI hand over the same dictionaries. Every write happens in one
transaction together with its revision and its search-index row.

Errors: :class:`InvalidInput` (from the models), :class:`NotFound`, :class:`PersonInUse`.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from defender_desk.domain import taxonomy
from defender_desk.domain.filters import IncidentFilter as IncidentFilter  # re-exported
from defender_desk.domain.models import Incident, Person, canonical_json, validation_to_error
from defender_desk.errors import N_, DefenderDeskError, InvalidInput, NotFound
from defender_desk.vault import db, history

Connection = Any
_ID_ALPHABET = "23456789abcdefghijkmnpqrstuvwxyz"  # no 0/1/l/o: ids are read aloud and typed


class PersonInUse(DefenderDeskError):
    message = N_("this person is named in incidents {incidents}; remove them there first")


class PersonInEmergency(DefenderDeskError):
    message = N_("this person has an emergency log ({emergencies}); delete that first")


def new_id(prefix: str) -> str:
    return prefix + "-" + "".join(secrets.choice(_ID_ALPHABET) for _ in range(8))


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="microseconds")


class RecordStore:
    def __init__(self, conn: Connection, clock: Callable[[], datetime]) -> None:
        self.conn = conn
        self.clock = clock

    # -- people -------------------------------------------------------------------------------
    def add_person(self, draft: dict[str, Any]) -> Person:
        person = _validate(Person, {**draft, "id": new_id("p")})
        with db.transaction(self.conn):
            self._write_person(person, "create")
        return person

    def edit_person(self, person_id: str, changes: dict[str, Any]) -> Person:
        current = self.get_person(person_id)
        person = _validate(Person, {**current.model_dump(mode="json"), **changes, "id": person_id})
        with db.transaction(self.conn):
            self._write_person(person, "edit")
            for (incident_id,) in self.conn.execute(
                "SELECT DISTINCT incident_id FROM incident_people WHERE person_id = ?", (person_id,)
            ).fetchall():
                self._index(self.get_incident(incident_id))
        return person

    def delete_person(self, person_id: str) -> None:
        self.get_person(person_id)
        used = [
            r[0]
            for r in self.conn.execute(
                "SELECT DISTINCT incident_id FROM incident_people WHERE person_id = ?"
                " ORDER BY incident_id",
                (person_id,),
            )
        ]
        if used:
            raise PersonInUse(incidents=", ".join(used), ids=used)
        has_emergencies = self.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'emergencies'"
        ).fetchone()
        if has_emergencies:
            logs = [
                r[0]
                for r in self.conn.execute(
                    "SELECT id FROM emergencies WHERE person_id = ? ORDER BY id", (person_id,)
                )
            ]
            if logs:
                raise PersonInEmergency(emergencies=", ".join(logs), ids=logs)
        with db.transaction(self.conn):
            self.conn.execute("DELETE FROM people WHERE id = ?", (person_id,))
            self._delete_revision("person", person_id)
        db.checkpoint(self.conn)

    def get_person(self, person_id: str) -> Person:
        row = self.conn.execute("SELECT data FROM people WHERE id = ?", (person_id,)).fetchone()
        if row is None:
            raise NotFound(kind=N_("person"), id=person_id)
        return Person.model_validate_json(row[0])

    def list_people(self) -> list[Person]:
        return [
            Person.model_validate_json(r[0])
            for r in self.conn.execute("SELECT data FROM people ORDER BY role, name COLLATE NOCASE")
        ]

    def person_incidents(self, person_id: str) -> list[tuple[str, str]]:
        """(incident id, link) pairs where this person appears."""
        return [
            (r[0], r[1])
            for r in self.conn.execute(
                "SELECT incident_id, link FROM incident_people WHERE person_id = ?"
                " ORDER BY incident_id",
                (person_id,),
            )
        ]

    def _write_person(self, person: Person, operation: str) -> None:
        data = canonical_json(person)
        self.conn.execute(
            "INSERT INTO people(id, name, role, relation, institution, data)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name,"
            " role = excluded.role, relation = excluded.relation,"
            " institution = excluded.institution, data = excluded.data",
            (
                person.id,
                person.name,
                person.role.value,
                person.relation.value if person.relation else None,
                person.institution.value if person.institution else None,
                data.decode("utf-8"),
            ),
        )
        history.append(self.conn, "person", person.id, operation, data, self.clock())

    # -- incidents ----------------------------------------------------------------------------
    def add_incident(self, draft: dict[str, Any]) -> Incident:
        incident = _validate(Incident, {**draft, "id": new_id("i")})
        self._check_people(incident)
        with db.transaction(self.conn):
            self._write_incident(incident, "create")
        return incident

    def edit_incident(self, incident_id: str, changes: dict[str, Any]) -> Incident:
        current = self.get_incident(incident_id)
        merged = {**current.model_dump(mode="json", exclude_none=True), **changes}
        merged = {k: v for k, v in merged.items() if v is not None}
        incident = _validate(Incident, {**merged, "id": incident_id})
        self._check_people(incident)
        with db.transaction(self.conn):
            self._write_incident(incident, "edit")
        return incident

    def delete_incident(self, incident_id: str) -> int:
        """Delete and purge the incident's content from history. Its evidence files are kept,
        unattached; returns how many."""
        self.get_incident(incident_id)
        with db.transaction(self.conn):
            kept = self.conn.execute(
                "SELECT count(*) FROM evidence WHERE incident_id = ?", (incident_id,)
            ).fetchone()[0]
            rowid = self._rowid(incident_id)
            self.conn.execute("DELETE FROM incident_search WHERE rowid = ?", (rowid,))
            self.conn.execute("DELETE FROM incidents WHERE id = ?", (incident_id,))
            self._delete_revision("incident", incident_id)
        db.checkpoint(self.conn)
        return int(kept)

    def get_incident(self, incident_id: str) -> Incident:
        row = self.conn.execute(
            "SELECT data FROM incidents WHERE id = ?", (incident_id,)
        ).fetchone()
        if row is None:
            raise NotFound(kind=N_("incident"), id=incident_id)
        return Incident.model_validate_json(row[0])

    def count_incidents(self, flt: IncidentFilter | None = None) -> int:
        where, params = self._where(flt or IncidentFilter())
        return int(
            self.conn.execute(f"SELECT count(*) FROM incidents i WHERE {where}", params).fetchone()[
                0
            ]
        )

    def list_incidents(
        self,
        flt: IncidentFilter | None = None,
        *,
        limit: int | None = None,
        offset: int = 0,
        newest_first: bool = False,
    ) -> list[Incident]:
        where, params = self._where(flt or IncidentFilter())
        order = "DESC" if newest_first else "ASC"
        sql = (
            f"SELECT data FROM incidents i WHERE {where}"
            f" ORDER BY sort_start {order}, sort_rank {order}, id {order} LIMIT ? OFFSET ?"
        )
        rows = self.conn.execute(sql, [*params, -1 if limit is None else limit, offset])
        return [Incident.model_validate_json(r[0]) for r in rows]

    def evidence_counts(self, incident_ids: Iterable[str]) -> dict[str, int]:
        ids = list(incident_ids)
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        return {
            r[0]: int(r[1])
            for r in self.conn.execute(
                f"SELECT incident_id, count(*) FROM evidence WHERE incident_id IN ({marks})"
                " GROUP BY incident_id",
                ids,
            )
        }

    def _where(self, flt: IncidentFilter) -> tuple[str, list[Any]]:
        clauses: list[str] = ["1"]
        params: list[Any] = []
        if flt.query and flt.query.strip():
            q = flt.query.strip()
            if len(q) >= 3:
                clauses.append(
                    "i.rowid IN (SELECT rowid FROM incident_search WHERE incident_search MATCH ?)"
                )
                params.append('"' + q.replace('"', '""') + '"')
            else:  # trigram needs three characters; short queries scan, folding case fully
                like = "%" + _escape_like(q.casefold()) + "%"
                cols = " OR ".join(
                    f"dd_fold({c}) LIKE ? ESCAPE '\\'"
                    for c in ("title", "body", "people", "tags", "files")
                )
                clauses.append(f"i.rowid IN (SELECT rowid FROM incident_search WHERE {cols})")
                params += [like] * 5
        if flt.date_from is not None:
            clauses.append("i.end_high >= ?")
            params.append(_iso(flt.date_from.earliest()))
        if flt.date_until is not None:
            clauses.append("i.start_low <= ?")
            params.append(_iso(flt.date_until.latest()))
        if flt.categories:
            codes: set[str] = set()
            for code in flt.categories:
                codes.update(taxonomy.descendants(code))
            clauses.append(f"i.category IN ({','.join('?' * len(codes))})")
            params += sorted(codes)
        if flt.target == "self":
            clauses.append("i.targets_self = 1")
        elif flt.target:
            clauses.append(
                "EXISTS (SELECT 1 FROM incident_people l WHERE l.incident_id = i.id"
                " AND l.link = 'target' AND l.person_id = ?)"
            )
            params.append(flt.target)
        if flt.actor:
            clauses.append(
                "EXISTS (SELECT 1 FROM incident_people l WHERE l.incident_id = i.id"
                " AND l.link = 'actor' AND l.person_id = ?)"
            )
            params.append(flt.actor)
        if flt.actor_kind:
            clauses.append(
                "EXISTS (SELECT 1 FROM incident_people l JOIN people p ON p.id = l.person_id"
                " WHERE l.incident_id = i.id AND l.link = 'actor' AND p.institution = ?)"
            )
            params.append(flt.actor_kind)
        if flt.channel:
            clauses.append("i.channel = ?")
            params.append(flt.channel)
        if flt.severity_min is not None:
            clauses.append("i.severity >= ?")
            params.append(flt.severity_min)
        if flt.has_evidence is not None:
            clauses.append(
                ("" if flt.has_evidence else "NOT ")
                + "EXISTS (SELECT 1 FROM evidence e WHERE e.incident_id = i.id)"
            )
        if flt.ids is not None:
            clauses.append(f"i.id IN ({','.join('?' * len(flt.ids)) or 'NULL'})")
            params += flt.ids
        return " AND ".join(clauses), params

    def _check_people(self, incident: Incident) -> None:
        for pid in [*incident.target_ids, *incident.actor_ids, *incident.witness_ids]:
            if not self.conn.execute("SELECT 1 FROM people WHERE id = ?", (pid,)).fetchone():
                raise NotFound(kind=N_("person"), id=pid)

    def _rowid(self, incident_id: str) -> int:
        return int(
            self.conn.execute(
                "SELECT rowid FROM incidents WHERE id = ?", (incident_id,)
            ).fetchone()[0]
        )

    def _write_incident(self, incident: Incident, operation: str) -> None:
        data = canonical_json(incident)
        now = _iso(self.clock())
        start_low, start_high = incident.happened.earliest(), incident.happened.latest()
        end_high = (incident.until or incident.happened).latest()
        sort_start, sort_rank, _end, _text = incident.happened.sort_key()
        self.conn.execute(
            "INSERT INTO incidents(id, category, title, start_low, start_high, end_high,"
            " sort_start, sort_rank, targets_self, channel, severity, created_at, updated_at, data)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET"
            " category = excluded.category, title = excluded.title,"
            " start_low = excluded.start_low, start_high = excluded.start_high,"
            " end_high = excluded.end_high, sort_start = excluded.sort_start,"
            " sort_rank = excluded.sort_rank, targets_self = excluded.targets_self,"
            " channel = excluded.channel, severity = excluded.severity,"
            " updated_at = excluded.updated_at, data = excluded.data",
            (
                incident.id,
                incident.category,
                incident.title,
                _iso(start_low),
                _iso(start_high),
                _iso(end_high),
                _iso(sort_start),
                sort_rank,
                int(incident.targets_self),
                incident.channel.value if incident.channel else None,
                incident.severity,
                now,
                now,
                data.decode("utf-8"),
            ),
        )
        self.conn.execute("DELETE FROM incident_people WHERE incident_id = ?", (incident.id,))
        for link, ids in (
            ("target", incident.target_ids),
            ("actor", incident.actor_ids),
            ("witness", incident.witness_ids),
        ):
            for pid in ids:
                self.conn.execute(
                    "INSERT OR IGNORE INTO incident_people(incident_id, person_id, link)"
                    " VALUES (?, ?, ?)",
                    (incident.id, pid, link),
                )
        self._index(incident)
        history.append(self.conn, "incident", incident.id, operation, data, self.clock())

    def _index(self, incident: Incident) -> None:
        rowid = self._rowid(incident.id)
        names = [
            r[0]
            for r in self.conn.execute(
                "SELECT p.name FROM incident_people l JOIN people p ON p.id = l.person_id"
                " WHERE l.incident_id = ?",
                (incident.id,),
            )
        ]
        files = [
            r[0]
            for r in self.conn.execute(
                "SELECT original_name FROM evidence WHERE incident_id = ?", (incident.id,)
            )
        ]
        body_parts = [incident.description, incident.place]
        if incident.summons is not None:
            s = incident.summons
            body_parts += [s.who_summoned, s.legal_basis, s.place, s.erdr_number or ""]
        body_parts += [f.text for f in incident.follow_ups]
        self.conn.execute("DELETE FROM incident_search WHERE rowid = ?", (rowid,))
        self.conn.execute(
            "INSERT INTO incident_search(rowid, title, body, people, tags, files)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                rowid,
                incident.title,
                "\n".join(p for p in body_parts if p),
                "\n".join(names),
                "\n".join(incident.tags),
                "\n".join(files),
            ),
        )

    def reindex(self, incident_id: str) -> None:
        self._index(self.get_incident(incident_id))

    def _delete_revision(self, kind: str, record_id: str) -> None:
        tomb = json.dumps({"deleted": record_id}, separators=(",", ":")).encode()
        history.append(self.conn, kind, record_id, "delete", tomb, self.clock())
        history.purge(self.conn, record_id)

    # -- consistency --------------------------------------------------------------------------
    def consistency_problems(self) -> list[history.Problem]:
        """Live records that differ from their latest revision (an edit outside the app)."""
        problems: list[history.Problem] = []
        for table, kind in (("people", "person"), ("incidents", "incident")):
            for rid, data in self.conn.execute(f"SELECT id, data FROM {table} ORDER BY id"):
                if history.latest_content(self.conn, rid) != data.encode("utf-8"):
                    problems.append(
                        history.Problem(
                            N_("history: the {kind} {id} differs from its last revision"),
                            {"kind": kind, "id": rid},
                        )
                    )
        return problems


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _bad_text_field(value: Any, path: str) -> str | None:
    """The dotted path of the first string that is not valid Unicode (lone surrogates, as an
    undecodable command-line argument becomes), else None."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return path or "-"
        return None
    if isinstance(value, dict):
        items: Iterable[tuple[Any, Any]] = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        found = _bad_text_field(item, f"{path}.{key}" if path else str(key))
        if found:
            return found
    return None


M = TypeVar("M", bound=BaseModel)


def _validate(model: type[M], data: dict[str, Any]) -> M:
    bad = _bad_text_field(data, "")
    if bad is not None:
        raise InvalidInput(field=bad, reason=N_("the text is not valid Unicode"))
    try:
        return model.model_validate_json(json.dumps(data))  # ASCII escapes keep lone surrogates
    except ValidationError as exc:
        raise validation_to_error(exc) from None
