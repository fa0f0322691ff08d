"""The fault-injection suite, full version: prints the table of issue 11's figures.

    make faults                                   # or: .venv/bin/python bench/faults.py
    .venv/bin/python bench/faults.py --changes 200 --skip-postgres-restart

The whole system runs as real processes on a private PostgreSQL cluster that it starts itself
(``tests/private_postgres.py``: initdb into a temporary folder, a free port, deleted at the end)
with two replicas each of deliverables, directory, notifications and gateway
(``tests/faults/system.py``); each scenario injects one fault (``tests/faults/scenarios.py``).
The PostgreSQL restarts (``pg_ctl stop -m fast`` and ``-m immediate``, a crash) hit that private
cluster only, never the machine's shared one. Without initdb/pg_ctl the system runs on the shared
PostgreSQL (CJP_TEST_POSTGRES_URL) and the restarts are reported as not run.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from tests import private_postgres  # noqa: E402
from tests.e2e.gateway import Gateway  # noqa: E402
from tests.faults import scenarios  # noqa: E402
from tests.faults.system import FaultSystem, fault_system  # noqa: E402


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=1000, help="status changes (broker kill)")
    parser.add_argument("--waiting", type=int, default=250, help="subscribers (line break)")
    parser.add_argument("--smtp-outage", type=float, default=60.0, help="seconds SMTP is down")
    # At the fault system's shared 6,000 emails a minute, 4,000 take 40 s: long enough for three
    # kills and restarts of a replica on a slow machine (with 2,000 the sender, made faster, had
    # sent them all before the third kill: 29 Nov, 22:40).
    parser.add_argument("--fanout", type=int, default=4000, help="subscribers (replica kills)")
    parser.add_argument("--skip-postgres-restart", action="store_true")
    parser.add_argument("--postgres-changes", type=int, default=120,
                        help="status changes acknowledged per PostgreSQL restart")  # fmt: skip
    parser.add_argument("--postgres-modes", default="fast,immediate",
                        help="pg_ctl stop modes to restart PostgreSQL with")  # fmt: skip
    parser.add_argument("--keep", type=Path, help="keep data and logs in this folder")
    parser.add_argument("--postgres-down", type=float, default=3.0,
                        help="seconds PostgreSQL stays down")  # fmt: skip
    parser.add_argument("--only", help="run these scenarios (comma-separated): poison, line break, "
                        "smtp, replicas, broker, next email, fan-out, postgres")  # fmt: skip
    return parser.parse_args()


async def run(args: argparse.Namespace, folder: Path) -> list[scenarios.Figure]:
    figures: list[scenarios.Figure] = []
    began = time.monotonic()
    with fault_system(folder) as system:
        print(f"system up in {time.monotonic() - began:.0f} s; logs in {folder}/logs", flush=True)
        async with httpx.AsyncClient(timeout=30) as http:
            first = Gateway(http, system.graphql_url(1))
            second = Gateway(http, system.graphql_url(2))
            steps = [
                ("poison", lambda: scenarios.poison_messages(system, first)),
                ("line break", lambda: scenarios.line_break_in_a_name(system, first, args.waiting)),
                (
                    "smtp",
                    lambda: scenarios.smtp_outage(system, first, args.smtp_outage, changes=50),
                ),
                (
                    "replicas",
                    lambda: scenarios.one_replica_of_each_killed(system, second, changes=50),
                ),
                ("broker", lambda: scenarios.broker_forgets(system, first, args.changes)),
                ("next email", lambda: scenarios.next_email_after_broker_returns(system, first)),
            ]
            fanout = scenarios.fanout_with_notification_kills
            steps.append(("fan-out", lambda: fanout(system, first, args.fanout)))
            only = set(args.only.split(",")) if args.only else None
            if only:
                steps = [(name, step) for name, step in steps if name in only]
            if not args.skip_postgres_restart and (only is None or "postgres" in only):
                steps += _postgres_steps(args, system, first)
            for name, step in steps:
                print(f"... {name}", flush=True)
                try:
                    figures += await step()
                except Exception as error:
                    figures.append(scenarios.Figure(name, f"broke: {error!r}"[:200], False, "-"))
                print(figures[-1].row(), flush=True)
    return figures


def _postgres_steps(args: argparse.Namespace, system: FaultSystem, gateway: Gateway) -> list[Any]:
    if system.postgres is None:
        reason = private_postgres.unavailable_reason()

        async def not_run() -> list[scenarios.Figure]:
            return [scenarios.Figure("PostgreSQL restarted mid-run", f"not run: {reason}",
                                     False, "0 lost, no service restarted")]  # fmt: skip

        return [("postgres", not_run)]
    return [
        (
            "postgres",
            lambda mode=mode: scenarios.postgres_restart(
                system, gateway, args.postgres_changes, mode=mode, down=args.postgres_down
            ),
        )
        for mode in args.postgres_modes.split(",")
    ]


def main() -> int:
    args = arguments()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        figures = asyncio.run(run(args, args.keep))
    else:
        with tempfile.TemporaryDirectory(prefix="cjp-faults-") as folder:
            figures = asyncio.run(run(args, Path(folder)))
    print("\n| scenario | measured | holds | bound |\n| --- | --- | --- | --- |")
    for figure in figures:
        print(figure.row())
    return 0 if all(figure.holds for figure in figures) else 1


if __name__ == "__main__":
    raise SystemExit(main())
