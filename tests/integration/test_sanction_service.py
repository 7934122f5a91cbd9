"""The sanction procedure through the service layer, on SQLite and PostgreSQL.

Control reports start `sanction` cases; the process events store the point awards; the next case
of the same licence sees them through the context provider; a suspension consumes them and
the licence shows as suspended in the suspension period; a transfer of ownership starts a new
point period.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import select

from engine.cli import main as cli_main
from engine.clock import OSLO, FixedClock, SystemClock, local_today
from engine.errors import Forbidden, NotFound, ValidationFailed
from engine.fixtures_sanctions import load_sanction_demo
from engine.persistence.models import AuditEntry, Case, Deadline, HumanTask, Licence, Party
from engine.persistence.sanction_models import OwnershipTransfer, PointAward, Suspension
from engine.rules import party_deadline
from engine.services import messages, sanctions, tasks, timers
from engine.services.cases import CaseRef
from engine.services.core import Actor, Saksflyt
from tests.integration.conftest import CASE_HANDLER, MANAGER, POLICE

CONTROLLER = Actor("kontroll1", frozenset({"kontrollor"}))
ADMIN = Actor("admin1", frozenset({"admin"}))
LICENCE = "B-2025-007"


# -- helpers ----------------------------------------------------------------------------------------
def at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=OSLO)


def just_after(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0, 1), tzinfo=OSLO)


@pytest.fixture
def licence(core: Saksflyt) -> str:
    with core.transaction() as session:
        holder = Party(name="Bryggeloftet AS", org_number="912345678")
        session.add(holder)
        session.flush()
        session.add(
            Licence(
                number=LICENCE,
                holder_id=holder.id,
                premises="Bryggeloftet, Havnegata 3",
                licence_kind="skjenkebevilling",
                groups="1,2,3",
                granted_on=date(2025, 1, 10),
                valid_until=date(2028, 9, 30),
            )
        )
    return LICENCE


def report(core: Saksflyt, control: date, codes: str, licence_number: str = LICENCE, **extra: Any) -> CaseRef:
    raw = {
        "licence_number": licence_number,
        "control_date": control.isoformat(),
        "control_kind": "apen",
        "controller_1": "Kari Kontroll",
        "controller_2": "Per Kontroll",
        "observations": "Observasjoner fra kontrollen.",
        "violation_codes": codes,
    }
    return sanctions.register_control_report(core, CONTROLLER, raw | extra)


def do(core: Saksflyt, actor: Actor, case: CaseRef, spec_name: str, values: dict[str, Any]) -> None:
    with core.transaction() as session:
        task_id = session.scalar(
            select(HumanTask.id).where(HumanTask.case_id == case.id, HumanTask.spec_name == spec_name)
        )
        open_tasks = list(session.scalars(select(HumanTask.spec_name).where(HumanTask.case_id == case.id)))
    assert task_id is not None, f"{spec_name} is not open; open: {open_tasks}"
    tasks.complete_task(core, actor, task_id, values)


def open_tasks(core: Saksflyt, case: CaseRef) -> set[str]:
    with core.transaction() as session:
        return set(session.scalars(select(HumanTask.spec_name).where(HumanTask.case_id == case.id)))


def advance(core: Saksflyt, clock: FixedClock, instant: datetime) -> int:
    clock.set(instant)
    return timers.fire_due_timers(core).fired


def case_row(core: Saksflyt, case: CaseRef) -> SimpleNamespace:
    with core.transaction() as session:
        row = session.get(Case, case.id)
        assert row is not None
        return SimpleNamespace(
            kind=row.kind,
            process_id=row.process_id,
            status=row.status,
            competent_body=row.competent_body,
            party_id=row.party_id,
            details=dict(row.details),
        )


def awards(core: Saksflyt) -> list[PointAward]:
    with core.transaction() as session:
        return list(session.scalars(select(PointAward).order_by(PointAward.key)))


ASSESSED = {"points_basis": "ja", "assessment_notes": "Godtgjort.", "adjust": "nei"}


def points_decided(on: date | str) -> dict[str, Any]:
    return {"decision_outcome": "prikker", "decision_text": "Bevillingshaver tildeles prikker.", "decided_on": on}


def points_8_point(core: Saksflyt, clock: FixedClock, case: CaseRef, sent: date, decided: date) -> None:
    """8-point rules: report sent `sent`, the comment period runs out, points decided and oriented."""
    advance(core, clock, at(sent))
    do(core, CASE_HANDLER, case, "send_report", {"report_sent_on": sent, "report_reached_on": sent})
    assert advance(core, clock, just_after(party_deadline(sent, 2))) == 1
    advance(core, clock, at(decided))
    do(core, CASE_HANDLER, case, "assess_points", ASSESSED)
    do(core, MANAGER, case, "decide_points", points_decided(decided))
    do(core, CASE_HANDLER, case, "send_point_orientation", {"oriented_on": decided, "orientation_text": "Prikkene."})


# -- 1. control report → points → the next case sees them → suspension --------------------------------
def test_points_of_one_case_lead_to_a_suspension_in_the_next(core: Saksflyt, clock: FixedClock, licence: str) -> None:
    clock.set(at(date(2026, 1, 12)))
    first = report(core, date(2026, 1, 9), "skjenketid")
    row = case_row(core, first)
    assert (row.kind, row.process_id, row.status) == ("sanction", "sanction", "open")
    assert row.details["rule_set"]["label"] == "8-point v1"
    assert row.details["control_violations"][0]["points"] == 4
    assert open_tasks(core, first) == {"send_report"}
    with core.transaction() as session:
        [deadline] = session.scalars(select(Deadline).where(Deadline.case_id == first.id))
        assert (deadline.label, deadline.kind, deadline.due_on) == (
            "Frist for å sende kontrollrapporten",
            "internal",
            date(2026, 1, 16),
        )

    points_8_point(core, clock, first, sent=date(2026, 1, 12), decided=date(2026, 1, 28))
    assert case_row(core, first).status == "closed"  # 4 < 8: no suspension
    [stored] = awards(core)
    assert (stored.key, stored.code, stored.points, stored.violation_date, stored.decided_on, stored.rule_set) == (
        f"{first.reference}-1",
        "skjenketid",
        4,
        date(2026, 1, 9),
        date(2026, 1, 28),
        "8-point v1",
    )
    history = sanctions.point_history(core, licence)
    assert (history.total, history.points_remaining, history.threshold_reached) == (4, 4, False)

    # The second control: the case starts with the first case's points in its history.
    clock.set(at(date(2026, 2, 2)))
    second = report(core, date(2026, 1, 30), "apenbart_pavirket_skjenking")
    assert [a["key"] for a in case_row(core, second).details["point_history"]] == [f"{first.reference}-1"]
    advance(core, clock, at(date(2026, 2, 2), 10))
    do(core, CASE_HANDLER, second, "send_report", {"report_sent_on": "02.02.2026", "report_reached_on": "03.02.2026"})
    advance(core, clock, at(date(2026, 2, 5)))
    comments = {"received_on": "05.02.2026", "response_text": "Vi beklager."}
    messages.deliver_message(core, CASE_HANDLER, second.reference, "control_report_comments", comments)
    do(core, CASE_HANDLER, second, "assess_points", ASSESSED)
    do(core, MANAGER, second, "decide_points", points_decided("05.02.2026"))
    do(core, CASE_HANDLER, second, "send_point_orientation", {"oriented_on": "05.02.2026", "orientation_text": "8."})
    details = case_row(core, second).details
    assert details["point_count"]["total"] == 8
    assert [a["key"] for a in details["suspension_basis"]] == [f"{first.reference}-1", f"{second.reference}-1"]
    assert open_tasks(core, second) == {"send_suspension_notice"}

    do(
        core,
        CASE_HANDLER,
        second,
        "send_suspension_notice",
        {
            "suspension_notice_text": "Grunnlaget er ...",
            "suspension_notice_reached_on": "09.02.2026",
            "suspension_response_weeks": "3",
        },
    )
    assert advance(core, clock, just_after(date(2026, 3, 2))) == 1  # three weeks, default
    recommendation = {"use_standard_days": "ja", "recommendation_grounds": "Terskelen er nådd."}
    do(core, CASE_HANDLER, second, "recommend_suspension", recommendation)
    assert case_row(core, second).competent_body == "leder"
    advance(core, clock, at(date(2026, 3, 4)))
    do(
        core,
        MANAGER,
        second,
        "decide_suspension_leder",
        {"decision_outcome": "inndragning", "decision_text": "Inndras i sju dager.", "decided_on": "04.03.2026"},
    )
    with core.transaction() as session:
        suspension = session.scalars(select(Suspension)).one()
        assert (suspension.days, suspension.decided_on, suspension.implementation_deadline) == (
            7,
            date(2026, 3, 4),
            date(2026, 4, 1),
        )
        assert (suspension.starts_on, suspension.ends_on) == (None, None)
    assert {a.consumed_by_case_id for a in awards(core)} == {second.id}

    do(core, CASE_HANDLER, second, "notify_suspension", {"notified_on": "05.03.2026"})
    assert open_tasks(core, second) == {"await_suspension_appeal", "plan_implementation"}
    assert case_row(core, second).details["warnings"] == []
    do(core, CASE_HANDLER, second, "plan_implementation", {"deferral_requested": "nei", "starts_on": "16.03.2026"})
    with core.transaction() as session:
        suspension = session.scalars(select(Suspension)).one()
        assert (suspension.starts_on, suspension.ends_on) == (date(2026, 3, 16), date(2026, 3, 22))

    # The licence shows as suspended in the period, and only then.
    states = {d: sanctions.licence_state(core, licence, date(2026, 3, d)).status for d in (15, 16, 22, 23)}
    assert states == {15: "aktiv", 16: "inndratt", 22: "inndratt", 23: "aktiv"}
    assert sanctions.point_history(core, licence, as_of=date(2026, 3, 18)).suspended is not None

    # The points behind the suspension no longer count.
    history = sanctions.point_history(core, licence, as_of=date(2026, 3, 23))
    assert (history.total, history.points_remaining) == (0, 8)
    assert [(a.points, a.consumed, a.counts) for a in history.awards] == [(4, True, False), (4, True, False)]

    # The appeal period runs out; the case closes.
    assert advance(core, clock, just_after(date(2026, 4, 2))) == 1
    assert case_row(core, second).status == "closed"
    with core.transaction() as session:
        actions = list(session.scalars(select(AuditEntry.action).where(AuditEntry.case_id == second.id)))
        statuses = {d.label: d.status for d in session.scalars(select(Deadline).where(Deadline.case_id == second.id))}
    assert {"points_awarded", "suspension_decided", "suspension_implemented"} <= set(actions)
    assert actions.count("points_awarded") == 1
    assert statuses == {
        "Frist for å sende kontrollrapporten": "met",
        "Frist for merknader til kontrollrapporten": "met",
        "Svarfrist for forhåndsvarsel om inndragning": "expired",
        "Frist for å iverksette inndragningen": "met",
        "Klagefrist for vedtaket om inndragning": "expired",
    }


# -- 2. transfer of ownership -------------------------------------------------------------------------
def test_a_transfer_of_ownership_starts_a_new_point_period(core: Saksflyt, clock: FixedClock, licence: str) -> None:
    clock.set(at(date(2026, 1, 12)))
    first = report(core, date(2026, 1, 9), "skjenketid")
    points_8_point(core, clock, first, sent=date(2026, 1, 12), decided=date(2026, 1, 28))
    assert sanctions.point_history(core, licence).total == 4

    clock.set(at(date(2026, 2, 2)))
    sanctions.record_transfer(
        core, CASE_HANDLER, licence, {"transferred_on": "01.02.2026", "new_holder_name": "Nye Brygga AS"}
    )
    history = sanctions.point_history(core, licence)
    assert (history.holder, history.latest_transfer, history.total) == ("Nye Brygga AS", date(2026, 2, 1), 0)
    assert [a.counts for a in history.awards] == [False]
    with pytest.raises(ValidationFailed):
        sanctions.record_transfer(
            core, CASE_HANDLER, licence, {"transferred_on": "15.01.2026", "new_holder_name": "Tredje AS"}
        )
    with pytest.raises(Forbidden):
        sanctions.record_transfer(core, CONTROLLER, licence, {"transferred_on": "03.02.2026", "new_holder_name": "X"})

    # The new owner's first 4 points do not reach 8 together with the old owner's 4.
    second = report(core, date(2026, 2, 2), "apenbart_pavirket_skjenking")
    row = case_row(core, second)
    assert row.details["latest_transfer"] == "2026-02-01"
    with core.transaction() as session:
        assert session.get(Party, row.party_id).name == "Nye Brygga AS"
        assert session.scalars(select(OwnershipTransfer)).one().transferred_on == date(2026, 2, 1)
    points_8_point(core, clock, second, sent=date(2026, 2, 3), decided=date(2026, 2, 19))
    details = case_row(core, second).details
    assert (details["point_count"]["total"], details["point_count"]["period_start"]) == (4, "2026-02-01")
    assert case_row(core, second).status == "closed"


# -- 3. alkf-2016: an appeal that annuls the point decision --------------------------------------------
def test_annulled_point_decision_under_alkf_2016(core: Saksflyt, clock: FixedClock, licence: str) -> None:
    clock.set(at(date(2026, 1, 12)))
    assert sanctions.set_active_rule_set(core, ADMIN, "alkf-2016").label == "alkf-2016 v1"
    with pytest.raises(Forbidden):
        sanctions.set_active_rule_set(core, CASE_HANDLER, "8-point")
    case = report(core, date(2026, 1, 9), "mindrearig")
    assert case_row(core, case).details["rule_set"]["point_decision_is_enkeltvedtak"] is True
    # Running cases keep their rule set when the municipality changes it.
    sanctions.set_active_rule_set(core, ADMIN, "8-point")
    assert case_row(core, case).details["rule_set"]["label"] == "alkf-2016 v1"

    do(core, CASE_HANDLER, case, "send_report", {"report_sent_on": "12.01.2026", "report_reached_on": "13.01.2026"})
    comments = {"received_on": "13.01.2026", "response_text": "Nei."}
    messages.deliver_message(core, CASE_HANDLER, case.reference, "control_report_comments", comments)
    do(core, CASE_HANDLER, case, "assess_points", ASSESSED)
    do(
        core,
        CASE_HANDLER,
        case,
        "send_point_notice",
        {"notice_text": "Varsel om prikker.", "notice_reached_on": "14.01.2026", "response_weeks": "2"},
    )
    response = {"received_on": "15.01.2026", "response_text": "Vi er uenige."}
    messages.deliver_message(core, CASE_HANDLER, case.reference, "advance_notice_response", response)
    do(core, MANAGER, case, "decide_points", points_decided("16.01.2026"))
    do(core, CASE_HANDLER, case, "notify_point_decision", {"notified_on": "19.01.2026"})
    assert sanctions.point_history(core, licence).total == 8
    appeal = {"appellant": "Bryggeloftet AS", "received_on": "20.01.2026", "appeal_text": "Vi klager."}
    advance(core, clock, at(date(2026, 1, 20)))
    messages.deliver_message(core, CASE_HANDLER, case.reference, "appeal_received", appeal)
    do(
        core,
        CASE_HANDLER,
        case,
        "prepare_reconsideration",
        {"appeal_recommendation": "omgjore", "appeal_assessment": "x"},
    )
    do(
        core,
        MANAGER,
        case,
        "reconsider_leder",
        {
            "reconsideration_result": "omgjort",
            "new_outcome": "avslatt",
            "reconsideration_text": "Omgjort.",
            "reconsidered_on": "27.01.2026",
        },
    )
    assert case_row(core, case).status == "closed"
    [award] = awards(core)
    assert (award.annulled, award.annulled_on) == (True, date(2026, 1, 20))
    history = sanctions.point_history(core, licence)
    assert (history.total, [a.annulled for a in history.awards]) == (0, [True])


# -- 4. validation and roles ----------------------------------------------------------------------------
def test_control_reports_are_validated(core: Saksflyt, licence: str) -> None:
    with pytest.raises(Forbidden):
        sanctions.register_control_report(core, POLICE, {})
    with pytest.raises(ValidationFailed) as error:
        report(core, date(2026, 2, 27), "mindrearig, ukjent")
    assert error.value.errors["violation_codes"].startswith("Ukjent kode: ukjent.")
    with pytest.raises(ValidationFailed) as error:
        report(core, date(2026, 2, 27), "mindrearig", controller_2="")
    assert set(error.value.errors) == {"controller_2"}  # a skjenkested needs two controllers (alkf. § 9-5)
    with pytest.raises(ValidationFailed) as error:
        report(core, date(2026, 3, 3), "mindrearig")  # the clock says 02.03.2026
    assert set(error.value.errors) == {"control_date"}
    with pytest.raises(ValidationFailed) as error:
        report(core, date(2015, 12, 31), "mindrearig")  # the point system applies from 1.1.2016
    assert set(error.value.errors) == {"control_date"}
    with pytest.raises(NotFound):
        report(core, date(2026, 2, 27), "mindrearig", licence_number="B-1999-001")
    with core.transaction() as session:
        assert session.scalars(select(Case)).first() is None


def test_report_deadline_passes_and_is_marked_overdue(core: Saksflyt, clock: FixedClock, licence: str) -> None:
    clock.set(at(date(2026, 2, 2)))
    case = report(core, date(2026, 1, 30), "reklame")
    assert advance(core, clock, just_after(date(2026, 2, 6))) == 1
    with core.transaction() as session:
        [deadline] = session.scalars(select(Deadline).where(Deadline.case_id == case.id))
    assert (deadline.label, deadline.status) == ("Frist for å sende kontrollrapporten", "overdue")
    assert open_tasks(core, case) == {"send_report"}


# -- 5. the command line ----------------------------------------------------------------------------
def test_cli_registers_a_control_report_and_shows_the_points(
    core: Saksflyt, database_url: str, licence: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SAKSFLYT_DATABASE_URL", database_url)
    monkeypatch.delenv("SAKSFLYT_SIMULATION", raising=False)
    monkeypatch.delenv("SAKSFLYT_RULE_SET", raising=False)
    today = local_today(SystemClock())  # the command line runs on the system clock
    control = (today - timedelta(days=2)).isoformat()
    args = ["--date", control, "--controller", "Kari", "--controller", "Per", "--observations", "Mindreårig."]
    assert cli_main(["control-report", licence, *args, "--codes", "mindrearig"]) == 0
    out = capsys.readouterr().out
    assert "er startet" in out and "mindrearig – 8 prikker" in out and "send_report" in out
    [reference] = [line.split()[1] for line in out.splitlines() if line.startswith("Sak ")]
    assert cli_main(["sanction-task", reference, "send_report"]) == 0  # the dates default to today
    out = capsys.readouterr().out
    assert "await_comments" in out and "Frist for merknader til kontrollrapporten" in out
    assert cli_main(["sanction-message", reference, "control_report_comments", "response_text=Vi beklager."]) == 0
    assert "assess_points" in capsys.readouterr().out
    assert cli_main(["sanction-task", reference, "assess_points", "points_basis=ja"]) == 2  # form errors
    assert "assessment_notes" in capsys.readouterr().out
    assert cli_main(["points", licence]) == 0
    assert "Ingen prikker registrert." in capsys.readouterr().out
    assert cli_main(["rule-set"]) == 0
    assert "8-point v1" in capsys.readouterr().out


# -- 6. demo data -------------------------------------------------------------------------------------
def test_sanction_demo_data_loads_every_case_to_its_stage(core: Saksflyt) -> None:
    summary = load_sanction_demo(core)
    assert summary.startswith("4 bevillingshavere med 16 importerte prikker, 1 eierskifte og 4 sanksjonssaker")
    assert "merk" not in summary  # every step was reached
    assert load_sanction_demo(core) == "sanksjonsdemoen er allerede lastet"
    assert sanctions.active_rule_set(core).label == "8-point v1"
    assert sanctions.licence_state(core, "B-2024-102").status == "inndratt"
    assert sanctions.point_history(core, "B-2023-104").total == 4  # the old owner's 8 do not count
    with core.transaction() as session:
        stages = {
            c.title.split(" – ")[1]: sorted(
                session.scalars(select(HumanTask.spec_name).where(HumanTask.case_id == c.id))
            )
            for c in session.scalars(select(Case).where(Case.kind == "sanction"))
        }
        rule_sets = {
            c.details["rule_set"]["label"] for c in session.scalars(select(Case).where(Case.kind == "sanction"))
        }
    assert stages == {
        "Bryggeloftet, Havnegata 3": ["await_suspension_response"],
        "Kaikanten Pub, Kaigata 12": ["await_suspension_appeal"],
        "Nærbutikken, Storgata 40": ["send_report"],
        "Fjellstua, Fjellveien 1": [],
    }
    assert rule_sets == {"alkf-2016 v1", "8-point v1"}
