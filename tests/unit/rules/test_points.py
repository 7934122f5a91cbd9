"""Tests for the point system (alkoholforskriften kap. 10)."""

from dataclasses import FrozenInstanceError, replace
from datetime import date

import pytest

from engine.rules.points import (
    ALKF_2016,
    EIGHT_POINT,
    RULE_SETS,
    PointAward,
    RuleSet,
    Violation,
    count_points,
    points_for_control,
    rule_set,
    suspension_days,
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
