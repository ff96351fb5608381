"""Shared plumbing for the CLI: global options, secrets, output."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from typing import Any

from defender_desk import i18n
from defender_desk.app import Desk
from defender_desk.domain.models import Evidence
from defender_desk.errors import N_, EmptyPassphrase, PassphraseMismatch, UsageError
from defender_desk.i18n import _
from defender_desk.paths import resolve_vault_dir
from defender_desk.secret import Secret
from defender_desk.vault import history

MAX_SECRET_LINE = 4096


def add_global_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--vault-dir",
        metavar="DIR",
        help=_("the vault folder (default: your data folder, or DEFENDER_DESK_HOME)"),
    )
    parser.add_argument(
        "--passphrase-fd",
        metavar="N",
        type=int,
        help=_("read secrets from file descriptor N, one per line, in the order the command asks"),
    )
    parser.add_argument("--lang", choices=i18n.LANGUAGES, help=_("language of messages"))


def preparse_language(argv: list[str]) -> str:
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--lang", choices=i18n.LANGUAGES)
    pre.add_argument("--vault-dir")
    known, _rest = pre.parse_known_args(argv)
    if known.lang:
        return str(known.lang)
    try:
        from defender_desk import settings

        stored = settings.load(Desk(resolve_vault_dir(known.vault_dir)).paths.settings_file)
        if stored.language:
            return stored.language
    except Exception:  # noqa: BLE001, S110 - settings never block the CLI
        pass
    return i18n.system_language()


def desk_for(args: argparse.Namespace) -> Desk:
    return Desk(resolve_vault_dir(args.vault_dir))


class Secrets:
    """Secrets in the order a command asks for them: from ``--passphrase-fd`` (one per line)
    or from a no-echo prompt on the terminal."""

    def __init__(self, fd: int | None) -> None:
        self.fd = fd

    def _read_line(self) -> bytearray | None:
        assert self.fd is not None
        buf = bytearray()
        while True:
            try:
                chunk = os.read(self.fd, 1)
            except OSError:
                raise UsageError(
                    detail=N_("cannot read from the passphrase file descriptor")
                ) from None
            if not chunk:
                return buf if buf else None
            if chunk == b"\n":
                if buf.endswith(b"\r"):
                    del buf[-1:]
                return buf
            buf += chunk
            if len(buf) > MAX_SECRET_LINE:
                raise UsageError(detail=N_("a line on the passphrase file descriptor is too long"))

    def _more_waiting(self) -> bool:
        if self.fd is None:
            return False
        try:
            import select

            ready, _w, _x = select.select([self.fd], [], [], 0)
            return bool(ready)
        except (OSError, ValueError):
            return False

    def _from_fd(self) -> Secret:
        line = self._read_line()
        if line is None:
            raise UsageError(detail=N_("the passphrase file descriptor ended too early"))
        try:
            return Secret.from_text(line.decode("utf-8"))
        except UnicodeDecodeError:
            raise UsageError(detail=N_("the passphrase is not valid UTF-8")) from None
        finally:
            line[:] = bytes(len(line))

    def text(self, prompt: str) -> Secret:
        """A current secret (passphrase or recovery code)."""
        if self.fd is not None:
            return self._from_fd()
        if not sys.stdin.isatty():
            raise UsageError(
                detail=N_("no terminal to ask for the passphrase; use --passphrase-fd")
            )
        return Secret.from_text(getpass.getpass(prompt + " "))

    def new(self, prompt: str, again_prompt: str) -> Secret:
        """A new secret: asked twice on a terminal; on the fd, optionally repeated."""
        first = self.text(prompt)
        if not first:
            raise EmptyPassphrase()
        if self.fd is not None:
            if self._more_waiting():
                second = self._read_line()
                if second is not None and second:
                    try:
                        repeated = Secret.from_text(second.decode("utf-8", "replace"))
                    finally:
                        second[:] = bytes(len(second))
                    if repeated != first:
                        raise PassphraseMismatch()
            return first
        second_secret = Secret.from_text(getpass.getpass(again_prompt + " "))
        if second_secret != first:
            raise PassphraseMismatch()
        second_secret.wipe()
        return first


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n")


def say(text: str) -> None:
    sys.stdout.write(text + "\n")


def print_error(text: str) -> None:
    lines = text.split("\n")
    sys.stderr.write("defender-desk: " + _("error") + ": " + lines[0] + "\n")
    for line in lines[1:]:
        sys.stderr.write("defender-desk: " + line + "\n")


def warn(text: str) -> None:
    sys.stderr.write("defender-desk: " + _("warning") + ": " + text + "\n")


#: exit code when `check` (or a verification) found a problem
CHECK_FAILED = 5


def print_problems(problems: list[history.Problem], as_json: bool) -> int:
    texts = [
        _(p.message).format(**{k: _(v) if k == "reason" else v for k, v in p.fields.items()})
        for p in problems
    ]
    if as_json:
        print_json({"ok": not problems, "problems": texts})
    elif problems:
        for t in texts:
            say(t)
    else:
        say(_("No problems found."))
    return CHECK_FAILED if problems else 0


def evidence_json(evidence: Evidence) -> dict[str, Any]:
    """An evidence file's record for ``--json`` output (without the internal object name)."""
    data: dict[str, Any] = evidence.model_dump(mode="json")
    data.pop("object_name", None)  # internal; never needed outside the vault
    return data
