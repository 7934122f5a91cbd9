#!/usr/bin/env bash
# Installs Saksflyt into ./.venv (idempotent). Used by start.sh and test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

# WeasyPrint (letters as PDF) needs Pango and a font from the system; Debian's packages.
if ! ldconfig -p 2>/dev/null | grep -q "libpangoft2-1.0.so.0"; then
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null
    else
        echo "warning: install libpango-1.0-0, libpangoft2-1.0-0 and fonts-dejavu-core for PDF letters" >&2
    fi
fi

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
