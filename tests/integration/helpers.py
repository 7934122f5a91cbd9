"""Drives application cases through the service layer, one transaction per step."""

from __future__ import annotations

from typing import Any

from engine.services import tasks
from engine.services.cases import CaseRef, register_application
from engine.services.core import Actor, Saksflyt
from tests.integration.conftest import CASE_HANDLER, COUNCIL, NAV, POLICE

APPLICATION = {
    "application_type": "alminnelig",
    "applicant_name": "Fjordkroa AS",
    "org_number": "999888777",
    "premises": "Fjordkroa, Strandgata 1",
    "licence_kind": "skjenkebevilling",
    "groups": "1,2,3",
    "hours": "12.00–01.00",
    "manager_name": "Ola Nordmann",
    "deputy_name": "Kari Nordmann",
    "received_on": "2026-03-02",
}
NO_OBJECTIONS = {"has_objections": "nei", "statement_text": "Ingen merknader.", "given_on": "2026-03-04"}


def register(core: Saksflyt, **overrides: Any) -> CaseRef:
    return register_application(core, CASE_HANDLER, {**APPLICATION, **overrides})


def task_id(core: Saksflyt, actor: Actor, case: CaseRef, spec_title: str | None = None) -> int:
    """The id of the (only, or titled) open task of `case` for the actor's roles."""
    matches = [
        t
        for t in tasks.ready_tasks(core, actor)
        if t.case_id == case.id and (spec_title is None or t.title == spec_title)
    ]
    assert len(matches) == 1, f"expected one task, got {[t.title for t in matches]}"
    return matches[0].id


def complete(core: Saksflyt, actor: Actor, case: CaseRef, values: dict[str, Any], title: str | None = None) -> None:
    tasks.complete_task(core, actor, task_id(core, actor, case, title), values)


def drive_to_notification(core: Saksflyt, case: CaseRef, notified_on: str = "2026-03-12") -> None:
    """Complete application without objections, decided by the kommunestyre, notified."""
    complete(core, CASE_HANDLER, case, {"complete": "ja", "document_weeks": "2"})
    complete(core, POLICE, case, NO_OBJECTIONS)
    complete(core, NAV, case, NO_OBJECTIONS)
    complete(core, CASE_HANDLER, case, {"adverse": "nei", "assessment_notes": "Ingen merknader."})
    complete(core, CASE_HANDLER, case, {"recommended_outcome": "innvilget", "grounds": "Vilkårene er oppfylt."})
    complete(
        core,
        COUNCIL,
        case,
        {"decision_outcome": "innvilget", "decision_text": "Bevilling innvilges.", "decided_on": "2026-03-10"},
    )
    complete(core, CASE_HANDLER, case, {"notified_on": notified_on})
