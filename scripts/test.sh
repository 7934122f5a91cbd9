#!/usr/bin/env bash
# Installs everything (including Debian's chromium for the browser tests) and runs the whole
# suite: lint, unit, path, service (SQLite and PostgreSQL), web and browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh

if ! command -v chromium >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1; then
        (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
            || echo "warning: could not install chromium; browser tests will fail"
    fi
fi

.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/python -m pytest -q "$@"
