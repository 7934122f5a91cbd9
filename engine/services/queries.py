"""Read models for lists and pages: plain dataclasses, no ORM objects leak out."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from engine.persistence.models import Case, Deadline, HumanTask
from engine.services.core import Saksflyt


@dataclass(frozen=True)
class DeadlineView:
    label: str
    legal_basis: str
    kind: str
    due_on: date | None
    status: str
    responsible_role: str | None


@dataclass(frozen=True)
class CaseSummary:
    id: int
    reference: str
    title: str
    status: str
    party: str
    competent_body: str | None
    outcome: str | None
    open_tasks: list[tuple[str, str | None, date | None]]  # title, role, due date
    deadlines: list[DeadlineView]


def case_overview(core: Saksflyt, include_closed: bool = True) -> list[CaseSummary]:
    with core.transaction() as session:
        query = select(Case).order_by(Case.reference)
        if not include_closed:
            query = query.where(Case.status == "open")
        cases = list(session.scalars(query))
        tasks = _by_case(session.scalars(select(HumanTask).order_by(HumanTask.id)))
        deadlines = _by_case(session.scalars(select(Deadline).order_by(Deadline.due_on, Deadline.id)))
        return [
            CaseSummary(
                id=c.id,
                reference=c.reference,
                title=c.title,
                status=c.status,
                party=c.party.name,
                competent_body=c.competent_body,
                outcome=c.outcome,
                open_tasks=[(t.title, t.role, t.due_on) for t in tasks.get(c.id, [])],
                deadlines=[_deadline_view(d) for d in deadlines.get(c.id, [])],
            )
            for c in cases
        ]


def _deadline_view(d: Deadline) -> DeadlineView:
    return DeadlineView(d.label, d.legal_basis, d.kind, d.due_on, d.status, d.responsible_role)


def _by_case(rows: Iterable[HumanTask | Deadline]) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = {}
    for row in rows:
        grouped.setdefault(row.case_id, []).append(row)
    return grouped
