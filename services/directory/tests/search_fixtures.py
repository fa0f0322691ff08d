"""A module-wide database (SQLite and PostgreSQL) holding a small, known set of entries."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import Engine

from services.directory.adapters.seed.load import add_entry, seed_reference_data
from services.directory.tests.module_databases import BACKENDS, module_database_url
from services.directory.wiring import MIGRATIONS
from shared.db import make_engine, transaction, upgrade_database

WEEKDAYS = "MO,TU,WE,TH,FR"

ENTRIES: list[dict[str, Any]] = [
    {
        "name": "Bail Supervision Service", "organisation": "Fife Justice",
        "description": "Bail supervision for people who would otherwise be remanded.",
        "local_authorities": ["fife"], "service_types": ["bail-supervision"],
        "courts": ["dunfermline"], "referral_routes": ["court"], "client_groups": ["adults"],
        "minimum_age": 16, "schedule": (WEEKDAYS, "09:00", "17:00"), "reviewed_days_ago": 10,
        "location": ("Dunfermline office", "1 High St", "Dunfermline", "KY12 7AA", 56.0719,
                     -3.4393),
    },
    {
        "name": "Supervised Bail Project", "organisation": "Fife Justice",
        "description": "Young people on bail are supervised and supported.",
        "local_authorities": ["fife"], "service_types": ["bail-supervision"],
        "courts": ["kirkcaldy"], "referral_routes": ["court"], "client_groups": ["young-people"],
        "minimum_age": 16, "maximum_age": 25, "reviewed_days_ago": 300,
        "location": ("Kirkcaldy office", "2 High St", "Kirkcaldy", "KY1 1AA", 56.1120, -3.1590),
    },
    {
        "name": "Women's Bail Support", "organisation": "Glasgow Women",
        "description": "Support for women granted bail, including supervision and housing.",
        "local_authorities": ["glasgow-city"], "courts": ["glasgow"],
        "service_types": ["bail-supervision", "womens-services"],
        "referral_routes": ["self-referral", "court"], "client_groups": ["women"],
        "minimum_age": 16, "reviewed_days_ago": 20,
        "location": ("Glasgow centre", "3 Trongate", "Glasgow", "G1 5AA", 55.8576, -4.2450),
    },
    {
        "name": "Unpaid Work Team", "organisation": "Fife Justice",
        "description": "Community Payback Order unpaid work placements.",
        "local_authorities": ["fife"], "service_types": ["cpo-unpaid-work"],
        "courts": ["dunfermline"], "referral_routes": ["court"], "client_groups": ["adults"],
        "reviewed_days_ago": 5,
        "location": ("Unpaid work yard", "4 Pittencrieff St", "Dunfermline", "KY12 8AA", 56.0700,
                     -3.4700),
    },
    {
        "name": "Recovery Cafe", "organisation": "Glasgow Recovery",
        "description": "Drop-in recovery community for alcohol and drug use.",
        "local_authorities": ["glasgow-city"], "service_types": ["substance-use"],
        "referral_routes": ["self-referral"], "client_groups": ["adults"],
        "schedule": ("SA", "10:00", "14:00"), "reviewed_days_ago": 15,
    },
]  # fmt: skip


def load_entries(engine: Engine, entries: list[dict[str, Any]] = ENTRIES) -> None:
    seed_reference_data(engine)
    with transaction(engine) as session:
        for entry in entries:
            add_entry(session, entry, is_sample=False)


@contextmanager
def database_with(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    entries: list[dict[str, Any]],
) -> Iterator[Engine]:
    """A migrated database (the backend is ``request.param``) with reference data and
    ``entries``, dropped afterwards."""
    with module_database_url(request.param, tmp_path_factory) as url:
        upgrade_database(url, MIGRATIONS)
        engine = make_engine(url)
        load_entries(engine, entries)
        yield engine
        engine.dispose()


@pytest.fixture(scope="module", params=BACKENDS)
def search_engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """Migrated, with reference data and ``ENTRIES``; shared by the tests of one module."""
    with database_with(request, tmp_path_factory, ENTRIES) as engine:
        yield engine
