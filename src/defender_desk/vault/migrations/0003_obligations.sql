-- Obligations: probation, restrictions, check-ins, hearings; the attendance log and the
-- supervision events that prove she complied. Each row keeps its record as canonical JSON
-- (`data`, validated by defender_desk.obligations.models) plus the columns that lists and
-- ordering need. Every change also appends a revision (record kinds "obligation",
-- "attendance", "supervision") to the history chain in `revisions`.
-- Evidence files (a photo of a stamp, a written warning) are rows of `evidence` with no
-- incident; the ids are listed in the entry's JSON.

CREATE TABLE obligations (
    id         TEXT PRIMARY KEY NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('probation', 'restriction', 'checkin', 'hearing')),
    starts     TEXT NOT NULL,   -- ISO date: first day (a hearing: its day)
    ends       TEXT,            -- ISO date: last day in force (inclusive); NULL = open-ended
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    data       TEXT NOT NULL
) STRICT;
CREATE INDEX obligations_order ON obligations(starts, id);

CREATE TABLE attendance (
    id            TEXT PRIMARY KEY NOT NULL,
    obligation_id TEXT NOT NULL REFERENCES obligations(id),
    occurrence    TEXT NOT NULL,   -- ISO date of the check-in (scheduled or moved-to day)
    status        TEXT NOT NULL CHECK (status IN ('attended', 'missed', 'moved')),
    created_at    TEXT NOT NULL,
    data          TEXT NOT NULL
) STRICT;
CREATE INDEX attendance_obligation ON attendance(obligation_id, occurrence);

CREATE TABLE supervision_events (
    id            TEXT PRIMARY KEY NOT NULL,
    obligation_id TEXT NOT NULL REFERENCES obligations(id),
    kind          TEXT NOT NULL CHECK (kind IN ('warning', 'permission', 'notification', 'labour')),
    day           TEXT NOT NULL,   -- ISO date of the event (the document's date)
    created_at    TEXT NOT NULL,
    data          TEXT NOT NULL
) STRICT;
CREATE INDEX supervision_obligation ON supervision_events(obligation_id, day);
