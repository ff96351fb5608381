#!/usr/bin/env bash
# Node.js and typage (age's TypeScript implementation) for the interoperability tests in
# tests/age/. Installs Debian's nodejs and npm when node or npm is missing, then runs npm ci
# from the committed tools/node/package-lock.json (integrity-checked) only when the lock
# changed. node_modules is not tracked by git.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "installing Debian packages: nodejs npm"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
stamp="tools/node/node_modules/.package-lock.sha256"
want="$(sha256sum tools/node/package-lock.json | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  (cd tools/node && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
  echo "$want" > "$stamp"
fi
