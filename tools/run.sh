#!/usr/bin/env bash
# Sets up the runtime environment and starts Defender Desk. Extra arguments go to the app.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh runtime
exec .venv/bin/defender-desk-cli --help "$@"
