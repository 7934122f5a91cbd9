"""Tests for party and internal deadlines (domstolloven §§ 148–149, fvl § 29)."""

from collections.abc import Callable
from datetime import date

import pytest

from engine.rules.deadlines import (
    SkippedDay,
    appeal_deadline,
    explain_party_deadline,
    format_deadline,
    format_short,
    internal_deadline,
    party_deadline,
    timer_at,
)


@pytest.mark.parametrize(
    ("notified_on", "expected"),
    [
        # DOMAIN.md worked example: raw Thursday 02.04.2026 = skjærtorsdag.
        (date(2026, 3, 12), date(2026, 4, 7)),
        # legal.md § 4.4 B: Friday 13.03 → raw langfredag 03.04 → 07.04.
        (date(2026, 3, 13), date(2026, 4, 7)),
        # legal.md § 4.4 C: raw 14.05.2026 = Kristi himmelfartsdag → Friday 15.05.
        (date(2026, 4, 23), date(2026, 5, 15)),
        # legal.md § 4.4 C: Easter 2025, raw 17.04.2025 skjærtorsdag → Tuesday 22.04.
        (date(2025, 3, 27), date(2025, 4, 22)),
        # No roll needed.
        (date(2026, 3, 10), date(2026, 3, 31)),
        # Raw 24.12.2026 julaften (Thursday) is a working day: no roll.
        (date(2026, 12, 3), date(2026, 12, 24)),
        # Raw 25.12.2026 (Fri) → 26 (Sat, 2. juledag) → 27 (Sun) → Monday 28.12.
        (date(2026, 12, 4), date(2026, 12, 28)),
        # No rettsferie: a summer deadline is not extended.
        (date(2026, 7, 1), date(2026, 7, 22)),
    ],
)
def test_appeal_deadline(notified_on: date, expected: date) -> None:
    assert appeal_deadline(notified_on) == expected


@pytest.mark.parametrize(
    ("start", "weeks", "expected"),
    [
        # legal.md § 4.4 A: forhåndsvarsel received Thursday 19.03.2026.
        (date(2026, 3, 19), 2, date(2026, 4, 7)),
        (date(2026, 3, 19), 3, date(2026, 4, 9)),
        (date(2026, 4, 23), 3, date(2026, 5, 15)),
        (date(2025, 3, 27), 3, date(2025, 4, 22)),
        # Ends on Saturday 28.03.2026 → Monday 30.03.2026.
        (date(2026, 3, 7), 3, date(2026, 3, 30)),
        # Ends on Sunday 17.05.2026 (also 17. mai) → Monday 18.05.2026.
        (date(2026, 5, 3), 2, date(2026, 5, 18)),
        # Ends on 1. mai 2026 (Friday) → Monday 04.05.2026.
        (date(2026, 4, 17), 2, date(2026, 5, 4)),
        # Ends on 2. pinsedag 25.05.2026 → Tuesday 26.05.2026.
        (date(2026, 5, 11), 2, date(2026, 5, 26)),
        # Across a year end: 31.12.2026 + 1 week = 07.01.2027 (Thursday).
        (date(2026, 12, 31), 1, date(2027, 1, 7)),
    ],
)
def test_party_deadline(start: date, weeks: int, expected: date) -> None:
    assert party_deadline(start, weeks) == expected
    assert party_deadline(start, weeks).weekday() < 5


@pytest.mark.parametrize(
    ("start", "weeks", "expected"),
    [
        # DOMAIN.md / legal.md § 4.4 B: suspension decided Tuesday 10.03.2026, implement
        # within four weeks (alkf. § 10-6) → 07.04.2026, a working day.
        (date(2026, 3, 10), 4, date(2026, 4, 7)),
        # Ends on Sunday 15.03.2026 → Friday 13.03.2026.
        (date(2026, 3, 8), 1, date(2026, 3, 13)),
        # Ends on Saturday 14.03.2026 → Friday 13.03.2026.
        (date(2026, 3, 7), 1, date(2026, 3, 13)),
        # Ends on 2. påskedag 06.04.2026 → back past 1. påskedag, påskeaften,
        # langfredag and skjærtorsdag to Wednesday 01.04.2026.
        (date(2026, 3, 9), 4, date(2026, 4, 1)),
        # Ends on Kristi himmelfartsdag 14.05.2026 → Wednesday 13.05.2026.
        (date(2026, 4, 16), 4, date(2026, 5, 13)),
        # Ends on julaften (a working day) → unchanged.
        (date(2026, 12, 17), 1, date(2026, 12, 24)),
    ],
)
def test_internal_deadline(start: date, weeks: int, expected: date) -> None:
    assert internal_deadline(start, weeks) == expected


def test_internal_and_party_deadline_differ_over_easter() -> None:
    start = date(2026, 3, 9)
    assert internal_deadline(start, 4) == date(2026, 4, 1)
    assert party_deadline(start, 4) == date(2026, 4, 7)


@pytest.mark.parametrize("func", [party_deadline, internal_deadline, explain_party_deadline])
def test_negative_weeks_rejected(func: Callable[[date, int], object]) -> None:
    with pytest.raises(ValueError, match="negative"):
        func(date(2026, 3, 10), -1)


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        (date(2026, 4, 7), "2026-04-08T00:00:00+02:00"),  # summer time
        (date(2026, 1, 15), "2026-01-16T00:00:00+01:00"),  # winter time
        # DST starts Sunday 29.03.2026 at 02:00: midnight before it is still +01:00.
        (date(2026, 3, 28), "2026-03-29T00:00:00+01:00"),
        (date(2026, 3, 29), "2026-03-30T00:00:00+02:00"),
        # DST ends Sunday 25.10.2026 at 03:00: midnight before it is still +02:00.
        (date(2026, 10, 24), "2026-10-25T00:00:00+02:00"),
        (date(2026, 10, 25), "2026-10-26T00:00:00+01:00"),
        # Year end.
        (date(2026, 12, 31), "2027-01-01T00:00:00+01:00"),
    ],
)
def test_timer_at(due: date, expected: str) -> None:
    assert timer_at(due) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 4, 7), "tirsdag 7. april 2026"),
        (date(2026, 5, 15), "fredag 15. mai 2026"),
        (date(2026, 3, 9), "mandag 9. mars 2026"),
        (date(2026, 4, 1), "onsdag 1. april 2026"),
        (date(2026, 4, 2), "torsdag 2. april 2026"),
        (date(2026, 3, 7), "lørdag 7. mars 2026"),
        (date(2026, 3, 8), "søndag 8. mars 2026"),
        (date(2027, 1, 1), "fredag 1. januar 2027"),
        (date(2026, 2, 28), "lørdag 28. februar 2026"),
        (date(2026, 6, 30), "tirsdag 30. juni 2026"),
        (date(2026, 7, 31), "fredag 31. juli 2026"),
        (date(2026, 8, 31), "mandag 31. august 2026"),
        (date(2026, 9, 30), "onsdag 30. september 2026"),
        (date(2026, 10, 31), "lørdag 31. oktober 2026"),
        (date(2026, 11, 30), "mandag 30. november 2026"),
        (date(2026, 12, 24), "torsdag 24. desember 2026"),
    ],
)
def test_format_deadline(day: date, expected: str) -> None:
    assert format_deadline(day) == expected


def test_format_short() -> None:
    assert format_short(date(2026, 4, 2)) == "02.04.2026"


def test_explain_party_deadline_over_easter() -> None:
    explanation = explain_party_deadline(date(2026, 3, 12), 3)
    assert explanation.raw_due == date(2026, 4, 2)
    assert explanation.due == date(2026, 4, 7) == appeal_deadline(date(2026, 3, 12))
    assert explanation.moved
    assert explanation.skipped == (
        SkippedDay(date(2026, 4, 2), "skjærtorsdag"),
        SkippedDay(date(2026, 4, 3), "langfredag"),
        SkippedDay(date(2026, 4, 4), "lørdag"),
        SkippedDay(date(2026, 4, 5), "1. påskedag"),
        SkippedDay(date(2026, 4, 6), "2. påskedag"),
    )
    assert explanation.skipped_lines == (
        "02.04.2026 skjærtorsdag",
        "03.04.2026 langfredag",
        "04.04.2026 lørdag",
        "05.04.2026 1. påskedag",
        "06.04.2026 2. påskedag",
    )
    text = explanation.text()
    assert "torsdag 2. april 2026" in text
    assert "tirsdag 7. april 2026" in text
    assert "02.04.2026 skjærtorsdag" in text


def test_explain_party_deadline_without_move() -> None:
    explanation = explain_party_deadline(date(2026, 3, 19), 3)
    assert explanation.raw_due == explanation.due == date(2026, 4, 9)
    assert not explanation.moved
    assert explanation.skipped == ()
    assert "domstolloven § 149" not in explanation.text()


@pytest.mark.parametrize(
    ("start", "weeks"),
    [
        (date(2026, 3, 7), 3),
        (date(2026, 4, 23), 3),
        (date(2026, 12, 4), 3),
        (date(2025, 3, 27), 3),
        (date(2026, 3, 19), 2),
    ],
)
def test_explanation_agrees_with_party_deadline(start: date, weeks: int) -> None:
    explanation = explain_party_deadline(start, weeks)
    assert explanation.due == party_deadline(start, weeks)
    assert len(explanation.skipped) == (explanation.due - explanation.raw_due).days
