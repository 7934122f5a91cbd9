"""The licence period (bevillingsperiode) under alkoholloven § 1-6."""

from __future__ import annotations

from datetime import date
from typing import Final

# Municipal elections (kommunestyrevalg) are held every fourth year, in September;
# 2023 was one, so 2019, 2027, 2031, … are too.
ELECTION_BASE_YEAR: Final = 2023
ELECTION_INTERVAL_YEARS: Final = 4

# The new kommunestyre takes office in October of the election year (its term is
# counted from 1 October). We treat 1 October as the take-office day: a decision on
# or after this day is made while the new council is in office.
TAKE_OFFICE_MONTH: Final = 10
TAKE_OFFICE_DAY: Final = 1

# alkoholloven § 1-6: the licence ends at the latest on 30 September ...
PERIOD_END_MONTH: Final = 9
PERIOD_END_DAY: Final = 30


def _take_office_date(election_year: int) -> date:
    return date(election_year, TAKE_OFFICE_MONTH, TAKE_OFFICE_DAY)


def sitting_council_election_year(on: date) -> int:
    """The election year of the kommunestyre in office on `on`.

    That is the latest election year whose take-office date is on or before `on`.
    """
    offset = (on.year - ELECTION_BASE_YEAR) % ELECTION_INTERVAL_YEARS
    election_year = on.year - offset
    if on < _take_office_date(election_year):
        election_year -= ELECTION_INTERVAL_YEARS
    return election_year


def licence_period_end(decided_on: date) -> date:
    """The last day of a licence granted on `decided_on`.

    # alkoholloven § 1-6: a licence "opphører senest 30. september året etter at
    # nytt kommunestyre tiltrer".

    The "new" kommunestyre is the first one to take office after the decision.
    Take the council in office on `decided_on` (elected in year Y, in office from
    1 October Y); the next council is elected in Y + 4 and takes office in October
    Y + 4, so the licence ends on 30 September Y + 5.

    * 2026-05-01: the 2023 council sits → next council October 2027 → 30.09.2028.
    * 2027-09-15: the 2023 council still sits (the 2027 council takes office in
      October) → 30.09.2028.
    * 2027-11-01: the 2027 council sits → next council October 2031 → 30.09.2032.

    This is the latest end date; the municipality may set a shorter period.
    """
    next_council_takes_office = sitting_council_election_year(decided_on) + ELECTION_INTERVAL_YEARS
    return date(next_council_takes_office + 1, PERIOD_END_MONTH, PERIOD_END_DAY)


# Licences for one occasion: bevilling for en enkelt anledning (alkl. § 1-6 annet ledd), ambulerende
# bevilling (alkl. § 4-5) and an extension for a single occasion.
ONE_OFF_APPLICATION_TYPES: Final = frozenset({"enkelt_anledning", "ambulerende", "utvidelse_enkelt"})


def licence_valid_until(application_type: str | None, decided_on: date, event_date: date | None) -> date:
    """The last day of a granted licence: the event for a one-off licence with a known date,
    otherwise the end of the licence period (alkl. § 1-6)."""
    if application_type in ONE_OFF_APPLICATION_TYPES and event_date is not None:
        return event_date
    return licence_period_end(decided_on)
