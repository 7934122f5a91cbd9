"""The one clock of Saksflyt: nothing else reads "now".

Services, the scheduler and the workflow runtime receive a `Clock`. Production uses
`SystemClock`; tests and the simulation mode use `FixedClock`/`OffsetClock` and move time
forward to see timers fire.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware (UTC)."""
        ...


def local_today(clock: Clock) -> date:
    """Today's date in Norway: legal deadlines count calendar days in Norwegian time."""
    return clock.now().astimezone(OSLO).date()


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass
class FixedClock:
    """A clock that only moves when told to (tests)."""

    current: datetime = field(default_factory=lambda: datetime(2026, 1, 5, 8, 0, tzinfo=OSLO))

    def now(self) -> datetime:
        return self.current.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        self.current = self.current + delta

    def set(self, instant: datetime) -> None:
        if instant.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware datetime")
        self.current = instant


@dataclass
class OffsetClock:
    """The system clock shifted by an offset (simulation mode for training and demos)."""

    offset: timedelta = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset
