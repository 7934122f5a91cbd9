"""Pure statutory rules: Norwegian calendar, deadlines, licence period and points.

No I/O and no reading of the clock: every function takes the dates it needs.
"""

from engine.rules.appeals import appeal_is_timely
from engine.rules.calendar import (
    holiday_name,
    is_working_day,
    next_working_day_on_or_after,
    non_working_reason,
    previous_working_day_on_or_before,
)
from engine.rules.deadlines import (
    DeadlineExplanation,
    SkippedDay,
    appeal_deadline,
    explain_party_deadline,
    format_deadline,
    format_short,
    internal_deadline,
    party_deadline,
    timer_at,
)
from engine.rules.licence import licence_period_end, sitting_council_election_year
from engine.rules.points import (
    ALKF_2016,
    EIGHT_POINT,
    RULE_SETS,
    PointAward,
    PointCount,
    RuleSet,
    Violation,
    count_points,
    points_for_control,
    rule_set,
    suspension_days,
    years_before,
)

__all__ = [
    "ALKF_2016",
    "EIGHT_POINT",
    "RULE_SETS",
    "DeadlineExplanation",
    "PointAward",
    "PointCount",
    "RuleSet",
    "SkippedDay",
    "Violation",
    "appeal_deadline",
    "appeal_is_timely",
    "count_points",
    "explain_party_deadline",
    "format_deadline",
    "format_short",
    "holiday_name",
    "internal_deadline",
    "is_working_day",
    "licence_period_end",
    "next_working_day_on_or_after",
    "non_working_reason",
    "party_deadline",
    "points_for_control",
    "previous_working_day_on_or_before",
    "rule_set",
    "sitting_council_election_year",
    "suspension_days",
    "timer_at",
    "years_before",
]
