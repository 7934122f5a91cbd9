"""Tests for the licence period (alkoholloven § 1-6)."""

from datetime import date

import pytest

from engine.rules.licence import licence_period_end, licence_valid_until, sitting_council_election_year


@pytest.mark.parametrize(
    ("decided_on", "expected"),
    [
        (date(2026, 5, 1), date(2028, 9, 30)),  # DOMAIN.md: next end 30.09.2028
        (date(2027, 9, 15), date(2028, 9, 30)),  # before the 2027 council takes office
        (date(2027, 9, 30), date(2028, 9, 30)),  # last day of the 2023 council
        (date(2027, 10, 1), date(2032, 9, 30)),  # the 2027 council takes office
        (date(2027, 11, 1), date(2032, 9, 30)),
        (date(2028, 9, 30), date(2032, 9, 30)),
        (date(2023, 9, 30), date(2024, 9, 30)),  # 2019 council still in office
        (date(2023, 10, 1), date(2028, 9, 30)),
        (date(2024, 1, 2), date(2028, 9, 30)),
        (date(2031, 10, 1), date(2036, 9, 30)),
        (date(2020, 1, 1), date(2024, 9, 30)),
    ],
)
def test_licence_period_end(decided_on: date, expected: date) -> None:
    assert licence_period_end(decided_on) == expected


@pytest.mark.parametrize(
    ("on", "election_year"),
    [
        (date(2023, 9, 30), 2019),
        (date(2023, 10, 1), 2023),
        (date(2026, 5, 1), 2023),
        (date(2027, 9, 30), 2023),
        (date(2027, 10, 1), 2027),
        (date(2031, 12, 31), 2031),
    ],
)
def test_sitting_council_election_year(on: date, election_year: int) -> None:
    assert sitting_council_election_year(on) == election_year


@pytest.mark.parametrize(
    ("application_type", "event_date", "expected"),
    [
        ("enkelt_anledning", date(2026, 5, 16), date(2026, 5, 16)),
        ("ambulerende", date(2027, 1, 16), date(2027, 1, 16)),
        ("utvidelse_enkelt", date(2026, 6, 20), date(2026, 6, 20)),
        ("enkelt_anledning", None, date(2028, 9, 30)),  # no event date known: the licence period
        ("alminnelig", date(2026, 5, 16), date(2028, 9, 30)),  # not a one-off licence
    ],
)
def test_licence_valid_until(application_type: str, event_date: date | None, expected: date) -> None:
    assert licence_valid_until(application_type, date(2026, 5, 1), event_date) == expected
