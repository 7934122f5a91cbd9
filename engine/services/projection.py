"""Writes a workflow step into the database: state, open tasks, timers, deadlines, case
columns and the effects of events thrown by the process. Called inside the step's transaction.

Projection rows are written with Core statements on the tables: they are replaced wholesale and
need none of the ORM's bookkeeping, which costs more than the SQL itself.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.labels import DEADLINE_STATUS_TEXT
from engine.persistence.db import dumps_json
from engine.persistence.models import Case, Deadline, HumanTask, Timer, WorkflowInstance
from engine.services.audit import record
from engine.services.core import Actor, Saksflyt
from engine.workflow.results import PendingTimer, Snapshot

EventHandler = Callable[[Saksflyt, Session, Case, Actor, dict[str, Any]], None]
EVENT_HANDLERS: dict[str, EventHandler] = {}

# What a finished timer means for its deadline.
_FIRED_STATUS = {"party": "expired", "internal": "overdue"}


def on_event(name: str) -> Callable[[EventHandler], EventHandler]:
    """Registers what the system does when a process throws the message `name`."""

    def register(handler: EventHandler) -> EventHandler:
        EVENT_HANDLERS[name] = handler
        return handler

    return register


def apply_snapshot(
    core: Saksflyt,
    session: Session,
    case: Case,
    instance: WorkflowInstance,
    snapshot: Snapshot,
    actor: Actor,
    previous_timer_ids: Collection[str] = (),
) -> None:
    """`previous_timer_ids` are the case's timer rows before the step (what the snapshot watched)."""
    _save_state(core, session, instance, snapshot)
    _sync_tasks(core, session, case, snapshot)
    _sync_timers(session, case, snapshot.timers, previous_timer_ids)
    _sync_deadlines(core, session, case, snapshot, actor, previous_timer_ids)
    _update_case(core, case, snapshot)
    for event in snapshot.events:
        handler = EVENT_HANDLERS.get(event.name)
        if handler is None:
            raise LookupError(f"No handler for the process event {event.name!r}")
        handler(core, session, case, actor, event.payload)


def _save_state(core: Saksflyt, session: Session, instance: WorkflowInstance, snapshot: Snapshot) -> None:
    instance.state = snapshot.state_json
    instance.completed = snapshot.completed
    instance.awaited_messages = {
        name: {"form": m.form, "sender_roles": list(m.sender_roles), "title": m.title}
        for name, m in snapshot.awaited_messages.items()
    }
    instance.model_digest = core.runtime.registry.digest
    instance.updated_at = core.now()
    # Flush the versioned row first: a concurrent writer fails here (StaleDataError)
    # before any projection row is touched.
    session.flush()


def _sync_tasks(core: Saksflyt, session: Session, case: Case, snapshot: Snapshot) -> None:
    """Deletes finished tasks and adds new ones; a task that stays open keeps its row (and assignee)."""
    existing = set(session.scalars(select(HumanTask.task_id).where(HumanTask.case_id == case.id)))
    open_ids = {t.task_id for t in snapshot.open_tasks}
    finished = existing - open_ids
    if finished:
        tasks = HumanTask.__table__
        session.execute(tasks.delete().where(tasks.c.case_id == case.id, tasks.c.task_id.in_(finished)))
    new_rows = [
        {
            "case_id": case.id,
            "task_id": task.task_id,
            "spec_name": task.spec_name,
            "title": task.title,
            "role": task.role,
            "form": task.form,
            "instructions": task.instructions,
            "due_on": task.due_on,
            "created_at": core.now(),
        }
        for task in snapshot.open_tasks
        if task.task_id not in existing
    ]
    if new_rows:
        session.execute(HumanTask.__table__.insert(), new_rows)


def _sync_timers(session: Session, case: Case, timers: list[PendingTimer], previous: Collection[str]) -> None:
    """A waiting timer's due time is fixed when it starts waiting, so rows are only added or removed."""
    pending = {t.task_id for t in timers}
    stale = [task_id for task_id in previous if task_id not in pending]
    if stale:
        timer_table = Timer.__table__
        session.execute(timer_table.delete().where(timer_table.c.case_id == case.id, timer_table.c.task_id.in_(stale)))
    new_rows = [
        {"case_id": case.id, "task_id": t.task_id, "spec_name": t.spec_name, "due_at": t.due_at}
        for t in timers
        if t.task_id not in previous
    ]
    if new_rows:
        session.execute(Timer.__table__.insert(), new_rows)


def _sync_deadlines(
    core: Saksflyt, session: Session, case: Case, snapshot: Snapshot, actor: Actor, previous: Collection[str]
) -> None:
    """A deadline row belongs to its timer: created when the timer starts waiting, closed when
    the timer fires (expired/overdue) or is cancelled because the awaited thing happened (met)."""
    new_rows = [
        {
            "case_id": case.id,
            "timer_task_id": timer.task_id,
            "label": timer.deadline.label,
            "legal_basis": timer.deadline.legal_basis,
            "kind": timer.deadline.kind,
            "responsible_role": timer.deadline.responsible_role,
            "start_on": timer.deadline.start_on,
            "due_on": timer.deadline.due_on,
            "status": "open",
        }
        for timer in snapshot.timers
        if timer.deadline is not None and timer.task_id not in previous
    ]
    if new_rows:
        session.execute(Deadline.__table__.insert(), new_rows)
    finished = snapshot.finished_timer_states
    if not finished:
        return
    rows = session.scalars(
        select(Deadline).where(
            Deadline.case_id == case.id, Deadline.status == "open", Deadline.timer_task_id.in_(list(finished))
        )
    )
    for row in rows:
        state = finished[row.timer_task_id]
        row.status = (
            _FIRED_STATUS.get(row.kind, "overdue")
            if state == "fired"
            else ("met" if state == "cancelled" else "cancelled")
        )
        row.closed_at = core.now()
        record(
            core,
            session,
            case,
            actor,
            "deadline_" + row.status,
            f"{row.label} ({row.legal_basis}) er {DEADLINE_STATUS_TEXT[row.status]}.",
            {"due_on": row.due_on},
        )


def _update_case(core: Saksflyt, case: Case, snapshot: Snapshot) -> None:
    data = snapshot.data
    case.competent_body = data.get("competent_body", case.competent_body)
    case.outcome = data.get("decision_outcome", case.outcome)
    case.details = json.loads(dumps_json(_public_data(data)))
    if snapshot.completed and case.status != "closed":
        case.status = "closed"
        case.closed_at = core.now()


def _public_data(data: dict[str, Any]) -> dict[str, Any]:
    """Case data worth showing: plain values, no engine internals."""
    return {k: v for k, v in data.items() if not k.startswith("_")}
