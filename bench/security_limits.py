"""What the security limits cost: rate-budget spends per second, and costing a query.

Usage: python -m bench.security_limits [--postgres URL]
Prints spends per second of the database-kept rate budget (one upsert each) on SQLite and, if
given, PostgreSQL, from 1 and 8 threads; and the cost and costing time of the issue's fan-out
query and of the web pages' largest query.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from graphql import parse
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from services.gateway.adapters.rate_limits import Limit, spend
from services.gateway.entrypoints.graphql.query_cost import CostRules, query_cost
from services.gateway.entrypoints.graphql.schema import build_schema
from services.gateway.settings import GatewaySettings
from services.gateway.wiring import MIGRATIONS
from services.web.use_cases.finding import FIND_SERVICES
from shared.db import make_engine, upgrade_database

FAN_OUT = """query { deliverables { nodes { leadPartners { leadDeliverables { leadPartners {
  leadDeliverables { history { closedRound statusChanges { newStatus } } } } } } } } }"""
SPENDS = 2_000


def spends_per_second(engine: Engine, threads: int) -> float:
    limit = Limit("bench:" + uuid.uuid4().hex, per_minute=1e9, burst=10**9)
    began = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(lambda _: spend(engine, limit, now=time.time()), range(SPENDS)))
    return SPENDS / (time.perf_counter() - began)


def bench_database(label: str, url: str) -> None:
    upgrade_database(url, MIGRATIONS)
    engine = make_engine(url, pool_size=10) if url.startswith("postgresql") else make_engine(url)
    for threads in (1, 8):
        print(f"{label:10} {threads} thread(s): {spends_per_second(engine, threads):8.0f} spends/s")
    engine.dispose()


def bench_cost() -> None:
    schema = build_schema(GatewaySettings())._schema
    rules = CostRules(max_page_size=100)
    for name, query in (("fan-out (issue)", FAN_OUT), ("web FindServices", FIND_SERVICES)):
        document = parse(query)
        began = time.perf_counter()
        for _ in range(1_000):
            cost = query_cost(schema, document, operation_name=None, variables={}, rules=rules)
        took = (time.perf_counter() - began) / 1_000 * 1e6
        print(f"{name:18} cost {cost:>10,}  costed in {took:6.1f} µs")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", help="an admin URL, e.g. postgresql+psycopg://postgres@/")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        bench_database("SQLite", f"sqlite:///{Path(folder) / 'gateway.db'}")
    if args.postgres:
        name = f"bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f"CREATE DATABASE {name}"))
        try:
            bench_database(
                "PostgreSQL",
                make_url(args.postgres).set(database=name).render_as_string(hide_password=False),
            )
        finally:
            with admin.connect() as connection:
                connection.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))
            admin.dispose()
    bench_cost()


if __name__ == "__main__":
    main()
