"""Emergencies (issue 9): when a relative is detained — contacts and places prepared in advance,
the first steps, the log of the night, the emergency card, and closing the log into an incident.

``store`` holds the records (``EmergencyStore``), ``guidance`` the first-steps checklist, and
``facade`` the ``EmergencyFacade`` mixin of :class:`defender_desk.app.Desk`.
"""
