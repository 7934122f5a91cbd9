"""Reminders before deadlines and escalations after them: rows created once, e-mail to a real
SMTP server (aiosmtpd on 127.0.0.1 in a thread)."""

from __future__ import annotations

import email
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from engine.clock import OSLO, FixedClock
from engine.config import Settings
from engine.persistence.models import HumanTask
from engine.persistence.notification_models import Notification
from engine.scheduling.scheduler import sweep
from engine.services import notifications
from engine.services.cases import CaseRef, register_application
from engine.services.core import Actor, Saksflyt
from engine.services.notifications import NotificationSettings, create_notifications, run_notifications
from engine.services.users import create_user
from tests.integration.conftest import CASE_HANDLER, MANAGER
from tests.integration.helpers import APPLICATION, complete, drive_to_notification

PASSWORD = "hemmelig-passord"


@dataclass
class _Inbox:
    """An aiosmtpd handler that keeps what it receives."""

    messages: list[tuple[str, list[str], EmailMessage]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_sink() -> Iterator[tuple[_Inbox, int]]:
    inbox = _Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


@pytest.fixture
def users(core: Saksflyt) -> dict[str, Actor]:
    made = {}
    for username, roles, mail in [
        ("kari", ["saksbehandler"], "kari@demo.kommune.no"),
        ("per", ["saksbehandler"], "per@demo.kommune.no"),
        ("lise", ["leder"], "lise@demo.kommune.no"),
        ("politi1", ["politi"], "post@politiet.no"),
        ("nav1", ["nav"], None),
    ]:
        user_id = create_user(core, username, username.title(), PASSWORD, roles, mail)
        made[username] = Actor(username, frozenset(roles), user_id)
    return made


def _register_and_request_statements(core: Saksflyt, clock: FixedClock, handler: Actor) -> CaseRef:
    """Statements requested on Thursday 12.03.2026: both deadlines end on 02.04.2026, skjærtorsdag,
    and move to Tuesday 07.04.2026 (domstolloven § 149)."""
    case = register_application(core, handler, APPLICATION)
    clock.set(datetime(2026, 3, 12, 9, 0, tzinfo=OSLO))
    complete(core, CASE_HANDLER, case, {"complete": "ja", "document_weeks": "2"})
    return case


def _notifications(core: Saksflyt) -> list[Notification]:
    with core.transaction() as session:
        return list(session.scalars(select(Notification).order_by(Notification.id)))


NO_EMAIL = NotificationSettings()


def test_reminders_three_working_days_before_across_easter_then_escalation_once(
    core: Saksflyt, clock: FixedClock, users: dict[str, Actor]
) -> None:
    case = _register_and_request_statements(core, clock, users["kari"])

    # Three working days before Tuesday 07.04.2026 is Monday 30.03.2026 (02.04, 03.04, 06.04 are holidays).
    clock.set(datetime(2026, 3, 27, 15, 0, tzinfo=OSLO))
    assert create_notifications(core, NO_EMAIL) == (0, 0)
    clock.set(datetime(2026, 3, 30, 7, 0, tzinfo=OSLO))
    assert create_notifications(core, NO_EMAIL) == (2, 0)
    assert create_notifications(core, NO_EMAIL) == (0, 0)
    clock.set(datetime(2026, 4, 7, 12, 0, tzinfo=OSLO))
    assert create_notifications(core, NO_EMAIL) == (0, 0)  # still the same reminders

    reminders = _notifications(core)
    assert {(n.kind, n.role, n.due_on) for n in reminders} == {
        ("reminder", "politi", date(2026, 4, 7)),
        ("reminder", "nav", date(2026, 4, 7)),
    }
    police = next(n for n in reminders if n.role == "politi")
    assert (
        police.title
        == f"Påminnelse: Frist for uttalelse fra politiet går ut tirsdag 7. april 2026 (sak {case.reference})"
    )
    assert police.case_id == case.id and police.deadline_id is not None and police.email_status == "disabled"

    # The deadlines pass at midnight; the sweep fires the timers, then escalates to leder once.
    clock.set(datetime(2026, 4, 8, 0, 0, 1, tzinfo=OSLO))
    report = sweep(core, NO_EMAIL)
    assert report.timers.timers == 2
    assert (report.notifications.reminders, report.notifications.escalations) == (0, 2)
    assert sweep(core, NO_EMAIL).notifications == notifications.NotificationResult()
    escalations = [n for n in _notifications(core) if n.kind == "escalation"]
    assert {(n.role, n.title) for n in escalations} == {
        ("leder", f"Frist utløpt: Frist for uttalelse fra politiet (sak {case.reference})"),
        ("leder", f"Frist utløpt: Frist for uttalelse fra NAV (sak {case.reference})"),
    }
    assert "gikk ut tirsdag 7. april 2026 og er utløpt" in escalations[0].message

    # An open task past its due date (with no deadline governing it) is escalated once as well.
    with core.transaction() as session:
        session.execute(
            update(HumanTask).where(HumanTask.title == "Purr politiet på uttalelse").values(due_on=date(2026, 4, 9))
        )
    clock.set(datetime(2026, 4, 10, 8, 0, tzinfo=OSLO))
    assert create_notifications(core, NO_EMAIL) == (0, 1)
    assert create_notifications(core, NO_EMAIL) == (0, 0)
    task_escalation = _notifications(core)[-1]
    assert task_escalation.title == f"Oppgave over fristen: Purr politiet på uttalelse (sak {case.reference})"
    assert task_escalation.task_key is not None and task_escalation.deadline_id is None

    # The manager sees them in the web UI's list.
    views = notifications.notifications_for(core, MANAGER)
    assert len(views) == 3 and {v.kind for v in views} == {"escalation"}
    assert views[0].case_reference == case.reference


def test_the_unique_constraint_holds_at_the_database(
    core: Saksflyt, clock: FixedClock, users: dict[str, Actor]
) -> None:
    case = _register_and_request_statements(core, clock, users["kari"])
    row = {
        "kind": "reminder",
        "role": "politi",
        "case_id": case.id,
        "subject_key": "deadline:1:2026-04-07",
        "title": "x",
        "message": "x",
        "created_at": clock.now(),
        "email_status": "disabled",
        "email_attempts": 0,
    }
    with core.transaction() as session:
        session.add(Notification(**row))
    with pytest.raises(IntegrityError), core.transaction() as session:
        session.add(Notification(**row))


def test_concurrent_sweeps_create_each_notice_once(
    core: Saksflyt, clock: FixedClock, users: dict[str, Actor], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both sweeps have read the candidates and found none stored before either inserts."""
    _register_and_request_statements(core, clock, users["kari"])
    clock.set(datetime(2026, 3, 30, 7, 0, tzinfo=OSLO))
    barrier = threading.Barrier(2, timeout=30)
    original = notifications._insert_new

    def insert_together(*args: Any, **kwargs: Any) -> Any:
        barrier.wait()
        return original(*args, **kwargs)

    monkeypatch.setattr(notifications, "_insert_new", insert_together)
    results: list[tuple[int, int]] = []
    threads = [threading.Thread(target=lambda: results.append(create_notifications(core, NO_EMAIL))) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [(0, 0), (2, 0)]
    assert len(_notifications(core)) == 2


def test_email_reaches_the_smtp_server(
    core: Saksflyt, clock: FixedClock, users: dict[str, Actor], smtp_sink: tuple[_Inbox, int]
) -> None:
    inbox, port = smtp_sink
    settings = NotificationSettings(smtp_host="127.0.0.1", smtp_port=port, smtp_from="saksflyt@demo.kommune.no")
    case = _register_and_request_statements(core, clock, users["kari"])
    clock.set(datetime(2026, 3, 30, 7, 0, tzinfo=OSLO))
    result = run_notifications(core, settings)
    assert (result.reminders, result.emailed, result.email_failures) == (2, 1, 0)

    [(sender, recipients, message)] = inbox.messages
    assert sender == "saksflyt@demo.kommune.no" and recipients == ["post@politiet.no"]
    assert message["Subject"] == (
        f"[Saksflyt] Påminnelse: Frist for uttalelse fra politiet går ut tirsdag 7. april 2026 (sak {case.reference})"
    )
    body = message.get_content()
    assert "Frist for uttalelse fra politiet (alkl. § 1-7)" in body and "går ut tirsdag 7. april 2026" in body
    rows = {n.role: n for n in _notifications(core)}
    assert (rows["politi"].email_status, rows["politi"].sent_to) == ("sent", "post@politiet.no")
    assert rows["politi"].sent_at == clock.now()
    assert rows["nav"].email_status == "no_recipients"  # the NAV user has no e-mail address

    assert run_notifications(core, settings).emailed == 0  # nothing is sent twice
    assert len(inbox.messages) == 1

    # Escalations go to every leder.
    clock.set(datetime(2026, 4, 8, 0, 0, 1, tzinfo=OSLO))
    report = sweep(core, settings)
    assert (report.notifications.escalations, report.notifications.emailed) == (2, 2)
    assert [r for _, r, _ in inbox.messages[1:]] == [["lise@demo.kommune.no"], ["lise@demo.kommune.no"]]
    assert {m["Subject"].split(": ", 1)[1].split(" (")[0] for _, _, m in inbox.messages[1:]} == {
        "Frist for uttalelse fra politiet",
        "Frist for uttalelse fra NAV",
    }


def test_a_reminder_to_saksbehandler_goes_to_the_case_handler(
    core: Saksflyt, clock: FixedClock, users: dict[str, Actor], smtp_sink: tuple[_Inbox, int]
) -> None:
    inbox, port = smtp_sink
    settings = NotificationSettings(smtp_host="127.0.0.1", smtp_port=port)
    case = register_application(core, users["per"], APPLICATION)
    drive_to_notification(core, case, notified_on="2026-03-12")  # Klagefrist 07.04.2026 (saksbehandler)
    clock.set(datetime(2026, 3, 30, 7, 0, tzinfo=OSLO))
    assert run_notifications(core, settings).emailed == 1
    [(_, recipients, message)] = inbox.messages
    assert recipients == ["per@demo.kommune.no"]  # not every saksbehandler
    assert "Klagefrist" in message["Subject"]


def test_an_unreachable_smtp_server_is_retried_then_given_up(
    core: Saksflyt, clock: FixedClock, users: dict[str, Actor]
) -> None:
    settings = NotificationSettings(smtp_host="127.0.0.1", smtp_port=_free_port(), max_email_attempts=2)
    _register_and_request_statements(core, clock, users["kari"])
    clock.set(datetime(2026, 3, 30, 7, 0, tzinfo=OSLO))
    first = run_notifications(core, settings)
    assert (first.reminders, first.emailed, first.email_failures) == (2, 0, 2)
    assert {n.email_status for n in _notifications(core)} == {"pending"}
    assert run_notifications(core, settings).email_failures == 2
    rows = _notifications(core)
    assert {(n.email_status, n.email_attempts) for n in rows} == {("failed", 2)}
    assert all(n.email_error for n in rows)
    assert run_notifications(core, settings).email_failures == 0


def test_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAKSFLYT_SMTP_HOST", "smtp.kommune.no")
    monkeypatch.setenv("SAKSFLYT_SMTP_PORT", "2525")
    monkeypatch.setenv("SAKSFLYT_SMTP_FROM", "frister@kommune.no")
    monkeypatch.setenv("SAKSFLYT_REMINDER_WORKING_DAYS", "5")
    settings = NotificationSettings.from_settings(Settings.from_env())
    assert (settings.smtp_host, settings.smtp_port, settings.smtp_from) == (
        "smtp.kommune.no",
        2525,
        "frister@kommune.no",
    )
    assert settings.reminder_working_days == 5 and settings.email_enabled
    monkeypatch.delenv("SAKSFLYT_SMTP_HOST")
    assert not NotificationSettings.from_settings(Settings.from_env()).email_enabled
