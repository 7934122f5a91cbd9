"""Firing due timers. The scheduler calls `fire_due_timers` every few seconds.

The `timer` table is the source of truth: due timers are found through its `due_at` index, never
by loading workflows. Each case is advanced in its own transaction:

1. a candidate batch of due timers is read in `(due_at, id)` order (keyset pagination, so the
   sweep catches up on any backlog after downtime without rereading what it has handled);
2. per case, the workflow row is locked with `FOR UPDATE SKIP LOCKED` (PostgreSQL): a second
   scheduler process skips the case instead of waiting, and a web request on the same case fails
   with Conflict through the row's version column;
3. under the lock the due timers of the case are read again: if another process fired them and
   committed in the meantime, nothing is done;
4. the workflow fires them, and state, projections and the audit entry are written in the same
   transaction. A crash before the commit rolls everything back, so the timer is still due and
   the next sweep fires it, exactly once.

SQLite ignores FOR UPDATE; there a single writer at a time and the version column give the
same guarantee.

Each firing is audited (`timer_fired`) with the timers' due times and its lateness.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from SpiffWorkflow import TaskState
from sqlalchemy import and_, delete, or_, select
from sqlalchemy.orm import Session

from engine.errors import Conflict
from engine.persistence.models import Case, Timer, WorkflowInstance
from engine.services.core import SCHEDULER, Saksflyt
from engine.services.steps import run_step
from engine.workflow.runtime import find_task

log = logging.getLogger(__name__)

DEFAULT_BATCH = 100


@dataclass(frozen=True)
class SweepResult:
    fired: int  # cases advanced (one step may fire several timers of a case)
    conflicts: int  # a concurrent writer won; the timer stays due for the next sweep
    errors: int  # the step failed and was rolled back; retried on the next sweep
    skipped: int = 0  # locked by another scheduler process, or already fired by it
    timers: int = 0  # timers fired
    max_late_seconds: float = 0.0  # the largest fired − due among the timers fired
    fired_case_ids: tuple[int, ...] = field(default=(), repr=False)


@dataclass(frozen=True)
class DueTimer:
    id: int
    case_id: int
    task_id: str
    spec_name: str
    due_at: datetime


def find_due_timers(
    session: Session, now: datetime, limit: int = DEFAULT_BATCH, after: tuple[datetime, int] | None = None
) -> list[DueTimer]:
    """Timers due before `now`, earliest first, after the keyset position `after`.

    An index range scan on `timer.due_at`: the cost depends on the number of due timers
    returned, not on the number of cases.
    """
    query = (
        select(Timer.id, Timer.case_id, Timer.task_id, Timer.spec_name, Timer.due_at)
        .where(Timer.due_at < now)
        .order_by(Timer.due_at, Timer.id)
        .limit(limit)
    )
    if after is not None:
        due_at, timer_id = after
        query = query.where(or_(Timer.due_at > due_at, and_(Timer.due_at == due_at, Timer.id > timer_id)))
    return [DueTimer(*row) for row in session.execute(query)]


def fire_due_timers(core: Saksflyt, limit: int | None = 100, batch: int = DEFAULT_BATCH) -> SweepResult:
    """Advances the cases whose timers are due; at most `limit` cases (None: until none is due).

    Safe to run in several processes at once, and after any crash: a timer fires exactly once.
    """
    now = core.now()
    counts = {"fired": 0, "conflicts": 0, "errors": 0, "skipped": 0, "timers": 0}
    late = 0.0
    fired_cases: list[int] = []
    handled: set[int] = set()
    cursor: tuple[datetime, int] | None = None
    while limit is None or len(handled) < limit:
        with core.transaction() as session:
            candidates = find_due_timers(session, now, batch, cursor)
        if not candidates:
            break
        cursor = (candidates[-1].due_at, candidates[-1].id)
        for candidate in candidates:
            if candidate.case_id in handled:
                continue
            if limit is not None and len(handled) >= limit:
                break
            # Whatever happens, the case is not tried again in this sweep.
            handled.add(candidate.case_id)
            try:
                fired = _fire_case(core, candidate.case_id, now)
            except Conflict:
                counts["conflicts"] += 1
                continue
            except Exception:
                # A broken case must not stop the others; it is retried on the next sweep.
                log.exception("Firing the timers of case %s failed", candidate.case_id)
                counts["errors"] += 1
                continue
            if not fired:
                counts["skipped"] += 1
                continue
            counts["fired"] += 1
            counts["timers"] += len(fired)
            fired_cases.append(candidate.case_id)
            late = max(late, *(t["late_seconds"] for t in fired))
    result = SweepResult(**counts, max_late_seconds=late, fired_case_ids=tuple(fired_cases))
    if result.fired or result.conflicts or result.errors:
        log.info(
            "Timer sweep: %d timers fired on %d cases (max %.1f s late), %d conflicts, %d errors, %d skipped",
            result.timers,
            result.fired,
            result.max_late_seconds,
            result.conflicts,
            result.errors,
            result.skipped,
        )
    return result


class _NothingFired(Exception):
    """The workflow had nothing due after all: roll back, write no audit entry."""


def _fire_case(core: Saksflyt, case_id: int, now: datetime) -> list[dict[str, Any]]:
    """Fires the due timers of one case in one transaction; returns what fired ([] if nothing)."""
    try:
        with core.transaction() as session:
            instance = session.scalar(
                select(WorkflowInstance).where(WorkflowInstance.case_id == case_id).with_for_update(skip_locked=True)
            )
            if instance is None:
                return []  # another scheduler process holds the case (or it has no workflow)
            due = list(
                session.scalars(
                    select(Timer).where(Timer.case_id == case_id, Timer.due_at < now).order_by(Timer.due_at, Timer.id)
                )
            )
            if not due:
                return []  # fired and committed by someone else since the candidates were read
            if instance.completed:
                # Left-over rows of a finished case (should not happen): drop them, fire nothing.
                log.warning("Case %s is closed but had due timers; removing them", case_id)
                session.execute(delete(Timer).where(Timer.case_id == case_id))
                return []
            case = session.get(Case, case_id)
            assert case is not None
            details: dict[str, Any] = {"timer": due[0].spec_name, "timers": []}

            def fire(workflow: Any) -> None:
                core.runtime.fire_due_timers(workflow, core.clock)
                fired_at = core.now()
                for timer in due:
                    task = find_task(workflow, timer.task_id)
                    if task is not None and task.state == TaskState.WAITING:
                        continue  # still waiting: not due by the engine's reading of the clock
                    details["timers"].append(
                        {
                            "task_id": timer.task_id,
                            "spec_name": timer.spec_name,
                            "due_at": timer.due_at.isoformat(),
                            "late_seconds": round((fired_at - timer.due_at).total_seconds(), 3),
                        }
                    )
                if not details["timers"]:
                    raise _NothingFired
                details["late_seconds"] = max(t["late_seconds"] for t in details["timers"])

            run_step(
                core,
                session,
                case,
                SCHEDULER,
                fire,
                ("timer_fired", "Frist passert: saken gikk videre automatisk.", details),
                instance,
            )
            fired: list[dict[str, Any]] = details["timers"]
            for timer in fired:
                log.debug("Timer %s of case %s fired %.3f s late", timer["spec_name"], case_id, timer["late_seconds"])
            return fired
    except _NothingFired:
        return []
