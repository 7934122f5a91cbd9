"""The timer sweep: exactly once across crashes, restarts and two scheduler processes."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from engine.cli import main
from engine.clock import OSLO, FixedClock, OffsetClock, SystemClock
from engine.config import PROJECT_ROOT, Settings
from engine.persistence.models import AuditEntry, Deadline, Licence, Timer, WorkflowInstance
from engine.scheduling.scheduler import build_scheduler, next_due_at, sweep
from engine.services import projection, timers
from engine.services.core import Saksflyt
from tests.integration.conftest import CASE_HANDLER
from tests.integration.helpers import complete, drive_to_notification, register

AFTER_APPEAL_PERIOD = datetime(2026, 4, 15, 0, 0, 1, tzinfo=OSLO)
# Completeness checked on 02.03.2026: the statement deadlines are 23.03.2026 (timers at 24.03 00:00).
AFTER_STATEMENT_DEADLINES = datetime(2026, 3, 24, 0, 0, 1, tzinfo=OSLO)


def _count(core: Saksflyt, model: Any, *where: Any) -> int:
    with core.transaction() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def _version(core: Saksflyt, case_id: int) -> int:
    with core.transaction() as session:
        return session.scalar(select(WorkflowInstance.version).where(WorkflowInstance.case_id == case_id)) or 0


def _fired_audits(core: Saksflyt) -> list[AuditEntry]:
    with core.transaction() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == "timer_fired")))


def _cases_waiting_for_statements(core: Saksflyt, count: int) -> list[int]:
    """`count` cases, each with two timers (police and NAV statement deadlines)."""
    ids = []
    for _ in range(count):
        case = register(core, org_number=None)
        complete(core, CASE_HANDLER, case, {"complete": "ja", "document_weeks": "2"})
        ids.append(case.id)
    return ids


# -- crash between firing and commit -------------------------------------------------------------------
def test_crash_after_the_workflow_fired_rolls_back_and_fires_once_later(
    core: Saksflyt, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = register(core)
    drive_to_notification(core, case)
    version = _version(core, case.id)
    clock.set(AFTER_APPEAL_PERIOD)

    original = projection._sync_deadlines

    def crash(*args: Any, **kwargs: Any) -> None:
        original(*args, **kwargs)  # the workflow has fired and its state is flushed
        raise RuntimeError("power failure before commit")

    monkeypatch.setattr(projection, "_sync_deadlines", crash)
    result = timers.fire_due_timers(core)
    assert (result.fired, result.errors) == (0, 1)
    assert _version(core, case.id) == version
    assert _count(core, Timer) == 1 and _count(core, Licence) == 0 and _fired_audits(core) == []

    monkeypatch.setattr(projection, "_sync_deadlines", original)
    result = timers.fire_due_timers(core)
    assert (result.fired, result.timers, result.errors) == (1, 1, 0)
    assert timers.fire_due_timers(core).fired == 0
    assert _version(core, case.id) == version + 1  # one state change
    [audit] = _fired_audits(core)
    assert audit.details["timers"][0]["spec_name"] == "appeal_period_over"
    assert audit.details["timers"][0]["due_at"] == "2026-04-14T22:00:00+00:00"  # 15.04.2026 00:00 in Oslo
    assert audit.details["late_seconds"] == pytest.approx(1.0)
    assert _count(core, Licence) == 1 and _count(core, Timer) == 0


_CRASHING_WORKER = """
import os, sys
from datetime import datetime
from engine.clock import FixedClock
from engine.config import Settings
from engine.services import steps, timers
from engine.services.core import Saksflyt

core = Saksflyt.create(Settings(database_url=sys.argv[1]), clock=FixedClock(datetime.fromisoformat(sys.argv[2])))
original = steps.apply_snapshot

def die(*args, **kwargs):
    original(*args, **kwargs)
    session = args[1]
    session.flush()  # every row of the step is written, only the commit is missing
    os._exit(17)

steps.apply_snapshot = die
timers.fire_due_timers(core)
os._exit(0)
"""


def test_a_killed_scheduler_process_loses_nothing_and_fires_nothing_twice(core: Saksflyt, clock: FixedClock) -> None:
    case = register(core)
    drive_to_notification(core, case)
    version = _version(core, case.id)
    clock.set(AFTER_APPEAL_PERIOD)
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    crashed = subprocess.run(
        [sys.executable, "-c", _CRASHING_WORKER, core.settings.database_url, AFTER_APPEAL_PERIOD.isoformat()],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert crashed.returncode == 17, crashed.stderr
    assert _version(core, case.id) == version
    assert _count(core, Timer) == 1 and _fired_audits(core) == [] and _count(core, Licence) == 0

    # The restarted scheduler catches up.
    report = sweep(core)
    assert (report.timers.fired, report.timers.timers) == (1, 1)
    assert sweep(core).timers.fired == 0
    assert _version(core, case.id) == version + 1
    assert len(_fired_audits(core)) == 1 and _count(core, Licence) == 1


# -- catching up -----------------------------------------------------------------------------------
def test_one_sweep_catches_up_on_every_due_timer_in_due_order(core: Saksflyt, clock: FixedClock) -> None:
    ids = _cases_waiting_for_statements(core, 7)
    clock.set(AFTER_STATEMENT_DEADLINES + timedelta(days=30))  # the scheduler was down for a month
    result = timers.fire_due_timers(core, limit=None, batch=3)  # several candidate batches
    assert (result.fired, result.timers, result.errors, result.conflicts) == (7, 14, 0, 0)
    assert sorted(result.fired_case_ids) == ids
    late = clock.now() - datetime(2026, 3, 24, 0, 0, tzinfo=OSLO)  # 30 days, one hour less for summer time
    assert result.max_late_seconds == pytest.approx(late.total_seconds())
    assert _count(core, Deadline, Deadline.status == "expired") == 14
    assert timers.fire_due_timers(core, limit=None).fired == 0


def test_limit_bounds_the_cases_of_one_sweep(core: Saksflyt, clock: FixedClock) -> None:
    _cases_waiting_for_statements(core, 3)
    clock.set(AFTER_STATEMENT_DEADLINES)
    assert timers.fire_due_timers(core, limit=2).fired == 2
    assert timers.fire_due_timers(core, limit=2).fired == 1
    assert timers.fire_due_timers(core, limit=2).fired == 0


def test_nothing_fires_before_it_is_due(core: Saksflyt, clock: FixedClock) -> None:
    _cases_waiting_for_statements(core, 1)
    clock.set(AFTER_STATEMENT_DEADLINES - timedelta(seconds=2))
    assert timers.fire_due_timers(core) == timers.SweepResult(0, 0, 0)
    with core.transaction() as session:
        assert timers.find_due_timers(session, clock.now()) == []
    due = next_due_at(core, clock.now())
    assert due == datetime(2026, 3, 24, 0, 0, tzinfo=OSLO)


def test_a_broken_case_does_not_stop_the_others(
    core: Saksflyt, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = _cases_waiting_for_statements(core, 2)
    clock.set(AFTER_STATEMENT_DEADLINES)
    original = core.runtime.fire_due_timers
    calls: list[int] = []

    def broken_first(workflow: Any, clk: Any) -> None:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("a broken model")
        original(workflow, clk)

    monkeypatch.setattr(core.runtime, "fire_due_timers", broken_first)
    result = timers.fire_due_timers(core, limit=None)
    assert (result.fired, result.errors) == (1, 1)
    assert result.fired_case_ids == (second,)
    result = timers.fire_due_timers(core, limit=None)
    assert result.fired_case_ids == (first,)


# -- two scheduler processes ------------------------------------------------------------------------
def _scheduler_process(url: str, now: str, start: Any, results: Any) -> None:
    core = Saksflyt.create(Settings(database_url=url), clock=FixedClock(datetime.fromisoformat(now)))
    start.wait(60)
    fired_cases: list[int] = []
    totals: Counter[str] = Counter()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        result = timers.fire_due_timers(core, limit=None, batch=10)
        fired_cases += result.fired_case_ids
        totals.update(fired=result.fired, timers=result.timers, skipped=result.skipped, conflicts=result.conflicts)
        totals.update(errors=result.errors)
        with core.transaction() as session:
            if not timers.find_due_timers(session, core.now(), limit=1):
                break
    core.engine.dispose()
    results.put((os.getpid(), fired_cases, dict(totals)))


@pytest.mark.postgres
def test_two_scheduler_processes_fire_500_timers_exactly_once(postgres_url: str, clock: FixedClock) -> None:
    from tests.support import databases

    databases.empty_postgres(postgres_url)
    core = Saksflyt.create(Settings(database_url=postgres_url), clock=clock)
    case_ids = _cases_waiting_for_statements(core, 250)
    with core.transaction() as session:
        timer_ids = set(session.scalars(select(Timer.task_id)))
    assert len(timer_ids) == 500

    context = multiprocessing.get_context("spawn")
    start, results = context.Event(), context.Queue()
    now = AFTER_STATEMENT_DEADLINES.isoformat()
    processes = [context.Process(target=_scheduler_process, args=(postgres_url, now, start, results)) for _ in range(2)]
    for process in processes:
        process.start()
    start.set()
    outcomes = [results.get(timeout=180) for _ in processes]
    for process in processes:
        process.join(30)
        assert process.exitcode == 0

    fired_by_process = [fired for _, fired, _ in outcomes]
    assert all(fired_by_process), f"both processes should have fired timers: {outcomes}"
    assert sorted(fired_by_process[0] + fired_by_process[1]) == case_ids  # none missed, none twice
    assert sum(totals.get("errors", 0) for _, _, totals in outcomes) == 0

    audits = _fired_audits(core)
    assert Counter(a.case_id for a in audits) == dict.fromkeys(case_ids, 1)
    fired_timer_ids = [t["task_id"] for a in audits for t in a.details["timers"]]
    assert len(fired_timer_ids) == 500 and set(fired_timer_ids) == timer_ids
    assert _count(core, Timer) == 0
    assert _count(core, Deadline, Deadline.status == "expired") == 500
    with core.transaction() as session:
        versions = Counter(session.scalars(select(WorkflowInstance.version)))
    assert len(versions) == 1  # every case took the same number of steps: no double firing
    core.engine.dispose()


# -- the real scheduler ------------------------------------------------------------------------------
def test_the_background_scheduler_fires_a_due_timer(core: Saksflyt, clock: FixedClock) -> None:
    _cases_waiting_for_statements(core, 1)
    clock.set(AFTER_STATEMENT_DEADLINES)
    scheduler = build_scheduler(core, interval_seconds=0.5)
    scheduler.start()
    try:
        deadline = time.monotonic() + 15
        while _count(core, Timer) and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        scheduler.shutdown(wait=True)
    assert _count(core, Timer) == 0 and len(_fired_audits(core)) == 1


def test_a_wake_up_fires_a_timer_due_before_the_next_interval_run(core: Saksflyt) -> None:
    """Interval 60 s, timer due 1.5 s after the start: the wake-up fires it at its due time."""
    _cases_waiting_for_statements(core, 1)
    due = datetime(2026, 3, 24, 0, 0, tzinfo=OSLO)
    running = Saksflyt.create(core.settings, clock=OffsetClock(due - timedelta(seconds=1.5) - SystemClock().now()))
    scheduler = build_scheduler(running, interval_seconds=60)
    scheduler.start()
    try:
        deadline = time.monotonic() + 20
        while _count(core, Timer) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        scheduler.shutdown(wait=True)
        running.engine.dispose()
    [audit] = _fired_audits(core)
    assert 0 < audit.details["late_seconds"] < 1.0


def test_worker_once_from_the_command_line(
    core: Saksflyt, clock: FixedClock, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`saksflyt worker --once` runs one sweep with the system clock: the 2026 timers are long due."""
    _cases_waiting_for_statements(core, 2)
    monkeypatch.setenv("SAKSFLYT_DATABASE_URL", core.settings.database_url)
    monkeypatch.delenv("SAKSFLYT_SIMULATION", raising=False)
    monkeypatch.delenv("SAKSFLYT_SMTP_HOST", raising=False)
    assert main(["worker", "--once"]) == 0
    out = capsys.readouterr().out
    assert "Planleggeren: 4 frister passert i 2 saker" in out
    assert _count(core, Timer) == 0


def test_python_dash_m_engine_scheduling_is_the_worker(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "SAKSFLYT_DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}
    shown = subprocess.run(
        [sys.executable, "-m", "engine.scheduling", "--help"], env=env, capture_output=True, text=True, timeout=60
    )
    assert shown.returncode == 0 and "--once" in shown.stdout
