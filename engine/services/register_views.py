"""The licence register (alkl. § 1-6, alkf. kap. 13) as a searchable list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from engine.errors import Forbidden
from engine.persistence.models import Case, Licence
from engine.services.case_views import has_full_access
from engine.services.core import Actor, Saksflyt

# -- the licence register ----------------------------------------------------------------------
LICENCE_STATUSES = {"aktiv": "Aktiv", "inndratt": "Inndratt", "utlopt": "Utløpt"}


@dataclass(frozen=True)
class LicenceRow:
    id: int
    number: str
    holder: str
    org_number: str | None
    premises: str
    licence_kind: str
    groups: str
    hours: str | None
    manager_name: str | None
    deputy_name: str | None
    conditions: str | None
    granted_on: date
    valid_until: date
    status: str  # aktiv / inndratt (a suspension in force today) / utlopt / the register's own value
    status_label: str
    suspended_until: date | None
    case_id: int | None  # the newest case of the licence


def can_see_register(actor: Actor) -> bool:
    return has_full_access(actor)


def licence_register(core: Saksflyt, actor: Actor, query: str = "", status: str = "") -> list[LicenceRow]:
    """The licence register for every municipal role, searched on holder, organisation number,
    premises, number, styrer/stedfortreder, and filtered on status."""
    if not can_see_register(actor):
        raise Forbidden("Bevillingsregisteret er for kommunens brukere.")
    from engine.persistence.models import Party
    from engine.persistence.sanction_models import Suspension

    today = core.today()
    with core.transaction() as session:
        stmt = select(Licence).join(Party, Licence.holder_id == Party.id).order_by(Licence.number)
        for word in query.split():
            pattern = f"%{word.lower()}%"
            stmt = stmt.where(
                func.lower(Licence.number).like(pattern)
                | func.lower(Licence.premises).like(pattern)
                | func.lower(Party.name).like(pattern)
                | func.lower(func.coalesce(Party.org_number, "")).like(pattern)
                | func.lower(func.coalesce(Licence.manager_name, "")).like(pattern)
                | func.lower(func.coalesce(Licence.deputy_name, "")).like(pattern)
            )
        licences = list(session.scalars(stmt))
        ids = [lic.id for lic in licences]
        suspended: dict[int, date | None] = {}
        newest_case: dict[int, int] = {}
        if ids:
            for licence_id, ends_on in session.execute(
                select(Suspension.licence_id, Suspension.ends_on).where(
                    Suspension.licence_id.in_(ids),
                    Suspension.annulled.is_(False),
                    Suspension.starts_on <= today,
                    Suspension.ends_on >= today,
                )
            ):
                suspended[licence_id] = ends_on
            newest_case = dict(
                session.execute(
                    select(Case.licence_id, func.max(Case.id)).where(Case.licence_id.in_(ids)).group_by(Case.licence_id)
                ).all()
            )
        rows = []
        for lic in licences:
            if lic.id in suspended:
                state = "inndratt"
            elif lic.valid_until < today:
                state = "utlopt"
            else:
                state = lic.status
            if status and state != status:
                continue
            rows.append(
                LicenceRow(
                    id=lic.id,
                    number=lic.number,
                    holder=lic.holder.name,
                    org_number=lic.holder.org_number,
                    premises=lic.premises,
                    licence_kind=lic.licence_kind,
                    groups=lic.groups,
                    hours=lic.hours,
                    manager_name=lic.manager_name,
                    deputy_name=lic.deputy_name,
                    conditions=lic.conditions,
                    granted_on=lic.granted_on,
                    valid_until=lic.valid_until,
                    status=state,
                    status_label=LICENCE_STATUSES.get(state, state.capitalize()),
                    suspended_until=suspended.get(lic.id),
                    case_id=newest_case.get(lic.id),
                )
            )
        return rows
