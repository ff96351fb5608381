"""Obligations: probation, restrictions, check-ins, hearings, and the proof she met them.

Pure code: no I/O, no Qt, no database (the repository, the facade and the CLI live elsewhere).

- :mod:`.models`: the records (pydantic, strict, frozen): :class:`~.models.Probation`,
  :class:`~.models.Restriction`, :class:`~.models.CheckIn` (an RFC 5545 RRULE with moved and
  cancelled occurrences), :class:`~.models.Hearing`, :class:`~.models.AttendanceEntry`,
  :class:`~.models.SupervisionEvent`; bad input raises :class:`~.models.ObligationError`.
- :mod:`.schedule`: occurrences in a window, due / overdue, countdowns, due reminders.
- :mod:`.render`: the same in words, in English, Russian and Kazakh.

The rules, in short (details in :mod:`.schedule`):

- End dates are entered as the verdict states them and are **inclusive**: the last day of
  probation is a day of probation; the day after, it is over.
- Times of day are **local wall time plus an IANA zone name**; rules expand in wall time, so a
  check-in at 10:00 stays at 10:00 across Kazakhstan's 2024-03-01 change; all comparisons and
  reminder arithmetic happen in UTC.
- A check-in **moved onto another** one is refused at validation; nothing is ever dropped.
- A notification shows no record content unless the user opted in.
"""
