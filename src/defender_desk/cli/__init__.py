"""``defender-desk-cli``: a thin shell over :class:`defender_desk.app.Desk`.

``defender-desk-cli [--vault-dir DIR] [--passphrase-fd N] [--lang en|ru|kk] COMMAND``

Each command family lives in its own module here and registers its sub-commands; this module
parses the global options, sets the language, hardens the process, reads secrets (from
``--passphrase-fd`` or a no-echo prompt — never argv or the environment) and turns errors into a
translated message and an exit code (README: 0 ok, 1 error, 2 usage, 3 wrong passphrase,
4 vault in use, 5 vault damaged or not a vault, 6 valid signature by an unknown key).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from defender_desk import hardening, i18n, log
from defender_desk.cli import (
    analysis_cmds,
    common,
    emergency_cmds,
    obligation_cmds,
    phone_cmds,
    record_cmds,
    sharing_cmds,
    vault_cmds,
    wipe_cmds,
)
from defender_desk.errors import DefenderDeskError, VaultWiped
from defender_desk.i18n import _

# Each module exposes register(subparsers); order is the order in --help.
COMMAND_MODULES: list[Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None]] = [
    vault_cmds.register,
    record_cmds.register,
    analysis_cmds.register,  # after record_cmds: it adds to the person command
    phone_cmds.register,
    obligation_cmds.register,
    emergency_cmds.register,
    sharing_cmds.register,
    wipe_cmds.register,
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="defender-desk-cli",
        description=_(
            "Defender Desk: an encrypted, offline record of incidents, obligations and evidence."
        ),
        epilog=_(
            "Exit codes: 0 ok, 1 error, 2 usage, 3 wrong passphrase or recovery code, "
            "4 vault in use, 5 vault damaged or not a vault, 6 signature by an unknown key."
        ),
    )
    common.add_global_options(parser)
    sub = parser.add_subparsers(dest="command", metavar=_("COMMAND"))
    sub.required = True
    for register in COMMAND_MODULES:
        register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    hardening.harden_process()
    log.setup()
    args_list = list(sys.argv[1:] if argv is None else argv)
    i18n.set_language(common.preparse_language(args_list))
    parser = build_parser()
    args = parser.parse_args(args_list)
    try:
        code = int(args.func(args) or 0)
    except VaultWiped as exc:
        common.print_error(i18n.describe_error(exc))
        # This command has closed the vault by now: finish the erasure that stopped it.
        from defender_desk import wipe
        from defender_desk.paths import VaultPaths, resolve_vault_dir

        try:
            wipe.finish_pending_wipe(VaultPaths(resolve_vault_dir(args.vault_dir)))
        except Exception:  # noqa: BLE001, S110 - the next start finishes it otherwise
            pass
        return exc.exit_code
    except DefenderDeskError as exc:
        common.print_error(i18n.describe_error(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        common.print_error(_("interrupted; nothing was changed"))
        return 130
    except Exception as exc:  # noqa: BLE001 - the last line of defence: type only, no content
        common.print_error(_(i18n.UNEXPECTED).format(kind=type(exc).__name__))
        return 1
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
