"""Path tests for the `application` process and its `appeal` call activity.

Each test drives the real models through the real runtime with `PathDriver`, which stores the
workflow as JSON and restores it between every step. Dates are those of the worked examples in
DOMAIN.md: the driver's clock starts Monday 02.03.2026 09:00 Europe/Oslo; a decision reaching
the party Thursday 12.03.2026 gives the appeal deadline Tuesday 07.04.2026 (Easter).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import pytest

from engine.clock import OSLO
from engine.errors import Conflict
from engine.workflow.results import DeadlineInfo, PendingTimer
from tests.support.driver import PathDriver

# -- dates used by several paths --------------------------------------------------------------
REGISTERED = date(2026, 3, 2)  # Monday; the driver's clock starts here at 09:00
STATEMENT_DEADLINE = date(2026, 3, 23)  # 3 weeks from 02.03.2026, a Monday
NOTIFIED = date(2026, 3, 12)  # Thursday
APPEAL_DEADLINE = date(2026, 4, 7)  # Tuesday: raw 02.04.2026 is skjærtorsdag
APPEAL_WAIT_UNTIL = date(2026, 4, 14)  # + appeal_postal_days (7) for appeals posted in time
LICENCE_END = date(2028, 9, 30)  # the 2027 council takes office in October 2027

BODY_BY_TYPE = {
    "alminnelig": "kommunestyre",
    "utvidelse_fast": "formannskap",
    "flytting": "formannskap",
    "utvidelse_enkelt": "leder",
    "enkelt_anledning": "leder",
    "ambulerende": "leder",
    "ny_styrer": "leder",
}


# -- small helpers ----------------------------------------------------------------------------
def at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    """An Oslo wall-clock instant on `day`."""
    return datetime.combine(day, time(hour, minute), tzinfo=OSLO)


def midnight_after(day: date) -> datetime:
    """00:00 Oslo on the day after `day`: the instant a deadline ending on `day` has passed."""
    return datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=OSLO)


def just_after_deadline(day: date) -> datetime:
    """A minute into the day after `day`, when the scheduler has fired the deadline's timer."""
    return midnight_after(day) + timedelta(minutes=1)


def last_minute_of(day: date) -> datetime:
    return at(day, 23, 59)


def start_case(application_type: str = "alminnelig", **extra: Any) -> PathDriver:
    data = {
        "case_id": 1,
        "application_type": application_type,
        "statement_weeks": 3,
        "appeal_postal_days": 7,
        "event_date": None,  # part of the start contract: registration passes every field
        **extra,
    }
    return PathDriver("application").start(data)


def open_roles(driver: PathDriver) -> dict[str, str | None]:
    """Open task name -> lane (role)."""
    return {t.spec_name: t.role for t in driver.current.open_tasks}


def timer(driver: PathDriver, spec_name: str) -> PendingTimer:
    matches = [t for t in driver.current.timers if t.spec_name == spec_name]
    names = [t.spec_name for t in driver.current.timers]
    assert len(matches) == 1, f"expected one pending {spec_name}; pending: {names}"
    return matches[0]


def timer_names(driver: PathDriver) -> list[str]:
    return sorted(t.spec_name for t in driver.current.timers)


def statement(objections: bool = False, given_on: str = "2026-03-10", text: str = "") -> dict[str, str]:
    return {
        "has_objections": "ja" if objections else "nei",
        "statement_text": text or ("Politiet fraråder bevilling." if objections else "Ingen merknader."),
        "given_on": given_on,
    }


def through_completeness(driver: PathDriver) -> PathDriver:
    assert open_roles(driver) == {"check_completeness": "saksbehandler"}
    return driver.complete("check_completeness", {"complete": "ja", "document_weeks": "2"})


def through_statements(driver: PathDriver, police_objections: bool = False) -> PathDriver:
    """From registration until both statements are in and `assess` is open."""
    through_completeness(driver)
    assert open_roles(driver) == {"police_statement": "politi", "nav_statement": "nav"}
    driver.advance_to(at(date(2026, 3, 10)))
    driver.complete("police_statement", statement(objections=police_objections, given_on="2026-03-10"))
    driver.advance_to(at(date(2026, 3, 11)))
    driver.complete("nav_statement", statement(given_on="2026-03-11"))
    assert open_roles(driver) == {"assess": "saksbehandler"}
    return driver


def assess(driver: PathDriver, adverse: bool) -> PathDriver:
    return driver.complete(
        "assess", {"adverse": "ja" if adverse else "nei", "assessment_notes": "Vurdert etter alkl. § 1-7a."}
    )


def send_advance_notice(driver: PathDriver, reached_on: str = "19.03.2026", weeks: str = "2") -> PathDriver:
    assert open_roles(driver) == {"send_advance_notice": "saksbehandler"}
    return driver.complete(
        "send_advance_notice",
        {
            "notice_text": "Kommunen vurderer å avslå søknaden.",
            "notice_reached_on": reached_on,
            "response_weeks": weeks,
        },
    )


def recommend(driver: PathDriver, outcome: str) -> PathDriver:
    assert open_roles(driver) == {"recommend": "saksbehandler"}
    return driver.complete(
        "recommend",
        {
            "recommended_outcome": outcome,
            "conditions": "Skjenking til kl. 01.00." if outcome == "innvilget" else "",
            "grounds": "Begrunnelse etter fvl §§ 24–25.",
        },
    )


def decide(driver: PathDriver, body: str, outcome: str, decided_on: str) -> PathDriver:
    task = driver.task(f"decide_{body}")
    assert task.role == body
    text = "Søknaden innvilges." if outcome == "innvilget" else "Søknaden avslås."
    return driver.complete(
        task.spec_name, {"decision_outcome": outcome, "decision_text": text, "decided_on": decided_on}
    )


def notify(driver: PathDriver, notified_on: str) -> PathDriver:
    assert open_roles(driver) == {"notify_decision": "saksbehandler"}
    return driver.complete("notify_decision", {"notified_on": notified_on})


def to_appeal_period(application_type: str = "alminnelig", outcome: str = "innvilget") -> PathDriver:
    """Register → statements → decision (11.03.2026) → notified Thursday 12.03.2026."""
    driver = through_statements(start_case(application_type))
    assess(driver, adverse=False)
    recommend(driver, outcome)
    decide(driver, BODY_BY_TYPE[application_type], outcome, decided_on="2026-03-11")
    notify(driver, "12.03.2026")
    assert open_roles(driver) == {"await_appeal": "saksbehandler"}
    return driver


def appeal_form(received_on: str, posted_on: str = "") -> dict[str, str]:
    return {
        "appellant": "Søkeren AS",
        "received_on": received_on,
        "posted_on": posted_on,
        "appeal_text": "Vi klager på vedtaket.",
    }


def register_appeal(driver: PathDriver, received_on: str, posted_on: str = "") -> PathDriver:
    return driver.complete("await_appeal", appeal_form(received_on, posted_on))


def reconsider(driver: PathDriver, body: str, result: str, new_outcome: str = "", on: str = "") -> PathDriver:
    task = driver.task(f"reconsider_{body}")
    assert task.role == body
    return driver.complete(
        task.spec_name,
        {
            "reconsideration_result": result,
            "new_outcome": new_outcome,
            "reconsideration_text": "Klagen er behandlet.",
            "reconsidered_on": on,
        },
    )


def prepare_reconsideration(driver: PathDriver, recommendation: str) -> PathDriver:
    assert open_roles(driver) == {"prepare_reconsideration": "saksbehandler"}
    return driver.complete(
        "prepare_reconsideration",
        {"appeal_recommendation": recommendation, "appeal_assessment": "Klagen er vurdert."},
    )


# -- 1. Granted without objections ------------------------------------------------------------
def test_granted_without_objections_emits_licence_after_the_appeal_period() -> None:
    driver = through_statements(start_case("alminnelig"))
    assert driver.data["competent_body"] == "kommunestyre"
    assert driver.data["police_deadline"] == STATEMENT_DEADLINE
    assert driver.data["nav_deadline"] == STATEMENT_DEADLINE
    assert driver.data["police_statement"] == {
        "has_objections": False,
        "statement_text": "Ingen merknader.",
        "given_on": date(2026, 3, 10),
    }
    assert driver.data["nav_statement"]["given_on"] == date(2026, 3, 11)
    assert driver.current.timers == []

    assess(driver, adverse=False)  # no forhåndsvarsel
    recommend(driver, "innvilget")
    assert open_roles(driver) == {"decide_kommunestyre": "kommunestyre"}
    decide(driver, "kommunestyre", "innvilget", decided_on="2026-03-11")
    notify(driver, "12.03.2026")

    assert driver.data["notified_on"] == NOTIFIED
    assert driver.data["appeal_deadline"] == APPEAL_DEADLINE
    assert APPEAL_DEADLINE.weekday() == 1  # Tuesday
    assert driver.data["appeal_wait_until"] == APPEAL_WAIT_UNTIL
    await_appeal = driver.task("await_appeal")
    assert (await_appeal.role, await_appeal.due_on, await_appeal.form) == ("saksbehandler", APPEAL_DEADLINE, "appeal")
    period = timer(driver, "appeal_period_over")
    assert period.due_at == midnight_after(APPEAL_WAIT_UNTIL)
    assert period.deadline == DeadlineInfo(
        label="Klagefrist",
        legal_basis="fvl § 29",
        kind="party",
        responsible_role="saksbehandler",
        start_on=NOTIFIED,
        due_on=APPEAL_DEADLINE,
    )
    assert "appeal_received" in driver.current.awaited_messages

    # The deadline itself and the postal grace period pass without an appeal.
    driver.advance_to(just_after_deadline(APPEAL_DEADLINE))
    assert open_roles(driver) == {"await_appeal": "saksbehandler"}
    driver.advance_to(last_minute_of(APPEAL_WAIT_UNTIL))
    assert open_roles(driver) == {"await_appeal": "saksbehandler"}
    assert driver.events == []

    timer_id = period.task_id
    driver.advance_to(just_after_deadline(APPEAL_WAIT_UNTIL))
    assert driver.current.finished_timer_states == {timer_id: "fired"}
    assert driver.current.completed
    assert driver.current.open_tasks == []
    assert driver.event_names() == ["licence_granted"]
    assert driver.events[0].payload == {
        "application_type": "alminnelig",
        "decided_on": date(2026, 3, 11),
        "valid_until": LICENCE_END,
        "conditions": "Skjenking til kl. 01.00.",
        "decision_text": "Søknaden innvilges.",
    }


def test_a_timer_fires_strictly_after_its_due_instant() -> None:
    """SpiffWorkflow fires a timeDate timer when now > due, as the service sweep selects
    `Timer.due_at < now`: at 00:00:00 sharp the timer is still pending, a second later it fires."""
    driver = to_appeal_period()
    due_at = timer(driver, "appeal_period_over").due_at
    assert due_at == midnight_after(APPEAL_WAIT_UNTIL)
    driver.advance_to(due_at)
    assert open_roles(driver) == {"await_appeal": "saksbehandler"}
    driver.advance_to(due_at + timedelta(seconds=1))
    assert driver.current.completed
    assert driver.event_names() == ["licence_granted"]


# -- 2. Negative police statement → forhåndsvarsel → refusal → appeal → reversed ---------------
def test_negative_statement_notice_refusal_appeal_reversed_then_granted() -> None:
    driver = through_statements(start_case("alminnelig"), police_objections=True)
    assert driver.data["police_statement"]["has_objections"] is True

    driver.advance_to(at(date(2026, 3, 18)))
    assess(driver, adverse=True)
    assert driver.data["adverse"] is True
    send_advance_notice(driver, reached_on="19.03.2026", weeks="2")
    # 19.03 + 2 weeks = 02.04.2026 skjærtorsdag → Tuesday 07.04.2026.
    assert driver.data["notice_reached_on"] == date(2026, 3, 19)
    assert driver.data["advance_notice_deadline"] == date(2026, 4, 7)
    waiting = driver.task("await_notice_response")
    assert (waiting.role, waiting.due_on) == ("saksbehandler", date(2026, 4, 7))
    assert driver.current.awaited_messages["advance_notice_response"].form == "notice_response"

    # The applicant's response arrives through the API before the deadline.
    driver.advance_to(at(date(2026, 3, 30)))
    notice_timer_id = timer(driver, "notice_deadline_passed").task_id
    driver.deliver(
        "advance_notice_response",
        {"received_on": "30.03.2026", "response_text": "Vi er uenige i politiets vurdering."},
    )
    assert driver.data["notice_response"] == {
        "received_on": date(2026, 3, 30),
        "response_text": "Vi er uenige i politiets vurdering.",
    }
    assert driver.current.finished_timer_states == {notice_timer_id: "cancelled"}
    assert driver.current.timers == []

    driver.advance_to(at(date(2026, 4, 8)))
    recommend(driver, "avslatt")
    assert open_roles(driver) == {"decide_kommunestyre": "kommunestyre"}
    driver.advance_to(at(date(2026, 4, 22)))
    decide(driver, "kommunestyre", "avslatt", decided_on="2026-04-22")
    notify(driver, "24.04.2026")
    # Friday 24.04 + 3 weeks = Friday 15.05.2026 (14.05 is Kristi himmelfartsdag, 15.05 is not).
    assert driver.data["appeal_deadline"] == date(2026, 5, 15)

    # The applicant appeals in time; the case handler registers it.
    driver.advance_to(at(date(2026, 5, 5)))
    register_appeal(driver, received_on="05.05.2026")
    assert driver.data["appeal_timely"] is True
    assert driver.current.timers == []  # the appeal-period timer is cancelled
    prepare_reconsideration(driver, "omgjore")
    assert open_roles(driver) == {"reconsider_kommunestyre": "kommunestyre"}
    driver.advance_to(at(date(2026, 6, 10)))
    reconsider(driver, "kommunestyre", "omgjort", new_outcome="innvilget", on="2026-06-10")

    # Back in the parent: a new decision letter with a new appeal deadline.
    assert open_roles(driver) == {"notify_decision": "saksbehandler"}
    assert driver.data["appeal_outcome"] == "omgjort"
    assert driver.data["decision_outcome"] == "innvilget"
    assert driver.data["decided_on"] == date(2026, 6, 10)
    assert driver.data["decision_text"] == "Klagen er behandlet."
    assert driver.events == []
    notify(driver, "12.06.2026")
    assert driver.data["notified_on"] == date(2026, 6, 12)
    assert driver.data["appeal_deadline"] == date(2026, 7, 3)  # Friday, no roll
    assert driver.task("await_appeal").due_on == date(2026, 7, 3)
    assert timer(driver, "appeal_period_over").due_at == midnight_after(date(2026, 7, 10))

    driver.advance_to(just_after_deadline(date(2026, 7, 10)))
    assert driver.current.completed
    assert driver.event_names() == ["licence_granted"]
    payload = driver.events[0].payload
    assert payload["decided_on"] == date(2026, 6, 10)
    assert payload["valid_until"] == LICENCE_END
    assert payload["decision_text"] == "Klagen er behandlet."


def test_reversed_decision_can_be_appealed_again_and_the_appeal_procedure_runs_twice() -> None:
    driver = to_appeal_period(outcome="avslatt")
    register_appeal(driver, received_on="20.03.2026")
    prepare_reconsideration(driver, "omgjore")
    reconsider(driver, "kommunestyre", "omgjort", new_outcome="innvilget", on="2026-04-15")
    notify(driver, "16.04.2026")
    assert driver.data["appeal_deadline"] == date(2026, 5, 7)

    # A neighbour appeals the new decision; this time it is upheld and confirmed.
    driver.advance_to(at(date(2026, 5, 4)))
    register_appeal(driver, received_on="04.05.2026")
    assert driver.data["appeal"]["received_on"] == date(2026, 5, 4)
    assert driver.data["appeal_timely"] is True
    prepare_reconsideration(driver, "opprettholde")
    reconsider(driver, "kommunestyre", "opprettholdt", on="2026-05-20")
    driver.complete("forward_to_statsforvalteren", {"forwarded_on": "21.05.2026", "forwarding_note": ""})
    record_statsforvalteren(driver, "stadfestet")
    assert driver.current.completed
    assert driver.data["appeal_outcome"] == "stadfestet"
    assert driver.event_names() == ["licence_granted"]
    assert driver.events[0].payload["decided_on"] == date(2026, 4, 15)


# -- 3. Forhåndsvarsel without a response -----------------------------------------------------
def test_notice_deadline_passes_without_response_and_case_continues_to_recommendation() -> None:
    driver = through_statements(start_case("alminnelig"), police_objections=True)
    assess(driver, adverse=True)
    send_advance_notice(driver, reached_on="19.03.2026", weeks="2")

    pending = timer(driver, "notice_deadline_passed")
    assert pending.deadline == DeadlineInfo(
        label="Svarfrist for forhåndsvarsel",
        legal_basis="fvl § 16",
        kind="party",
        responsible_role="saksbehandler",
        start_on=date(2026, 3, 19),
        due_on=date(2026, 4, 7),
    )
    assert pending.due_at == midnight_after(date(2026, 4, 7))
    assert open_roles(driver) == {"await_notice_response": "saksbehandler"}

    driver.advance_to(last_minute_of(date(2026, 4, 7)))
    assert open_roles(driver) == {"await_notice_response": "saksbehandler"}

    driver.advance_to(just_after_deadline(date(2026, 4, 7)))
    assert driver.current.finished_timer_states == {pending.task_id: "fired"}
    assert open_roles(driver) == {"recommend": "saksbehandler"}
    assert "notice_response" not in driver.data
    assert driver.current.awaited_messages == {}
    with pytest.raises(Conflict):
        driver.deliver("advance_notice_response", {"received_on": "08.04.2026", "response_text": "For sent."})


# -- 4. Appeal forwarded to Statsforvalteren --------------------------------------------------
def forwarded_refusal() -> PathDriver:
    """A refusal by the kommunestyre, appealed in time, upheld and sent to Statsforvalteren."""
    driver = to_appeal_period(outcome="avslatt")
    driver.advance_to(at(date(2026, 3, 20)))
    register_appeal(driver, received_on="20.03.2026")
    prepare_reconsideration(driver, "opprettholde")
    reconsider(driver, "kommunestyre", "opprettholdt", on="2026-04-15")
    assert open_roles(driver) == {"forward_to_statsforvalteren": "saksbehandler"}
    driver.complete("forward_to_statsforvalteren", {"forwarded_on": "16.04.2026", "forwarding_note": ""})
    assert open_roles(driver) == {"record_statsforvalteren": "saksbehandler"}
    return driver


def record_statsforvalteren(driver: PathDriver, result: str, outcome: str = "") -> PathDriver:
    return driver.complete(
        "record_statsforvalteren",
        {
            "sf_result": result,
            "sf_outcome": outcome,
            "sf_decided_on": "02.06.2026",
            "sf_summary": "Statsforvalterens vedtak.",
        },
    )


def test_appeal_upheld_and_confirmed_by_statsforvalteren_refusal_is_final() -> None:
    driver = forwarded_refusal()
    record_statsforvalteren(driver, "stadfestet")
    assert driver.current.completed
    assert driver.data["appeal_outcome"] == "stadfestet"
    assert driver.data["decision_outcome"] == "avslatt"
    assert driver.data["forwarded_on"] == date(2026, 4, 16)
    assert driver.events == []


def test_statsforvalteren_quashes_the_decision_and_the_case_is_assessed_again() -> None:
    driver = forwarded_refusal()
    record_statsforvalteren(driver, "opphevet")
    assert open_roles(driver) == {"assess": "saksbehandler"}
    assert driver.data["appeal_outcome"] == "opphevet"
    assert not driver.current.completed

    # New handling: this time granted, with a new letter and a new appeal period.
    driver.advance_to(at(date(2026, 6, 3)))
    assess(driver, adverse=False)
    recommend(driver, "innvilget")
    decide(driver, "kommunestyre", "innvilget", decided_on="2026-06-17")
    notify(driver, "18.06.2026")
    assert driver.data["appeal_deadline"] == date(2026, 7, 9)
    driver.advance_to(just_after_deadline(date(2026, 7, 16)))
    assert driver.current.completed
    assert driver.event_names() == ["licence_granted"]
    assert driver.events[0].payload["decided_on"] == date(2026, 6, 17)


def test_statsforvalteren_changes_the_decision_to_granted() -> None:
    driver = forwarded_refusal()
    record_statsforvalteren(driver, "endret", outcome="innvilget")
    assert driver.current.completed
    assert driver.data["appeal_outcome"] == "endret"
    assert driver.event_names() == ["licence_granted"]
    assert driver.events[0].payload["decided_on"] == date(2026, 6, 2)
    assert driver.events[0].payload["valid_until"] == LICENCE_END


# -- 5. Late appeals (fvl §§ 30–31) -----------------------------------------------------------
def test_late_appeal_in_the_postal_grace_period_is_assessed_and_dismissed() -> None:
    driver = to_appeal_period(outcome="avslatt")
    driver.advance_to(at(date(2026, 4, 9)))  # after the deadline, before the grace period ends
    assert open_roles(driver) == {"await_appeal": "saksbehandler"}
    register_appeal(driver, received_on="09.04.2026")

    assert driver.data["appeal"]["received_on"] == date(2026, 4, 9)
    assert driver.data["appeal"]["posted_on"] is None
    assert driver.data["appeal_timely"] is False
    assert open_roles(driver) == {"assess_late_appeal": "saksbehandler"}
    assert driver.task("assess_late_appeal").form == "late_appeal"

    driver.complete("assess_late_appeal", {"admit_late": "nei", "late_grounds": "Ingen særlige grunner."})
    assert driver.current.completed
    assert driver.data["appeal_outcome"] == "avvist"
    assert driver.data["decision_outcome"] == "avslatt"
    assert driver.events == []


def test_late_appeal_admitted_goes_to_reconsideration() -> None:
    driver = to_appeal_period(outcome="avslatt")
    driver.advance_to(at(date(2026, 4, 10)))
    register_appeal(driver, received_on="10.04.2026")
    driver.complete("assess_late_appeal", {"admit_late": "ja", "late_grounds": "Parten var syk."})
    assert open_roles(driver) == {"prepare_reconsideration": "saksbehandler"}
    assert "appeal_outcome" not in driver.data


def test_appeal_posted_on_the_deadline_day_is_timely() -> None:
    driver = to_appeal_period(outcome="avslatt")
    driver.advance_to(at(date(2026, 4, 9)))
    register_appeal(driver, received_on="09.04.2026", posted_on="07.04.2026")
    assert driver.data["appeal"]["posted_on"] == APPEAL_DEADLINE
    assert driver.data["appeal_timely"] is True
    assert open_roles(driver) == {"prepare_reconsideration": "saksbehandler"}


def test_appeal_received_on_the_deadline_day_is_timely() -> None:
    driver = to_appeal_period(outcome="avslatt")
    driver.advance_to(at(APPEAL_DEADLINE, 15))
    register_appeal(driver, received_on="07.04.2026")
    assert driver.data["appeal_timely"] is True
    assert open_roles(driver) == {"prepare_reconsideration": "saksbehandler"}


def test_appeal_delivered_by_message() -> None:
    driver = to_appeal_period(outcome="avslatt")
    awaited = driver.current.awaited_messages["appeal_received"]
    assert (awaited.form, awaited.sender_roles) == ("appeal", ("saksbehandler",))
    period_timer = timer(driver, "appeal_period_over").task_id
    driver.advance_to(at(date(2026, 3, 25)))
    driver.deliver("appeal_received", appeal_form(received_on="2026-03-25"))
    assert driver.current.finished_timer_states == {period_timer: "cancelled"}
    assert driver.data["appeal"] == {
        "appellant": "Søkeren AS",
        "received_on": date(2026, 3, 25),
        "posted_on": None,
        "appeal_text": "Vi klager på vedtaket.",
    }
    assert driver.data["appeal_timely"] is True
    assert open_roles(driver) == {"prepare_reconsideration": "saksbehandler"}


def test_late_appeal_delivered_by_message_is_flagged() -> None:
    driver = to_appeal_period(outcome="avslatt")
    driver.advance_to(at(date(2026, 4, 13)))
    driver.deliver("appeal_received", appeal_form(received_on="13.04.2026"))
    assert driver.data["appeal_timely"] is False
    assert open_roles(driver) == {"assess_late_appeal": "saksbehandler"}


def test_no_appeal_can_be_delivered_after_the_decision_is_final() -> None:
    driver = to_appeal_period(outcome="avslatt")
    driver.advance_to(just_after_deadline(APPEAL_WAIT_UNTIL))
    assert driver.current.completed
    assert driver.events == []
    with pytest.raises(Conflict):
        driver.deliver("appeal_received", appeal_form(received_on="2026-04-20"))


# -- 6. Statement deadline passes → reminder ---------------------------------------------------
def test_statement_deadline_passes_and_the_police_is_reminded() -> None:
    driver = through_completeness(start_case("alminnelig"))
    police_timer = timer(driver, "police_deadline_passed")
    assert police_timer.deadline == DeadlineInfo(
        label="Frist for uttalelse fra politiet",
        legal_basis="alkl. § 1-7",
        kind="party",
        responsible_role="politi",
        start_on=date(2026, 3, 2),
        due_on=STATEMENT_DEADLINE,
    )
    assert police_timer.due_at == midnight_after(STATEMENT_DEADLINE)
    assert driver.task("police_statement").due_on == STATEMENT_DEADLINE

    driver.advance_to(last_minute_of(STATEMENT_DEADLINE))
    assert open_roles(driver) == {"police_statement": "politi", "nav_statement": "nav"}

    # Neither answers in time: both deadlines pass at midnight.
    driver.advance_to(just_after_deadline(STATEMENT_DEADLINE))
    assert open_roles(driver) == {"remind_police": "saksbehandler", "remind_nav": "saksbehandler"}
    assert driver.current.finished_timer_states[police_timer.task_id] == "fired"
    assert driver.current.timers == []
    assert "police_statement_received" in driver.current.awaited_messages  # a late statement is still welcome

    driver.advance_to(at(date(2026, 3, 24)))
    driver.complete("remind_police", {"reminded_on": "24.03.2026", "extra_weeks": "1"})
    assert driver.data["police_deadline"] == date(2026, 3, 31)
    assert open_roles(driver) == {"police_statement": "politi", "remind_nav": "saksbehandler"}
    assert driver.task("police_statement").due_on == date(2026, 3, 31)
    new_timer = timer(driver, "police_deadline_passed")
    assert new_timer.task_id != police_timer.task_id
    assert new_timer.deadline is not None and new_timer.deadline.due_on == date(2026, 3, 31)
    assert new_timer.due_at == midnight_after(date(2026, 3, 31))
    assert "police_statement_received" in driver.current.awaited_messages

    # The police answers; the case waits for NAV.
    driver.advance_to(at(date(2026, 3, 26)))
    driver.complete("police_statement", statement(objections=False, given_on="26.03.2026"))
    assert open_roles(driver) == {"remind_nav": "saksbehandler"}
    assert "police_statement_received" not in driver.current.awaited_messages

    driver.complete("remind_nav", {"reminded_on": "26.03.2026", "extra_weeks": "2"})
    assert driver.data["nav_deadline"] == date(2026, 4, 9)
    assert driver.task("nav_statement").due_on == date(2026, 4, 9)
    driver.advance_to(at(date(2026, 3, 30)))
    driver.deliver("nav_statement_received", statement(given_on="2026-03-30"))
    assert open_roles(driver) == {"assess": "saksbehandler"}
    assert driver.data["police_statement"]["given_on"] == date(2026, 3, 26)
    assert driver.data["police_deadline"] == date(2026, 3, 31)
    assert driver.data["nav_statement"]["given_on"] == date(2026, 3, 30)
    assert driver.data["nav_deadline"] == date(2026, 4, 9)
    assert driver.current.timers == []


def test_police_reminder_while_nav_has_answered_moves_on_when_police_answers() -> None:
    driver = through_completeness(start_case("alminnelig"))
    driver.advance_to(at(date(2026, 3, 12)))
    driver.complete("nav_statement", statement(given_on="12.03.2026"))
    assert open_roles(driver) == {"police_statement": "politi"}
    driver.advance_to(just_after_deadline(STATEMENT_DEADLINE))
    assert open_roles(driver) == {"remind_police": "saksbehandler"}
    driver.complete("remind_police", {"reminded_on": "24.03.2026", "extra_weeks": "1"})
    driver.deliver("police_statement_received", statement(objections=True, given_on="2026-03-27"))
    assert driver.data["police_statement"]["has_objections"] is True
    assert open_roles(driver) == {"assess": "saksbehandler"}


def test_late_police_statement_through_the_api_is_accepted_while_the_reminder_is_pending() -> None:
    driver = through_completeness(start_case("alminnelig"))
    driver.deliver("nav_statement_received", statement(given_on="2026-03-05"))
    driver.advance_to(just_after_deadline(STATEMENT_DEADLINE))
    assert open_roles(driver) == {"remind_police": "saksbehandler"}
    driver.deliver("police_statement_received", statement(given_on="2026-03-24"))
    assert open_roles(driver) == {"assess": "saksbehandler"}
    assert driver.data["police_statement"]["given_on"] == date(2026, 3, 24)


def test_first_statement_is_visible_in_case_data_while_the_other_is_pending() -> None:
    driver = through_completeness(start_case("alminnelig"))
    driver.complete("police_statement", statement(objections=True, given_on="2026-03-05"))
    assert open_roles(driver) == {"nav_statement": "nav"}
    assert driver.data["police_statement"]["has_objections"] is True
    assert driver.data["police_deadline"] == STATEMENT_DEADLINE


# -- 7. Each decision routed to the right body -------------------------------------------------
@pytest.mark.parametrize(("application_type", "body"), sorted(BODY_BY_TYPE.items()))
def test_decision_and_reconsideration_go_to_the_competent_body(application_type: str, body: str) -> None:
    driver = through_statements(start_case(application_type))
    assert driver.data["competent_body"] == body
    assess(driver, adverse=False)
    recommend(driver, "avslatt")
    assert open_roles(driver) == {f"decide_{body}": body}
    decide(driver, body, "avslatt", decided_on="2026-03-11")
    notify(driver, "12.03.2026")
    register_appeal(driver, received_on="20.03.2026")
    prepare_reconsideration(driver, "opprettholde")
    assert open_roles(driver) == {f"reconsider_{body}": body}


def test_one_off_licence_ends_on_the_event_date() -> None:
    driver = through_statements(start_case("enkelt_anledning", event_date=date(2026, 5, 16)))
    assess(driver, adverse=False)
    recommend(driver, "innvilget")
    decide(driver, "leder", "innvilget", decided_on="2026-03-11")
    notify(driver, "12.03.2026")
    driver.advance_to(just_after_deadline(APPEAL_WAIT_UNTIL))
    assert driver.event_names() == ["licence_granted"]
    assert driver.events[0].payload["valid_until"] == date(2026, 5, 16)


@pytest.mark.parametrize("application_type", ["enkelt_anledning", "ambulerende"])
def test_one_off_licence_without_event_date_is_still_registered(application_type: str) -> None:
    driver = to_appeal_period(application_type, outcome="innvilget")
    driver.advance_to(just_after_deadline(APPEAL_WAIT_UNTIL))
    assert driver.event_names() == ["licence_granted"]


# -- 8. Incomplete application -----------------------------------------------------------------
def request_documents(driver: PathDriver) -> PathDriver:
    driver.complete(
        "check_completeness",
        {"complete": "nei", "missing_items": "Bestått kunnskapsprøve for stedfortreder.", "document_weeks": "2"},
    )
    assert driver.data["complete"] is False
    # Requested Monday 02.03.2026 + 2 weeks = Monday 16.03.2026.
    assert driver.data["document_deadline"] == date(2026, 3, 16)
    waiting = driver.task("await_documents")
    assert (waiting.role, waiting.due_on, waiting.form) == ("saksbehandler", date(2026, 3, 16), "documents_received")
    pending = timer(driver, "documents_deadline_passed")
    assert pending.deadline == DeadlineInfo(
        label="Frist for å ettersende dokumentasjon",
        legal_basis="alkl. § 1-7c, fvl § 17",
        kind="party",
        responsible_role="saksbehandler",
        start_on=date(2026, 3, 2),
        due_on=date(2026, 3, 16),
    )
    assert pending.due_at == midnight_after(date(2026, 3, 16))
    return driver


def test_incomplete_application_documents_arrive_and_completeness_is_checked_again() -> None:
    driver = request_documents(start_case("alminnelig"))
    driver.advance_to(at(date(2026, 3, 12)))
    driver.complete("await_documents", {"documents_received_on": "12.03.2026", "documents_note": "Kunnskapsprøve."})
    assert driver.data["documents_received_on"] == date(2026, 3, 12)
    assert open_roles(driver) == {"check_completeness": "saksbehandler"}
    assert driver.current.timers == []

    driver.complete("check_completeness", {"complete": "ja", "document_weeks": "2"})
    assert open_roles(driver) == {"police_statement": "politi", "nav_statement": "nav"}
    # The statement deadlines count from when they were requested, 12.03.2026.
    assert driver.data["police_deadline"] == date(2026, 4, 7)  # raw 02.04 is skjærtorsdag


def test_still_incomplete_after_documents_arrive_gets_a_new_document_deadline() -> None:
    driver = request_documents(start_case("alminnelig"))
    driver.advance_to(at(date(2026, 3, 13)))
    driver.complete("await_documents", {"documents_received_on": "13.03.2026", "documents_note": ""})
    driver.complete(
        "check_completeness",
        {"complete": "nei", "missing_items": "Stedfortreders alder.", "document_weeks": "3"},
    )
    # Friday 13.03.2026 + 3 weeks = Friday 03.04.2026 langfredag → Tuesday 07.04.2026.
    assert driver.data["document_deadline"] == date(2026, 4, 7)
    assert driver.task("await_documents").due_on == date(2026, 4, 7)
    assert timer(driver, "documents_deadline_passed").due_at == midnight_after(date(2026, 4, 7))
    driver.advance_to(just_after_deadline(date(2026, 3, 16)))  # the first deadline is void
    assert open_roles(driver) == {"await_documents": "saksbehandler"}


def test_incomplete_application_not_processed_when_the_document_deadline_passes() -> None:
    driver = request_documents(start_case("alminnelig"))
    driver.advance_to(last_minute_of(date(2026, 3, 16)))
    assert open_roles(driver) == {"await_documents": "saksbehandler"}
    driver.advance_to(just_after_deadline(date(2026, 3, 16)))
    assert driver.current.completed
    assert driver.current.open_tasks == []
    assert driver.events == []
    assert "decision_outcome" not in driver.data
    assert "competent_body" not in driver.data


# -- 9. The case is stored and restored between every step ------------------------------------
def test_every_step_restores_the_workflow_from_json() -> None:
    driver = start_case("ny_styrer")
    assert driver.round_trips == 0
    steps = 0
    driver.complete("check_completeness", {"complete": "ja", "document_weeks": "2"})
    steps += 1
    driver.deliver("police_statement_received", statement(given_on="2026-03-03"))
    steps += 1
    driver.complete("nav_statement", statement(given_on="2026-03-04"))
    steps += 1
    assess(driver, adverse=False)
    steps += 1
    recommend(driver, "innvilget")
    steps += 1
    decide(driver, "leder", "innvilget", decided_on="2026-03-11")
    steps += 1
    notify(driver, "12.03.2026")
    steps += 1
    driver.advance_to(just_after_deadline(APPEAL_WAIT_UNTIL))
    steps += 1

    assert driver.current.completed
    assert driver.event_names() == ["licence_granted"]
    assert driver.events[0].payload["valid_until"] == LICENCE_END
    assert driver.round_trips > 0
    assert driver.round_trips == steps == 8
