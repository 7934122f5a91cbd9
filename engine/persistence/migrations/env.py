"""Alembic environment: the database URL comes from Saksflyt's settings."""

from __future__ import annotations

from alembic import context

from engine.config import Settings
from engine.persistence import models  # noqa: F401  (registers the tables)
from engine.persistence.db import Base, make_engine

config = context.config


def run_migrations() -> None:
    url = config.get_main_option("sqlalchemy.url") or Settings.from_env().database_url
    connectable = config.attributes.get("connection")
    if connectable is None:
        engine = make_engine(url)
        with engine.begin() as connection:
            _run(connection)
        engine.dispose()
    else:
        _run(connectable)


def _run(connection: object) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
