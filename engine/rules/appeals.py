"""Appeals: when an appeal is in time (forvaltningsloven §§ 29–31)."""

from __future__ import annotations

from datetime import date


def appeal_is_timely(received_on: date, posted_on: date | None, deadline: date) -> bool:
    """fvl § 30: in time if it reached the municipality, or was handed to a postal operator,
    on or before the last day of the deadline."""
    if received_on <= deadline:
        return True
    return posted_on is not None and posted_on <= deadline
