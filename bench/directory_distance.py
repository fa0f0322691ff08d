"""Distance-search part of bench/directory_search.py: placed entries and "near" queries.

Each generated entry gets (with 90% likelihood) one location scattered up to about 25 miles from
a random sheriff court, so searches near a court find realistic numbers of candidates.
"""

from __future__ import annotations

import random
import time
import uuid
from typing import Any

from sqlalchemy import Engine, insert, select
from sqlmodel import Session

from services.directory.adapters.geography.courts import COURT_COORDINATES
from services.directory.adapters.geography.distance import Near
from services.directory.adapters.search.nearby import nearby_services
from services.directory.adapters.tables import Location, ServiceAtLocation

NEAR_QUERIES: dict[str, dict[str, Any]] = {
    "near Glasgow court, 20 mi": {"near": Near(*COURT_COORDINATES["glasgow"], 20)},
    "near Dunfermline 20 mi + type": {
        "near": Near(*COURT_COORDINATES["dunfermline"], 20),
        "service_type": "bail-supervision",
    },
    "near point 10 mi + text": {"near": Near(55.95, -3.19, 10), "text": "housing support"},
    "near Perth 50 mi + facets": {
        "near": Near(*COURT_COORDINATES["perth"], 50),
        "with_facets": True,
    },
}
RAW_SQL = "raw SQL: box + haversine"


def location_rows(service_ids: list[str], seed: int) -> dict[str, list[dict[str, Any]]]:
    """Location and service_at_location rows for most of ``service_ids``."""
    rng = random.Random(seed)
    courts = list(COURT_COORDINATES.values())
    rows: dict[str, list[dict[str, Any]]] = {"location": [], "service_at_location": []}
    for service_id in service_ids:
        if rng.random() >= 0.9:
            continue
        latitude, longitude = rng.choice(courts)
        place = str(uuid.uuid4())
        rows["location"].append({
            "id": place, "location_type": "physical", "name": "Benchmark office",
            "latitude": latitude + rng.uniform(-0.35, 0.35),
            "longitude": longitude + rng.uniform(-0.6, 0.6),
        })  # fmt: skip
        rows["service_at_location"].append(
            {"id": str(uuid.uuid4()), "service_id": service_id, "location_id": place}
        )
    return rows


def insert_locations(session: Session, service_ids: list[str], seed: int) -> None:
    rows = location_rows(service_ids, seed)
    for name, table in (("location", Location), ("service_at_location", ServiceAtLocation)):
        if rows[name]:
            session.execute(insert(table), rows[name])


def time_raw_sql(engine: Engine, runs: int) -> list[float]:
    """The database's part alone: the nearest 20 services within 20 miles of Glasgow's court."""
    near = Near(*COURT_COORDINATES["glasgow"], 20)
    timings = []
    for run in range(runs + 2):
        nearby = nearby_services(near)
        statement = (
            select(nearby.c.service_id, nearby.c.distance_miles)
            .order_by(nearby.c.distance_miles)
            .limit(20)
        )
        started = time.perf_counter()
        with Session(engine) as session:
            session.execute(statement).all()
        if run >= 2:
            timings.append((time.perf_counter() - started) * 1000)
    return timings
