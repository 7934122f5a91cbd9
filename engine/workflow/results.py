"""What one engine call hands to the service layer to persist (plain values, no Spiff objects)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class OpenTask:
    """A READY human task (user task) and the lane (= role) that should do it."""

    task_id: str
    spec_name: str
    title: str
    role: str | None
    form: str | None
    form_variable: str | None
    due_on: date | None
    instructions: str | None = None


@dataclass(frozen=True)
class DeadlineInfo:
    """A statutory or internal deadline declared on a timer event's properties."""

    label: str
    legal_basis: str
    kind: str  # "party" (domstolloven §§ 148–149 rolled) or "internal" (the municipality's own)
    responsible_role: str | None
    start_on: date | None
    due_on: date | None


@dataclass(frozen=True)
class PendingTimer:
    task_id: str
    spec_name: str
    due_at: datetime
    deadline: DeadlineInfo | None


@dataclass(frozen=True)
class EmittedEvent:
    """A message thrown by the process to the outside world (e.g. `licence_granted`)."""

    name: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class AwaitedMessage:
    """A message the case waits for, the form that validates its payload and who may send it."""

    form: str | None
    sender_roles: tuple[str, ...]
    title: str  # the catching event's name, e.g. "Uttalelse fra politiet mottatt"


@dataclass(frozen=True)
class Snapshot:
    state_json: str
    completed: bool
    data: dict[str, Any]
    open_tasks: list[OpenTask]
    timers: list[PendingTimer]
    awaited_messages: dict[str, AwaitedMessage]
    events: list[EmittedEvent] = field(default_factory=list)
    finished_timer_states: dict[str, str] = field(default_factory=dict)
