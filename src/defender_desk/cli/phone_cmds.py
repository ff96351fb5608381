"""Phone evidence commands: ``chat …``, and ``evidence show`` / ``evidence redact`` (added to
the ``evidence`` command of :mod:`record_cmds` through :func:`add_evidence_commands`)."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

from defender_desk.cli.common import evidence_json, print_json, say
from defender_desk.cli.vault_cmds import unlock
from defender_desk.errors import N_, UsageError
from defender_desk.i18n import _, ngettext
from defender_desk.phone.chats import Chat, ChatMessage
from defender_desk.phone.redact import parse_box


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    chat = sub.add_parser("chat", help=_("messenger chats: WhatsApp and Telegram exports"))
    csub = chat.add_subparsers(dest="action", metavar=_("ACTION"))
    csub.required = True
    p = csub.add_parser(
        "import",
        help=_(
            "import a chat export (WhatsApp .txt or .zip, Telegram Desktop folder or "
            "result.json); prints the chat's id"
        ),
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument("--format", choices=["whatsapp", "telegram"])
    p.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    p.set_defaults(func=cmd_chat_import)
    p = csub.add_parser("list", help=_("list imported chats"))
    p.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    p.set_defaults(func=cmd_chat_list)
    p = csub.add_parser("show", help=_("show a chat's messages"))
    p.add_argument("id")
    p.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    p.add_argument("--query", metavar="TEXT", help=_("only messages that contain this text"))
    p.set_defaults(func=cmd_chat_show)
    p = csub.add_parser("attach", help=_("link messages of a chat to an incident"))
    p.add_argument("chat_id", metavar="CHAT_ID")
    p.add_argument("--incident", required=True, metavar="ID")
    p.add_argument(
        "--messages", required=True, metavar="SEQ[,SEQ…]", help=_("message numbers, e.g. 3,5,8-10")
    )
    p.set_defaults(func=cmd_chat_attach)
    p = csub.add_parser("detach", help=_("unlink messages of a chat from an incident"))
    p.add_argument("chat_id", metavar="CHAT_ID")
    p.add_argument("--incident", required=True, metavar="ID")
    p.add_argument("--messages", required=True, metavar="SEQ[,SEQ…]")
    p.set_defaults(func=cmd_chat_detach)
    p = csub.add_parser(
        "identify", help=_("attach a sender's phone number or Telegram account to a person")
    )
    p.add_argument("identifier", metavar="NUMBER|ACCOUNT")
    p.add_argument("--person", required=True, metavar="ID")
    p.set_defaults(func=cmd_chat_identify)
    p = csub.add_parser("sender", help=_("where a phone number or account wrote, and who it is"))
    p.add_argument("identifier", metavar="NUMBER|ACCOUNT")
    p.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    p.set_defaults(func=cmd_chat_sender)


def add_evidence_commands(esub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = esub.add_parser(
        "show", help=_("show an evidence file: what the file says about itself, working copies")
    )
    p.add_argument("id")
    p.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    p.set_defaults(func=cmd_evidence_show)
    p = esub.add_parser(
        "redact",
        help=_(
            "make a working copy of an image: boxes blacked out, metadata stripped on "
            "request; prints its id"
        ),
    )
    p.add_argument("id")
    p.add_argument(
        "--box",
        action="append",
        default=[],
        metavar="X,Y,W,H",
        help=_("a region to black out, in pixels of the image as shown (repeatable)"),
    )
    p.add_argument(
        "--strip-metadata",
        action="store_true",
        help=_("remove EXIF, XMP and other metadata (time, device, location)"),
    )
    p.set_defaults(func=cmd_evidence_redact)


_SEQS = re.compile(r"^\d+(?:-\d+)?$")


def parse_seqs(text: str) -> list[int]:
    """``3,5,8-10`` → [3, 5, 8, 9, 10]."""
    out: list[int] = []
    for part in text.replace(" ", "").split(","):
        if not _SEQS.match(part):
            raise UsageError(detail=N_("--messages takes numbers such as 3,5,8-10"))
        if "-" in part:
            a, b = (int(x) for x in part.split("-"))
            if b < a or b - a > 100_000:
                raise UsageError(detail=N_("--messages takes numbers such as 3,5,8-10"))
            out.extend(range(a, b + 1))
        else:
            out.append(int(part))
    return out


def _chat_line(chat: Chat) -> str:
    span = f"{chat.first_at or '?'} – {chat.last_at or '?'}"
    count = ngettext("{n} message", "{n} messages", chat.message_count).format(n=chat.message_count)
    return f"{chat.id}  {chat.format}  {chat.title}  {count}  {span}"


def _message_lines(m: ChatMessage, incidents: list[str]) -> list[str]:
    who = m.sender or _("(system)")
    head = f"{m.seq:>6}  {m.sent_at}  {who}:"
    lines = m.text.split("\n") if m.text else []
    out = [head + (" " + lines[0] if lines else "")]
    out += ["        " + line for line in lines[1:]]
    for name in m.attachments:
        out.append("        " + _("attachment: {name}").format(name=name))
    if incidents:
        out.append("        " + _("in incidents: {ids}").format(ids=", ".join(incidents)))
    return out


def cmd_chat_import(args: argparse.Namespace) -> int:
    with unlock(args) as desk:
        chat = desk.import_chat(Path(args.file), args.format)
    if args.json:
        print_json(chat.to_json())
    else:
        say(chat.id)
    return 0


def cmd_chat_list(args: argparse.Namespace) -> int:
    with unlock(args) as desk:
        chats = desk.list_chats()
    if args.json:
        print_json([c.to_json() for c in chats])
    else:
        for c in chats:
            say(_chat_line(c))
    return 0


def cmd_chat_show(args: argparse.Namespace) -> int:
    with unlock(args) as desk:
        chat = desk.get_chat(args.id)
        messages = desk.chat_messages(args.id, args.query)
        linked = desk.message_incidents(args.id)
    if args.json:
        data: dict[str, Any] = chat.to_json()
        data["messages"] = [{**m.to_json(), "incidents": linked.get(m.seq, [])} for m in messages]
        print_json(data)
        return 0
    say(_chat_line(chat))
    say(_("Evidence file: {id}").format(id=chat.evidence_id))
    for m in messages:
        for line in _message_lines(m, linked.get(m.seq, [])):
            say(line)
    return 0


def cmd_chat_attach(args: argparse.Namespace) -> int:
    seqs = parse_seqs(args.messages)
    with unlock(args) as desk:
        added = desk.attach_messages(args.chat_id, args.incident, seqs)
    n = len(added)
    say(
        ngettext(
            "{n} message linked to the incident", "{n} messages linked to the incident", n
        ).format(n=n)
    )
    return 0


def cmd_chat_detach(args: argparse.Namespace) -> int:
    seqs = parse_seqs(args.messages)
    with unlock(args) as desk:
        n = desk.detach_messages(args.chat_id, args.incident, seqs)
    say(
        ngettext(
            "{n} message unlinked from the incident", "{n} messages unlinked from the incident", n
        ).format(n=n)
    )
    return 0


def cmd_chat_identify(args: argparse.Namespace) -> int:
    with unlock(args) as desk:
        key = desk.link_identifier(args.identifier, args.person)
    say(key)
    return 0


def cmd_chat_sender(args: argparse.Namespace) -> int:
    from defender_desk.phone.identifiers import normalise

    key = normalise(args.identifier) or args.identifier
    with unlock(args) as desk:
        people = desk.people_with_identifier(key)
        seen = desk.identifier_sightings(key)
        names = {p.id: p.name for p in desk.list_people()}
    if args.json:
        print_json({"identifier": key, "people": people, "chats": seen})
        return 0
    say(key)
    for pid in people:
        say("  " + _("person: {name} ({id})").format(name=names.get(pid, pid), id=pid))
    for s in seen:
        count = ngettext("{n} message", "{n} messages", s["messages"]).format(n=s["messages"])
        say(f"  {s['chat_id']}  {count}  {s['first_at']} – {s['last_at']}")
    return 0


def cmd_evidence_show(args: argparse.Namespace) -> int:
    with unlock(args) as desk:
        ev = desk.evidence.get(args.id)
        meta = desk.evidence_metadata(args.id)
        clash = desk.metadata_contradiction(args.id)
        derived = desk.working_copy_info(args.id)
        copies = desk.working_copies_of(args.id)
    if args.json:
        data = evidence_json(ev)
        data["metadata"] = meta.to_json()
        data["contradiction"] = clash
        data["working_copy_of"] = derived
        data["working_copies"] = [c.id for c in copies]
        print_json(data)
        return 0
    say(ev.id)
    rows = [
        (_("Name"), ev.original_name),
        (_("Type"), ev.media_type),
        (_("Size"), f"{ev.size} B"),
        (_("SHA-256"), ev.sha256),
        (_("Incident"), ev.incident_id or "-"),
        (_("Captured"), meta.captured_at or _("not stated in the file")),
        (_("Device"), meta.device or _("not stated in the file")),
        (_("Location embedded"), _("yes") if meta.has_location else _("no")),
    ]
    for label, value in rows:
        say(f"{label}: {value}")
    if meta.reason:
        say(_("Metadata: {reason}").format(reason=_(meta.reason)))
    if clash is not None:
        template = (
            ngettext(
                "Contradiction: captured {n} day before the incident's date",
                "Contradiction: captured {n} days before the incident's date",
                clash["days"],
            )
            if clash["direction"] == "before"
            else ngettext(
                "Contradiction: captured {n} day after the incident's date",
                "Contradiction: captured {n} days after the incident's date",
                clash["days"],
            )
        )
        say(template.format(n=clash["days"]))
    if derived is not None:
        say(
            _("Working copy of {id} (sha256:{sha})").format(
                id=derived["original_id"] or "-", sha=derived["original_sha256"]
            )
        )
    for c in copies:
        say(_("Working copy: {id}").format(id=c.id))
    return 0


def cmd_evidence_redact(args: argparse.Namespace) -> int:
    boxes = [parse_box(b) for b in args.box]
    if not boxes and not args.strip_metadata:
        raise UsageError(detail=N_("nothing to change: give --box or --strip-metadata"))
    with unlock(args) as desk:
        copy = desk.make_working_copy(args.id, boxes, strip_metadata=args.strip_metadata)
    say(copy.id)
    sys.stdout.flush()
    return 0
