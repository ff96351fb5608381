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

from defender_desk.domain import overview, search, taxonomy
from defender_desk.domain.dates import FuzzyDate, Precision
from defender_desk.domain.filters import IncidentFilter as IncidentFilter  # re-exported
from defender_desk.domain.filters import IncidentPage as IncidentPage  # re-exported
from defender_desk.domain.models import Incident, Person, canonical_json, validation_to_error
from defender_desk.errors import N_, DefenderDeskError, InvalidInput, NotFound
from defender_desk.vault import db, history, search_index

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


#: ``incidents.actor_kind`` computed in SQL (as migration 0008 does; domain/overview.py).
_ACTOR_KIND_SQL = (
    "coalesce((SELECT p.institution FROM incident_people l JOIN people p ON p.id = l.person_id"
    " WHERE l.incident_id = incidents.id AND l.link = 'actor' AND p.institution IS NOT NULL"
    " ORDER BY l.rowid LIMIT 1), CASE WHEN EXISTS (SELECT 1 FROM incident_people l"
    " WHERE l.incident_id = incidents.id AND l.link = 'actor')"
    f" THEN '{overview.PERSON}' ELSE '{overview.NO_ACTOR}' END)"
)

_RANK_YEAR = FuzzyDate.in_year(2000).sort_key()[1]  # sort_rank of a date known to the year

#: Above this many matches, a search's page walks the date index instead of sorting matches.
DENSE_MATCHES = 400


def _month(incident: Incident) -> str | None:
    """``incidents.month``: 'YYYY-MM' for a date known to the month or better, else None."""
    when = incident.happened
    if when.precision in (Precision.APPROXIMATE, Precision.YEAR) or when.month is None:
        return None
    return f"{when.year:04d}-{when.month:02d}"


def _query_terms(flt: IncidentFilter) -> list[str] | None:
    """The search terms of the filter's query; None without a query (blank is none)."""
    if flt.query is None or not flt.query.strip():
        return None
    return search.query_terms(flt.query)


def _only_query(flt: IncidentFilter) -> bool:
    """True if the filter has a query and nothing else."""
    return flt == IncidentFilter(query=flt.query)


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

    def search_people(self, query: str) -> list[Person]:
        """People whose name or notes match ``query`` (the rules of
        :mod:`defender_desk.domain.search`), in :meth:`list_people` order. A blank query
        returns everyone; one without letters or digits, no one."""
        if not query.strip():
            return self.list_people()
        matcher = search.Matcher(query)
        if not matcher:
            return []
        return [p for p in self.list_people() if matcher(p.name, p.notes)]

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
        people = self._check_people(incident)
        with db.transaction(self.conn):
            self._write_incident(incident, "create", people)
        return incident

    def edit_incident(self, incident_id: str, changes: dict[str, Any]) -> Incident:
        current = self.get_incident(incident_id)
        merged = {**current.model_dump(mode="json", exclude_none=True), **changes}
        merged = {k: v for k, v in merged.items() if v is not None}
        incident = _validate(Incident, {**merged, "id": incident_id})
        people = self._check_people(incident)
        with db.transaction(self.conn):
            self._write_incident(incident, "edit", people)
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

    def count_incidents(self, flt: IncidentFilter | None = None, *, cap: int | None = None) -> int:
        """How many incidents the filter shows. With ``cap``, counting stops after ``cap + 1``:
        a result above ``cap`` means "more than ``cap``" (a search's first page never waits
        for a full count)."""
        flt = flt or IncidentFilter()
        limit = -1 if cap is None else cap + 1
        terms = _query_terms(flt)
        if terms and _only_query(flt):  # the index alone knows
            return int(
                self.conn.execute(
                    "SELECT count(*) FROM (SELECT 1 FROM incident_search"
                    " WHERE incident_search MATCH ? LIMIT ?)",
                    (search.fts_query(terms), limit),
                ).fetchone()[0]
            )
        where, params = self._where(flt)
        # a query with many matches: test them along the date index (it carries the other
        # filtered columns) rather than reading every matching row
        walk = terms and self._walk_by_date(flt)
        source = "incidents AS i INDEXED BY incidents_sort" if walk else "incidents AS i"
        return int(
            self.conn.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM {source} WHERE {where} LIMIT ?)",
                [*params, limit],
            ).fetchone()[0]
        )

    def list_incidents(
        self,
        flt: IncidentFilter | None = None,
        *,
        limit: int | None = None,
        offset: int = 0,
        newest_first: bool = False,
    ) -> list[Incident]:
        flt = flt or IncidentFilter()
        where, params = self._where(flt)
        order = "DESC" if newest_first else "ASC"
        key = f"sort_start {order}, sort_rank {order}, id {order}"
        paging = [-1 if limit is None else limit, offset]
        if limit is not None and self._walk_by_date(flt):
            # Walk the date index in order and stop at the page's end; the index carries the
            # filtered columns, so only the page's rows are read (see docs/performance.md).
            sql = (
                f"SELECT data FROM incidents WHERE rid IN (SELECT i.rid FROM incidents AS i"
                f" INDEXED BY incidents_sort WHERE {where} ORDER BY {key} LIMIT ? OFFSET ?)"
                f" ORDER BY {key}"
            )
        else:
            sql = f"SELECT data FROM incidents i WHERE {where} ORDER BY {key} LIMIT ? OFFSET ?"
        rows = self.conn.execute(sql, [*params, *paging])
        return [Incident.model_validate_json(r[0]) for r in rows]

    def _walk_by_date(self, flt: IncidentFilter) -> bool:
        """True when a page (or a capped count) is best found by walking the date index
        (``incidents_sort``, which carries the dates, category, channel, severity and "aimed at
        her") in order and stopping early: a query that matches many incidents, whatever else
        the filter asks; or no query and only what that index carries. A query with few
        matches, a list of ids, or a link to a person or to evidence alone are faster driven
        from those few rows (SQLite's own plan)."""
        terms = _query_terms(flt)
        if terms is not None:
            if not terms:
                return False
            matches = self.count_incidents(IncidentFilter(query=flt.query), cap=DENSE_MATCHES)
            return matches > DENSE_MATCHES
        linked = flt.target or flt.actor or flt.actor_kind or flt.has_evidence is not None
        return flt.ids is None and not linked

    def search_page(
        self,
        flt: IncidentFilter,
        *,
        limit: int = 50,
        offset: int = 0,
        newest_first: bool = True,
        count_cap: int = 1000,
    ) -> IncidentPage:
        """One page of incidents and a count that stops at ``count_cap`` (see
        :class:`IncidentPage`)."""
        counted = self.count_incidents(flt, cap=count_cap)
        return IncidentPage(
            incidents=self.list_incidents(
                flt, limit=limit, offset=offset, newest_first=newest_first
            ),
            count=min(counted, count_cap),
            exact=counted <= count_cap,
        )

    # -- overview counts (all in SQL: nothing is loaded) ------------------------------------------
    def month_counts(self, *, by_actor_kind: bool = False) -> list[overview.MonthCount]:
        """Incidents per month (dated to the month or better, in the month they started, as
        stated), oldest month first; with ``by_actor_kind`` one entry per month and actor kind
        (see :mod:`defender_desk.domain.overview`). Months without incidents are left out."""
        if by_actor_kind:
            sql = (
                "SELECT month, actor_kind, count(*) FROM incidents WHERE month IS NOT NULL"
                " GROUP BY month, actor_kind ORDER BY month, actor_kind"
            )
        else:
            sql = (
                "SELECT month, NULL, count(*) FROM incidents WHERE month IS NOT NULL"
                " GROUP BY month ORDER BY month"
            )
        return [
            overview.MonthCount(int(ym[:4]), int(ym[5:7]), kind, int(n))
            for ym, kind, n in self.conn.execute(sql)
        ]

    def uncertain_counts(self) -> list[overview.UncertainCount]:
        """Incidents dated only to the year or approximately, per date as stated, in date
        order (they are in no month)."""
        out: list[overview.UncertainCount] = []
        for rank, start, low, high, n in self.conn.execute(
            "SELECT sort_rank, sort_start, start_low, start_high, count(*) FROM incidents"
            " WHERE sort_rank < 2 GROUP BY sort_rank, sort_start, start_low, start_high"
        ):
            year, low_year, high_year = int(start[:4]), int(low[:4]), int(high[:4])
            if rank == _RANK_YEAR:
                when = FuzzyDate.in_year(year)
            elif low_year < year:  # the margin of "about": no end year stated
                when = FuzzyDate.about(year)
            else:
                when = FuzzyDate.about(year, high_year)
            out.append(overview.UncertainCount(when, int(n)))
        out.sort(key=lambda u: u.when.sort_key())
        return out

    def actor_counts(self) -> dict[str, int]:
        """Person id → how many incidents name them as an actor (people never named as one
        are left out)."""
        return {
            r[0]: int(r[1])
            for r in self.conn.execute(
                "SELECT person_id, count(*) FROM incident_people WHERE link = 'actor'"
                " GROUP BY person_id"
            )
        }

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
        terms = _query_terms(flt)
        if terms is not None:
            if terms:
                clauses.append(
                    "i.rowid IN (SELECT rowid FROM incident_search WHERE incident_search MATCH ?)"
                )
                params.append(search.fts_query(terms))
            else:  # a query without letters or digits finds nothing
                clauses.append("0")
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

    def _check_people(self, incident: Incident) -> dict[str, tuple[str, str | None]]:
        """Every person the incident names, as id → (name, institution), in one query; raises
        :class:`NotFound` for the first id that names nobody."""
        ids = list(
            dict.fromkeys([*incident.target_ids, *incident.actor_ids, *incident.witness_ids])
        )
        if not ids:
            return {}
        found = {
            r[0]: (r[1], r[2])
            for r in self.conn.execute(
                "SELECT id, name, institution FROM people"
                f" WHERE id IN ({','.join('?' * len(ids))})",
                ids,
            )
        }
        for pid in ids:
            if pid not in found:
                raise NotFound(kind=N_("person"), id=pid)
        return found

    def _rowid(self, incident_id: str) -> int:
        return int(
            self.conn.execute(
                "SELECT rowid FROM incidents WHERE id = ?", (incident_id,)
            ).fetchone()[0]
        )

    def _write_incident(
        self,
        incident: Incident,
        operation: str,
        people: dict[str, tuple[str, str | None]] | None = None,
    ) -> None:
        """Write the row, its links, its search words and its revision (inside the caller's
        transaction). ``people``: what :meth:`_check_people` returned (asked here if None)."""
        if people is None:
            people = self._check_people(incident)
        data = canonical_json(incident)
        now = _iso(self.clock())
        start_low, start_high = incident.happened.earliest(), incident.happened.latest()
        end_high = (incident.until or incident.happened).latest()
        sort_start, sort_rank, _end, _text = incident.happened.sort_key()
        values = (
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
            overview.actor_kind(people[pid][1] for pid in incident.actor_ids),
            _month(incident),
            now,
            now,
            data.decode("utf-8"),
        )
        columns = (
            "INSERT INTO incidents(id, category, title, start_low, start_high, end_high,"
            " sort_start, sort_rank, targets_self, channel, severity, actor_kind, month,"
            " created_at, updated_at, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        )
        files: list[str] = []
        if operation == "create":
            rowid = int(self.conn.execute(columns, values).lastrowid)
        else:
            self.conn.execute(
                columns + " ON CONFLICT(id) DO UPDATE SET"
                " category = excluded.category, title = excluded.title,"
                " start_low = excluded.start_low, start_high = excluded.start_high,"
                " end_high = excluded.end_high, sort_start = excluded.sort_start,"
                " sort_rank = excluded.sort_rank, targets_self = excluded.targets_self,"
                " channel = excluded.channel, severity = excluded.severity,"
                " actor_kind = excluded.actor_kind, month = excluded.month,"
                " updated_at = excluded.updated_at, data = excluded.data",
                values,
            )
            rowid = self._rowid(incident.id)
            self.conn.execute("DELETE FROM incident_people WHERE incident_id = ?", (incident.id,))
            files = [
                r[0]
                for r in self.conn.execute(
                    "SELECT original_name FROM evidence WHERE incident_id = ?", (incident.id,)
                )
            ]
        links = [
            (incident.id, pid, link)
            for link, ids in (
                ("target", incident.target_ids),
                ("actor", incident.actor_ids),
                ("witness", incident.witness_ids),
            )
            for pid in ids
        ]
        if links:
            self.conn.executemany(
                "INSERT OR IGNORE INTO incident_people(incident_id, person_id, link)"
                " VALUES (?, ?, ?)",
                links,
            )
        names = [name for name, _institution in people.values()]
        search_index.write(self.conn, rowid, incident, names, files, fresh=operation == "create")
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
        search_index.write(self.conn, rowid, incident, names, files)
        self.conn.execute(
            f"UPDATE incidents SET actor_kind = {_ACTOR_KIND_SQL} WHERE rowid = ?", (rowid,)
        )

    def reindex(self, incident_id: str) -> None:
        """Make an incident's derived data again from its record and links: its search words
        and its actor kind (after a person or an evidence file changed, or a restore)."""
        self._index(self.get_incident(incident_id))

    def reindex_all(self) -> int:
        """:meth:`reindex` for every incident at once (inside the caller's transaction): one
        pass, for a restore of many incidents. Returns how many."""
        n = search_index.rebuild(self.conn)
        self.conn.execute(f"UPDATE incidents SET actor_kind = {_ACTOR_KIND_SQL}")
        return n

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
