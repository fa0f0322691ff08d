"""Time importing the published edition (update 2) into the deliverables service's database.

Usage: python -m bench.deliverables_import [SEED_FILE] [--postgres URL]
Prints the median of several runs for: a first import into an empty database, a re-import of
the same edition (nothing changes), and an import over the seeded facts.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from services.deliverables.adapters.importer.loader import import_edition
from services.deliverables.adapters.seed.facts import seed_if_empty
from services.deliverables.events import EventContext
from services.deliverables.wiring import MIGRATIONS
from shared.db import make_engine, upgrade_database

# The seed edition in the team library (the repo's sibling ``shared/``, or CJP_TEAM_LIBRARY).
TEAM_LIBRARY = Path(
    os.environ.get("CJP_TEAM_LIBRARY") or Path(__file__).resolve().parents[2] / "shared"
)
SEED = TEAM_LIBRARY / "seeds" / "004_88e86c19ba4d9267.txt"


@contextmanager
def fresh_database(postgres_admin: str | None) -> Iterator[Engine]:
    if postgres_admin is None:
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{folder}/bench.db"
            upgrade_database(url, MIGRATIONS)
            engine = make_engine(url)
            yield engine
            engine.dispose()
        return
    admin_url = make_url(postgres_admin)
    name = f"cjp_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin_url.set(database=name).render_as_string(hide_password=False)
    upgrade_database(url, MIGRATIONS)
    engine = make_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def measure(document: str, postgres_admin: str | None, runs: int) -> dict[str, float]:
    results: dict[str, list[float]] = {"empty": [], "reimport": [], "over_seed": []}
    context = EventContext()
    for _ in range(runs):
        with fresh_database(postgres_admin) as engine:
            results["empty"].append(
                timed(lambda: import_edition(engine, document, context=context))
            )
            results["reimport"].append(
                timed(lambda: import_edition(engine, document, context=context))
            )
        with fresh_database(postgres_admin) as engine:
            seed_if_empty(engine)
            results["over_seed"].append(
                timed(lambda: import_edition(engine, document, context=context))
            )
    return {name: statistics.median(values) for name, values in results.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("seed", nargs="?", type=Path, default=SEED)
    parser.add_argument(
        "--postgres", help="admin URL, e.g. postgresql+psycopg://postgres@127.0.0.1/postgres"
    )
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if not args.seed.exists():
        parser.error(f"seed edition not found at {args.seed}: give its path or CJP_TEAM_LIBRARY")
    document = args.seed.read_text(encoding="utf-8")
    backend = "postgresql" if args.postgres else "sqlite"
    for name, seconds in measure(document, args.postgres, args.runs).items():
        print(f"{backend:10} {name:10} median {seconds * 1000:7.1f} ms over {args.runs} runs")


if __name__ == "__main__":
    main()
