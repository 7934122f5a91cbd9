"""Demo data for the sanction procedure (fixtures/sanctions.json), loaded by `saksflyt load-fixtures`.

Licensees and their licences are written directly (the register has no other way in for a demo);
earlier point decisions are imported as awards without a case; transfers of ownership and the
sanction cases go through the service layer. A case that started weeks ago is driven on a clock
set back to the day of each step, as the application demo does, so its deadlines, timers and
history are realistic. Each case is registered under the rule set it names (the municipality's
setting is switched for it), and the setting ends as the file's `rule_set`.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from engine.clock import OSLO, FixedClock, local_today
from engine.config import FIXTURES_DIR
from engine.errors import Conflict
from engine.forms import parse_date
from engine.persistence.models import Case, HumanTask, Licence, Party, User, UserRole
from engine.persistence.sanction_models import PointAward
from engine.services import messages, sanctions, tasks
from engine.services.core import Actor, Saksflyt
from engine.services.timers import fire_due_timers
from engine.services.users import actor_for

MAX_WAIT_DAYS = 10  # a step waits this long for its task (deadlines may be rolled past holidays)
_DAY = re.compile(r"\{day:(\d+)\}")
DEMO_ADMIN = Actor("demodata", frozenset({"admin", "saksbehandler", "kontrollor"}))


def load_sanction_demo(core: Saksflyt, path: Path = FIXTURES_DIR / "sanctions.json") -> str:
    demo = json.loads(path.read_text(encoding="utf-8"))
    with core.transaction() as session:
        if session.scalar(select(func.count(PointAward.id))) or session.scalar(
            select(func.count(Case.id)).where(Case.kind == "sanction")
        ):
            return "sanksjonsdemoen er allerede lastet"
    today = core.today()
    _create_licensees(core, demo["licensees"])
    imported = _import_history(core, demo["point_history"], today)
    for transfer in demo["transfers"]:
        _transfer(core, transfer, today)
    actors = _actors_by_role(core)
    notes = [_drive(core, case, actors) for case in demo["cases"]]
    sanctions.set_active_rule_set(core, DEMO_ADMIN, demo["rule_set"])
    unfinished = [n for n in notes if n]
    summary = (
        f"{len(demo['licensees'])} bevillingshavere med {imported} importerte prikker, "
        f"{len(demo['transfers'])} eierskifte og {len(demo['cases'])} sanksjonssaker "
        f"(regelsett nå: {demo['rule_set']})"
    )
    return summary + (f" – merk: {'; '.join(unfinished)}" if unfinished else "")


def _create_licensees(core: Saksflyt, licensees: list[dict[str, Any]]) -> None:
    with core.transaction() as session:
        for entry in licensees:
            party = Party(name=entry["name"], org_number=entry["org_number"])
            session.add(party)
            session.flush()
            licence = dict(entry["licence"])
            licence["granted_on"] = parse_date(licence["granted_on"])
            licence["valid_until"] = parse_date(licence["valid_until"])
            session.add(Licence(holder_id=party.id, **licence))


def _import_history(core: Saksflyt, history: list[dict[str, Any]], today: date) -> int:
    catalogue = {e.code: e for e in sanctions.catalogue(core.runtime.registry.model_dir)}
    with core.transaction() as session:
        for number, entry in enumerate(history, start=1):
            licence = session.scalar(select(Licence).where(Licence.number == entry["licence"]))
            assert licence is not None, entry["licence"]
            item = catalogue[entry["code"]]
            session.add(
                PointAward(
                    key=f"IMP-{licence.number}-{number}",
                    licence_id=licence.id,
                    case_id=None,
                    violation_date=today - timedelta(days=entry["violation_days_ago"]),
                    code=item.code,
                    provision=item.provision,
                    label=item.label,
                    points=item.points,
                    standard_points=item.points,
                    decided_on=today - timedelta(days=entry["decided_days_ago"]),
                    rule_set=entry["rule_set"],
                    created_at=core.now(),
                )
            )
    return sum(catalogue[e["code"]].points for e in history)


def _transfer(core: Saksflyt, transfer: dict[str, Any], today: date) -> None:
    values = {k: v for k, v in transfer.items() if k not in {"licence", "days_ago"}}
    values["transferred_on"] = (today - timedelta(days=transfer["days_ago"])).isoformat()
    sanctions.record_transfer(core, DEMO_ADMIN, transfer["licence"], values)


def _actors_by_role(core: Saksflyt) -> dict[str, Actor]:
    """The first active demo user of each role; the demo's own actor where there is none."""
    actors: dict[str, Actor] = {}
    with core.transaction() as session:
        users = session.scalars(
            select(User).join(UserRole).where(User.active.is_(True)).order_by(User.id).distinct()
        ).all()
        for user in users:
            actor = actor_for(user)
            for role in sorted(actor.roles):
                actors.setdefault(role, actor)
    for role in ("kontrollor", "saksbehandler", "leder", "kommunestyre"):
        actors.setdefault(role, Actor("demodata", frozenset({role})))
    return actors


def _drive(core: Saksflyt, case: dict[str, Any], actors: dict[str, Actor]) -> str:
    """Registers the control report `days_ago` days back and runs its steps on their days.

    Returns a note when a step could not be reached before today (the case then stays where it is).
    """
    real_now = core.now()
    started = real_now - timedelta(days=case["days_ago"])
    start_day = local_today(FixedClock(started))
    past = replace(core, clock=FixedClock(datetime.combine(start_day, time(9, 0), tzinfo=OSLO)))
    sanctions.set_active_rule_set(past, DEMO_ADMIN, case["rule_set"])
    control = start_day - timedelta(days=case["control_days_before"])
    report = {
        "licence_number": case["licence"],
        "control_date": control.isoformat(),
        "control_kind": "apen",
        "controller_1": "Kari Kontroll",
        "controller_2": "Per Kontroll",
        **case["report"],
    }
    ref = sanctions.register_control_report(past, actors["kontrollor"], report)
    for step in case["steps"]:
        when = datetime.combine(start_day + timedelta(days=step["day"]), time(9, 0), tzinfo=OSLO)
        values = {k: _fill(v, start_day) for k, v in step["values"].items()}
        if not _run_step(past, ref.id, ref.reference, step, values, actors[step["role"]], when, real_now):
            return f"sak {ref.reference} stoppet før «{step.get('task') or step.get('message')}»"
    return ""


def _run_step(
    past: Saksflyt,
    case_id: int,
    reference: str,
    step: dict[str, Any],
    values: dict[str, Any],
    actor: Actor,
    when: datetime,
    real_now: datetime,
) -> bool:
    clock = past.clock
    assert isinstance(clock, FixedClock)
    for extra_days in range(MAX_WAIT_DAYS + 1):
        moment = max(when + timedelta(days=extra_days), clock.current)
        if moment > real_now:
            return False
        clock.set(moment)
        fire_due_timers(past, limit=1000)
        if "message" in step:
            try:
                messages.deliver_message(past, actor, reference, step["message"], values)
                return True
            except Conflict:  # the case does not wait for the message yet
                continue
        task_id = _open_task(past, case_id, step["task"])
        if task_id is not None:
            tasks.complete_task(past, actor, task_id, values)
            clock.advance(timedelta(minutes=30))
            return True
    return False


def _open_task(core: Saksflyt, case_id: int, spec_name: str) -> int | None:
    with core.transaction() as session:
        query = select(HumanTask.id).where(HumanTask.case_id == case_id, HumanTask.spec_name == spec_name)
        return session.scalar(query)


def _fill(value: Any, start: date) -> Any:
    if not isinstance(value, str):
        return value
    return _DAY.sub(lambda m: (start + timedelta(days=int(m.group(1)))).isoformat(), value)
