"""Registering cases: a new application starts the `application` process."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from engine.errors import Conflict, Forbidden, NotFound
from engine.forms import load_form
from engine.labels import APPLICATION_TYPES
from engine.persistence.counters import next_value
from engine.persistence.models import Case, Licence, Party, WorkflowInstance
from engine.services.audit import record
from engine.services.core import Actor, Saksflyt
from engine.services.projection import apply_snapshot
from engine.services.steps import CONFLICT_MESSAGE, keep_after_commit


@dataclass(frozen=True)
class CaseRef:
    id: int
    reference: str


def register_application(core: Saksflyt, actor: Actor, raw: dict[str, Any]) -> CaseRef:
    """Registers an application (DOMAIN step 1) and starts its procedure."""
    if not actor.has_role("saksbehandler"):
        raise Forbidden("Bare saksbehandlere kan registrere søknader.")
    values = load_form("register_application").validate(raw)
    with core.transaction() as session:
        party = _party_for(session, values)
        licence = _licence_by_number(session, values.get("licence_number"))
        case = Case(
            reference=_next_reference(core, session),
            kind="application",
            process_id="application",
            title=f"{APPLICATION_TYPES[values['application_type']]} – {values['premises']}",
            party=party,
            licence=licence,
            application_type=values["application_type"],
            handler_id=actor.user_id,
            details={},
            opened_at=core.now(),
        )
        session.add(case)
        session.flush()
        start_data = {
            **values,
            "case_id": case.id,
            "reference": case.reference,
            "applicant_name": party.name,
            "statement_weeks": core.settings.statement_weeks,
            "appeal_postal_days": core.settings.appeal_postal_days,
        }
        start_workflow(core, session, case, actor, start_data)
        record(core, session, case, actor, "case_registered", f"Søknad registrert: {case.title}", values)
        return CaseRef(case.id, case.reference)


def start_workflow(core: Saksflyt, session: Session, case: Case, actor: Actor, data: dict[str, Any]) -> None:
    workflow = core.runtime.start(case.process_id, data, core.clock)
    snapshot = core.runtime.snapshot(workflow)
    instance = WorkflowInstance(
        case_id=case.id,
        process_id=case.process_id,
        model_digest=core.runtime.registry.digest,
        state=snapshot.state_json,
        updated_at=core.now(),
    )
    session.add(instance)
    try:
        apply_snapshot(core, session, case, instance, snapshot, actor)
    except StaleDataError:
        raise Conflict(CONFLICT_MESSAGE) from None
    keep_after_commit(core, session, instance, workflow)


def _party_for(session: Session, values: dict[str, Any]) -> Party:
    org_number = values.get("org_number")
    party = session.scalar(select(Party).where(Party.org_number == org_number)) if org_number else None
    if party is None:
        party = Party(name=values["applicant_name"], org_number=org_number)
        session.add(party)
    party.name = values["applicant_name"]
    party.address = values.get("address") or party.address
    party.email = values.get("email") or party.email
    return party


def _licence_by_number(session: Session, number: str | None) -> Licence | None:
    if not number:
        return None
    licence = session.scalar(select(Licence).where(Licence.number == number))
    if licence is None:
        raise NotFound(f"Fant ingen bevilling med nummer {number}.")
    return licence


def _next_reference(core: Saksflyt, session: Session) -> str:
    year = core.today().year
    return f"{year}/{next_value(session, f'case-{year}'):04d}"
