"""Timer lateness in real time: how long after its due time does a timer fire?

A few hundred cases in the appeal period get their timer due at now + 1..60 s (spread at random),
then the real APScheduler job (`engine.scheduling.scheduler.build_scheduler`) runs with the system
clock until every timer has fired. Lateness = fired − due, from the `timer_fired` audit entries
(the entry's time minus `details.timers[].due_at`; `late_seconds`, taken when the engine fired,
is a few milliseconds smaller). Target: the maximum is at
most the polling interval + 1 s.

    .venv/bin/python benchmarks/timer_lateness.py [--timers 300] [--spread 60] [--interval 10]
                                                   [--no-wake-ups] [--pg-admin URL]

`--no-wake-ups` turns off the one-off wake-up at the next due time, leaving only the interval job.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import datetime, timedelta

import psycopg
from scheduler_sweep import START, bulk_copy, fresh_postgres, migrate, templates_for
from sqlalchemy import func, select

from engine.clock import FixedClock, SystemClock
from engine.config import Settings
from engine.persistence.models import AuditEntry, Timer
from engine.scheduling.scheduler import build_scheduler
from engine.services.core import Saksflyt
from engine.services.notifications import NotificationSettings

DB_NAME = "saksflyt_bench_lateness"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--timers", type=int, default=300)
    parser.add_argument("--spread", type=float, default=60.0, help="timers are due 1..SPREAD seconds from the start")
    parser.add_argument("--interval", type=float, help="polling interval in seconds (default: the settings, 10)")
    parser.add_argument("--no-wake-ups", action="store_true", help="only the interval job")
    parser.add_argument("--pg-admin", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    args = parser.parse_args()

    url = fresh_postgres(args.pg_admin, DB_NAME)
    migrate(url)
    template_clock = FixedClock(START)
    core = Saksflyt.create(Settings(database_url=url), clock=template_clock)
    templates = templates_for(core, template_clock)
    core.engine.dispose()

    rng = random.Random(11)
    start = SystemClock().now() + timedelta(seconds=3)  # after seeding
    due_times = sorted(start + timedelta(seconds=rng.uniform(1, args.spread)) for _ in range(args.timers))
    case_ids = bulk_copy(url, templates, args.timers, args.timers, start, due_at=due_times)

    settings = Settings(database_url=url)
    interval = args.interval or settings.scheduler_interval_seconds
    core = Saksflyt.create(settings)  # the system clock
    scheduler = build_scheduler(core, NotificationSettings(), interval_seconds=interval, wake_ups=not args.no_wake_ups)
    scheduler.start()
    deadline = time.monotonic() + args.spread + 3 * interval + 60
    try:
        while time.monotonic() < deadline and _pending(core, case_ids):
            time.sleep(0.5)
    finally:
        scheduler.shutdown(wait=True)

    late, checked = [], []
    with core.transaction() as session:
        for at, details in session.execute(
            select(AuditEntry.at, AuditEntry.details).where(
                AuditEntry.action == "timer_fired", AuditEntry.case_id.in_(case_ids)
            )
        ):
            for timer in details["timers"]:
                late.append(timer["late_seconds"])
                checked.append((at - datetime.fromisoformat(timer["due_at"])).total_seconds())
        left = session.scalar(select(func.count(Timer.id)).where(Timer.case_id.in_(case_ids))) or 0
    core.engine.dispose()

    assert left == 0 and len(late) == args.timers, f"{len(late)} of {args.timers} fired, {left} left"
    # The engine fired the timer a moment before the step was recorded: use the (later) audit time.
    assert max(abs(a - b) for a, b in zip(late, checked, strict=True)) < 1.0
    late = checked
    target = interval + 1
    mode = "interval only" if args.no_wake_ups else "interval + wake-ups at the next due time"
    print(f"{args.timers} timers due over {args.spread:g} s, polling interval {interval:g} s ({mode}), PostgreSQL")
    print(
        f"Lateness (fired − due): median {statistics.median(late):.3f} s, "
        f"p95 {statistics.quantiles(late, n=20)[-1]:.3f} s, max {max(late):.3f} s, min {min(late):.3f} s"
    )
    print(f"Target max ≤ interval + 1 s = {target:g} s: {'met' if max(late) <= target else 'NOT met'}")
    if not args.keep:
        with psycopg.connect(args.pg_admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


def _pending(core: Saksflyt, case_ids: list[int]) -> bool:
    """Timers of the measured cases not fired yet (the template cases are not measured)."""
    with core.transaction() as session:
        return bool(session.scalar(select(func.count(Timer.id)).where(Timer.case_id.in_(case_ids))))


if __name__ == "__main__":
    main()
