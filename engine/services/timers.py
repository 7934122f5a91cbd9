"""Firing due timers. The scheduler calls `fire_due_timers` every few seconds.

Each case is advanced in its own transaction. The due timer is picked with
`FOR UPDATE SKIP LOCKED` on PostgreSQL, so two scheduler processes never pick the same
timer; if two timers of one case are picked at once, the workflow's version column lets
exactly one of the two commits through and the other retries on the next sweep.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import select

from engine.errors import Conflict
from engine.persistence.models import Case, Timer
from engine.services.core import SCHEDULER, Saksflyt
from engine.services.steps import run_step

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SweepResult:
    fired: int
    conflicts: int
    errors: int


def fire_due_timers(core: Saksflyt, limit: int = 100) -> SweepResult:
    fired = conflicts = errors = 0
    skipped: set[int] = set()
    for _ in range(limit):
        try:
            case_id = _fire_next(core, skipped)
        except Conflict:
            conflicts += 1
            continue
        except Exception:
            # A broken case must not stop the others; it is retried on the next sweep.
            log.exception("Firing a timer failed")
            errors += 1
            continue
        if case_id is None:
            break
        fired += 1
    return SweepResult(fired, conflicts, errors)


def _fire_next(core: Saksflyt, skipped: set[int]) -> int | None:
    """Advances the case of the earliest due timer; None when nothing is due."""
    with core.transaction() as session:
        query = (
            select(Timer)
            .where(Timer.due_at < core.now())
            .order_by(Timer.due_at)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        if skipped:
            query = query.where(Timer.case_id.not_in(skipped))
        timer = session.scalar(query)
        if timer is None:
            return None
        case = session.get(Case, timer.case_id)
        assert case is not None
        # A conflict leaves the timer due; do not pick it again in this sweep.
        skipped.add(case.id)
        run_step(
            core,
            session,
            case,
            SCHEDULER,
            lambda workflow: core.runtime.fire_due_timers(workflow, core.clock),
            ("timer_fired", "Frist passert: saken gikk videre automatisk.", {"timer": timer.spec_name}),
        )
        return case.id
