"""``EmergencyFacade``: the emergency methods of :class:`defender_desk.app.Desk` (a mixin).

``class Desk(EmergencyFacade, …)`` — the mixin uses the desk's ``_open()``, ``clock``,
``add_evidence`` and ``get_person``. Like the rest of the facade it takes and returns plain values
and models, never translated text: texts that end up in the record or on paper (the incident's
timeline, the card) are in the language passed as ``lang`` (default: the current language).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from defender_desk import i18n, safewrite
from defender_desk.domain.models import Evidence, Incident, Person
from defender_desk.emergency import guidance as guidance_mod
from defender_desk.emergency.store import (
    ContactKind,
    Emergency,
    EmergencyContact,
    EmergencyPlace,
    EmergencyStore,
    EmergencyView,
    LogEntry,
    PlaceCheck,
    PlaceKind,
    format_iin,
    report_timeline,
)

if TYPE_CHECKING:
    from defender_desk.vault.evidence import Progress
    from defender_desk.vault.store import OpenVault

__all__ = ["EmergencyFacade"]

# Labels printed on the card, in the card's language (not the interface's; like the reports).
_CARD_KINDS: dict[str, dict[str, str]] = {
    "en": {
        ContactKind.LAWYER: "lawyer",
        ContactKind.HELPER: "helper",
        PlaceKind.POLICE: "police",
        PlaceKind.DETENTION: "temporary detention",
        PlaceKind.HOSPITAL: "hospital",
        PlaceKind.OTHER: "",
    },
    "ru": {
        ContactKind.LAWYER: "адвокат",
        ContactKind.HELPER: "помощник",
        PlaceKind.POLICE: "полиция",
        PlaceKind.DETENTION: "ИВС",
        PlaceKind.HOSPITAL: "больница",
        PlaceKind.OTHER: "",
    },
    "kk": {
        ContactKind.LAWYER: "адвокат",
        ContactKind.HELPER: "көмекші",
        PlaceKind.POLICE: "полиция",
        PlaceKind.DETENTION: "уақытша ұстау изоляторы",
        PlaceKind.HOSPITAL: "аурухана",
        PlaceKind.OTHER: "",
    },
}
_BIRTH_FORMAT = {"en": "d MMMM y", "ru": "dd.MM.y", "kk": "dd.MM.y"}


def _lang(lang: str | None) -> str:
    return guidance_mod.check_language(lang or i18n.get_language())


if TYPE_CHECKING:
    from defender_desk.reports.card import CardInput
    from defender_desk.reports.chronology import ReportTimelineEntry


class EmergencyFacade:
    """Emergency contacts and places, the first steps, the log of the night, the card."""

    if TYPE_CHECKING:
        clock: Callable[[], datetime]

        def _open(self) -> OpenVault: ...

        def get_person(self, person_id: str) -> Person: ...

        def add_evidence(
            self,
            incident_id: str | None,
            untrusted_path: Path,
            *,
            progress: Progress | None = None,
            cancel: Callable[[], bool] | None = None,
        ) -> Evidence: ...

    @property
    def emergencies(self) -> EmergencyStore:
        return EmergencyStore(self._open().conn, self.clock)

    # -- contacts and places, prepared in advance ------------------------------------------------
    def add_emergency_contact(self, draft: Mapping[str, Any]) -> EmergencyContact:
        """A lawyer or helper: ``kind`` (lawyer|helper), ``name``, ``phones`` (at least one),
        ``notes``; ``source`` and ``checked_on`` only for a number she did not enter herself."""
        return self.emergencies.add_contact(draft)

    def edit_emergency_contact(
        self, contact_id: str, changes: Mapping[str, Any]
    ) -> EmergencyContact:
        return self.emergencies.edit_contact(contact_id, changes)

    def delete_emergency_contact(self, contact_id: str) -> None:
        self.emergencies.delete_contact(contact_id)

    def list_emergency_contacts(self) -> list[EmergencyContact]:
        return self.emergencies.list_contacts()

    def add_emergency_place(self, draft: Mapping[str, Any]) -> EmergencyPlace:
        """A place to ask: ``kind`` (police|detention|hospital|other), ``name``, ``phones``,
        ``address``, ``notes``; ``source`` and ``checked_on`` as for contacts."""
        return self.emergencies.add_place(draft)

    def edit_emergency_place(self, place_id: str, changes: Mapping[str, Any]) -> EmergencyPlace:
        return self.emergencies.edit_place(place_id, changes)

    def delete_emergency_place(self, place_id: str) -> None:
        self.emergencies.delete_place(place_id)

    def list_emergency_places(self) -> list[EmergencyPlace]:
        return self.emergencies.list_places()

    # -- first steps ----------------------------------------------------------------------------
    def first_steps(self, lang: str | None = None) -> guidance_mod.Guidance:
        """Her wording of the first steps in ``lang``, else the shipped one."""
        return self.emergencies.guidance(_lang(lang))

    def set_first_steps(
        self, steps: Iterable[str], lang: str | None = None
    ) -> guidance_mod.Guidance:
        return self.emergencies.set_guidance(_lang(lang), steps)

    def reset_first_steps(self, lang: str | None = None) -> guidance_mod.Guidance:
        return self.emergencies.reset_guidance(_lang(lang))

    # -- the night ------------------------------------------------------------------------------
    def start_emergency(
        self, person_id: str, details: Mapping[str, Any] | None = None
    ) -> Emergency:
        """Open an emergency for a person of her circle (unknown id: ``EmergencyPersonUnknown``,
        a ``NotFound``). ``details`` for inquiries: ``full_name``, ``date_of_birth``,
        ``id_number`` (IIN), ``phone``, ``details``. An emergency already open for the person
        is returned instead of a second one."""
        return self.emergencies.start(person_id, details)

    def edit_emergency_details(self, emergency_id: str, changes: Mapping[str, Any]) -> Emergency:
        return self.emergencies.edit_details(emergency_id, changes)

    def log(self, emergency_id: str, text: str, happened_at: datetime | None = None) -> LogEntry:
        """One line in the log; the time is now in this computer's zone unless given."""
        return self.emergencies.log(emergency_id, text, happened_at)

    def check_place(
        self,
        emergency_id: str,
        place: str,
        answer: str,
        officer: str = "",
        happened_at: datetime | None = None,
    ) -> PlaceCheck:
        """A place asked (one of hers by id or name, or free text), its answer and the officer's
        name or badge number; also written into the log."""
        return self.emergencies.check_place(emergency_id, place, answer, officer, happened_at)

    def list_emergencies(self, *, open_only: bool = False) -> list[Emergency]:
        """Open ones first, then newest first. ``open_only`` for the overview and the tray."""
        return self.emergencies.listing(open_only=open_only)

    def get_emergency(self, emergency_id: str) -> EmergencyView:
        return self.emergencies.view(emergency_id)

    def close_emergency(
        self,
        emergency_id: str,
        category: str,
        *,
        title: str | None = None,
        summary: str = "",
        actor_ids: Sequence[str] = (),
        place: str = "",
        evidence_paths: Sequence[Path] = (),
        lang: str | None = None,
        progress: Progress | None = None,
        cancel: Callable[[], bool] | None = None,
    ) -> Incident:
        """Turn the log into a new incident (see :meth:`EmergencyStore.close`), then import the
        evidence files given. If an import fails the incident and the closing stay (as with
        ``add_incident``) and the error names the file; earlier files stay attached."""
        incident = self.emergencies.close(
            emergency_id,
            category,
            lang=_lang(lang),
            title=title,
            summary=summary,
            actor_ids=actor_ids,
            place=place,
        )
        for path in evidence_paths:
            self.add_evidence(incident.id, Path(path), progress=progress, cancel=cancel)
        return incident

    def delete_emergency(self, emergency_id: str) -> None:
        """Delete an emergency and its log, purged from history; its incident stays."""
        self.emergencies.delete(emergency_id)

    def emergency_timeline(
        self, incident_id: str, lang: str | None = None
    ) -> list[ReportTimelineEntry]:
        """The log of the night behind an incident, for the export's report (empty if the
        incident did not come from an emergency)."""
        store = self.emergencies
        emergency = store.by_incident(incident_id)
        if emergency is None:
            return []
        return report_timeline(store.entries(emergency.id), _lang(lang))

    # -- the card -------------------------------------------------------------------------------
    def card_input(self, emergency_id: str, lang: str | None = None) -> CardInput:
        from babel.dates import format_date

        from defender_desk.reports.card import CardContact, CardInput, CardPerson, CardPlace

        """What the card prints: the person's details for inquiries, her lawyers and helpers,
        her places, her first steps. Nothing of the log: the card carries no incident details."""
        language = _lang(lang)
        store = self.emergencies
        emergency = store.get(emergency_id)
        person = self.get_person(emergency.person_id)
        d = emergency.details
        birth = (
            format_date(d.date_of_birth, _BIRTH_FORMAT[language], locale=language)
            if d.date_of_birth
            else ""
        )
        labels = _CARD_KINDS[language]
        return CardInput(
            language=language,
            created_at=self.clock().astimezone(),
            person=CardPerson(
                full_name=d.full_name or person.name,
                date_of_birth=birth,
                id_number=format_iin(d.id_number),
                phone=d.phone,
                details=d.details,
            ),
            contacts=[
                CardContact(c.name, labels[c.kind], tuple(c.phones)) for c in store.list_contacts()
            ],
            places=[
                CardPlace(p.name, labels[p.kind], tuple(p.phones), p.address)
                for p in store.list_places()
            ],
            steps=store.guidance(language).steps,
        )

    def card_pdf(self, emergency_id: str, lang: str | None = None) -> bytes:
        """The one-page emergency card (PDF bytes; nothing is written)."""
        from defender_desk.reports.card import render_card

        return render_card(self.card_input(emergency_id, lang))

    def save_card(self, emergency_id: str, path: Path, lang: str | None = None) -> None:
        """Write the card to ``path`` — only on her explicit request; never over an existing
        file (``FolderProblem``). The file is not encrypted: the front warns that printers,
        print spoolers and copy shops keep copies."""
        data = self.card_pdf(emergency_id, lang)
        safewrite.write_bytes(Path(path), data, overwrite=False)
