"""Great-circle distance in miles: a bounding box for the index, then the exact haversine."""

from __future__ import annotations

import math
import sqlite3
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Engine, event, func

EARTH_RADIUS_MILES = 3958.8
MAX_WITHIN_MILES = 500.0


@dataclass(frozen=True)
class Near:
    """Search around a point (WGS84 degrees) out to ``within_miles``."""

    latitude: float
    longitude: float
    within_miles: float

    def box(self) -> tuple[float, float, float, float]:
        """(south, north, west, east): every point within the radius lies inside it."""
        spread = math.degrees(self.within_miles / EARTH_RADIUS_MILES)
        # Longitude degrees shrink towards the poles; the box widens to keep the whole circle.
        shrink = max(math.cos(math.radians(min(abs(self.latitude) + spread, 89.0))), 0.01)
        return (
            self.latitude - spread,
            self.latitude + spread,
            self.longitude - spread / shrink,
            self.longitude + spread / shrink,
        )


def miles_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Haversine distance in miles between two (latitude, longitude) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_MILES * math.asin(math.sqrt(min(1.0, h)))


def miles_from(near: Near, latitude: Any, longitude: Any) -> ColumnElement[float]:
    """The haversine distance as SQL (PostgreSQL built-ins; SQLite math functions)."""
    lat1, lon1 = math.radians(near.latitude), math.radians(near.longitude)
    lat2, lon2 = func.radians(latitude), func.radians(longitude)
    half_dlat = func.sin((lat2 - lat1) / 2)
    half_dlon = func.sin((lon2 - lon1) / 2)
    h = half_dlat * half_dlat + math.cos(lat1) * func.cos(lat2) * half_dlon * half_dlon
    distance: ColumnElement[float] = 2 * EARTH_RADIUS_MILES * func.asin(func.sqrt(h))
    return distance


_MATH = {"radians": math.radians, "sin": math.sin, "cos": math.cos, "asin": math.asin,
         "sqrt": math.sqrt}  # fmt: skip


@event.listens_for(Engine, "connect")
def _sqlite_math(connection: Any, _record: Any) -> None:
    """SQLite builds without the math functions get them from Python (deterministic)."""
    if not isinstance(connection, sqlite3.Connection):
        return
    try:
        connection.execute("SELECT sin(0), radians(0)")
    except sqlite3.OperationalError:
        for name, function in _MATH.items():
            connection.create_function(name, 1, _null_safe(function), deterministic=True)


def _null_safe(function: Any) -> Any:
    return lambda value: None if value is None else function(value)
