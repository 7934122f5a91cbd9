"""Tests for processing-time targets, the meeting plan and the expected decision date."""

from __future__ import annotations

import json
from datetime import date

import pytest

from engine.config import PROJECT_ROOT
from engine.rules.planning import (
    DEFAULT_TARGETS,
    MeetingPattern,
    MeetingPlan,
    Period,
    add_months,
    add_working_days,
    expected_decision_date,
    meeting_plan_from_dict,
    subtract_working_days,
    target_date,
    targets_from_dict,
)

D = date.fromisoformat


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        ("2026-01-31", 1, "2026-02-28"),
        ("2024-01-31", 1, "2024-02-29"),  # leap year
        ("2026-01-31", 3, "2026-04-30"),
        ("2026-03-31", -1, "2026-02-28"),
        ("2026-11-30", 3, "2027-02-28"),
        ("2026-12-15", 1, "2027-01-15"),
        ("2026-03-02", 3, "2026-06-02"),
        ("2026-05-31", 12, "2027-05-31"),
        ("2026-01-15", 0, "2026-01-15"),
    ],
)
def test_add_months_is_calendar_arithmetic(start: str, months: int, expected: str) -> None:
    assert add_months(D(start), months) == D(expected)


def test_working_day_arithmetic_across_easter_2026() -> None:
    # 02.04 skjærtorsdag, 03.04 langfredag, 06.04 2. påskedag.
    assert subtract_working_days(D("2026-04-07"), 3) == D("2026-03-30")
    assert subtract_working_days(D("2026-04-07"), 1) == D("2026-04-01")
    assert subtract_working_days(D("2026-04-07"), 0) == D("2026-04-07")
    assert add_working_days(D("2026-04-01"), 1) == D("2026-04-07")
    with pytest.raises(ValueError):
        subtract_working_days(D("2026-04-07"), -1)
    with pytest.raises(ValueError):
        add_working_days(D("2026-04-07"), -1)


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("4w", Period(weeks=4)),
        ("6u", Period(weeks=6)),
        ("3m", Period(months=3)),
        ("1m2w", Period(months=1, weeks=2)),
        ({"months": 3}, Period(months=3)),
        ({"weeks": 6}, Period(weeks=6)),
    ],
)
def test_period_parse(text: str, period: Period) -> None:
    assert Period.parse(text) == period


@pytest.mark.parametrize("bad", ["", "3", "3x", "w", "0w", "-1m", {"days": 3}])
def test_period_parse_rejects(bad: object) -> None:
    with pytest.raises(ValueError):
        Period.parse(bad)  # type: ignore[arg-type]


def test_period_text() -> None:
    assert Period(months=3).text() == "3 måneder"
    assert Period(months=1, weeks=1).text() == "1 måned og 1 uke"


@pytest.mark.parametrize(
    ("received", "body", "expected"),
    [
        ("2026-03-02", "leder", "2026-03-30"),  # 4 weeks, Monday
        ("2026-03-02", "formannskap", "2026-04-13"),  # 6 weeks
        ("2026-03-02", "kommunestyre", "2026-06-02"),  # 3 months
        # 4 weeks from 09.03.2026 = 06.04.2026, 2. påskedag: the working day before is 01.04.2026
        # (not rolled forward: the municipality's own deadline).
        ("2026-03-09", "leder", "2026-04-01"),
        # 3 months from 30.11.2026 = 28.02.2027 (Sunday) → Friday 26.02.2027.
        ("2026-11-30", "kommunestyre", "2027-02-26"),
    ],
)
def test_target_date(received: str, body: str, expected: str) -> None:
    assert target_date(D(received), body) == D(expected)


def test_target_date_unknown_body() -> None:
    with pytest.raises(ValueError, match="no processing-time target"):
        target_date(D("2026-03-02"), "bystyre")


PLAN = MeetingPlan(
    meetings={"kommunestyre": (D("2026-03-26"), D("2026-05-07"), D("2026-06-18"), D("2026-10-15"))},
    document_days={"kommunestyre": 14},
    patterns={"kommunestyre": MeetingPattern(weekday=3, nth=-1)},
)


def test_next_meeting_respects_the_document_deadline() -> None:
    # 26.03.2026 − 14 days = 12.03.2026.
    assert PLAN.next_meeting("kommunestyre", D("2026-03-12")) == (D("2026-03-26"), D("2026-03-12"))
    assert PLAN.next_meeting("kommunestyre", D("2026-03-13")) == (D("2026-05-07"), D("2026-04-23"))
    # Ready in summer: nothing until October.
    assert PLAN.next_meeting("kommunestyre", D("2026-06-05")) == (D("2026-10-15"), D("2026-10-01"))


def test_document_deadline_on_a_holiday_is_the_working_day_before() -> None:
    plan = MeetingPlan(meetings={"formannskap": (D("2026-04-16"),)}, document_days={"formannskap": 14})
    # 16.04 − 14 = 02.04.2026 (skjærtorsdag) → 01.04.2026.
    assert plan.document_deadline("formannskap", D("2026-04-16")) == D("2026-04-01")
    assert plan.next_meeting("formannskap", D("2026-04-02")) is None


def test_pattern_continues_the_plan_and_skips_recess_months() -> None:
    after = list(PLAN.meetings_from("kommunestyre", D("2026-10-16"), horizon_days=400))
    # Last Thursday of November 2026, none in December, then January–June 2027, none July–September.
    assert after[:3] == [D("2026-11-26"), D("2027-01-28"), D("2027-02-25")]
    assert all(m.month not in (7, 8, 9, 12) for m in after)
    assert D("2027-10-28") in after


def test_pattern_moves_a_holiday_meeting_to_the_working_day_before() -> None:
    # The second Thursday of May 2027 is 13.05; the first Thursday 06.05.2027 is Kristi himmelfartsdag.
    plan = MeetingPlan(patterns={"formannskap": MeetingPattern(weekday=3, nth=1)})
    meetings = list(plan.meetings_from("formannskap", D("2027-05-01"), horizon_days=20))
    assert meetings == [D("2027-05-05")]


def test_meeting_pattern_validation() -> None:
    with pytest.raises(ValueError):
        MeetingPattern(weekday=7, nth=1)
    with pytest.raises(ValueError):
        MeetingPattern(weekday=3, nth=5)
    assert MeetingPattern(weekday=0, nth=-1).in_month(2026, 8) == D("2026-08-31")


def test_expected_decision_for_the_manager_is_the_target() -> None:
    result = expected_decision_date(D("2026-03-02"), "leder", plan=PLAN)
    assert (result.target_on, result.meeting_on, result.expected_on) == (D("2026-03-30"), None, D("2026-03-30"))
    assert not result.beyond_target


def test_expected_decision_for_a_late_manager_case_is_when_it_is_ready() -> None:
    result = expected_decision_date(D("2026-03-02"), "leder", ready_on=D("2026-04-20"), plan=PLAN)
    assert result.expected_on == D("2026-04-20") and result.beyond_target


def test_expected_decision_waits_for_a_meeting_after_the_summer_recess() -> None:
    # Received 02.03.2026, target 02.06.2026; ready 05.06.2026 misses the June meeting's document
    # deadline (04.06.2026) and there are no meetings July–September.
    result = expected_decision_date(D("2026-03-02"), "kommunestyre", ready_on=D("2026-06-05"), plan=PLAN)
    assert result.target_on == D("2026-06-02")
    assert (result.meeting_on, result.document_deadline) == (D("2026-10-15"), D("2026-10-01"))
    assert result.expected_on == D("2026-10-15") and result.beyond_target
    assert result.reasons == (
        "Behandlingsmål for kommunestyret: 3 måneder fra 02.03.2026 gir 02.06.2026.",
        "Første møte i kommunestyret saken kan nå: 15.10.2026 (saksdokumenter innen 01.10.2026).",
        "Forventet vedtak 15.10.2026 er etter behandlingsmålet.",
    )


def test_expected_decision_is_never_before_the_target() -> None:
    # Ready at once: the March meeting is reachable, but the target (02.06.2026) is later.
    result = expected_decision_date(D("2026-03-02"), "kommunestyre", plan=PLAN)
    assert result.meeting_on == D("2026-03-26")
    assert result.expected_on == D("2026-06-02") and not result.beyond_target


def test_expected_decision_when_the_plan_has_no_more_meetings() -> None:
    plan = MeetingPlan(meetings={"formannskap": (D("2026-03-12"),)})
    result = expected_decision_date(D("2026-03-02"), "formannskap", ready_on=D("2026-05-01"), plan=plan)
    assert result.meeting_on is None and result.expected_on == result.target_on == D("2026-04-13")
    assert "ingen møter" in result.reasons[1]


def test_ready_on_before_received_on_counts_from_received() -> None:
    result = expected_decision_date(D("2026-03-02"), "leder", ready_on=D("2026-01-01"))
    assert result.ready_on == D("2026-03-02")


def test_configuration_files_load() -> None:
    targets = targets_from_dict(json.loads((PROJECT_ROOT / "fixtures" / "processing_targets.json").read_text()))
    assert targets == dict(DEFAULT_TARGETS)
    plan = meeting_plan_from_dict(json.loads((PROJECT_ROOT / "fixtures" / "meeting_plan.json").read_text()))
    assert plan.meets("kommunestyre") and plan.meets("formannskap") and not plan.meets("leder")
    assert plan.recess_months == frozenset({7, 8, 9, 12})
    for body in ("kommunestyre", "formannskap"):
        dates = list(plan.meetings_from(body, D("2026-01-01"), horizon_days=3 * 365))
        assert dates and all(d.month not in plan.recess_months for d in dates)
        assert all(d.weekday() < 5 for d in dates)


def test_meeting_plan_from_dict_validates() -> None:
    with pytest.raises(ValueError):
        meeting_plan_from_dict({"recess_months": [13]})
    with pytest.raises(ValueError):
        meeting_plan_from_dict({"bodies": {"kommunestyre": {"document_days": -1}}})
    plan = meeting_plan_from_dict({"bodies": {"_note": {}, "kommunestyre": {"dates": ["2026-05-07", "2026-03-26"]}}})
    assert plan.meetings == {"kommunestyre": (D("2026-03-26"), D("2026-05-07"))}
    assert targets_from_dict({"leder": "2w", "_comment": "x"}) == {"leder": Period(weeks=2)}
