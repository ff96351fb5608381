-- Emergencies (issue 9): the night a relative is detained.
-- Every row keeps its record as canonical JSON (`data`, also the content of its latest revision
-- in the history chain) plus the columns that lists and ordering need. Times: `started_at`,
-- `closed_at`, `written_at` are UTC instants (ISO 8601, with offset); `happened_at` and
-- `checked_at` are the local wall time she lived them, to the minute (`YYYY-MM-DDTHH:MM`), naive
-- like incidents' dates.

-- Her lawyers and helpers, with their phone numbers, entered by her in advance.
-- `source` and `checked_on` only for what she did not enter herself (a number copied from an
-- organisation's own published material): both or neither.
CREATE TABLE emergency_contacts (
    rid         INTEGER PRIMARY KEY,         -- insertion order
    id          TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL CHECK (kind IN ('lawyer', 'helper')),
    name        TEXT NOT NULL,
    phones      TEXT NOT NULL,               -- JSON array of strings
    notes       TEXT NOT NULL,
    source      TEXT NOT NULL,               -- '' = entered by her
    checked_on  TEXT,                        -- ISO date, NULL = entered by her
    data        TEXT NOT NULL
) STRICT;

-- The places to ask: district police departments, temporary detention, hospitals of her area.
CREATE TABLE emergency_places (
    rid         INTEGER PRIMARY KEY,
    id          TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL CHECK (kind IN ('police', 'detention', 'hospital', 'other')),
    name        TEXT NOT NULL,
    phones      TEXT NOT NULL,
    address     TEXT NOT NULL,
    notes       TEXT NOT NULL,
    source      TEXT NOT NULL,
    checked_on  TEXT,
    data        TEXT NOT NULL
) STRICT;

-- One emergency: for a person of her circle; closed into one incident.
-- A person with an emergency cannot be deleted (the foreign key refuses it).
CREATE TABLE emergencies (
    id          TEXT PRIMARY KEY NOT NULL,
    person_id   TEXT NOT NULL REFERENCES people(id),
    started_at  TEXT NOT NULL,               -- UTC instant
    closed_at   TEXT,                        -- UTC instant, NULL while open
    incident_id TEXT REFERENCES incidents(id) ON DELETE SET NULL,
    data        TEXT NOT NULL
) STRICT;
CREATE INDEX emergencies_person ON emergencies(person_id);
CREATE INDEX emergencies_started ON emergencies(started_at);

-- The log of the night: one line per entry. Shown in time order, ties in the order written;
-- `written_order` (1, 2, 3… per emergency) and `written_at` keep the order and time of writing.
CREATE TABLE emergency_entries (
    id            TEXT PRIMARY KEY NOT NULL,
    emergency_id  TEXT NOT NULL REFERENCES emergencies(id) ON DELETE CASCADE,
    written_order INTEGER NOT NULL CHECK (written_order >= 1),
    written_at    TEXT NOT NULL,             -- UTC instant
    happened_at   TEXT NOT NULL,             -- local wall time, to the minute
    text          TEXT NOT NULL,
    check_id      TEXT,                      -- the place check this entry records, if any
    data          TEXT NOT NULL,
    UNIQUE (emergency_id, written_order)
) STRICT;
CREATE INDEX emergency_entries_time ON emergency_entries(emergency_id, happened_at, written_order);

-- Places asked that night: the answer and the officer's name or badge number. Each check is
-- also an entry of the log (`entry_id`), so the timeline holds it in its place.
CREATE TABLE emergency_checks (
    id           TEXT PRIMARY KEY NOT NULL,
    emergency_id TEXT NOT NULL REFERENCES emergencies(id) ON DELETE CASCADE,
    place_id     TEXT REFERENCES emergency_places(id) ON DELETE SET NULL,
    place        TEXT NOT NULL,              -- the place as asked (her list's name, or free text)
    answer       TEXT NOT NULL,
    officer      TEXT NOT NULL,
    checked_at   TEXT NOT NULL,              -- local wall time, to the minute
    entry_id     TEXT NOT NULL REFERENCES emergency_entries(id) ON DELETE CASCADE,
    data         TEXT NOT NULL
) STRICT;
CREATE INDEX emergency_checks_emergency ON emergency_checks(emergency_id, checked_at);

-- Her own wording of the first steps, per language; no row = the text shipped with the app.
CREATE TABLE emergency_guidance (
    lang TEXT PRIMARY KEY NOT NULL CHECK (lang IN ('en', 'ru', 'kk')),
    data TEXT NOT NULL
) STRICT;
