"""Records of the analysis: "possibly the same" links between actors and threat assessments.

Models are strict, frozen pydantic v2 models like :mod:`defender_desk.domain.models`; stored
records are read back with ``Model.model_validate_json``. No error carries record content.

**Links.** ``PersonLink(person_id, same_as_id, certainty)`` says "``person_id`` is (possibly)
``same_as_id``". Only *confirmed* links merge two actors in the analysis; probable and possible
ones are shown beside the actor and never change a count.

**Threat assessments** follow the five steps that security trainers teach (Front Line
Defenders): the facts, the pattern over time, the objective, the source (who is making it — an
actor, with how sure she is), and a reasoned conclusion; plus whether the threat was *declared*
(made to her) or is *possible* (signals, pressure on the people around her), likelihood and
impact from 1 to 5, what she will do (measures) and a date to reassess it by. Each
reassessment is a new version with its own date; every version is kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from defender_desk.domain.dates import pydantic_error
from defender_desk.domain.models import LongText, RecordId
from defender_desk.errors import N_

__all__ = [
    "CERTAINTY_LABELS",
    "NATURE_LABELS",
    "RISK_LABELS",
    "SHIFT_LABELS",
    "TREND_LABELS",
    "Certainty",
    "PersonLink",
    "TargetShift",
    "ThreatAssessment",
    "ThreatNature",
    "Trend",
    "risk_level",
]

R_SELF_LINK = N_("a person cannot be linked to themselves")
R_NO_SUBJECT = N_("give the incident or the actor it is about")
R_CERTAINTY = N_("a certainty is given only with an actor")


class Certainty(StrEnum):
    CONFIRMED = "confirmed"
    PROBABLE = "probable"
    POSSIBLE = "possible"


class ThreatNature(StrEnum):
    DECLARED = "declared"  # made to her, in words or in writing
    POSSIBLE = "possible"  # signals: surveillance, pressure on the people around her


class Trend(StrEnum):
    ESCALATING = "escalating"
    STABLE = "stable"
    DEESCALATING = "de-escalating"
    INSUFFICIENT = "insufficient"


class TargetShift(StrEnum):
    TOWARDS_FAMILY = "towards_family"
    AWAY_FROM_FAMILY = "away_from_family"
    NONE = "none"
    INSUFFICIENT = "insufficient"


CERTAINTY_LABELS: Mapping[Certainty, str] = {
    Certainty.CONFIRMED: N_("Confirmed"),
    Certainty.PROBABLE: N_("Probable"),
    Certainty.POSSIBLE: N_("Possible"),
}
NATURE_LABELS: Mapping[ThreatNature, str] = {
    ThreatNature.DECLARED: N_("Declared threat (made to her)"),
    ThreatNature.POSSIBLE: N_("Possible threat (signals, pressure on people around her)"),
}
TREND_LABELS: Mapping[Trend, str] = {
    Trend.ESCALATING: N_("Escalating"),
    Trend.STABLE: N_("Stable"),
    Trend.DEESCALATING: N_("De-escalating"),
    Trend.INSUFFICIENT: N_("Not enough data"),
}
SHIFT_LABELS: Mapping[TargetShift, str] = {
    TargetShift.TOWARDS_FAMILY: N_("Moving towards her family"),
    TargetShift.AWAY_FROM_FAMILY: N_("Moving away from her family"),
    TargetShift.NONE: N_("No shift of targets"),
    TargetShift.INSUFFICIENT: N_("Not enough data"),
}

_CONFIG = ConfigDict(strict=True, extra="forbid", hide_input_in_errors=True, frozen=True)
Level = Annotated[int, Field(ge=1, le=5)]


class PersonLink(BaseModel):
    """``person_id`` is (possibly) the same as ``same_as_id``; ``note``: why she thinks so."""

    model_config = _CONFIG

    id: RecordId
    person_id: RecordId
    same_as_id: RecordId
    certainty: Certainty
    note: LongText = ""

    @model_validator(mode="after")
    def _not_self(self) -> PersonLink:
        if self.person_id == self.same_as_id:
            raise pydantic_error(R_SELF_LINK, field="same_as_id")
        return self

    def other(self, person_id: str) -> str:
        return self.same_as_id if person_id == self.person_id else self.person_id


class ThreatAssessment(BaseModel):
    """One version of a threat assessment. ``id`` is the assessment's, ``version`` counts from
    1; ``assessed_on`` is the day she made this version. At least one of ``incident_id`` and
    ``actor_id`` is given; ``actor_id`` is the source (who is making the threat) and
    ``source_certainty`` how sure she is of it (None: not said)."""

    model_config = _CONFIG

    id: RecordId
    version: Annotated[int, Field(ge=1)] = 1
    assessed_on: date
    incident_id: RecordId | None = None
    actor_id: RecordId | None = None
    source_certainty: Certainty | None = None
    nature: ThreatNature | None = None
    facts: LongText = ""
    pattern: LongText = ""
    objective: LongText = ""
    source: LongText = ""
    conclusion: LongText = ""
    likelihood: Level
    impact: Level
    measures: LongText = ""
    reassess_by: date | None = None

    @model_validator(mode="after")
    def _subject(self) -> ThreatAssessment:
        if self.incident_id is None and self.actor_id is None:
            raise pydantic_error(R_NO_SUBJECT, field="incident_id")
        if self.source_certainty is not None and self.actor_id is None:
            raise pydantic_error(R_CERTAINTY, field="source_certainty")
        return self

    @property
    def risk(self) -> int:
        """Likelihood × impact, 1 to 25."""
        return self.likelihood * self.impact


RISK_LABELS: Mapping[str, str] = {
    "low": N_("Low risk"),
    "medium": N_("Medium risk"),
    "high": N_("High risk"),
    "very_high": N_("Very high risk"),
}


def risk_level(risk: int) -> str:
    """``low`` (1–4), ``medium`` (5–9), ``high`` (10–16) or ``very_high`` (17–25) for a
    likelihood × impact product: the bands of a 5×5 risk matrix."""
    if risk <= 4:
        return "low"
    if risk <= 9:
        return "medium"
    if risk <= 16:
        return "high"
    return "very_high"
