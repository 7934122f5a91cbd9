"""Messages from outside into a waiting case (a statement, a response, an appeal)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from engine.errors import Conflict, Forbidden, NotFound
from engine.forms import load_form
from engine.persistence.models import Case
from engine.services.core import Actor, Saksflyt
from engine.services.steps import instance_for, run_step


def deliver_message(core: Saksflyt, actor: Actor, case_reference: str, name: str, raw: dict[str, Any]) -> None:
    with core.transaction() as session:
        case = session.scalar(select(Case).where(Case.reference == case_reference))
        if case is None:
            raise NotFound(f"Fant ingen sak med referanse {case_reference}.")
        instance = instance_for(session, case)
        awaited = instance.awaited_messages.get(name)
        if awaited is None:
            raise Conflict(f"Sak {case_reference} venter ikke på meldingen «{name}».")
        if not any(actor.has_role(role) for role in awaited["sender_roles"]):
            raise Forbidden("Du har ikke lov til å sende denne meldingen til saken.")
        values = load_form(awaited["form"]).validate(raw) if awaited["form"] else dict(raw)
        summary = awaited.get("title") or f"Melding «{name}» mottatt"
        run_step(
            core,
            session,
            case,
            actor,
            lambda workflow: core.runtime.deliver_message(workflow, name, values, core.clock),
            ("message_delivered", summary + ".", {"message": name, "values": values}),
            instance,
        )
