-- The record: people, incidents, evidence, the history chain, full-text search.
-- Each row keeps its record as canonical JSON (`data`) plus the columns that lists, filters and
-- sorting need. The history chain is in `revisions`.

CREATE TABLE people (
    id          TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL,
    role        TEXT NOT NULL,
    relation    TEXT,
    institution TEXT,
    data        TEXT NOT NULL
) STRICT;

CREATE TABLE incidents (
    rid           INTEGER PRIMARY KEY,     -- stable rowid: the search index refers to it
    id            TEXT NOT NULL UNIQUE,
    category      TEXT NOT NULL,
    title         TEXT NOT NULL,
    start_low     TEXT NOT NULL,   -- earliest possible moment (ISO, naive local)
    start_high    TEXT NOT NULL,   -- latest possible moment of the start
    end_high      TEXT NOT NULL,   -- latest possible moment of the end (or of the start)
    sort_start    TEXT NOT NULL,   -- the stated start, for sorting
    sort_rank     INTEGER NOT NULL, -- less precise first on ties
    targets_self  INTEGER NOT NULL,
    channel       TEXT,
    severity      INTEGER,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    data          TEXT NOT NULL
) STRICT;
CREATE INDEX incidents_sort ON incidents(sort_start, sort_rank, id);
CREATE INDEX incidents_category ON incidents(category);

CREATE TABLE incident_people (
    incident_id TEXT NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    person_id   TEXT NOT NULL REFERENCES people(id),
    link        TEXT NOT NULL CHECK (link IN ('target', 'actor', 'witness')),
    PRIMARY KEY (incident_id, person_id, link)
) STRICT;
CREATE INDEX incident_people_person ON incident_people(person_id, link);

CREATE TABLE evidence (
    id            TEXT PRIMARY KEY NOT NULL,
    incident_id   TEXT REFERENCES incidents(id) ON DELETE SET NULL,
    object_name   TEXT NOT NULL UNIQUE,
    original_name TEXT NOT NULL,
    size          INTEGER NOT NULL,
    sha256        TEXT NOT NULL,
    added_at      TEXT NOT NULL,
    data          TEXT NOT NULL
) STRICT;
CREATE INDEX evidence_incident ON evidence(incident_id);

CREATE TABLE revisions (
    seq         INTEGER PRIMARY KEY NOT NULL,
    record_kind TEXT NOT NULL,
    record_id   TEXT NOT NULL,
    operation   TEXT NOT NULL CHECK (operation IN ('create', 'edit', 'delete')),
    recorded_at TEXT NOT NULL,
    nonce       BLOB,              -- r_i, NULL once purged
    content     BLOB,              -- canonical JSON, NULL once purged
    commitment  BLOB NOT NULL,     -- c_i = SHA-256(tag ‖ r_i ‖ content)
    hash        BLOB NOT NULL      -- h_i = SHA-256(h_{i-1} ‖ seq ‖ id ‖ op ‖ recorded_at ‖ c_i)
) STRICT;
CREATE INDEX revisions_record ON revisions(record_id, seq);

-- Full-text search (trigram: substring matching, case-folded for Cyrillic and Kazakh).
-- rowid = incidents.rowid. secure-delete so deleted text does not linger in the index.
CREATE VIRTUAL TABLE incident_search USING fts5(
    title, body, people, tags, files, tokenize = 'trigram'
);
INSERT INTO incident_search(incident_search, rank) VALUES ('secure-delete', 1);
