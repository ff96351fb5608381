"""Emergency commands (issue 9): the night a relative is detained.

The contract::

    emergency start --person ID [details…]          → prints the emergency id
    emergency log ID TEXT|-                          one timestamped entry (``-``: from stdin)
    emergency place ID --place TEXT --answer TEXT [--officer TEXT]
    emergency close ID --category CODE [...]         → prints the new incident id
    emergency list [--json]
    emergency card ID -o FILE.pdf [--language L]

and around it: ``emergency show ID`` (the log and the places checklist), ``emergency details ID``
(the person's details for inquiries), ``emergency delete ID``, ``emergency contacts
add|edit|list|delete`` (lawyers and helpers), ``emergency places add|edit|list|delete`` (police
departments, temporary detention, hospitals) and ``emergency steps show|set|reset`` (the
first-steps checklist, hers to reword).

``emergency log`` and ``emergency place`` take a hidden ``--at ISO`` (``2022-03-14T23:40``; naive
is local wall time, an offset is converted to this computer's zone): the time the entry happened
instead of now — for writing down later what happened earlier, and for deterministic tests. The
entry still records when it was written.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from defender_desk.app import Desk
from defender_desk.cli.common import print_json, say, warn
from defender_desk.cli.record_cmds import _StdinText
from defender_desk.cli.vault_cmds import unlock
from defender_desk.domain.dates import FuzzyDate
from defender_desk.emergency import guidance as guidance_mod
from defender_desk.emergency.store import (
    CONTACT_KIND_LABELS,
    PLACE_KIND_LABELS,
    ContactKind,
    Emergency,
    EmergencyContact,
    EmergencyPlace,
    LogEntry,
    PlaceCheck,
    PlaceKind,
    local_minute,
    timeline_lines,
)
from defender_desk.errors import N_, UsageError
from defender_desk.i18n import LANGUAGES, _, get_language


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    em = sub.add_parser(
        "emergency",
        help=_("when someone is detained: the log of the night, places to ask, the card"),
    )
    esub = em.add_subparsers(dest="action", metavar=_("ACTION"))
    esub.required = True

    p = esub.add_parser("start", help=_("start an emergency for a person; prints its id"))
    p.add_argument("--person", required=True, metavar="ID", help=_("a person of your circle"))
    _details_options(p)
    p.set_defaults(func=cmd_start)

    p = esub.add_parser("details", help=_("change the person's details for inquiries"))
    p.add_argument("id")
    _details_options(p)
    p.set_defaults(func=cmd_details)

    p = esub.add_parser("log", help=_("add one line to the log; the time is filled in"))
    p.add_argument("id")
    p.add_argument("text", metavar="TEXT|-", help=_("what happened ('-' reads standard input)"))
    _at_option(p)
    p.set_defaults(func=cmd_log)

    p = esub.add_parser("place", help=_("record a place asked: its answer and the officer"))
    p.add_argument("id")
    p.add_argument(
        "--place", required=True, metavar="TEXT", help=_("a place id or name, or any place")
    )
    p.add_argument("--answer", required=True, metavar="TEXT", help=_("what they answered"))
    p.add_argument("--officer", metavar="TEXT", help=_("the officer's name or badge number"))
    _at_option(p)
    p.set_defaults(func=cmd_place)

    p = esub.add_parser("close", help=_("turn the log into an incident; prints its id"))
    p.add_argument("id")
    p.add_argument(
        "--category", required=True, metavar="CODE", help=_("a category code (see 'categories')")
    )
    p.add_argument("--title", metavar="TEXT", help=_("default: the category and the person"))
    p.add_argument("--text", metavar="TEXT", help=_("a summary written above the timeline"))
    p.add_argument("--actor", action="append", metavar="ID", help=_("who acted (repeatable)"))
    p.add_argument("--place", dest="incident_place", metavar="TEXT")
    p.add_argument(
        "--evidence",
        action="append",
        default=[],
        metavar="FILE",
        help=_("an evidence file to import and attach (repeatable)"),
    )
    p.set_defaults(func=cmd_close)

    p = esub.add_parser("list", help=_("list emergencies, open ones first"))
    p.add_argument("--open", dest="open_only", action="store_true", help=_("only open ones"))
    p.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    p.set_defaults(func=cmd_list)

    p = esub.add_parser("show", help=_("show the log of the night and the places asked"))
    p.add_argument("id")
    p.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    p.set_defaults(func=cmd_show)

    p = esub.add_parser(
        "card", help=_("write the one-page emergency card (PDF) for a relative or helper")
    )
    p.add_argument("id")
    p.add_argument("-o", "--output", required=True, metavar="FILE.pdf")
    _language_option(p, _("language of the card (default: the interface's)"))
    p.set_defaults(func=cmd_card)

    p = esub.add_parser("delete", help=_("delete an emergency and purge its log from history"))
    p.add_argument("id")
    p.set_defaults(func=cmd_delete)

    # -- contacts --
    c = esub.add_parser(
        "contacts", aliases=["contact"], help=_("your lawyers and helpers, with phone numbers")
    )
    csub = c.add_subparsers(dest="contact_action", metavar=_("ACTION"))
    csub.required = True
    p = csub.add_parser("add", help=_("add a lawyer or helper; prints the id"))
    _contact_options(p, required=True)
    p.set_defaults(func=cmd_contact_add)
    p = csub.add_parser("edit", help=_("change a contact (given options replace old values)"))
    p.add_argument("id")
    _contact_options(p, required=False)
    p.set_defaults(func=cmd_contact_edit)
    p = csub.add_parser("list", help=_("list your emergency contacts"))
    p.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    p.set_defaults(func=cmd_contact_list)
    p = csub.add_parser("delete", help=_("delete an emergency contact"))
    p.add_argument("id")
    p.set_defaults(func=cmd_contact_delete)

    # -- places --
    pl = esub.add_parser(
        "places", help=_("places to ask: police departments, detention, hospitals of your area")
    )
    plsub = pl.add_subparsers(dest="place_action", metavar=_("ACTION"))
    plsub.required = True
    p = plsub.add_parser("add", help=_("add a place to ask; prints the id"))
    _place_options(p, required=True)
    p.set_defaults(func=cmd_place_add)
    p = plsub.add_parser("edit", help=_("change a place (given options replace old values)"))
    p.add_argument("id")
    _place_options(p, required=False)
    p.set_defaults(func=cmd_place_edit)
    p = plsub.add_parser("list", help=_("list the places to ask"))
    p.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    p.set_defaults(func=cmd_place_list)
    p = plsub.add_parser("delete", help=_("delete a place to ask"))
    p.add_argument("id")
    p.set_defaults(func=cmd_place_delete)

    # -- first steps --
    st = esub.add_parser(
        "steps", help=_("the first-steps checklist (general guidance, not legal advice)")
    )
    stsub = st.add_subparsers(dest="steps_action", metavar=_("ACTION"))
    stsub.required = True
    p = stsub.add_parser("show", help=_("show the first steps"))
    _language_option(p, _("language of the steps (default: the interface's)"))
    p.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    p.set_defaults(func=cmd_steps_show)
    p = stsub.add_parser("set", help=_("replace the first steps with yours, one step per line"))
    p.add_argument("file", metavar="FILE|-", help=_("a text file ('-' reads standard input)"))
    _language_option(p, _("language of the steps (default: the interface's)"))
    p.set_defaults(func=cmd_steps_set)
    p = stsub.add_parser("reset", help=_("go back to the first steps shipped with the app"))
    _language_option(p, _("language of the steps (default: the interface's)"))
    p.set_defaults(func=cmd_steps_reset)


def _choices(enum: Any) -> list[str]:
    return [m.value for m in enum]


def _language_option(p: argparse.ArgumentParser, help_text: str) -> None:
    p.add_argument("--language", choices=LANGUAGES, help=help_text)


def _at_option(p: argparse.ArgumentParser) -> None:
    # Hidden: the time it happened instead of now (see the module docstring).
    p.add_argument("--at", metavar="ISO", help=argparse.SUPPRESS)


def _details_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group(_("the person's details for inquiries (all optional)"))
    g.add_argument("--full-name", metavar="TEXT", help=_("full name as in the documents"))
    g.add_argument("--born", metavar="DATE", help=_("date of birth: 2003-05-17 or 17.05.2003"))
    g.add_argument("--iin", metavar="NUMBER", help=_("individual identification number (IIN)"))
    g.add_argument("--phone", metavar="TEXT", help=_("the person's phone number"))
    g.add_argument("--details", metavar="TEXT", help=_("distinguishing details, clothes"))


def _listed_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--phone",
        action="append",
        metavar="NUMBER",
        help=_("a phone number (repeatable; given numbers replace the old ones)"),
    )
    p.add_argument("--notes", metavar="TEXT")
    g = p.add_argument_group(_("only for what you did not enter yourself"))
    g.add_argument(
        "--source",
        metavar="TEXT",
        help=_("where it was taken from (the organisation's own published material)"),
    )
    g.add_argument("--checked", metavar="DATE", help=_("the date the source was checked"))


def _contact_options(p: argparse.ArgumentParser, *, required: bool) -> None:
    p.add_argument("--kind", required=required, choices=_choices(ContactKind))
    p.add_argument("--name", required=required, metavar="TEXT")
    _listed_options(p)


def _place_options(p: argparse.ArgumentParser, *, required: bool) -> None:
    p.add_argument("--kind", required=required, choices=_choices(PlaceKind))
    p.add_argument("--name", required=required, metavar="TEXT")
    p.add_argument("--address", metavar="TEXT")
    _listed_options(p)


# -- drafts --------------------------------------------------------------------------------------


def _details_draft(args: argparse.Namespace) -> dict[str, Any]:
    text = _StdinText()
    values = {
        "full_name": text(args.full_name),
        "date_of_birth": args.born,
        "id_number": args.iin,
        "phone": args.phone,
        "details": text(args.details),
    }
    return {k: v for k, v in values.items() if v is not None}


def _listed_draft(args: argparse.Namespace) -> dict[str, Any]:
    text = _StdinText()
    values: dict[str, Any] = {
        "kind": args.kind,
        "name": text(args.name),
        "phones": args.phone,
        "notes": text(args.notes),
        "source": text(args.source),
    }
    if hasattr(args, "address"):
        values["address"] = text(args.address)
    draft = {k: v for k, v in values.items() if v is not None}
    if args.checked is not None:
        draft["checked_on"] = args.checked.strip() or None
    return draft


def _at(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(detail=N_("--at takes a date and time like 2022-03-14T23:40")) from None


# -- output --------------------------------------------------------------------------------------


def _local(moment: datetime) -> str:
    when = local_minute(moment)
    return FuzzyDate.exact(when.year, when.month, when.day, when.hour, when.minute).render(
        get_language()
    )


def emergency_json(e: Emergency, person_name: str | None, entries: int) -> dict[str, Any]:
    data = e.model_dump(mode="json")
    data["open"] = e.is_open
    data["person_name"] = person_name
    data["entry_count"] = entries
    return data


def entry_json(entry: LogEntry) -> dict[str, Any]:
    data = entry.model_dump(mode="json")
    data["written_late"] = entry.written_late()
    return data


def check_json(check: PlaceCheck) -> dict[str, Any]:
    return check.model_dump(mode="json")


def listed_json(item: EmergencyContact | EmergencyPlace) -> dict[str, Any]:
    data = item.model_dump(mode="json")
    data["entered_by_her"] = item.entered_by_her
    return data


def _kind_label(item: EmergencyContact | EmergencyPlace) -> str:
    if isinstance(item, EmergencyContact):
        return _(CONTACT_KIND_LABELS[item.kind])
    return _(PLACE_KIND_LABELS[item.kind])


def _print_listed(items: list[EmergencyContact] | list[EmergencyPlace], as_json: bool) -> None:
    if as_json:
        print_json([listed_json(i) for i in items])
        return
    for item in items:
        phones = ", ".join(item.phones)
        line = f"{item.id}  {item.name}  ({_kind_label(item)})"
        if phones:
            line += f"  {phones}"
        if isinstance(item, EmergencyPlace) and item.address:
            line += f"  — {item.address}"
        if item.source and item.checked_on:
            line += "  " + _("[source: {source}, checked {date}]").format(
                source=item.source, date=item.checked_on.isoformat()
            )
        say(line)


def _names(desk: Desk) -> dict[str, str]:
    return {p.id: p.name for p in desk.list_people()}


# -- commands ------------------------------------------------------------------------------------


def cmd_start(args: argparse.Namespace) -> int:
    details = _details_draft(args)
    with unlock(args) as desk:
        emergency = desk.start_emergency(args.person, details or None)
    say(emergency.id)
    return 0


def cmd_details(args: argparse.Namespace) -> int:
    details = _details_draft(args)
    with unlock(args) as desk:
        desk.edit_emergency_details(args.id, details)
    return 0


def cmd_log(args: argparse.Namespace) -> int:
    text = _StdinText()(args.text) or ""
    at = _at(args.at)
    with unlock(args) as desk:
        entry = desk.log(args.id, text, at)
    say(entry.id)
    return 0


def cmd_place(args: argparse.Namespace) -> int:
    text = _StdinText()
    place, answer, officer = text(args.place) or "", text(args.answer) or "", text(args.officer)
    at = _at(args.at)
    with unlock(args) as desk:
        check = desk.check_place(args.id, place, answer, officer or "", at)
    say(check.id)
    return 0


def cmd_close(args: argparse.Namespace) -> int:
    text = _StdinText()
    title, summary, place = text(args.title), text(args.text), text(args.incident_place)
    paths = [Path(f) for f in args.evidence]
    with unlock(args) as desk:
        incident = desk.close_emergency(
            args.id,
            args.category,
            title=title,
            summary=summary or "",
            actor_ids=args.actor or [],
            place=place or "",
            lang=get_language(),
        )
        say(incident.id)
        sys.stdout.flush()
        for path in paths:
            desk.add_evidence(incident.id, path)
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    with unlock(args) as desk:
        items = desk.list_emergencies(open_only=args.open_only)
        names = _names(desk)
        counts = desk.emergencies.entry_counts()
    if args.json:
        print_json([emergency_json(e, names.get(e.person_id), counts.get(e.id, 0)) for e in items])
        return 0
    for e in items:
        state = _("open") if e.is_open else _("closed")
        if e.incident_id:
            state += f" → {e.incident_id}"
        n = counts.get(e.id, 0)
        say(
            f"{e.id}  {_local(e.started_at)}  {names.get(e.person_id, e.person_id)}  {state}  "
            + _("({n} entries)").format(n=n)
        )
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    with unlock(args) as desk:
        view = desk.get_emergency(args.id)
        names = _names(desk)
    e = view.emergency
    if args.json:
        print_json(
            {
                "emergency": emergency_json(e, names.get(e.person_id), len(view.entries)),
                "entries": [entry_json(x) for x in view.entries],
                "places": [
                    {"place": listed_json(s.place), "checks": [check_json(c) for c in s.checks]}
                    for s in view.places
                ],
                "other_checks": [check_json(c) for c in view.other_checks],
            }
        )
        return 0
    state = _("open") if e.is_open else _("closed")
    if e.incident_id:
        state += f" → {e.incident_id}"
    say(f"{e.id}  {names.get(e.person_id, e.person_id)}  ({state})")
    say(_("Started: {when}").format(when=_local(e.started_at)))
    say("")
    say(_("Log:"))
    for line in timeline_lines(view.entries, get_language()):
        say("  " + line)
    if not view.entries:
        say("  " + _("(nothing written yet)"))
    say("")
    say(_("Places to ask:"))
    if not view.places:
        say("  " + _("(none yet: add them with 'emergency places add')"))
    for status in view.places:
        mark = "[x]" if status.asked else "[ ]"
        say(f"  {mark} {status.place.name} ({_kind_label(status.place)})")
        for c in status.checks:
            officer = f" ({c.officer})" if c.officer else ""
            say(f"        {c.checked_at:%H:%M} — {c.answer}{officer}")
    for c in view.other_checks:
        officer = f" ({c.officer})" if c.officer else ""
        say(f"  [x] {c.place}: {c.checked_at:%H:%M} — {c.answer}{officer}")
    return 0


def cmd_card(args: argparse.Namespace) -> int:
    path = Path(args.output)
    with unlock(args) as desk:
        desk.save_card(args.id, path, args.language or get_language())
    say(_("The emergency card was written to {path}.").format(path=path))
    warn(
        _(
            "the card is not encrypted. Printers, print spoolers and copy shops keep copies of "
            "what they print: print it at home if you can, and delete the file once printed."
        )
    )
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    with unlock(args) as desk:
        desk.delete_emergency(args.id)
    return 0


def cmd_contact_add(args: argparse.Namespace) -> int:
    draft = _listed_draft(args)
    with unlock(args) as desk:
        contact = desk.add_emergency_contact(draft)
    say(contact.id)
    return 0


def cmd_contact_edit(args: argparse.Namespace) -> int:
    draft = _listed_draft(args)
    with unlock(args) as desk:
        desk.edit_emergency_contact(args.id, draft)
    return 0


def cmd_contact_list(args: argparse.Namespace) -> int:
    with unlock(args) as desk:
        items = desk.list_emergency_contacts()
    _print_listed(items, args.json)
    return 0


def cmd_contact_delete(args: argparse.Namespace) -> int:
    with unlock(args) as desk:
        desk.delete_emergency_contact(args.id)
    return 0


def cmd_place_add(args: argparse.Namespace) -> int:
    draft = _listed_draft(args)
    with unlock(args) as desk:
        place = desk.add_emergency_place(draft)
    say(place.id)
    return 0


def cmd_place_edit(args: argparse.Namespace) -> int:
    draft = _listed_draft(args)
    with unlock(args) as desk:
        desk.edit_emergency_place(args.id, draft)
    return 0


def cmd_place_list(args: argparse.Namespace) -> int:
    with unlock(args) as desk:
        items = desk.list_emergency_places()
    _print_listed(items, args.json)
    return 0


def cmd_place_delete(args: argparse.Namespace) -> int:
    with unlock(args) as desk:
        desk.delete_emergency_place(args.id)
    return 0


def _print_steps(steps: guidance_mod.Guidance, as_json: bool) -> None:
    if as_json:
        print_json(
            {
                "language": steps.language,
                "title": steps.title,
                "steps": list(steps.steps),
                "edited": steps.edited,
                "disclaimer": steps.disclaimer,
            }
        )
        return
    say(steps.title)
    for number, step in enumerate(steps.steps, start=1):
        say(f"{number}. {step}")
    say("")
    say(steps.disclaimer)


def cmd_steps_show(args: argparse.Namespace) -> int:
    with unlock(args) as desk:
        steps = desk.first_steps(args.language or get_language())
    _print_steps(steps, args.json)
    return 0


def _read_steps(name: str) -> list[str]:
    if name == "-":
        raw = sys.stdin.read()
    else:
        try:
            raw = Path(name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            raise UsageError(detail=N_("the steps file cannot be read as UTF-8 text")) from None
    return [line.strip() for line in raw.splitlines() if line.strip()]


def cmd_steps_set(args: argparse.Namespace) -> int:
    steps = _read_steps(args.file)
    with unlock(args) as desk:
        result = desk.set_first_steps(steps, args.language or get_language())
    _print_steps(result, False)
    return 0


def cmd_steps_reset(args: argparse.Namespace) -> int:
    with unlock(args) as desk:
        result = desk.reset_first_steps(args.language or get_language())
    _print_steps(result, False)
    return 0
