-- The overview counts in SQL (issue 15): incidents per month and kind of actor without loading
-- a single record; and a date index that serves every page of a list or a search. `actor_kind` is the institution kind of the first actor listed who has one,
-- 'person' when the actors have none, 'none' without actors (domain/overview.py); `month` is
-- 'YYYY-MM' of the stated start for an incident dated to the month or better (sort_rank ≥ 2:
-- month, day, exact), NULL for one known only to the year or approximately. records.py keeps
-- both current on every write and when a person's institution changes.
ALTER TABLE incidents ADD COLUMN actor_kind TEXT NOT NULL DEFAULT 'none';
ALTER TABLE incidents ADD COLUMN month TEXT;
UPDATE incidents SET
    month = CASE WHEN sort_rank >= 2 THEN substr(sort_start, 1, 7) END,
    actor_kind = coalesce(
        (SELECT p.institution FROM incident_people l JOIN people p ON p.id = l.person_id
          WHERE l.incident_id = incidents.id AND l.link = 'actor' AND p.institution IS NOT NULL
          ORDER BY l.rowid LIMIT 1),
        CASE WHEN EXISTS (SELECT 1 FROM incident_people l
                           WHERE l.incident_id = incidents.id AND l.link = 'actor')
             THEN 'person' ELSE 'none' END
    );
-- Lists and searches walk the date index in order and stop at the page's end: it also carries
-- the columns the filters test (dates, category, channel, severity, aimed at her), so walking
-- it reads no row until a page's rows are fetched.
DROP INDEX incidents_sort;
CREATE INDEX incidents_sort ON incidents(
    sort_start, sort_rank, id, start_low, end_high, category, channel, severity, targets_self
);
-- Covering indexes: the overview's counts read these alone, never a row.
CREATE INDEX incidents_month ON incidents(month, actor_kind) WHERE month IS NOT NULL;
CREATE INDEX incidents_uncertain ON incidents(sort_rank, sort_start, start_low, start_high)
    WHERE sort_rank < 2;
