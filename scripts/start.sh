#!/usr/bin/env bash
# Installs everything and starts Saksflyt on SQLite with demo data:
# the web UI on http://127.0.0.1:5000 with the deadline scheduler in the same process.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
export SAKSFLYT_DATABASE_URL="${SAKSFLYT_DATABASE_URL:-sqlite:///$PWD/instance/saksflyt.sqlite3}"
.venv/bin/saksflyt init-db
.venv/bin/saksflyt load-fixtures
exec .venv/bin/saksflyt run "$@"
