"""Links and threat assessments in the vault, each change a revision in the history chain.

**Links** (record kind ``link``). :meth:`LinkStore.link` creates the link of a pair or changes
its certainty (an edit); :meth:`LinkStore.unlink` removes it with a ``delete`` revision. Unlike a
deleted incident, a removed link is **not purged**: it records what she once thought, and the
earlier revisions stay readable ("the link goes, the history keeps it") — also when the link
goes because one of the two people was deleted.

Refused (:class:`LinkRefused`): a link of a person to themselves; a link between two people who
are not both actors; and any link that contradicts a *confirmed* identity — a probable or
possible link between two people already the same through a chain of confirmed links, or a
confirmed link (or an upgrade to confirmed) that would make the two ends of an existing
probable or possible link the same. A confirmed link that closes a cycle of confirmed links
agrees with them and is accepted.

**Assessments** (record kind ``assessment``). :meth:`AssessmentStore.add` writes version 1;
:meth:`AssessmentStore.reassess` writes the next version (the fields not given are carried
over from the latest) with its own date, never before the previous version's date. Each version
is a revision (``create``, then ``edit``); deleting an assessment purges all of them like any
deleted record.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

from pydantic import ValidationError

from defender_desk.analysis.models import Certainty, PersonLink, ThreatAssessment
from defender_desk.domain.models import PersonRole, canonical_json, validation_to_error
from defender_desk.errors import N_, DefenderDeskError, InvalidInput, NotFound
from defender_desk.vault import db, history

Connection = Any
_ID_ALPHABET = "23456789abcdefghijkmnpqrstuvwxyz"

__all__ = [
    "AssessmentStore",
    "LinkContradictsConfirmed",
    "LinkNeedsActors",
    "LinkRefused",
    "LinkStore",
    "LinkWouldConfirm",
    "NotLinked",
    "SelfLink",
    "confirmed_groups",
]


class LinkRefused(DefenderDeskError):
    """A link that cannot be made or removed (ids only, never names)."""

    message = N_("cannot link {id} and {other}")


class SelfLink(LinkRefused):
    message = N_("a person cannot be linked to themselves ({id})")


class LinkNeedsActors(LinkRefused):
    message = N_("only actors can be linked ({id}, {other})")


class LinkContradictsConfirmed(LinkRefused):
    message = N_(
        "{id} and {other} are already confirmed as the same ({path});"
        " a probable or possible link would contradict that"
    )


class LinkWouldConfirm(LinkRefused):
    message = N_(
        "this would confirm {a} and {b} as the same, but their link {link} is not confirmed;"
        " change or remove that link first"
    )


class NotLinked(LinkRefused):
    message = N_("{id} and {other} are not linked")


R_VERSION_DATE = N_("a reassessment cannot be dated before the previous version")


def _new_id(prefix: str) -> str:
    return prefix + "-" + "".join(secrets.choice(_ID_ALPHABET) for _ in range(8))


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="microseconds")


def _validate_link(data: dict[str, Any]) -> PersonLink:
    try:
        return PersonLink.model_validate_json(json.dumps(data))
    except ValidationError as exc:
        raise validation_to_error(exc) from None


def _validate_assessment(data: dict[str, Any]) -> ThreatAssessment:
    try:
        return ThreatAssessment.model_validate_json(json.dumps(data))
    except ValidationError as exc:
        raise validation_to_error(exc) from None


def confirmed_groups(links: Iterable[PersonLink]) -> dict[str, str]:
    """Union-find over confirmed links: person id → a root id shared by the whole group (only
    people named in a confirmed link appear)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for link in links:
        if link.certainty is Certainty.CONFIRMED:
            a, b = find(link.person_id), find(link.same_as_id)
            if a != b:
                parent[max(a, b)] = min(a, b)
    return {x: find(x) for x in list(parent)}


def _confirmed_path(links: Iterable[PersonLink], start: str, goal: str) -> list[str] | None:
    """The ids along a chain of confirmed links from ``start`` to ``goal``, or None."""
    graph: dict[str, list[str]] = {}
    for link in links:
        if link.certainty is Certainty.CONFIRMED:
            graph.setdefault(link.person_id, []).append(link.same_as_id)
            graph.setdefault(link.same_as_id, []).append(link.person_id)
    came: dict[str, str | None] = {start: None}
    queue = [start]
    while queue:
        node = queue.pop(0)
        if node == goal:
            path = [node]
            while came[path[-1]] is not None:
                prev = came[path[-1]]
                assert prev is not None
                path.append(prev)
            return path[::-1]
        for nxt in sorted(graph.get(node, [])):
            if nxt not in came:
                came[nxt] = node
                queue.append(nxt)
    return None


class LinkStore:
    def __init__(self, conn: Connection, clock: Callable[[], datetime]) -> None:
        self.conn = conn
        self.clock = clock

    def listing(self, person_id: str | None = None) -> list[PersonLink]:
        if person_id is None:
            rows = self.conn.execute("SELECT data FROM person_links ORDER BY id")
        else:
            rows = self.conn.execute(
                "SELECT data FROM person_links WHERE person_id = ? OR same_as_id = ? ORDER BY id",
                (person_id, person_id),
            )
        return [PersonLink.model_validate_json(r[0]) for r in rows]

    def between(self, a: str, b: str) -> PersonLink | None:
        row = self.conn.execute(
            "SELECT data FROM person_links WHERE (person_id = ? AND same_as_id = ?)"
            " OR (person_id = ? AND same_as_id = ?)",
            (a, b, b, a),
        ).fetchone()
        return None if row is None else PersonLink.model_validate_json(row[0])

    def _role(self, person_id: str) -> str:
        row = self.conn.execute("SELECT role FROM people WHERE id = ?", (person_id,)).fetchone()
        if row is None:
            raise NotFound(kind=N_("person"), id=person_id)
        return str(row[0])

    def link(
        self, person_id: str, same_as_id: str, certainty: Certainty | str, note: str | None = None
    ) -> PersonLink:
        """Link ``person_id`` as (possibly) the same as ``same_as_id``; if the pair is linked
        already, change that link's certainty (and note, if given)."""
        certainty = Certainty(certainty)
        fields = {"id": person_id, "other": same_as_id}
        if person_id == same_as_id:
            self._role(person_id)
            raise SelfLink(**fields)
        if {self._role(person_id), self._role(same_as_id)} != {PersonRole.ACTOR.value}:
            raise LinkNeedsActors(**fields)
        existing = self.between(person_id, same_as_id)
        others = [k for k in self.listing() if existing is None or k.id != existing.id]
        if certainty is not Certainty.CONFIRMED:
            path = _confirmed_path(others, person_id, same_as_id)
            if path is not None:
                raise LinkContradictsConfirmed(**fields, path=" = ".join(path), path_ids=path)
        else:
            draft = PersonLink(
                id="new", person_id=person_id, same_as_id=same_as_id, certainty=certainty
            )
            groups = confirmed_groups([*others, draft])
            for weak in others:
                if weak.certainty is Certainty.CONFIRMED:
                    continue
                ga, gb = groups.get(weak.person_id), groups.get(weak.same_as_id)
                if ga is not None and ga == gb:
                    raise LinkWouldConfirm(
                        **fields, a=weak.person_id, b=weak.same_as_id, link=weak.id
                    )
        if existing is None:
            record = _validate_link(
                {
                    "id": _new_id("l"),
                    "person_id": person_id,
                    "same_as_id": same_as_id,
                    "certainty": certainty.value,
                    "note": note or "",
                }
            )
            operation = "create"
        else:
            record = _validate_link(
                {
                    **existing.model_dump(mode="json"),
                    "certainty": certainty.value,
                    **({} if note is None else {"note": note}),
                }
            )
            operation = "edit"
        with db.transaction(self.conn):
            self._write(record, operation)
        return record

    def _write(self, link: PersonLink, operation: str) -> None:
        data = canonical_json(link)
        self.conn.execute(
            "INSERT INTO person_links(id, person_id, same_as_id, certainty, data)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET"
            " certainty = excluded.certainty, data = excluded.data",
            (link.id, link.person_id, link.same_as_id, link.certainty.value, data.decode()),
        )
        history.append(self.conn, "link", link.id, operation, data, self.clock())

    def unlink(self, person_id: str, other_id: str) -> PersonLink:
        """Remove the link between the two (either direction); its history stays readable."""
        self._role(person_id)
        self._role(other_id)
        existing = self.between(person_id, other_id)
        if existing is None:
            raise NotLinked(id=person_id, other=other_id)
        with db.transaction(self.conn):
            self._remove(existing)
        return existing

    def remove_all_of(self, person_id: str) -> list[PersonLink]:
        """Remove every link of ``person_id`` in one transaction (before deleting them)."""
        links = self.listing(person_id)
        if links:
            with db.transaction(self.conn):
                for link in links:
                    self._remove(link)
        return links

    def _remove(self, link: PersonLink) -> None:
        self.conn.execute("DELETE FROM person_links WHERE id = ?", (link.id,))
        tomb = json.dumps({"deleted": link.id}, separators=(",", ":")).encode()
        history.append(self.conn, "link", link.id, "delete", tomb, self.clock())

    def consistency_problems(self) -> list[history.Problem]:
        problems: list[history.Problem] = []
        for rid, data in self.conn.execute("SELECT id, data FROM person_links ORDER BY id"):
            if history.latest_content(self.conn, rid) != data.encode("utf-8"):
                problems.append(
                    history.Problem(
                        N_("history: the {kind} {id} differs from its last revision"),
                        {"kind": N_("link"), "id": rid},
                    )
                )
        return problems


class AssessmentStore:
    def __init__(self, conn: Connection, clock: Callable[[], datetime]) -> None:
        self.conn = conn
        self.clock = clock

    def _check_subject(self, assessment: ThreatAssessment) -> None:
        if (
            assessment.incident_id is not None
            and not self.conn.execute(
                "SELECT 1 FROM incidents WHERE id = ?", (assessment.incident_id,)
            ).fetchone()
        ):
            raise NotFound(kind=N_("incident"), id=assessment.incident_id)
        if (
            assessment.actor_id is not None
            and not self.conn.execute(
                "SELECT 1 FROM people WHERE id = ?", (assessment.actor_id,)
            ).fetchone()
        ):
            raise NotFound(kind=N_("person"), id=assessment.actor_id)

    def add(self, draft: dict[str, Any]) -> ThreatAssessment:
        """Version 1 from a JSON-shaped draft (dates as ISO strings)."""
        draft = {k: v for k, v in draft.items() if v is not None}
        assessment = _validate_assessment({**draft, "id": _new_id("a"), "version": 1})
        self._check_subject(assessment)
        with db.transaction(self.conn):
            self._write(assessment, "create")
        return assessment

    def reassess(self, assessment_id: str, changes: dict[str, Any]) -> ThreatAssessment:
        """The next version: ``changes`` over the latest version (None clears an optional
        field); ``assessed_on`` must be given and not before the latest version's."""
        current = self.get(assessment_id)
        merged = {**current.model_dump(mode="json"), **changes}
        merged = {k: v for k, v in merged.items() if v is not None}
        merged.update(id=assessment_id, version=current.version + 1)
        assessment = _validate_assessment(merged)
        if assessment.assessed_on < current.assessed_on:
            raise InvalidInput(field="assessed_on", reason=R_VERSION_DATE)
        self._check_subject(assessment)
        with db.transaction(self.conn):
            self._write(assessment, "edit")
        return assessment

    def _write(self, assessment: ThreatAssessment, operation: str) -> None:
        data = canonical_json(assessment)
        text = data.decode("utf-8")
        now = self.clock()
        self.conn.execute(
            "INSERT INTO assessments(id, incident_id, actor_id, version, assessed_on,"
            " reassess_by, created_at, updated_at, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(id) DO UPDATE SET incident_id = excluded.incident_id,"
            " actor_id = excluded.actor_id, version = excluded.version,"
            " assessed_on = excluded.assessed_on, reassess_by = excluded.reassess_by,"
            " updated_at = excluded.updated_at, data = excluded.data",
            (
                assessment.id,
                assessment.incident_id,
                assessment.actor_id,
                assessment.version,
                assessment.assessed_on.isoformat(),
                None if assessment.reassess_by is None else assessment.reassess_by.isoformat(),
                _iso(now),
                _iso(now),
                text,
            ),
        )
        self.conn.execute(
            "INSERT INTO assessment_versions(assessment_id, version, assessed_on, recorded_at,"
            " data) VALUES (?, ?, ?, ?, ?)",
            (
                assessment.id,
                assessment.version,
                assessment.assessed_on.isoformat(),
                history.timestamp(now),
                text,
            ),
        )
        history.append(self.conn, "assessment", assessment.id, operation, data, now)

    def get(self, assessment_id: str) -> ThreatAssessment:
        row = self.conn.execute(
            "SELECT data FROM assessments WHERE id = ?", (assessment_id,)
        ).fetchone()
        if row is None:
            raise NotFound(kind=N_("assessment"), id=assessment_id)
        return ThreatAssessment.model_validate_json(row[0])

    def versions(self, assessment_id: str) -> list[ThreatAssessment]:
        """Every version, oldest first."""
        self.get(assessment_id)
        return [
            ThreatAssessment.model_validate_json(r[0])
            for r in self.conn.execute(
                "SELECT data FROM assessment_versions WHERE assessment_id = ? ORDER BY version",
                (assessment_id,),
            )
        ]

    def listing(self) -> list[ThreatAssessment]:
        """The latest version of each assessment, most recently assessed first."""
        return [
            ThreatAssessment.model_validate_json(r[0])
            for r in self.conn.execute(
                "SELECT data FROM assessments ORDER BY assessed_on DESC, created_at DESC, id"
            )
        ]

    def of_person(self, person_id: str) -> list[str]:
        return [
            r[0]
            for r in self.conn.execute(
                "SELECT id FROM assessments WHERE actor_id = ? ORDER BY id", (person_id,)
            )
        ]

    def of_incident(self, incident_id: str) -> list[str]:
        return [
            r[0]
            for r in self.conn.execute(
                "SELECT id FROM assessments WHERE incident_id = ? ORDER BY id", (incident_id,)
            )
        ]

    def delete(self, assessment_id: str) -> None:
        """Delete it with every version, purged from the history."""
        self.get(assessment_id)
        with db.transaction(self.conn):
            self.conn.execute(
                "DELETE FROM assessment_versions WHERE assessment_id = ?", (assessment_id,)
            )
            self.conn.execute("DELETE FROM assessments WHERE id = ?", (assessment_id,))
            tomb = json.dumps({"deleted": assessment_id}, separators=(",", ":")).encode()
            history.append(self.conn, "assessment", assessment_id, "delete", tomb, self.clock())
            history.purge(self.conn, assessment_id)
        db.checkpoint(self.conn)

    def due(self, today: date, days: int = 0) -> list[ThreatAssessment]:
        """Latest versions whose reassess-by date is on or before ``today + days``."""
        horizon = date.fromordinal(today.toordinal() + days).isoformat()
        return [
            ThreatAssessment.model_validate_json(r[0])
            for r in self.conn.execute(
                "SELECT data FROM assessments WHERE reassess_by IS NOT NULL AND reassess_by <= ?"
                " ORDER BY reassess_by, id",
                (horizon,),
            )
        ]

    def consistency_problems(self) -> list[history.Problem]:
        """Rows that differ from their last revision, and an assessment whose latest version
        row is missing or differs."""
        problems: list[history.Problem] = []
        for rid, version, data in self.conn.execute(
            "SELECT id, version, data FROM assessments ORDER BY id"
        ):
            row = self.conn.execute(
                "SELECT data FROM assessment_versions WHERE assessment_id = ? AND version = ?",
                (rid, version),
            ).fetchone()
            raw = data.encode("utf-8")
            if history.latest_content(self.conn, rid) != raw or row is None or row[0] != data:
                problems.append(
                    history.Problem(
                        N_("history: the {kind} {id} differs from its last revision"),
                        {"kind": N_("assessment"), "id": rid},
                    )
                )
        return problems
