"""The APScheduler setup: one interval job that sweeps due timers.

APScheduler keeps only its in-memory job store; the `timer` table is the source of truth, so
a restart loses nothing and catches up on the first sweep.
"""

from __future__ import annotations

import logging

from apscheduler.schedulers.background import BackgroundScheduler

from engine.services.core import Saksflyt
from engine.services.timers import fire_due_timers

log = logging.getLogger(__name__)


def sweep(core: Saksflyt) -> None:
    result = fire_due_timers(core)
    if result.fired or result.conflicts or result.errors:
        log.info("Timer sweep: %s", result)


def build_scheduler(core: Saksflyt) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone="Europe/Oslo")
    scheduler.add_job(
        sweep,
        "interval",
        args=[core],
        seconds=core.settings.scheduler_interval_seconds,
        id="timer-sweep",
        max_instances=1,
        coalesce=True,
    )
    return scheduler
