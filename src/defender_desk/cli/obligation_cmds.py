"""Obligation commands: obligation, checkin, supervision, due, countdown.

::

    obligation add --kind probation|restriction|checkin|hearing --title TEXT [--from WHEN]
                 [--until WHEN] [--rrule RRULE] [--at DATETIME] [--place TEXT]
                 [--restriction-kind public-activity|leave-area|curfew|reporting|no-contact|other]
                 [--body TEXT] [--case TEXT]                                    → prints the id
    obligation list [--json]         obligation edit ID …        obligation delete ID
    checkin log OBLIGATION_ID --date WHEN --status attended|missed|moved [--note TEXT]
                 [--evidence FILE]
    supervision log OBLIGATION_ID --kind warning|permission|notification|labour --date WHEN
                 [--hours N] [--note TEXT] [--evidence FILE]
    due [--days N] [--json]          countdown [--json]

Beyond the contract, ``obligation add``/``edit`` also take the rest of each record:
``--zone``, ``--officer``, ``--address``, ``--condition`` (repeatable), ``--decision``,
``--forbids``, ``--bring``, ``--basis``, ``--reminder 1d|2h|30m`` (repeatable) and
``--no-reminders``; ``edit`` alone takes ``--move SCHEDULED NEW``, ``--cancel SCHEDULED`` and
``--restore SCHEDULED`` for single check-ins (SCHEDULED may be a day when the check-in has one
occurrence that day; a day as NEW keeps the time). An option that does not belong to the
obligation's kind is refused (exit 2).

Dates: ``--from``/``--until`` take a day (``2025-06-02``); a check-in's ``--from`` may carry
its time (``2025-01-13T10:00``), or the time comes from ``--at 10:00``. A hearing's ``--at`` is
a date and time; a deadline is entered at its last minute (``T23:59``). ``[Asia/Almaty]`` after
a time names its zone; otherwise the user's zone is used.

``due --json``: a JSON array, one object per occurrence overdue or due until the end of
``today + N`` days: ``date`` (ISO 8601 with the offset of the obligation's zone), ``title``,
``kind`` (``checkin`` or ``hearing``), ``status`` (``due`` or ``overdue``), plus
``obligation_id`` and ``moved_from`` (ISO 8601 or null). ``countdown --json``: one object per
running or coming probation, restriction or hearing: ``title``, ``kind``, ``ends`` (ISO date,
the last day in force, or null when open-ended), ``days_left`` (integer; null when
open-ended), plus ``obligation_id``, ``starts``, ``started`` and ``restriction_kind``.

For deterministic tests and for planning, two options not shown in ``--help``:
``due --now 2025-05-26T08:00+05:00`` (an ISO 8601 time; without an offset it is read in the
user's zone) and ``countdown --today 2025-05-26``.
"""

from __future__ import annotations

import argparse
import re
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo

from defender_desk.app import Desk
from defender_desk.cli.common import print_json, say
from defender_desk.cli.record_cmds import _StdinText
from defender_desk.cli.vault_cmds import unlock
from defender_desk.domain import wording
from defender_desk.domain.dates import FuzzyDate, Precision, parse_when
from defender_desk.errors import N_, DefenderDeskError, UsageError
from defender_desk.i18n import _, ngettext
from defender_desk.obligations.models import (
    AttendanceEntry,
    CheckIn,
    Hearing,
    ObligationError,
    Probation,
    Restriction,
    SupervisionEvent,
)
from defender_desk.obligations.render import (
    describe_rule,
    format_day,
    format_when,
    render_countdown,
    restriction_label,
)
from defender_desk.obligations.store import AnyObligation, AttendanceStatus, SupervisionKind

KINDS = ("probation", "restriction", "checkin", "hearing")
RESTRICTION_KINDS = ("public-activity", "leave-area", "curfew", "reporting", "no-contact", "other")
MAX_DAYS = 3660

# Which kinds each option of add/edit belongs to (argparse dest → kinds).
_APPLIES: dict[str, frozenset[str]] = {
    "date_from": frozenset({"probation", "restriction", "checkin"}),
    "until": frozenset({"probation", "restriction", "checkin"}),
    "rrule": frozenset({"checkin"}),
    "at": frozenset({"checkin", "hearing"}),
    "place": frozenset({"checkin"}),
    "restriction_kind": frozenset({"restriction"}),
    "body": frozenset({"probation", "hearing"}),
    "case": frozenset({"hearing"}),
    "zone": frozenset({"checkin", "hearing"}),
    "officer": frozenset({"probation"}),
    "address": frozenset({"probation"}),
    "condition": frozenset({"probation"}),
    "decision": frozenset({"probation", "restriction"}),
    "forbids": frozenset({"restriction"}),
    "bring": frozenset({"hearing"}),
    "basis": frozenset({"hearing"}),
    "reminder": frozenset({"checkin", "hearing"}),
    "no_reminders": frozenset({"checkin", "hearing"}),
    "move": frozenset({"checkin"}),
    "cancel": frozenset({"checkin"}),
    "restore": frozenset({"checkin"}),
}
_OPTION_NAMES = {"date_from": "--from", "no_reminders": "--no-reminders"}


class OptionNotForKind(DefenderDeskError):
    """An option of ``obligation add``/``edit`` that the obligation's kind does not have."""

    message = N_("{option} is not used for this kind of obligation")
    exit_code = 2


class OptionRequired(DefenderDeskError):
    message = N_("{option} is required for this kind of obligation")
    exit_code = 2


def _option(dest: str) -> str:
    return _OPTION_NAMES.get(dest, "--" + dest.replace("_", "-"))


# -- parsing values ------------------------------------------------------------------------------


def _when(text: str, option: str) -> FuzzyDate:
    when = parse_when(text)
    if when.precision not in (Precision.DAY, Precision.EXACT):
        raise ObligationError(field=option, reason=N_("give a day, such as 2025-06-02"))
    return when


def _day(text: str, option: str) -> date:
    """A day (``2025-06-02``); a less precise date, or one with a time, is refused."""
    when = _when(text, option)
    if when.precision is not Precision.DAY:
        raise ObligationError(field=option, reason=N_("give a day, such as 2025-06-02"))
    return when.earliest().date()


def _day_of(text: str, option: str) -> date:
    """The day of a day or of a date and time."""
    return _when(text, option).earliest().date()


def _moment(text: str, option: str) -> tuple[datetime, str | None]:
    """A date and time (wall time) and the zone named after it, if any."""
    when = _when(text, option)
    if when.precision is not Precision.EXACT:
        raise ObligationError(
            field=option, reason=N_("give a date and time, such as 2025-06-02T10:00")
        )
    return when.earliest(), when.tz


def _time_of_day(text: str) -> time | None:
    m = re.fullmatch(r"(\d{1,2}):(\d{2})", text.strip())
    if not m:
        return None
    hour, minute = int(m.group(1)), int(m.group(2))
    if hour > 23 or minute > 59:
        raise ObligationError(field="--at", reason=N_("give the time as HH:MM, such as 10:00"))
    return time(hour, minute)


_DURATION = re.compile(r"(?:(\d{1,3})d)?(?:(\d{1,4})h)?(?:(\d{1,5})m)?")


def _lead(text: str) -> str:
    """``1d``, ``2h``, ``1d12h``, ``30m`` as an ISO 8601 duration for the model."""
    m = _DURATION.fullmatch(text.strip().lower())
    if not m or not any(m.groups()):
        raise ObligationError(
            field="--reminder", reason=N_("give the time before, such as 1d, 2h or 30m")
        )
    days, hours, minutes = (int(g or 0) for g in m.groups())
    return f"PT{(days * 24 + hours) * 3600 + minutes * 60}S"


def _non_negative_days(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("a whole number of days")) from None
    if not 0 <= value <= MAX_DAYS:
        raise argparse.ArgumentTypeError(_("between 0 and {n} days").format(n=MAX_DAYS)) from None
    return value


def _hours(text: str) -> float:
    try:
        return float(text.replace(",", "."))
    except ValueError:
        raise argparse.ArgumentTypeError(_("a number of hours, such as 4 or 2.5")) from None


def _now(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("an ISO 8601 time")) from None


def _today(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("a day, such as 2025-06-02")) from None


# -- parser --------------------------------------------------------------------------------------


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ob = sub.add_parser(
        "obligation", help=_("obligations: probation, restrictions, check-ins, hearings")
    )
    osub = ob.add_subparsers(dest="action", metavar=_("ACTION"))
    osub.required = True
    p = osub.add_parser("add", help=_("add an obligation; prints the id"))
    p.add_argument("--kind", required=True, choices=KINDS)
    _obligation_options(p, required=True)
    p.set_defaults(func=cmd_obligation_add)
    p = osub.add_parser("edit", help=_("change an obligation (given options replace old values)"))
    p.add_argument("id")
    _obligation_options(p, required=False)
    g = p.add_argument_group(_("single check-ins"))
    g.add_argument(
        "--move",
        nargs=2,
        action="append",
        metavar=("SCHEDULED", "NEW"),
        help=_("move one check-in to another date and time (repeatable)"),
    )
    g.add_argument("--cancel", action="append", metavar="SCHEDULED", help=_("cancel one check-in"))
    g.add_argument(
        "--restore",
        action="append",
        metavar="SCHEDULED",
        help=_("undo the move or cancellation of one check-in"),
    )
    p.set_defaults(func=cmd_obligation_edit)
    p = osub.add_parser("list", help=_("list obligations with their attendance and events"))
    p.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    p.set_defaults(func=cmd_obligation_list)
    p = osub.add_parser("delete", help=_("delete an obligation with its attendance log and events"))
    p.add_argument("id")
    p.set_defaults(func=cmd_obligation_delete)

    ci = sub.add_parser("checkin", help=_("the attendance log: proof of each check-in"))
    csub = ci.add_subparsers(dest="action", metavar=_("ACTION"))
    csub.required = True
    p = csub.add_parser("log", help=_("log a check-in: attended, missed or moved"))
    p.add_argument("obligation_id", metavar="OBLIGATION_ID")
    p.add_argument("--date", required=True, metavar="WHEN", help=_("the day of the check-in"))
    p.add_argument("--status", required=True, choices=("attended", "missed", "moved"))
    p.add_argument("--note", metavar="TEXT", help=_("for example, why it was missed"))
    p.add_argument(
        "--evidence", metavar="FILE", help=_("a photo of the stamp or a certificate to import")
    )
    p.set_defaults(func=cmd_checkin_log)

    sv = sub.add_parser(
        "supervision", help=_("supervision events: warnings, permissions, notifications, labour")
    )
    ssub = sv.add_subparsers(dest="action", metavar=_("ACTION"))
    ssub.required = True
    p = ssub.add_parser("log", help=_("log a supervision event with its document"))
    p.add_argument("obligation_id", metavar="OBLIGATION_ID")
    p.add_argument(
        "--kind", required=True, choices=("warning", "permission", "notification", "labour")
    )
    p.add_argument("--date", required=True, metavar="WHEN", help=_("the date of the document"))
    p.add_argument(
        "--hours", type=_hours, metavar="N", help=_("hours of compulsory labour (labour only)")
    )
    p.add_argument("--note", metavar="TEXT")
    p.add_argument("--evidence", metavar="FILE", help=_("the document, to import"))
    p.set_defaults(func=cmd_supervision_log)

    p = sub.add_parser("due", help=_("check-ins and hearings due or overdue"))
    p.add_argument(
        "--days",
        type=_non_negative_days,
        default=0,
        metavar="N",
        help=_("also show the next N days (default: today only)"),
    )
    p.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    p.add_argument("--now", type=_now, help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_due)

    p = sub.add_parser("countdown", help=_("how long each probation and restriction still runs"))
    p.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    p.add_argument("--today", type=_today, help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_countdown)


def _obligation_options(p: argparse.ArgumentParser, *, required: bool) -> None:
    p.add_argument("--title", required=required, metavar="TEXT")
    p.add_argument(
        "--from",
        dest="date_from",
        metavar="WHEN",
        help=_("the first day (a check-in's may carry its time: 2025-01-13T10:00)"),
    )
    p.add_argument(
        "--until", metavar="WHEN", help=_("the last day, as the decision states it (inclusive)")
    )
    p.add_argument(
        "--rrule",
        metavar="RRULE",
        help=_("check-ins: the repeat rule, e.g. FREQ=MONTHLY;BYDAY=2MO,4MO"),
    )
    p.add_argument(
        "--at",
        metavar="DATETIME",
        help=_("hearings: date and time (2025-06-02T10:00); check-ins: the time (10:00)"),
    )
    p.add_argument("--place", metavar="TEXT", help=_("check-ins: where"))
    p.add_argument("--restriction-kind", choices=RESTRICTION_KINDS)
    p.add_argument(
        "--body", metavar="TEXT", help=_("the supervising body, or the court of a hearing")
    )
    p.add_argument("--case", metavar="TEXT", help=_("hearings: the case number"))
    p.add_argument("--zone", metavar="ZONE", help=_("time zone, e.g. Asia/Almaty"))
    p.add_argument("--officer", metavar="TEXT", help=_("probation: the officer"))
    p.add_argument("--address", metavar="TEXT", help=_("probation: the body's address"))
    p.add_argument(
        "--condition",
        action="append",
        metavar="TEXT",
        help=_("probation: a condition (repeatable)"),
    )
    p.add_argument("--decision", metavar="TEXT", help=_("the court decision's reference"))
    p.add_argument(
        "--forbids", metavar="TEXT", help=_("restrictions: what it forbids, in your words")
    )
    p.add_argument("--bring", metavar="TEXT", help=_("hearings: what to bring"))
    p.add_argument("--basis", metavar="TEXT", help=_("hearings: the deadline's legal basis"))
    p.add_argument(
        "--reminder",
        action="append",
        metavar="BEFORE",
        help=_("remind this long before: 1d, 2h, 30m (repeatable; default 1d and 2h)"),
    )
    p.add_argument("--no-reminders", action="store_true", help=_("no reminders"))


# -- drafts --------------------------------------------------------------------------------------


def _given(args: argparse.Namespace) -> list[str]:
    return [dest for dest in _APPLIES if getattr(args, dest, None) not in (None, False, [])]


def _check_applies(args: argparse.Namespace, kind: str) -> None:
    for dest in _given(args):
        if kind not in _APPLIES[dest]:
            raise OptionNotForKind(option=_option(dest))


def _zone_of(args: argparse.Namespace, named: str | None, option: str) -> str | None:
    if named and args.zone and named != args.zone:
        raise ObligationError(field=option, reason=N_("two different time zones are given"))
    return cast(str | None, args.zone or named)


def _draft(
    args: argparse.Namespace, kind: str, current: AnyObligation | None = None
) -> dict[str, Any]:
    """The JSON-shaped draft (add) or changes (edit) from the options of ``kind``."""
    _check_applies(args, kind)
    text = _StdinText()
    draft: dict[str, Any] = {}

    def put(key: str, value: Any) -> None:
        if value is not None:
            draft[key] = value

    put("title", text(args.title))
    put("decision", text(args.decision))
    put("forbids", text(args.forbids))
    put("case", args.case)
    put("bring", text(args.bring))
    put("basis", text(args.basis))
    put("place", text(args.place))
    if args.restriction_kind is not None:
        draft["restriction_kind"] = args.restriction_kind.replace("-", "_")
    if args.until is not None:
        draft["until"] = _day(args.until, "--until").isoformat()
    if args.condition is not None:
        draft["conditions"] = [text(c) for c in args.condition]
    if args.no_reminders:
        if args.reminder:
            raise UsageError(detail=N_("--reminder and --no-reminders do not go together"))
        draft["reminders"] = []
    elif args.reminder:
        draft["reminders"] = [_lead(r) for r in args.reminder]

    if kind == "probation":
        body = {
            "name": text(args.body),
            "officer": text(args.officer),
            "address": text(args.address),
        }
        body = {k: v for k, v in body.items() if v is not None}
        if body:
            old = current.body.model_dump() if isinstance(current, Probation) else {}
            draft["body"] = {**old, **body}
    else:
        put("body", text(args.body))

    if kind in ("probation", "restriction") and args.date_from is not None:
        draft["start"] = _day(args.date_from, "--from").isoformat()
    elif kind == "checkin":
        _checkin_start(args, draft, current)
    elif kind == "hearing":
        named = None
        if args.at is not None:
            at, named = _moment(args.at, "--at")
            draft["at"] = at.isoformat()
        put("zone", _zone_of(args, named, "--at"))
    return draft


def _checkin_start(
    args: argparse.Namespace, draft: dict[str, Any], current: AnyObligation | None
) -> None:
    put_rule = args.rrule
    if put_rule is not None:
        draft["rrule"] = put_rule
    day: date | None = None
    at: time | None = None
    named: str | None = None
    if args.date_from is not None:
        when = _when(args.date_from, "--from")
        day = when.earliest().date()
        if when.precision is Precision.EXACT:
            at, named = when.earliest().time(), when.tz
    if args.at is not None:
        clock = _time_of_day(args.at)
        if clock is None:  # a whole date and time
            if day is not None:
                raise UsageError(
                    detail=N_("give the first day with --from and the time with --at HH:MM")
                )
            moment, named = _moment(args.at, "--at")
            day, clock = moment.date(), moment.time()
        elif at is not None and at != clock:
            raise UsageError(detail=N_("--from and --at give two different times"))
        at = clock
    zone = _zone_of(args, named, "--from")
    if zone is not None:
        draft["zone"] = zone
    if day is None and at is None:
        return
    if isinstance(current, CheckIn):
        day = day or current.start.date()
        at = at or current.start.time()
    if day is None:
        raise OptionRequired(option="--from")
    if at is None:
        rule = (args.rrule or "").upper()
        if "BYHOUR" not in rule:
            raise ObligationError(
                field="--at", reason=N_("give the time of the check-ins, such as --at 10:00")
            )
        at = time()
    draft["start"] = datetime.combine(day, at).isoformat()


_REQUIRED: dict[str, tuple[str, ...]] = {
    "probation": ("start", "until"),
    "restriction": ("start", "restriction_kind"),
    "checkin": ("rrule", "start"),
    "hearing": ("at",),
}
_KEY_OPTION = {"start": "--from", "until": "--until", "restriction_kind": "--restriction-kind"}


def cmd_obligation_add(args: argparse.Namespace) -> int:
    draft = {"kind": args.kind, **_draft(args, args.kind)}
    for key in _REQUIRED[args.kind]:
        if key not in draft:
            raise OptionRequired(option=_KEY_OPTION.get(key, "--" + key))
    with unlock(args) as desk:
        obligation = desk.add_obligation(draft)
    say(obligation.id)
    return 0


def cmd_obligation_edit(args: argparse.Namespace) -> int:
    with unlock(args) as desk:
        current = desk.get_obligation(args.id)
        changes = _draft(args, current.kind, current)
        if isinstance(current, CheckIn):
            _single_changes(args, current, changes)
        desk.edit_obligation(args.id, changes)
    return 0


def _scheduled(checkin: CheckIn, text: str, option: str) -> datetime:
    """The rule's check-in meant by ``text``: a date and time, or a day with one check-in."""
    when = _when(text, option)
    if when.precision is Precision.EXACT:
        return when.earliest()
    day = when.earliest().date()
    first, last = datetime.combine(day, time()), datetime.combine(day, time(23, 59, 59))
    found = [] if last < checkin.start else list(checkin.rule(end=last).between(first, last, True))
    if len(found) != 1:
        reason = (
            N_("there is no check-in on this day")
            if not found
            else N_("there are several check-ins on this day; give the time too")
        )
        raise ObligationError(field=option, reason=reason)
    return found[0]


def _single_changes(args: argparse.Namespace, current: CheckIn, changes: dict[str, Any]) -> None:
    """Merge ``--move``/``--cancel``/``--restore`` into the check-in's lists."""
    if not (args.move or args.cancel or args.restore):
        return
    moves = {m.original: m.to for m in current.moves}
    cancelled = set(current.cancelled)
    for old_text, new_text in args.move or []:
        original = _scheduled(current, old_text, "--move")
        when = _when(new_text, "--move")
        to = when.earliest()
        if when.precision is Precision.DAY:
            to = datetime.combine(to.date(), original.time())
        cancelled.discard(original)
        moves[original] = to
    for text in args.cancel or []:
        original = _scheduled(current, text, "--cancel")
        moves.pop(original, None)
        cancelled.add(original)
    for text in args.restore or []:
        original = _scheduled(current, text, "--restore")
        if original not in moves and original not in cancelled:
            raise ObligationError(
                field="--restore", reason=N_("this check-in was neither moved nor cancelled")
            )
        moves.pop(original, None)
        cancelled.discard(original)
    changes["moves"] = [
        {"original": o.isoformat(), "to": t.isoformat()} for o, t in sorted(moves.items())
    ]
    changes["cancelled"] = [c.isoformat() for c in sorted(cancelled)]


# -- output --------------------------------------------------------------------------------------


def _kind_label(ob: AnyObligation) -> str:
    if isinstance(ob, Restriction):
        return restriction_label(ob.restriction_kind)
    return {
        "probation": _("probation"),
        "checkin": _("check-in"),
        "hearing": _("hearing"),
    }[ob.kind]


def _period(ob: AnyObligation) -> str:
    if isinstance(ob, Hearing):
        return format_when(ob.at)
    if isinstance(ob, CheckIn):
        start = format_day(ob.start.date())
        rule = describe_rule(ob)
        if ob.until is None:
            return _("{rule}, from {start}").format(rule=rule, start=start)
        return _("{rule}, {start} – {end}").format(rule=rule, start=start, end=format_day(ob.until))
    if ob.until is None:
        return _("from {start}, no end date").format(start=format_day(ob.start))
    return f"{format_day(ob.start)} – {format_day(ob.until)}"


_STATUS = {"attended": N_("attended"), "missed": N_("missed"), "moved": N_("moved")}
_EVENT = {
    "warning": N_("written warning"),
    "permission": N_("permission to leave the area"),
    "notification": N_("notification of a change"),
    "labour": N_("compulsory labour"),
}


def _entry_line(entry: AttendanceEntry | SupervisionEvent) -> str:
    if isinstance(entry, AttendanceEntry):
        parts = [entry.id, format_day(entry.occurrence), _(_STATUS[entry.status])]
    else:
        what = _(_EVENT[entry.kind])
        if entry.hours is not None:
            what += " " + _("({hours} h)").format(hours=f"{entry.hours:g}")
        parts = [entry.id, format_day(entry.day), what]
    if entry.evidence:
        parts.append(_("[evidence: {ids}]").format(ids=", ".join(entry.evidence)))
    if entry.note:
        parts.append(entry.note)
    return "    " + "  ".join(parts)


def cmd_obligation_list(args: argparse.Namespace) -> int:
    from defender_desk.obligations.facade import obligation_data

    with unlock(args) as desk:
        obligations = desk.list_obligations()
        attendance = desk.list_attendance()
        supervision = desk.list_supervision()
    if args.json:
        print_json([obligation_data(o, attendance, supervision) for o in obligations])
        return 0
    if not obligations:
        say(_("No obligations recorded."))
    for ob in obligations:
        say(f"{ob.id}  {_kind_label(ob)}  {ob.title}  ({_period(ob)})")
        if isinstance(ob, Restriction) and ob.forbids.strip():
            say("    " + wording.forbidden(ob.forbids))
        log: list[AttendanceEntry | SupervisionEvent] = [
            *(e for e in attendance if e.obligation_id == ob.id),
            *(e for e in supervision if e.obligation_id == ob.id),
        ]
        for entry in log:
            say(_entry_line(entry))
    return 0


def cmd_obligation_delete(args: argparse.Namespace) -> int:
    with unlock(args) as desk:
        deleted = desk.delete_obligation(args.id)
    if deleted.attendance or deleted.supervision:
        say(
            _("Deleted with it: {a} attendance entries and {s} supervision events.").format(
                a=deleted.attendance, s=deleted.supervision
            )
        )
    if deleted.evidence_kept:
        say(
            ngettext(
                "{n} evidence file was kept, unattached.",
                "{n} evidence files were kept, unattached.",
                deleted.evidence_kept,
            ).format(n=deleted.evidence_kept)
        )
    return 0


def cmd_checkin_log(args: argparse.Namespace) -> int:
    day = _day_of(args.date, "--date")
    note = _StdinText()(args.note) or ""
    with unlock(args) as desk:
        entry = desk.log_checkin(
            args.obligation_id,
            day,
            cast(AttendanceStatus, args.status),
            note,
            None if args.evidence is None else Path(args.evidence),
        )
    say(entry.id)
    return 0


def cmd_supervision_log(args: argparse.Namespace) -> int:
    day = _day_of(args.date, "--date")
    note = _StdinText()(args.note) or ""
    with unlock(args) as desk:
        event = desk.log_supervision(
            args.obligation_id,
            cast(SupervisionKind, args.kind),
            day,
            args.hours,
            note,
            None if args.evidence is None else Path(args.evidence),
        )
    say(event.id)
    return 0


def _aware(desk: Desk, moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=ZoneInfo(desk.user_zone()))
    return moment


def cmd_due(args: argparse.Namespace) -> int:
    with unlock(args) as desk:
        now = desk.clock() if args.now is None else _aware(desk, args.now)
        items = desk.due(now, args.days)
        titles = {o.id: o for o in desk.list_obligations()}
    if args.json:
        print_json(
            [
                {
                    "date": d.occurrence.at.isoformat(),
                    "title": titles[d.occurrence.obligation_id].title,
                    "kind": d.occurrence.kind,
                    "status": d.status,
                    "obligation_id": d.occurrence.obligation_id,
                    "moved_from": None
                    if d.occurrence.original is None
                    else d.occurrence.original.isoformat(),
                }
                for d in items
            ]
        )
        return 0
    if not items:
        say(_("Nothing is due."))
    for d in items:
        ob = titles[d.occurrence.obligation_id]
        place = ob.place if isinstance(ob, CheckIn) else ob.body if isinstance(ob, Hearing) else ""
        status = _("overdue") if d.status == "overdue" else _("due")
        line = f"{status}  {format_when(d.occurrence.at)}  {ob.title}"
        if place:
            line += f" ({place})"
        if d.occurrence.original is not None:
            line += "  " + _("moved from {when}").format(when=format_when(d.occurrence.original))
        say(f"{line}  {ob.id}")
    return 0


def cmd_countdown(args: argparse.Namespace) -> int:
    with unlock(args) as desk:
        today = desk.today() if args.today is None else args.today
        items = desk.countdown(today)
        titles = {o.id: o.title for o in desk.list_obligations()}
    if args.json:
        print_json(
            [
                {
                    "title": titles[c.obligation_id],
                    "kind": c.kind,
                    "ends": None if c.ends is None else c.ends.isoformat(),
                    "days_left": c.days_left,
                    "obligation_id": c.obligation_id,
                    "starts": c.starts.isoformat(),
                    "started": c.started,
                    "restriction_kind": c.restriction_kind,
                }
                for c in items
            ]
        )
        return 0
    if not items:
        say(_("Nothing is running."))
    for c in items:
        say(f"{titles[c.obligation_id]}: {render_countdown(c)}")
    return 0
