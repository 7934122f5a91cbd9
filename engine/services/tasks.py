"""Human tasks: worklists, claim/release/hand over, and completion with validated data."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from engine.errors import Conflict, Forbidden, NotFound
from engine.forms import load_form
from engine.persistence.models import Case, HumanTask, User
from engine.services.audit import record
from engine.services.core import Actor, Saksflyt
from engine.services.document_store import NewDocument, store_new
from engine.services.steps import run_step


@dataclass(frozen=True)
class TaskView:
    id: int
    case_id: int
    case_reference: str
    case_title: str
    title: str
    role: str | None
    form: str | None
    due_on: date | None
    overdue: bool
    assignee: str | None
    instructions: str | None


def ready_tasks(core: Saksflyt, actor: Actor, role: str | None = None, mine: bool = False) -> list[TaskView]:
    """Open tasks for the actor's roles (or one of them), or only those assigned to the actor."""
    roles = {role} if role else set(actor.roles)
    if role and role not in actor.roles:
        raise Forbidden("Du har ikke denne rollen.")
    conditions = [HumanTask.role.in_(roles)]
    if mine:
        conditions.append(HumanTask.assignee_id == actor.user_id)
    with core.transaction() as session:
        return _task_views(session, core.today(), *conditions)


def get_task(core: Saksflyt, actor: Actor, task_id: int) -> TaskView:
    with core.transaction() as session:
        _task_for(session, actor, task_id)
        [view] = _task_views(session, core.today(), HumanTask.id == task_id)
        return view


def claim_task(core: Saksflyt, actor: Actor, task_id: int) -> None:
    with core.transaction() as session:
        task = _task_for(session, actor, task_id)
        if task.assignee_id not in (None, actor.user_id):
            raise Conflict(f"Oppgaven er allerede tatt av {task.assignee.full_name if task.assignee else 'en annen'}.")
        task.assignee_id = actor.user_id
        record(core, session, task.case, actor, "task_claimed", f"Tok oppgaven «{task.title}».")


def release_task(core: Saksflyt, actor: Actor, task_id: int) -> None:
    with core.transaction() as session:
        task = _task_for(session, actor, task_id)
        if task.assignee_id not in (None, actor.user_id) and not actor.has_role("leder"):
            raise Forbidden("Bare den som har oppgaven, eller en leder, kan frigi den.")
        task.assignee_id = None
        record(core, session, task.case, actor, "task_released", f"Frigav oppgaven «{task.title}».")


def assign_task(core: Saksflyt, actor: Actor, task_id: int, username: str) -> None:
    """Hands the task to a named colleague who holds the task's role."""
    with core.transaction() as session:
        task = _task_for(session, actor, task_id)
        colleague = session.scalar(select(User).where(User.username == username, User.active.is_(True)))
        if colleague is None or task.role not in colleague.role_names:
            raise Conflict("Oppgaven kan bare gis til en aktiv kollega med samme rolle.")
        task.assignee_id = colleague.id
        record(
            core,
            session,
            task.case,
            actor,
            "task_assigned",
            f"Ga oppgaven «{task.title}» til {colleague.full_name}.",
        )


def complete_task(
    core: Saksflyt, actor: Actor, task_id: int, raw: dict[str, Any], documents: Sequence[NewDocument] = ()
) -> int:
    """Completes a task with form input and stores its documents (a letter, attachments) with the
    case in the same transaction. Returns the case id.

    Invalid input raises ValidationFailed before anything changes; a task completed by someone
    else in the meantime raises Conflict.
    """
    with core.transaction() as session:
        task = _task_for(session, actor, task_id)
        if task.assignee_id not in (None, actor.user_id):
            raise Conflict("Oppgaven er tatt av en annen. Be om å få den overført.")
        values = load_form(task.form).validate(raw) if task.form else {}
        case = task.case
        title, workflow_task_id = task.title, task.task_id
        run_step(
            core,
            session,
            case,
            actor,
            lambda workflow: core.runtime.complete_task(workflow, workflow_task_id, values, core.clock),
            ("task_completed", f"Utførte «{title}».", {"task": task.spec_name, "values": values}),
        )
        for document in documents:
            store_new(core, session, case, actor, document)
        return case.id


def _task_for(session: Session, actor: Actor, task_id: int) -> HumanTask:
    task = session.get(HumanTask, task_id, options=[joinedload(HumanTask.case)])
    if task is None:
        raise NotFound("Oppgaven finnes ikke, eller den er allerede utført.")
    if not actor.has_role(task.role):
        raise Forbidden("Du har ikke rollen som skal utføre denne oppgaven.")
    return task


_VIEW_COLUMNS = (
    HumanTask.id,
    HumanTask.case_id,
    Case.reference,
    Case.title.label("case_title"),
    HumanTask.title,
    HumanTask.role,
    HumanTask.form,
    HumanTask.due_on,
    User.full_name.label("assignee"),
    HumanTask.instructions,
)


def _task_views(session: Session, today: date, *conditions: Any) -> list[TaskView]:
    """Task rows as plain columns, no ORM entities: worklists are the most frequent page."""
    query = (
        select(*_VIEW_COLUMNS)
        .join(Case, Case.id == HumanTask.case_id)
        .outerjoin(User, User.id == HumanTask.assignee_id)
        .where(*conditions)
        .order_by(HumanTask.due_on.is_(None), HumanTask.due_on, HumanTask.id)
    )
    return [
        TaskView(
            id=row.id,
            case_id=row.case_id,
            case_reference=row.reference,
            case_title=row.case_title,
            title=row.title,
            role=row.role,
            form=row.form,
            due_on=row.due_on,
            overdue=row.due_on is not None and row.due_on < today,
            assignee=row.assignee,
            instructions=row.instructions,
        )
        for row in session.execute(query)
    ]
