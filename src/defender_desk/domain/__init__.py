"""The pure domain layer: what a record is, independent of storage and screens.

* :mod:`~defender_desk.domain.taxonomy` — the category tree (HURIDOCS "Types of Acts" plus local
  ``DD-`` terms), read once from ``resources/taxonomy.json``, labels in en/ru/kk.
* :mod:`~defender_desk.domain.dates` — :class:`~defender_desk.domain.dates.FuzzyDate`, dates
  known to a precision (exact, day, month, year, approximate), the CLI's WHEN syntax, bounds for
  filters, a sort order and rendering per language.
* :mod:`~defender_desk.domain.models` — pydantic models (Person, Incident with Summons,
  Evidence), their limits, label tables for enums, canonical JSON for the history chain, and
  the conversion of validation failures into :class:`~defender_desk.errors.InvalidInput`.

No I/O here besides reading package resources; no Qt, no database.
"""
