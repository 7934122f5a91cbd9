"""The composition root: settings, database, workflow runtime and the one clock."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from engine.clock import Clock, SystemClock, local_today
from engine.config import Settings
from engine.persistence.db import make_engine, make_session_factory, transaction
from engine.workflow.cache import WorkflowCache
from engine.workflow.models import ModelRegistry, default_registry
from engine.workflow.runtime import WorkflowRuntime


@dataclass(frozen=True)
class Actor:
    """Who performs a service call: a logged-in user, an API client or the scheduler."""

    username: str
    roles: frozenset[str] = frozenset()
    user_id: int | None = None

    def has_role(self, role: str | None) -> bool:
        return role is not None and role in self.roles


SCHEDULER = Actor("planlegger")


@dataclass
class Saksflyt:
    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    runtime: WorkflowRuntime
    clock: Clock = field(default_factory=SystemClock)
    workflow_cache: WorkflowCache = field(default_factory=WorkflowCache)

    @classmethod
    def create(
        cls,
        settings: Settings | None = None,
        clock: Clock | None = None,
        registry: ModelRegistry | None = None,
    ) -> Saksflyt:
        settings = settings or Settings.from_env()
        engine = make_engine(settings.database_url)
        if clock is None and settings.simulation:
            # Simulation mode: every process follows the offset stored by `saksflyt clock advance`.
            from engine.persistence.notification_models import database_offset_clock

            clock = database_offset_clock(engine)
        return cls(
            settings=settings,
            engine=engine,
            session_factory=make_session_factory(engine),
            runtime=WorkflowRuntime(registry or default_registry()),
            clock=clock or SystemClock(),
        )

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Session]:
        with transaction(self.session_factory) as session:
            yield session

    def now(self) -> datetime:
        return self.clock.now()

    def today(self) -> date:
        return local_today(self.clock)
