"""Demo data: a municipality's users for every role and applications at different stages.

Every case is driven through the real service layer. A case that started weeks ago is
driven on a clock set back to that day, so its deadlines and history are realistic; the
scheduler then catches up with whatever fell due since.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from engine.clock import FixedClock, local_today
from engine.config import FIXTURES_DIR
from engine.fixtures_sanctions import load_sanction_demo
from engine.persistence.models import User
from engine.services import tasks
from engine.services.cases import register_application
from engine.services.core import Actor, Saksflyt
from engine.services.timers import fire_due_timers
from engine.services.users import create_user


def load_demo(core: Saksflyt, path: Path = FIXTURES_DIR / "demo.json") -> str:
    demo = json.loads(path.read_text(encoding="utf-8"))
    with core.transaction() as session:
        if session.scalar(select(func.count(User.id))):
            return "Demodata er allerede lastet."
    actors = {user["username"]: _create(core, user, demo["password"]) for user in demo["users"]}
    by_role = _first_actor_per_role(actors)
    for application in demo["applications"]:
        _drive(core, application, by_role)
    sanction_summary = load_sanction_demo(core)
    fired = fire_due_timers(core, limit=1000).fired
    return (
        f"Lastet {len(actors)} brukere og {len(demo['applications'])} søknader; {sanction_summary}; "
        f"{fired} frister er passert. Passord for alle demobrukere: {demo['password']}"
    )


def _create(core: Saksflyt, user: dict[str, Any], password: str) -> Actor:
    user_id = create_user(core, user["username"], user["full_name"], password, user["roles"], user.get("email"))
    return Actor(user["username"], frozenset(user["roles"]), user_id)


def _first_actor_per_role(actors: dict[str, Actor]) -> dict[str, Actor]:
    by_role: dict[str, Actor] = {}
    for actor in actors.values():
        for role in sorted(actor.roles):
            by_role.setdefault(role, actor)
    return by_role


def _drive(core: Saksflyt, application: dict[str, Any], by_role: dict[str, Actor]) -> None:
    """Registers the application `days_ago` days back and completes its steps that day."""
    started = core.now() - timedelta(days=application["days_ago"])
    past = replace(core, clock=FixedClock(started))
    today = local_today(past.clock).isoformat()
    values = {**application["application"], "received_on": today}
    case = register_application(past, by_role["saksbehandler"], values)
    for step in application["steps"]:
        actor = by_role[step["role"]]
        [task] = [t for t in tasks.ready_tasks(past, actor) if t.case_id == case.id]
        filled = {k: (today if v == "{today}" else v) for k, v in step["values"].items()}
        tasks.complete_task(past, actor, task.id, filled)
        past.clock.advance(timedelta(hours=2))  # type: ignore[attr-defined]
