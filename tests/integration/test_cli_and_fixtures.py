"""The CLI on a fresh SQLite database: init-db, load-fixtures, cases."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from engine.cli import main
from engine.config import Settings
from engine.persistence.models import Case, HumanTask, Licence, User
from engine.services.core import Saksflyt


@pytest.fixture
def sqlite_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("SAKSFLYT_DATABASE_URL", url)
    return url


def test_init_load_and_list(sqlite_env: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init-db"]) == 0
    assert main(["load-fixtures"]) == 0
    assert "Passord for alle demobrukere" in capsys.readouterr().out
    assert main(["load-fixtures"]) == 0
    assert "allerede lastet" in capsys.readouterr().out

    core = Saksflyt.create(Settings(database_url=sqlite_env))
    with core.transaction() as session:
        assert session.scalar(select(func.count(User.id))) >= 10
        roles = {t.role for t in session.scalars(select(HumanTask))}
        closed = session.scalar(select(func.count(Case.id)).where(Case.status == "closed"))
        licences = session.scalar(select(func.count(Licence.id)))
    # Cases wait at different stages: completeness, statements, decisions by the political bodies.
    assert {"saksbehandler", "nav", "kommunestyre", "formannskap"} <= roles
    # The cases that started weeks ago have passed their appeal period and are in the register.
    assert closed >= 2 and licences >= 2
    core.engine.dispose()

    assert main(["cases", "--open"]) == 0
    listing = capsys.readouterr().out
    assert "oppgave: Vedtak i kommunestyret (kommunestyre)" in listing
    assert "frist:" in listing and "alkl. § 1-7" in listing
