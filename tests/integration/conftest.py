"""Service tests run on SQLite and on PostgreSQL (parametrized `database_url`)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from engine.clock import OSLO, FixedClock
from engine.config import Settings
from engine.services.core import Actor, Saksflyt
from tests.support import databases


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return databases.sqlite_template(tmp_path_factory.mktemp("sqlite-template"))


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    url = databases.create_postgres_database()
    yield url
    databases.drop_postgres_database()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    if request.param == "sqlite":
        return databases.sqlite_copy(sqlite_template, tmp_path / "saksflyt.sqlite3")
    url = request.getfixturevalue("postgres_url")
    databases.empty_postgres(url)
    return url


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 3, 2, 9, 0, tzinfo=OSLO))


@pytest.fixture
def core(database_url: str, clock: FixedClock) -> Iterator[Saksflyt]:
    saksflyt = Saksflyt.create(Settings(database_url=database_url), clock=clock)
    yield saksflyt
    saksflyt.engine.dispose()


CASE_HANDLER = Actor("kari", frozenset({"saksbehandler"}))
POLICE = Actor("politi1", frozenset({"politi"}))
NAV = Actor("nav1", frozenset({"nav"}))
MANAGER = Actor("leder1", frozenset({"leder"}))
EXECUTIVE = Actor("formannskap1", frozenset({"formannskap"}))
COUNCIL = Actor("kommunestyre1", frozenset({"kommunestyre"}))
