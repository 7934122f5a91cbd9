"""Tests for the point system (alkoholforskriften kap. 10)."""

import json
from dataclasses import FrozenInstanceError, replace
from datetime import date
from pathlib import Path

import pytest

from engine.rules.points import (
    ALKF_2016,
    EIGHT_POINT,
    RULE_SETS,
    PointAward,
    RuleSet,
    Violation,
    adjustment_error,
    award_points,
    count_points,
    implementation_warning,
    point_status,
    points_for_control,
    rule_set,
    rule_set_from_dict,
    rule_set_to_dict,
    score_control,
    suspension_days,
    suspension_end,
    years_before,
)

REUSE_2016 = replace(ALKF_2016, reuse_consumed_points=True)


# --- rule sets ---------------------------------------------------------------------------------


def test_rule_set_constants() -> None:
    expected_eight = RuleSet("8-point", 8, 3, False, False, 12)
    expected_2016 = RuleSet("alkf-2016", 12, 2, True, False, 12)
    assert expected_eight == EIGHT_POINT
    assert expected_2016 == ALKF_2016
    assert set(RULE_SETS) == {"8-point", "alkf-2016"}


@pytest.mark.parametrize(("name", "expected"), [("8-point", EIGHT_POINT), ("alkf-2016", ALKF_2016)])
def test_rule_set_lookup(name: str, expected: RuleSet) -> None:
    assert rule_set(name) is expected


def test_unknown_rule_set_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="unknown point rule set 'alkf-2026'.*8-point.*alkf-2016"):
        rule_set("alkf-2026")


def test_rule_set_is_frozen() -> None:
    with pytest.raises(FrozenInstanceError):
        ALKF_2016.threshold = 8  # type: ignore[misc]


# --- suspension days (alkf. § 10-2, Helsedirektoratet table, legal.md § 1.4) ----------------------


@pytest.mark.parametrize(
    ("total", "threshold", "days"),
    [
        # alkf-2016, threshold 12
        (0, 12, 0),
        (11, 12, 0),
        (12, 12, 7),
        (13, 12, 8),
        (14, 12, 9),
        (15, 12, 9),
        (16, 12, 10),
        (20, 12, 12),
        (22, 12, 13),
        (23, 12, 13),
        (24, 12, 14),
        (25, 12, 15),  # e = 13: one week + 1 day
        (36, 12, 21),  # e = 24: two weeks extra
        # 8-point, threshold 8
        (7, 8, 0),
        (8, 8, 7),
        (9, 8, 8),
        (12, 8, 10),
        (16, 8, 12),
        (20, 8, 14),
        (21, 8, 15),
    ],
)
def test_suspension_days(total: int, threshold: int, days: int) -> None:
    assert suspension_days(total, threshold) == days


@pytest.mark.parametrize(
    ("extra", "extra_days"),
    [(1, 1), (2, 2), (3, 2), (4, 3), (5, 3), (6, 4), (7, 4), (8, 5), (9, 5), (10, 6), (11, 6), (12, 7)],
)
def test_day_table_above_threshold(extra: int, extra_days: int) -> None:
    """The Helsedirektoratet table: points above the threshold → extra days."""
    for threshold in (8, 12):
        assert suspension_days(threshold + extra, threshold) == 7 + extra_days


def test_suspension_days_rejects_non_positive_threshold() -> None:
    with pytest.raises(ValueError, match="threshold"):
        suspension_days(5, 0)


# --- window (alkf. § 10-2) -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("d", "years", "expected"),
    [
        (date(2026, 3, 5), 2, date(2024, 3, 5)),
        (date(2024, 2, 29), 2, date(2022, 2, 28)),
        (date(2028, 2, 29), 3, date(2025, 2, 28)),
        (date(2028, 2, 29), 4, date(2024, 2, 29)),
    ],
)
def test_years_before(d: date, years: int, expected: date) -> None:
    assert years_before(d, years) == expected


@pytest.mark.parametrize(
    ("rules", "old_violation", "counts"),
    [
        (ALKF_2016, date(2024, 6, 10), True),  # exactly two years before: boundary included
        (ALKF_2016, date(2024, 6, 9), False),  # one day earlier: outside
        (EIGHT_POINT, date(2023, 6, 10), True),  # exactly three years before
        (EIGHT_POINT, date(2023, 6, 9), False),
        (EIGHT_POINT, date(2024, 6, 9), True),  # outside two years, inside three
    ],
)
def test_window_boundary(rules: RuleSet, old_violation: date, counts: bool) -> None:
    newest = PointAward("new", date(2026, 6, 10), 4)
    old = PointAward("old", old_violation, 2)
    result = count_points([newest, old], rules)
    assert result.window_start == years_before(date(2026, 6, 10), rules.window_years)
    assert (old in result.counting) is counts
    assert result.total == (6 if counts else 4)


def test_window_boundary_on_leap_day() -> None:
    newest = PointAward("new", date(2028, 2, 29), 4)
    on_boundary = PointAward("edge", date(2026, 2, 28), 4)
    before = PointAward("before", date(2026, 2, 27), 4)
    result = count_points([newest, on_boundary, before], ALKF_2016)
    assert result.window_start == date(2026, 2, 28)
    assert result.counting == (on_boundary, newest)


def test_window_is_measured_from_the_newest_violation_not_input_order() -> None:
    awards = [
        PointAward("b", date(2026, 1, 10), 4),
        PointAward("a", date(2023, 1, 10), 4),
        PointAward("c", date(2025, 5, 1), 2),
    ]
    result = count_points(awards, ALKF_2016)
    assert [a.award_id for a in result.counting] == ["c", "b"]
    assert result.total == 6
    assert result.window_start == date(2024, 1, 10)


def test_as_of_moves_the_window() -> None:
    awards = [
        PointAward("a", date(2024, 3, 1), 8),
        PointAward("b", date(2025, 3, 1), 4),
        PointAward("c", date(2026, 5, 1), 4),
    ]
    # On 2026-04-01 the window is 2024-04-01..2026-04-01: only "b" counts ("c" is later).
    now = count_points(awards, ALKF_2016, as_of=date(2026, 4, 1))
    assert now.window_start == date(2024, 4, 1)
    assert [a.award_id for a in now.counting] == ["b"]
    assert now.total == 4
    # On 2025-06-01 both "a" and "b" count.
    earlier = count_points(awards, ALKF_2016, as_of=date(2025, 6, 1))
    assert earlier.total == 12
    assert earlier.threshold_reached


def test_no_awards() -> None:
    result = count_points([], ALKF_2016)
    assert result.counting == ()
    assert result.total == 0
    assert not result.threshold_reached
    assert result.points_remaining == 12
    assert result.window_start is None
    assert result.period_start is None


def test_no_awards_as_of_still_gives_window() -> None:
    result = count_points([], EIGHT_POINT, as_of=date(2026, 4, 1))
    assert result.window_start == date(2023, 4, 1)
    assert result.total == 0
    assert result.points_remaining == 8


# --- exclusions -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("transfer", "expected_ids"),
    [
        (None, ["before", "on", "after"]),
        (date(2025, 9, 1), ["on", "after"]),  # violation on the transfer day counts (alkl. § 1-10)
        (date(2025, 9, 2), ["after"]),
        (date(2026, 2, 1), []),
    ],
)
def test_transfer_of_ownership_starts_new_period(transfer: date | None, expected_ids: list[str]) -> None:
    awards = [
        PointAward("before", date(2025, 8, 31), 4),
        PointAward("on", date(2025, 9, 1), 4),
        PointAward("after", date(2026, 1, 15), 4),
    ]
    result = count_points(awards, ALKF_2016, latest_transfer=transfer)
    assert [a.award_id for a in result.counting] == expected_ids
    assert result.total == 4 * len(expected_ids)
    assert result.period_start == transfer


def test_transfer_excluded_award_does_not_set_the_window() -> None:
    """The window ends on the newest *eligible* violation."""
    awards = [PointAward("old-owner", date(2026, 3, 1), 8), PointAward("new-owner", date(2026, 1, 1), 2)]
    result = count_points(awards, ALKF_2016, latest_transfer=date(2025, 12, 1))
    assert result.total == 10
    result = count_points(awards, ALKF_2016, latest_transfer=date(2026, 2, 1))
    assert result.total == 8


@pytest.mark.parametrize(
    ("rules", "expected_total"),
    [(ALKF_2016, 4), (REUSE_2016, 12)],
)
def test_consumed_points(rules: RuleSet, expected_total: int) -> None:
    awards = [
        PointAward("used", date(2025, 9, 20), 8, consumed=True),
        PointAward("fresh", date(2026, 1, 5), 4),
    ]
    assert count_points(awards, rules).total == expected_total


@pytest.mark.parametrize("rules", [ALKF_2016, REUSE_2016, EIGHT_POINT])
def test_annulled_points_never_count(rules: RuleSet) -> None:
    awards = [
        PointAward("annulled", date(2026, 1, 5), 8, annulled=True),
        PointAward("annulled-consumed", date(2026, 1, 6), 8, consumed=True, annulled=True),
        PointAward("valid", date(2025, 12, 1), 2),
    ]
    result = count_points(awards, rules)
    assert [a.award_id for a in result.counting] == ["valid"]
    assert result.total == 2
    # The window ends on the newest counted violation, not on the annulled one.
    assert result.window_start == years_before(date(2025, 12, 1), rules.window_years)


@pytest.mark.parametrize(
    ("rules", "points", "reached", "remaining"),
    [
        (ALKF_2016, [4, 4, 2], False, 2),
        (ALKF_2016, [4, 4, 4], True, 0),
        (ALKF_2016, [8, 8], True, 0),
        (EIGHT_POINT, [4, 2], False, 2),
        (EIGHT_POINT, [8], True, 0),
    ],
)
def test_threshold_and_remaining(rules: RuleSet, points: list[int], reached: bool, remaining: int) -> None:
    awards = [PointAward(f"a{i}", date(2026, 1, 1 + i), p) for i, p in enumerate(points)]
    result = count_points(awards, rules)
    assert result.threshold == rules.threshold
    assert result.threshold_reached is reached
    assert result.points_remaining == remaining


# --- like breaches at one control (alkf. § 10-2) ---------------------------------------------------

INTOXICATED = "alkf. § 4-2 første ledd"  # skjenking til åpenbart påvirket: 4
HOURS = "alkl. § 4-4"  # skjenketid: 4
MINOR = "alkl. § 1-5 annet ledd"  # skjenking til mindreårig: 8
AGE_18_19 = "alkl. § 1-5 første ledd"  # gruppe 3 til 18/19-åring: 4
ALTERNATIVES = "alkf. § 4-6"  # alkoholfrie alternativer: 1


@pytest.mark.parametrize(
    ("violations", "expected"),
    [
        ([], []),
        (
            [Violation("V1", INTOXICATED, 4), Violation("V2", INTOXICATED, 4)],
            [Violation("V1", INTOXICATED, 4)],
        ),
        (
            [Violation("V1", INTOXICATED, 4), Violation("V3", HOURS, 4)],
            [Violation("V1", INTOXICATED, 4), Violation("V3", HOURS, 4)],
        ),
        (
            # Same provision, different points (e.g. § 10-4 adjustment): keep the highest.
            [
                Violation("V9", ALTERNATIVES, 1),
                Violation("V1", INTOXICATED, 4),
                Violation("V9", ALTERNATIVES, 2),
            ],
            [Violation("V9", ALTERNATIVES, 2), Violation("V1", INTOXICATED, 4)],
        ),
        (
            # Different ledd of the same section are different provisions.
            [Violation("M", MINOR, 8), Violation("G3", AGE_18_19, 4)],
            [Violation("M", MINOR, 8), Violation("G3", AGE_18_19, 4)],
        ),
        (
            # Spacing and case do not make two provisions different.
            [Violation("V1", "alkf. § 4-2 første ledd", 4), Violation("V2", "Alkf.  §  4-2 første  ledd", 4)],
            [Violation("V1", "alkf. § 4-2 første ledd", 4)],
        ),
    ],
)
def test_points_for_control(violations: list[Violation], expected: list[Violation]) -> None:
    assert points_for_control(violations) == expected


# --- legal.md § 1.8 worked example -----------------------------------------------------------------


def _control_awards(prefix: str, on: date, violations: list[Violation]) -> list[PointAward]:
    return [PointAward(f"{prefix}-{v.code}", on, v.points) for v in points_for_control(violations)]


def test_legal_worked_example() -> None:
    first = _control_awards(
        "k1", date(2025, 2, 14), [Violation("PAVIRKET", INTOXICATED, 4), Violation("TID", HOURS, 4)]
    )
    assert sum(a.points for a in first) == 8

    second = _control_awards(
        "k2",
        date(2025, 9, 20),
        [Violation("PAVIRKET", INTOXICATED, 4), Violation("PAVIRKET", INTOXICATED, 4)],
    )
    assert sum(a.points for a in second) == 4

    awards = first + second
    result = count_points(awards, ALKF_2016)
    assert result.total == 12
    assert result.threshold_reached
    assert suspension_days(result.total, ALKF_2016.threshold) == 7

    # After the suspension decision the points behind it are consumed.
    consumed_ids = {a.award_id for a in result.counting}
    awards = [replace(a, consumed=True) if a.award_id in consumed_ids else a for a in awards]

    third = _control_awards("k3", date(2026, 3, 5), [Violation("MINDREARIG", MINOR, 8)])
    awards += third

    no_reuse = count_points(awards, ALKF_2016)
    assert no_reuse.total == 8
    assert not no_reuse.threshold_reached
    assert no_reuse.points_remaining == 4
    assert suspension_days(no_reuse.total, ALKF_2016.threshold) == 0

    reuse = count_points(awards, REUSE_2016)
    assert reuse.total == 20
    assert reuse.threshold_reached
    assert suspension_days(reuse.total, REUSE_2016.threshold) == 12


def test_worked_example_under_eight_point_rules() -> None:
    """Under the 8-point default the first control alone reaches the threshold."""
    awards = [PointAward("k1-a", date(2025, 2, 14), 4), PointAward("k1-b", date(2025, 2, 14), 4)]
    result = count_points(awards, EIGHT_POINT)
    assert result.total == 8
    assert result.threshold_reached
    assert suspension_days(result.total, EIGHT_POINT.threshold) == 7


# --- rule sets as data ------------------------------------------------------------------------------

RULE_SETS_FILE = Path(__file__).resolve().parents[3] / "fixtures" / "rule_sets.json"


def test_rule_set_file_matches_the_built_in_rule_sets() -> None:
    raw = json.loads(RULE_SETS_FILE.read_text(encoding="utf-8"))
    loaded = {r.name: r for r in map(rule_set_from_dict, raw["rule_sets"])}
    assert loaded == {"8-point": EIGHT_POINT, "alkf-2016": ALKF_2016}
    assert raw["default"] == "8-point"
    assert all(r.delegation_limit_days == 14 and not r.reuse_consumed_points for r in loaded.values())


def test_rule_set_round_trips_through_plain_data() -> None:
    data = rule_set_to_dict(ALKF_2016)
    assert data["label"] == "alkf-2016 v1" == ALKF_2016.label
    assert rule_set_from_dict(data) == ALKF_2016
    assert rule_set_from_dict({**data, "valid_from": "2030-01-01", "version": 2}) == replace(
        ALKF_2016, valid_from=date(2030, 1, 1), version="2"
    )


# --- helpers for the process scripts ----------------------------------------------------------------

CATALOGUE_CODES = ["mindrearig", "apenbart_pavirket_skjenking", "medbrakt", "ut_av_lokalet"]
CATALOGUE_POINTS = [8, 4, 1, 1]
CATALOGUE_PROVISIONS = [MINOR, INTOXICATED, "alkf. § 4-4", "alkf. § 4-4"]


def test_score_control_pairs_codes_with_the_catalogue_and_merges_like_breaches() -> None:
    scored = score_control(
        ["ut_av_lokalet", "apenbart_pavirket_skjenking", "medbrakt", "apenbart_pavirket_skjenking"],
        CATALOGUE_CODES,
        CATALOGUE_POINTS,
        CATALOGUE_PROVISIONS,
    )
    assert scored == [
        {"code": "ut_av_lokalet", "provision": "alkf. § 4-4", "points": 1, "label": ""},
        {"code": "apenbart_pavirket_skjenking", "provision": INTOXICATED, "points": 4, "label": ""},
    ]


def test_score_control_rejects_codes_outside_the_catalogue() -> None:
    with pytest.raises(ValueError, match="not in the points catalogue: ukjent"):
        score_control(["mindrearig", "ukjent"], CATALOGUE_CODES, CATALOGUE_POINTS, CATALOGUE_PROVISIONS)


VIOLATIONS = [
    {"code": "skjenketid", "provision": HOURS, "points": 4, "label": "Skjenketid"},
    {"code": "alkoholfritt", "provision": ALTERNATIVES, "points": 1, "label": "Alkoholfritt"},
]


@pytest.mark.parametrize(
    ("adjust", "code", "points", "justification", "problem"),
    [
        (False, None, None, None, None),
        (True, "skjenketid", 2, "Svært formildende.", None),
        (True, "skjenketid", 8, "Svært skjerpende.", None),
        (True, "mindrearig", 2, "x", "Bruddet «mindrearig» gir ikke prikker ved denne kontrollen."),
        (True, "skjenketid", 4, "x", "Justeringen etter § 10-4 må endre antallet prikker"),
        (True, "skjenketid", 2, "  ", "En justering etter § 10-4 må ha en særskilt begrunnelse."),
        (True, "skjenketid", None, "x", "Oppgi antall prikker etter justeringen."),
    ],
)
def test_adjustment_error(
    adjust: bool, code: str | None, points: int | None, justification: str | None, problem: str | None
) -> None:
    error = adjustment_error(VIOLATIONS, adjust, code, points, justification)
    if problem is None:
        assert error is None
    else:
        assert error is not None and error.startswith(problem)


def test_award_points_keys_dates_and_adjustment() -> None:
    awards = award_points(VIOLATIONS, "2026/0007", date(2026, 1, 30), True, "skjenketid", 2, " Formildende. ")
    assert [(a["key"], a["code"], a["standard_points"], a["points"], a["justification"]) for a in awards] == [
        ("2026/0007-1", "skjenketid", 4, 2, "Formildende."),
        ("2026/0007-2", "alkoholfritt", 1, 1, None),
    ]
    assert {a["violation_date"] for a in awards} == {date(2026, 1, 30)}
    with pytest.raises(ValueError, match="særskilt begrunnelse"):
        award_points(VIOLATIONS, "2026/0007", date(2026, 1, 30), True, "skjenketid", 2, "")


def test_point_status_counts_award_dicts() -> None:
    awards = [
        {"key": "a", "violation_date": "2025-02-14", "points": 8, "consumed": True},
        {"key": "b", "violation_date": date(2025, 9, 20), "points": 4},
        {"key": "c", "violation_date": date(2026, 3, 5), "points": 8},
    ]
    status = point_status(awards, rule_set_to_dict(ALKF_2016))
    assert status == {
        "rule_set": "alkf-2016 v1",
        "total": 12,
        "threshold": 12,
        "threshold_reached": True,
        "points_remaining": 0,
        "window_start": date(2024, 3, 5),
        "period_start": None,
        "counting": [awards[1], awards[2]],
        "proposed_days": 7,
    }
    assert point_status(awards, EIGHT_POINT, latest_transfer=date(2026, 1, 1))["total"] == 8
    with pytest.raises(ValueError, match="duplicate point award 'b'"):
        point_status([awards[1], awards[1]], ALKF_2016)


def test_suspension_end_counts_both_days() -> None:
    assert suspension_end(date(2026, 3, 23), 7) == date(2026, 3, 29)
    assert suspension_end(date(2026, 3, 23), 1) == date(2026, 3, 23)
    with pytest.raises(ValueError):
        suspension_end(date(2026, 3, 23), 0)


@pytest.mark.parametrize(
    ("implementation_deadline", "appeal_deadline", "warned"),
    [
        (date(2026, 4, 7), date(2026, 4, 7), True),  # DOMAIN.md: decided 10.03, notified 12.03
        (date(2026, 4, 7), date(2026, 4, 8), True),
        (date(2026, 4, 7), date(2026, 4, 1), False),
    ],
)
def test_implementation_warning(implementation_deadline: date, appeal_deadline: date, warned: bool) -> None:
    warning = implementation_warning(implementation_deadline, appeal_deadline)
    assert (warning is not None) is warned
    if warning:
        assert "07.04.2026 (alkf. § 10-6)" in warning and "fvl § 42" in warning
