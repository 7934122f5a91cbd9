"""One workflow step on one case: load, act, project, audit; in the caller's transaction."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from sqlalchemy import event, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from engine.errors import Conflict, NotFound
from engine.persistence.models import Case, Timer, WorkflowInstance
from engine.services.audit import record
from engine.services.core import Actor, Saksflyt
from engine.services.projection import apply_snapshot

CONFLICT_MESSAGE = "Saken ble endret av noen andre samtidig. Last siden på nytt og prøv igjen."

ContextProvider = Callable[[Saksflyt, Session, Case], dict[str, Any]]
CONTEXT_PROVIDERS: dict[str, ContextProvider] = {}


def context_provider(process_id: str) -> Callable[[ContextProvider], ContextProvider]:
    """Registers a function that reads fresh facts for cases of `process_id` before each step."""

    def register(provider: ContextProvider) -> ContextProvider:
        CONTEXT_PROVIDERS[process_id] = provider
        return provider

    return register


def fresh_context(core: Saksflyt, session: Session, case: Case) -> dict[str, Any]:
    provider = CONTEXT_PROVIDERS.get(case.process_id)
    return provider(core, session, case) if provider else {}


def instance_for(session: Session, case: Case) -> WorkflowInstance:
    instance = session.scalar(select(WorkflowInstance).where(WorkflowInstance.case_id == case.id))
    if instance is None:
        raise NotFound("Saken har ingen arbeidsflyt.")
    return instance


def run_step(
    core: Saksflyt,
    session: Session,
    case: Case,
    actor: Actor,
    action: Callable[[BpmnWorkflow], None],
    audit: tuple[str, str, dict[str, Any]],
    instance: WorkflowInstance | None = None,
) -> None:
    """Runs `action` on the case's workflow and writes the result.

    `audit` is (action, Norwegian summary, details) for the audit entry of this step; `instance`
    is the case's workflow row when the caller has already read (or locked) it.
    """
    instance = instance or instance_for(session, case)
    if instance.completed:
        raise Conflict("Saken er avsluttet.")
    workflow = core.workflow_cache.take(instance.id, instance.version) or core.runtime.load(
        instance.process_id, instance.state
    )
    watched = list(session.scalars(select(Timer.task_id).where(Timer.case_id == case.id)))
    core.runtime.refresh_context(workflow, fresh_context(core, session, case))
    action(workflow)
    snapshot = core.runtime.snapshot(workflow, watched)
    action_name, summary, details = audit
    try:
        apply_snapshot(core, session, case, instance, snapshot, actor, watched)
    except StaleDataError:
        raise Conflict(CONFLICT_MESSAGE) from None
    record(core, session, case, actor, action_name, summary, details)
    keep_after_commit(core, session, instance, workflow)


def keep_after_commit(core: Saksflyt, session: Session, instance: WorkflowInstance, workflow: BpmnWorkflow) -> None:
    """Caches the workflow as the version just written, once (and only if) the transaction commits."""
    instance_id, version = instance.id, instance.version
    event.listen(
        session, "after_commit", lambda _session: core.workflow_cache.put(instance_id, version, workflow), once=True
    )
