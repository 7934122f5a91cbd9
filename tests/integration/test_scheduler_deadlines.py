"""The managers' deadline lists and the expected decision date, across Easter 2026."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

import pytest
from sqlalchemy import update

from engine.clock import OSLO, FixedClock
from engine.persistence.models import HumanTask
from engine.services import deadlines, timers
from engine.services.cases import CaseRef, register_application
from engine.services.core import Actor, Saksflyt
from engine.services.users import create_user
from tests.integration.conftest import CASE_HANDLER, POLICE
from tests.integration.helpers import APPLICATION, NO_OBJECTIONS, complete, register

EASTER_DUE = date(2026, 4, 7)  # 3 weeks from Thursday 12.03.2026 = 02.04 (skjærtorsdag) → Tuesday 07.04


@pytest.fixture
def handler(core: Saksflyt) -> Actor:
    user_id = create_user(core, "kari", "Kari Saksbehandler", "hemmelig-passord", ["saksbehandler"])
    return Actor("kari", frozenset({"saksbehandler"}), user_id)


def _statements_requested_before_easter(core: Saksflyt, clock: FixedClock, actor: Actor, **overrides: str) -> CaseRef:
    case = register_application(core, actor, {**APPLICATION, "org_number": None, **overrides})
    clock.set(datetime(2026, 3, 12, 9, 0, tzinfo=OSLO))
    complete(core, CASE_HANDLER, case, {"complete": "ja", "document_weeks": "2"})
    return case


def _labels(items: list[deadlines.DeadlineItem]) -> list[tuple[str, str, date | None, str, bool]]:
    return [(i.case_reference, i.label, i.due_on, i.status, i.overdue) for i in items]


def test_overdue_across_easter(core: Saksflyt, clock: FixedClock, handler: Actor) -> None:
    case = _statements_requested_before_easter(core, clock, handler)
    police = (case.reference, "Frist for uttalelse fra politiet", EASTER_DUE)
    nav = (case.reference, "Frist for uttalelse fra NAV", EASTER_DUE)

    # Langfredag 03.04.2026: the unrolled deadline (02.04) has passed, the real one has not.
    clock.set(datetime(2026, 4, 3, 12, 0, tzinfo=OSLO))
    assert deadlines.overdue(core) == []
    assert deadlines.due_this_week(core) == []  # week 30.03–05.04
    # 2. påskedag, Monday 06.04.2026: due this week, not overdue.
    clock.set(datetime(2026, 4, 6, 12, 0, tzinfo=OSLO))
    assert [i[:3] for i in _labels(deadlines.due_this_week(core))] == sorted([nav, police], key=lambda x: x[1])
    assert deadlines.overdue(core) == []
    clock.set(datetime(2026, 4, 7, 23, 59, 59, tzinfo=OSLO))
    assert deadlines.overdue(core) == []

    # Midnight: passed, even before the scheduler has fired the timers.
    clock.set(datetime(2026, 4, 8, 0, 0, 1, tzinfo=OSLO))
    assert {(*i[:3], i[3], i[4]) for i in _labels(deadlines.overdue(core))} == {
        (*police, "open", True),
        (*nav, "open", True),
    }
    assert timers.fire_due_timers(core).timers == 2
    items = deadlines.overdue(core)
    assert {(*i[:3], i[3], i[4]) for i in _labels(items)} == {(*police, "expired", True), (*nav, "expired", True)}
    item = next(i for i in items if i.role == "politi")
    assert (item.legal_basis, item.kind, item.competent_body, item.handler) == (
        "alkl. § 1-7",
        "party",
        "kommunestyre",
        "Kari Saksbehandler",
    )

    # A task due on the day of a passed deadline of its case is covered by that deadline ...
    with core.transaction() as session:
        session.execute(
            update(HumanTask).where(HumanTask.title == "Purr politiet på uttalelse").values(due_on=EASTER_DUE)
        )
    assert [i.kind for i in deadlines.overdue(core)] == ["party", "party"]
    # ... any other open task past its due date is listed too.
    with core.transaction() as session:
        session.execute(
            update(HumanTask).where(HumanTask.title == "Purr politiet på uttalelse").values(due_on=date(2026, 4, 8))
        )
    clock.set(datetime(2026, 4, 9, 9, 0, tzinfo=OSLO))
    tasks = [i for i in deadlines.overdue(core) if i.kind == "task"]
    assert [(t.label, t.role, t.due_on, t.overdue) for t in tasks] == [
        ("Purr politiet på uttalelse", "saksbehandler", date(2026, 4, 8), True)
    ]
    assert len(deadlines.overdue(core, include_tasks=False)) == 2


def test_the_appeal_deadline_is_not_overdue_while_late_appeals_may_arrive(core: Saksflyt, clock: FixedClock) -> None:
    """The appeal period's timer waits for appeals posted on the last day (fvl § 30)."""
    from tests.integration.helpers import drive_to_notification

    case = register(core)
    drive_to_notification(core, case, notified_on="2026-03-12")
    clock.set(datetime(2026, 4, 10, 9, 0, tzinfo=OSLO))
    [appeal] = deadlines.for_role(core, "saksbehandler")
    assert (appeal.label, appeal.due_on, appeal.overdue) == ("Klagefrist", EASTER_DUE, False)
    assert deadlines.overdue(core) == []


def test_lists_by_role_body_and_handler(core: Saksflyt, clock: FixedClock, handler: Actor) -> None:
    council = _statements_requested_before_easter(core, clock, handler)
    clock.set(datetime(2026, 3, 2, 9, 0, tzinfo=OSLO))
    moving = register(core, application_type="flytting", org_number=None)  # formannskap, no handler user
    complete(core, CASE_HANDLER, moving, {"complete": "ja", "document_weeks": "2"})
    complete(core, POLICE, moving, NO_OBJECTIONS)

    assert [(i.case_reference, i.due_on) for i in deadlines.for_role(core, "politi")] == [
        (council.reference, EASTER_DUE)
    ]
    assert [(i.case_reference, i.due_on) for i in deadlines.for_role(core, "nav")] == [
        (moving.reference, date(2026, 3, 23)),
        (council.reference, EASTER_DUE),
    ]
    assert {i.case_reference for i in deadlines.for_body(core, "formannskap")} == {moving.reference}
    assert len(deadlines.for_body(core, "kommunestyre")) == 2
    assert {i.case_reference for i in deadlines.for_handler(core, handler.user_id or 0)} == {council.reference}
    assert [i.status for i in deadlines.for_role(core, "politi", statuses=("met",))] == ["met"]

    by_role = deadlines.grouped_by_role(core)
    assert {role: len(items) for role, items in by_role.items()} == {"politi": 1, "nav": 2}
    assert set(deadlines.grouped_by_body(core)) == {"kommunestyre", "formannskap"}
    assert set(deadlines.grouped_by_handler(core)) == {"Kari Saksbehandler", None}


def test_expected_decision_date(core: Saksflyt, clock: FixedClock, handler: Actor) -> None:
    # Received 02.03.2026, the statements may come until 07.04.2026, so the recommendation can be ready
    # on 08.04.2026: the kommunestyre meets 07.05.2026 (documents by 23.04.2026); the target
    # (3 months: 02.06.2026) is later, and the decision is expected by then.
    case = _statements_requested_before_easter(core, clock, handler)
    plan = deadlines.expected_decision(core, case.id)
    assert plan is not None
    assert (plan.body, plan.received_on, plan.ready_on) == ("kommunestyre", date(2026, 3, 2), date(2026, 4, 8))
    assert (plan.meeting_on, plan.document_deadline) == (date(2026, 5, 7), date(2026, 4, 23))
    assert (plan.target_on, plan.expected_on, plan.beyond_target) == (date(2026, 6, 2), date(2026, 6, 2), False)

    # Received in June: the statements run past the June meeting's document deadline and there are
    # no meetings July–September, so the decision is expected at the October meeting.
    clock.set(datetime(2026, 6, 1, 9, 0, tzinfo=OSLO))
    late = register_application(core, handler, {**APPLICATION, "org_number": None, "received_on": "2026-06-01"})
    complete(core, CASE_HANDLER, late, {"complete": "ja", "document_weeks": "2"})
    plan = deadlines.expected_decision(core, late.id)
    assert plan is not None
    assert (plan.target_on, plan.ready_on) == (date(2026, 9, 1), date(2026, 6, 23))
    assert (plan.meeting_on, plan.expected_on, plan.beyond_target) == (date(2026, 10, 15), date(2026, 10, 15), True)

    # No competent body before the completeness check; none once decided.
    fresh = register(core, org_number=None)
    assert deadlines.expected_decision(core, fresh.id) is None


def test_expected_decision_uses_the_configured_files(
    core: Saksflyt, clock: FixedClock, handler: Actor, tmp_path: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    targets = tmp_path / "targets.json"  # type: ignore[operator]
    targets.write_text('{"targets": {"kommunestyre": "4m"}}')
    plan_file = tmp_path / "plan.json"  # type: ignore[operator]
    plan_file.write_text('{"bodies": {}}')
    configured = dataclasses.replace(core.settings, processing_targets_file=targets, meeting_plan_file=plan_file)
    monkeypatch.setattr(core, "settings", configured)
    case = _statements_requested_before_easter(core, clock, handler)
    plan = deadlines.expected_decision(core, case.id)
    assert plan is not None and plan.meeting_on is None
    assert plan.target_on == plan.expected_on == date(2026, 7, 2)
