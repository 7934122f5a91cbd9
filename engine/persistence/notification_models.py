"""Tables for deadline reminders and escalations, and the simulation clock's offset.

Imported at the end of engine/persistence/models.py so that `Base.metadata` knows them.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import (
    Date,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.clock import DatabaseOffsetClock
from engine.persistence.db import Base, UTCDateTime
from engine.persistence.models import Case, Deadline

NOTIFICATION_KINDS = ("reminder", "escalation")


class Notification(Base):
    """A reminder before a deadline or an escalation after one, to a role.

    Created by the scheduler sweep; `(kind, subject_key)` is unique, so each reminder and each
    escalation exists exactly once even with several scheduler processes. The subject key names
    what the notice is about and its due date ("deadline:17:2026-04-07", "task:<uuid>:2026-04-07"):
    a deadline that is moved gets a new reminder. `email_status` is pending / sent / failed /
    no_recipients / disabled (no SMTP server configured).
    """

    __tablename__ = "notification"
    __table_args__ = (UniqueConstraint("kind", "subject_key", name="uq_notification_kind_subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # reminder / escalation
    role: Mapped[str] = mapped_column(String(40), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    deadline_id: Mapped[int | None] = mapped_column(ForeignKey("deadline.id"), index=True)
    task_key: Mapped[str | None] = mapped_column(String(36), index=True)
    subject_key: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(300))
    message: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    email_status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    email_attempts: Mapped[int] = mapped_column(Integer, default=0)
    email_error: Mapped[str | None] = mapped_column(String(500))
    sent_to: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    case: Mapped[Case] = relationship()
    deadline: Mapped[Deadline | None] = relationship()


Index("ix_notification_role_created", Notification.role, Notification.created_at)


class SimulationClock(Base):
    """One row (id 1): how far the simulation clock runs ahead of the system clock (seconds).

    Only used when simulation mode is on (training and demos); every process of the deployment
    reads it, so `saksflyt clock advance` moves the clock of a running web server and worker.
    """

    __tablename__ = "simulation_clock"

    id: Mapped[int] = mapped_column(primary_key=True)
    offset_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_by: Mapped[str | None] = mapped_column(String(80))


SIMULATION_ROW_ID = 1


def read_simulation_offset(engine: Engine) -> timedelta:
    """The stored offset (zero when none is stored). Database errors propagate: the clock
    keeps its last known offset rather than jumping back to real time."""
    with engine.connect() as connection:
        seconds = connection.scalar(
            select(SimulationClock.offset_seconds).where(SimulationClock.id == SIMULATION_ROW_ID)
        )
    return timedelta(seconds=seconds or 0.0)


def database_offset_clock(engine: Engine) -> DatabaseOffsetClock:
    """The simulation-mode clock: system time plus the offset stored in this database."""
    return DatabaseOffsetClock(lambda: read_simulation_offset(engine))
