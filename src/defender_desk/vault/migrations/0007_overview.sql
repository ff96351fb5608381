-- The overview counts in SQL (issue 15): incidents per month and kind of actor without loading
-- a single record. `actor_kind` is the institution kind of the first actor listed who has one,
-- 'person' when the actors have none, 'none' without actors (domain/overview.py); records.py
-- keeps it current on every write and when a person's institution changes.
ALTER TABLE incidents ADD COLUMN actor_kind TEXT NOT NULL DEFAULT 'none';
UPDATE incidents SET actor_kind = coalesce(
    (SELECT p.institution FROM incident_people l JOIN people p ON p.id = l.person_id
      WHERE l.incident_id = incidents.id AND l.link = 'actor' AND p.institution IS NOT NULL
      ORDER BY l.rowid LIMIT 1),
    CASE WHEN EXISTS (SELECT 1 FROM incident_people l
                       WHERE l.incident_id = incidents.id AND l.link = 'actor')
         THEN 'person' ELSE 'none' END
);
-- Dated to the month or better (sort_rank ≥ 2: month, day, exact): its month as stated.
CREATE INDEX incidents_month ON incidents(substr(sort_start, 1, 7), actor_kind)
    WHERE sort_rank >= 2;
-- Dated only to the year or approximately: counted apart, per stated date.
CREATE INDEX incidents_uncertain ON incidents(sort_rank, sort_start, start_low, start_high)
    WHERE sort_rank < 2;
