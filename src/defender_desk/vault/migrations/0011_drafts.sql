-- Drafts (issue 17): what she was typing in an editor when the vault locked, kept encrypted in
-- the vault (never on disk in the clear) and offered again after the next unlock. A draft is
-- not part of the record: no revision in the history chain, no search index, not exported.
-- `kind` names the editor (incident, person, obligation, contact, emergency_*), `record_id` the
-- record it edits (NULL for a new one), `payload` the editor's fields as JSON, `saved_at` a UTC
-- instant (ISO 8601).
CREATE TABLE drafts (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    record_id   TEXT,
    saved_at    TEXT NOT NULL,
    payload     TEXT NOT NULL
) STRICT;
