#!/usr/bin/env bash
# Sets up (or refreshes) the project's virtual environment in .venv from the hash-pinned locks.
# Usage: tools/setup.sh [runtime|dev]   (default: dev)
set -euo pipefail
cd "$(dirname "$0")/.."
kind="${1:-dev}"
py="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$py" -m venv .venv
fi
pipi() { .venv/bin/pip install --quiet --disable-pip-version-check --require-hashes --only-binary :all: "$@"; }
stamp=".venv/.lock-$kind.sha256"
want="$(cat requirements/build.lock "requirements/$kind.lock" pyproject.toml | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  pipi -r requirements/build.lock
  pipi -r "requirements/$kind.lock"
  # The project itself: no dependencies resolved here (all came from the lock), no downloads.
  .venv/bin/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
  echo "$want" > "$stamp"
fi
