"""Planning a case's decision date: processing-time targets and the political meeting plan.

DOMAIN.md step 5: the competent body decides within an indicative processing time (leder 4 weeks,
formannskap 6 weeks, kommunestyre 3 months), and the political bodies only decide in their
meetings (by default none in July–September and in December). A case's expected decision date is

    max(target date, the next meeting of its body whose case-document deadline the case can meet)

The target is the municipality's own deadline (DOMAIN.md "Deadlines"): it is not rolled forward;
when it ends on a non-working day it is due on the working day before. Months are calendar months:
31.01 + 1 month = 28.02 (29.02 in a leap year).

Pure functions on dates and plain data: no I/O, no clock. The service layer reads the
configuration (fixtures/processing_targets.json, fixtures/meeting_plan.json) and today's date.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Final

from engine.rules.calendar import is_working_day as _is_working_day
from engine.rules.deadlines import format_short

WorkingDay = Callable[[date], bool]

DEFAULT_RECESS_MONTHS: Final = frozenset({7, 8, 9, 12})
DEFAULT_DOCUMENT_DAYS: Final = 14

_BODY_NAMES: Final = {"leder": "leder", "formannskap": "formannskapet", "kommunestyre": "kommunestyret"}


# -- calendar arithmetic -----------------------------------------------------------------------
def add_months(start: date, months: int) -> date:
    """`start` plus whole calendar months; a day that does not exist becomes the month's last day.

    add_months(31.01.2026, 1) == 28.02.2026; add_months(31.01.2024, 1) == 29.02.2024.
    """
    index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    if year < 1:
        raise ValueError(f"{start} + {months} months is out of range")
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def previous_working_day(d: date, is_working_day: WorkingDay = _is_working_day) -> date:
    """`d` itself if it is a working day, otherwise the last working day before it."""
    while not is_working_day(d):
        d -= timedelta(days=1)
    return d


def subtract_working_days(d: date, days: int, is_working_day: WorkingDay = _is_working_day) -> date:
    """The date `days` working days before `d` (not counting `d` itself).

    subtract_working_days(07.04.2026, 3) == 30.03.2026: 06.04, 03.04 and 02.04 are Easter holidays.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    while days:
        d -= timedelta(days=1)
        if is_working_day(d):
            days -= 1
    return d


def add_working_days(d: date, days: int, is_working_day: WorkingDay = _is_working_day) -> date:
    """The date `days` working days after `d` (not counting `d` itself)."""
    if days < 0:
        raise ValueError("days must not be negative")
    while days:
        d += timedelta(days=1)
        if is_working_day(d):
            days -= 1
    return d


# -- processing-time targets -------------------------------------------------------------------
@dataclass(frozen=True)
class Period:
    """A processing time in calendar months and/or weeks ("3m", "6w", "1m2w")."""

    months: int = 0
    weeks: int = 0

    def __post_init__(self) -> None:
        if self.months < 0 or self.weeks < 0 or (self.months == 0 and self.weeks == 0):
            raise ValueError(f"a processing time must be positive: {self.months} months, {self.weeks} weeks")

    def after(self, start: date) -> date:
        return add_months(start, self.months) + timedelta(weeks=self.weeks)

    def text(self) -> str:
        parts = []
        if self.months:
            parts.append(f"{self.months} {'måned' if self.months == 1 else 'måneder'}")
        if self.weeks:
            parts.append(f"{self.weeks} {'uke' if self.weeks == 1 else 'uker'}")
        return " og ".join(parts)

    @classmethod
    def parse(cls, value: str | Mapping[str, Any]) -> Period:
        """From "3m", "6w", "1m2w" (also Norwegian "6u") or {"months": 3} / {"weeks": 6}."""
        if isinstance(value, Mapping):
            unknown = set(value) - {"months", "weeks"}
            if unknown:
                raise ValueError(f"unknown keys in a processing time: {sorted(unknown)}")
            return cls(months=int(value.get("months", 0)), weeks=int(value.get("weeks", 0)))
        text = value.strip().lower().replace(" ", "")
        match = re.fullmatch(r"(?:(\d+)m)?(?:(\d+)[wu])?", text)
        if not text or match is None:
            raise ValueError(f"not a processing time: {value!r} (use e.g. 4w, 6w, 3m)")
        return cls(months=int(match.group(1) or 0), weeks=int(match.group(2) or 0))


DEFAULT_TARGETS: Final[Mapping[str, Period]] = {
    "leder": Period(weeks=4),
    "formannskap": Period(weeks=6),
    "kommunestyre": Period(months=3),
}


def targets_from_dict(data: Mapping[str, Any]) -> dict[str, Period]:
    """Targets from configuration: {"leder": "4w", "kommunestyre": {"months": 3}, ...}.

    A `targets` key may wrap the mapping; keys starting with "_" are comments.
    """
    raw = data.get("targets", data)
    return {body: Period.parse(value) for body, value in raw.items() if not body.startswith("_")}


def target_date(
    received_on: date,
    body: str,
    targets: Mapping[str, Period] = DEFAULT_TARGETS,
    is_working_day: WorkingDay = _is_working_day,
) -> date:
    """The last day of the processing-time target for a case received on `received_on`.

    The municipality's own deadline: never extended; on a non-working day, the working day before.
    """
    try:
        period = targets[body]
    except KeyError:
        raise ValueError(f"no processing-time target for the body {body!r}") from None
    return previous_working_day(period.after(received_on), is_working_day)


# -- the meeting plan ----------------------------------------------------------------------------
@dataclass(frozen=True)
class MeetingPattern:
    """Generates meeting dates where the explicit plan ends: the `nth` `weekday` of each month.

    `weekday` is 0 = Monday … 6 = Sunday; `nth` = -1 means the last one in the month. A generated
    date that is not a working day moves to the working day before.
    """

    weekday: int
    nth: int

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6 or self.nth not in (-1, 1, 2, 3, 4):
            raise ValueError(f"invalid meeting pattern: weekday {self.weekday}, nth {self.nth}")

    def in_month(self, year: int, month: int) -> date:
        days = [
            date(year, month, day)
            for day in range(1, calendar.monthrange(year, month)[1] + 1)
            if date(year, month, day).weekday() == self.weekday
        ]
        return days[-1] if self.nth == -1 else days[self.nth - 1]


@dataclass(frozen=True)
class MeetingPlan:
    """Meeting dates of the political bodies.

    `meetings` lists the dates the bodies have adopted; from the month after the last listed date
    the body's `pattern` (if any) continues the plan, skipping the `recess_months`. A body without meetings
    (e.g. `leder`) decides continuously. `document_days` is the case-document deadline: the
    recommendation must be ready that many calendar days before the meeting (on a non-working
    day, the working day before).
    """

    meetings: Mapping[str, tuple[date, ...]] = field(default_factory=dict)
    document_days: Mapping[str, int] = field(default_factory=dict)
    patterns: Mapping[str, MeetingPattern] = field(default_factory=dict)
    recess_months: frozenset[int] = DEFAULT_RECESS_MONTHS

    def meets(self, body: str) -> bool:
        return body in self.meetings or body in self.patterns

    def meetings_from(
        self, body: str, start: date, horizon_days: int = 3 * 366, is_working_day: WorkingDay = _is_working_day
    ) -> Iterator[date]:
        """The body's meetings on or after `start`, in order, up to `horizon_days` ahead."""
        listed = sorted(self.meetings.get(body, ()))
        yield from (d for d in listed if d >= start)
        pattern = self.patterns.get(body)
        if pattern is None:
            return
        # The pattern takes over in the month after the last listed meeting.
        first = add_months(listed[-1].replace(day=1), 1) if listed else start.replace(day=1)
        year, month = first.year, first.month
        end = start + timedelta(days=horizon_days)
        while date(year, month, 1) <= end:
            if month not in self.recess_months:
                meeting = previous_working_day(pattern.in_month(year, month), is_working_day)
                if meeting >= start:
                    yield meeting
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)

    def document_deadline(self, body: str, meeting: date, is_working_day: WorkingDay = _is_working_day) -> date:
        days = self.document_days.get(body, DEFAULT_DOCUMENT_DAYS)
        return previous_working_day(meeting - timedelta(days=days), is_working_day)

    def next_meeting(
        self, body: str, ready_on: date, is_working_day: WorkingDay = _is_working_day
    ) -> tuple[date, date] | None:
        """(meeting, document deadline) of the first meeting a case ready on `ready_on` can reach."""
        for meeting in self.meetings_from(body, ready_on, is_working_day=is_working_day):
            deadline = self.document_deadline(body, meeting, is_working_day)
            if deadline >= ready_on:
                return meeting, deadline
        return None


def meeting_plan_from_dict(data: Mapping[str, Any]) -> MeetingPlan:
    """The plan from configuration (see fixtures/meeting_plan.json)::

    {"recess_months": [7, 8, 9, 12],
     "bodies": {"kommunestyre": {"document_days": 14, "dates": ["2026-01-29", ...],
                                 "pattern": {"weekday": 3, "nth": -1}}}}
    """
    meetings: dict[str, tuple[date, ...]] = {}
    document_days: dict[str, int] = {}
    patterns: dict[str, MeetingPattern] = {}
    for body, entry in data.get("bodies", {}).items():
        if body.startswith("_"):
            continue
        meetings[body] = tuple(sorted(date.fromisoformat(d) for d in entry.get("dates", [])))
        if "document_days" in entry:
            document_days[body] = int(entry["document_days"])
            if document_days[body] < 0:
                raise ValueError(f"document_days for {body} must not be negative")
        if entry.get("pattern"):
            patterns[body] = MeetingPattern(int(entry["pattern"]["weekday"]), int(entry["pattern"]["nth"]))
    recess = frozenset(int(m) for m in data.get("recess_months", DEFAULT_RECESS_MONTHS))
    if not recess <= set(range(1, 13)):
        raise ValueError(f"recess months must be 1–12: {sorted(recess)}")
    return MeetingPlan(meetings=meetings, document_days=document_days, patterns=patterns, recess_months=recess)


# -- the expected decision date --------------------------------------------------------------------
@dataclass(frozen=True)
class DecisionPlan:
    """When a case is expected to be decided, and why."""

    body: str
    received_on: date
    ready_on: date
    target_on: date
    meeting_on: date | None
    document_deadline: date | None
    expected_on: date
    reasons: tuple[str, ...]

    @property
    def beyond_target(self) -> bool:
        """True when the meeting plan (or a late case) pushes the decision past the target."""
        return self.expected_on > self.target_on


def expected_decision_date(
    received_on: date,
    body: str,
    *,
    ready_on: date | None = None,
    targets: Mapping[str, Period] = DEFAULT_TARGETS,
    plan: MeetingPlan | None = None,
    is_working_day: WorkingDay = _is_working_day,
) -> DecisionPlan:
    """The expected decision date of a case received on `received_on`, decided by `body`.

    `ready_on` is the first day the recommendation can be ready (default: the day received).
    For a body that meets, the decision comes at the first meeting whose case-document deadline
    is on or after `ready_on`; for one that does not (leder), on `ready_on` at the earliest.
    The expected date is the later of that and the processing-time target.
    """
    plan = plan or MeetingPlan()
    ready = max(ready_on or received_on, received_on)
    target = target_date(received_on, body, targets, is_working_day)
    name = _BODY_NAMES.get(body, body)
    reasons = [
        f"Behandlingsmål for {name}: {targets[body].text()} fra {format_short(received_on)} gir {format_short(target)}."
    ]
    meeting = deadline = None
    if plan.meets(body):
        found = plan.next_meeting(body, ready, is_working_day)
        if found is None:
            reasons.append(f"Møteplanen for {name} har ingen møter etter {format_short(ready)}; målet gjelder.")
            earliest = target
        else:
            meeting, deadline = found
            earliest = meeting
            reasons.append(
                f"Første møte i {name} saken kan nå: {format_short(meeting)} "
                f"(saksdokumenter innen {format_short(deadline)})."
            )
    else:
        earliest = ready
    expected = max(target, earliest)
    if expected > target:
        reasons.append(f"Forventet vedtak {format_short(expected)} er etter behandlingsmålet.")
    return DecisionPlan(
        body=body,
        received_on=received_on,
        ready_on=ready,
        target_on=target,
        meeting_on=meeting,
        document_deadline=deadline,
        expected_on=expected,
        reasons=tuple(reasons),
    )
