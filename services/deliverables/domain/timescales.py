"""Reading due dates out of the free-text timescales the plan uses ("June 2024", "by 2025")."""

from __future__ import annotations

import calendar
import re
from datetime import date

_MONTHS = {name.casefold(): number for number, name in enumerate(calendar.month_name) if name}
_MONTH_YEAR = re.compile(r"\b(" + "|".join(_MONTHS) + r")\s+(\d{4})\b", re.IGNORECASE)
_YEAR = re.compile(r"\b(20\d{2})\b")


def due_date_of(timescale: str | None) -> date | None:
    """The last day of the first month and year named, else 31 December of the first year named.

    A deliverable "due June 2024" is on time until the month is over, hence the month's last day.
    """
    if not timescale:
        return None
    match = _MONTH_YEAR.search(timescale)
    if match:
        month = _MONTHS[match.group(1).casefold()]
        year = int(match.group(2))
        return date(year, month, calendar.monthrange(year, month)[1])
    year_match = _YEAR.search(timescale)
    if year_match:
        return date(int(year_match.group(1)), 12, 31)
    return None
