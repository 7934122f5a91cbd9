#!/usr/bin/env bash
# Installs Saksflyt into ./.venv (idempotent). Used by start.sh and test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3

if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[dev]'

# Front-end assets (the bpmn-js viewer) come from the npm registry when the UI ships them.
if [ -f web/package.json ] && command -v npm >/dev/null 2>&1; then
    (cd web && npm install --silent --no-audit --no-fund >/dev/null)
fi
