"""Vault commands: init, status, passwd, recover, check."""

from __future__ import annotations

import argparse
from typing import Any

from defender_desk.app import Desk
from defender_desk.cli.common import Secrets, desk_for, print_json, print_problems, say, warn
from defender_desk.domain import wording
from defender_desk.i18n import _, ngettext


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("init", help=_("create a new vault"))
    p.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("status", help=_("show the vault's path, format, key strength and counts"))
    p.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("passwd", help=_("change the passphrase"))
    p.set_defaults(func=cmd_passwd)

    p = sub.add_parser("recover", help=_("open with the recovery code and set a new passphrase"))
    p.set_defaults(func=cmd_recover)

    p = sub.add_parser(
        "rekey",
        help=_(
            "rotate every key after a suspected disclosure; a new recovery code and a new card"
            " (the passphrase stays)"
        ),
    )
    p.add_argument(
        "--keep-recovery-code",
        action="store_true",
        help=_("keep the recovery code: type it after the passphrase"),
    )
    p.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    p.set_defaults(func=cmd_rekey)

    p = sub.add_parser("check", help=_("check the vault's integrity"))
    p.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    p.set_defaults(func=cmd_check)


def unlock(args: argparse.Namespace) -> Desk:
    """The desk for ``args``, unlocked with the passphrase (first secret on the fd)."""
    desk = desk_for(args)
    secrets = Secrets(args.passphrase_fd)
    with secrets.text(_("Passphrase:")) as passphrase:
        desk.unlock(passphrase)
    report_warnings(desk)
    return desk


def report_warnings(desk: Desk) -> None:
    if "kdf_below_floor" in desk.warnings:
        warn(
            _(
                "this vault's key derivation is weaker than the recommended minimum "
                "(64 MiB, 3 passes); strengthen it in the settings"
            )
        )


def cmd_init(args: argparse.Namespace) -> int:
    desk = desk_for(args)
    secrets = Secrets(args.passphrase_fd)
    with secrets.new(_("New passphrase:"), _("Repeat the new passphrase:")) as passphrase:
        result = desk.create(passphrase)
    try:
        code = desk.me().verification_code
        if args.json:
            print_json({"recovery_code": result.recovery_code, "verification_code": code})
        else:
            say(_("A new vault was created in {path}.").format(path=desk.paths.root))
            say("")
            say(_("Your recovery code — write it down by hand now; it is shown only this once:"))
            say("")
            say("    " + result.recovery_code)
            say("")
            say(_(wording.ADVICE_RECOVERY_CODE))
            say("")
            say(_("Your verification code — read it aloud when you meet, to compare:"))
            say("")
            say("    " + code)
    finally:
        desk.lock()
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    with unlock(args) as desk:
        status = desk.status()
    if args.json:
        print_json(status)
        return 0
    kdf: dict[str, Any] = status["kdf"]
    say(_("Vault: {path}").format(path=status["path"]))
    say(_("Format version: {v}").format(v=status["format_version"]))
    say(
        _("Key derivation: Argon2id, {mib} MiB, {t} passes, {p} lanes").format(
            mib=kdf["memory_kib"] // 1024, t=kdf["iterations"], p=kdf["lanes"]
        )
    )
    for name, count in sorted(status["counts"].items()):
        say(f"{name}: {count}")
    return 0


def cmd_passwd(args: argparse.Namespace) -> int:
    with unlock(args) as desk:
        secrets = Secrets(args.passphrase_fd)
        with secrets.new(_("New passphrase:"), _("Repeat the new passphrase:")) as new:
            desk.change_passphrase(new)
    say(_("The passphrase was changed."))
    return 0


def cmd_recover(args: argparse.Namespace) -> int:
    desk = desk_for(args)
    secrets = Secrets(args.passphrase_fd)
    with secrets.text(_("Recovery code:")) as code_secret:
        code = code_secret.buffer.decode("utf-8", "replace")
    # Check the code's check digit before asking anything else (instant, no slow derivation).
    from defender_desk.vault import recovery

    recovery.normalize(code)
    with secrets.new(_("New passphrase:"), _("Repeat the new passphrase:")) as new, desk:
        desk.recover(code, new)
        report_warnings(desk)
    say(_("The vault is open again and has a new passphrase."))
    return 0


def cmd_rekey(args: argparse.Namespace) -> int:
    desk = unlock(args)
    try:
        secrets = Secrets(args.passphrase_fd)
        with secrets.text(_("Passphrase again, to confirm the rotation:")) as passphrase:
            code: str | None = None
            if args.keep_recovery_code:
                with secrets.text(_("Your current recovery code:")) as code_secret:
                    code = code_secret.buffer.decode("utf-8", "replace")
                from defender_desk.vault import recovery

                recovery.normalize(code)  # a typo is reported before the slow work
            result = desk.rekey(passphrase, recovery_code=code)
        if args.json:
            print_json(
                {
                    "recovery_code": result.new_recovery_code,
                    "verification_code": result.verification_code,
                    "age_recipient": result.age_recipient,
                }
            )
            return 0
        say(
            _(
                "Every key was replaced: an old copy of the key file or of the database, and"
                " every key that was in them, opens nothing of this vault now."
            )
        )
        say(
            ngettext(
                "{n} evidence file was re-encrypted.",
                "{n} evidence files were re-encrypted.",
                result.evidence_files,
            ).format(n=result.evidence_files)
        )
        if result.new_recovery_code:
            say("")
            say(
                _(
                    "Your NEW recovery code — write it down by hand now; the old one no longer "
                    "works and this one is shown only this once:"
                )
            )
            say("")
            say("    " + result.new_recovery_code)
            say("")
            say(
                _(
                    "Backups made before today open only with the old code: make a new backup,"
                    " and ask whoever keeps the old ones to delete them."
                )
            )
        say("")
        say(_("Your new card (give it to each contact again, in person):"))
        say("    " + result.age_recipient)
        say(_("Your new verification code: {code}").format(code=result.verification_code))
        say(_("Your contacts must compare it with you in person again."))
        if result.previous_card_until is not None:
            say(
                _(
                    "Exports sent to your old card can still be opened until {date}; after that"
                    " its key is deleted."
                ).format(date=result.previous_card_until.astimezone().date().isoformat())
            )
    finally:
        desk.lock()
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    with unlock(args) as desk:
        report = desk.check()
    return print_problems(report.problems, args.json)
