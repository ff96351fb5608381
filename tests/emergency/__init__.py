"""Emergencies (issue 9): the store and facade, and the whole night through the real CLI.

Times are checked in a fixed zone, UTC+5 (Kazakhstan's since March 2024), given to the process
as the POSIX ``TZ`` string ``ALMT-5`` so no tz database is needed."""

from __future__ import annotations

LOCAL_TZ = "ALMT-5"
