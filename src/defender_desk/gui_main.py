"""``defender-desk``: the desktop app's entry point.

Kept tiny so the unlock window appears fast: hardening first, then Qt, then the controller,
which imports the rest of the core lazily.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="defender-desk")
    parser.add_argument("--vault-dir", metavar="DIR")
    parser.add_argument("--lang", choices=("en", "ru", "kk"))
    parser.add_argument("--practice", action="store_true", help="open the practice vault")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    from defender_desk import hardening, log

    hardening.harden_process()
    log.setup()
    args = parse_args(sys.argv[1:] if argv is None else argv)
    from defender_desk.ui.app import run

    return int(run(args))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
