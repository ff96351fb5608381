"""What the overview counts, as plain values (the vault counts them in SQL).

Counting rules (the chart shows what is known, never more):

- An incident whose date is known to the month or better (month, day, exact time) counts once,
  in the month it started, as stated (an end date does not spread it over later months).
- Incidents known only to the year or approximately ("2017", "about 2021") are in no month:
  they are counted apart, per date as stated (:class:`UncertainCount`).
- Each incident counts under one *actor kind*: the institution kind of the first actor listed
  who has one; actors without an institution make it :data:`PERSON`, no actor at all
  :data:`NO_ACTOR`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from defender_desk.domain.dates import FuzzyDate

__all__ = ["NO_ACTOR", "PERSON", "MonthCount", "UncertainCount", "actor_kind"]

#: the actor kind of an incident whose actors have no institution
PERSON = "person"
#: the actor kind of an incident with no actor recorded
NO_ACTOR = "none"


@dataclass(frozen=True, slots=True)
class MonthCount:
    """``count`` incidents in ``year``-``month`` (``kind``: an actor kind, or None for all)."""

    year: int
    month: int
    kind: str | None
    count: int


@dataclass(frozen=True, slots=True)
class UncertainCount:
    """``count`` incidents dated only ``when`` (a year, or approximately)."""

    when: FuzzyDate
    count: int


def actor_kind(institutions: Iterable[str | None]) -> str:
    """The actor kind from the institutions of an incident's actors, in the order listed."""
    seen = False
    for institution in institutions:
        if institution is not None:
            return institution
        seen = True
    return PERSON if seen else NO_ACTOR
