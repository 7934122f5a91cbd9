"""Latency of the worklist (/oppgaver) and the managers' view (/leder) with ~20,000 cases in
PostgreSQL, served by gunicorn on loopback, under 20 concurrent simulated users.

    .venv/bin/python benchmarks/web_latency.py [--cases 20000] [--users 20] [--workers 4]
        [--duration 60] [--requests 400] [--think 0.5] [--open-share 0.05] [--keep]

The data: a few real cases are driven through the services to different stages (registered,
statements requested, assessment, on the council's agenda, in the appeal period, granted,
refused); their rows (case, workflow state for open cases, open tasks, timers, deadlines, audit
entries) are then copied in bulk with shifted dates, new references and random case handlers and
deciding bodies, to about `--cases` cases. Closed cases get licence register entries; a few hundred
licences get point awards. Closed cases keep no workflow state in the copy (the measured pages
never read it; a real database would have ~24 kB more per case).

The users: threads with their own HTTP session (httpx), each logged in as a different user: case
handlers, managers, police, NAV, a controller and the political secretariat. Each user loads the
worklist, and a manager also the managers' view, with a think time between clicks (uniform
0.5×–1.5× `--think` seconds; 0 = as fast as possible). Bounded by `--duration` seconds and
`--requests` per user. Prints p50 and p95 per page and overall; the target is p95 < 150 ms.

Needs the local PostgreSQL server (127.0.0.1:5432, trust auth; SAKSFLYT_BENCH_PG_ADMIN to change).
Only loopback is contacted.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg
from sqlalchemy import insert, select, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine.clock import OSLO, FixedClock, local_today  # noqa: E402
from engine.config import Settings  # noqa: E402
from engine.persistence.db import Base  # noqa: E402
from engine.persistence.migrate import upgrade  # noqa: E402
from engine.persistence.models import (  # noqa: E402
    AuditEntry,
    Case,
    Deadline,
    HumanTask,
    Licence,
    Party,
    Timer,
    User,
    UserRole,
    WorkflowInstance,
)
from engine.persistence.sanction_models import PointAward  # noqa: E402
from engine.services import tasks, timers  # noqa: E402
from engine.services.cases import register_application  # noqa: E402
from engine.services.core import Actor, Saksflyt  # noqa: E402
from engine.services.users import create_user  # noqa: E402

PG_ADMIN = os.environ.get("SAKSFLYT_BENCH_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/test")
DB_NAME = "saksflyt_bench_web"
PASSWORD = "benchmark-passord-1"
HANDLERS = 20
STATEMENT = {"has_objections": "nei", "statement_text": "Ingen merknader.", "given_on": "{d1}"}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# -- the database ----------------------------------------------------------------------------------
def create_database() -> str:
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    url = PG_ADMIN.rsplit("/", 1)[0] + f"/{DB_NAME}"
    upgrade(url)
    core = Saksflyt.create(Settings(database_url=url))
    Base.metadata.create_all(core.engine)  # tables (and indexes) newer than the migration
    core.engine.dispose()
    return url


def drop_database() -> None:
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


# -- real cases at different stages ----------------------------------------------------------------------
@dataclass
class Stage:
    name: str
    open: bool
    weight: float  # share of the open (or closed) cases


OPEN_STAGES = [
    Stage("registered", True, 0.15),
    Stage("statements", True, 0.35),
    Stage("assessment", True, 0.15),
    Stage("agenda", True, 0.15),
    Stage("appeal_period", True, 0.20),
]
CLOSED_STAGES = [Stage("granted", False, 0.85), Stage("refused", False, 0.15)]


def _actor(core: Saksflyt, username: str) -> Actor:
    with core.transaction() as session:
        user = session.scalar(select(User).where(User.username == username))
        assert user is not None
        return Actor(user.username, user.role_names, user.id)


def build_templates(core: Saksflyt, clock: FixedClock) -> dict[str, int]:
    """Drives one real case to each stage; returns stage name -> case id."""
    handler, police, nav = _actor(core, "sb01"), _actor(core, "politi"), _actor(core, "nav")
    council = _actor(core, "sekretariat")
    t0 = clock.current
    d = {k: (t0 + timedelta(days=n)).date().isoformat() for k, n in (("d0", 0), ("d1", 2), ("d2", 8), ("d3", 10))}

    def fill(values: dict[str, Any]) -> dict[str, Any]:
        return {k: (v.format(**d) if isinstance(v, str) else v) for k, v in values.items()}

    def step(actor: Actor, case_id: int, values: dict[str, Any]) -> None:
        [task] = [t for t in tasks.ready_tasks(core, actor) if t.case_id == case_id][:1]
        tasks.complete_task(core, actor, task.id, fill(values))

    def application(n: int) -> int:
        raw = {
            "application_type": "alminnelig",
            "applicant_name": f"Mal {n} AS",
            "premises": f"Malveien {n}",
            "licence_kind": "skjenkebevilling",
            "groups": "1,2,3",
            "hours": "12.00–01.00",
            "manager_name": "Ola Nordmann",
            "deputy_name": "Kari Nordmann",
            "received_on": d["d0"],
        }
        return register_application(core, handler, raw).id

    stages: dict[str, int] = {}
    complete = {"complete": "ja", "document_weeks": "2"}
    assessed = {"adverse": "nei", "assessment_notes": "Ingen merknader."}
    recommended = {"recommended_outcome": "innvilget", "grounds": "Vilkårene er oppfylt."}
    # The closed ones first: their sweep after the appeal period must not move the open ones on.
    for n, name in enumerate(
        ["granted", "refused", "registered", "statements", "assessment", "agenda", "appeal_period"]
    ):
        clock.set(t0)
        case_id = application(n)
        stages[name] = case_id
        if name == "registered":
            continue
        step(handler, case_id, complete)
        if name == "statements":
            continue
        step(police, case_id, STATEMENT)
        step(nav, case_id, STATEMENT)
        if name == "assessment":
            continue
        step(handler, case_id, assessed)
        outcome = "avslatt" if name == "refused" else "innvilget"
        step(handler, case_id, {**recommended, "recommended_outcome": outcome})
        if name == "agenda":
            continue
        decision = {"decision_outcome": outcome, "decision_text": "Vedtak.", "decided_on": "{d2}"}
        step(council, case_id, decision)
        step(handler, case_id, {"notified_on": "{d3}"})
        if name == "appeal_period":
            continue
        clock.set(t0 + timedelta(days=45))
        timers.fire_due_timers(core)
    clock.set(t0)
    return stages


# -- bulk copies -------------------------------------------------------------------------------------------------
def _shift(value: Any, days: int) -> Any:
    if isinstance(value, datetime):
        return value + timedelta(days=days)
    if isinstance(value, date):
        return value + timedelta(days=days)
    if isinstance(value, str) and ISO_DATE.match(value):
        return (date.fromisoformat(value) + timedelta(days=days)).isoformat()
    if isinstance(value, dict):
        return {k: _shift(v, days) for k, v in value.items()}
    if isinstance(value, list):
        return [_shift(v, days) for v in value]
    return value


def _rows(session: Any, model: Any, case_id: int) -> list[dict[str, Any]]:
    columns = [c.key for c in model.__table__.columns]
    result = []
    for row in session.execute(select(model.__table__).where(model.__table__.c.case_id == case_id)).mappings():
        result.append({k: row[k] for k in columns})
    return result


def copy_cases(core: Saksflyt, stages: dict[str, int], total: int, open_share: float, seed: int = 7) -> dict[str, int]:
    rng = random.Random(seed)
    today = local_today(core.clock)
    with core.transaction() as session:
        handler_ids = list(
            session.scalars(
                select(User.id).join(UserRole, UserRole.user_id == User.id).where(UserRole.role == "saksbehandler")
            )
        )
        template = {}
        for name, case_id in stages.items():
            case_row = dict(session.execute(select(Case.__table__).where(Case.id == case_id)).mappings().one())
            template[name] = {
                "case": case_row,
                "workflow": _rows(session, WorkflowInstance, case_id),
                "tasks": _rows(session, HumanTask, case_id),
                "timers": _rows(session, Timer, case_id),
                "deadlines": _rows(session, Deadline, case_id),
                "audit": _rows(session, AuditEntry, case_id),
            }
        next_id = (session.scalar(select(Case.id).order_by(Case.id.desc()).limit(1)) or 0) + 1
        party_id = session.scalar(select(Party.id).order_by(Party.id.desc()).limit(1)) or 0
        first_licence_id = (session.scalar(select(Licence.id).order_by(Licence.id.desc()).limit(1)) or 0) + 1
    base_date = template["registered"]["case"]["opened_at"].astimezone(OSLO).date()
    counts = {"cases": 0, "tasks": 0, "timers": 0, "deadlines": 0, "audit": 0, "licences": 0, "workflow": 0}
    batch: dict[str, list[dict[str, Any]]] = {
        k: [] for k in ("party", "licence", "case", "workflow", "tasks", "timers", "deadlines", "audit")
    }
    bodies = ["leder", "formannskap", "kommunestyre"]
    open_count = int(total * open_share)

    def flush() -> None:
        with core.transaction() as session:
            for key, model in (
                ("party", Party),
                ("licence", Licence),
                ("case", Case),
                ("workflow", WorkflowInstance),
                ("tasks", HumanTask),
                ("timers", Timer),
                ("deadlines", Deadline),
                ("audit", AuditEntry),
            ):
                if batch[key]:
                    session.execute(insert(model.__table__), batch[key])
                    batch[key].clear()

    for n in range(total):
        is_open = n < open_count
        stage = rng.choices(
            OPEN_STAGES if is_open else CLOSED_STAGES, [s.weight for s in (OPEN_STAGES if is_open else CLOSED_STAGES)]
        )[0]
        source = template[stage.name]
        # Open cases: recent, so their deadlines fall around today (some passed, some this week);
        # closed cases: opened during the last three years.
        opened = today - timedelta(days=rng.randint(0, 40) if is_open else rng.randint(45, 3 * 365))
        days = (opened - base_date).days
        case_id = next_id + n
        party_id += 1
        body = rng.choice(bodies)
        batch["party"].append({"id": party_id, "name": f"Bevillingshaver {n:05d} AS", "org_number": f"9{n:08d}"})
        case_row = {k: _shift(v, days) for k, v in source["case"].items()}
        case_row.update(
            id=case_id,
            reference=f"{opened.year}/B{n:05d}",
            title=f"Alminnelig salgs-/skjenkebevilling – Sted {n:05d}",
            party_id=party_id,
            handler_id=rng.choice(handler_ids),
            competent_body=body if stage.name not in ("registered", "statements", "assessment") else None,
            licence_id=None,
        )
        details = dict(case_row["details"] or {})
        details.update(premises=f"Sted {n:05d}", applicant_name=f"Bevillingshaver {n:05d} AS")
        case_row["details"] = details
        if stage.name == "granted":
            licence_id = first_licence_id + counts["licences"]
            batch["licence"].append(
                {
                    "id": licence_id,
                    "number": f"B-{opened.year}-{n:05d}",
                    "holder_id": party_id,
                    "premises": f"Sted {n:05d}",
                    "licence_kind": "skjenkebevilling",
                    "groups": "1,2,3",
                    "granted_on": opened + timedelta(days=10),
                    "valid_until": date(2028, 9, 30),
                    "status": "aktiv",
                }
            )
            case_row["licence_id"] = licence_id
            counts["licences"] += 1
        batch["case"].append(case_row)
        timer_ids = {}
        for row in source["timers"]:
            new_id = str(uuid.uuid4())
            timer_ids[row["task_id"]] = new_id
            batch["timers"].append(
                {**{k: _shift(v, days) for k, v in row.items() if k != "id"}, "case_id": case_id, "task_id": new_id}
            )
        for row in source["deadlines"]:
            batch["deadlines"].append(
                {
                    **{k: _shift(v, days) for k, v in row.items() if k != "id"},
                    "case_id": case_id,
                    "timer_task_id": timer_ids.get(row["timer_task_id"], str(uuid.uuid4())),
                }
            )
        for row in source["tasks"]:
            assigned = rng.random() < 0.4 and row["role"] == "saksbehandler"
            batch["tasks"].append(
                {
                    **{k: _shift(v, days) for k, v in row.items() if k != "id"},
                    "case_id": case_id,
                    "task_id": str(uuid.uuid4()),
                    "assignee_id": case_row["handler_id"] if assigned else None,
                }
            )
        for row in source["audit"]:
            batch["audit"].append({**{k: _shift(v, days) for k, v in row.items() if k != "id"}, "case_id": case_id})
        if is_open:
            for row in source["workflow"]:
                batch["workflow"].append({**{k: v for k, v in row.items() if k != "id"}, "case_id": case_id})
        for key, source_key in (
            ("tasks", "tasks"),
            ("timers", "timers"),
            ("deadlines", "deadlines"),
            ("audit", "audit"),
        ):
            counts[key] += len(source[source_key])
        counts["workflow"] += len(source["workflow"]) if is_open else 0
        counts["cases"] += 1
        if len(batch["case"]) >= 1000:
            flush()
    flush()
    with core.transaction() as session:
        session.execute(
            text("SELECT setval(pg_get_serial_sequence('case_file', 'id'), (SELECT max(id) FROM case_file))")
        )
        session.execute(text("SELECT setval(pg_get_serial_sequence('party', 'id'), (SELECT max(id) FROM party))"))
        session.execute(text("SELECT setval(pg_get_serial_sequence('licence', 'id'), (SELECT max(id) FROM licence))"))
    counts["points"] = add_point_awards(core, rng, today)
    return counts


def add_point_awards(core: Saksflyt, rng: random.Random, today: date) -> int:
    """Point history for a few hundred licences, some of them near or at the threshold."""
    with core.transaction() as session:
        licence_ids = list(session.scalars(select(Licence.id).order_by(Licence.id)))
        chosen = rng.sample(licence_ids, min(300, len(licence_ids)))
        rows = []
        for licence_id in chosen:
            for k in range(rng.choice([1, 1, 1, 2, 2, 3])):
                points = rng.choice([1, 1, 2, 2, 2, 4, 4, 8])
                on = today - timedelta(days=rng.randint(10, 900))
                rows.append(
                    {
                        "key": f"L{licence_id}-{k}",
                        "licence_id": licence_id,
                        "violation_date": on,
                        "code": "skjenketid",
                        "provision": "alkl. § 4-4",
                        "label": "Brudd på skjenketiden",
                        "points": points,
                        "standard_points": points,
                        "decided_on": on + timedelta(days=20),
                        "rule_set": "8-point v1",
                        "annulled": False,
                        "created_at": core.now(),
                    }
                )
        session.execute(insert(PointAward.__table__), rows)
        return len(rows)


# -- users ----------------------------------------------------------------------------------------------
USER_ROLES: list[tuple[str, list[str]]] = (
    [(f"sb{i:02d}", ["saksbehandler"]) for i in range(1, HANDLERS + 1)]
    + [(f"leder{i}", ["leder"]) for i in range(1, 7)]
    + [
        ("politi", ["politi"]),
        ("nav", ["nav"]),
        ("kontroll", ["kontrollor"]),
        ("sekretariat", ["formannskap", "kommunestyre"]),
        ("admin", ["admin"]),
    ]
)


def create_users(core: Saksflyt) -> None:
    for username, roles in USER_ROLES:
        create_user(core, username, f"Bruker {username}", PASSWORD, roles)


# -- the server -------------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    url: str

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start_gunicorn(database_url: str, workers: int, threads: int) -> Server:
    port = free_port()
    env = {
        **os.environ,
        "SAKSFLYT_DATABASE_URL": database_url,
        "SAKSFLYT_SECRET_KEY": "benchmark-only-secret",
        "SAKSFLYT_SIMULATION": "false",
    }
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        "--chdir",
        str(ROOT),
        "web:create_app()",
    ]
    process = subprocess.Popen(command, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/login", timeout=2).status_code == 200:
                return Server(process, url)
        except httpx.HTTPError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("gunicorn did not start")


# -- the simulated users ----------------------------------------------------------------------------------
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Result:
    samples: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, page: str, seconds: float) -> None:
        with self.lock:
            self.samples.setdefault(page, []).append(seconds)


def login(client: httpx.Client, username: str) -> None:
    page = client.get("/login")
    token = TOKEN.search(page.text)
    assert token, "no CSRF token on /login"
    response = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token.group(1)})
    if response.status_code != 302:
        raise RuntimeError(f"login failed for {username}: {response.status_code}")


def simulated_user(
    url: str,
    username: str,
    pages: list[str],
    duration: float,
    max_requests: int,
    think: float,
    result: Result,
    go: threading.Event,
) -> None:
    rng = random.Random(username)
    with httpx.Client(base_url=url, timeout=30) as client:
        login(client, username)
        go.wait()
        stop_at = time.monotonic() + duration
        done = 0
        while done < max_requests and time.monotonic() < stop_at:
            for path in pages:
                started = time.perf_counter()
                response = client.get(path)
                elapsed = time.perf_counter() - started
                if response.status_code != 200:
                    result.errors.append(f"{username} {path}: {response.status_code}")
                else:
                    result.add(path.split("?")[0], elapsed)
                done += 1
                if think:
                    time.sleep(rng.uniform(0.5 * think, 1.5 * think))


def run_users(url: str, users: int, duration: float, max_requests: int, think: float) -> Result:
    """`users` threads: managers load the worklist and the managers' view, everyone else the worklist."""
    people: list[tuple[str, list[str]]] = []
    managers = [u for u, roles in USER_ROLES if "leder" in roles]
    others = [u for u, roles in USER_ROLES if "leder" not in roles and "admin" not in roles]
    for i in range(users):
        if i % 3 == 0 and managers:
            people.append((managers.pop(0), ["/oppgaver", "/leder"]))
        else:
            people.append((others.pop(0), ["/oppgaver"]))
    result = Result()
    go = threading.Event()
    threads = [
        threading.Thread(target=simulated_user, args=(url, name, pages, duration, max_requests, think, result, go))
        for name, pages in people
    ]
    for thread in threads:
        thread.start()
    time.sleep(1.0)  # logins (scrypt) finish before the clock starts
    go.set()
    started = time.monotonic()
    for thread in threads:
        thread.join(timeout=duration + 60)
    result.samples["_wall"] = [time.monotonic() - started]
    return result


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, int(round(share * len(ordered) + 0.5)) - 1))
    return ordered[index]


def report(result: Result, args: argparse.Namespace, counts: dict[str, int]) -> None:
    wall = result.samples.pop("_wall", [0.0])[0]
    print()
    print(
        f"data: {counts['cases']} cases ({int(args.cases * args.open_share)} open), {counts['tasks']} open tasks, "
        f"{counts['deadlines']} deadlines, {counts['timers']} timers, {counts['audit']} audit entries, "
        f"{counts['licences']} licences, {counts['points']} point awards"
    )
    print(
        f"load: {args.users} users, gunicorn {args.workers} workers × {args.threads} threads, think time "
        f"{args.think:g} s, {wall:.0f} s"
    )
    everything: list[float] = []
    print(f"{'page':<12} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for page, values in sorted(result.samples.items()):
        everything += values
        print(
            f"{page:<12} {len(values):>8} {1000 * statistics.median(values):>8.1f} "
            f"{1000 * percentile(values, 0.95):>8.1f} {1000 * max(values):>8.1f}"
        )
    if everything:
        p95 = percentile(everything, 0.95)
        print(
            f"{'overall':<12} {len(everything):>8} {1000 * statistics.median(everything):>8.1f} "
            f"{1000 * p95:>8.1f} {1000 * max(everything):>8.1f}   ({len(everything) / max(wall, 0.001):.0f} req/s)"
        )
        print(f"target p95 < 150 ms: {'met' if p95 < 0.150 else 'NOT met'}")
    if result.errors:
        print(f"errors: {len(result.errors)}, e.g. {result.errors[:3]}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--open-share", type=float, default=0.05, help="share of the cases that are open")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--requests", type=int, default=400, help="at most this many requests per user")
    parser.add_argument("--think", type=float, default=0.5, help="mean think time between clicks (s)")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    args = parser.parse_args(argv)

    from tests.support.databases import ensure_postgres_running

    ensure_postgres_running()
    started = time.monotonic()
    url = create_database()
    clock = FixedClock(datetime.now(OSLO) - timedelta(days=60))
    core = Saksflyt.create(Settings(database_url=url), clock=clock)
    try:
        create_users(core)
        stages = build_templates(core, clock)
        core.clock = FixedClock(datetime.now(OSLO))
        counts = copy_cases(core, stages, args.cases, args.open_share)
        with core.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
        print(f"prepared {counts['cases']} cases in {time.monotonic() - started:.0f} s", flush=True)
        core.engine.dispose()
        server = start_gunicorn(url, args.workers, args.threads)
        try:
            # Warm up every worker (imports, model parsing, connection pools).
            with httpx.Client(base_url=server.url, timeout=30) as client:
                login(client, "leder1")
                for _ in range(args.workers * 3):
                    client.get("/oppgaver")
                    client.get("/leder")
            result = run_users(server.url, args.users, args.duration, args.requests, args.think)
        finally:
            server.stop()
        report(result, args, counts)
    finally:
        core.engine.dispose()
        if not args.keep:
            drop_database()


if __name__ == "__main__":
    main()
