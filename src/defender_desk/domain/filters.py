"""What a list of incidents shows: the filter the fronts build and the record store applies.

Pure data (no I/O), so the desktop and the CLI can build one without reaching below the facade.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from defender_desk.domain.dates import FuzzyDate
from defender_desk.domain.models import Incident

__all__ = ["IncidentFilter", "IncidentPage"]


@dataclass
class IncidentFilter:
    """What a list shows. Dates are inclusive; an uncertain incident is shown if it *may* fall
    inside the range. ``category`` includes its descendants. ``target`` is a person id or
    ``"self"``."""

    query: str | None = None
    date_from: FuzzyDate | None = None
    date_until: FuzzyDate | None = None
    categories: list[str] = field(default_factory=list)
    target: str | None = None
    actor: str | None = None
    actor_kind: str | None = None
    channel: str | None = None
    severity_min: int | None = None
    has_evidence: bool | None = None
    ids: list[str] | None = None


@dataclass(frozen=True)
class IncidentPage:
    """A page of a list or search, with a count that stops at a cap: ``exact`` False means
    "``count`` or more" (show "1,000+"); ask for the full count without a cap, off the GUI
    thread, when it is wanted."""

    incidents: list[Incident]
    count: int
    exact: bool
