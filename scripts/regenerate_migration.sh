#!/usr/bin/env bash
# Development only (nothing is deployed yet): rebuilds the initial Alembic migration from the
# models. Once a database is in production, add new revisions instead.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp="$(mktemp -d)"
rm -f engine/persistence/migrations/versions/0001_initial_schema.py
.venv/bin/python - "$tmp" <<'PY'
import sys
from alembic import command
from engine.persistence.migrate import alembic_config
command.revision(alembic_config(f"sqlite:///{sys.argv[1]}/gen.sqlite3"), message="initial schema",
                 autogenerate=True, rev_id="0001")
PY
sed -i 's/^Revises: $/Revises:/' engine/persistence/migrations/versions/0001_initial_schema.py
rm -rf "$tmp"
