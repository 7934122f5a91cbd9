"""Test databases: SQLite files copied from a migrated template, and one PostgreSQL database
per test session, emptied between tests. Both are created with the Alembic migrations."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import psycopg
from sqlalchemy import text

from engine.persistence.db import Base, make_engine
from engine.persistence.migrate import upgrade

PG_ADMIN_DSN = os.environ.get("SAKSFLYT_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/test")
PG_TEST_DB = f"saksflyt_test_{os.getpid()}"


def ensure_postgres_running() -> None:
    """Starts the local cluster if it is down (as CI machines may have it stopped)."""
    for attempt in range(30):
        try:
            with psycopg.connect(PG_ADMIN_DSN, connect_timeout=2):
                return
        except psycopg.OperationalError:
            if attempt == 0:
                versions = os.listdir("/etc/postgresql") if os.path.isdir("/etc/postgresql") else []
                for version in versions:
                    subprocess.run(
                        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"],
                        check=False,
                        capture_output=True,
                    )
            time.sleep(1)
    raise RuntimeError("PostgreSQL is not reachable on 127.0.0.1:5432")


def create_postgres_database() -> str:
    ensure_postgres_running()
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{PG_TEST_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{PG_TEST_DB}"')
    url = PG_ADMIN_DSN.rsplit("/", 1)[0] + f"/{PG_TEST_DB}"
    upgrade(url)
    return url


def drop_postgres_database() -> None:
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{PG_TEST_DB}" WITH (FORCE)')


def empty_postgres(url: str) -> None:
    engine = make_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


def sqlite_template(folder: Path) -> Path:
    path = folder / "template.sqlite3"
    upgrade(f"sqlite:///{path}")
    return path


def sqlite_copy(template: Path, target: Path) -> str:
    shutil.copy(template, target)
    return f"sqlite:///{target}"
