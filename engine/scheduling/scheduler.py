"""The APScheduler setup: an interval job that sweeps due timers and notifications.

APScheduler keeps only its in-memory job store; the `timer` table is the source of truth, so a
restart loses nothing: the first sweep runs at start and catches up. Several scheduler processes
may run against one PostgreSQL database (`saksflyt worker`); the sweep locks each case with SKIP
LOCKED, so they share the work and never fire a timer twice.

Besides the fixed interval, every sweep asks the index for the next timer due before the next
interval run and schedules a one-off wake-up for it, so a timer fires within moments of its due
time rather than up to one interval late. The interval remains the safety net (and the retry of
cases that failed).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import func, select

from engine.clock import SystemClock
from engine.persistence.models import Timer
from engine.services.core import Saksflyt
from engine.services.notifications import NotificationResult, NotificationSettings, run_notifications
from engine.services.timers import SweepResult, fire_due_timers

log = logging.getLogger(__name__)

# SpiffWorkflow fires a timer when due < now (strictly): wake up a moment after the due time.
WAKE_UP_MARGIN = timedelta(milliseconds=20)
# Firing can make further timers due at once (or a long sweep leaves some due): a few passes.
MAX_PASSES = 5


@dataclass(frozen=True)
class SweepReport:
    timers: SweepResult
    notifications: NotificationResult


def sweep(core: Saksflyt, notification_settings: NotificationSettings | None = None) -> SweepReport:
    """One sweep: fire every due timer, then create and send reminders and escalations."""
    fired = fire_timers(core)
    try:
        notes = run_notifications(core, notification_settings)
    except Exception:
        log.exception("Creating or sending notifications failed; retried on the next sweep")
        notes = NotificationResult()
    return SweepReport(fired, notes)


def fire_timers(core: Saksflyt) -> SweepResult:
    """Fires every due timer; passes again while firing makes more due (a few times at most)."""
    total = fire_due_timers(core, limit=None)
    for _ in range(MAX_PASSES - 1):
        if not total.fired:
            break
        more = fire_due_timers(core, limit=None)
        if not more.fired:
            break
        total = _combine(total, more)
    return total


def next_due_at(core: Saksflyt, after: datetime) -> datetime | None:
    """The earliest timer due at or after `after` (an index lookup)."""
    with core.transaction() as session:
        return session.scalar(select(func.min(Timer.due_at)).where(Timer.due_at >= after))


class _SweepJob:
    """What the scheduler runs: the interval sweep, and wake-ups that only fire timers. After
    either, a wake-up is scheduled for the next timer due before the next interval run."""

    def __init__(
        self,
        core: Saksflyt,
        scheduler: BackgroundScheduler,
        interval: float,
        settings: NotificationSettings | None,
        wake_ups: bool,
    ) -> None:
        self.core = core
        self.scheduler = scheduler
        self.interval = timedelta(seconds=interval)
        self.settings = settings
        self.wake_ups = wake_ups
        self._lock = threading.Lock()

    def run_sweep(self) -> None:
        # The interval job and a wake-up may start together: one at a time per process.
        with self._lock:
            try:
                sweep(self.core, self.settings)
            finally:
                self._schedule_wake_up()

    def run_wake_up(self) -> None:
        with self._lock:
            try:
                fire_timers(self.core)
            finally:
                self._schedule_wake_up()

    def _schedule_wake_up(self) -> None:
        if not self.wake_ups:
            return
        now = self.core.now()
        try:
            due = next_due_at(self.core, now)
        except Exception:
            log.exception("Could not read the next timer due")
            return
        if due is None or due - now >= self.interval:
            return  # the interval job comes first
        self.scheduler.add_job(
            self.run_wake_up,
            "date",
            run_date=SystemClock().now() + (due - now) + WAKE_UP_MARGIN,
            id="timer-wake-up",
            replace_existing=True,
            misfire_grace_time=None,
            max_instances=2,  # the next wake-up may be due before this one has returned
        )


def build_scheduler(
    core: Saksflyt,
    notification_settings: NotificationSettings | None = None,
    interval_seconds: float | None = None,
    wake_ups: bool = True,
) -> BackgroundScheduler:
    """A scheduler (not started) that sweeps at once and then every interval; with `wake_ups`,
    also at the due time of each timer that comes before the next interval run."""
    interval = interval_seconds or core.settings.scheduler_interval_seconds
    scheduler = BackgroundScheduler(timezone="Europe/Oslo")
    job = _SweepJob(core, scheduler, interval, notification_settings, wake_ups)
    scheduler.add_job(
        job.run_sweep,
        "interval",
        seconds=interval,
        id="timer-sweep",
        max_instances=1,
        coalesce=True,
        misfire_grace_time=None,
        next_run_time=SystemClock().now(),  # catch up at once after a start or restart
    )
    return scheduler


def _combine(a: SweepResult, b: SweepResult) -> SweepResult:
    return SweepResult(
        fired=a.fired + b.fired,
        conflicts=a.conflicts + b.conflicts,
        errors=a.errors + b.errors,
        skipped=a.skipped + b.skipped,
        timers=a.timers + b.timers,
        max_late_seconds=max(a.max_late_seconds, b.max_late_seconds),
        fired_case_ids=a.fired_case_ids + b.fired_case_ids,
    )
