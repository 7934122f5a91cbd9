"""Tests for the Norwegian working-day calendar (domstolloven § 149 (1))."""

from datetime import date, timedelta

import pytest

from engine.rules.calendar import (
    holiday_name,
    is_working_day,
    next_working_day_on_or_after,
    non_working_reason,
    previous_working_day_on_or_before,
)


def _easter_sunday(year: int) -> date:
    """Gregorian Easter Sunday (anonymous Gregorian algorithm), independent of `holidays`."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _statutory_days(year: int) -> set[date]:
    """The helligdager and høytidsdager of legal.md § 4.3, computed by hand."""
    easter = _easter_sunday(year)
    movable = {easter + timedelta(days=n) for n in (-3, -2, 0, 1, 39, 49, 50)}
    fixed = {date(year, 1, 1), date(year, 5, 1), date(year, 5, 17), date(year, 12, 25), date(year, 12, 26)}
    return movable | fixed


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2026, 1, 1), "nyttårsdag"),
        (date(2026, 4, 2), "skjærtorsdag"),
        (date(2026, 4, 3), "langfredag"),
        (date(2026, 4, 5), "1. påskedag"),
        (date(2026, 4, 6), "2. påskedag"),
        (date(2026, 5, 1), "1. mai"),
        (date(2026, 5, 14), "Kristi himmelfartsdag"),
        (date(2026, 5, 17), "17. mai"),
        (date(2026, 5, 24), "1. pinsedag"),
        (date(2026, 5, 25), "2. pinsedag"),
        (date(2026, 12, 25), "1. juledag"),
        (date(2026, 12, 26), "2. juledag"),
        (date(2025, 4, 17), "skjærtorsdag"),
        (date(2025, 4, 21), "2. påskedag"),
        (date(2025, 5, 29), "Kristi himmelfartsdag"),
    ],
)
def test_holiday_names(day: date, name: str) -> None:
    assert holiday_name(day) == name
    assert not is_working_day(day)


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 3, 8),  # ordinary Sunday: not a holiday, even if `holidays` lists Sundays
        date(2026, 3, 7),  # ordinary Saturday
        date(2026, 4, 4),  # påskeaften
        date(2026, 4, 1),  # onsdag før skjærtorsdag
        date(2026, 12, 24),  # julaften
        date(2026, 12, 31),  # nyttårsaften
        date(2026, 3, 10),  # ordinary Tuesday
    ],
)
def test_days_without_holiday_name(day: date) -> None:
    assert holiday_name(day) is None


def test_holidays_in_2026_are_exactly_the_statutory_days() -> None:
    days = {date(2026, 1, 1) + timedelta(days=n) for n in range(365)}
    assert {d for d in days if holiday_name(d) is not None} == _statutory_days(2026)


@pytest.mark.parametrize("year", range(2016, 2041))
def test_holiday_set_matches_hand_computed_easter(year: int) -> None:
    start = date(year, 1, 1)
    days = [start + timedelta(days=n) for n in range((date(year + 1, 1, 1) - start).days)]
    assert {d for d in days if holiday_name(d) is not None} == _statutory_days(year)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 12, 24), True),  # julaften, Thursday: a working day
        (date(2026, 12, 31), True),  # nyttårsaften, Thursday
        (date(2026, 4, 1), True),  # onsdag før skjærtorsdag
        (date(2026, 5, 1), False),  # 1. mai, Friday
        (date(2027, 5, 17), False),  # 17. mai, Monday
        (date(2026, 5, 18), True),  # Monday after 17. mai (a Sunday in 2026): no substitute day
        (date(2026, 3, 7), False),  # Saturday
        (date(2026, 3, 8), False),  # Sunday
        (date(2026, 3, 9), True),  # Monday
        (date(2026, 5, 14), False),  # Kristi himmelfartsdag
        (date(2026, 5, 15), True),  # Friday after Kristi himmelfartsdag
    ],
)
def test_is_working_day(day: date, working: bool) -> None:
    assert is_working_day(day) is working


@pytest.mark.parametrize(
    ("day", "reason"),
    [
        (date(2026, 3, 7), "lørdag"),
        (date(2026, 3, 8), "søndag"),
        (date(2026, 4, 5), "1. påskedag"),  # holiday name wins over weekday
        (date(2026, 12, 26), "2. juledag"),
        (date(2026, 3, 9), None),
    ],
)
def test_non_working_reason(day: date, reason: str | None) -> None:
    assert non_working_reason(day) == reason


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 3, 10), date(2026, 3, 10)),  # working day: unchanged
        (date(2026, 3, 7), date(2026, 3, 9)),  # Saturday → Monday
        (date(2026, 4, 2), date(2026, 4, 7)),  # skjærtorsdag → Tuesday after Easter
        (date(2026, 12, 25), date(2026, 12, 28)),  # 1. juledag (Fri) → Monday
        (date(2026, 12, 31), date(2026, 12, 31)),  # nyttårsaften is a working day
        (date(2027, 1, 1), date(2027, 1, 4)),  # nyttårsdag (Fri) → Monday
    ],
)
def test_next_working_day_on_or_after(day: date, expected: date) -> None:
    assert next_working_day_on_or_after(day) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 3, 10), date(2026, 3, 10)),
        (date(2026, 3, 8), date(2026, 3, 6)),  # Sunday → Friday
        (date(2026, 4, 6), date(2026, 4, 1)),  # 2. påskedag → Wednesday before skjærtorsdag
        (date(2026, 5, 17), date(2026, 5, 15)),  # 17. mai (Sun) → Friday
        (date(2026, 12, 26), date(2026, 12, 24)),  # 2. juledag → julaften (working day)
    ],
)
def test_previous_working_day_on_or_before(day: date, expected: date) -> None:
    assert previous_working_day_on_or_before(day) == expected
