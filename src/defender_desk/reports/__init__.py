"""Printed documents: the export's chronology (``report.pdf``) and the emergency card.

Both take plain frozen dataclasses already resolved to display text, never the database, and
return PDF bytes; nothing here writes a file. Fonts are the DejaVu files shipped in
``resources/fonts`` (licence beside them).
"""

from __future__ import annotations

from defender_desk.reports.card import (
    CardContact,
    CardInput,
    CardPerson,
    CardPlace,
    default_first_steps,
    render_card,
)
from defender_desk.reports.chronology import (
    ReportAttendance,
    ReportEvidence,
    ReportIncident,
    ReportInput,
    ReportObligation,
    ReportSummons,
    ReportSupervision,
    ReportTimelineEntry,
    render_chronology,
)

__all__ = [
    "CardContact",
    "CardInput",
    "CardPerson",
    "CardPlace",
    "ReportAttendance",
    "ReportEvidence",
    "ReportIncident",
    "ReportInput",
    "ReportObligation",
    "ReportSummons",
    "ReportSupervision",
    "ReportTimelineEntry",
    "default_first_steps",
    "render_card",
    "render_chronology",
]
