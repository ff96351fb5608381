"""The panic wipe from the command line: ``wipe --yes``.

Needs no passphrase and works while the app is open elsewhere. Without ``--yes`` it erases
nothing, says what would be erased and exits 2 (usage). With it, it prints the whole truthful
report (:class:`defender_desk.wipe.WipeReport`), translated; exit 0 when everything found was
erased, 1 when something could not be (the report says what).
"""

from __future__ import annotations

import argparse
import sys

from defender_desk import wipe
from defender_desk.cli.common import print_error, print_json, say
from defender_desk.i18n import _
from defender_desk.paths import VaultPaths, resolve_vault_dir

#: How long ``wipe --yes`` waits for another process that has the vault open to close it.
SETTLE_S = 3.0
# Fields of a report line that are themselves marked messages (like describe_error's).
_TRANSLATED_FIELDS = frozenset({"what", "reason"})


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "wipe",
        help=_(
            "erase the vault now: its key first, then every file (no passphrase needed;"
            " cannot be undone)"
        ),
    )
    p.add_argument(
        "--yes", action="store_true", help=_("really erase; without it nothing is erased")
    )
    p.add_argument("--json", action="store_true", help=_("print the report as JSON"))
    p.set_defaults(func=cmd_wipe)


def render(line: wipe.Line) -> str:
    """One report line in the current language."""
    fields = {
        k: (_(v) if k in _TRANSLATED_FIELDS and isinstance(v, str) else v)
        for k, v in line.fields.items()
    }
    try:
        return _(line.template).format(**fields)
    except (KeyError, IndexError, ValueError):
        return _(line.template)


def cmd_wipe(args: argparse.Namespace) -> int:
    paths = VaultPaths(resolve_vault_dir(args.vault_dir))
    if not args.yes:
        print_error(_("wipe needs --yes; nothing was erased"))
        for line in wipe.inventory(paths).lines():
            sys.stderr.write("defender-desk: " + render(line) + "\n")
        return 2
    # When the vault is open elsewhere, wait a few seconds for that process to close it, so that
    # the report can say whether it did.
    report = wipe.wipe(paths, settle_s=SETTLE_S)
    if args.json:
        print_json(report.to_json())
    else:
        say(render(report.headline()))
        for heading, lines in report.sections():
            say("")
            say(_(heading))
            for line in lines:
                say("  - " + render(line))
    return 0 if report.complete else 1
