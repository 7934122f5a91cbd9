"""Runs workflows in memory: start, complete a task, deliver a message, fire due timers.

Every entry point runs under `using_clock`, so SpiffWorkflow's timers and the models' `today()`
see the project's clock. The runtime performs no I/O; it returns a `Snapshot` that the service
layer persists in one transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition

from engine.clock import Clock
from engine.errors import Conflict
from engine.workflow.clockbridge import using_clock
from engine.workflow.models import ModelRegistry, ProcessModel
from engine.workflow.results import (
    AwaitedMessage,
    DeadlineInfo,
    EmittedEvent,
    OpenTask,
    PendingTimer,
    Snapshot,
)
from engine.workflow.scripting import build_script_engine
from engine.workflow.serializer import dump_state, load_state

# Firing a timer can make another timer due at once (e.g. a date already in the past);
# a few rounds settle that without risking an endless loop.
MAX_TIMER_ROUNDS = 10


class WorkflowRuntime:
    def __init__(self, registry: ModelRegistry) -> None:
        self.registry = registry
        self.script_engine = build_script_engine()

    # -- loading -------------------------------------------------------------------------
    def start(self, process_id: str, data: dict[str, Any], clock: Clock) -> BpmnWorkflow:
        model = self.registry.get(process_id)
        workflow = BpmnWorkflow(model.spec, model.subprocess_specs, script_engine=self.script_engine)
        with using_clock(clock):
            workflow.get_next_task(state=TaskState.READY).data.update(data)
            workflow.do_engine_steps()
        return workflow

    def load(self, process_id: str, state_json: str) -> BpmnWorkflow:
        model: ProcessModel = self.registry.get(process_id)
        workflow = load_state(state_json, model.spec, model.subprocess_specs)
        workflow.script_engine = self.script_engine
        return workflow

    # -- commands ------------------------------------------------------------------------
    def refresh_context(self, workflow: BpmnWorkflow, values: dict[str, Any]) -> None:
        """Gives the tasks at the process's frontier fresh facts from the database.

        Some decisions need facts that other cases change (e.g. a licence's point history);
        the service layer reads them and hands them in before every step.

        Every task gets them, not only the frontier: SpiffWorkflow re-inherits a waiting or
        ready task's data from its parent when it updates the task (e.g. `refresh_timers`), which
        would bring back stale values. Equal values in parent and child cost nothing to store
        (task data is serialized as a delta against the parent).
        """
        if not values:
            return
        for task in workflow.get_tasks():
            task.data.update(values)

    def complete_task(self, workflow: BpmnWorkflow, task_id: str, data: dict[str, Any], clock: Clock) -> None:
        task = self._ready_human_task(workflow, task_id)
        form_variable = _properties(task).get("form_variable")
        with using_clock(clock):
            if form_variable:
                task.data[form_variable] = data
            else:
                task.data.update(data)
            task.run()
            workflow.do_engine_steps()

    def deliver_message(self, workflow: BpmnWorkflow, name: str, payload: dict[str, Any], clock: Clock) -> None:
        event = BpmnEvent(MessageEventDefinition(name), payload=payload)
        with using_clock(clock):
            try:
                workflow.send_event(event)
            except WorkflowException:
                raise Conflict(f"Saken venter ikke på meldingen «{name}».") from None
            workflow.do_engine_steps()

    def fire_due_timers(self, workflow: BpmnWorkflow, clock: Clock) -> None:
        with using_clock(clock):
            for _ in range(MAX_TIMER_ROUNDS):
                before = _waiting_timer_ids(workflow)
                workflow.refresh_timers()
                workflow.do_engine_steps()
                if _waiting_timer_ids(workflow) == before:
                    break

    # -- reading -------------------------------------------------------------------------
    def snapshot(self, workflow: BpmnWorkflow, watched_timer_ids: Iterable[str] = ()) -> Snapshot:
        """Everything the service layer projects into tables after a step.

        `watched_timer_ids` are timers that were pending before the step; their new states
        (fired or cancelled) tell whether a deadline expired or was met. One walk over the
        task tree collects everything (walking it is the expensive part).
        """
        live = workflow.get_tasks(state=TaskState.COMPLETED | TaskState.READY | TaskState.WAITING)
        waiting_events = [t for t in live if t.state == TaskState.WAITING and isinstance(t.task_spec, CatchingEvent)]
        # Drain the thrown events before serializing: they are part of the stored state, and an
        # event left there would be handed out again after every later step.
        events = [EmittedEvent(e.event_definition.name, dict(e.payload or {})) for e in workflow.get_events()]
        return Snapshot(
            state_json=dump_state(workflow),
            completed=workflow.completed,
            data=dict(workflow.data) if workflow.completed else _latest_data(live),
            open_tasks=[_open_task(t) for t in live if t.state == TaskState.READY and t.task_spec.manual],
            timers=list(_pending_timers(waiting_events)),
            awaited_messages=_awaited_messages(waiting_events),
            events=events,
            finished_timer_states=_finished_states(workflow, watched_timer_ids),
        )

    def _ready_human_task(self, workflow: BpmnWorkflow, task_id: str) -> Any:
        task = find_task(workflow, task_id)
        if task is None or task.state != TaskState.READY or not task.task_spec.manual:
            raise Conflict("Oppgaven er ikke lenger åpen. Den kan være utført av noen andre.")
        return task


def find_task(workflow: BpmnWorkflow, task_id: str) -> Any | None:
    """The task with this id in the workflow or any of its subprocesses, or None."""
    try:
        key = uuid.UUID(task_id)
    except ValueError:
        return None
    for owner in [workflow, *workflow.subprocesses.values()]:
        if key in owner.tasks:
            return owner.tasks[key]
    return None


def _properties(task: Any) -> dict[str, str]:
    return dict(task.task_spec.extensions.get("properties", {}))


def _date_from(data: dict[str, Any], variable: str | None) -> date | None:
    if not variable:
        return None
    value = data.get(variable)
    return value if isinstance(value, date) else None


def _open_task(task: Any) -> OpenTask:
    props = _properties(task)
    return OpenTask(
        task_id=str(task.id),
        spec_name=task.task_spec.bpmn_id,
        title=task.task_spec.bpmn_name or task.task_spec.bpmn_id,
        role=task.task_spec.lane,
        form=props.get("form"),
        form_variable=props.get("form_variable"),
        due_on=_date_from(task.data, props.get("due_var")),
        instructions=task.task_spec.extensions.get("instructionsForEndUser"),
    )


def _waiting_timer_ids(workflow: BpmnWorkflow) -> set[str]:
    return {
        str(t.id)
        for t in workflow.get_tasks(state=TaskState.WAITING, spec_class=CatchingEvent)
        if isinstance(t.task_spec.event_definition, TimerEventDefinition)
    }


def _pending_timers(waiting_events: list[Any]) -> Iterator[PendingTimer]:
    for task in waiting_events:
        if not isinstance(task.task_spec.event_definition, TimerEventDefinition):
            continue
        value = task.internal_data.get("event_value")
        if not isinstance(value, str):
            continue
        yield PendingTimer(
            task_id=str(task.id),
            spec_name=task.task_spec.bpmn_id,
            due_at=datetime.fromisoformat(value),
            deadline=_deadline_info(task),
        )


def _deadline_info(task: Any) -> DeadlineInfo | None:
    props = _properties(task)
    if "deadline_label" not in props:
        return None
    return DeadlineInfo(
        label=props["deadline_label"],
        legal_basis=props.get("legal_basis", ""),
        kind=props.get("deadline_kind", "internal"),
        responsible_role=props.get("responsible_role"),
        start_on=_date_from(task.data, props.get("start_var")),
        due_on=_date_from(task.data, props.get("due_var")),
    )


def _awaited_messages(waiting_events: list[Any]) -> dict[str, AwaitedMessage]:
    awaited: dict[str, AwaitedMessage] = {}
    for task in waiting_events:
        definition = task.task_spec.event_definition
        if isinstance(definition, MessageEventDefinition):
            props = _properties(task)
            roles = tuple(r.strip() for r in props.get("sender_roles", "").split(",") if r.strip())
            title = task.task_spec.bpmn_name or definition.name
            awaited[definition.name] = AwaitedMessage(form=props.get("form"), sender_roles=roles, title=title)
    return awaited


def _finished_states(workflow: BpmnWorkflow, task_ids: Iterable[str]) -> dict[str, str]:
    states: dict[str, str] = {}
    for task_id in task_ids:
        task = find_task(workflow, task_id)
        if task is None:
            states[task_id] = "gone"
        elif task.state == TaskState.COMPLETED:
            states[task_id] = "fired"
        elif task.state == TaskState.CANCELLED:
            states[task_id] = "cancelled"
    return states


def _latest_data(tasks: list[Any]) -> dict[str, Any]:
    """The case's current view of its data: every task's data, latest change last.

    Reading only the frontier would miss a finished parallel branch whose values wait at a
    join (the join task holds no data until all branches arrive).
    """
    merged: dict[str, Any] = {}
    for task in sorted(tasks, key=lambda t: t.last_state_change):
        merged.update(task.data)
    return merged
