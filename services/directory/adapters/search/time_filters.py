"""The ORUK filters on ages and opening times, as SQL conditions on ``service``.

``minimum_age=N``: services that take people as young as N (their minimum is unset or ≤ N).
``maximum_age=N``: services that take people as old as N (their maximum is unset or ≥ N).
``day`` (RFC 5545 code such as ``MO``), ``start_time``/``end_time`` (``HH:MM``): a schedule row,
on that day if given, open from at least ``start_time`` until at least ``end_time``.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_, select
from sqlmodel import col

from services.directory.adapters.search.criteria import SearchCriteria
from services.directory.adapters.tables import Schedule, Service


def age_and_time_conditions(criteria: SearchCriteria) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if criteria.minimum_age is not None:
        low = col(Service.minimum_age)
        found.append(or_(low.is_(None), low <= criteria.minimum_age))
    if criteria.maximum_age is not None:
        high = col(Service.maximum_age)
        found.append(or_(high.is_(None), high >= criteria.maximum_age))
    if criteria.day or criteria.start_time or criteria.end_time:
        found.append(_open_during(criteria.day, criteria.start_time, criteria.end_time))
    return found


def _open_during(day: str | None, start: str | None, end: str | None) -> ColumnElement[bool]:
    schedules = select(col(Schedule.service_id))
    if day:
        schedules = schedules.where(col(Schedule.byday).contains(day))
    if start:
        schedules = schedules.where(
            col(Schedule.opens_at) <= start, col(Schedule.closes_at) > start
        )
    if end:
        schedules = schedules.where(col(Schedule.opens_at) < end, col(Schedule.closes_at) >= end)
    return col(Service.id).in_(schedules)
