#!/usr/bin/env bash
# Sets up the runtime environment (and the desktop's Debian libraries) and starts Defender Desk.
# Extra arguments go to the app, e.g. --practice or --lang ru.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/apt.sh tools/apt-runtime.txt
bash tools/setup.sh runtime
exec .venv/bin/defender-desk "$@"
