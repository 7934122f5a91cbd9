"""Statutory and internal deadlines, as calendar dates.

Two kinds of deadline exist (DOMAIN.md, "Deadlines"):

* Party deadlines (appeal, fvl § 16 response, alkf. § 9-6 comment, document
  requests) follow domstolloven §§ 148–149: a deadline in weeks ends on the same
  weekday, and is extended to the next working day when it ends on a non-working day.
* The municipality's own deadlines (report within 1 week, implementation within
  4 weeks) are not extended; when they end on a non-working day the task is due on
  the working day before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from engine.rules.calendar import (
    WEEKDAY_NAMES,
    is_working_day,
    next_working_day_on_or_after,
    non_working_reason,
    previous_working_day_on_or_before,
)

OSLO: Final = ZoneInfo("Europe/Oslo")

APPEAL_WEEKS: Final = 3  # fvl § 29 første ledd: klagefristen er tre uker

MONTH_NAMES: Final = (
    "januar",
    "februar",
    "mars",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "desember",
)


def _raw_week_deadline(start: date, weeks: int) -> date:
    """The day `weeks` weeks after `start`, on the same weekday.

    # domstolloven § 148 (2): a deadline in weeks ends on the day in the last week
    # whose name matches the day the deadline began.
    """
    if weeks < 0:
        raise ValueError(f"a deadline cannot be a negative number of weeks: {weeks}")
    return start + timedelta(weeks=weeks)


def party_deadline(start: date, weeks: int) -> date:
    """The last day a party may act on a deadline of `weeks` weeks counted from `start`.

    `start` is the day the deadline began, e.g. the day a decision reached the party.
    """
    raw = _raw_week_deadline(start, weeks)  # domstolloven § 148 (2)
    return next_working_day_on_or_after(raw)  # domstolloven § 149 (1)


def appeal_deadline(notified_on: date) -> date:
    """The last day to appeal a decision that reached the party on `notified_on`.

    # fvl § 29: three weeks from the day the notice reached the party;
    # counted as a party deadline (domstolloven §§ 148–149).
    """
    return party_deadline(notified_on, APPEAL_WEEKS)


def internal_deadline(start: date, weeks: int) -> date:
    """The municipality's own deadline: `start` + `weeks`, never extended.

    A deadline the municipality sets for itself (e.g. alkf. § 10-6: implement a
    suspension "innen fire uker etter vedtakelsesdato") is not a party deadline, so
    domstolloven § 149 does not move it forward. If it ends on a non-working day the
    work must be done on the working day before.
    """
    raw = _raw_week_deadline(start, weeks)
    return previous_working_day_on_or_before(raw)


def timer_at(due: date) -> str:
    """The moment a deadline ending on `due` has passed, as an ISO-8601 string with offset.

    A deadline runs to the end of its last day, so it has passed at 00:00 Europe/Oslo
    on the following day. The offset (+01:00 or +02:00) follows daylight saving time.
    SpiffWorkflow timer events use this string as their `timeDate`.
    """
    moment = datetime.combine(due + timedelta(days=1), time(0, 0), tzinfo=OSLO)
    return moment.isoformat()


def format_deadline(d: date) -> str:
    """The date in the long bokmål form used in letters, e.g. "tirsdag 7. april 2026"."""
    return f"{WEEKDAY_NAMES[d.weekday()]} {d.day}. {MONTH_NAMES[d.month - 1]} {d.year}"


def format_short(d: date) -> str:
    """The date as dd.mm.yyyy, e.g. "02.04.2026"."""
    return f"{d.day:02d}.{d.month:02d}.{d.year}"


@dataclass(frozen=True)
class SkippedDay:
    """A non-working day a party deadline was moved past, with the reason."""

    day: date
    reason: str

    def __str__(self) -> str:
        return f"{format_short(self.day)} {self.reason}"


@dataclass(frozen=True)
class DeadlineExplanation:
    """Why a party deadline ends on the day it does, for showing to officials."""

    start: date
    weeks: int
    raw_due: date
    due: date
    skipped: tuple[SkippedDay, ...]

    @property
    def moved(self) -> bool:
        """True when the deadline was extended past non-working days."""
        return self.due != self.raw_due

    @property
    def skipped_lines(self) -> tuple[str, ...]:
        """The skipped days as text, e.g. ("02.04.2026 skjærtorsdag", "03.04.2026 langfredag")."""
        return tuple(str(day) for day in self.skipped)

    def text(self) -> str:
        """A bokmål sentence explaining the calculation."""
        unit = "uke" if self.weeks == 1 else "uker"
        head = (
            f"{self.weeks} {unit} fra {format_deadline(self.start)} gir "
            f"{format_deadline(self.raw_due)} (domstolloven § 148 (2))."
        )
        if not self.moved:
            return head
        return (
            f"{head} Dagen er ikke virkedag, så fristen er forlenget til "
            f"{format_deadline(self.due)} (domstolloven § 149 (1)). "
            f"Hoppet over: {', '.join(self.skipped_lines)}."
        )


def explain_party_deadline(start: date, weeks: int) -> DeadlineExplanation:
    """Compute a party deadline and record every non-working day it was moved past."""
    raw = _raw_week_deadline(start, weeks)
    skipped: list[SkippedDay] = []
    day = raw
    while not is_working_day(day):
        # non_working_reason is never None here: the day is not a working day.
        skipped.append(SkippedDay(day, non_working_reason(day) or "ikke virkedag"))
        day += timedelta(days=1)
    return DeadlineExplanation(start=start, weeks=weeks, raw_due=raw, due=day, skipped=tuple(skipped))
