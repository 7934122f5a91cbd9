"""Makes SpiffWorkflow read time from the project's clock.

SpiffWorkflow compares timer due times with `datetime.now(timezone.utc)` inside its timer
module. We replace that module's `datetime` with a subclass whose `now()` asks the clock that
the runtime put in a context variable for the duration of one engine call. Outside such a call
the engine must not read the time at all, so `now()` raises.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import datetime, tzinfo

from SpiffWorkflow.bpmn.specs.event_definitions import timer as spiff_timer

from engine.clock import Clock

_current_clock: ContextVar[Clock | None] = ContextVar("saksflyt_clock", default=None)


def current_clock() -> Clock:
    clock = _current_clock.get()
    if clock is None:
        raise RuntimeError("The workflow engine read the time outside a runtime call")
    return clock


class _ClockDatetime(datetime):
    @classmethod
    def now(cls, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]
        instant = current_clock().now()
        return instant.astimezone(tz) if tz is not None else instant


spiff_timer.datetime = _ClockDatetime  # type: ignore[misc]


@contextlib.contextmanager
def using_clock(clock: Clock) -> Iterator[None]:
    token = _current_clock.set(clock)
    try:
        yield
    finally:
        _current_clock.reset(token)
