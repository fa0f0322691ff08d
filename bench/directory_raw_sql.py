"""The raw-SQL floor under bench/directory_search.py: the very SQL the service runs, alone.

For each search, the statements the service sends (text match, page, total, facets, the page's
stored views; spelling lookups included) are recorded once from a real run of the service's code,
with their parameters, then replayed on a bare DBAPI cursor: no ORM, no compiling, no Python
around them. Timed in the same run as the searches, so the gap between the two is what the
service's Python adds, and the raw figure is what the SQL itself costs.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Engine, event
from sqlmodel import Session

from services.directory.adapters.read_model import stored_views
from services.directory.adapters.search.criteria import SearchCriteria
from services.directory.adapters.search.run import search_services

RAW_QUERIES: dict[str, dict[str, Any]] = {
    "raw SQL: text": {"text": "bail supervision"},
    "raw SQL: text + facets": {"text": "womens mental health", "with_facets": True},
    "raw SQL: filters + facets": {"service_type": "bail-supervision", "with_facets": True},
}


def service_statements(engine: Engine, criteria: dict[str, Any]) -> list[tuple[str, Any]]:
    """The statements (SQL text, DBAPI parameters) one search sends, as the service sends them."""
    sent: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        with Session(engine) as session:
            result = search_services(session, SearchCriteria(limit=20, **criteria))
            stored_views(session, result.ids)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return sent


def time_raw_searches(engine: Engine, runs: int) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {name: [] for name in RAW_QUERIES}
    replays = {name: service_statements(engine, c) for name, c in RAW_QUERIES.items()}
    connection = engine.raw_connection()
    try:
        for run in range(runs + 2):
            for name, statements in replays.items():
                started = time.perf_counter()
                cursor = connection.cursor()
                for statement, parameters in statements:
                    cursor.execute(statement, parameters)
                    cursor.fetchall()
                cursor.close()
                connection.rollback()
                if run >= 2:
                    timings[name].append((time.perf_counter() - started) * 1000)
    finally:
        connection.close()
    return timings
