"""``python -m defender_desk`` is the CLI."""

import sys

from defender_desk.cli import main

sys.exit(main())
