"""The obligations part of the facade: a mixin for :class:`defender_desk.app.Desk`.

``class Desk(ObligationsFacade, ...)`` gives the CLI and the GUI obligations, the attendance
log, supervision events, what is due, countdowns, reminders and the export's obligations
sections. Methods take and return plain values and models (never translated text, except the
export's report rows, which are display text by design).

**The user's zone.** "Today" and the window of :meth:`ObligationsFacade.due` are taken in the
user's zone: the ``zone`` setting when there is a valid one, else ``Asia/Almaty`` (the process's
local zone has no reliable IANA name on every platform). Check-ins and hearings carry their own
zone; one added without a zone gets the user's zone.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from defender_desk.obligations.models import (
    AttendanceEntry,
    CheckIn,
    Hearing,
    Probation,
    Restriction,
    SupervisionEvent,
)
from defender_desk.obligations.render import (
    describe_rule,
    format_day,
    format_when,
    render_countdown,
    render_restriction_end,
    restriction_label,
)
from defender_desk.obligations.schedule import (
    Countdown,
    Due,
    Occurrence,
    Reminder,
    countdowns,
    due,
    due_reminders,
    occurrences,
    today_in,
)
from defender_desk.obligations.store import (
    AnyObligation,
    AttendanceStatus,
    Deleted,
    ObligationStore,
    SupervisionKind,
)
from defender_desk.vault import history
from defender_desk.vault.evidence import Progress

if TYPE_CHECKING:
    from defender_desk.reports.chronology import (
        ReportAttendance,
        ReportObligation,
        ReportSupervision,
    )
    from defender_desk.settings import Settings
    from defender_desk.vault.evidence import EvidenceStore
    from defender_desk.vault.store import OpenVault

__all__ = ["DEFAULT_ZONE", "ObligationsFacade", "obligation_data"]

#: The zone used when the settings name none: most of Kazakhstan since 2024-03-01 (UTC+5).
DEFAULT_ZONE = "Asia/Almaty"


def obligation_data(
    obligation: AnyObligation,
    attendance: list[AttendanceEntry],
    supervision: list[SupervisionEvent],
) -> dict[str, Any]:
    """The obligation as JSON-ready data, with its own attendance entries and supervision
    events nested (``attendance``, ``supervision``), oldest first."""
    data = obligation.model_dump(mode="json")
    data["attendance"] = [
        e.model_dump(mode="json") for e in attendance if e.obligation_id == obligation.id
    ]
    data["supervision"] = [
        e.model_dump(mode="json") for e in supervision if e.obligation_id == obligation.id
    ]
    return data


class ObligationsFacade:
    """Mixin: needs ``_open()``, ``evidence``, ``clock`` and ``settings()`` from ``Desk``."""

    if TYPE_CHECKING:
        clock: Callable[[], datetime]

        def _open(self) -> OpenVault: ...

        @property
        def evidence(self) -> EvidenceStore: ...

        def settings(self) -> Settings: ...

    # -- plumbing -----------------------------------------------------------------------------
    @property
    def obligation_store(self) -> ObligationStore:
        return ObligationStore(self._open().conn, self.clock)

    def user_zone(self) -> str:
        """The ``zone`` setting if it names a known IANA zone, else :data:`DEFAULT_ZONE`."""
        name = getattr(self.settings(), "zone", None)
        if isinstance(name, str) and name:
            try:
                ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                return DEFAULT_ZONE
            return name
        return DEFAULT_ZONE

    def today(self) -> date:
        """Today's date in the user's zone, by the desk's clock."""
        return today_in(self.clock(), self.user_zone())

    # -- obligations --------------------------------------------------------------------------
    def add_obligation(self, draft: dict[str, Any]) -> AnyObligation:
        """Add from a JSON-shaped draft (``kind`` chooses the model; dates as ISO strings).
        A check-in or hearing without ``zone`` gets the user's zone; a check-in without
        ``until`` ends with the probation in force on its first day, if there is one."""
        if draft.get("kind") in ("checkin", "hearing") and not draft.get("zone"):
            draft = {**draft, "zone": self.user_zone()}
        return self.obligation_store.add(draft)

    def edit_obligation(self, obligation_id: str, changes: dict[str, Any]) -> AnyObligation:
        """Change fields (JSON-shaped; None clears an optional one); validated again whole."""
        return self.obligation_store.edit(obligation_id, changes)

    def delete_obligation(self, obligation_id: str) -> Deleted:
        """Delete it with its attendance entries and supervision events (purged from the
        history); evidence files are kept, unattached."""
        return self.obligation_store.delete(obligation_id)

    def get_obligation(self, obligation_id: str) -> AnyObligation:
        return self.obligation_store.get(obligation_id)

    def list_obligations(self) -> list[AnyObligation]:
        return self.obligation_store.listing()

    def list_attendance(self, obligation_id: str | None = None) -> list[AttendanceEntry]:
        return self.obligation_store.attendance(obligation_id)

    def list_supervision(self, obligation_id: str | None = None) -> list[SupervisionEvent]:
        return self.obligation_store.supervision(obligation_id)

    def log_checkin(
        self,
        obligation_id: str,
        day: date,
        status: AttendanceStatus,
        note: str = "",
        evidence_path: Path | None = None,
        *,
        progress: Progress | None = None,
        cancel: Callable[[], bool] | None = None,
    ) -> AttendanceEntry:
        """Log attendance at the check-in (or hearing) on ``day``, with an optional evidence
        file (imported with no incident; its id is in the entry's ``evidence``)."""
        return self.obligation_store.log_attendance(
            obligation_id,
            day,
            status,
            note,
            evidence=self.evidence if evidence_path is not None else None,
            evidence_path=evidence_path,
            progress=progress,
            cancel=cancel,
        )

    def log_supervision(
        self,
        obligation_id: str,
        kind: SupervisionKind,
        day: date,
        hours: float | None = None,
        note: str = "",
        evidence_path: Path | None = None,
        *,
        progress: Progress | None = None,
        cancel: Callable[[], bool] | None = None,
    ) -> SupervisionEvent:
        """Log a supervision event (``hours`` for labour only) with the document as evidence."""
        return self.obligation_store.log_supervision(
            obligation_id,
            kind,
            day,
            hours=hours,
            note=note,
            evidence=self.evidence if evidence_path is not None else None,
            evidence_path=evidence_path,
            progress=progress,
            cancel=cancel,
        )

    def delete_attendance(self, entry_id: str) -> None:
        self.obligation_store.delete_attendance(entry_id)

    def delete_supervision(self, event_id: str) -> None:
        self.obligation_store.delete_supervision(event_id)

    # -- what she needs to see ----------------------------------------------------------------
    def due(self, now: datetime | None = None, days: int = 0) -> list[Due]:
        """Overdue occurrences (no attendance logged), then those due from ``now`` (aware;
        default: the clock) to the end of ``today + days`` in the user's zone."""
        store = self.obligation_store
        return due(
            store.listing(),
            store.attendance(),
            now=self.clock() if now is None else now,
            zone=self.user_zone(),
            days=days,
        )

    def countdown(self, today: date | None = None) -> list[Countdown]:
        """Probations and restrictions not yet over (those not begun too) and hearings from
        ``today`` (default: today in the user's zone), sorted by their last day."""
        return countdowns(self.list_obligations(), self.today() if today is None else today)

    def reminders(
        self, now: datetime | None = None, since: datetime | None = None
    ) -> list[Reminder]:
        """Reminders due at ``now`` (aware; default: the clock) and not already due at
        ``since``. Show them with :func:`~defender_desk.obligations.render.notification_text`:
        record content only if the user opted in (``settings().notification_details``)."""
        store = self.obligation_store
        return due_reminders(
            store.listing(),
            self.clock() if now is None else now,
            since=since,
            attendance=store.attendance(),
        )

    def obligation_problems(self) -> list[history.Problem]:
        """For ``check``: obligation rows that differ from their last revision, and log entries
        naming a missing evidence file."""
        return self.obligation_store.consistency_problems()

    # -- export -------------------------------------------------------------------------------
    def export_obligations(
        self, *, lang: str | None = None, today: date | None = None
    ) -> tuple[
        list[dict[str, Any]],
        list[ReportObligation],
        list[ReportAttendance],
        list[ReportSupervision],
    ]:
        """The obligations for an export: JSON-ready data (:func:`obligation_data` for each)
        and the report's rows, as display text in ``lang`` (default: the interface language)
        with statuses as of ``today`` (default: today in the user's zone). Evidence files
        named in the log are listed by id in the data (``attendance[].evidence``)."""
        from defender_desk.i18n import get_language
        from defender_desk.reports.chronology import (
            ReportAttendance,
            ReportObligation,
            ReportSupervision,
        )

        code = lang or get_language()
        words = _WORDS.get(code, _WORDS["en"])
        day = self.today() if today is None else today
        store = self.obligation_store
        obligations = store.listing()
        attendance = store.attendance()
        supervision = store.supervision()
        data = [obligation_data(o, attendance, supervision) for o in obligations]
        by_id = {o.id: o for o in obligations}
        running = {c.obligation_id: c for c in countdowns(obligations, day)}

        rows: list[ReportObligation] = []
        for ob in obligations:
            rows.append(ReportObligation(**_obligation_row(ob, running.get(ob.id), day, code)))

        att_rows: list[ReportAttendance] = []
        for entry in attendance:
            ob = by_id[entry.obligation_id]
            assert isinstance(ob, CheckIn | Hearing)
            occ = _occurrence_on(ob, entry.occurrence)
            # The schedule's time is labelled as scheduled; what was logged is a day and a
            # status, never an arrival time (none is logged).
            scheduled = (
                format_when(occ.scheduled, code) if occ else format_day(entry.occurrence, code)
            )
            if occ is not None and occ.at != occ.scheduled:
                scheduled += "; " + words["moved_to"].format(when=format_when(occ.at, code))
            place = ob.place if isinstance(ob, CheckIn) else ob.body
            att_rows.append(
                ReportAttendance(
                    scheduled=scheduled,
                    status=words[entry.status],
                    attended=format_day(entry.occurrence, code),
                    obligation=", ".join(p for p in (ob.title, place) if p),
                    note=_with_evidence(entry.note, len(entry.evidence), words),
                    record_id=entry.id,
                    evidence_ids=tuple(entry.evidence),
                )
            )

        sup_rows: list[ReportSupervision] = []
        for event in supervision:
            ob = by_id[event.obligation_id]
            what = words[event.kind]
            if event.hours is not None:
                what += " — " + words["hours"].format(n=f"{event.hours:g}")
            authority = ob.body.name if isinstance(ob, Probation) and ob.body.name else ob.title
            sup_rows.append(
                ReportSupervision(
                    when=format_day(event.day, code),
                    event=what,
                    authority=authority,
                    details=_with_evidence(event.note, len(event.evidence), words),
                    record_id=event.id,
                    evidence_ids=tuple(event.evidence),
                )
            )
        return data, rows, att_rows, sup_rows


def _occurrence_on(ob: CheckIn | Hearing, day: date) -> Occurrence | None:
    """The occurrence whose scheduled or moved-to local day is ``day``, if any."""
    zone = ZoneInfo(ob.zone)
    lo = datetime.combine(day - timedelta(days=2), time(), zone)
    hi = datetime.combine(day + timedelta(days=3), time(), zone)
    found = [o for o in occurrences(ob, lo, hi) if day in (o.at.date(), o.scheduled.date())]
    # Prefer the one scheduled that day (a "moved" entry names the original day).
    found.sort(key=lambda o: o.scheduled.date() != day)
    return found[0] if found else None


def _obligation_row(
    ob: AnyObligation, running: Countdown | None, today: date, lang: str
) -> dict[str, str]:
    words = _WORDS.get(lang, _WORDS["en"])
    status = render_countdown(running, lang) if running is not None else ""
    if isinstance(ob, Probation):
        body = ob.body
        return {
            "kind": words["probation"],
            "title": ob.title,
            "starts": format_day(ob.start, lang),
            "ends": format_day(ob.until, lang),
            "authority": ", ".join(p for p in (body.name, body.officer, body.address) if p),
            "conditions": "; ".join(ob.conditions),
            "source_decision": ob.decision,
            "status": status,
        }
    if isinstance(ob, Restriction):
        if running is None:  # over: say so as a fact
            status = render_restriction_end(ob.until, today, lang)
        return {
            "kind": f"{words['restriction']} ({restriction_label(ob.restriction_kind, lang)})",
            "title": ob.title,
            "starts": format_day(ob.start, lang),
            "ends": "" if ob.until is None else format_day(ob.until, lang),
            "forbids": ob.forbids,
            "source_decision": ob.decision,
            "status": status,
        }
    if isinstance(ob, CheckIn):
        return {
            "kind": words["checkin"],
            "title": ob.title,
            "starts": format_day(ob.start.date(), lang),
            "ends": "" if ob.until is None else format_day(ob.until, lang),
            "authority": ob.place,
            "schedule": describe_rule(ob, lang),
        }
    return {
        "kind": words["hearing"],
        "title": ob.title,
        "starts": format_when(ob.at, lang),
        "authority": ob.body,
        "conditions": ob.bring,
        "source_decision": " · ".join(p for p in (ob.case, ob.basis) if p),
        "status": status,
    }


def _with_evidence(note: str, count: int, words: dict[str, str]) -> str:
    if not count:
        return note
    return " ".join(p for p in (note, words["evidence"].format(n=count)) if p)


# Labels for the export's report rows, in the report's language (not the interface's, so no
# gettext here: the same choice as defender_desk.reports). The Kazakh wording is a starting
# point for a translator from Kazakhstan to check.
_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "probation": "probation",
        "restriction": "restriction",
        "checkin": "check-in",
        "hearing": "hearing or deadline",
        "attended": "attended",
        "missed": "missed",
        "moved": "moved",
        "warning": "written warning",
        "permission": "permission to leave the area",
        "notification": "notification of a change",
        "labour": "compulsory labour",
        "hours": "{n} h",
        "evidence": "[evidence files: {n}]",
        "moved_to": "moved to: {when}",
    },
    "ru": {
        "probation": "пробационный контроль",
        "restriction": "ограничение",
        "checkin": "явка на регистрацию",
        "hearing": "судебное заседание или процессуальный срок",
        "attended": "явка",
        "missed": "неявка",
        "moved": "перенесено",
        "warning": "письменное предупреждение",
        "permission": "разрешение на выезд",
        "notification": "уведомление об изменении",
        "labour": "принудительный труд",
        "hours": "{n} ч",
        "evidence": "[файлов-доказательств: {n}]",
        "moved_to": "новое время: {when}",
    },
    "kk": {
        "probation": "пробациялық бақылау",
        "restriction": "шектеу",
        "checkin": "тіркеуге келу",
        "hearing": "сот отырысы немесе іс жүргізу мерзімі",
        "attended": "келді",
        "missed": "келмеді",
        "moved": "ауыстырылды",
        "warning": "жазбаша ескерту",
        "permission": "шығуға рұқсат",
        "notification": "өзгеріс туралы хабарлама",
        "labour": "мәжбүрлі еңбек",
        "hours": "{n} сағ",
        "evidence": "[дәлелдеме файлдары: {n}]",
        "moved_to": "жаңа уақыты: {when}",
    },
}
