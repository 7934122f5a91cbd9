"""The point system (prikktildeling) of alkoholforskriften kapittel 10.

Two rule sets are supported (DOMAIN.md, "Rule sets"): the product's default
`8-point` set from the 2013 consultation paper and `alkf-2016`, the regulation as
in force. The rule set is data; the arithmetic here is shared.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from types import MappingProxyType
from typing import Any, Final

from engine.rules.deadlines import format_short

STANDARD_SUSPENSION_DAYS: Final = 7  # alkf. § 10-2: inndragning for én uke at the threshold
POINTS_PER_EXTRA_WEEK: Final = 12  # Helsedirektoratet guidance: 12 extra points = +1 week
POINT_SYSTEM_START: Final = date(2016, 1, 1)  # alkl. § 1-8: violations committed from 1.1.2016
DELEGATION_LIMIT_DAYS: Final = 14  # Nesseby: the administration may suspend for up to 14 days


@dataclass(frozen=True)
class RuleSet:
    """A versioned set of point rules; one is active per municipality."""

    name: str
    threshold: int  # points within the window that lead to suspension
    window_years: int  # length of the window, measured on violation dates
    point_decision_is_enkeltvedtak: bool  # alkf. § 10-5: forhåndsvarsel and appeal
    reuse_consumed_points: bool = False  # may points behind one suspension count again?
    week_block_points: int = POINTS_PER_EXTRA_WEEK  # extra points that add a whole week
    version: str = "1"  # the rule set's version; a case records the name and version it ran under
    valid_from: date = POINT_SYSTEM_START  # first violation date the version applies to
    delegation_limit_days: int = DELEGATION_LIMIT_DAYS  # suspensions up to this many days: administration

    @property
    def label(self) -> str:
        """Name and version, e.g. "alkf-2016 v1"."""
        return f"{self.name} v{self.version}"


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


def rule_set_from_dict(data: Mapping[str, Any]) -> RuleSet:
    """A rule set from plain data: an entry of the rule set file, or the copy a case keeps.

    Keys that are not rule set fields (e.g. a "source" note) are ignored; `valid_from` may be
    a date or an ISO string and `version` is always text.
    """
    fields = RuleSet.__dataclass_fields__
    values = {key: value for key, value in data.items() if key in fields}
    if "valid_from" in values:
        values["valid_from"] = _as_date(values["valid_from"])
    if "version" in values:
        values["version"] = str(values["version"])
    return RuleSet(**values)


def rule_set_to_dict(rule_set: RuleSet) -> dict[str, Any]:
    """The rule set as plain data, as a case records it in its start data."""
    return {**asdict(rule_set), "label": rule_set.label}


def _as_rule_set(value: RuleSet | Mapping[str, Any]) -> RuleSet:
    return value if isinstance(value, RuleSet) else rule_set_from_dict(value)


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


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


# --- helpers for the BPMN scripts: plain dicts in, plain dicts out (task data must serialize) -------


def score_control(
    codes: Sequence[str],
    catalogue_codes: Sequence[str],
    catalogue_points: Sequence[int],
    catalogue_provisions: Sequence[str],
    catalogue_labels: Sequence[str] | None = None,
) -> list[dict[str, Any]]:
    """The violations found at one control that give points, as dicts (code, provision, points, label).

    `codes` are the violation codes of the control report in its order; the `catalogue_*` lists
    are the catalogue entries for those codes, one per entry (the points catalogue DMN table's
    COLLECT output). Like breaches count once (`points_for_control`, alkf. § 10-2).
    """
    labels = list(catalogue_labels) if catalogue_labels is not None else [""] * len(catalogue_codes)
    if not len(catalogue_codes) == len(catalogue_points) == len(catalogue_provisions) == len(labels):
        raise ValueError("the catalogue lists must have the same length")
    entries = {
        code: (int(points), provision, label)
        for code, points, provision, label in zip(
            catalogue_codes, catalogue_points, catalogue_provisions, labels, strict=True
        )
    }
    unknown = [code for code in codes if code not in entries]
    if unknown:
        raise ValueError(f"violation codes not in the points catalogue: {', '.join(unknown)}")
    kept = points_for_control(Violation(code, entries[code][1], entries[code][0]) for code in codes)
    return [{"code": v.code, "provision": v.provision, "points": v.points, "label": entries[v.code][2]} for v in kept]


def adjustment_error(
    violations: Sequence[Mapping[str, Any]],
    adjust: bool,
    code: str | None,
    points: int | None,
    justification: str | None,
) -> str | None:
    """Why a § 10-4 adjustment cannot be applied (Norwegian text), or None.

    # alkf. § 10-4: fewer points only for "helt spesielle og svært formildende
    # omstendigheter", more for "svært skjerpende"; either way the decision must give a
    # særskilt begrunnelse. The adjustment names one of the control's violations.
    """
    if not adjust:
        return None
    codes = [str(v["code"]) for v in violations]
    if code not in codes:
        return f"Bruddet «{code}» gir ikke prikker ved denne kontrollen. Velg et av: {', '.join(codes)}."
    if points is None or points < 0:
        return "Oppgi antall prikker etter justeringen."
    standard = next(int(v["points"]) for v in violations if v["code"] == code)
    if points == standard:
        return f"Justeringen etter § 10-4 må endre antallet prikker ({standard} er normalen for bruddet)."
    if not (justification or "").strip():
        return "En justering etter § 10-4 må ha en særskilt begrunnelse."
    return None


def award_points(
    violations: Sequence[Mapping[str, Any]],
    reference: str,
    violation_date: date,
    adjust: bool = False,
    adjusted_code: str | None = None,
    adjusted_points: int | None = None,
    justification: str | None = None,
) -> list[dict[str, Any]]:
    """The point awards of one control: one per violation, keyed "<case reference>-<n>".

    The violation date is the control date (alkf. § 10-2 counts on violation dates).
    """
    error = adjustment_error(violations, adjust, adjusted_code, adjusted_points, justification)
    if error:
        raise ValueError(error)
    awards = []
    for number, violation in enumerate(violations, start=1):
        adjusted = adjust and violation["code"] == adjusted_code and adjusted_points is not None
        awards.append(
            {
                "key": f"{reference}-{number}",
                "code": violation["code"],
                "provision": violation["provision"],
                "label": violation.get("label", ""),
                "standard_points": int(violation["points"]),
                "points": int(adjusted_points) if adjusted else int(violation["points"]),
                "justification": justification.strip() if adjusted and justification else None,
                "violation_date": violation_date,
                "consumed": False,
                "annulled": False,
            }
        )
    return awards


def point_status(
    awards: Iterable[Mapping[str, Any]],
    rule_set: RuleSet | Mapping[str, Any],
    latest_transfer: date | None = None,
    as_of: date | None = None,
) -> dict[str, Any]:
    """`count_points` over award dicts (key, violation_date, points, consumed, annulled).

    Returns plain values: the total, whether the threshold is reached, the points remaining,
    the window, the awards that count (the given dicts, oldest first) and the standard number of
    days of suspension for the total (0 below the threshold).
    """
    rules = _as_rule_set(rule_set)
    by_key: dict[str, Mapping[str, Any]] = {}
    point_awards = []
    for award in awards:
        key = str(award["key"])
        if key in by_key:
            raise ValueError(f"duplicate point award {key!r}")
        by_key[key] = award
        point_awards.append(
            PointAward(
                award_id=key,
                violation_date=_as_date(award["violation_date"]),
                points=int(award["points"]),
                consumed=bool(award.get("consumed")),
                annulled=bool(award.get("annulled")),
            )
        )
    count = count_points(point_awards, rules, latest_transfer, as_of)
    return {
        "rule_set": rules.label,
        "total": count.total,
        "threshold": count.threshold,
        "threshold_reached": count.threshold_reached,
        "points_remaining": count.points_remaining,
        "window_start": count.window_start,
        "period_start": count.period_start,
        "counting": [dict(by_key[a.award_id]) for a in count.counting],
        "proposed_days": suspension_days(count.total, rules.threshold, rules.week_block_points),
    }


def suspension_end(starts_on: date, days: int) -> date:
    """The last day of a suspension of `days` days starting on `starts_on` (both days included)."""
    if days < 1:
        raise ValueError(f"a suspension lasts at least one day: {days}")
    return starts_on + timedelta(days=days - 1)


def implementation_warning(implementation_deadline: date, appeal_deadline: date) -> str | None:
    """A warning when the suspension should be implemented on or before the appeal deadline.

    # alkf. § 10-6: the suspension "bør" be implemented within four weeks after the decision
    # date; an appeal has no suspensive effect (fvl § 42), so implementing before the appeal
    # deadline (fvl § 29) may run into an appeal or a request for deferred implementation.
    """
    if implementation_deadline > appeal_deadline:
        return None
    return (
        f"Inndragningen bør iverksettes innen {format_short(implementation_deadline)} (alkf. § 10-6), "
        f"men klagefristen løper til {format_short(appeal_deadline)} (fvl § 29). "
        "Vurder om det er bedt om utsatt iverksetting (fvl § 42)."
    )
