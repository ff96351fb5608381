-- Patterns and escalation (issue 16): "possibly the same" links between actors, and threat
-- assessments with every reassessment kept. Each row keeps its record as canonical JSON (`data`,
-- validated by defender_desk.analysis.models; also the content of its latest revision in the
-- history chain, record kinds "link" and "assessment") plus the columns that lists need.
-- Aliases and identifiers of an actor are part of the person's own record (people.data).

-- "person_id is (possibly) the same as same_as_id". One link per pair, whichever direction.
-- A person with links cannot be deleted by the database alone: the app removes the links first
-- (each removal a revision that keeps the link's earlier revisions readable).
CREATE TABLE person_links (
    id         TEXT PRIMARY KEY NOT NULL,
    person_id  TEXT NOT NULL REFERENCES people(id),
    same_as_id TEXT NOT NULL REFERENCES people(id),
    certainty  TEXT NOT NULL CHECK (certainty IN ('confirmed', 'probable', 'possible')),
    data       TEXT NOT NULL,
    CHECK (person_id <> same_as_id)
) STRICT;
CREATE UNIQUE INDEX person_links_pair
    ON person_links(min(person_id, same_as_id), max(person_id, same_as_id));
CREATE INDEX person_links_same_as ON person_links(same_as_id);

-- A threat assessment: the row holds its latest version; every version (the latest too) is a
-- row of assessment_versions. An incident or an actor with assessments cannot be deleted.
CREATE TABLE assessments (
    id          TEXT PRIMARY KEY NOT NULL,
    incident_id TEXT REFERENCES incidents(id),
    actor_id    TEXT REFERENCES people(id),
    version     INTEGER NOT NULL CHECK (version >= 1),
    assessed_on TEXT NOT NULL,   -- ISO date of the latest version
    reassess_by TEXT,            -- ISO date, NULL = none set
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    data        TEXT NOT NULL,
    CHECK (incident_id IS NOT NULL OR actor_id IS NOT NULL)
) STRICT;
CREATE INDEX assessments_incident ON assessments(incident_id);
CREATE INDEX assessments_actor ON assessments(actor_id);
CREATE INDEX assessments_reassess ON assessments(reassess_by);

CREATE TABLE assessment_versions (
    assessment_id TEXT NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
    version       INTEGER NOT NULL CHECK (version >= 1),
    assessed_on   TEXT NOT NULL,
    recorded_at   TEXT NOT NULL,   -- UTC instant the version was written
    data          TEXT NOT NULL,
    PRIMARY KEY (assessment_id, version)
) STRICT;
