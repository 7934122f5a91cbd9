"""The application procedure through the service layer, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from engine.clock import OSLO, FixedClock
from engine.errors import Conflict, Forbidden, NotFound, ValidationFailed
from engine.persistence.models import AuditEntry, Case, Deadline, HumanTask, Licence, Timer, WorkflowInstance
from engine.services import messages, tasks, timers
from engine.services.cases import register_application
from engine.services.core import Saksflyt
from engine.services.queries import case_overview
from tests.integration.conftest import CASE_HANDLER, COUNCIL, NAV, POLICE
from tests.integration.helpers import NO_OBJECTIONS, complete, drive_to_notification, register, task_id


def _count(core: Saksflyt, model: Any, *where: Any) -> int:
    with core.transaction() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def test_granted_case_runs_to_the_licence_register(core: Saksflyt, clock: FixedClock) -> None:
    case = register(core)
    drive_to_notification(core, case, notified_on="2026-03-12")

    [summary] = case_overview(core)
    assert summary.competent_body == "kommunestyre"
    assert summary.open_tasks == [("Registrer klage", "saksbehandler", date(2026, 4, 7))]
    appeal = next(d for d in summary.deadlines if d.legal_basis == "fvl § 29")
    assert (appeal.due_on, appeal.status, appeal.kind) == (date(2026, 4, 7), "open", "party")

    # The appeal-period timer waits for appeals posted on the last day (fvl § 30).
    clock.set(datetime(2026, 4, 14, 12, 0, tzinfo=OSLO))
    assert timers.fire_due_timers(core).fired == 0
    clock.set(datetime(2026, 4, 15, 0, 0, 1, tzinfo=OSLO))
    assert timers.fire_due_timers(core).fired == 1
    assert timers.fire_due_timers(core).fired == 0  # exactly once

    [summary] = case_overview(core)
    assert summary.status == "closed" and summary.open_tasks == []
    assert {d.label: d.status for d in summary.deadlines} == {
        "Frist for uttalelse fra politiet": "met",
        "Frist for uttalelse fra NAV": "met",
        "Klagefrist": "expired",
    }
    with core.transaction() as session:
        licence = session.scalars(select(Licence)).one()
        assert (licence.valid_until, licence.granted_on) == (date(2028, 9, 30), date(2026, 3, 10))
        assert licence.holder.name == "Fjordkroa AS" and licence.manager_name == "Ola Nordmann"
        assert session.get(Case, case.id).licence_id == licence.id
        actions = list(session.scalars(select(AuditEntry.action).where(AuditEntry.case_id == case.id)))
    assert actions[0] == "case_registered" or "case_registered" in actions
    assert actions.count("task_completed") == 7 and "licence_registered" in actions
    assert _count(core, Timer) == 0 and _count(core, HumanTask) == 0


def test_statement_by_message_and_by_task(core: Saksflyt) -> None:
    case = register(core)
    complete(core, CASE_HANDLER, case, {"complete": "ja", "document_weeks": "2"})
    messages.deliver_message(core, POLICE, case.reference, "police_statement_received", NO_OBJECTIONS)
    with pytest.raises(Forbidden):
        messages.deliver_message(core, POLICE, case.reference, "nav_statement_received", NO_OBJECTIONS)
    with pytest.raises(Conflict):
        messages.deliver_message(core, POLICE, case.reference, "police_statement_received", NO_OBJECTIONS)
    with pytest.raises(NotFound):
        messages.deliver_message(core, NAV, "1999/0001", "nav_statement_received", NO_OBJECTIONS)
    complete(core, NAV, case, NO_OBJECTIONS)
    assert [t.title for t in tasks.ready_tasks(core, CASE_HANDLER)] == ["Vurder søknaden"]


def test_invalid_input_changes_nothing(core: Saksflyt) -> None:
    case = register(core)
    with core.transaction() as session:
        before = session.scalar(select(WorkflowInstance.state))
    audit_before = _count(core, AuditEntry)
    ident = task_id(core, CASE_HANDLER, case)
    with pytest.raises(ValidationFailed) as error:
        tasks.complete_task(core, CASE_HANDLER, ident, {"complete": "kanskje", "document_weeks": "99"})
    assert error.value.errors == {
        "complete": "Velg ja eller nei for «Er søknaden komplett?».",
        "document_weeks": "«Frist for ettersending (uker)» kan være høyst 8.",
    }
    with pytest.raises(ValidationFailed) as error:
        register(core, received_on="31.02.2026", premises="")
    assert set(error.value.errors) == {"received_on", "premises"}
    with core.transaction() as session:
        assert session.scalar(select(WorkflowInstance.state)) == before
    assert _count(core, AuditEntry) == audit_before
    assert task_id(core, CASE_HANDLER, case) == ident


def test_only_the_lane_role_may_complete(core: Saksflyt) -> None:
    case = register(core)
    ident = task_id(core, CASE_HANDLER, case)
    with pytest.raises(Forbidden):
        tasks.complete_task(core, POLICE, ident, {"complete": "ja", "document_weeks": "2"})
    with pytest.raises(Forbidden):
        register_application(core, POLICE, {})


def test_a_completed_task_cannot_be_completed_again(core: Saksflyt) -> None:
    case = register(core)
    ident = task_id(core, CASE_HANDLER, case)
    tasks.complete_task(core, CASE_HANDLER, ident, {"complete": "ja", "document_weeks": "2"})
    with pytest.raises(NotFound):
        tasks.complete_task(core, CASE_HANDLER, ident, {"complete": "ja", "document_weeks": "2"})


def test_concurrent_completion_exactly_one_wins(core: Saksflyt, monkeypatch: pytest.MonkeyPatch) -> None:
    """Both requests read the same workflow version before either writes."""
    case = register(core)
    ident = task_id(core, CASE_HANDLER, case)
    barrier = threading.Barrier(2, timeout=20)
    original = core.runtime.complete_task

    def complete_after_both_loaded(*args: Any, **kwargs: Any) -> None:
        barrier.wait()
        original(*args, **kwargs)

    monkeypatch.setattr(core.runtime, "complete_task", complete_after_both_loaded)
    outcomes: list[str] = []

    def attempt() -> None:
        try:
            tasks.complete_task(core, CASE_HANDLER, ident, {"complete": "ja", "document_weeks": "2"})
            outcomes.append("ok")
        except Conflict as error:
            outcomes.append(error.message)

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["Saken ble endret av noen andre samtidig. Last siden på nytt og prøv igjen.", "ok"]
    assert _count(core, AuditEntry, AuditEntry.action == "task_completed") == 1
    assert {t.title for t in tasks.ready_tasks(core, POLICE)} == {"Gi uttalelse til søknad om bevilling"}


def test_crash_between_firing_and_commit_fires_once_later(
    core: Saksflyt, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = register(core)
    drive_to_notification(core, case)
    clock.set(datetime(2026, 4, 15, 0, 0, 1, tzinfo=OSLO))
    from engine.services import steps

    original = steps.apply_snapshot

    def crash(*args: Any, **kwargs: Any) -> None:
        original(*args, **kwargs)
        raise RuntimeError("power failure before commit")

    monkeypatch.setattr(steps, "apply_snapshot", crash)
    assert timers.fire_due_timers(core).errors == 1
    assert _count(core, Timer) == 1 and _count(core, Licence) == 0
    monkeypatch.setattr(steps, "apply_snapshot", original)
    assert timers.fire_due_timers(core).fired == 1
    assert timers.fire_due_timers(core).fired == 0
    assert _count(core, Licence) == 1
    assert _count(core, AuditEntry, AuditEntry.action == "timer_fired") == 1


def test_statement_deadline_passes_and_the_case_handler_is_reminded(core: Saksflyt, clock: FixedClock) -> None:
    case = register(core)
    complete(core, CASE_HANDLER, case, {"complete": "ja", "document_weeks": "2"})
    complete(core, NAV, case, NO_OBJECTIONS)
    clock.set(datetime(2026, 3, 24, 0, 0, 1, tzinfo=OSLO))  # police deadline was 23.03.2026
    assert timers.fire_due_timers(core).fired == 1
    assert tasks.ready_tasks(core, POLICE) == []
    assert [t.title for t in tasks.ready_tasks(core, CASE_HANDLER)] == ["Purr politiet på uttalelse"]
    with core.transaction() as session:
        deadline = session.scalars(select(Deadline).where(Deadline.label == "Frist for uttalelse fra politiet")).one()
        assert deadline.status == "expired"
    complete(core, CASE_HANDLER, case, {"reminded_on": "2026-03-24", "extra_weeks": "1"})
    [police_task] = tasks.ready_tasks(core, POLICE)
    assert police_task.due_on == date(2026, 3, 31)


def test_the_decision_goes_to_the_delegated_body(core: Saksflyt) -> None:
    from tests.integration.conftest import EXECUTIVE, MANAGER

    for application_type, actor in [("alminnelig", COUNCIL), ("flytting", EXECUTIVE), ("ambulerende", MANAGER)]:
        case = register(core, application_type=application_type, org_number=None)
        complete(core, CASE_HANDLER, case, {"complete": "ja", "document_weeks": "2"})
        complete(core, POLICE, case, NO_OBJECTIONS)
        complete(core, NAV, case, NO_OBJECTIONS)
        complete(core, CASE_HANDLER, case, {"adverse": "nei", "assessment_notes": "-"})
        complete(core, CASE_HANDLER, case, {"recommended_outcome": "innvilget", "grounds": "-"})
        assert [t.case_id for t in tasks.ready_tasks(core, actor)] == [case.id], application_type
        complete(core, actor, case, {"decision_outcome": "avslatt", "decision_text": "-", "decided_on": "2026-03-10"})


def test_a_second_process_writing_the_case_is_never_hidden_by_the_cache(core: Saksflyt, clock: FixedClock) -> None:
    """Two cores on one database stand for two web processes, each with its own cache."""
    other = Saksflyt.create(core.settings, clock=clock)
    case = register(core)
    complete(core, CASE_HANDLER, case, {"complete": "ja", "document_weeks": "2"})  # core caches version 2
    complete(other, POLICE, case, NO_OBJECTIONS)  # version 3, written by the other process
    complete(core, NAV, case, NO_OBJECTIONS)  # core must load version 3, not use its version 2
    assert [t.title for t in tasks.ready_tasks(core, CASE_HANDLER)] == ["Vurder søknaden"]
    with core.transaction() as session:
        state = session.scalar(select(WorkflowInstance.state))
    assert "police_statement" in state and "nav_statement" in state
    other.engine.dispose()


def test_a_task_and_its_letter_are_stored_together_or_not_at_all(
    core: Saksflyt, monkeypatch: pytest.MonkeyPatch
) -> None:
    from engine.persistence.document_models import Document
    from engine.services import document_store

    case = register(core)
    letter = document_store.letter_document(
        letter="vedtak", title="Vedtak", filename="vedtak.pdf", pdf=b"%PDF-1.4 demo", task_spec="x"
    )
    ident = task_id(core, CASE_HANDLER, case)
    values = {"complete": "ja", "document_weeks": "2"}

    def disk_full(*_args: Any, **_kwargs: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(document_store, "store", disk_full)
    with pytest.raises(OSError):
        tasks.complete_task(core, CASE_HANDLER, ident, values, [letter])
    assert task_id(core, CASE_HANDLER, case) == ident  # the task is still open
    assert _count(core, AuditEntry, AuditEntry.action == "task_completed") == 0
    monkeypatch.undo()

    tasks.complete_task(core, CASE_HANDLER, ident, values, [letter])
    assert _count(core, Document, Document.case_id == case.id) == 1
    with pytest.raises(NotFound):
        tasks.complete_task(core, CASE_HANDLER, ident, values, [letter])
    assert _count(core, Document, Document.case_id == case.id) == 1
