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

# Front-end assets (the bpmn-js viewer) come from the npm registry (pinned in web/package.json) and
# are copied into web/static/vendor/, which Flask serves; never from a CDN.
if [ -f web/package.json ] && command -v npm >/dev/null 2>&1; then
    (cd web && npm install --silent --no-audit --no-fund >/dev/null)
    dist=web/node_modules/bpmn-js/dist
    vendor=web/static/vendor/bpmn-js
    if [ ! -f "$dist/bpmn-navigated-viewer.production.min.js" ]; then
        echo "error: npm did not install the bpmn-js viewer ($dist)" >&2
        exit 1
    fi
    rm -rf "$vendor"
    mkdir -p "$vendor"
    cp "$dist/bpmn-navigated-viewer.production.min.js" "$dist/assets/diagram-js.css" "$dist/assets/bpmn-js.css" "$vendor/"
fi
