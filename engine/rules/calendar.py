"""Norwegian working-day calendar for statutory deadlines.

A day is a non-working day when it is a Saturday, a Sunday, a public holiday
(helligdag) or one of the two høytidsdager that the law treats as holidays,
1 May and 17 May (domstolloven § 149 (1); lov om helligdager og helligdagsfred § 2;
lov om 1. og 17. mai som høgtidsdager). Julaften, nyttårsaften and påskeaften are
ordinary days (påskeaften is always a Saturday anyway). There is no court-holiday
(rettsferie) extension for administrative deadlines.

The holiday dates come from the `holidays` library; the names shown to officials
are our own bokmål forms, matching the wording in DOMAIN.md.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache
from types import MappingProxyType
from typing import Final

import holidays

_ONE_DAY: Final = timedelta(days=1)

# Names the `holidays` library uses in its Norwegian ("no") translation, mapped to
# the forms used in letters and explanations. An unknown name (a future library
# version may rename something) falls back to the library's own name.
_NAME_FORMS: Final = MappingProxyType(
    {
        "Første nyttårsdag": "nyttårsdag",
        "Skjærtorsdag": "skjærtorsdag",
        "Langfredag": "langfredag",
        "Første påskedag": "1. påskedag",
        "Andre påskedag": "2. påskedag",
        "Arbeidernes dag": "1. mai",
        "Kristi himmelfartsdag": "Kristi himmelfartsdag",
        "Grunnlovsdag": "17. mai",
        "Første pinsedag": "1. pinsedag",
        "Andre pinsedag": "2. pinsedag",
        "Første juledag": "1. juledag",
        "Andre juledag": "2. juledag",
    }
)

# The Norwegian calendar in `holidays` can list every Sunday as a holiday named
# "Søndag" (option `include_sundays`, on by default in older versions). Sundays are
# non-working days anyway; they are dropped here so that only real holidays get a name.
_SUNDAY_NAMES: Final = frozenset({"Søndag", "Sunday"})

WEEKDAY_NAMES: Final = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")


def _normalise_name(raw: str) -> str | None:
    """Turn a library entry such as "Første påskedag; Søndag" into "1. påskedag".

    Returns None when the entry only marks an ordinary Sunday.
    """
    parts = [part.strip() for part in raw.split(";")]
    names = [_NAME_FORMS.get(part, part) for part in parts if part and part not in _SUNDAY_NAMES]
    return "; ".join(names) if names else None


@lru_cache(maxsize=64)
def _holidays_for_year(year: int) -> MappingProxyType[date, str]:
    """All Norwegian public holidays (incl. 1 and 17 May) in `year`, with bokmål names."""
    calendar = holidays.country_holidays("NO", years=year, language="no", include_sundays=False)
    result: dict[date, str] = {}
    for day, raw_name in calendar.items():
        name = _normalise_name(raw_name)
        if name is not None:
            result[day] = name
    return MappingProxyType(result)


def holiday_name(d: date) -> str | None:
    """The bokmål name of the public holiday on `d` (e.g. "skjærtorsdag"), or None."""
    return _holidays_for_year(d.year).get(d)


def is_working_day(d: date) -> bool:
    """True unless `d` is a Saturday, Sunday, public holiday, 1 May or 17 May.

    # domstolloven § 149 (1): Saturday, helgedag and days the law treats as helgedag.
    """
    if d.weekday() >= 5:
        return False
    return holiday_name(d) is None


def non_working_reason(d: date) -> str | None:
    """Why `d` is not a working day ("lørdag", "søndag", "skjærtorsdag" …), or None if it is one.

    A holiday on a weekend is reported by its holiday name (e.g. "1. påskedag").
    """
    name = holiday_name(d)
    if name is not None:
        return name
    if d.weekday() >= 5:
        return WEEKDAY_NAMES[d.weekday()]
    return None


def next_working_day_on_or_after(d: date) -> date:
    """`d` itself if it is a working day, otherwise the first working day after it."""
    while not is_working_day(d):
        d += _ONE_DAY
    return d


def previous_working_day_on_or_before(d: date) -> date:
    """`d` itself if it is a working day, otherwise the last working day before it."""
    while not is_working_day(d):
        d -= _ONE_DAY
    return d
