"""The timer sweep at scale: 100,000 open cases in PostgreSQL, 100 of them with a due timer.

Compares
  * the indexed sweep (`engine.services.timers.fire_due_timers`: due timers from the `timer.due_at`
    index, one locked transaction per case) with
  * a naive sweep that loads and deserializes every open workflow to find the due ones,
and times the indexed "find due timers" query alone (target < 50 ms).

The cases are real: a few workflows are driven through the services (waiting for statements, for
the decision, in the appeal period), then their rows are copied with COPY, with fresh task ids and
timer due dates spread over the coming year. The naive sweep runs on a copy of the database
(CREATE DATABASE … TEMPLATE) so both fire the same 100 timers.

    .venv/bin/python benchmarks/scheduler_sweep.py [--cases 100000] [--due 100] [--pg-admin URL]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
import uuid
from datetime import date, datetime, timedelta
from typing import Any

import psycopg
from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from sqlalchemy import Table, select

from engine.clock import OSLO, FixedClock
from engine.config import Settings
from engine.persistence.db import Base, make_engine
from engine.persistence.migrate import upgrade
from engine.persistence.models import Case, Deadline, HumanTask, Timer, WorkflowInstance
from engine.services import tasks, timers
from engine.services.cases import register_application
from engine.services.core import SCHEDULER, Actor, Saksflyt
from engine.services.steps import run_step

START = datetime(2026, 3, 2, 9, 0, tzinfo=OSLO)
STATEMENT = {"has_objections": "nei", "statement_text": "Ingen merknader.", "given_on": "2026-03-04"}
APPLICATION = {
    "application_type": "alminnelig",
    "applicant_name": "Benchmark AS",
    "org_number": "911222333",
    "premises": "Testveien 1",
    "licence_kind": "skjenkebevilling",
    "groups": "1,2,3",
    "received_on": "2026-03-02",
}
# Each template: (name, share of the cases, steps to drive (role, task title, values)).
TEMPLATES: list[tuple[str, float, list[tuple[str, str | None, dict[str, Any]]]]] = [
    ("statements", 0.4, [("saksbehandler", None, {"complete": "ja", "document_weeks": "2"})]),
    (
        "decision",
        0.3,
        [
            ("saksbehandler", None, {"complete": "ja", "document_weeks": "2"}),
            ("politi", None, STATEMENT),
            ("nav", None, STATEMENT),
            ("saksbehandler", None, {"adverse": "nei", "assessment_notes": "Ingen merknader."}),
            ("saksbehandler", None, {"recommended_outcome": "innvilget", "grounds": "Vilkårene er oppfylt."}),
        ],
    ),
    (
        "appeal",
        0.3,
        [
            ("saksbehandler", None, {"complete": "ja", "document_weeks": "2"}),
            ("politi", None, STATEMENT),
            ("nav", None, STATEMENT),
            ("saksbehandler", None, {"adverse": "nei", "assessment_notes": "Ingen merknader."}),
            ("saksbehandler", None, {"recommended_outcome": "innvilget", "grounds": "Vilkårene er oppfylt."}),
            (
                "kommunestyre",
                None,
                {"decision_outcome": "innvilget", "decision_text": "Innvilget.", "decided_on": "2026-03-10"},
            ),
            ("saksbehandler", None, {"notified_on": "2026-03-12"}),
        ],
    ),
]
PER_CASE_TABLES: list[Table] = [
    WorkflowInstance.__table__,  # type: ignore[list-item]
    HumanTask.__table__,  # type: ignore[list-item]
    Timer.__table__,  # type: ignore[list-item]
    Deadline.__table__,  # type: ignore[list-item]
]


# -- database set-up -----------------------------------------------------------------------------------
def fresh_postgres(admin: str, name: str, template: str | None = None) -> str:
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    return admin.rsplit("/", 1)[0] + f"/{name}"


def migrate(url: str) -> None:
    upgrade(url)
    engine = make_engine(url)
    Base.metadata.create_all(engine)  # tables not yet in the migration
    engine.dispose()


def drive_templates(core: Saksflyt, clock: FixedClock) -> dict[str, int]:
    """One real case per template, driven through the services; returns name → case id."""
    made = {}
    for name, _share, steps in TEMPLATES:
        clock.set(START)
        case = register_application(core, Actor("bench", frozenset({"saksbehandler"})), APPLICATION)
        for role, _title, values in steps:
            actor = Actor("bench", frozenset({role}))
            [task] = [t for t in tasks.ready_tasks(core, actor) if t.case_id == case.id]
            tasks.complete_task(core, actor, task.id, values)
        made[name] = case.id
    return made


# -- cloning -------------------------------------------------------------------------------------------
class Template:
    """The rows of one real case, ready to be copied with new ids."""

    def __init__(self, core: Saksflyt, case_id: int) -> None:
        with core.transaction() as session:
            self.case = dict(
                session.execute(select(Case.__table__).where(Case.__table__.c.id == case_id)).one()._mapping
            )
            self.rows = {
                table.name: [dict(r._mapping) for r in session.execute(select(table).where(table.c.case_id == case_id))]
                for table in PER_CASE_TABLES
            }
        self.state: str = self.rows["workflow_instance"][0]["state"]
        # Task ids that must be unique across cases (unique columns).
        self.unique_task_ids = [r["task_id"] for r in self.rows["human_task"] + self.rows["timer"]]
        self.timer_values = {r["task_id"]: _event_value(self.state, r["task_id"]) for r in self.rows["timer"]}


def _event_value(state: str, task_id: str) -> str:
    task = json.loads(state)["tasks"][task_id]
    return str(task["internal_data"]["event_value"])


def clone(
    template: Template, case_id: int, row_ids: dict[str, int], timer_due: dict[str, datetime]
) -> dict[str, list[dict[str, Any]]]:
    """Rows for one copy of the template: new ids, new task ids, timers due at `timer_due`."""
    state = template.state
    new_ids = {old: str(uuid.uuid4()) for old in template.unique_task_ids}
    for old, new in new_ids.items():
        state = state.replace(old, new)
    # All timers of a clone are due at the same moment (the statements are requested together).
    if timer_due:
        due = next(iter(timer_due.values()))
        for old_value in set(template.timer_values.values()):
            needle = f'"event_value": "{old_value}"'
            assert needle in state, "the timer's due time must be in the state"
            state = state.replace(needle, f'"event_value": "{due.isoformat()}"')
    out: dict[str, list[dict[str, Any]]] = {
        "case_file": [{**template.case, "id": case_id, "reference": f"B{case_id:08d}"}]
    }
    for table in PER_CASE_TABLES:
        rows = []
        for row in template.rows[table.name]:
            row_ids[table.name] += 1
            new = {**row, "id": row_ids[table.name], "case_id": case_id}
            if "task_id" in new:
                new["task_id"] = new_ids.get(new["task_id"], new["task_id"])
            if table.name == "timer":
                new["due_at"] = timer_due.get(row["task_id"], row["due_at"])
            if table.name == "deadline" and row["timer_task_id"] in new_ids:
                new["timer_task_id"] = new_ids[row["timer_task_id"]]
            if table.name == "workflow_instance":
                new["state"] = state
            rows.append(new)
        out[table.name] = rows
    return out


def bulk_copy(
    url: str,
    templates: dict[str, Template],
    cases: int,
    due_cases: int,
    now: datetime,
    due_at: datetime | list[datetime] | None = None,
) -> list[int]:
    """COPYs `cases` clones; `due_cases` appeal-period cases get a timer due before `now` (or at
    the given `due_at` times). Returns the ids of the cases with due timers."""
    rng = random.Random(7)
    table_names = ["case_file"] + [t.name for t in PER_CASE_TABLES]
    columns = {name: [c.name for c in Base.metadata.tables[name].columns] for name in table_names}
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        row_ids = {
            name: conn.execute(f'SELECT coalesce(max(id), 0) FROM "{name}"').fetchone()[0] for name in table_names
        }
        case_id = row_ids.pop("case_file")
        plan = _case_plan(cases, due_cases, rng)
        due_ids: list[int] = []
        buffers: dict[str, list[dict[str, Any]]] = {name: [] for name in table_names}
        for index, name in enumerate(plan):
            case_id += 1
            template = templates[name]
            is_due = name == "appeal-due"
            if is_due:
                when = due_at[len(due_ids)] if isinstance(due_at, list) else due_at or now - timedelta(hours=1)
                timer_due = dict.fromkeys(template.timer_values, when)
                due_ids.append(case_id)
            else:
                # Timers due some time in the coming year.
                when = now + timedelta(days=rng.uniform(1, 365))
                timer_due = dict.fromkeys(template.timer_values, when)
            for table, rows in clone(template, case_id, row_ids, timer_due).items():
                buffers[table] += rows
            if (index + 1) % 2000 == 0 or index + 1 == len(plan):
                _flush(conn, buffers, columns)
        for name in table_names:
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM \"{name}\"))")
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")
    return due_ids


def _case_plan(cases: int, due_cases: int, rng: random.Random) -> list[str]:
    names = ["appeal-due"] * due_cases
    rest = cases - due_cases
    for name, share, _ in TEMPLATES:
        names += [name] * round(rest * share)
    names = names[:cases] + ["statements"] * (cases - len(names))
    rng.shuffle(names)
    return names


def _flush(
    conn: psycopg.Connection[Any], buffers: dict[str, list[dict[str, Any]]], columns: dict[str, list[str]]
) -> None:
    for name, rows in buffers.items():
        if not rows:
            continue
        cols = columns[name]
        with conn.cursor().copy(f'COPY "{name}" ({", ".join(cols)}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([_copy_value(row[c]) for c in cols])
        rows.clear()


def _copy_value(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def templates_for(core: Saksflyt, clock: FixedClock) -> dict[str, Template]:
    ids = drive_templates(core, clock)
    made = {name: Template(core, case_id) for name, case_id in ids.items()}
    made["appeal-due"] = made["appeal"]
    return made


# -- the two sweeps ------------------------------------------------------------------------------------
def indexed_sweep(core: Saksflyt) -> timers.SweepResult:
    return timers.fire_due_timers(core, limit=None)


def naive_sweep(core: Saksflyt) -> int:
    """Loads and deserializes every open workflow to find the due timers, then fires them."""
    now = core.now()
    due: list[int] = []
    with core.engine.connect().execution_options(stream_results=True, yield_per=1000) as conn:
        rows = conn.execute(
            select(WorkflowInstance.case_id, WorkflowInstance.process_id, WorkflowInstance.state).where(
                WorkflowInstance.completed.is_(False)
            )
        )
        for case_id, process_id, state in rows:
            workflow = core.runtime.load(process_id, state)
            if any(_is_due(t, now) for t in workflow.get_tasks(state=TaskState.WAITING, spec_class=CatchingEvent)):
                due.append(case_id)
    for case_id in due:
        with core.transaction() as session:
            case = session.get(Case, case_id)
            assert case is not None
            run_step(
                core,
                session,
                case,
                SCHEDULER,
                lambda workflow: core.runtime.fire_due_timers(workflow, core.clock),
                ("timer_fired", "Frist passert: saken gikk videre automatisk.", {}),
            )
    return len(due)


def _is_due(task: Any, now: datetime) -> bool:
    if not isinstance(task.task_spec.event_definition, TimerEventDefinition):
        return False
    value = task.internal_data.get("event_value")
    return isinstance(value, str) and datetime.fromisoformat(value) < now


def time_find_query(core: Saksflyt, now: datetime, repeats: int = 50) -> tuple[float, float, str]:
    """Median and max milliseconds of the indexed query for 100 due timers, and its plan."""
    durations = []
    with core.transaction() as session:
        for _ in range(repeats):
            started = time.perf_counter()
            found = timers.find_due_timers(session, now, limit=100)
            durations.append((time.perf_counter() - started) * 1000)
        query = (
            "EXPLAIN ANALYZE SELECT id, case_id, task_id, spec_name, due_at FROM timer "
            "WHERE due_at < %(now)s ORDER BY due_at, id LIMIT 100"
        )
        plan = session.connection().exec_driver_sql(query, {"now": now}).scalars().all()
    assert len(found) <= 100
    return statistics.median(durations), max(durations), "\n".join(f"    {line}" for line in plan)


def _count(core: Saksflyt, table: str, where: str = "") -> int:
    with core.engine.connect() as conn:
        return int(conn.exec_driver_sql(f'SELECT count(*) FROM "{table}" {where}').scalar_one())


# -- main ------------------------------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=100, help="cases with a due timer")
    parser.add_argument("--pg-admin", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark databases")
    args = parser.parse_args()

    url = fresh_postgres(args.pg_admin, "saksflyt_bench_sweep")
    migrate(url)
    clock = FixedClock(START)
    core = Saksflyt.create(Settings(database_url=url), clock=clock)
    started = time.perf_counter()
    templates = templates_for(core, clock)
    now = START
    due_ids = bulk_copy(url, templates, args.cases - len(TEMPLATES), args.due, now)
    seeded = time.perf_counter() - started
    clock.set(now)
    open_cases = _count(core, "case_file", "WHERE status = 'open'")
    timer_rows = _count(core, "timer")
    due_rows = _count(core, "timer", f"WHERE due_at < '{now.isoformat()}'")
    print(f"Seeded {open_cases} open cases, {timer_rows} timers ({due_rows} due) in {seeded:.1f} s (COPY)")
    core.engine.dispose()

    naive_url = fresh_postgres(args.pg_admin, "saksflyt_bench_sweep_naive", template="saksflyt_bench_sweep")
    with psycopg.connect(args.pg_admin, autocommit=True) as conn:
        conn.execute("CHECKPOINT")  # let the copy's writes settle before measuring

    core = Saksflyt.create(Settings(database_url=url), clock=FixedClock(now))
    median_ms, max_ms, plan = time_find_query(core, now)
    print(
        f"Indexed 'find due timers' query (100 rows): median {median_ms:.2f} ms, max {max_ms:.2f} ms (target < 50 ms)"
    )
    print(plan)
    started = time.perf_counter()
    result = indexed_sweep(core)
    indexed = time.perf_counter() - started
    assert result.fired == len(due_ids) and result.errors == 0, result
    assert _count(core, "timer", f"WHERE due_at < '{now.isoformat()}'") == 0
    print(f"Indexed sweep: fired {result.timers} timers on {result.fired} cases in {indexed:.2f} s")
    core.engine.dispose()

    core = Saksflyt.create(Settings(database_url=naive_url), clock=FixedClock(now))
    started = time.perf_counter()
    fired = naive_sweep(core)
    naive = time.perf_counter() - started
    assert fired == len(due_ids), fired
    print(f"Naive sweep (deserialize every open workflow): fired {fired} cases in {naive:.2f} s")
    core.engine.dispose()

    print(f"Ratio naive / indexed: {naive / indexed:.0f}x")
    if not args.keep:
        for name in ("saksflyt_bench_sweep", "saksflyt_bench_sweep_naive"):
            with psycopg.connect(args.pg_admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
