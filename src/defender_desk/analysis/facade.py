"""``AnalysisFacade``: aliases, identifiers, links, threat assessments and the analysis per actor
— the methods of :class:`defender_desk.app.Desk` for them (a mixin).

Like the rest of the facade it takes and returns plain values and models, never translated
text: the fronts name trends, certainties and kinds with the ``*_LABELS`` of
:mod:`defender_desk.analysis.models` and :mod:`defender_desk.domain.models`.

What a screen or a report needs:

- :meth:`AnalysisFacade.analysis` — every actor and "all actors" (:class:`Analysis`); per actor
  (:class:`ActorAnalysis`) the months with counts and highest severity, ``series()`` for a chart
  with the empty months filled in (``Analysis.month_span()`` gives one axis for all charts),
  targets, channels, first and last incident, the trend with its basis, the target shift and
  the latest assessment;
- :meth:`AnalysisFacade.escalating_actors` — for the overview;
- :meth:`AnalysisFacade.actors_of_incident` — from an incident to its actors' pages;
- :meth:`AnalysisFacade.assessment_versions` — an assessment's timeline, oldest first;
- :meth:`AnalysisFacade.assessments_due` / :meth:`AnalysisFacade.assessment_reminders` —
  reassess-by dates, beside the obligations' ``due()`` and ``reminders()``;
- :meth:`AnalysisFacade.identity_history` — what she knew of a person at each revision.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from defender_desk.analysis.models import Certainty, PersonLink, ThreatAssessment
from defender_desk.analysis.patterns import WINDOW_MONTHS, ActorAnalysis, Analysis, analyse
from defender_desk.analysis.store import AssessmentStore, LinkStore
from defender_desk.domain.dates import FuzzyDate
from defender_desk.domain.identifiers import (
    IdentifierKind,
    alias_key,
    identifier_key,
    phone_problem,
)
from defender_desk.domain.models import Identifier, Person, validation_to_error
from defender_desk.errors import N_, DefenderDeskError, NotFound
from defender_desk.vault import history

if TYPE_CHECKING:
    from defender_desk.vault.records import RecordStore
    from defender_desk.vault.store import OpenVault

__all__ = [
    "AnalysisFacade",
    "AssessmentDue",
    "AssessmentReminder",
    "IdentifierMatch",
    "IncidentHasAssessments",
    "KnownAs",
    "PersonHasAssessments",
]


class PersonHasAssessments(DefenderDeskError):
    message = N_(
        "threat assessments name this person as the source ({assessments}); delete them first"
    )


class IncidentHasAssessments(DefenderDeskError):
    message = N_("this incident has threat assessments ({assessments}); delete them first")


class AliasNotFound(DefenderDeskError):
    message = N_("the person {id} has no such alias or identifier")


@dataclass(frozen=True, slots=True)
class AssessmentDue:
    """A threat assessment to reassess: ``overdue`` when its date is before today."""

    assessment_id: str
    version: int
    reassess_by: date
    status: Literal["due", "overdue"]
    incident_id: str | None
    actor_id: str | None


@dataclass(frozen=True, slots=True)
class AssessmentReminder:
    """Fires at the start of the reassess-by day (in the user's zone) and stays until she
    reassesses (a new version moves or removes the date)."""

    assessment_id: str
    version: int
    reassess_by: date
    fires_at: datetime  # UTC

    @property
    def key(self) -> str:
        """Stable identity, so a front can remember which reminders it already showed."""
        return f"{self.assessment_id}|{self.version}|{self.reassess_by.isoformat()}"


@dataclass(frozen=True, slots=True)
class IdentifierMatch:
    """``person_id`` matched by one of: its ``name``, an ``alias`` or an ``identifier``
    (``kind`` then says which kind); ``value`` is the matched text as she wrote it."""

    person_id: str
    how: Literal["name", "alias", "identifier"]
    value: str
    kind: IdentifierKind | None = None


@dataclass(frozen=True, slots=True)
class KnownAs:
    """What the person's record said at one revision (what she knew then)."""

    seq: int
    recorded_at: str
    operation: str
    person: Person


class AnalysisFacade:
    """Mixin: needs ``_open()``, ``clock``, ``records``, ``today()`` and ``user_zone()``."""

    if TYPE_CHECKING:
        clock: Callable[[], datetime]

        def _open(self) -> OpenVault: ...

        @property
        def records(self) -> RecordStore: ...

        def today(self) -> date: ...

        def user_zone(self) -> str: ...

    # -- plumbing -----------------------------------------------------------------------------
    @property
    def link_store(self) -> LinkStore:
        return LinkStore(self._open().conn, self.clock)

    @property
    def assessment_store(self) -> AssessmentStore:
        return AssessmentStore(self._open().conn, self.clock)

    # -- aliases and identifiers --------------------------------------------------------------
    def add_alias(self, person_id: str, alias: str) -> Person:
        """Add another name (a new revision of the person; a known alias changes nothing)."""
        person = self.records.get_person(person_id)
        if any(alias_key(a) == alias_key(alias) for a in person.aliases):
            return person
        return self.records.edit_person(person_id, {"aliases": [*person.aliases, alias]})

    def remove_alias(self, person_id: str, alias: str) -> Person:
        """Remove an alias (matched ignoring case) — or, when no alias matches, an identifier
        with that matching key."""
        person = self.records.get_person(person_id)
        kept = [a for a in person.aliases if alias_key(a) != alias_key(alias)]
        if len(kept) != len(person.aliases):
            return self.records.edit_person(person_id, {"aliases": kept})
        return self.remove_identifier(person_id, alias)

    def add_identifier(self, person_id: str, kind: IdentifierKind | str, value: str) -> Person:
        """Add a phone number, badge number, car plate or other identifier (a known one, by
        its matching key, changes nothing)."""
        person = self.records.get_person(person_id)
        item = {"kind": IdentifierKind(kind).value, "value": value}
        try:
            new = Identifier.model_validate_json(json.dumps(item))
        except ValidationError as exc:
            raise validation_to_error(exc) from None
        if any(i.kind is new.kind and i.key() == new.key() for i in person.identifiers):
            return person
        current = [i.model_dump(mode="json") for i in person.identifiers]
        return self.records.edit_person(person_id, {"identifiers": [*current, item]})

    def remove_identifier(
        self, person_id: str, value: str, kind: IdentifierKind | str | None = None
    ) -> Person:
        """Remove the identifiers matching ``value`` (of ``kind``, or of any kind)."""
        person = self.records.get_person(person_id)
        kinds = [IdentifierKind(kind)] if kind is not None else list(IdentifierKind)
        keys = {(k, identifier_key(k, value)) for k in kinds}
        kept = [i for i in person.identifiers if (i.kind, i.key()) not in keys]
        if len(kept) == len(person.identifiers):
            raise AliasNotFound(id=person_id)
        return self.records.edit_person(
            person_id, {"identifiers": [i.model_dump(mode="json") for i in kept]}
        )

    def identify_person(
        self,
        person_id: str,
        name: str,
        *,
        institution: str | None = None,
        keep_old_name: bool = True,
    ) -> Person:
        """She found out who "Неизвестный" is: rename the person (an edit — the earlier
        revisions keep the old name, the incidents are not touched) and keep the old name as
        an alias. To say that he is a person already in her records, link the two as
        confirmed instead (:meth:`link_people`)."""
        person = self.records.get_person(person_id)
        changes: dict[str, Any] = {"name": name}
        if institution is not None:
            changes["institution"] = institution
        if keep_old_name and alias_key(person.name) != alias_key(name):
            changes["aliases"] = [person.name, *person.aliases]
        return self.records.edit_person(person_id, changes)

    def match_identifier(self, text: str) -> list[IdentifierMatch]:
        """People whose name, alias or identifier matches ``text`` (a phone number written
        any usual way, a plate typed on a Cyrillic layout…), by person then how."""
        found: list[IdentifierMatch] = []
        wanted = alias_key(text)
        for person in self.records.list_people():
            if alias_key(person.name) == wanted:
                found.append(IdentifierMatch(person.id, "name", person.name))
            for alias in person.aliases:
                if alias_key(alias) == wanted:
                    found.append(IdentifierMatch(person.id, "alias", alias))
            for ident in person.identifiers:
                if ident.kind is IdentifierKind.PHONE and phone_problem(text):
                    continue
                if ident.key() == identifier_key(ident.kind, text):
                    found.append(IdentifierMatch(person.id, "identifier", ident.value, ident.kind))
        return found

    def identity_history(self, person_id: str) -> list[KnownAs]:
        """Every revision of the person's record still readable, oldest first: the name,
        aliases and identifiers as she knew them at that time."""
        self.records.get_person(person_id)
        out: list[KnownAs] = []
        for r in history.revisions_of(self._open().conn, person_id):
            if r["content"] is None or r["operation"] == "delete":
                continue
            out.append(
                KnownAs(
                    r["seq"],
                    r["recorded_at"],
                    r["operation"],
                    Person.model_validate_json(r["content"]),
                )
            )
        return out

    # -- links --------------------------------------------------------------------------------
    def link_people(
        self,
        person_id: str,
        same_as_id: str,
        certainty: Certainty | str,
        note: str | None = None,
    ) -> PersonLink:
        """``person_id`` is (possibly) ``same_as_id``; relinking a pair changes its certainty.
        Refusals: :class:`~defender_desk.analysis.store.LinkRefused` subclasses."""
        return self.link_store.link(person_id, same_as_id, certainty, note)

    def unlink_people(self, person_id: str, other_id: str) -> PersonLink:
        return self.link_store.unlink(person_id, other_id)

    def list_links(self, person_id: str | None = None) -> list[PersonLink]:
        if person_id is not None:
            self.records.get_person(person_id)
        return self.link_store.listing(person_id)

    # -- deletion guards (called by Desk) -----------------------------------------------------
    def _prepare_person_delete(self, person_id: str) -> None:
        """Refuse what ``records.delete_person`` would refuse, and assessments naming the
        person; then remove the person's links (their history stays readable)."""
        from defender_desk.vault.records import PersonInEmergency, PersonInUse

        records = self.records
        records.get_person(person_id)
        used = sorted({iid for iid, _link in records.person_incidents(person_id)})
        if used:
            raise PersonInUse(incidents=", ".join(used), ids=used)
        conn = self._open().conn
        logs = [
            r[0]
            for r in conn.execute(
                "SELECT id FROM emergencies WHERE person_id = ? ORDER BY id", (person_id,)
            )
        ]
        if logs:
            raise PersonInEmergency(emergencies=", ".join(logs), ids=logs)
        named = self.assessment_store.of_person(person_id)
        if named:
            raise PersonHasAssessments(assessments=", ".join(named), ids=named)
        self.link_store.remove_all_of(person_id)

    def _prepare_incident_delete(self, incident_id: str) -> None:
        self.records.get_incident(incident_id)
        named = self.assessment_store.of_incident(incident_id)
        if named:
            raise IncidentHasAssessments(assessments=", ".join(named), ids=named)

    # -- threat assessments -------------------------------------------------------------------
    def add_assessment(self, draft: dict[str, Any]) -> ThreatAssessment:
        """Version 1 from a JSON-shaped draft (``assessed_on`` defaults to today in the user's
        zone). A reassess-by date in the past is accepted: it is due at once."""
        if not draft.get("assessed_on"):
            draft = {**draft, "assessed_on": self.today().isoformat()}
        return self.assessment_store.add(draft)

    def reassess(self, assessment_id: str, changes: dict[str, Any]) -> ThreatAssessment:
        """A new dated version over the latest one (``assessed_on`` defaults to today)."""
        if not changes.get("assessed_on"):
            changes = {**changes, "assessed_on": self.today().isoformat()}
        return self.assessment_store.reassess(assessment_id, changes)

    def get_assessment(self, assessment_id: str) -> ThreatAssessment:
        return self.assessment_store.get(assessment_id)

    def assessment_versions(self, assessment_id: str) -> list[ThreatAssessment]:
        """Every version, oldest first: the assessment's timeline."""
        return self.assessment_store.versions(assessment_id)

    def delete_assessment(self, assessment_id: str) -> None:
        self.assessment_store.delete(assessment_id)

    def list_assessments(self, actor_id: str | None = None) -> list[ThreatAssessment]:
        """The latest version of each assessment, most recently assessed first; with
        ``actor_id``, those whose source is that actor (or an actor confirmed the same) or
        whose incident names one of them as an actor."""
        items = self.assessment_store.listing()
        if actor_id is None:
            return items
        self.records.get_person(actor_id)
        group = self._group_of(actor_id)
        incidents = {
            iid
            for pid in group
            for iid, link in self.records.person_incidents(pid)
            if link == "actor"
        }
        return [
            a
            for a in items
            if (a.actor_id is not None and a.actor_id in group)
            or (a.incident_id is not None and a.incident_id in incidents)
        ]

    def _group_of(self, person_id: str) -> set[str]:
        from defender_desk.analysis.store import confirmed_groups

        roots = confirmed_groups(self.link_store.listing())
        root = roots.get(person_id)
        if root is None:
            return {person_id}
        return {p for p, r in roots.items() if r == root}

    def assessments_due(self, today: date | None = None, days: int = 0) -> list[AssessmentDue]:
        """Assessments to reassess by the end of ``today + days`` (default: today in the
        user's zone): overdue ones (date before today) first, then by date."""
        if days < 0:
            raise ValueError("days must not be negative")
        day = self.today() if today is None else today
        out = [
            AssessmentDue(
                a.id,
                a.version,
                a.reassess_by,
                "overdue" if a.reassess_by < day else "due",
                a.incident_id,
                a.actor_id,
            )
            for a in self.assessment_store.due(day, days)
            if a.reassess_by is not None
        ]
        return out

    def assessment_reminders(
        self, now: datetime | None = None, since: datetime | None = None
    ) -> list[AssessmentReminder]:
        """Reminders due at ``now`` (aware; default: the clock) and not already due at
        ``since``: one per assessment whose reassess-by day has begun in the user's zone.
        Show them with neutral text unless she opted in to details, like the obligations'."""
        moment = (self.clock() if now is None else now).astimezone(UTC)
        after = None if since is None else since.astimezone(UTC)
        zone = ZoneInfo(self.user_zone())
        today = moment.astimezone(zone).date()
        out: list[AssessmentReminder] = []
        for a in self.assessment_store.due(today, 0):
            assert a.reassess_by is not None
            fires = datetime.combine(a.reassess_by, time(), zone).astimezone(UTC)
            if fires <= moment and (after is None or fires > after):
                out.append(AssessmentReminder(a.id, a.version, a.reassess_by, fires))
        out.sort(key=lambda r: (r.fires_at, r.assessment_id))
        return out

    # -- the analysis -------------------------------------------------------------------------
    def analysis(
        self,
        date_from: FuzzyDate | None = None,
        date_until: FuzzyDate | None = None,
        *,
        today: date | None = None,
        window_months: int = WINDOW_MONTHS,
    ) -> Analysis:
        """Every actor (confirmed-same people merged) and all actors together; see
        :mod:`defender_desk.analysis.patterns` for the rules and ``docs/analysis.md``."""
        records = self.records
        return analyse(
            records.list_incidents(),
            {p.id: p for p in records.list_people()},
            self.link_store.listing(),
            self.assessment_store.listing(),
            today=self.today() if today is None else today,
            date_from=date_from,
            date_until=date_until,
            window_months=window_months,
        )

    def actor_analysis(
        self,
        person_id: str,
        date_from: FuzzyDate | None = None,
        date_until: FuzzyDate | None = None,
        *,
        today: date | None = None,
    ) -> ActorAnalysis:
        """The analysis of the actor (or confirmed group) ``person_id`` belongs to."""
        person = self.records.get_person(person_id)
        found = self.analysis(date_from, date_until, today=today).actor(person.id)
        if found is None:
            raise NotFound(kind=N_("actor"), id=person_id)
        return found

    def escalating_actors(self, *, today: date | None = None) -> list[ActorAnalysis]:
        """Actors whose trend is escalating now, for the overview (most incidents first)."""
        from defender_desk.analysis.models import Trend

        return [a for a in self.analysis(today=today).actors if a.trend is Trend.ESCALATING]

    def actors_of_incident(
        self, incident_id: str, *, today: date | None = None
    ) -> list[ActorAnalysis]:
        """The analysis of each actor the incident names (one per confirmed group)."""
        incident = self.records.get_incident(incident_id)
        result = self.analysis(today=today)
        out: dict[str, ActorAnalysis] = {}
        for pid in incident.actor_ids:
            found = result.actor(pid)
            if found is not None:
                out.setdefault(found.id, found)
        return list(out.values())

    def analysis_problems(self) -> list[history.Problem]:
        """For ``check``: link and assessment rows that differ from their last revision."""
        return self.link_store.consistency_problems() + self.assessment_store.consistency_problems()
