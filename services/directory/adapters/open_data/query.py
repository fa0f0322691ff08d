"""Reading the open API's query parameters as the HSDS 3.0 OpenAPI types them: leniently.

The standard types most parameters as plain strings or integers, so anything of that type is a
valid request: paging out of range is clamped, empty strings mean "not given", an unknown
``format`` means JSON. Only values that cannot mean anything (a date that is not a date, a
postcode we do not know) are refused, with a message saying why.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time

from services.directory.adapters.open_data.paging import PageRequest
from shared.errors import BadUserInput

MAX_PER_PAGE = 200
MAX_MINIMAL_PER_PAGE = 10_000
MAX_PAGE = 1_000_000
MAX_SEARCH_LENGTH = 200
METRES_PER_MILE = 1609.344
_DAYS = {
    "MO": "MO", "MON": "MO", "MONDAY": "MO", "TU": "TU", "TUE": "TU", "TUESDAY": "TU",
    "WE": "WE", "WED": "WE", "WEDNESDAY": "WE", "TH": "TH", "THU": "TH", "THURSDAY": "TH",
    "FR": "FR", "FRI": "FR", "FRIDAY": "FR", "SA": "SA", "SAT": "SA", "SATURDAY": "SA",
    "SU": "SU", "SUN": "SU", "SUNDAY": "SU",
}  # fmt: skip
_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)(:[0-5]\d)?$")


def clamped_page(page: int | None, per_page: int | None, *, minimal: bool = False) -> PageRequest:
    """Page 1 at least; 1 to 200 per page (10,000 for ``minimal``); 50 when not given."""
    largest = MAX_MINIMAL_PER_PAGE if minimal else MAX_PER_PAGE
    size = 50 if per_page is None else min(max(per_page, 1), largest)
    return PageRequest(page=min(max(page or 1, 1), MAX_PAGE), per_page=size)


def given(value: str | None) -> str | None:
    """``None`` for a missing or blank value, else the value stripped (of NULs too)."""
    stripped = path_id(value or "").strip()
    return stripped or None


def path_id(value: str) -> str:
    """An id as the databases can compare it: PostgreSQL text cannot hold NUL characters."""
    return value.replace("\x00", "")


def search_text(value: str | None) -> str | None:
    found = given(value)
    return found[:MAX_SEARCH_LENGTH] if found else None


def moment(value: str | None, *, field: str) -> datetime | None:
    """An ISO 8601 date or date-time (a date means its start)."""
    text = given(value)
    if text is None:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    try:
        return datetime.combine(date.fromisoformat(text), time())
    except ValueError:
        raise BadUserInput(f"{field} must be an ISO 8601 date or date-time.", field=field) from None


def day_code(value: str | None) -> str | None:
    text = given(value)
    if text is None:
        return None
    code = _DAYS.get(text.upper())
    if code is None:
        raise BadUserInput("day must be a weekday, e.g. MO or Monday.", field="day")
    return code


def clock(value: str | None, *, field: str) -> str | None:
    """``HH:MM`` (seconds dropped)."""
    text = given(value)
    if text is None:
        return None
    found = _CLOCK.match(text)
    if found is None:
        raise BadUserInput(f"{field} must be a time as HH:MM.", field=field)
    return f"{int(found.group(1)):02d}:{found.group(2)}"


def proximity_miles(value: str | None) -> float | None:
    """ORUK ``proximity`` is in metres; searches work in miles."""
    text = given(value)
    if text is None:
        return None
    try:
        metres = float(text)
    except ValueError:
        raise BadUserInput("proximity must be a distance in metres.", field="proximity") from None
    if not 0 < metres <= 500 * METRES_PER_MILE:
        raise BadUserInput(
            "proximity must be above 0 and at most 804672 metres (500 miles).", field="proximity"
        )
    return metres / METRES_PER_MILE
