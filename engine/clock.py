"""The one clock of Saksflyt: nothing else reads "now".

Services, the scheduler and the workflow runtime receive a `Clock`. Production uses
`SystemClock`; tests and the simulation mode use `FixedClock`/`OffsetClock` and move time
forward to see timers fire.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")
_log = logging.getLogger(__name__)


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


class DatabaseOffsetClock:
    """The simulation clock shared by all processes: the system clock plus an offset that
    `saksflyt clock advance` stores in the database.

    The offset is re-read at most every `max_age_seconds` (real, monotonic time), so a running
    web server or worker follows an advance within a second. If reading fails, the last known
    offset stays in use (time must not jump back to the real date in the middle of a demo).
    """

    def __init__(self, read_offset: Callable[[], timedelta], max_age_seconds: float = 1.0) -> None:
        self._read_offset = read_offset
        self.max_age_seconds = max_age_seconds
        self._offset = timedelta(0)
        self._read_at: float | None = None
        self._failing = False
        self._lock = threading.Lock()

    @property
    def offset(self) -> timedelta:
        with self._lock:
            self._refresh_if_stale()
            return self._offset

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def invalidate(self) -> None:
        """Forget the cached offset: the next `now()` reads it again."""
        with self._lock:
            self._read_at = None

    def _refresh_if_stale(self) -> None:
        started = time.monotonic()
        if self._read_at is not None and started - self._read_at < self.max_age_seconds:
            return
        try:
            self._offset = self._read_offset()
        except Exception:
            if not self._failing:
                _log.warning("Could not read the simulation clock offset; keeping %s", self._offset, exc_info=True)
            self._failing = True
        else:
            self._failing = False
        self._read_at = started
