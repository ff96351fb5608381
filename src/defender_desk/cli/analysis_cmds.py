"""Patterns and escalation: aliases, identifiers, "same as" links, threat assessments, analysis.

::

    person alias ID --add TEXT | --remove TEXT
    person link ID --same-as ID --certainty confirmed|probable|possible
    person unlink ID --from ID
    assessment add --incident ID|--actor ID --likelihood 1-5 --impact 1-5 [--declared|--possible]
                   [--facts TEXT] [--pattern TEXT] [--objective TEXT] [--conclusion TEXT]
                   [--measures TEXT] [--reassess-by DATE]                      → prints its id
    assessment list [--json] [--actor ID]        assessment show ID [--json]
    analysis [--json] [--actor ID] [--from WHEN] [--until WHEN]

Beyond the contract: ``person identifier ID --add TEXT --kind phone|badge|plate|other |
--remove TEXT`` (typed identifiers, matched by their normalised form), ``person identify ID
--name TEXT [--institution KIND]`` (she found out who it is: the old name becomes an alias, the
earlier revisions keep it), ``person links [ID] [--json]``, ``person match TEXT [--json]`` (who
has this name, alias, phone number, badge or plate), ``person link … --note TEXT``;
``assessment add`` also takes ``--source TEXT`` (the fourth step in her words), ``--certainty``
(how sure she is that the actor is the source) and ``--on DATE`` (the day of the assessment,
default today); ``assessment reassess ID`` (a new dated version: the options of ``add``, each
replacing the previous version's value), ``assessment delete ID``, ``assessment due [--days N]
[--json]`` (reassess-by dates reached, beside the obligations' ``due``). Hidden, for tests and
planning: ``analysis --today DATE``, ``assessment due --today DATE``.

``person`` sub-commands are added to the ``person`` command that ``record_cmds`` registers, so
this module must be registered after it.

``analysis --json``: an object with ``actors`` (a list, one per actor or group of actors
confirmed to be the same), ``all`` (every incident in the range, the same shape),
``reference_month`` and ``window_months``. Each actor: ``id``, ``name``, ``members``,
``incidents`` (count), ``targets`` (counts by person id and ``"self"``), ``target_groups``,
``channels``, ``months`` (``{"month": "YYYY-MM", "count", "max_severity"}``, only months with
incidents), ``undated`` (count), ``first``/``last``, ``trend`` (``escalating``, ``stable``,
``de-escalating`` or ``insufficient``), ``trend_basis``, ``target_shift``, ``new_targets``,
``possibly_same`` and ``latest_assessment`` (an object or null). See ``docs/analysis.md``.
"""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from defender_desk.analysis.models import (
    CERTAINTY_LABELS,
    NATURE_LABELS,
    RISK_LABELS,
    SHIFT_LABELS,
    TREND_LABELS,
    Certainty,
    TargetShift,
    ThreatAssessment,
    risk_level,
)
from defender_desk.analysis.patterns import SELF, ActorAnalysis, Analysis, MonthPoint, Window
from defender_desk.app import Desk
from defender_desk.cli.common import print_json, say
from defender_desk.cli.record_cmds import _StdinText, person_json
from defender_desk.cli.vault_cmds import unlock
from defender_desk.domain.dates import parse_when
from defender_desk.domain.identifiers import IdentifierKind
from defender_desk.domain.models import InstitutionKind, enum_label
from defender_desk.errors import N_, UsageError
from defender_desk.i18n import _, get_language, ngettext

MAX_DAYS = 3660
_CERTAINTIES = [c.value for c in Certainty]
_KINDS = [k.value for k in IdentifierKind]


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(_("a day, such as 2025-06-02")) from None


def _days(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("a whole number of days")) from None
    if not 0 <= value <= MAX_DAYS:
        raise argparse.ArgumentTypeError(_("between 0 and {n} days").format(n=MAX_DAYS))
    return value


def _subparsers(parser: argparse.ArgumentParser) -> argparse._SubParsersAction[Any]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    raise RuntimeError("the person command has no sub-commands")


# -- parser --------------------------------------------------------------------------------------


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    person = sub.choices.get("person")
    if person is None:
        raise RuntimeError("register record_cmds before analysis_cmds")
    psub = _subparsers(person)

    p = psub.add_parser("alias", help=_("add or remove another name of a person"))
    p.add_argument("id")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--add", metavar="TEXT", help=_("a name the person is also known by"))
    g.add_argument("--remove", metavar="TEXT")
    p.set_defaults(func=cmd_alias)

    p = psub.add_parser(
        "identifier", help=_("add or remove a phone number, badge number or car plate")
    )
    p.add_argument("id")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--add", metavar="TEXT")
    g.add_argument("--remove", metavar="TEXT")
    p.add_argument("--kind", choices=_KINDS, help=_("required with --add"))
    p.set_defaults(func=cmd_identifier)

    p = psub.add_parser(
        "identify", help=_("rename a person once you know who it is; the old name stays an alias")
    )
    p.add_argument("id")
    p.add_argument("--name", required=True, metavar="TEXT")
    p.add_argument(
        "--institution",
        choices=[k.value.replace("_", "-") for k in InstitutionKind],
        metavar="KIND",
    )
    p.set_defaults(func=cmd_identify)

    p = psub.add_parser("link", help=_("say that two actors are (possibly) the same"))
    p.add_argument("id")
    p.add_argument("--same-as", required=True, metavar="ID")
    p.add_argument("--certainty", required=True, choices=_CERTAINTIES)
    p.add_argument("--note", metavar="TEXT", help=_("why you think so"))
    p.set_defaults(func=cmd_link)

    p = psub.add_parser("unlink", help=_("remove the link between two actors"))
    p.add_argument("id")
    p.add_argument("--from", dest="other", required=True, metavar="ID")
    p.set_defaults(func=cmd_unlink)

    p = psub.add_parser("links", help=_("list the links between actors"))
    p.add_argument("id", nargs="?")
    p.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    p.set_defaults(func=cmd_links)

    p = psub.add_parser(
        "match", help=_("who has this name, alias, phone number, badge number or plate")
    )
    p.add_argument("text")
    p.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    p.set_defaults(func=cmd_match)

    # -- assessment --
    asm = sub.add_parser(
        "assessment", help=_("threat assessments: the five steps, likelihood and impact")
    )
    asub = asm.add_subparsers(dest="action", metavar=_("ACTION"))
    asub.required = True
    p = asub.add_parser("add", help=_("assess a threat; prints the id"))
    p.add_argument("--incident", metavar="ID", help=_("the incident that is a threat"))
    p.add_argument("--actor", metavar="ID", help=_("the actor making the threat (the source)"))
    _assessment_options(p, required=True)
    p.set_defaults(func=cmd_assessment_add)
    p = asub.add_parser(
        "reassess", help=_("a new dated version of an assessment (all versions are kept)")
    )
    p.add_argument("id")
    p.add_argument("--incident", metavar="ID")
    p.add_argument("--actor", metavar="ID")
    _assessment_options(p, required=False)
    p.set_defaults(func=cmd_assessment_reassess)
    p = asub.add_parser("list", help=_("list assessments, latest version of each"))
    p.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    p.add_argument("--actor", metavar="ID")
    p.set_defaults(func=cmd_assessment_list)
    p = asub.add_parser("show", help=_("show an assessment with all its versions"))
    p.add_argument("id")
    p.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    p.set_defaults(func=cmd_assessment_show)
    p = asub.add_parser("delete", help=_("delete an assessment and purge it from the history"))
    p.add_argument("id")
    p.set_defaults(func=cmd_assessment_delete)
    p = asub.add_parser("due", help=_("assessments to reassess"))
    p.add_argument(
        "--days",
        type=_days,
        default=0,
        metavar="N",
        help=_("also show the next N days (default: today only)"),
    )
    p.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    p.add_argument("--today", type=_day, help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_assessment_due)

    # -- analysis --
    p = sub.add_parser(
        "analysis", help=_("patterns per actor: frequency, severity, targets, trend")
    )
    p.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    p.add_argument("--actor", metavar="ID")
    p.add_argument("--from", dest="date_from", metavar="WHEN")
    p.add_argument("--until", metavar="WHEN")
    p.add_argument("--today", type=_day, help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_analysis)


def _assessment_options(p: argparse.ArgumentParser, *, required: bool) -> None:
    p.add_argument("--likelihood", required=required, type=int, choices=range(1, 6), metavar="1-5")
    p.add_argument("--impact", required=required, type=int, choices=range(1, 6), metavar="1-5")
    g = p.add_mutually_exclusive_group()
    g.add_argument(
        "--declared",
        dest="nature",
        action="store_const",
        const="declared",
        help=_("a threat made to you"),
    )
    g.add_argument(
        "--possible",
        dest="nature",
        action="store_const",
        const="possible",
        help=_("signals, pressure on the people around you"),
    )
    p.add_argument("--facts", metavar="TEXT", help=_("1. the facts"))
    p.add_argument("--pattern", metavar="TEXT", help=_("2. the pattern over time"))
    p.add_argument("--objective", metavar="TEXT", help=_("3. what they want"))
    p.add_argument("--source", metavar="TEXT", help=_("4. who is making it, in your words"))
    p.add_argument(
        "--certainty", choices=_CERTAINTIES, help=_("how sure you are that the actor is the source")
    )
    p.add_argument("--conclusion", metavar="TEXT", help=_("5. will it be carried out, and why"))
    p.add_argument("--measures", metavar="TEXT", help=_("what you will do"))
    p.add_argument(
        "--reassess-by",
        type=_day,
        metavar="DATE",
        help=_("a day to look at it again; a reminder then"),
    )
    p.add_argument("--on", type=_day, metavar="DATE", help=_("the day of this assessment"))


# -- JSON ----------------------------------------------------------------------------------------


def assessment_json(a: ThreatAssessment) -> dict[str, Any]:
    data = a.model_dump(mode="json")
    data["risk"] = a.risk
    data["risk_level"] = risk_level(a.risk)
    return data


def _window_json(w: Window) -> dict[str, Any]:
    return {
        "from": w.first_label,
        "until": w.last_label,
        "count": w.count,
        "max_severity": w.max_severity,
        "family": w.family,
        "incident_ids": list(w.incident_ids),
    }


def _month_json(p: MonthPoint) -> dict[str, Any]:
    return {"month": p.label, "count": p.count, "max_severity": p.max_severity}


def actor_json(a: ActorAnalysis) -> dict[str, Any]:
    b = a.basis
    return {
        "id": a.id,
        "name": a.name,
        "members": list(a.members),
        "incidents": a.incidents,
        "incident_ids": list(a.incident_ids),
        "targets": dict(a.targets),
        "target_groups": dict(a.target_groups),
        "channels": dict(a.channels),
        "months": [_month_json(p) for p in a.months],
        "undated": a.undated,
        "undated_ids": list(a.undated_ids),
        "first": None if a.first is None else {"incident_id": a.first[0], "when": str(a.first[1])},
        "last": None if a.last is None else {"incident_id": a.last[0], "when": str(a.last[1])},
        "trend": a.trend.value,
        "trend_basis": {
            "window_months": b.window_months,
            "previous": _window_json(b.previous),
            "recent": _window_json(b.recent),
            "frequency": b.frequency,
            "severity": b.severity,
        },
        "target_shift": a.target_shift.value,
        "new_targets": list(a.new_targets),
        "possibly_same": [
            {"id": s.person_id, "certainty": s.certainty.value, "link_id": s.link_id}
            for s in a.possibly_same
        ],
        "latest_assessment": None
        if a.latest_assessment is None
        else assessment_json(a.latest_assessment),
        "assessment_ids": list(a.assessment_ids),
    }


def analysis_json(result: Analysis, actors: list[ActorAnalysis]) -> dict[str, Any]:
    everyone = actor_json(result.all)
    everyone["name"] = _("All actors")
    return {
        "actors": [actor_json(a) for a in actors],
        "all": everyone,
        "reference_month": f"{result.reference[0]:04d}-{result.reference[1]:02d}",
        "window_months": result.window_months,
    }


# -- person commands -----------------------------------------------------------------------------


def cmd_alias(args: argparse.Namespace) -> int:
    text = _StdinText()
    with unlock(args) as desk:
        if args.add is not None:
            desk.add_alias(args.id, text(args.add) or "")
        else:
            desk.remove_alias(args.id, text(args.remove) or "")
    return 0


def cmd_identifier(args: argparse.Namespace) -> int:
    if args.add is not None and args.kind is None:
        raise UsageError(detail=N_("--add needs --kind (phone, badge, plate or other)"))
    with unlock(args) as desk:
        if args.add is not None:
            desk.add_identifier(args.id, args.kind, args.add)
        else:
            desk.remove_identifier(args.id, args.remove, args.kind)
    return 0


def cmd_identify(args: argparse.Namespace) -> int:
    name = _StdinText()(args.name) or ""
    institution = None if args.institution is None else args.institution.replace("-", "_")
    with unlock(args) as desk:
        desk.identify_person(args.id, name, institution=institution)
    return 0


def cmd_link(args: argparse.Namespace) -> int:
    note = _StdinText()(args.note)
    with unlock(args) as desk:
        link = desk.link_people(args.id, args.same_as, args.certainty, note)
    say(link.id)
    return 0


def cmd_unlink(args: argparse.Namespace) -> int:
    with unlock(args) as desk:
        desk.unlink_people(args.id, args.other)
    return 0


def cmd_links(args: argparse.Namespace) -> int:
    with unlock(args) as desk:
        links = desk.list_links(args.id)
        names = {p.id: p.name for p in desk.list_people()}
    if args.json:
        print_json([k.model_dump(mode="json") for k in links])
        return 0
    if not links:
        say(_("No links."))
    for k in links:
        certainty = _(CERTAINTY_LABELS[k.certainty]).lower()
        say(
            _("{a} is the same as {b} ({certainty})").format(
                a=f"{k.person_id} {names.get(k.person_id, '')}".strip(),
                b=f"{k.same_as_id} {names.get(k.same_as_id, '')}".strip(),
                certainty=certainty,
            )
            + f"  {k.id}"
        )
    return 0


def cmd_match(args: argparse.Namespace) -> int:
    text = _StdinText()(args.text) or ""
    with unlock(args) as desk:
        found = desk.match_identifier(text)
        people = {p.id: p for p in desk.list_people()}
    if args.json:
        print_json(
            [
                {
                    "person_id": m.person_id,
                    "how": m.how,
                    "value": m.value,
                    "kind": None if m.kind is None else m.kind.value,
                    "person": person_json(people[m.person_id]),
                }
                for m in found
            ]
        )
        return 0
    if not found:
        say(_("No one matches."))
    for m in found:
        how = _(enum_label(m.kind)) if m.kind is not None else _(_HOW[m.how])
        say(f"{m.person_id}  {people[m.person_id].name}  ({how}: {m.value})")
    return 0


_HOW = {"name": N_("Name"), "alias": N_("Alias")}


# -- assessment commands -------------------------------------------------------------------------


def _assessment_draft(args: argparse.Namespace) -> dict[str, Any]:
    text = _StdinText()
    draft: dict[str, Any] = {
        "incident_id": args.incident,
        "actor_id": args.actor,
        "likelihood": args.likelihood,
        "impact": args.impact,
        "nature": args.nature,
        "facts": text(args.facts),
        "pattern": text(args.pattern),
        "objective": text(args.objective),
        "source": text(args.source),
        "source_certainty": args.certainty,
        "conclusion": text(args.conclusion),
        "measures": text(args.measures),
        "reassess_by": None if args.reassess_by is None else args.reassess_by.isoformat(),
        "assessed_on": None if args.on is None else args.on.isoformat(),
    }
    return {k: v for k, v in draft.items() if v is not None}


def cmd_assessment_add(args: argparse.Namespace) -> int:
    if args.incident is None and args.actor is None:
        raise UsageError(detail=N_("give --incident or --actor"))
    draft = _assessment_draft(args)
    with unlock(args) as desk:
        assessment = desk.add_assessment(draft)
    say(assessment.id)
    return 0


def cmd_assessment_reassess(args: argparse.Namespace) -> int:
    changes = _assessment_draft(args)
    with unlock(args) as desk:
        desk.reassess(args.id, changes)
    return 0


def _subject(desk: Desk, a: ThreatAssessment, names: dict[str, str]) -> str:
    parts = []
    if a.actor_id is not None:
        parts.append(names.get(a.actor_id, a.actor_id))
    if a.incident_id is not None:
        parts.append(desk.get_incident(a.incident_id).title)
    return " — ".join(parts)


def _risk_text(a: ThreatAssessment) -> str:
    return _("likelihood {likelihood} × impact {impact} = {risk} ({level})").format(
        likelihood=a.likelihood,
        impact=a.impact,
        risk=a.risk,
        level=_(RISK_LABELS[risk_level(a.risk)]).lower(),
    )


def cmd_assessment_list(args: argparse.Namespace) -> int:
    with unlock(args) as desk:
        items = desk.list_assessments(args.actor)
        names = {p.id: p.name for p in desk.list_people()}
        if args.json:
            print_json([assessment_json(a) for a in items])
            return 0
        if not items:
            say(_("No assessments."))
        for a in items:
            line = f"{a.id}  {a.assessed_on.isoformat()}  v{a.version}  {_risk_text(a)}"
            if a.reassess_by is not None:
                line += "  " + _("reassess by {day}").format(day=a.reassess_by.isoformat())
            say(f"{line}  {_subject(desk, a, names)}")
    return 0


_FIELDS = (
    ("facts", N_("1. Facts")),
    ("pattern", N_("2. Pattern")),
    ("objective", N_("3. Objective")),
    ("source", N_("4. Source")),
    ("conclusion", N_("5. Conclusion")),
    ("measures", N_("Measures")),
)


def cmd_assessment_show(args: argparse.Namespace) -> int:
    with unlock(args) as desk:
        versions = desk.assessment_versions(args.id)
        latest = versions[-1]
        names = {p.id: p.name for p in desk.list_people()}
        if args.json:
            data = assessment_json(latest)
            data["versions"] = [assessment_json(v) for v in versions]
            print_json(data)
            return 0
        say(latest.id)
        subject = _subject(desk, latest, names)
    rows = [(_("About"), subject)]
    if latest.actor_id is not None and latest.source_certainty is not None:
        rows.append((_("Certainty"), _(CERTAINTY_LABELS[latest.source_certainty])))
    if latest.nature is not None:
        rows.append((_("Kind"), _(NATURE_LABELS[latest.nature])))
    rows.append((_("Risk"), _risk_text(latest)))
    for key, label in _FIELDS:
        rows.append((_(label), str(getattr(latest, key))))
    if latest.reassess_by is not None:
        rows.append((_("Reassess by"), latest.reassess_by.isoformat()))
    for label, value in rows:
        if value:
            say(f"{label}: {value}")
    say("")
    say(_("Versions:"))
    for v in versions:
        say(f"  v{v.version}  {v.assessed_on.isoformat()}  {_risk_text(v)}")
    return 0


def cmd_assessment_delete(args: argparse.Namespace) -> int:
    with unlock(args) as desk:
        desk.delete_assessment(args.id)
    return 0


def cmd_assessment_due(args: argparse.Namespace) -> int:
    with unlock(args) as desk:
        items = desk.assessments_due(args.today, args.days)
        names = {p.id: p.name for p in desk.list_people()}
        if args.json:
            print_json(
                [
                    {
                        "assessment_id": d.assessment_id,
                        "version": d.version,
                        "reassess_by": d.reassess_by.isoformat(),
                        "status": d.status,
                        "incident_id": d.incident_id,
                        "actor_id": d.actor_id,
                    }
                    for d in items
                ]
            )
            return 0
        if not items:
            say(_("Nothing to reassess."))
        for d in items:
            status = _("overdue") if d.status == "overdue" else _("due")
            subject = _subject(desk, desk.get_assessment(d.assessment_id), names)
            say(f"{status}  {d.reassess_by.isoformat()}  {d.assessment_id}  {subject}")
    return 0


# -- analysis ------------------------------------------------------------------------------------


def _trend_line(a: ActorAnalysis) -> str:
    b = a.basis

    def window(w: Window) -> str:
        text = ngettext("{n} incident", "{n} incidents", w.count).format(n=w.count)
        if w.max_severity is not None:
            text += ", " + _("highest severity {s}").format(s=w.max_severity)
        return f"{w.first_label}…{w.last_label}: {text}"

    return _("trend: {trend} ({previous}; {recent})").format(
        trend=_(TREND_LABELS[a.trend]).lower(), previous=window(b.previous), recent=window(b.recent)
    )


def _print_actor(a: ActorAnalysis, names: dict[str, str], title: str) -> None:
    lang = get_language()

    def who(target: str) -> str:
        return _("myself") if target == SELF else names.get(target, target)

    say(title)
    count = ngettext("{n} incident", "{n} incidents", a.incidents).format(n=a.incidents)
    if a.undated:
        count += ", " + ngettext("{n} without a month", "{n} without a month", a.undated).format(
            n=a.undated
        )
    say("  " + count)
    if a.first is not None and a.last is not None:
        say(
            "  "
            + _("first: {first}; last: {last}").format(
                first=a.first[1].render(lang), last=a.last[1].render(lang)
            )
        )
    say("  " + _trend_line(a))
    if a.target_shift is not TargetShift.INSUFFICIENT:
        line = _("targets: {shift}").format(shift=_(SHIFT_LABELS[a.target_shift]).lower())
        if a.new_targets:
            line += "; " + _("new: {names}").format(
                names=", ".join(
                    _("myself") if t == SELF else names.get(t, t) for t in a.new_targets
                )
            )
        say("  " + line)
    if a.targets:
        say(
            "  "
            + _("aimed at: {list}").format(
                list=", ".join(
                    f"{who(t)} {n}"
                    for t, n in sorted(a.targets.items(), key=lambda kv: (kv[0] != SELF, -kv[1]))
                )
            )
        )
    if a.channels:
        say(
            "  "
            + _("channels: {list}").format(
                list=", ".join(f"{_channel(c)} {n}" for c, n in a.channels.items())
            )
        )
    for s in a.possibly_same:
        say(
            "  "
            + _("possibly the same as {name} ({certainty})").format(
                name=names.get(s.person_id, s.person_id),
                certainty=_(CERTAINTY_LABELS[s.certainty]).lower(),
            )
        )
    for p in a.months:
        severity = (
            "" if p.max_severity is None else "  " + _("severity {s}").format(s=p.max_severity)
        )
        say(f"  {p.label}  {'■' * p.count} {p.count}{severity}")
    if a.latest_assessment is not None:
        la = a.latest_assessment
        say(
            "  "
            + _("latest assessment: {id} of {day}, {risk}").format(
                id=la.id, day=la.assessed_on.isoformat(), risk=_risk_text(la)
            )
        )


def _channel(value: str) -> str:
    from defender_desk.domain.models import Channel

    try:
        return _(enum_label(Channel(value)))
    except ValueError:
        return _("channel not given")


def cmd_analysis(args: argparse.Namespace) -> int:
    date_from = parse_when(args.date_from) if args.date_from else None
    date_until = parse_when(args.until) if args.until else None
    with unlock(args) as desk:
        result = desk.analysis(date_from, date_until, today=args.today)
        names = {p.id: p.name for p in desk.list_people()}
        actors = list(result.actors)
        if args.actor is not None:
            desk.get_person(args.actor)
            found = result.actor(args.actor)
            actors = [] if found is None else [found]
    if args.json:
        print_json(analysis_json(result, actors))
        return 0
    if not actors:
        say(_("No actors."))
    for n, a in enumerate(actors):
        if n:
            say("")
        _print_actor(a, names, f"{a.id}  {a.name}")
    if args.actor is None:
        say("")
        _print_actor(result.all, names, _("All actors"))
    return 0
