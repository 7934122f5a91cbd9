"""The point system (prikktildeling) of alkoholforskriften kapittel 10.

Two rule sets are supported (DOMAIN.md, "Rule sets"): the product's default
`8-point` set from the 2013 consultation paper and `alkf-2016`, the regulation as
in force. The rule set is data; the arithmetic here is shared.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Final

STANDARD_SUSPENSION_DAYS: Final = 7  # alkf. § 10-2: inndragning for én uke at the threshold
POINTS_PER_EXTRA_WEEK: Final = 12  # Helsedirektoratet guidance: 12 extra points = +1 week


@dataclass(frozen=True)
class RuleSet:
    """A versioned set of point rules; one is active per municipality."""

    name: str
    threshold: int  # points within the window that lead to suspension
    window_years: int  # length of the window, measured on violation dates
    point_decision_is_enkeltvedtak: bool  # alkf. § 10-5: forhåndsvarsel and appeal
    reuse_consumed_points: bool = False  # may points behind one suspension count again?
    week_block_points: int = POINTS_PER_EXTRA_WEEK  # extra points that add a whole week


# Consultation paper (HOD høringsnotat 2013): 8 points within 3 years; a point is
# an "avgjørelse", not an enkeltvedtak.
EIGHT_POINT: Final = RuleSet("8-point", 8, 3, False)

# alkoholforskriften kap. 10 as in force from 1.1.2016: 12 points within 2 years
# (§ 10-2); the point decision is an enkeltvedtak (§ 10-5).
ALKF_2016: Final = RuleSet("alkf-2016", 12, 2, True)

RULE_SETS: Final = MappingProxyType({r.name: r for r in (EIGHT_POINT, ALKF_2016)})


def rule_set(name: str) -> RuleSet:
    """The rule set called `name`; KeyError naming the known sets if there is none."""
    try:
        return RULE_SETS[name]
    except KeyError:
        known = ", ".join(sorted(RULE_SETS))
        raise KeyError(f"unknown point rule set {name!r}; known rule sets: {known}") from None


def suspension_days(total_points: int, threshold: int, week_block_points: int = POINTS_PER_EXTRA_WEEK) -> int:
    """Standard length of a suspension, in days, for `total_points` points.

    # alkf. § 10-2: at the threshold the licence is withdrawn for one week.
    # Above it (Helsedirektoratet guidance, legal.md § 1.4): for e extra points,
    # 1..12 give ⌊e/2⌋ + 1 extra days; every further 12 points add a whole week.
    # § 10-4 (særlige forhold) may deviate; that is a decision, not computed here.
    """
    if threshold <= 0:
        raise ValueError(f"threshold must be positive: {threshold}")
    if total_points < threshold:
        return 0
    extra_points = total_points - threshold
    weeks, rest = divmod(extra_points, week_block_points)
    extra_days = STANDARD_SUSPENSION_DAYS * weeks + (rest // 2 + 1 if rest > 0 else 0)
    return STANDARD_SUSPENSION_DAYS + extra_days


@dataclass(frozen=True)
class PointAward:
    """Points given by one point decision, dated by the violation (not the decision)."""

    award_id: str
    violation_date: date
    points: int
    consumed: bool = False  # already the basis of a suspension
    annulled: bool = False  # set aside, e.g. on appeal


@dataclass(frozen=True)
class PointCount:
    """The result of counting a licensee's points under a rule set."""

    counting: tuple[PointAward, ...]  # the awards that count, oldest first
    total: int
    threshold: int
    threshold_reached: bool
    points_remaining: int  # points still needed to reach the threshold
    window_start: date | None  # first day of the window (inclusive); None if nothing to count
    period_start: date | None  # the latest transfer of ownership, if any


def years_before(d: date, years: int) -> date:
    """The same calendar date `years` years before `d`; 29 February becomes 28 February."""
    try:
        return d.replace(year=d.year - years)
    except ValueError:
        return d.replace(year=d.year - years, day=28)


def _is_eligible(award: PointAward, rule_set: RuleSet, latest_transfer: date | None) -> bool:
    if award.annulled:
        return False
    if award.consumed and not rule_set.reuse_consumed_points:
        return False  # consultation paper § 2.7.4: points behind a suspension are not reused
    # alkoholloven § 1-10: a transfer of ownership starts a new period; a violation
    # on the transfer day itself belongs to the new owner.
    return latest_transfer is None or award.violation_date >= latest_transfer


def count_points(
    awards: Iterable[PointAward],
    rule_set: RuleSet,
    latest_transfer: date | None = None,
    as_of: date | None = None,
) -> PointCount:
    """Sum the points that count towards a suspension.

    # alkf. § 10-2: the window is measured on violation dates, so slow case handling
    # neither helps nor hurts the licensee. It ends on the newest eligible violation
    # date (or on `as_of`, to show what counts on a given day) and reaches back
    # `window_years` to the same calendar date; both boundary days are included.
    """
    eligible = [a for a in awards if _is_eligible(a, rule_set, latest_transfer)]
    window_end = as_of
    if window_end is None and eligible:
        window_end = max(a.violation_date for a in eligible)

    window_start: date | None = None
    counting: tuple[PointAward, ...] = ()
    if window_end is not None:
        window_start = years_before(window_end, rule_set.window_years)
        counting = tuple(
            sorted(
                (a for a in eligible if window_start <= a.violation_date <= window_end),
                key=lambda a: (a.violation_date, a.award_id),
            )
        )

    total = sum(a.points for a in counting)
    return PointCount(
        counting=counting,
        total=total,
        threshold=rule_set.threshold,
        threshold_reached=total >= rule_set.threshold,
        points_remaining=max(rule_set.threshold - total, 0),
        window_start=window_start,
        period_start=latest_transfer,
    )


@dataclass(frozen=True)
class Violation:
    """One breach found at a control, with its catalogue code and points (alkf. § 10-3)."""

    code: str
    provision: str  # the provision or licence condition breached
    points: int


def _provision_key(provision: str) -> str:
    """Compare provisions ignoring case and spacing ("§ 4-2" == "§  4-2")."""
    return " ".join(provision.split()).casefold()


def points_for_control(violations: Iterable[Violation]) -> list[Violation]:
    """The violations from one control that give points.

    # alkf. § 10-2: "likeartede brudd" found at the same control count as one
    # breach. Like breaches are breaches of the same provision or vilkår, a
    # mechanical test. We keep one violation per provision, the one with the most
    # points (the first one on a tie), in the order the provisions first appear.
    """
    kept: dict[str, Violation] = {}
    for violation in violations:
        key = _provision_key(violation.provision)
        current = kept.get(key)
        if current is None or violation.points > current.points:
            kept[key] = violation
    return list(kept.values())
