"""Drives a BPMN process in memory through the real runtime, as the service layer would.

Every step serializes the workflow and restores it from JSON before the next step, so a path
test also proves that the case survives being stored between any two steps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from engine.clock import OSLO, FixedClock
from engine.forms import load_form
from engine.workflow.models import default_registry
from engine.workflow.results import EmittedEvent, OpenTask, Snapshot
from engine.workflow.runtime import WorkflowRuntime


@dataclass
class PathDriver:
    process_id: str
    clock: FixedClock = field(default_factory=lambda: FixedClock(datetime(2026, 3, 2, 9, 0, tzinfo=OSLO)))
    runtime: WorkflowRuntime = field(default_factory=lambda: WorkflowRuntime(default_registry()))
    events: list[EmittedEvent] = field(default_factory=list)
    round_trips: int = 0
    snapshot: Snapshot | None = None
    _state: str = ""

    def start(self, data: dict[str, Any]) -> PathDriver:
        workflow = self.runtime.start(self.process_id, data, self.clock)
        self._store(workflow)
        return self

    # -- steps -----------------------------------------------------------------------------
    def complete(self, spec_name: str, raw: dict[str, Any]) -> PathDriver:
        """Complete the open task `spec_name` with form input validated like a web request."""
        task = self.task(spec_name)
        data = load_form(task.form).validate(raw) if task.form else raw
        workflow = self._restore()
        self.runtime.complete_task(workflow, task.task_id, data, self.clock)
        self._store(workflow)
        return self

    def deliver(self, message: str, raw: dict[str, Any]) -> PathDriver:
        awaited = self.current.awaited_messages.get(message)
        data = load_form(awaited.form).validate(raw) if awaited and awaited.form else raw
        workflow = self._restore()
        self.runtime.deliver_message(workflow, message, data, self.clock)
        self._store(workflow)
        return self

    def advance_to(self, instant: datetime) -> PathDriver:
        """Move the clock and fire whatever timers became due, as the scheduler would."""
        self.clock.set(instant)
        workflow = self._restore()
        self.runtime.fire_due_timers(workflow, self.clock)
        self._store(workflow)
        return self

    def advance(self, delta: timedelta) -> PathDriver:
        return self.advance_to(self.clock.current + delta)

    # -- reading ---------------------------------------------------------------------------
    @property
    def current(self) -> Snapshot:
        assert self.snapshot is not None, "start() first"
        return self.snapshot

    @property
    def data(self) -> dict[str, Any]:
        return self.current.data

    def open_task_names(self) -> list[str]:
        return sorted(t.spec_name for t in self.current.open_tasks)

    def task(self, spec_name: str) -> OpenTask:
        matches = [t for t in self.current.open_tasks if t.spec_name == spec_name]
        assert matches, f"{spec_name} is not open; open tasks: {self.open_task_names()}"
        return matches[0]

    def event_names(self) -> list[str]:
        return [e.name for e in self.events]

    # -- persistence round trip ------------------------------------------------------------
    def _store(self, workflow: Any) -> None:
        watched = [t.task_id for t in self.snapshot.timers] if self.snapshot else []
        self.snapshot = self.runtime.snapshot(workflow, watched)
        self.events.extend(self.snapshot.events)
        self._state = self.snapshot.state_json

    def _restore(self) -> Any:
        self.round_trips += 1
        return self.runtime.load(self.process_id, self._state)
