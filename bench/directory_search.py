"""Directory search latency at 10,000 entries on SQLite and PostgreSQL (run on demand, not a test).

    .venv/bin/python bench/directory_search.py [--entries 10000] [--runs 30] [--postgres URL]

Loads generated entries into a fresh SQLite file and a fresh PostgreSQL database, then times
the search the API runs (text match with typo correction, filters, ranking, one page of views,
and facet counts where asked) and prints p50/p95 per query and overall; beside them the very
statements those searches send, recorded and replayed on a bare DBAPI cursor
(bench/directory_raw_sql.py), the floor they stand on. Distance
searches ("near" a court or point, nearest first) are timed the same way, and in the same run the
raw SQL alone (bounding box on the index, then haversine, nearest 20) as their floor.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from directory_distance import NEAR_QUERIES, RAW_SQL, insert_locations, time_raw_sql
from directory_raw_sql import time_raw_searches
from machine import machine, write_result
from sqlalchemy import Engine, create_engine, insert, select, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, col

from services.directory.adapters.read_model import stored_views
from services.directory.adapters.search.criteria import SearchCriteria
from services.directory.adapters.search.index import reindex_services
from services.directory.adapters.search.run import search_services
from services.directory.adapters.seed.areas import COURTS, LOCAL_AUTHORITIES
from services.directory.adapters.seed.load import seed_reference_data
from services.directory.adapters.seed.taxonomy import TAXONOMIES
from services.directory.adapters.tables import (
    Attribute,
    LocalAuthority,
    Organization,
    Schedule,
    Service,
    ServiceArea,
    ServiceCourt,
    TaxonomyTerm,
)
from services.directory.adapters.tables.taxonomy import (
    CLIENT_GROUPS,
    REFERRAL_ROUTES,
    SERVICE_TYPES,
)
from services.directory.wiring import MIGRATIONS, POSTGRES_SETTINGS
from shared.db import make_engine, transaction, upgrade_database

QUERIES: dict[str, dict[str, Any]] = {
    "text: bail supervision": {"text": "bail supervision"},
    "typos: bial supervison": {"text": "bial supervison"},
    "text + court": {"text": "drug treatment", "court": "glasgow"},
    "text + area + age": {"text": "housing support", "local_authority": "fife", "age": 30},
    "text + facets": {"text": "womens mental health", "with_facets": True},
    "text + area + facets": {"text": "bail", "local_authority": "fife", "with_facets": True},
    "filters only": {"service_type": "employability", "local_authority": "glasgow-city"},
    "filters + facets": {"service_type": "bail-supervision", "with_facets": True},
    "open now": {"open_now": True, "referral_route": "self-referral"},
    **NEAR_QUERIES,
}
PHRASES = [
    "support for people on community orders",
    "help to stop offending",
    "housing advice on release",
    "alcohol and drug recovery",
    "mentoring and peer support",
    "supervised bail instead of remand",
    "restorative meetings with people harmed",
    "training and employability skills",
    "mental health and wellbeing support",
    "women's group work",
    "family contact and parenting",
    "structured deferred sentence support",
    "unpaid work placements in the community",
]


def generated_entries(count: int, seed: int = 7) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    areas = [code for code, _ in LOCAL_AUTHORITIES]
    courts = [slug for slug, _, _ in COURTS]
    terms = {t: [c for c, _, _ in TAXONOMIES[t][2]] for t in TAXONOMIES}
    for number in range(count):
        types = rng.sample(terms[SERVICE_TYPES], k=rng.randint(1, 3))
        type_names = [n for c, n, _ in TAXONOMIES[SERVICE_TYPES][2] if c in types]
        entry: dict[str, Any] = {
            "name": f"{rng.choice(type_names)} service {number}",
            "organisation": f"Benchmark provider {number % 400}",
            "description": ". ".join(rng.sample(PHRASES, k=3)),
            "local_authorities": rng.sample(areas, k=rng.choice([1, 1, 1, 2, 3])),
            "service_types": types,
            "courts": rng.sample(courts, k=rng.randint(0, 2)),
            "client_groups": rng.sample(terms[CLIENT_GROUPS], k=rng.randint(1, 2)),
            "referral_routes": rng.sample(terms[REFERRAL_ROUTES], k=rng.randint(1, 2)),
            "minimum_age": rng.choice([None, 16, 18]),
            "maximum_age": rng.choice([None, None, 25, 64]),
            "reviewed_days_ago": rng.randint(0, 400),
        }
        if rng.random() < 0.6:
            entry["schedule"] = ("MO,TU,WE,TH,FR", "09:00", rng.choice(["17:00", "16:30", "20:00"]))
        yield entry


def load(engine: Engine, url: str, count: int) -> float:
    """Migrate, seed the facts, bulk-insert the entries and index them as the service does."""
    started = time.perf_counter()
    upgrade_database(url, MIGRATIONS)
    seed_reference_data(engine)
    entries = list(generated_entries(count))
    for first in range(0, count, 1000):
        with transaction(engine) as session:
            ids = _bulk_insert(session, entries[first : first + 1000])
            insert_locations(session, ids, seed=first)
            for batch in range(0, len(ids), 250):
                reindex_services(session, ids[batch : batch + 250])
    if engine.dialect.name == "postgresql":  # as autovacuum leaves a table soon after a load
        autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")
        with autocommit.connect() as connection:
            connection.execute(text("VACUUM ANALYZE"))
    return time.perf_counter() - started


_TABLES: dict[str, Any] = {
    "organization": Organization,
    "service": Service,
    "service_area": ServiceArea,
    "attribute": Attribute,
    "service_court": ServiceCourt,
    "schedule": Schedule,
}


def _bulk_insert(session: Session, entries: list[dict[str, Any]]) -> list[str]:
    """Rows for services and their areas, terms, courts and schedules, inserted in bulk."""
    term_rows = session.execute(select(col(TaxonomyTerm.code), col(TaxonomyTerm.id))).all()
    terms = {code: term_id for code, term_id in term_rows}
    areas = {a.code: a for a in session.scalars(select(LocalAuthority))}
    known = session.execute(select(col(Organization.name), col(Organization.id))).all()
    organisations = {name: organisation_id for name, organisation_id in known}
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in _TABLES}
    now = datetime.now(UTC)
    for entry in entries:
        organisation = entry["organisation"]
        if organisation not in organisations:
            organisations[organisation] = str(uuid.uuid4())
            rows["organization"].append(
                {"id": organisations[organisation], "name": organisation,
                 "description": organisation, "is_sample": False}
            )  # fmt: skip
        service_id = str(uuid.uuid4())
        reviewed = now - timedelta(days=entry["reviewed_days_ago"])
        rows["service"].append({
            "id": service_id, "organization_id": organisations[organisation],
            "name": entry["name"], "description": entry["description"], "status": "active",
            "minimum_age": entry["minimum_age"], "maximum_age": entry["maximum_age"],
            "providing_partnership_code": areas[entry["local_authorities"][0]].partnership_code,
            "last_reviewed_at": reviewed, "created_at": reviewed, "updated_at": reviewed,
            "is_sample": False,
        })  # fmt: skip
        for code in entry["local_authorities"]:
            rows["service_area"].append({"id": str(uuid.uuid4()), "service_id": service_id,
                                         "local_authority_code": code, "name": areas[code].name,
                                         "extent_type": "local_authority"})  # fmt: skip
        for field in ("service_types", "client_groups", "referral_routes"):
            for code in entry[field]:
                rows["attribute"].append({"id": str(uuid.uuid4()), "link_id": service_id,
                                          "link_type": field, "link_entity": "service",
                                          "taxonomy_term_id": terms[code]})  # fmt: skip
        for slug in entry["courts"]:
            rows["service_court"].append({"service_id": service_id, "court_slug": slug})
        if "schedule" in entry:
            byday, opens_at, closes_at = entry["schedule"]
            rows["schedule"].append(
                {"id": str(uuid.uuid4()), "service_id": service_id, "freq": "WEEKLY",
                 "byday": byday, "opens_at": opens_at, "closes_at": closes_at,
                 "timezone": "Europe/London"}
            )  # fmt: skip
    for name, table in _TABLES.items():
        if rows[name]:
            session.execute(insert(table), rows[name])
    return [row["id"] for row in rows["service"]]


def time_queries(engine: Engine, runs: int) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {name: [] for name in QUERIES}
    for run in range(runs + 2):
        for name, criteria in QUERIES.items():
            started = time.perf_counter()
            with Session(engine) as session:
                result = search_services(session, SearchCriteria(limit=20, **criteria))
                stored_views(session, result.ids)
            if run >= 2:  # the first two rounds warm caches
                timings[name].append((time.perf_counter() - started) * 1000)
    return timings


def report(label: str, load_seconds: float, timings: dict[str, list[float]]) -> None:
    print(f"\n{label}: loaded in {load_seconds:.0f} s; latency in ms (p50 / p95)")
    every: list[float] = []
    near: list[float] = []
    for name, values in timings.items():
        every.extend(values if not name.startswith("raw SQL") else [])
        near.extend(values if name.startswith("near") else [])
        print(f"  {name:<30} {percentile(values, 50):7.1f} / {percentile(values, 95):7.1f}")
    print(
        f"  {'all distance searches':<30} {percentile(near, 50):7.1f} / {percentile(near, 95):7.1f}"
    )
    print(f"  {'all queries':<30} {percentile(every, 50):7.1f} / {percentile(every, 95):7.1f}")


def percentile(values: list[float], pct: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


@contextmanager
def postgres_database(admin_url: str) -> Iterator[str]:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"cjp_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def bench(label: str, url: str, entries: int, runs: int) -> dict[str, Any]:
    engine = make_engine(url, postgres_settings=POSTGRES_SETTINGS)  # as the service opens it
    try:
        seconds = load(engine, url, entries)
        timings = time_queries(engine, runs)
        timings[RAW_SQL] = time_raw_sql(engine, runs)
        timings.update(time_raw_searches(engine, runs))
        report(f"{label}, {entries} entries", seconds, timings)
    finally:
        engine.dispose()
    return {
        "load_seconds": round(seconds, 1),
        "p50_p95_ms": {name: [round(percentile(v, 50), 2), round(percentile(v, 95), 2)]
                       for name, v in timings.items()},
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument(
        "--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    result: dict[str, Any] = {"benchmark": "directory_search", "machine": machine(),
                              "entries": args.entries, "runs": args.runs}  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        result["sqlite"] = bench("SQLite", url, args.entries, args.runs)
    if not args.skip_postgres:
        with postgres_database(args.postgres) as url:
            result["postgresql"] = bench("PostgreSQL", url, args.entries, args.runs)
    write_result("directory_search", result)


if __name__ == "__main__":
    main()
