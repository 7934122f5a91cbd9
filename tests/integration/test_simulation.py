"""The simulation clock: `saksflyt clock advance` moves time for every process of the installation."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from engine.cli import main
from engine.clock import OSLO, DatabaseOffsetClock, SystemClock
from engine.config import Settings
from engine.errors import SimulationDisabled, ValidationFailed
from engine.persistence.models import AuditEntry, Case, Licence
from engine.scheduling import simulation
from engine.scheduling.simulation import DISABLED_MESSAGE, parse_duration
from engine.services.core import Actor, Saksflyt
from engine.services.queries import case_overview
from tests.integration.helpers import drive_to_notification, register

START = datetime(2026, 3, 2, 9, 0, tzinfo=OSLO)
TRAINER = Actor("kursleder")


@pytest.fixture
def simulated(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Saksflyt]:
    """A running installation in simulation mode whose clock shows 02.03.2026 09:00."""
    monkeypatch.setenv("SAKSFLYT_DATABASE_URL", database_url)
    monkeypatch.setenv("SAKSFLYT_SIMULATION", "1")
    monkeypatch.delenv("SAKSFLYT_SMTP_HOST", raising=False)
    core = Saksflyt.create(Settings(database_url=database_url, simulation=True))
    assert isinstance(core.clock, DatabaseOffsetClock)
    simulation.set_offset(core, START - SystemClock().now())
    yield core
    core.engine.dispose()


@pytest.mark.parametrize(
    ("text", "delta"),
    [
        ("3w", timedelta(weeks=3)),
        ("3d", timedelta(days=3)),
        ("12h", timedelta(hours=12)),
        ("90min", timedelta(minutes=90)),
        ("1w2d", timedelta(days=9)),
        (" 2 u ", timedelta(weeks=2)),
        ("6t", timedelta(hours=6)),
    ],
)
def test_parse_duration(text: str, delta: timedelta) -> None:
    assert parse_duration(text) == delta


@pytest.mark.parametrize("text", ["", "3", "3x", "w3", "3w-", "3 weeks"])
def test_parse_duration_rejects(text: str) -> None:
    with pytest.raises(ValidationFailed) as error:
        parse_duration(text)
    assert "Bruk for eksempel 3w" in error.value.errors["duration"]


def test_clock_advance_is_refused_without_simulation_mode(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SAKSFLYT_DATABASE_URL", database_url)
    monkeypatch.delenv("SAKSFLYT_SIMULATION", raising=False)
    assert main(["clock", "advance", "3w"]) == 2
    assert capsys.readouterr().out.strip() == f"Feil: {DISABLED_MESSAGE}"
    assert main(["clock", "reset"]) == 2
    assert "Simuleringsmodus er ikke slått på" in capsys.readouterr().out
    assert main(["clock", "show"]) == 0
    assert "Simuleringsmodus er av" in capsys.readouterr().out

    core = Saksflyt.create(Settings(database_url=database_url))
    with pytest.raises(SimulationDisabled):
        simulation.advance_clock(core, timedelta(days=1), TRAINER)
    assert not isinstance(core.clock, DatabaseOffsetClock)
    with core.transaction() as session:
        assert session.scalars(select(AuditEntry)).all() == []
    core.engine.dispose()


def test_clock_advance_takes_a_case_through_its_appeal_period(
    simulated: Saksflyt, capsys: pytest.CaptureFixture[str]
) -> None:
    core = simulated
    case = register(core)
    drive_to_notification(core, case, notified_on="2026-03-12")  # appeal deadline 07.04.2026 (Easter)
    assert main(["clock", "show"]) == 0
    assert "Simulert tid: mandag 2. mars 2026 kl. 09.0" in capsys.readouterr().out

    assert main(["clock", "advance", "3w"]) == 0
    out = capsys.readouterr().out
    assert "Klokka er flyttet fram til mandag 23. mars 2026" in out
    assert "Planleggeren: 0 frister passert" in out
    assert core.today() == date(2026, 3, 2) or core.today() == date(2026, 3, 23)  # within one second

    # 23.03 + 3 weeks = 13.04: the postal days after the appeal deadline (fvl § 30) still run.
    assert main(["clock", "advance", "3w"]) == 0
    assert "Planleggeren: 0 frister passert" in capsys.readouterr().out
    [summary] = case_overview(core)
    assert summary.status == "open"

    assert main(["clock", "advance", "3d"]) == 0
    out = capsys.readouterr().out
    assert "Klokka er flyttet fram til torsdag 16. april 2026" in out
    assert "Planleggeren: 1 frister passert i 1 saker" in out
    with core.transaction() as session:
        assert session.get(Case, case.id).status == "closed"
        licence = session.scalars(select(Licence)).one()
        assert (licence.granted_on, licence.valid_until) == (date(2026, 3, 10), date(2028, 9, 30))
        actions = list(session.scalars(select(AuditEntry.action).where(AuditEntry.case_id.is_(None))))
    assert actions.count("clock_advanced") == 3

    # The running process (this test's `core`) follows within a second.
    time.sleep(1.1)
    assert core.today() == date(2026, 4, 16)


def test_clock_reset_returns_to_real_time(simulated: Saksflyt, capsys: pytest.CaptureFixture[str]) -> None:
    assert simulated.today() == date(2026, 3, 2)
    assert main(["clock", "reset"]) == 0
    assert "Klokka følger igjen virkelig tid" in capsys.readouterr().out
    simulated.clock.invalidate()  # type: ignore[attr-defined]
    assert abs((simulated.now() - SystemClock().now()).total_seconds()) < 5


def test_clock_only_moves_forward(simulated: Saksflyt, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ValidationFailed):
        simulation.advance_clock(simulated, timedelta(0), TRAINER)
    assert main(["clock", "advance", "soon"]) == 2
    assert "Ukjent tidsangivelse «soon»" in capsys.readouterr().out
    state = simulation.advance_clock(simulated, timedelta(hours=12), TRAINER)
    assert state.simulation
    assert state.now.astimezone(OSLO).date() == date(2026, 3, 2) and state.now.astimezone(OSLO).hour == 21


def test_the_database_clock_keeps_its_offset_when_the_database_fails() -> None:
    readings = iter([timedelta(days=10), RuntimeError("database down"), timedelta(days=20)])

    def read() -> timedelta:
        value = next(readings)
        if isinstance(value, Exception):
            raise value
        return value

    clock = DatabaseOffsetClock(read, max_age_seconds=0)
    assert clock.offset == timedelta(days=10)
    assert clock.offset == timedelta(days=10)  # the read failed: the last known offset stays
    assert clock.offset == timedelta(days=20)

    calls = []
    cached = DatabaseOffsetClock(lambda: calls.append(1) or timedelta(hours=1), max_age_seconds=60)
    for _ in range(5):
        cached.now()
    assert len(calls) == 1
    cached.invalidate()
    cached.now()
    assert len(calls) == 2
