"""The licence register (alkl. § 1-6, alkf. kap. 13): entries made when a process grants one."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from engine.forms import parse_date
from engine.persistence.counters import next_value
from engine.persistence.models import Case, Licence
from engine.rules import format_short
from engine.services.audit import record
from engine.services.core import Actor, Saksflyt
from engine.services.projection import on_event

# Application types that change an existing licence rather than create a new one.
AMENDING_TYPES = {"utvidelse_fast", "utvidelse_enkelt", "flytting", "ny_styrer"}


@on_event("licence_granted")
def register_licence(core: Saksflyt, session: Session, case: Case, actor: Actor, entry: dict[str, Any]) -> None:
    application = case.details
    valid_until = parse_date(entry["valid_until"])
    if case.licence is not None and case.application_type in AMENDING_TYPES:
        licence = case.licence
        _amend(licence, case.application_type or "", application)
        summary = f"Bevilling {licence.number} endret i bevillingsregisteret."
    else:
        licence = Licence(
            number=_next_number(core, session),
            holder_id=case.party_id,
            premises=application.get("premises") or "",
            licence_kind=application.get("licence_kind") or "skjenkebevilling",
            groups=application.get("groups") or "1,2",
            hours=application.get("hours"),
            manager_name=application.get("manager_name"),
            deputy_name=application.get("deputy_name"),
            granted_on=parse_date(entry["decided_on"]),
            valid_until=valid_until,
        )
        session.add(licence)
        session.flush()
        case.licence_id = licence.id
        summary = f"Bevilling {licence.number} registrert, gyldig til {format_short(valid_until)}."
    licence.conditions = entry.get("conditions") or licence.conditions
    record(core, session, case, actor, "licence_registered", summary, {"licence": licence.number})


def _amend(licence: Licence, application_type: str, application: dict[str, Any]) -> None:
    if application_type == "flytting" and application.get("premises"):
        licence.premises = application["premises"]
    if application_type == "utvidelse_fast" and application.get("hours"):
        licence.hours = application["hours"]
    if application_type == "ny_styrer":
        licence.manager_name = application.get("manager_name") or licence.manager_name
        licence.deputy_name = application.get("deputy_name") or licence.deputy_name


def _next_number(core: Saksflyt, session: Session) -> str:
    year = core.today().year
    return f"B-{year}-{next_value(session, f'licence-{year}'):03d}"
