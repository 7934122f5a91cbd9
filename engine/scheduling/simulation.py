"""The simulation clock for training and demos: move time forward and watch deadlines pass.

Only in simulation mode (Settings.simulation, SAKSFLYT_SIMULATION=1). The offset is stored in
the `simulation_clock` table, so every process of the installation (`saksflyt run`, `saksflyt
worker`, the CLI) sees the same time: `Saksflyt.create` gives them a `DatabaseOffsetClock`.
Time only moves forward, except for `reset`, which returns to the real date.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from engine.clock import DatabaseOffsetClock
from engine.errors import SimulationDisabled, ValidationFailed
from engine.persistence.notification_models import SIMULATION_ROW_ID, SimulationClock, read_simulation_offset
from engine.services.audit import record
from engine.services.core import Actor, Saksflyt

DISABLED_MESSAGE: Final = (
    "Simuleringsmodus er ikke slått på, så klokka kan ikke flyttes. "
    "Simulert tid er bare for opplæring og demo: start med SAKSFLYT_SIMULATION=1."
)
MAX_ADVANCE: Final = timedelta(days=5 * 366)

_UNITS: Final = {
    "w": "weeks",
    "u": "weeks",
    "d": "days",
    "h": "hours",
    "t": "hours",
    "min": "minutes",
}
_PART = re.compile(r"(\d+)\s*(min|w|u|d|h|t)")


@dataclass(frozen=True)
class ClockState:
    simulation: bool
    offset: timedelta
    now: datetime


def parse_duration(text: str) -> timedelta:
    """A duration such as 3w, 3d, 12h, 90min or 1w2d; Norwegian u (uker) and t (timer) too."""
    compact = text.strip().lower().replace(" ", "")
    parts = _PART.findall(compact)
    if not compact or "".join(n + u for n, u in parts) != compact:
        raise ValidationFailed(
            {"duration": f"Ukjent tidsangivelse «{text}». Bruk for eksempel 3w (uker), 3d (dager) eller 12h (timer)."},
            "Ugyldig tidsangivelse.",
        )
    delta = timedelta()
    for number, unit in parts:
        delta += timedelta(**{_UNITS[unit]: int(number)})
    return delta


def clock_state(core: Saksflyt) -> ClockState:
    offset = read_simulation_offset(core.engine) if core.settings.simulation else timedelta(0)
    return ClockState(core.settings.simulation, offset, core.now())


def advance_clock(core: Saksflyt, delta: timedelta, actor: Actor) -> ClockState:
    """Moves the simulated time forward by `delta` for every process of the installation."""
    _require_simulation(core)
    if delta <= timedelta(0):
        raise ValidationFailed({"duration": "Klokka kan bare flyttes framover."}, "Ugyldig tidsangivelse.")
    if delta > MAX_ADVANCE:
        raise ValidationFailed({"duration": "Klokka kan flyttes høyst fem år om gangen."}, "Ugyldig tidsangivelse.")
    before = core.now()
    _store_offset(core, lambda current: current + delta.total_seconds(), actor)
    with core.transaction() as session:
        record(
            core,
            session,
            None,
            actor,
            "clock_advanced",
            f"Simulert tid flyttet fram {_text(delta)}.",
            {"from": before.isoformat(), "to": core.now().isoformat(), "seconds": delta.total_seconds()},
        )
    return clock_state(core)


def reset_clock(core: Saksflyt, actor: Actor) -> ClockState:
    """Back to the real date and time."""
    _require_simulation(core)
    _store_offset(core, lambda _current: 0.0, actor)
    with core.transaction() as session:
        record(core, session, None, actor, "clock_reset", "Simulert tid satt tilbake til virkelig tid.")
    return clock_state(core)


def set_offset(core: Saksflyt, offset: timedelta) -> None:
    """Stores an exact offset (tests and demo set-ups that start on a fixed date)."""
    _require_simulation(core)
    _store_offset(core, lambda _current: offset.total_seconds())


def _require_simulation(core: Saksflyt) -> None:
    if not core.settings.simulation:
        raise SimulationDisabled(DISABLED_MESSAGE)


def _store_offset(core: Saksflyt, change: Callable[[float], float], actor: Actor | None = None) -> None:
    with core.transaction() as session:
        insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        session.execute(
            insert(SimulationClock)
            .values(id=SIMULATION_ROW_ID, offset_seconds=0.0)
            .on_conflict_do_nothing(index_elements=["id"])
        )
        row = session.scalars(
            select(SimulationClock).where(SimulationClock.id == SIMULATION_ROW_ID).with_for_update()
        ).one()
        row.offset_seconds = change(row.offset_seconds or 0.0)
        row.updated_at = core.now()
        row.updated_by = actor.username if actor else None
    if isinstance(core.clock, DatabaseOffsetClock):
        core.clock.invalidate()


def _text(delta: timedelta) -> str:
    days, seconds = delta.days, delta.seconds
    parts = []
    if days:
        parts.append(f"{days} {'dag' if days == 1 else 'dager'}")
    if seconds // 3600:
        parts.append(f"{seconds // 3600} t")
    if seconds % 3600 // 60:
        parts.append(f"{seconds % 3600 // 60} min")
    return " ".join(parts) or "0 min"
