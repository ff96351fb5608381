#!/usr/bin/env bash
# Sets up everything and runs every test and check. This is the README's test command and what
# CI runs (.ci/run). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/apt.sh tools/apt-packages.txt
bash tools/setup.sh dev
bash tools/node.sh   # Node.js (Debian's if missing) + typage from tools/node/package-lock.json
export PATH="$PWD/.venv/bin:$PATH"
echo "== ruff check";          ruff check src tests tools bench
echo "== ruff format --check"; ruff format --check src tests tools bench
echo "== mypy (core)";         mypy src/defender_desk
echo "== catalogs";            python tools/catalogs.py check
echo "== pytest";              python -m pytest -q -p no:cacheprovider "$@"
