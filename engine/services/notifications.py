"""Reminders before deadlines and escalations after them, as rows and optionally e-mail.

The scheduler sweep calls `run_notifications` after firing timers:

* a **reminder** to the deadline's responsible role when an open deadline is due within the
  lead time (default 3 working days, Norwegian calendar);
* an **escalation** to `leder` when a deadline has passed (status expired or overdue) on a case
  that is still open, and when an open task is past its due date (unless a deadline of the case
  with that due date, open or passed, governs it: that deadline is reminded and escalated).

Each notice is one row, created exactly once: `(kind, subject_key)` is unique and inserts use
ON CONFLICT DO NOTHING, so several scheduler processes can run this at the same time. E-mail is
sent when an SMTP server is configured (SAKSFLYT_SMTP_HOST/PORT/FROM), to the users who hold the
role (for `saksbehandler`: the case's own handler when the case has one). E-mail delivery is at
least once: a crash between sending and committing sends that message again.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

from sqlalchemy import Exists, exists, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from engine.config import Settings
from engine.labels import DEADLINE_STATUS_TEXT
from engine.persistence.models import Case, Deadline, HumanTask, User, UserRole
from engine.persistence.notification_models import Notification
from engine.rules import format_deadline
from engine.rules.planning import add_working_days, subtract_working_days
from engine.services.core import Actor, Saksflyt
from engine.services.deadlines import GOVERNING

log = logging.getLogger(__name__)

_ESCALATED_STATUSES = ("expired", "overdue")


@dataclass(frozen=True)
class NotificationSettings:
    reminder_working_days: int = 3
    escalation_role: str = "leder"
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_from: str = "saksflyt@localhost"
    smtp_timeout_seconds: float = 10.0
    max_email_attempts: int = 5
    email_batch: int = 50

    @property
    def email_enabled(self) -> bool:
        return bool(self.smtp_host)

    @classmethod
    def from_settings(cls, settings: Settings) -> NotificationSettings:
        return cls(
            reminder_working_days=settings.reminder_working_days,
            escalation_role=settings.escalation_role,
            smtp_host=settings.smtp_host,
            smtp_port=settings.smtp_port,
            smtp_from=settings.smtp_from,
        )


@dataclass(frozen=True)
class NotificationResult:
    reminders: int = 0
    escalations: int = 0
    emailed: int = 0
    email_failures: int = 0


@dataclass(frozen=True)
class NotificationView:
    id: int
    kind: str
    role: str
    case_id: int
    case_reference: str
    title: str
    message: str
    due_on: date | None
    created_at: datetime
    email_status: str


def run_notifications(core: Saksflyt, settings: NotificationSettings | None = None) -> NotificationResult:
    """Creates the due reminders and escalations, then e-mails what is pending."""
    settings = settings or NotificationSettings.from_settings(core.settings)
    reminders, escalations = create_notifications(core, settings)
    emailed, failures = send_pending_emails(core, settings) if settings.email_enabled else (0, 0)
    result = NotificationResult(reminders, escalations, emailed, failures)
    if reminders or escalations or emailed or failures:
        log.info("Notifications: %s", result)
    return result


# -- creating ----------------------------------------------------------------------------------
def create_notifications(core: Saksflyt, settings: NotificationSettings) -> tuple[int, int]:
    """Inserts the reminders and escalations that are due today; returns how many were new."""
    today = core.today()
    with core.transaction() as session:
        candidates = [
            *_reminders(session, today, settings),
            *_deadline_escalations(session, settings),
            *_task_escalations(session, today, settings),
        ]
        created = _insert_new(core, session, candidates, settings)
    reminders = sum(1 for c in created if c["kind"] == "reminder")
    return reminders, len(created) - reminders


def _reminders(session: Session, today: date, settings: NotificationSettings) -> Iterable[dict[str, Any]]:
    lead = settings.reminder_working_days
    rows = session.execute(
        select(Deadline, Case)
        .join(Case, Deadline.case_id == Case.id)
        .where(
            Deadline.status == "open",
            Case.status == "open",
            Deadline.responsible_role.is_not(None),
            Deadline.due_on >= today,
            Deadline.due_on <= add_working_days(today, lead),
            ~_notified("reminder", Notification.deadline_id == Deadline.id, Notification.due_on == Deadline.due_on),
        )
    )
    for deadline, case in rows:
        if today < subtract_working_days(deadline.due_on, lead):
            continue
        due = format_deadline(deadline.due_on)
        yield {
            "kind": "reminder",
            "role": deadline.responsible_role,
            "case_id": case.id,
            "deadline_id": deadline.id,
            "subject_key": f"deadline:{deadline.id}:{deadline.due_on.isoformat()}",
            "title": f"Påminnelse: {deadline.label} går ut {due} (sak {case.reference})",
            "message": (
                f"{deadline.label} ({deadline.legal_basis}) i sak {case.reference} «{case.title}» går ut {due}.\n"
                f"Ansvarlig rolle: {deadline.responsible_role}."
            ),
            "due_on": deadline.due_on,
        }


def _deadline_escalations(session: Session, settings: NotificationSettings) -> Iterable[dict[str, Any]]:
    rows = session.execute(
        select(Deadline, Case)
        .join(Case, Deadline.case_id == Case.id)
        .where(
            Deadline.status.in_(_ESCALATED_STATUSES),
            Case.status == "open",
            ~_notified("escalation", Notification.deadline_id == Deadline.id),
        )
    )
    for deadline, case in rows:
        due = format_deadline(deadline.due_on) if deadline.due_on else "–"
        status = DEADLINE_STATUS_TEXT[deadline.status]
        yield {
            "kind": "escalation",
            "role": settings.escalation_role,
            "case_id": case.id,
            "deadline_id": deadline.id,
            "subject_key": f"deadline:{deadline.id}:{deadline.status}",
            "title": f"Frist {status}: {deadline.label} (sak {case.reference})",
            "message": (
                f"{deadline.label} ({deadline.legal_basis}) i sak {case.reference} «{case.title}» "
                f"gikk ut {due} og er {status}.\nAnsvarlig rolle: {deadline.responsible_role or '–'}."
            ),
            "due_on": deadline.due_on,
        }


def _task_escalations(session: Session, today: date, settings: NotificationSettings) -> Iterable[dict[str, Any]]:
    rows = list(
        session.execute(
            select(HumanTask, Case)
            .join(Case, HumanTask.case_id == Case.id)
            .where(
                HumanTask.due_on < today,
                Case.status == "open",
                ~_notified(
                    "escalation", Notification.task_key == HumanTask.task_id, Notification.due_on == HumanTask.due_on
                ),
            )
        )
    )
    if not rows:
        return
    governed = {
        (row[0], row[1])
        for row in session.execute(
            select(Deadline.case_id, Deadline.due_on).where(
                Deadline.status.in_(GOVERNING), Deadline.case_id.in_({case.id for _, case in rows})
            )
        )
    }
    for task, case in rows:
        if (case.id, task.due_on) in governed:
            continue  # the deadline with this due date is escalated itself
        due = format_deadline(task.due_on)
        yield {
            "kind": "escalation",
            "role": settings.escalation_role,
            "case_id": case.id,
            "task_key": task.task_id,
            "subject_key": f"task:{task.task_id}:{task.due_on.isoformat()}",
            "title": f"Oppgave over fristen: {task.title} (sak {case.reference})",
            "message": (
                f"Oppgaven «{task.title}» i sak {case.reference} «{case.title}» skulle vært utført innen {due}.\n"
                f"Ansvarlig rolle: {task.role or '–'}."
            ),
            "due_on": task.due_on,
        }


def _notified(kind: str, *conditions: Any) -> Exists:
    """Whether the notice already exists: the candidate queries only return new ones, so a sweep
    costs in proportion to what is new, not to every passed deadline of every open case."""
    return exists().where(Notification.kind == kind, *conditions)


def _insert_new(
    core: Saksflyt, session: Session, candidates: list[dict[str, Any]], settings: NotificationSettings
) -> list[dict[str, Any]]:
    if not candidates:
        return []
    existing = {
        (row[0], row[1])
        for row in session.execute(
            select(Notification.kind, Notification.subject_key).where(
                Notification.subject_key.in_({c["subject_key"] for c in candidates})
            )
        )
    }
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    created = []
    for candidate in candidates:
        if (candidate["kind"], candidate["subject_key"]) in existing:
            continue
        values = {
            "deadline_id": None,
            "task_key": None,
            **candidate,
            "created_at": core.now(),
            "email_status": "pending" if settings.email_enabled else "disabled",
            "email_attempts": 0,
        }
        # Another scheduler process may insert the same notice at the same moment.
        statement = (
            insert(Notification)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["kind", "subject_key"])
            .returning(Notification.id)
        )
        if session.execute(statement).scalar_one_or_none() is not None:
            created.append(candidate)
    return created


# -- e-mail --------------------------------------------------------------------------------------
def send_pending_emails(core: Saksflyt, settings: NotificationSettings) -> tuple[int, int]:
    """Sends pending notifications; returns (sent, failed attempts). Rows are locked with
    SKIP LOCKED so two scheduler processes do not send the same message."""
    sent = failed = 0
    with core.transaction() as session:
        pending = list(
            session.scalars(
                select(Notification)
                .where(Notification.email_status == "pending")
                .order_by(Notification.id)
                .limit(settings.email_batch)
                .with_for_update(skip_locked=True)
            )
        )
        if not pending:
            return 0, 0
        try:
            smtp = smtplib.SMTP(settings.smtp_host or "", settings.smtp_port, timeout=settings.smtp_timeout_seconds)
        except OSError as error:
            for notification in pending:
                _record_failure(notification, error, settings)
            log.warning("Could not connect to the SMTP server %s:%s: %s", settings.smtp_host, settings.smtp_port, error)
            return 0, len(pending)
        try:
            for notification in pending:
                recipients = _recipients(session, notification)
                if not recipients:
                    notification.email_status = "no_recipients"
                    continue
                try:
                    smtp.send_message(_message(core, notification, recipients, settings))
                except (smtplib.SMTPException, OSError) as error:
                    _record_failure(notification, error, settings)
                    failed += 1
                    continue
                notification.email_attempts += 1
                notification.email_status = "sent"
                notification.email_error = None
                notification.sent_to = ", ".join(recipients)
                notification.sent_at = core.now()
                sent += 1
        finally:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()
    return sent, failed


def _record_failure(notification: Notification, error: Exception, settings: NotificationSettings) -> None:
    notification.email_attempts += 1
    notification.email_error = str(error)[:500] or type(error).__name__
    if notification.email_attempts >= settings.max_email_attempts:
        notification.email_status = "failed"


def _recipients(session: Session, notification: Notification) -> list[str]:
    case = notification.case
    if notification.role == "saksbehandler" and case.handler_id is not None:
        handler = session.get(User, case.handler_id)
        if handler is not None and handler.active and handler.email and "saksbehandler" in handler.role_names:
            return [handler.email]
    return list(
        session.scalars(
            select(User.email)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == notification.role, User.active.is_(True), User.email.is_not(None))
            .order_by(User.email)
            .distinct()
        )
    )


def _message(core: Saksflyt, notification: Notification, recipients: list[str], settings: NotificationSettings) -> Any:
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = ", ".join(recipients)
    message["Subject"] = f"[Saksflyt] {notification.title}"
    message["Date"] = format_datetime(core.now())
    message["Message-ID"] = f"<saksflyt-notification-{notification.id}@{settings.smtp_from.rpartition('@')[2]}>"
    message.set_content(
        f"{notification.message}\n\nDenne meldingen er sendt automatisk av Saksflyt ({core.settings.municipality}).\n"
    )
    return message


# -- reading (web UI) --------------------------------------------------------------------------------
def notifications_for(core: Saksflyt, actor: Actor, limit: int = 50) -> list[NotificationView]:
    """The newest notifications addressed to the actor's roles."""
    with core.transaction() as session:
        rows = session.execute(
            select(Notification, Case.reference)
            .join(Case, Notification.case_id == Case.id)
            .where(Notification.role.in_(actor.roles))
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        )
        return [
            NotificationView(
                id=n.id,
                kind=n.kind,
                role=n.role,
                case_id=n.case_id,
                case_reference=reference,
                title=n.title,
                message=n.message,
                due_on=n.due_on,
                created_at=n.created_at,
                email_status=n.email_status,
            )
            for n, reference in rows
        ]
