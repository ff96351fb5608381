"""Record commands: person, incident, evidence, search."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import defender_desk.cli.phone_cmds as phone_cmds
from defender_desk.app import Desk
from defender_desk.cli.common import evidence_json, print_json, print_problems, say
from defender_desk.cli.vault_cmds import unlock
from defender_desk.domain import taxonomy, wording
from defender_desk.domain.dates import parse_when
from defender_desk.domain.models import (
    Channel,
    Incident,
    InstitutionKind,
    Person,
    PersonRole,
    Relation,
    SummonsStatus,
    enum_label,
)
from defender_desk.errors import N_, UsageError
from defender_desk.i18n import LANGUAGES, _, get_language, ngettext
from defender_desk.vault.records import IncidentFilter


def _choices(enum: Any) -> list[str]:
    return [m.value.replace("_", "-") for m in enum]


def _enum_value(text: str | None) -> str | None:
    return None if text is None else text.replace("-", "_")


class _StdinText:
    """Resolves ``-`` in TEXT options: at most one option may read standard input."""

    def __init__(self) -> None:
        self.used = False

    def __call__(self, value: str | None) -> str | None:
        if value != "-":
            return value
        if self.used:
            raise UsageError(detail=N_("only one option can read its text from standard input"))
        self.used = True
        return sys.stdin.read().rstrip("\n")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    # -- person --
    person = sub.add_parser("person", help=_("people: family, actors, witnesses, lawyers"))
    psub = person.add_subparsers(dest="action", metavar=_("ACTION"))
    psub.required = True
    p = psub.add_parser("add", help=_("add a person; prints the id"))
    _person_options(p, required=True)
    p.set_defaults(func=cmd_person_add)
    p = psub.add_parser("edit", help=_("change a person"))
    p.add_argument("id")
    _person_options(p, required=False)
    p.set_defaults(func=cmd_person_edit)
    p = psub.add_parser("list", help=_("list people"))
    p.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    p.add_argument(
        "--query", metavar="TEXT", help=_("only people whose name or notes match these words")
    )
    p.set_defaults(func=cmd_person_list)
    p = psub.add_parser("delete", help=_("delete a person who is named in no incident"))
    p.add_argument("id")
    p.set_defaults(func=cmd_person_delete)

    # -- incident --
    inc = sub.add_parser("incident", help=_("incidents: what happened, when, to whom, by whom"))
    isub = inc.add_subparsers(dest="action", metavar=_("ACTION"))
    isub.required = True
    p = isub.add_parser("add", help=_("add an incident; prints the id"))
    _incident_options(p, required=True)
    p.add_argument(
        "--evidence",
        action="append",
        default=[],
        metavar="FILE",
        help=_("an evidence file to import and attach (repeatable)"),
    )
    p.set_defaults(func=cmd_incident_add)
    p = isub.add_parser("edit", help=_("change an incident (given options replace old values)"))
    p.add_argument("id")
    _incident_options(p, required=False)
    p.set_defaults(func=cmd_incident_edit)
    p = isub.add_parser("show", help=_("show one incident"))
    p.add_argument("id")
    p.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    p.set_defaults(func=cmd_incident_show)
    p = isub.add_parser("list", help=_("list incidents, oldest first"))
    _list_options(p)
    p.set_defaults(func=cmd_incident_list)
    p = isub.add_parser("delete", help=_("delete an incident and purge its text from the history"))
    p.add_argument("id")
    p.set_defaults(func=cmd_incident_delete)
    p = isub.add_parser("history", help=_("show the revisions of a record"))
    p.add_argument("id")
    p.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    p.set_defaults(func=cmd_history)

    p = sub.add_parser("categories", help=_("list the category codes for --category"))
    p.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    p.add_argument(
        "--lang",
        dest="labels_lang",
        choices=LANGUAGES,
        help=_("language of the labels (default: the interface's)"),
    )
    p.set_defaults(func=cmd_categories)

    p = sub.add_parser("search", help=_("full-text search (same as incident list --query)"))
    p.add_argument("text")
    p.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    p.set_defaults(func=cmd_search)

    # -- categories (no vault needed) --
    cat = sub.add_parser("category", help=_("the list of categories (types of acts)"))
    csub = cat.add_subparsers(dest="action", metavar=_("ACTION"))
    csub.required = True
    p = csub.add_parser("list", help=_("list categories with their codes, or find them by words"))
    p.add_argument(
        "--query", metavar="TEXT", help=_("only categories whose names or synonyms match")
    )
    p.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    p.set_defaults(func=cmd_category_list)

    # -- evidence --
    ev = sub.add_parser("evidence", help=_("evidence files, stored encrypted"))
    esub = ev.add_subparsers(dest="action", metavar=_("ACTION"))
    esub.required = True
    p = esub.add_parser("add", help=_("import files and attach them to an incident"))
    p.add_argument("incident_id")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument(
        "--remove-original",
        action="store_true",
        help=_("delete each original file after it was imported"),
    )
    p.set_defaults(func=cmd_evidence_add)
    p = esub.add_parser("list", help=_("list evidence files"))
    p.add_argument("incident_id", nargs="?")
    p.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    p.set_defaults(func=cmd_evidence_list)
    p = esub.add_parser("verify", help=_("decrypt and re-hash every evidence file"))
    p.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    p.set_defaults(func=cmd_evidence_verify)
    p = esub.add_parser("delete", help=_("delete an evidence file"))
    p.add_argument("id")
    p.set_defaults(func=cmd_evidence_delete)
    phone_cmds.add_evidence_commands(esub)  # show, redact (issue 18)


def _person_options(p: argparse.ArgumentParser, *, required: bool) -> None:
    p.add_argument("--name", required=required, metavar="TEXT", help=_("name or alias"))
    p.add_argument("--role", required=required, choices=_choices(PersonRole))
    p.add_argument("--relation", choices=_choices(Relation), help=_("for family"))
    p.add_argument(
        "--institution",
        choices=_choices(InstitutionKind),
        metavar="KIND",
        help=_("for actors: {kinds}").format(kinds=", ".join(_choices(InstitutionKind))),
    )
    p.add_argument("--notes", metavar="TEXT")


def _incident_options(p: argparse.ArgumentParser, *, required: bool) -> None:
    p.add_argument(
        "--category",
        required=required,
        metavar="CODE",
        help=_("a category code (see 'categories')"),
    )
    p.add_argument("--title", required=required, metavar="TEXT")
    p.add_argument(
        "--happened",
        required=required,
        metavar="WHEN",
        help="2023-05-14T21:30 | 2023-05-14 | 2023-05 | 2023 | ~2021",
    )
    p.add_argument("--until", metavar="WHEN")
    p.add_argument("--text", metavar="TEXT", help=_("what happened"))
    p.add_argument(
        "--target",
        action="append",
        metavar="ID",
        help=_("a person it was aimed at, or 'self' (repeatable)"),
    )
    p.add_argument("--actor", action="append", metavar="ID", help=_("who acted (repeatable)"))
    p.add_argument("--witness", action="append", metavar="ID", help=_("a witness (repeatable)"))
    p.add_argument(
        "--channel", choices=_choices(Channel), metavar="NAME", help=", ".join(_choices(Channel))
    )
    p.add_argument("--severity", type=int, choices=range(1, 6), metavar="1-5")
    p.add_argument("--place", metavar="TEXT")
    p.add_argument("--tag", action="append", metavar="TAG")
    g = p.add_argument_group(_("summons (only for the summons categories)"))
    g.add_argument("--summoned-by", metavar="TEXT")
    g.add_argument("--legal-basis", metavar="TEXT")
    g.add_argument("--status", choices=_choices(SummonsStatus))
    g.add_argument("--erdr", metavar="NUMBER", help=_("pre-trial investigation number"))
    g.add_argument("--appointed", metavar="WHEN")
    g.add_argument("--summons-place", metavar="TEXT")
    g.add_argument("--lawyer-present", choices=["yes", "no"])


def _list_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    p.add_argument("--query", metavar="TEXT")
    p.add_argument("--from", dest="date_from", metavar="WHEN")
    p.add_argument("--until", metavar="WHEN")
    p.add_argument("--category", metavar="CODE")
    p.add_argument("--target", metavar="ID")
    p.add_argument("--actor", metavar="ID")
    p.add_argument("--channel", choices=_choices(Channel), metavar="NAME")
    p.add_argument("--severity-min", type=int, choices=range(1, 6), metavar="1-5")
    p.add_argument("--with-evidence", dest="has_evidence", action="store_const", const=True)
    p.add_argument("--newest-first", action="store_true")


# -- drafts --------------------------------------------------------------------------------------


def _person_draft(args: argparse.Namespace) -> dict[str, Any]:
    text = _StdinText()
    draft: dict[str, Any] = {}
    for key, value in (
        ("name", text(args.name)),
        ("role", _enum_value(args.role)),
        ("relation", _enum_value(args.relation)),
        ("institution", _enum_value(args.institution)),
        ("notes", text(args.notes)),
    ):
        if value is not None:
            draft[key] = value
    return draft


def _incident_draft(args: argparse.Namespace) -> dict[str, Any]:
    text = _StdinText()
    draft: dict[str, Any] = {}
    simple = {
        "category": args.category,
        "title": text(args.title),
        "happened": args.happened,
        "until": args.until,
        "description": text(args.text),
        "place": text(args.place),
        "channel": _enum_value(args.channel),
        "severity": args.severity,
    }
    draft.update({k: v for k, v in simple.items() if v is not None})
    if args.target is not None:
        draft["targets_self"] = any(t in ("self", "me") for t in args.target)
        draft["target_ids"] = [t for t in args.target if t not in ("self", "me")]
    if args.actor is not None:
        draft["actor_ids"] = args.actor
    if args.witness is not None:
        draft["witness_ids"] = args.witness
    if args.tag is not None:
        draft["tags"] = args.tag
    summons = {
        "who_summoned": text(args.summoned_by),
        "legal_basis": text(args.legal_basis),
        "status": _enum_value(args.status),
        "erdr_number": args.erdr,
        "appointed": args.appointed,
        "place": text(args.summons_place),
        "lawyer_present": None if args.lawyer_present is None else args.lawyer_present == "yes",
    }
    summons = {k: v for k, v in summons.items() if v is not None}
    if summons:
        draft["summons"] = summons
    return draft


# -- output --------------------------------------------------------------------------------------


def person_json(person: Person) -> dict[str, Any]:
    return person.model_dump(mode="json")


def incident_json(
    desk: Desk, incident: Incident, evidence_count: int | None = None
) -> dict[str, Any]:
    data = incident.model_dump(mode="json")
    lang = get_language()
    data["category_label"] = taxonomy.label(incident.category, lang)
    data["happened_text"] = incident.happened.render(lang)
    if incident.until is not None:
        data["until_text"] = incident.until.render(lang)
    if evidence_count is not None:
        data["evidence_count"] = evidence_count
    return data


def _when_range(incident: Incident) -> str:
    lang = get_language()
    text = incident.happened.render(lang)
    if incident.until is not None:
        text += " – " + incident.until.render(lang)
    return text


def _print_incidents(desk: Desk, incidents: list[Incident], as_json: bool) -> None:
    counts = desk.records.evidence_counts(i.id for i in incidents)
    if as_json:
        print_json([incident_json(desk, i, counts.get(i.id, 0)) for i in incidents])
        return
    lang = get_language()
    for i in incidents:
        files = counts.get(i.id, 0)
        extra = f"  [{files}]" if files else ""
        say(f"{i.id}  {_when_range(i)}  {taxonomy.label(i.category, lang)}  {i.title}{extra}")


# -- commands ------------------------------------------------------------------------------------


def cmd_categories(args: argparse.Namespace) -> int:
    """Every category: its code and label, as a tree (also-listed places marked); no vault
    needed."""
    lang = args.labels_lang or get_language()
    entries = list(taxonomy.walk())
    if args.json:
        print_json(
            [
                {
                    "code": e.category.code,
                    "parent": e.category.parent,
                    "depth": e.depth,
                    "primary": e.primary,
                    "label": e.category.label(lang),
                    "labels": dict(e.category.labels),
                    "summons": taxonomy.is_summons(e.category.code),
                }
                for e in entries
                if e.primary
            ]
        )
        return 0
    for e in entries:
        also = "" if e.primary else "  " + _("(also listed here)")
        say(f"{'  ' * e.depth}{e.category.code}  {e.category.label(lang)}{also}")
    return 0


def cmd_person_add(args: argparse.Namespace) -> int:
    with unlock(args) as desk:
        person = desk.add_person(_person_draft(args))
    say(person.id)
    return 0


def cmd_person_edit(args: argparse.Namespace) -> int:
    with unlock(args) as desk:
        desk.edit_person(args.id, _person_draft(args))
    return 0


def cmd_person_list(args: argparse.Namespace) -> int:
    query = _StdinText()(args.query)
    with unlock(args) as desk:
        people = desk.list_people() if query is None else desk.search_people(query)
        if args.json:
            print_json([person_json(p) for p in people])
            return 0
        for p in people:
            detail = p.relation or p.institution
            label = _(enum_label(p.role)) + (f", {_(enum_label(detail))}" if detail else "")
            say(f"{p.id}  {p.name}  ({label})")
    return 0


def cmd_person_delete(args: argparse.Namespace) -> int:
    with unlock(args) as desk:
        desk.delete_person(args.id)
    return 0


def cmd_incident_add(args: argparse.Namespace) -> int:
    draft = _incident_draft(args)
    paths = [Path(f) for f in args.evidence]
    with unlock(args) as desk:
        incident = desk.records.add_incident(draft)
        say(incident.id)
        sys.stdout.flush()
        for path in paths:
            desk.add_evidence(incident.id, path)
    return 0


def cmd_incident_edit(args: argparse.Namespace) -> int:
    with unlock(args) as desk:
        desk.edit_incident(args.id, _incident_draft(args))
    return 0


def cmd_incident_show(args: argparse.Namespace) -> int:
    with unlock(args) as desk:
        incident = desk.get_incident(args.id)
        evidence = desk.list_evidence(incident.id)
        people = {p.id: p for p in desk.list_people()}
        if args.json:
            data = incident_json(desk, incident, len(evidence))
            data["evidence"] = [evidence_json(e) for e in evidence]
            print_json(data)
            return 0
        lang = get_language()

        def names(ids: list[str]) -> str:
            return ", ".join(people[i].name if i in people else i for i in ids)

        # TRANSLATORS: the vault's owner in the list of people an incident was aimed at.
        targets = ([_("myself")] if incident.targets_self else []) + [
            wording.with_relation(people[i].name, people[i].relation) if i in people else i
            for i in incident.target_ids
        ]
        rows = [
            (_("Title"), incident.title),
            (_("When"), _when_range(incident)),
            (_("Category"), taxonomy.label(incident.category, lang)),
            (_("Aimed at"), ", ".join(targets)),
            (_("Who acted"), names(incident.actor_ids)),
            (_("Witnesses"), names(incident.witness_ids)),
            (_("Channel"), _(enum_label(incident.channel)) if incident.channel else ""),
            (_("Severity"), str(incident.severity or "")),
            (_("Place"), incident.place),
            (_("Tags"), ", ".join(incident.tags)),
        ]
        say(incident.id)
        for label, value in rows:
            if value:
                say(f"{label}: {value}")
        if incident.description:
            say("")
            say(incident.description)
        if evidence:
            say("")
            say(_("Evidence files:"))
            for e in evidence:
                say(f"  {e.id}  {e.original_name}  {e.size} B  sha256:{e.sha256}")
    return 0


def _filter(args: argparse.Namespace, query: str | None) -> IncidentFilter:
    return IncidentFilter(
        query=query,
        date_from=parse_when(args.date_from) if getattr(args, "date_from", None) else None,
        date_until=parse_when(args.until) if getattr(args, "until", None) else None,
        categories=[args.category] if getattr(args, "category", None) else [],
        target=getattr(args, "target", None),
        actor=getattr(args, "actor", None),
        channel=_enum_value(getattr(args, "channel", None)),
        severity_min=getattr(args, "severity_min", None),
        has_evidence=getattr(args, "has_evidence", None),
    )


def cmd_incident_list(args: argparse.Namespace) -> int:
    query = _StdinText()(args.query)
    flt = _filter(args, query)
    if flt.categories:
        taxonomy.get(flt.categories[0])
    with unlock(args) as desk:
        _print_incidents(desk, desk.list_incidents(flt, newest_first=args.newest_first), args.json)
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    query = _StdinText()(args.text)
    with unlock(args) as desk:
        _print_incidents(desk, desk.list_incidents(IncidentFilter(query=query)), args.json)
    return 0


def cmd_category_list(args: argparse.Namespace) -> int:
    query = _StdinText()(args.query)
    lang = get_language()
    if query is None:
        entries = [(e.depth, e.category) for e in taxonomy.walk() if e.primary]
    else:
        entries = [(0, c) for c in Desk.search_categories(query, lang)]
    if args.json:
        print_json(
            [
                {
                    "code": c.code,
                    "label": c.label(lang),
                    "parent": c.parent,
                    "summons": taxonomy.is_summons(c.code),
                }
                for _depth, c in entries
            ]
        )
        return 0
    for depth, c in entries:
        say(f"{'  ' * depth}{c.code}  {c.label(lang)}")
    return 0


def cmd_incident_delete(args: argparse.Namespace) -> int:
    with unlock(args) as desk:
        kept = desk.delete_incident(args.id)
    if kept:
        say(
            ngettext(
                "{n} evidence file was kept, unattached.",
                "{n} evidence files were kept, unattached.",
                kept,
            ).format(n=kept)
        )
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    with unlock(args) as desk:
        revisions = desk.history_of(args.id)
    if args.json:
        print_json(revisions)
    else:
        for r in revisions:
            state = "" if r["content"] is not None else "  " + _("(purged)")
            say(f"{r['seq']}  {r['recorded_at']}  {r['operation']}  {r['hash'][:16]}…{state}")
    return 0


def cmd_evidence_add(args: argparse.Namespace) -> int:
    with unlock(args) as desk:
        desk.get_incident(args.incident_id)
        for name in args.files:
            path = Path(name)
            evidence = desk.add_evidence(args.incident_id, path)
            say(evidence.id)
            sys.stdout.flush()
            if args.remove_original:
                try:
                    path.unlink()
                except OSError:
                    say(_("the original {name} could not be deleted").format(name=path.name))
    if args.remove_original:
        say(
            _(
                "The originals were deleted. On an SSD or a flash drive their blocks may still be "
                "readable with special tools until they are overwritten."
            )
        )
    return 0


def cmd_evidence_list(args: argparse.Namespace) -> int:
    with unlock(args) as desk:
        items = desk.list_evidence(args.incident_id)
    if args.json:
        print_json([evidence_json(e) for e in items])
    else:
        for e in items:
            say(f"{e.id}  {e.incident_id or '-'}  {e.original_name}  {e.size} B  {e.sha256}")
    return 0


def cmd_evidence_verify(args: argparse.Namespace) -> int:
    with unlock(args) as desk:
        problems = desk.verify_evidence()
    return print_problems(problems, args.json)


def cmd_evidence_delete(args: argparse.Namespace) -> int:
    with unlock(args) as desk:
        desk.delete_evidence(args.id)
    return 0
