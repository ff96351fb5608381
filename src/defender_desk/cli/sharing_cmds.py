"""Sharing commands: me, contact, export, open-export, backup, restore.

``open-export`` exits 0 only when the signature and every file verify, the history chain is
consistent and the signer is known (a contact, or the vault's owner); 6 when all that holds but
the signer is unknown (their verification code is printed, to compare and add them); 1 for
anything else.
"""

from __future__ import annotations

import argparse
import sys
import unicodedata
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from defender_desk import safewrite
from defender_desk.cli.common import Secrets, desk_for, print_error, print_json, say, warn
from defender_desk.cli.vault_cmds import unlock
from defender_desk.domain import wording
from defender_desk.domain.dates import parse_when
from defender_desk.errors import N_, DefenderDeskError
from defender_desk.i18n import LANGUAGES, _, describe_error, get_language, ngettext
from defender_desk.sharing.backup import BackupInfo
from defender_desk.sharing.contacts import ROLE_LABELS, Contact, ContactRole
from defender_desk.sharing.export import ExportSelection
from defender_desk.sharing.facade import SharingFacade
from defender_desk.sharing.open_export import OpenedExport, Problem

_STATUS = {
    "ok": N_("ok"),
    "missing": N_("MISSING"),
    "unlisted": N_("NOT IN THE MANIFEST"),
    "size": N_("WRONG SIZE"),
    "hash": N_("CHANGED"),
    "damaged": N_("DAMAGED"),
}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("me", help=_("show your card and its verification code"))
    p.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    p.add_argument("--qr", metavar="FILE.png", help=_("also write the card as a QR code image"))
    p.add_argument(
        "--old-card-until",
        metavar="DATE",
        help=_(
            "after a key rotation: exports sent to your old card can be opened until the end of"
            " DATE (YYYY-MM-DD); 'now' deletes the old card's key now"
        ),
    )
    p.set_defaults(func=cmd_me)

    contact = sub.add_parser("contact", help=_("trusted contacts you share exports with"))
    csub = contact.add_subparsers(dest="action", metavar=_("ACTION"))
    csub.required = True
    p = csub.add_parser("add", help=_("add a contact; prints the id"))
    p.add_argument("--name", required=True, metavar="TEXT")
    p.add_argument("--role", required=True, choices=[r.value for r in ContactRole])
    p.add_argument("--age-recipient", required=True, metavar="age1…")
    p.add_argument("--signing-key", metavar="KEY", help=_("their ssh-ed25519 key (optional)"))
    p.add_argument("--notes", metavar="TEXT")
    p.set_defaults(func=cmd_contact_add)
    p = csub.add_parser("list", help=_("list contacts"))
    p.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    p.set_defaults(func=cmd_contact_list)
    p = csub.add_parser(
        "verify", help=_("record that you compared the contact's verification code in person")
    )
    p.add_argument("id")
    p.set_defaults(func=cmd_contact_verify)
    p = csub.add_parser("delete", help=_("delete a contact"))
    p.add_argument("id")
    p.set_defaults(func=cmd_contact_delete)

    p = sub.add_parser("export", help=_("write a signed, encrypted export for your contacts"))
    p.add_argument(
        "--recipient",
        required=True,
        action="extend",
        nargs="+",
        metavar="ID",
        help=_("a contact id, or 'me' for yourself (repeatable)"),
    )
    p.add_argument("--from", dest="date_from", metavar="WHEN")
    p.add_argument("--until", metavar="WHEN")
    p.add_argument("--category", action="append", default=[], metavar="CODE")
    p.add_argument("--target", action="append", default=[], metavar="ID",
                   help=_("a person id, or 'self' (repeatable)"))  # fmt: skip
    p.add_argument("--incident", action="append", metavar="ID",
                   help=_("only this incident (repeatable)"))  # fmt: skip
    p.add_argument("--report-lang", choices=LANGUAGES, help=_("language of the report"))
    p.add_argument("--no-evidence", action="store_true", help=_("leave the evidence files out"))
    p.add_argument("--no-obligations", action="store_true", help=_("leave the obligations out"))
    p.add_argument("--name", metavar="TEXT", help=_("your name as printed on the report"))
    p.add_argument("-o", "--output", metavar="FILE", help=_("the file or folder to write to"))
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("open-export", help=_("decrypt and verify an export you received"))
    p.add_argument("file", metavar="FILE")
    p.add_argument(
        "--identity",
        metavar="FILE",
        help=_("an age identity file, possibly protected with a passphrase"),
    )
    p.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    p.add_argument(
        "--save-for-court",
        metavar="DIR",
        help=_(
            "write every file, the signed manifest and a README for the court's expert to this"
            " folder (readable by anyone there)"
        ),
    )
    p.add_argument(
        "--receipt",
        metavar="OUT",
        help=_(
            "write a receipt signed with your key: the history you received and when (no record"
            " content); give it back to the sender"
        ),
    )
    p.add_argument(
        "--accept-rewrite",
        action="store_true",
        help=_(
            "accept a history that was rewritten since an earlier export (only after speaking to"
            " the sender); recorded in your own history"
        ),
    )
    p.set_defaults(func=cmd_open_export)

    receipt = sub.add_parser(
        "receipt", help=_("receipts your lawyer signed: independent witnesses of your history")
    )
    rsub = receipt.add_subparsers(dest="action", metavar=_("ACTION"))
    rsub.required = True
    p = rsub.add_parser("import", help=_("check a receipt and keep it in your history"))
    p.add_argument("file", metavar="FILE")
    p.set_defaults(func=cmd_receipt_import)
    p = rsub.add_parser("list", help=_("list the receipts you keep"))
    p.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    p.set_defaults(func=cmd_receipt_list)

    p = sub.add_parser("backup", help=_("back up the whole vault for your recovery code"))
    p.add_argument("-o", "--output", metavar="FILE", help=_("the file or folder to write to"))
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser(
        "restore",
        help=_("build a new vault in an empty folder from a backup and the recovery code"),
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument(
        "--made-before",
        metavar="DATE",
        help=_(
            "refuse a backup made on or after DATE (YYYY-MM-DD, or YYYY-MM-DDTHH:MM; your local"
            " time), for example the day of a search"
        ),
    )
    p.set_defaults(func=cmd_restore)


# -- me --------------------------------------------------------------------------------------


def _end_of_day(text: str) -> datetime | None:
    from datetime import timedelta

    from defender_desk.errors import UsageError

    if text.strip().lower() == "now":
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise UsageError(
            detail=N_("--old-card-until needs a date like 2026-03-14, or 'now'")
        ) from None
    return datetime.combine(day + timedelta(days=1), time()).astimezone()


def cmd_me(args: argparse.Namespace) -> int:
    until = _end_of_day(args.old_card_until) if args.old_card_until else None
    with unlock(args) as desk:
        assert isinstance(desk, SharingFacade)
        if args.old_card_until:
            desk.keep_previous_cards_until(until)
        card = desk.me()
        previous = desk.previous_cards()
    if args.qr:
        safewrite.write_bytes(Path(args.qr), card.qr_png())
    if args.json:
        print_json(card.as_json())
        return 0
    say(_("Your card — give it to the people you share with:"))
    say("")
    say("    " + card.text)
    say("")
    say(_("Your verification code — read it aloud when you meet, to compare:"))
    say("")
    say("    " + card.verification_code)
    for old in previous:
        say("")
        say(
            _("Exports sent to your old card {recipient} can be opened until {date}.").format(
                recipient=old.age_recipient,
                date=old.until.astimezone().isoformat(sep=" ", timespec="minutes"),
            )
        )
    return 0


# -- contacts --------------------------------------------------------------------------------


def _contact_line(c: Contact) -> str:
    verified = (
        _("verified {date}").format(date=c.verified_on.isoformat())
        if c.verified_on
        else _("not verified in person")
    )
    code = c.verification_code() or _("no signing key")
    return f"{c.id}  {_(ROLE_LABELS[c.role])}  {c.name}  [{verified}]  {code}"


def cmd_contact_add(args: argparse.Namespace) -> int:
    with unlock(args) as desk:
        assert isinstance(desk, SharingFacade)
        contact = desk.add_contact(
            name=args.name,
            role=args.role,
            age_recipient=args.age_recipient,
            signing_key=args.signing_key,
            notes=args.notes or "",
        )
    say(contact.id)
    return 0


def cmd_contact_list(args: argparse.Namespace) -> int:
    with unlock(args) as desk:
        assert isinstance(desk, SharingFacade)
        contacts = desk.list_contacts()
    if args.json:
        print_json([c.as_json() for c in contacts])
        return 0
    if not contacts:
        say(_("No contacts yet."))
    for c in contacts:
        say(_contact_line(c))
    return 0


def cmd_contact_verify(args: argparse.Namespace) -> int:
    with unlock(args) as desk:
        assert isinstance(desk, SharingFacade)
        contact = desk.verify_contact(args.id)
    code = contact.verification_code()
    if code:
        say(_("Their verification code: {code}").format(code=code))
    say(_("Marked as verified in person today."))
    return 0


def cmd_contact_delete(args: argparse.Namespace) -> int:
    with unlock(args) as desk:
        assert isinstance(desk, SharingFacade)
        desk.delete_contact(args.id)
    return 0


# -- export ----------------------------------------------------------------------------------


def cmd_export(args: argparse.Namespace) -> int:
    selection = ExportSelection(
        date_from=parse_when(args.date_from) if args.date_from else None,
        date_until=parse_when(args.until) if args.until else None,
        categories=tuple(args.category),
        targets=tuple(args.target),
        incident_ids=None if args.incident is None else tuple(args.incident),
        include_evidence=not args.no_evidence,
        include_obligations=not args.no_obligations,
        report_language=args.report_lang or get_language(),
    )
    output = Path(args.output) if args.output else None
    with unlock(args) as desk:
        assert isinstance(desk, SharingFacade)
        for rid in args.recipient:
            if rid in ("me", "self"):
                continue
            if desk.get_contact(rid).verified_on is None:
                warn(
                    _("the contact {id} was not verified in person; compare the codes").format(
                        id=rid
                    )
                )
        result = desk.export(args.recipient, selection, output=output, owner_name=args.name or "")
    say(str(result.path))
    return 0


# -- open-export -----------------------------------------------------------------------------


def problem_text(problem: Problem) -> str:
    return _(problem.message).format(
        **{
            k: _(v) if k == "reason" and isinstance(v, str) else v
            for k, v in problem.fields.items()
        }
    )


def _who(opened: OpenedExport) -> str:
    signer = opened.signer
    if signer.status == "self":
        return _("you")
    if signer.contact is not None:
        return _("{name} (your contact)").format(name=signer.contact.name)
    return _("an unknown key")


def verdict_line(opened: OpenedExport) -> str:
    """The first line: VERIFIED, or NOT VERIFIED and the first reason."""
    if opened.ok:
        return _(
            "VERIFIED: signed by {who}; all {n} files intact; history consistent up to revision"
            " {seq}"
        ).format(who=_who(opened), n=len(opened.files), seq=opened.chain.head_seq)
    problems = opened.problems
    first = problem_text(problems[0])
    if len(problems) == 1:
        return _("NOT VERIFIED: {reason}").format(reason=first)
    more = len(problems) - 1
    return ngettext(
        "NOT VERIFIED: {reason} (and {n} more problem, below)",
        "NOT VERIFIED: {reason} (and {n} more problems, below)",
        more,
    ).format(reason=first, n=more)


def shown(name: str) -> str:
    """A file name as it is safe to print: control and bidi-override characters escaped."""
    out = []
    for ch in name:
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp"):
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)


def _print_opened(opened: OpenedExport) -> None:
    say(verdict_line(opened))
    problems = opened.problems
    if len(problems) > 1:
        for problem in problems:
            say("  - " + problem_text(problem))
    for note in opened.notes:
        say(_("Note: {text}").format(text=problem_text(note)))
    chain = opened.chain
    if chain.gone:
        say(_("Revisions you received that are gone or changed:"))
        for g in chain.gone:
            detail = " ".join(x for x in (g.operation, g.record_id, g.recorded_at) if x)
            say(f"  {g.seq}  {detail}")
        if chain.status == "diverged":
            say(
                _(
                    "Speak to the sender first: restoring an older backup does this. Then you can"
                    " accept the new history with --accept-rewrite; your choice is recorded in"
                    " your history."
                )
            )
    if chain.status == "accepted":
        say(_("You accepted this rewritten history; your choice is recorded in your history."))
    say("")
    signer = opened.signer
    if signer.status == "self":
        say(_("Signature: valid — signed by you."))
    elif signer.status == "contact" and signer.contact is not None:
        say(_("Signature: valid — signed by {name}.").format(name=signer.contact.name))
        if signer.contact.verified_on is None:
            warn(_("this contact was not verified in person"))
    else:
        say(_("Signature: valid, but by a key that is not one of your contacts."))
        say(_("Its verification code: {code}").format(code=signer.verification_code or "—"))
        say(_("Compare it with the sender in person before you add them as a contact."))
    say(_("Signing key: {fingerprint}").format(fingerprint=signer.fingerprint))
    say(_("Made: {when}").format(when=opened.created_at))
    say(_("Files:"))
    for f in opened.files_failing_first:
        say(f"  {_(_STATUS.get(f.status, f.status)):<12} {shown(f.name)}")
    if chain.status == "again":
        say(_("History chain: consistent; you opened this export before."))
    elif chain.ok:
        say(
            _("History chain: consistent (head {seq}; {n} earlier exports checked).").format(
                seq=chain.head_seq, n=chain.earlier
            )
        )
    else:
        say(_("History chain: PROBLEM (see above)"))
    if opened.receipts:
        say(_("Receipts (independent witnesses):"))
        for r in opened.receipts:
            who = {
                "you": _("you"),
                "contact": r.witness_name,
                "unknown": _("{name} (not one of your contacts)").format(
                    name=r.named_by_author or "—"
                ),
            }[r.witness_status]
            state = _(_STATUS["ok"]) if r.ok else _("INVALID")
            say(
                "  "
                + _("{state}  revision {seq} received by {who} on {when} ({fingerprint})").format(
                    state=state,
                    seq=r.head_seq,
                    who=who,
                    when=r.received_at,
                    fingerprint=r.fingerprint,
                )
            )


def _json_opened(opened: OpenedExport) -> dict[str, Any]:
    data = opened.as_json()
    data["verdict"] = verdict_line(opened)
    data["problems"] = [problem_text(p) for p in opened.problems]
    data["notes"] = [problem_text(p) for p in opened.notes]
    return data


def cmd_open_export(args: argparse.Namespace) -> int:
    identity_file = Path(args.identity) if args.identity else None
    with unlock(args) as desk:
        assert isinstance(desk, SharingFacade)
        secrets = Secrets(args.passphrase_fd)

        def ask() -> Any:
            return secrets.text(_("Passphrase of the identity file:"))

        try:
            opened = desk.open_export(
                Path(args.file),
                identity_file=identity_file,
                ask_passphrase=ask,
                accept_rewrite=args.accept_rewrite,
            )
        except DefenderDeskError as exc:
            reason = describe_error(exc).split("\n")[0]
            if args.json:
                verdict = _("NOT VERIFIED: {reason}").format(reason=reason)
                print_json(
                    {
                        "ok": False,
                        "exit_code": exc.exit_code,
                        "problems": [reason],
                        "verdict": verdict,
                    }
                )
            else:
                say(_("NOT VERIFIED: {reason}").format(reason=reason))
            sys.stdout.flush()
            raise
        try:
            if args.json:
                print_json(_json_opened(opened))
            else:
                _print_opened(opened)
            code = opened.exit_code
            if args.save_for_court and not opened.ok:
                print_error(
                    _("nothing was saved: only an export that verified completely can be saved")
                )
                code = code or 1
            elif args.save_for_court:
                warn(
                    _(
                        "the saved files are not encrypted: anyone who can read that folder can"
                        " read them"
                    )
                )
                written = desk.save_for_court(opened, Path(args.save_for_court))
                if not args.json:
                    for path in written:
                        say(str(path))
            if args.receipt and not opened.ok:
                print_error(
                    _(
                        "no receipt was written: only an export that verified completely can be"
                        " witnessed"
                    )
                )
                code = code or 1
            elif args.receipt:
                path = desk.write_receipt(opened, Path(args.receipt))
                if not args.json:
                    say(
                        _(
                            "Receipt written to {path}. Give it back to the sender: it says that"
                            " you received their history up to revision {seq} today, and holds"
                            " no record content."
                        ).format(path=path, seq=opened.chain.head_seq)
                    )
        finally:
            opened.close()
    sys.stdout.flush()
    return code


# -- receipts ----------------------------------------------------------------------------------


def cmd_receipt_import(args: argparse.Namespace) -> int:
    with unlock(args) as desk:
        assert isinstance(desk, SharingFacade)
        receipt = desk.import_receipt(Path(args.file))
    say(
        _(
            "Receipt kept: revision {seq} of your history was received by {name} on {when}"
            " (by their clock). Every later export carries it."
        ).format(seq=receipt.head_seq, name=receipt.witness_name, when=receipt.received_at)
    )
    return 0


def cmd_receipt_list(args: argparse.Namespace) -> int:
    with unlock(args) as desk:
        assert isinstance(desk, SharingFacade)
        receipts = desk.list_receipts()
    if args.json:
        print_json([r.as_json() for r in receipts])
        return 0
    if not receipts:
        say(_("No receipts yet."))
    for r in receipts:
        say(
            _("{id}  revision {seq}  received by {name} on {when}").format(
                id=r.id, seq=r.head_seq, name=r.witness_name, when=r.received_at
            )
        )
    return 0


# -- backup and restore ----------------------------------------------------------------------


def cmd_backup(args: argparse.Namespace) -> int:
    output = Path(args.output) if args.output else None
    with unlock(args) as desk:
        assert isinstance(desk, SharingFacade)
        result = desk.backup(output)
    say(str(result.path))
    warn(_(wording.ADVICE_BACKUP))
    return 0


def _made_before(text: str) -> datetime:
    """``YYYY-MM-DD`` (the start of that day) or an ISO date and time; local time unless a zone
    is given."""
    from defender_desk.errors import UsageError

    try:
        if len(text) == 10:
            moment = datetime.combine(date.fromisoformat(text), time())
        else:
            moment = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(
            detail=N_("--made-before needs a date like 2026-03-14 or 2026-03-14T09:00")
        ) from None
    return moment if moment.tzinfo else moment.astimezone()


def show_backup_info(info: BackupInfo) -> None:
    """What the backup says about itself, before anything is written."""
    made = (
        _("unknown")
        if info.created_at is None
        else info.created_at.astimezone().isoformat(sep=" ", timespec="minutes")
    )
    say(_("This backup says it was made on: {when}").format(when=made))
    if info.head_seq is not None and info.head_hash is not None:
        say(
            _("Its history ends at revision {seq}, hash {hash}").format(
                seq=info.head_seq, hash=info.head_hash
            )
        )
    if info.counts:
        say(_("It holds: {counts}").format(counts=_counts_text(info.counts)))
    say(
        _(
            "Compare this with what you know before you trust it: whoever had your database can"
            " make a backup too."
        )
    )
    sys.stdout.flush()


def _counts_text(counts: dict[str, int]) -> str:
    names = {
        "incidents": lambda n: ngettext("{n} incident", "{n} incidents", n),
        "people": lambda n: ngettext("{n} person", "{n} people", n),
        "evidence": lambda n: ngettext("{n} evidence file", "{n} evidence files", n),
        "revisions": lambda n: ngettext("{n} revision", "{n} revisions", n),
        "obligations": lambda n: ngettext("{n} obligation", "{n} obligations", n),
        "contacts": lambda n: ngettext("{n} contact", "{n} contacts", n),
        "emergencies": lambda n: ngettext("{n} emergency", "{n} emergencies", n),
    }
    return ", ".join(
        names[k](v).format(n=v) if k in names else f"{k}: {v}" for k, v in counts.items()
    )


def cmd_restore(args: argparse.Namespace) -> int:
    from defender_desk.vault import recovery

    limit = _made_before(args.made_before) if args.made_before else None
    desk = desk_for(args)
    secrets = Secrets(args.passphrase_fd)
    with secrets.text(_("Recovery code:")) as code_secret:
        code = code_secret.buffer.decode("utf-8", "replace")
    recovery.normalize(code)  # a typo is reported before anything else is asked
    with secrets.new(_("New passphrase:"), _("Repeat the new passphrase:")) as new:
        result = SharingFacade.restore(
            Path(args.file),
            desk.paths.root,
            code,
            new,
            made_before=limit,
            on_info=show_backup_info,
        )
    say(
        _("Restored into {path}: {incidents} incidents, {evidence} evidence files.").format(
            path=result.path, incidents=result.incidents, evidence=result.evidence
        )
    )
    say(
        _(
            "If this backup could have been made by someone else, rotate every key now"
            " (rekey): a key planted in it stops working."
        )
    )
    return 0
