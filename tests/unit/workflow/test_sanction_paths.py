"""Path tests for the `sanction` process: control report → points → threshold → suspension.

Each test drives the real models (sanction.bpmn with the appeal call activity and the two DMN
tables) through the real runtime. `SanctionDriver` stores the workflow as JSON and restores it
between every step, and before each step hands the case its "fresh facts" the way the service
layer's context provider does (the licence's point history from other cases).

Dates: a control on Friday 30.01.2026; the clock starts Monday 02.02.2026 09:00 Europe/Oslo.
The suspension dates follow the worked example in DOMAIN.md: decided Tuesday 10.03.2026 →
implemented by 07.04.2026; notified Thursday 12.03.2026 → appeal deadline 07.04.2026 (Easter).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from engine.clock import OSLO, FixedClock
from engine.errors import ValidationFailed
from engine.rules import (
    ALKF_2016,
    EIGHT_POINT,
    RuleSet,
    internal_deadline,
    party_deadline,
    point_status,
    rule_set_to_dict,
)
from engine.services.sanctions import CatalogueEntry, catalogue, evaluate_catalogue
from engine.workflow.models import DEFAULT_MODEL_DIR
from engine.workflow.results import DeadlineInfo, PendingTimer
from engine.workflow.scripting import build_script_engine
from tests.support.driver import PathDriver

CONTROL = date(2026, 1, 30)  # Friday
REPORT_DEADLINE = date(2026, 2, 6)  # alkf. § 9-6: one week, the municipality's own deadline
REPORT_REACHED = date(2026, 2, 4)
COMMENT_DEADLINE = date(2026, 2, 18)  # two weeks from when the report reached the licensee
SUSPENSION_DECIDED = date(2026, 3, 10)  # Tuesday
IMPLEMENTATION_DEADLINE = date(2026, 4, 7)  # four weeks after the decision date (alkf. § 10-6)


# -- the driver: a PathDriver that also refreshes the case's context before each step ----------
@dataclass
class SanctionDriver(PathDriver):
    context: dict[str, Any] = field(default_factory=dict)

    def _restore(self) -> Any:
        workflow = super()._restore()
        self.runtime.refresh_context(workflow, self.context)
        return workflow


def at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=OSLO)


def midnight_after(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=OSLO)


def just_after_deadline(day: date) -> datetime:
    return midnight_after(day) + timedelta(minutes=1)


def award(key: str, on: date, points: int, code: str = "skjenketid", **flags: bool) -> dict[str, Any]:
    """A point award of an earlier case, as the context provider hands it to the process."""
    return {"key": key, "code": code, "violation_date": on, "points": points, "consumed": False, "annulled": False} | (
        flags
    )


def start_case(
    rule_set: RuleSet = EIGHT_POINT,
    codes: tuple[str, ...] = ("mindrearig",),
    history: list[dict[str, Any]] | None = None,
    control: date = CONTROL,
    clock_start: datetime | None = None,
    **extra: Any,
) -> SanctionDriver:
    rules = rule_set_to_dict(rule_set)
    driver = SanctionDriver("sanction", clock=FixedClock(clock_start or at(date(2026, 2, 2))))
    driver.context = {"point_history": list(history or []), "latest_transfer": None}
    data = {
        "case_id": 1,
        "reference": "2026/0001",
        "control_date": control,
        "controller_1": "Kari Kontroll",
        "controller_2": "Per Kontroll",
        "observations": "Observert under kontrollen.",
        "violation_codes": list(codes),
        "rule_set": rules,
        "delegation_limit_days": rules["delegation_limit_days"],
        "comment_weeks": 2,
        "appeal_postal_days": 7,
        **driver.context,
        **extra,
    }
    return driver.start(data)


def open_roles(driver: PathDriver) -> dict[str, str | None]:
    return {t.spec_name: t.role for t in driver.current.open_tasks}


def timer(driver: PathDriver, spec_name: str) -> PendingTimer:
    matches = [t for t in driver.current.timers if t.spec_name == spec_name]
    assert len(matches) == 1, f"expected one {spec_name}; pending: {[t.spec_name for t in driver.current.timers]}"
    return matches[0]


def payload(driver: PathDriver, name: str) -> dict[str, Any]:
    [event] = [e for e in driver.events if e.name == name]
    return event.payload


# -- steps ------------------------------------------------------------------------------------------
def send_report(driver: SanctionDriver, sent: str = "03.02.2026", reached: str = "04.02.2026") -> SanctionDriver:
    driver.advance_to(at(date(2026, 2, 3)))
    assert open_roles(driver) == {"send_report": "saksbehandler"}
    return driver.complete("send_report", {"report_sent_on": sent, "report_reached_on": reached})


def assess(driver: SanctionDriver, basis: bool = True, **adjustment: Any) -> SanctionDriver:
    values = {"points_basis": "ja" if basis else "nei", "assessment_notes": "Bruddene er godtgjort.", "adjust": "nei"}
    return driver.complete("assess_points", values | adjustment)


def decide_points(driver: SanctionDriver, on: str, outcome: str = "prikker") -> SanctionDriver:
    assert open_roles(driver) == {"decide_points": "leder"}
    text = "Bevillingshaver tildeles prikker." if outcome == "prikker" else "Det tildeles ikke prikker."
    return driver.complete("decide_points", {"decision_outcome": outcome, "decision_text": text, "decided_on": on})


def to_suspension_notice_8_point(driver: SanctionDriver) -> SanctionDriver:
    """8-point rules: report sent, comments by message, 8 points decided 12.02 and oriented."""
    send_report(driver)
    driver.advance_to(at(date(2026, 2, 10)))
    driver.deliver("control_report_comments", {"received_on": "10.02.2026", "response_text": "Vi beklager."})
    driver.advance_to(at(date(2026, 2, 11)))
    assess(driver)
    decide_points(driver, "12.02.2026")
    assert open_roles(driver) == {"send_point_orientation": "saksbehandler"}
    driver.complete("send_point_orientation", {"oriented_on": "12.02.2026", "orientation_text": "Åtte prikker."})
    return driver


def send_suspension_notice(driver: SanctionDriver, reached: str = "13.02.2026", weeks: str = "3") -> SanctionDriver:
    assert open_roles(driver) == {"send_suspension_notice": "saksbehandler"}
    return driver.complete(
        "send_suspension_notice",
        {
            "suspension_notice_text": "Kommunen vurderer inndragning. Grunnlaget er ...",
            "suspension_notice_reached_on": reached,
            "suspension_response_weeks": weeks,
        },
    )


def recommend(driver: SanctionDriver, days: int | None = None, justification: str = "") -> SanctionDriver:
    assert open_roles(driver) == {"recommend_suspension": "saksbehandler"}
    values = {"use_standard_days": "ja" if days is None else "nei", "recommendation_grounds": "Terskelen er nådd."}
    if days is not None:
        values |= {"recommended_days": str(days), "deviation_justification": justification}
    return driver.complete("recommend_suspension", values)


def decide_suspension(driver: SanctionDriver, body: str, on: str, outcome: str = "inndragning") -> SanctionDriver:
    task = driver.task(f"decide_suspension_{body}")
    assert task.role == body
    return driver.complete(
        task.spec_name, {"decision_outcome": outcome, "decision_text": "Bevillingen inndras.", "decided_on": on}
    )


def to_suspension_notified(driver: SanctionDriver, notified_on: str = "11.03.2026") -> SanctionDriver:
    """From the 8-point orientation to the suspension decision of 10.03.2026, notified `notified_on`."""
    send_suspension_notice(driver)
    driver.advance_to(just_after_deadline(date(2026, 3, 6)))
    driver.advance_to(at(date(2026, 3, 9)))
    recommend(driver)
    driver.advance_to(at(SUSPENSION_DECIDED))
    decide_suspension(driver, "leder", "10.03.2026")
    assert open_roles(driver) == {"notify_suspension": "saksbehandler"}
    driver.complete("notify_suspension", {"notified_on": notified_on})
    return driver


def appeal_form(received_on: str) -> dict[str, str]:
    return {"appellant": "Bevillingshaver AS", "received_on": received_on, "appeal_text": "Vi klager."}


def reconsider(driver: SanctionDriver, result: str, on: str) -> SanctionDriver:
    recommendation = "omgjore" if result == "omgjort" else "opprettholde"
    driver.complete("prepare_reconsideration", {"appeal_recommendation": recommendation, "appeal_assessment": "x"})
    values = {"reconsideration_result": result, "reconsideration_text": "Klagen er behandlet.", "reconsidered_on": on}
    if result == "omgjort":
        values["new_outcome"] = "avslatt"  # the shared reconsideration form speaks of applications
    return driver.complete("reconsider_leder", values)


# -- 1. One 8-point violation under the 8-point rules ------------------------------------------------
def test_single_8_point_violation_under_8_point_rules_ends_in_a_suspension_implemented_within_four_weeks() -> None:
    driver = start_case(EIGHT_POINT, codes=("mindrearig",))
    assert driver.data["control_violations"] == [
        {
            "code": "mindrearig",
            "provision": "alkl. § 1-5 annet ledd",
            "points": 8,
            "label": "Salg, utlevering eller skjenking til person under 18 år",
        }
    ]
    assert driver.data["report_deadline"] == REPORT_DEADLINE
    assert driver.task("send_report").due_on == REPORT_DEADLINE
    report_timer = timer(driver, "report_deadline_passed")
    assert report_timer.deadline == DeadlineInfo(
        "Frist for å sende kontrollrapporten", "alkf. § 9-6", "internal", "saksbehandler", CONTROL, REPORT_DEADLINE
    )
    assert report_timer.due_at == midnight_after(REPORT_DEADLINE)

    send_report(driver)
    assert driver.current.finished_timer_states == {report_timer.task_id: "cancelled"}  # met
    assert driver.data["comment_deadline"] == COMMENT_DEADLINE
    comment_timer = timer(driver, "comment_deadline_passed")
    assert comment_timer.deadline == DeadlineInfo(
        "Frist for merknader til kontrollrapporten", "alkf. § 9-6", "party", "saksbehandler", REPORT_REACHED,
        COMMENT_DEADLINE,
    )  # fmt: skip
    assert driver.current.awaited_messages["control_report_comments"].form == "notice_response"

    driver.advance_to(at(date(2026, 2, 10)))
    driver.deliver("control_report_comments", {"received_on": "10.02.2026", "response_text": "Vi beklager."})
    assert driver.data["licensee_comments"] == {"received_on": date(2026, 2, 10), "response_text": "Vi beklager."}
    assert open_roles(driver) == {"assess_points": "saksbehandler"}

    driver.advance_to(at(date(2026, 2, 11)))
    assess(driver)
    # 8-point: the point decision is no enkeltvedtak, so no forhåndsvarsel; the leader decides.
    assert driver.data["point_count"]["total"] == 8
    decide_points(driver, "12.02.2026")
    assert driver.event_names() == ["points_awarded"]
    assert payload(driver, "points_awarded") == {
        "awards": [
            {
                "key": "2026/0001-1",
                "code": "mindrearig",
                "provision": "alkl. § 1-5 annet ledd",
                "label": "Salg, utlevering eller skjenking til person under 18 år",
                "standard_points": 8,
                "points": 8,
                "justification": None,
                "violation_date": CONTROL,
                "consumed": False,
                "annulled": False,
            }
        ],
        "decided_on": date(2026, 2, 12),
        "rule_set": "8-point v1",
    }
    assert open_roles(driver) == {"send_point_orientation": "saksbehandler"}  # written orientation, no appeal
    driver.complete("send_point_orientation", {"oriented_on": "12.02.2026", "orientation_text": "Åtte prikker."})

    # Threshold reached on the first violation: forhåndsvarsel om inndragning, 3 weeks.
    assert driver.data["point_count"]["threshold_reached"] is True
    assert [a["key"] for a in driver.data["suspension_basis"]] == ["2026/0001-1"]
    assert driver.data["proposed_days"] == 7
    send_suspension_notice(driver, reached="13.02.2026", weeks="3")
    assert driver.data["suspension_notice_deadline"] == date(2026, 3, 6)
    notice_timer = timer(driver, "suspension_notice_deadline_passed")
    assert notice_timer.deadline is not None and notice_timer.deadline.legal_basis == "fvl § 16, alkf. § 10-6"
    driver.advance_to(just_after_deadline(date(2026, 3, 6)))
    assert driver.current.finished_timer_states == {notice_timer.task_id: "fired"}

    driver.advance_to(at(date(2026, 3, 9)))
    recommend(driver)
    assert (driver.data["suspension_days"], driver.data["competent_body"]) == (7, "leder")
    driver.advance_to(at(SUSPENSION_DECIDED))
    decide_suspension(driver, "leder", "10.03.2026")
    assert driver.data["implementation_deadline"] == IMPLEMENTATION_DEADLINE
    assert payload(driver, "suspension_decided") == {
        "days": 7,
        "decided_on": SUSPENSION_DECIDED,
        "competent_body": "leder",
        "basis": ["2026/0001-1"],
        "implementation_deadline": IMPLEMENTATION_DEADLINE,
    }
    driver.complete("notify_suspension", {"notified_on": "11.03.2026"})
    assert driver.data["appeal_deadline"] == date(2026, 4, 1)
    assert driver.data["warnings"] == []  # 07.04 is after the appeal deadline 01.04

    # The appeal period and the implementation run side by side.
    assert open_roles(driver) == {"await_suspension_appeal": "saksbehandler", "plan_implementation": "saksbehandler"}
    assert driver.task("plan_implementation").due_on == IMPLEMENTATION_DEADLINE
    implementation_timer = timer(driver, "implementation_deadline_passed")
    assert implementation_timer.deadline == DeadlineInfo(
        "Frist for å iverksette inndragningen", "alkf. § 10-6", "internal", "saksbehandler", SUSPENSION_DECIDED,
        IMPLEMENTATION_DEADLINE,
    )  # fmt: skip
    assert timer(driver, "suspension_appeal_period_over").due_at == midnight_after(date(2026, 4, 8))

    driver.advance_to(at(date(2026, 3, 16)))
    driver.complete("plan_implementation", {"deferral_requested": "nei", "starts_on": "23.03.2026"})
    assert driver.current.finished_timer_states[implementation_timer.task_id] == "cancelled"  # met
    assert payload(driver, "suspension_implemented") == {
        "starts_on": date(2026, 3, 23),
        "ends_on": date(2026, 3, 29),
        "days": 7,
    }
    assert date(2026, 3, 23) <= IMPLEMENTATION_DEADLINE
    assert open_roles(driver) == {"await_suspension_appeal": "saksbehandler"}
    assert not driver.current.completed

    driver.advance_to(just_after_deadline(date(2026, 4, 8)))
    assert driver.current.completed
    # Each process event is handed out exactly once (the signal reaches us as no branch waited for it).
    assert driver.event_names() == [
        "points_awarded",
        "suspension_decided",
        "suspension_implemented",
        "suspension_final",
    ]
    assert driver.round_trips > 10


# -- 2. The same violation under alkf-2016 --------------------------------------------------------------
def test_same_violation_under_alkf_2016_gives_points_but_no_suspension() -> None:
    driver = start_case(ALKF_2016, codes=("mindrearig",))
    send_report(driver)
    comment_timer = timer(driver, "comment_deadline_passed").task_id
    driver.advance_to(just_after_deadline(COMMENT_DEADLINE))
    assert driver.current.finished_timer_states == {comment_timer: "fired"}
    assert "licensee_comments" not in driver.data
    assess(driver)

    # alkf-2016: forhåndsvarsel about the points (alkf. § 10-5), then an enkeltvedtak that can be appealed.
    assert open_roles(driver) == {"send_point_notice": "saksbehandler"}
    driver.complete(
        "send_point_notice",
        {"notice_text": "Varsel om prikker.", "notice_reached_on": "20.02.2026", "response_weeks": "2"},
    )
    assert driver.data["advance_notice_deadline"] == date(2026, 3, 6)
    driver.advance_to(at(date(2026, 3, 2)))
    driver.deliver("advance_notice_response", {"received_on": "02.03.2026", "response_text": "Ingen merknader."})
    driver.advance_to(at(date(2026, 3, 4)))
    decide_points(driver, "04.03.2026")
    assert driver.event_names() == ["points_awarded"]
    assert payload(driver, "points_awarded")["rule_set"] == "alkf-2016 v1"
    driver.complete("notify_point_decision", {"notified_on": "05.03.2026"})
    assert driver.data["appeal_deadline"] == date(2026, 3, 26)
    appeal_timer = timer(driver, "point_appeal_period_over")
    assert appeal_timer.deadline is not None and appeal_timer.deadline.label == "Klagefrist for prikkvedtaket"

    driver.advance_to(just_after_deadline(date(2026, 4, 2)))  # appeal deadline + 7 postal days
    assert driver.current.completed
    assert driver.data["point_count"] | {"counting": None} == {
        "rule_set": "alkf-2016 v1",
        "total": 8,
        "threshold": 12,
        "threshold_reached": False,
        "points_remaining": 4,
        "window_start": date(2024, 1, 30),
        "period_start": None,
        "counting": None,
        "proposed_days": 0,
    }
    assert driver.event_names() == ["points_awarded"]


# -- 3. Accumulation over several controls (legal.md § 1.8) -------------------------------------------
def test_accumulation_over_several_controls_reaches_12_under_alkf_2016() -> None:
    """First control 14.02.2025: påvirket + skjenketid = 8. This control 20.09.2025: two cases of
    skjenking to an åpenbart påvirket person = one breach = 4. Total 12 → forhåndsvarsel."""
    earlier = [
        award("2025/0007-1", date(2025, 2, 14), 4, "apenbart_pavirket_skjenking"),
        award("2025/0007-2", date(2025, 2, 14), 4, "skjenketid"),
    ]
    driver = start_case(
        ALKF_2016,
        codes=("apenbart_pavirket_skjenking", "apenbart_pavirket_skjenking"),
        history=[],
        control=date(2025, 9, 20),  # a Saturday
        clock_start=at(date(2025, 9, 22)),
    )
    # The report deadline falls on a Saturday: due the working day before (not rolled forward).
    assert driver.data["report_deadline"] == date(2025, 9, 26) == internal_deadline(date(2025, 9, 20), 1)
    assert driver.data["control_points"] == 4
    assert len(driver.data["control_violations"]) == 1

    # The earlier case's points reach the database while this case runs: the case sees them fresh.
    driver.context = {"point_history": earlier, "latest_transfer": None}
    driver.advance_to(at(date(2025, 9, 23)))
    driver.complete("send_report", {"report_sent_on": "23.09.2025", "report_reached_on": "24.09.2025"})
    driver.advance_to(just_after_deadline(date(2025, 10, 8)))
    assess(driver)
    assert driver.data["point_count"]["total"] == 12  # what the forhåndsvarsel can tell the licensee
    driver.complete(
        "send_point_notice",
        {"notice_text": "Varsel om prikker.", "notice_reached_on": "10.10.2025", "response_weeks": "2"},
    )
    assert driver.data["advance_notice_deadline"] == date(2025, 10, 24) == party_deadline(date(2025, 10, 10), 2)
    driver.advance_to(just_after_deadline(date(2025, 10, 24)))
    decide_points(driver, "28.10.2025")
    driver.complete("notify_point_decision", {"notified_on": "29.10.2025"})
    assert driver.data["appeal_deadline"] == date(2025, 11, 19)
    driver.advance_to(just_after_deadline(date(2025, 11, 26)))

    assert driver.data["point_count"]["total"] == 12
    assert driver.data["point_count"]["threshold_reached"] is True
    assert open_roles(driver) == {"send_suspension_notice": "saksbehandler"}
    # The forhåndsvarsel om inndragning lists the whole basis, earlier point decisions included.
    assert [a["key"] for a in driver.data["suspension_basis"]] == ["2025/0007-1", "2025/0007-2", "2026/0001-1"]
    assert driver.data["proposed_days"] == 7


def test_consumed_and_old_points_do_not_count_towards_a_new_suspension() -> None:
    """legal.md § 1.8 step 3: after the suspension, a mindreårig breach (8) alone is below 12."""
    history = [
        award("2025/0007-1", date(2025, 2, 14), 4, consumed=True),
        award("2025/0007-2", date(2025, 2, 14), 4, consumed=True),
        award("2025/0012-1", date(2025, 9, 20), 4, consumed=True),
        award("2023/0002-1", date(2023, 6, 1), 8),  # outside the two-year window
    ]
    driver = start_case(ALKF_2016, codes=("mindrearig",), history=history, control=date(2026, 1, 30))
    send_report(driver)
    driver.advance_to(just_after_deadline(COMMENT_DEADLINE))
    assess(driver)
    assert driver.data["point_count"]["total"] == 8
    assert [a["key"] for a in driver.data["point_count"]["counting"]] == ["2026/0001-1"]


# -- 4. An appeal that annuls a point decision ----------------------------------------------------------
def test_an_appeal_that_annuls_the_point_decision_removes_its_points_from_the_count() -> None:
    earlier = [award("2025/0031-1", date(2025, 10, 1), 8, "mindrearig")]
    driver = start_case(ALKF_2016, codes=("skjenketid",), history=earlier)
    send_report(driver)
    driver.advance_to(just_after_deadline(COMMENT_DEADLINE))
    assess(driver)
    assert driver.data["point_count"]["total"] == 12  # would reach the threshold
    driver.complete(
        "send_point_notice",
        {"notice_text": "Varsel om prikker.", "notice_reached_on": "20.02.2026", "response_weeks": "2"},
    )
    driver.advance_to(just_after_deadline(date(2026, 3, 6)))
    decide_points(driver, "09.03.2026")
    driver.complete("notify_point_decision", {"notified_on": "10.03.2026"})

    driver.advance_to(at(date(2026, 3, 20)))
    driver.deliver("appeal_received", appeal_form("20.03.2026"))
    assert driver.data["appeal_timely"] is True
    assert driver.data["competent_body"] == "leder"
    reconsider(driver, "omgjort", "27.03.2026")

    assert driver.current.completed
    assert open_roles(driver) == {}
    assert driver.event_names() == ["points_awarded", "points_annulled"]
    annulled = payload(driver, "points_annulled")
    assert annulled == {"keys": ["2026/0001-1"], "appeal_outcome": "omgjort", "annulled_on": date(2026, 3, 20)}
    assert "suspension_basis" not in driver.data  # no threshold check on annulled points

    # Python marks the awards annulled; from then on they are out of every count.
    awards = payload(driver, "points_awarded")["awards"]
    stored = earlier + [a | {"annulled": a["key"] in annulled["keys"]} for a in awards]
    assert point_status(earlier + awards, ALKF_2016)["total"] == 12
    assert point_status(stored, ALKF_2016)["total"] == 8

    # A later case sees the annulled award in its history and does not count it.
    later = start_case(
        ALKF_2016, codes=("internkontroll",), history=stored, control=date(2026, 4, 10), reference="2026/0002"
    )
    send_report(later, sent="13.04.2026", reached="14.04.2026")
    later.advance_to(just_after_deadline(date(2026, 4, 28)))
    assess(later)
    assert later.data["point_count"]["total"] == 10  # 8 + 2; with the annulled 4 it would be 14


# -- 5. Suspension longer than 14 days: kommunestyret ---------------------------------------------------
@pytest.mark.parametrize(
    ("earlier_points", "limit", "days", "body"),
    [
        ([4, 4, 4], 14, 14, "leder"),  # 8 + 12 = 20 → 7 + 7 = 14 days: still delegated
        ([4, 4, 4, 1], 14, 15, "kommunestyre"),  # 21 → 15 days
        ([4, 4, 4, 1], 21, 15, "leder"),  # a municipality that delegates up to 21 days
    ],
)
def test_suspension_over_the_delegation_limit_is_decided_by_kommunestyret(
    earlier_points: list[int], limit: int, days: int, body: str
) -> None:
    history = [award(f"2025/00{n}-1", date(2025, 6, n), p) for n, p in enumerate(earlier_points, 10)]
    driver = start_case(EIGHT_POINT, codes=("mindrearig",), history=history, delegation_limit_days=limit)
    to_suspension_notice_8_point(driver)
    assert driver.data["proposed_days"] == days
    send_suspension_notice(driver)
    driver.advance_to(just_after_deadline(date(2026, 3, 6)))
    recommend(driver)
    assert driver.data["competent_body"] == body
    assert open_roles(driver) == {f"decide_suspension_{body}": body}


def test_recommended_days_beyond_the_table_need_a_justification_and_go_to_kommunestyret() -> None:
    driver = to_suspension_notice_8_point(start_case(EIGHT_POINT))
    send_suspension_notice(driver)
    driver.advance_to(just_after_deadline(date(2026, 3, 6)))
    with pytest.raises(ValidationFailed) as error:
        recommend(driver, days=21, justification="")
    assert error.value.errors == {
        "deviation_justification": "«Særskilt begrunnelse for avviket (alkf. § 10-4)» må fylles ut."
    }
    recommend(driver, days=21, justification="Svært skjerpende: salg til en 15-åring.")
    assert (driver.data["suspension_days"], driver.data["competent_body"]) == (21, "kommunestyre")
    decide_suspension(driver, "kommunestyre", "17.03.2026")
    assert payload(driver, "suspension_decided")["competent_body"] == "kommunestyre"
    assert driver.data["implementation_deadline"] == date(2026, 4, 14)


# -- 6. Deferred implementation (fvl § 42) -------------------------------------------------------------
def test_deferred_implementation_waits_for_the_appeal_and_then_gets_four_new_weeks() -> None:
    driver = to_suspension_notified(to_suspension_notice_8_point(start_case(EIGHT_POINT)))
    driver.advance_to(at(date(2026, 3, 12)))
    driver.complete("plan_implementation", {"deferral_requested": "ja"})
    # The request is a decision of its own, by the body that decided the suspension.
    assert open_roles(driver) == {"await_suspension_appeal": "saksbehandler", "decide_deferral_leder": "leder"}
    driver.complete(
        "decide_deferral_leder",
        {"deferral_granted": "ja", "deferral_grounds": "Avvent klagen.", "deferral_decided_on": "13.03.2026"},
    )
    assert open_roles(driver) == {"await_suspension_appeal": "saksbehandler", "await_deferral_end": "saksbehandler"}

    # The licensee appeals; the leader upholds the decision and Statsforvalteren confirms it.
    driver.advance_to(at(date(2026, 3, 20)))
    driver.complete("await_suspension_appeal", appeal_form("20.03.2026"))
    reconsider(driver, "opprettholdt", "25.03.2026")
    driver.complete("forward_to_statsforvalteren", {"forwarded_on": "26.03.2026", "forwarding_note": ""})
    assert open_roles(driver) == {"record_statsforvalteren": "saksbehandler", "await_deferral_end": "saksbehandler"}
    driver.advance_to(at(date(2026, 5, 4)))
    driver.complete(
        "record_statsforvalteren",
        {"sf_result": "stadfestet", "sf_decided_on": "30.04.2026", "sf_summary": "Vedtaket stadfestes."},
    )
    # The decision is final: the deferral ends by itself and four new weeks start (04.05 → 01.06).
    assert open_roles(driver) == {"plan_implementation": "saksbehandler"}
    assert driver.data["appeal_outcome"] == "stadfestet"
    assert driver.data["implementation_due"] == date(2026, 6, 1)
    assert driver.task("plan_implementation").due_on == date(2026, 6, 1)
    deadline = timer(driver, "implementation_deadline_passed").deadline
    assert deadline is not None and (deadline.start_on, deadline.due_on) == (date(2026, 5, 4), date(2026, 6, 1))

    driver.complete("plan_implementation", {"deferral_requested": "nei", "starts_on": "11.05.2026"})
    assert driver.current.completed
    assert driver.event_names() == ["points_awarded", "suspension_decided", "suspension_implemented"]
    assert payload(driver, "suspension_implemented") == {
        "starts_on": date(2026, 5, 11),
        "ends_on": date(2026, 5, 17),
        "days": 7,
    }


def test_a_refused_deferral_keeps_the_four_week_deadline() -> None:
    driver = to_suspension_notified(to_suspension_notice_8_point(start_case(EIGHT_POINT)))
    driver.complete("plan_implementation", {"deferral_requested": "ja"})
    driver.complete(
        "decide_deferral_leder",
        {"deferral_granted": "nei", "deferral_grounds": "Ingen grunn.", "deferral_decided_on": "12.03.2026"},
    )
    assert open_roles(driver) == {"await_suspension_appeal": "saksbehandler", "plan_implementation": "saksbehandler"}
    assert driver.task("plan_implementation").due_on == IMPLEMENTATION_DEADLINE


def test_implementation_not_done_in_four_weeks_is_marked_overdue_and_the_task_stays_open() -> None:
    driver = to_suspension_notified(to_suspension_notice_8_point(start_case(EIGHT_POINT)))
    overdue = timer(driver, "implementation_deadline_passed").task_id
    driver.advance_to(just_after_deadline(IMPLEMENTATION_DEADLINE))
    assert driver.current.finished_timer_states[overdue] == "fired"  # internal deadline → "overdue"
    assert "plan_implementation" in open_roles(driver)
    driver.complete("plan_implementation", {"deferral_requested": "nei", "starts_on": "13.04.2026"})
    assert payload(driver, "suspension_implemented")["ends_on"] == date(2026, 4, 19)


# -- 7. The four-week warning ----------------------------------------------------------------------------
def test_warning_when_the_four_week_date_is_on_or_before_the_appeal_deadline() -> None:
    """DOMAIN.md: decided Tuesday 10.03.2026 → implement by 07.04.2026; notified Thursday
    12.03.2026 → appeal deadline Tuesday 07.04.2026 (02.04 is skjærtorsdag)."""
    driver = to_suspension_notified(to_suspension_notice_8_point(start_case(EIGHT_POINT)), notified_on="12.03.2026")
    assert driver.data["implementation_deadline"] == driver.data["appeal_deadline"] == date(2026, 4, 7)
    assert driver.data["warnings"] == [
        "Inndragningen bør iverksettes innen 07.04.2026 (alkf. § 10-6), men klagefristen løper til 07.04.2026 "
        "(fvl § 29). Vurder om det er bedt om utsatt iverksetting (fvl § 42)."
    ]


# -- 8. A suspension set aside on appeal ---------------------------------------------------------------
def test_suspension_set_aside_on_appeal_stops_the_implementation_and_frees_the_points() -> None:
    driver = to_suspension_notified(to_suspension_notice_8_point(start_case(EIGHT_POINT)))
    implementation_timer = timer(driver, "implementation_deadline_passed").task_id
    driver.advance_to(at(date(2026, 3, 20)))
    driver.deliver("appeal_received", appeal_form("20.03.2026"))
    assert "plan_implementation" in open_roles(driver)  # an appeal does not stop the implementation
    reconsider(driver, "omgjort", "25.03.2026")
    assert driver.current.completed
    assert open_roles(driver) == {}
    assert driver.current.finished_timer_states[implementation_timer] in {"cancelled", "gone"}
    assert driver.event_names() == ["points_awarded", "suspension_decided", "suspension_annulled"]
    assert payload(driver, "suspension_annulled") == {
        "basis": ["2026/0001-1"],
        "appeal_outcome": "omgjort",
        "annulled_on": date(2026, 3, 20),
    }


# -- 9. Assessment: like breaches, § 10-4 adjustments, no basis -------------------------------------------
def test_like_breaches_at_one_control_count_once_and_different_provisions_add_up() -> None:
    driver = start_case(
        EIGHT_POINT,
        codes=("medbrakt", "apenbart_pavirket_skjenking", "ut_av_lokalet", "apenbart_pavirket_skjenking"),
    )
    assert [(v["code"], v["points"]) for v in driver.data["control_violations"]] == [
        ("medbrakt", 1),  # medbrakt and ut av lokalet are both alkf. § 4-4
        ("apenbart_pavirket_skjenking", 4),
    ]
    assert driver.data["control_points"] == 5


def test_adjustment_under_10_4_must_name_a_violation_of_the_control_and_be_justified() -> None:
    driver = start_case(EIGHT_POINT, codes=("skjenketid", "reklame"))
    send_report(driver)
    driver.advance_to(just_after_deadline(COMMENT_DEADLINE))
    with pytest.raises(ValidationFailed) as error:
        assess(driver, adjust="ja", adjusted_code="skjenketid", adjusted_points="2")
    assert set(error.value.errors) == {"adjustment_justification"}

    assess(driver, adjust="ja", adjusted_code="mindrearig", adjusted_points="4", adjustment_justification="x")
    assert open_roles(driver) == {"assess_points": "saksbehandler"}  # back to the assessment
    assert driver.data["adjustment_problem"].startswith("Bruddet «mindrearig» gir ikke prikker")

    justification = "Helt spesielle og svært formildende omstendigheter: legitimasjon var forfalsket."
    assess(driver, adjust="ja", adjusted_code="skjenketid", adjusted_points="2", adjustment_justification=justification)
    assert driver.data["adjustment_problem"] is None
    decide_points(driver, "20.02.2026")
    awards = payload(driver, "points_awarded")["awards"]
    assert [(a["code"], a["standard_points"], a["points"], a["justification"]) for a in awards] == [
        ("skjenketid", 4, 2, justification),
        ("reklame", 1, 1, None),
    ]
    driver.complete("send_point_orientation", {"oriented_on": "20.02.2026", "orientation_text": "Tre prikker."})
    assert driver.current.completed  # 3 < 8: no suspension
    assert driver.data["point_count"]["points_remaining"] == 5


def test_no_basis_for_points_closes_the_case_without_points() -> None:
    driver = start_case(EIGHT_POINT, codes=("vilkar",))
    send_report(driver)
    driver.advance_to(just_after_deadline(COMMENT_DEADLINE))
    assess(driver, basis=False)
    assert driver.current.completed
    assert driver.events == []


def test_leader_may_decide_that_no_points_are_given() -> None:
    driver = start_case(EIGHT_POINT, codes=("vilkar",))
    send_report(driver)
    driver.advance_to(just_after_deadline(COMMENT_DEADLINE))
    assess(driver)
    decide_points(driver, "20.02.2026", outcome="ingen_prikker")
    assert driver.current.completed
    assert driver.events == []


def test_report_not_sent_within_a_week_is_marked_overdue_but_can_still_be_sent() -> None:
    driver = start_case(EIGHT_POINT)
    report_timer = timer(driver, "report_deadline_passed").task_id
    driver.advance_to(at(REPORT_DEADLINE, 23))
    assert report_timer in {t.task_id for t in driver.current.timers}
    driver.advance_to(just_after_deadline(REPORT_DEADLINE))
    assert driver.current.finished_timer_states == {report_timer: "fired"}
    assert open_roles(driver) == {"send_report": "saksbehandler"}
    driver.complete("send_report", {"report_sent_on": "09.02.2026", "report_reached_on": "10.02.2026"})
    assert driver.data["comment_deadline"] == date(2026, 2, 24)
    assert open_roles(driver) == {"await_comments": "saksbehandler"}


def test_the_case_keeps_the_rule_set_it_started_with() -> None:
    newer = replace(EIGHT_POINT, version="2", threshold=10)
    driver = start_case(newer, codes=("mindrearig",))
    assert driver.data["rule_set"]["label"] == "8-point v2"
    send_report(driver)
    driver.advance_to(just_after_deadline(COMMENT_DEADLINE))
    assess(driver)
    assert driver.data["point_count"] | {"counting": None, "window_start": None} == {
        "rule_set": "8-point v2",
        "total": 8,
        "threshold": 10,
        "threshold_reached": False,
        "points_remaining": 2,
        "window_start": None,
        "period_start": None,
        "counting": None,
        "proposed_days": 0,
    }


def test_a_transfer_of_ownership_starts_a_new_period() -> None:
    history = [award("2025/0040-1", date(2025, 11, 1), 8, "mindrearig")]
    driver = start_case(EIGHT_POINT, codes=("skjenketid",), history=history)
    driver.context["latest_transfer"] = date(2025, 12, 1)
    send_report(driver)
    driver.advance_to(just_after_deadline(COMMENT_DEADLINE))
    assess(driver)
    assert driver.data["point_count"]["total"] == 4
    assert driver.data["point_count"]["period_start"] == date(2025, 12, 1)


# -- 10. The DMN tables ----------------------------------------------------------------------------------
CATALOGUE = {
    # alkf. § 10-3, legal.md § 1.2: code → (points, provision)
    "mindrearig": (8, "alkl. § 1-5 annet ledd"),
    "bistandsplikt": (8, "alkf. § 4-1 annet ledd"),
    "forsvarlig_drift": (8, "alkl. §§ 3-9 og 4-7"),
    "hindring_kontroll": (8, "alkl. § 1-9"),
    "apenbart_pavirket_salg": (4, "alkf. § 3-1"),
    "apenbart_pavirket_skjenking": (4, "alkf. § 4-2 første ledd"),
    "skjenketid": (4, "alkl. §§ 3-7 og 4-4"),
    "gruppe3_under_20": (4, "alkl. § 1-5 første ledd"),
    "alderskrav_ansatt": (4, "alkl. § 1-5 tredje ledd"),
    "adgang_pavirket": (2, "alkf. § 4-2 annet ledd"),
    "internkontroll": (2, "alkf. kap. 8"),
    "omsetningsoppgave": (2, "alkf. kap. 6 (omsetningsoppgave)"),
    "gebyr": (2, "alkf. kap. 6 (bevillingsgebyr)"),
    "styrer_krav": (2, "alkl. § 1-7c"),
    "narkotika": (2, "alkl. § 1-8 annet ledd (narkotikaomsetning)"),
    "diskriminering": (2, "alkl. § 1-8 annet ledd (diskriminering)"),
    "alkoholfritt": (1, "alkf. § 4-6"),
    "skjenkemengde": (1, "alkf. § 4-5"),
    "medbrakt": (1, "alkf. § 4-4"),
    "ut_av_lokalet": (1, "alkf. § 4-4"),
    "plassering": (1, "alkf. § 3-3"),
    "vilkar": (1, "alkl. §§ 3-2 og 4-3"),
    "reklame": (1, "alkl. § 9-2 og alkf. kap. 14"),
    "annet": (1, "alkl. § 1-8 første ledd"),
}


@pytest.mark.parametrize(("code", "expected"), sorted(CATALOGUE.items()), ids=sorted(CATALOGUE))
def test_points_catalogue_gives_points_and_provision_for_every_code(code: str, expected: tuple[int, str]) -> None:
    [entry] = evaluate_catalogue([code])
    assert (entry.code, entry.points, entry.provision) == (code, *expected)
    assert entry.label


def test_points_catalogue_is_complete_and_ordered_8_4_2_1() -> None:
    entries = catalogue()
    assert [e.code for e in entries] == list(CATALOGUE)
    assert [e.points for e in entries] == sorted((e.points for e in entries), reverse=True)
    assert {e.points for e in entries} == {8, 4, 2, 1}


def test_points_catalogue_collects_one_entry_per_matching_code() -> None:
    assert evaluate_catalogue(["reklame", "mindrearig", "reklame"]) == [
        CatalogueEntry(
            "mindrearig", 8, "alkl. § 1-5 annet ledd", "Salg, utlevering eller skjenking til person under 18 år"
        ),
        CatalogueEntry("reklame", 1, "alkl. § 9-2 og alkf. kap. 14", "Brudd på reklameforbudet"),
    ]
    assert evaluate_catalogue(["ukjent"]) == []


def _delegation(days: int, limit: int, model_dir: Path = DEFAULT_MODEL_DIR) -> dict[str, Any]:
    parser = SpiffBpmnParser()
    parser.add_dmn_files([str(model_dir / "suspension_delegation.dmn")])
    table = parser.get_engine("suspension_delegation", None)
    workflow = SimpleNamespace(
        script_engine=build_script_engine(), spec=SimpleNamespace(name="t", file=None, task_specs={}), parent=None
    )
    workflow.top_workflow = workflow
    task = SimpleNamespace(
        data={"suspension_days": days, "delegation_limit_days": limit},
        workflow=workflow,
        id=None,
        task_spec=SimpleNamespace(name="t", bpmn_name="t", bpmn_id="t"),
    )
    return table.result(task)


@pytest.mark.parametrize(
    ("days", "limit", "body"),
    [(7, 14, "leder"), (14, 14, "leder"), (15, 14, "kommunestyre"), (35, 14, "kommunestyre"), (15, 21, "leder")],
)
def test_suspension_delegation_table(days: int, limit: int, body: str) -> None:
    assert _delegation(days, limit) == {"competent_body": body}
