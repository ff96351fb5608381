"""Parts of the overview: what one reading of the vault holds, the one function that reads the
timeline's data, styles and small wordings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

from defender_desk.app import (
    CheckIn,
    Countdown,
    Due,
    Emergency,
    Hearing,
)
from defender_desk.domain.models import Incident, Person
from defender_desk.i18n import _, ngettext
from defender_desk.ui.timeline import Timeline, month_buckets

if TYPE_CHECKING:
    from defender_desk.app import AnyObligation, Desk

DUE_DAYS = 14
RECENT = 5
OVERDUE_SHOWN = 5
BACKUP_OLD_DAYS = 30
ID_ROLE = Qt.ItemDataRole.UserRole

CALM_AMBER = (
    "QFrame#{name} {{ background: #fef3c7; border: 1px solid #f59e0b; border-radius: 6px; }}"
)
EMERGENCY = (
    "QFrame#{name} {{ background: #fee2e2; border: 1px solid #ef4444; border-radius: 6px; }}"
)
REMINDER = "QFrame#{name} {{ background: #dbeafe; border: 1px solid #60a5fa; border-radius: 6px; }}"


def first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def relative_day(day_delta: int) -> str:
    """ "today", "tomorrow", "in 3 days" (for a future day)."""
    if day_delta <= 0:
        return _("today")
    if day_delta == 1:
        return _("tomorrow")
    return ngettext("in {n} day", "in {n} days", day_delta).format(n=day_delta)


def days_ago(n: int) -> str:
    if n <= 0:
        return _("today")
    return ngettext("{n} day ago", "{n} days ago", n).format(n=n)


def where(ob: CheckIn | Hearing) -> str:
    return ob.place if isinstance(ob, CheckIn) else ob.body


@dataclass
class _Data:
    """One reading of the facade; rendering uses only this."""

    now: datetime
    countdowns: list[Countdown] = field(default_factory=list)
    due: list[Due] = field(default_factory=list)
    obligations: dict[str, AnyObligation] = field(default_factory=dict)
    recent: list[Incident] = field(default_factory=list)
    timeline: Timeline = field(default_factory=lambda: Timeline([], []))
    people: dict[str, Person] = field(default_factory=dict)
    emergencies: list[Emergency] = field(default_factory=list)
    last_backup: datetime | None = None
    backup_known: bool = False


def load_timeline(desk: Desk, people: list[Person]) -> Timeline:
    """The timeline's data: the ONE place the chart reads the vault (run off the GUI thread).
    When the facade gains SQL aggregates for month and actor counts, only this changes."""
    return month_buckets(desk.list_incidents(), people)
