"""The incidents' full-text index: one row of folded words per incident.

``incident_search`` (migration 0007) is an FTS5 table with one column, ``words``: the folded
words (:func:`defender_desk.domain.search.index_text`) of the incident's title, description,
place, summons details, follow-ups, tags, the names of the people linked to it and the names of
its evidence files. ``rowid`` = ``incidents.rowid``. The ``ascii`` tokenizer splits exactly on
the spaces put there (every non-ASCII character is a word character), ``detail = none`` keeps
no positions (queries are words by their beginning, all required — no phrases), and prefix
indexes of one and two characters serve the shortest queries. ``secure-delete`` is on, so a
deleted incident's words do not linger in the index.

Nothing here imports :mod:`defender_desk.vault.db`: the migration that creates the index calls
:func:`rebuild` after its SQL.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from defender_desk.domain.models import Incident
from defender_desk.domain.search import index_text

Connection = Any


def incident_parts(incident: Incident, names: Iterable[str], files: Iterable[str]) -> list[str]:
    """The texts of an incident that search looks into."""
    parts = [incident.title, incident.description, incident.place]
    if incident.summons is not None:
        s = incident.summons
        parts += [s.who_summoned, s.legal_basis, s.place, s.erdr_number or ""]
    parts += [f.text for f in incident.follow_ups]
    parts += incident.tags
    parts += names
    parts += files
    return parts


def write(
    conn: Connection,
    rowid: int,
    incident: Incident,
    names: Iterable[str],
    files: Iterable[str],
    *,
    fresh: bool = False,
) -> None:
    """Replace the index row of one incident (inside the caller's transaction); ``fresh``: the
    incident was just inserted, there is no row to replace."""
    if not fresh:
        conn.execute("DELETE FROM incident_search WHERE rowid = ?", (rowid,))
    conn.execute(
        "INSERT INTO incident_search(rowid, words) VALUES (?, ?)",
        (rowid, index_text(incident_parts(incident, names, files))),
    )


def rebuild(conn: Connection) -> int:
    """Index every incident again (inside the caller's transaction). Returns how many."""
    names: dict[str, list[str]] = defaultdict(list)
    for incident_id, name in conn.execute(
        "SELECT l.incident_id, p.name FROM incident_people l JOIN people p ON p.id = l.person_id"
    ):
        names[incident_id].append(name)
    files: dict[str, list[str]] = defaultdict(list)
    for incident_id, name in conn.execute(
        "SELECT incident_id, original_name FROM evidence WHERE incident_id IS NOT NULL"
    ):
        files[incident_id].append(name)
    conn.execute("DELETE FROM incident_search")
    n = 0
    for rowid, incident_id, data in conn.execute("SELECT rowid, id, data FROM incidents"):
        incident = Incident.model_validate_json(data)
        conn.execute(
            "INSERT INTO incident_search(rowid, words) VALUES (?, ?)",
            (
                rowid,
                index_text(
                    incident_parts(incident, names.get(incident_id, ()), files.get(incident_id, ()))
                ),
            ),
        )
        n += 1
    return n
