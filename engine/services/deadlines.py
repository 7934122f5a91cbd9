"""Deadline lists for the managers' view, and a case's expected decision date.

All lists return plain `DeadlineItem`s (no ORM objects) sorted by due date.

* `overdue`: deadlines that have passed on open cases: status expired (a party's or an
  authority's deadline ran out) or overdue (the municipality's own), plus open deadlines whose
  timer is due but not yet fired (the scheduler is behind), plus open tasks past their due date
  that no deadline of the case governs (one with the same due date, open or passed). A deadline
  passes when its timer is due, so a deadline moved by holidays (domstolloven § 149) and the
  postal days after the appeal deadline (fvl § 30) count.
* `due_this_week`: open deadlines due Monday–Sunday of the current week.
* `for_role` / `for_body` / `for_handler` (and the `grouped_by_*` variants): open deadlines by the
  deadline's responsible role, the case's competent body, or the case handler.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session

from engine.clock import OSLO
from engine.config import Settings
from engine.errors import NotFound
from engine.forms import as_date
from engine.persistence.models import Case, Deadline, HumanTask, Timer, User
from engine.rules.planning import (
    DEFAULT_TARGETS,
    DecisionPlan,
    MeetingPlan,
    Period,
    expected_decision_date,
    meeting_plan_from_dict,
    targets_from_dict,
)
from engine.services.core import Saksflyt

OPEN = ("open",)
PASSED = ("expired", "overdue")
# A task whose due date is that of one of these deadlines of its case is covered by the deadline.
GOVERNING = ("open", "expired", "overdue")


@dataclass(frozen=True)
class DeadlineItem:
    case_id: int
    case_reference: str
    case_title: str
    label: str
    legal_basis: str
    due_on: date | None
    status: str  # open / met / expired / overdue / cancelled (tasks: open)
    role: str | None  # the responsible role (for a task: its lane)
    kind: str  # party / internal / task
    competent_body: str | None
    handler: str | None  # the case handler's name
    overdue: bool  # passed and not met
    deadline_id: int | None = None
    task_id: int | None = None


# -- lists -------------------------------------------------------------------------------------
def overdue(core: Saksflyt, include_tasks: bool = True) -> list[DeadlineItem]:
    now = core.now()
    with core.transaction() as session:
        due_timer = select(Timer.task_id).where(Timer.due_at < now)
        items = _deadlines(
            core,
            session,
            lambda q: q.where(
                Case.status == "open",
                or_(
                    Deadline.status.in_(PASSED),
                    and_(Deadline.status == "open", Deadline.timer_task_id.in_(due_timer)),
                ),
            ),
            passed=lambda d: True,
        )
        if include_tasks:
            items += _overdue_tasks(core, session)
    return _sorted(items)


def week_of(day: date) -> tuple[date, date]:
    """Monday and Sunday of the week `day` is in ("this week" in the deadline lists)."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def due_this_week(core: Saksflyt) -> list[DeadlineItem]:
    monday, sunday = week_of(core.today())
    return _open_deadlines(core, Deadline.due_on >= monday, Deadline.due_on <= sunday)


def for_role(core: Saksflyt, role: str, statuses: Collection[str] = OPEN) -> list[DeadlineItem]:
    return _open_deadlines(core, Deadline.responsible_role == role, statuses=statuses)


def for_body(core: Saksflyt, body: str, statuses: Collection[str] = OPEN) -> list[DeadlineItem]:
    return _open_deadlines(core, Case.competent_body == body, statuses=statuses)


def for_handler(core: Saksflyt, user_id: int, statuses: Collection[str] = OPEN) -> list[DeadlineItem]:
    return _open_deadlines(core, Case.handler_id == user_id, statuses=statuses)


def grouped_by_role(core: Saksflyt, statuses: Collection[str] = OPEN) -> dict[str | None, list[DeadlineItem]]:
    return _group(_open_deadlines(core, statuses=statuses), lambda item: item.role)


def grouped_by_body(core: Saksflyt, statuses: Collection[str] = OPEN) -> dict[str | None, list[DeadlineItem]]:
    return _group(_open_deadlines(core, statuses=statuses), lambda item: item.competent_body)


def grouped_by_handler(core: Saksflyt, statuses: Collection[str] = OPEN) -> dict[str | None, list[DeadlineItem]]:
    return _group(_open_deadlines(core, statuses=statuses), lambda item: item.handler)


# -- the expected decision date ---------------------------------------------------------------------
def expected_decision(core: Saksflyt, case_id: int) -> DecisionPlan | None:
    """When the case is expected to be decided (DOMAIN.md step 5); None while its competent body
    is not known yet (before the delegation table has run) or once the case is decided.

    The recommendation can be ready the day after the last open deadline of the case (statements,
    advance-notice response, documents), and not before today.
    """
    with core.transaction() as session:
        case = session.get(Case, case_id)
        if case is None:
            raise NotFound("Saken finnes ikke.")
        body = case.competent_body
        details = case.details or {}
        if body is None or details.get("decided_on") or case.status != "open":
            return None
        received_on = as_date(details.get("received_on")) or case.opened_at.astimezone(OSLO).date()
        open_due = session.scalars(
            select(Deadline.due_on).where(
                Deadline.case_id == case_id, Deadline.status == "open", Deadline.due_on.is_not(None)
            )
        ).all()
    ready_on = max([core.today(), *(d + timedelta(days=1) for d in open_due)])
    targets, plan = planning_configuration(core.settings)
    if body not in targets:
        return None
    return expected_decision_date(received_on, body, ready_on=ready_on, targets=targets, plan=plan)


def planning_configuration(settings: Settings) -> tuple[dict[str, Period], MeetingPlan]:
    """Processing targets and meeting plan from the configured files; re-read when a file changes."""
    targets_path, plan_path = settings.processing_targets_file, settings.meeting_plan_file
    return _load_targets(targets_path, _mtime(targets_path)), _load_plan(plan_path, _mtime(plan_path))


def _mtime(path: Path) -> float:
    return path.stat().st_mtime if path.exists() else 0.0


@lru_cache(maxsize=4)
def _load_targets(path: Path, _mtime: float) -> dict[str, Period]:
    if not path.exists():
        return dict(DEFAULT_TARGETS)
    return {**DEFAULT_TARGETS, **targets_from_dict(json.loads(path.read_text(encoding="utf-8")))}


@lru_cache(maxsize=4)
def _load_plan(path: Path, _mtime: float) -> MeetingPlan:
    if not path.exists():
        return MeetingPlan()
    return meeting_plan_from_dict(json.loads(path.read_text(encoding="utf-8")))


# -- helpers -----------------------------------------------------------------------------------------
def _open_deadlines(core: Saksflyt, *conditions: Any, statuses: Collection[str] = OPEN) -> list[DeadlineItem]:
    now = core.now()
    with core.transaction() as session:
        passed_timers = set(session.scalars(select(Timer.task_id).where(Timer.due_at < now)))
        items = _deadlines(
            core,
            session,
            lambda q: q.where(Case.status == "open", Deadline.status.in_(tuple(statuses)), *conditions),
            passed=lambda d: d.status in PASSED or d.timer_task_id in passed_timers,
        )
    return _sorted(items)


def _deadlines(
    core: Saksflyt,
    session: Session,
    where: Callable[[Select[Any]], Select[Any]],
    passed: Callable[[Deadline], bool],
) -> list[DeadlineItem]:
    query = (
        select(Deadline, Case, User.full_name)
        .join(Case, Deadline.case_id == Case.id)
        .outerjoin(User, Case.handler_id == User.id)
    )
    return [
        DeadlineItem(
            case_id=case.id,
            case_reference=case.reference,
            case_title=case.title,
            label=deadline.label,
            legal_basis=deadline.legal_basis,
            due_on=deadline.due_on,
            status=deadline.status,
            role=deadline.responsible_role,
            kind=deadline.kind,
            competent_body=case.competent_body,
            handler=handler,
            overdue=passed(deadline),
            deadline_id=deadline.id,
        )
        for deadline, case, handler in session.execute(where(query))
    ]


def _overdue_tasks(core: Saksflyt, session: Session) -> list[DeadlineItem]:
    rows = list(
        session.execute(
            select(HumanTask, Case, User.full_name)
            .join(Case, HumanTask.case_id == Case.id)
            .outerjoin(User, Case.handler_id == User.id)
            .where(HumanTask.due_on < core.today(), Case.status == "open")
        )
    )
    if not rows:
        return []
    governed = {
        (row[0], row[1])
        for row in session.execute(
            select(Deadline.case_id, Deadline.due_on).where(
                Deadline.status.in_(GOVERNING), Deadline.case_id.in_({case.id for _, case, _ in rows})
            )
        )
    }
    return [
        DeadlineItem(
            case_id=case.id,
            case_reference=case.reference,
            case_title=case.title,
            label=task.title,
            legal_basis="",
            due_on=task.due_on,
            status="open",
            role=task.role,
            kind="task",
            competent_body=case.competent_body,
            handler=handler,
            overdue=True,
            task_id=task.id,
        )
        for task, case, handler in rows
        if (case.id, task.due_on) not in governed
    ]


def _sorted(items: list[DeadlineItem]) -> list[DeadlineItem]:
    return sorted(items, key=lambda i: (i.due_on is None, i.due_on or date.max, i.case_reference, i.label))


def _group(
    items: list[DeadlineItem], key: Callable[[DeadlineItem], str | None]
) -> dict[str | None, list[DeadlineItem]]:
    grouped: dict[str | None, list[DeadlineItem]] = {}
    for item in items:
        grouped.setdefault(key(item), []).append(item)
    return grouped
