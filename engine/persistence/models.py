"""The tables. Workflow state is one JSON document per case; open tasks, timers and deadlines
are indexed projections of it, rewritten in the same transaction as the state."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.persistence.counters import Counter  # noqa: F401  (registers the table)
from engine.persistence.db import Base, UTCDateTime

ROLES = (
    "saksbehandler",
    "leder",
    "kontrollor",
    "politi",
    "nav",
    "formannskap",
    "kommunestyre",
    "admin",
)


class User(Base):
    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    roles: Mapped[list[UserRole]] = relationship(back_populates="user", cascade="all, delete-orphan", lazy="selectin")

    @property
    def role_names(self) -> frozenset[str]:
        return frozenset(r.role for r in self.roles)


class UserRole(Base):
    __tablename__ = "user_role"

    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(40), primary_key=True)
    user: Mapped[User] = relationship(back_populates="roles")


class Party(Base):
    """An applicant or licensee (usually a company, identified by its organisasjonsnummer)."""

    __tablename__ = "party"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    org_number: Mapped[str | None] = mapped_column(String(20), unique=True)
    address: Mapped[str | None] = mapped_column(String(300))
    email: Mapped[str | None] = mapped_column(String(200))


class Licence(Base):
    """An entry in the licence register (alkl. § 1-6; alkf. kap. 13)."""

    __tablename__ = "licence"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    premises: Mapped[str] = mapped_column(String(300))
    licence_kind: Mapped[str] = mapped_column(String(40))  # skjenkebevilling / salgsbevilling
    groups: Mapped[str] = mapped_column(String(20), default="1,2")
    hours: Mapped[str | None] = mapped_column(String(200))
    conditions: Mapped[str | None] = mapped_column(Text)
    manager_name: Mapped[str | None] = mapped_column(String(200))
    deputy_name: Mapped[str | None] = mapped_column(String(200))
    granted_on: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="aktiv")
    holder: Mapped[Party] = relationship(lazy="joined")


class Case(Base):
    __tablename__ = "case_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # application / sanction
    process_id: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    licence_id: Mapped[int | None] = mapped_column(ForeignKey("licence.id"), index=True)
    application_type: Mapped[str | None] = mapped_column(String(40))
    competent_body: Mapped[str | None] = mapped_column(String(40), index=True)
    outcome: Mapped[str | None] = mapped_column(String(40))
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), index=True)
    # The case's data as last seen by its workflow; loaded only where it is shown.
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, deferred=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    party: Mapped[Party] = relationship(lazy="joined")
    licence: Mapped[Licence | None] = relationship(lazy="joined")
    handler: Mapped[User | None] = relationship()


class WorkflowInstance(Base):
    """The serialized SpiffWorkflow state of one case; `version` guards concurrent writers."""

    __tablename__ = "workflow_instance"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), unique=True)
    process_id: Mapped[str] = mapped_column(String(80))
    model_digest: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(Text)
    completed: Mapped[bool] = mapped_column(Boolean, default=False)
    awaited_messages: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __mapper_args__ = {"version_id_col": version}


class HumanTask(Base):
    """A READY user task waiting for a person with the lane's role."""

    __tablename__ = "human_task"
    # Never reuse the id of a finished task: a stale form must not hit a newer task.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    task_id: Mapped[str] = mapped_column(String(36), unique=True)
    spec_name: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(300))
    role: Mapped[str | None] = mapped_column(String(40), index=True)
    form: Mapped[str | None] = mapped_column(String(80))
    instructions: Mapped[str | None] = mapped_column(Text)
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    case: Mapped[Case] = relationship()
    assignee: Mapped[User | None] = relationship()


class Timer(Base):
    """A waiting BPMN timer; the scheduler finds due ones through the `due_at` index."""

    __tablename__ = "timer"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    task_id: Mapped[str] = mapped_column(String(36), unique=True)
    spec_name: Mapped[str] = mapped_column(String(80))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class Deadline(Base):
    """A statutory or internal deadline of a case, with its legal basis and status."""

    __tablename__ = "deadline"
    __table_args__ = (UniqueConstraint("case_id", "timer_task_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    timer_task_id: Mapped[str] = mapped_column(String(36))
    label: Mapped[str] = mapped_column(String(200))
    legal_basis: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))  # party / internal
    responsible_role: Mapped[str | None] = mapped_column(String(40), index=True)
    start_on: Mapped[date | None] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    # open / met / expired (a party deadline ran out) / overdue (an internal one was missed) / cancelled
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    case: Mapped[Case] = relationship()


class AuditEntry(Base):
    """Append-only: rows are never updated or deleted."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_file.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(60))
    summary: Mapped[str] = mapped_column(String(500))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


Index("ix_human_task_role_due", HumanTask.role, HumanTask.due_on)
Index("ix_case_file_kind_closed_at", Case.kind, Case.closed_at)  # processing time of decided cases
Index("ix_deadline_status_due_on", Deadline.status, Deadline.due_on)  # the managers' deadline lists


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _audit_is_append_only(*_args: Any) -> None:
    raise RuntimeError("The audit log is append-only")


from engine.persistence import notification_models, sanction_models  # noqa: E402, F401

# isort: split
from engine.persistence import document_models  # noqa: E402, F401
