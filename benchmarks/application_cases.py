"""Complete application cases end to end: service layer on SQLite and PostgreSQL (every step
its own transaction, as a web request would be) versus the same path in memory on bare
SpiffWorkflow. Prints cases/s for each and the ratios.

    .venv/bin/python benchmarks/application_cases.py [--cases 200] [--no-postgres]
"""

from __future__ import annotations

import argparse
import multiprocessing
import tempfile
import time
from datetime import datetime
from pathlib import Path

import psycopg
from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnWorkflow

from engine.clock import OSLO, FixedClock
from engine.config import Settings
from engine.forms import load_form
from engine.persistence.migrate import upgrade
from engine.services import tasks, timers
from engine.services.cases import register_application
from engine.services.core import Actor, Saksflyt
from engine.workflow.clockbridge import using_clock
from engine.workflow.models import default_registry
from engine.workflow.scripting import build_script_engine

START = datetime(2026, 3, 2, 9, 0, tzinfo=OSLO)
AFTER_APPEAL_PERIOD = datetime(2026, 4, 15, 0, 0, 1, tzinfo=OSLO)
STATEMENT = {"has_objections": "nei", "statement_text": "Ingen merknader.", "given_on": "2026-03-04"}
APPLICATION = {
    "application_type": "alminnelig",
    "applicant_name": "Benchmark AS",
    "premises": "Testveien 1",
    "licence_kind": "skjenkebevilling",
    "groups": "1,2,3",
    "received_on": "2026-03-02",
}
# (role, task spec, form input) for one granted case without objections.
STEPS = [
    ("saksbehandler", "check_completeness", {"complete": "ja", "document_weeks": "2"}),
    ("politi", "police_statement", STATEMENT),
    ("nav", "nav_statement", STATEMENT),
    ("saksbehandler", "assess", {"adverse": "nei", "assessment_notes": "Ingen merknader."}),
    ("saksbehandler", "recommend", {"recommended_outcome": "innvilget", "grounds": "Vilkårene er oppfylt."}),
    (
        "kommunestyre",
        "decide_kommunestyre",
        {"decision_outcome": "innvilget", "decision_text": "Innvilget.", "decided_on": "2026-03-10"},
    ),
    ("saksbehandler", "notify_decision", {"notified_on": "2026-03-12"}),
]
ACTORS = {role: Actor(role, frozenset({role})) for role, _, _ in STEPS}


def run_services(core: Saksflyt, clock: FixedClock, cases: int) -> float:
    started = time.perf_counter()
    for _ in range(cases):
        clock.set(START)
        drive_case(core)
        clock.set(AFTER_APPEAL_PERIOD)
        assert timers.fire_due_timers(core).fired == 1
    return time.perf_counter() - started


def drive_case(core: Saksflyt) -> None:
    """Registers one application and completes its tasks up to the appeal period."""
    case = register_application(core, ACTORS["saksbehandler"], APPLICATION)
    for role, _spec, values in STEPS:
        [task] = [t for t in tasks.ready_tasks(core, ACTORS[role]) if t.case_id == case.id]
        tasks.complete_task(core, ACTORS[role], task.id, values)


_WORKER_CORE: Saksflyt | None = None


def _start_worker(url: str) -> None:
    """Process start-up (imports, parsing the models) is not part of the measurement."""
    global _WORKER_CORE
    _WORKER_CORE = Saksflyt.create(Settings(database_url=url), clock=FixedClock(START))
    drive_case(_WORKER_CORE)


def _worker(cases: int) -> None:
    assert _WORKER_CORE is not None
    for _ in range(cases):
        drive_case(_WORKER_CORE)


def run_parallel(url: str, cases: int, workers: int) -> float:
    """`workers` processes (like web workers) drive the cases; one scheduler sweep closes them."""
    with multiprocessing.get_context("spawn").Pool(workers, initializer=_start_worker, initargs=(url,)) as pool:
        pool.map(_noop, range(workers))  # wait until every worker has started
        started = time.perf_counter()
        pool.map(_worker, [cases // workers] * workers, chunksize=1)
    core = Saksflyt.create(Settings(database_url=url), clock=FixedClock(AFTER_APPEAL_PERIOD))
    fired = timers.fire_due_timers(core, limit=2 * cases).fired
    elapsed = time.perf_counter() - started
    core.engine.dispose()
    assert fired == cases // workers * workers + workers, fired  # + the warm-up case of each worker
    return elapsed


def _noop(_: int) -> None:
    return None


def run_bare(cases: int) -> float:
    """The same path on BpmnWorkflow alone: no database, no serialization."""
    model = default_registry().get("application")
    engine = build_script_engine()
    clock = FixedClock(START)
    forms = {spec: load_form(_form_of(spec)).validate(values) for _, spec, values in STEPS}
    start_data = {**APPLICATION, "event_date": None, "statement_weeks": 3, "appeal_postal_days": 7, "case_id": 1}
    started = time.perf_counter()
    for _ in range(cases):
        clock.set(START)
        with using_clock(clock):
            workflow = BpmnWorkflow(model.spec, model.subprocess_specs, script_engine=engine)
            workflow.get_next_task(state=TaskState.READY).data.update(start_data)
            workflow.do_engine_steps()
            for _, spec, _values in STEPS:
                [task] = workflow.get_tasks(state=TaskState.READY, manual=True, spec_name=spec)
                task.data.update(forms[spec])
                task.run()
                workflow.do_engine_steps()
        clock.set(AFTER_APPEAL_PERIOD)
        with using_clock(clock):
            workflow.refresh_timers()
            workflow.do_engine_steps()
        assert workflow.completed
    return time.perf_counter() - started


def _form_of(spec: str) -> str:
    return {
        "check_completeness": "completeness",
        "police_statement": "statement",
        "nav_statement": "statement",
        "assess": "assessment",
        "recommend": "recommendation",
        "decide_kommunestyre": "decision",
        "notify_decision": "notification",
    }[spec]


def _core(url: str) -> tuple[Saksflyt, FixedClock]:
    upgrade(url)
    clock = FixedClock(START)
    return Saksflyt.create(Settings(database_url=url), clock=clock), clock


def _fresh_postgres(admin: str, name: str) -> str:
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return admin.rsplit("/", 1)[0] + f"/{name}"


def _report(label: str, cases: int, seconds: float, transactions: int) -> float:
    rate = cases / seconds
    print(f"{label:<34} {cases:>5} cases in {seconds:7.2f} s = {rate:8.1f} cases/s  ({transactions} transactions)")
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--workers", type=int, default=2, help="processes for the parallel run (0: skip)")
    parser.add_argument("--pg-admin", default="postgresql://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    steps_per_case = 1 + len(STEPS) * 2 + 1  # register, (list + complete) per step, timer sweep
    print(f"Path per case: register, {len(STEPS)} tasks, appeal-period timer ({steps_per_case} transactions)")

    rates: dict[str, float] = {}
    run_bare(5)  # warm up parsing caches and imports
    seconds = run_bare(args.cases)
    rates["bare"] = _report("bare SpiffWorkflow (in memory)", args.cases, seconds, 0)

    with tempfile.TemporaryDirectory() as folder:
        core, clock = _core(f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
        run_services(core, clock, 3)
        seconds = run_services(core, clock, args.cases)
        rates["sqlite"] = _report("service layer, SQLite", args.cases, seconds, args.cases * steps_per_case)
        core.engine.dispose()

        if args.workers:
            url = f"sqlite:///{Path(folder) / 'parallel.sqlite3'}"
            upgrade(url)
            seconds = run_parallel(url, args.cases, args.workers)
            label = f"service layer, SQLite, {args.workers} processes"
            rates["sqlite-parallel"] = _report(label, args.cases, seconds, args.cases * steps_per_case)

    if not args.no_postgres:
        url = _fresh_postgres(args.pg_admin, "saksflyt_bench")
        core, clock = _core(url)
        run_services(core, clock, 3)
        seconds = run_services(core, clock, args.cases)
        rates["postgres"] = _report("service layer, PostgreSQL", args.cases, seconds, args.cases * steps_per_case)
        core.engine.dispose()
        if args.workers:
            url = _fresh_postgres(args.pg_admin, "saksflyt_bench_parallel")
            upgrade(url)
            seconds = run_parallel(url, args.cases, args.workers)
            label = f"service layer, PostgreSQL, {args.workers} processes"
            rates["postgres-parallel"] = _report(label, args.cases, seconds, args.cases * steps_per_case)

    for backend in ("sqlite", "sqlite-parallel", "postgres", "postgres-parallel"):
        if backend in rates:
            print(f"ratio bare/{backend}: {rates['bare'] / rates[backend]:.1f}x  (target ≥ 20 cases/s on SQLite)")


if __name__ == "__main__":
    main()
