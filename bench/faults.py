"""The fault-injection suite, full version: prints the table of issue 11's figures.

    make faults                                   # or: .venv/bin/python bench/faults.py
    .venv/bin/python bench/faults.py --changes 200 --skip-postgres-restart

The whole system runs as real processes on PostgreSQL (127.0.0.1:5432, or CJP_TEST_POSTGRES_URL)
with two replicas each of deliverables, directory, notifications and gateway
(``tests/faults/system.py``); each scenario injects one fault (``tests/faults/scenarios.py``).

WARNING: the PostgreSQL restart scenario restarts the machine's cluster
(``pg_ctlcluster --skip-systemctl-redirect 15 main restart``), which every other user of that
PostgreSQL notices. Skip it with ``--skip-postgres-restart`` on a shared machine.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from tests.e2e.gateway import Gateway  # noqa: E402
from tests.faults import scenarios  # noqa: E402
from tests.faults.system import fault_system  # noqa: E402


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=1000, help="status changes (broker kill)")
    parser.add_argument("--waiting", type=int, default=250, help="subscribers (line break)")
    parser.add_argument("--smtp-outage", type=float, default=60.0, help="seconds SMTP is down")
    parser.add_argument("--fanout", type=int, default=2000, help="subscribers (replica kills)")
    parser.add_argument("--skip-postgres-restart", action="store_true")
    parser.add_argument("--only", help="run one scenario: poison, line break, smtp, replicas, "
                        "broker, next email, fan-out, postgres")  # fmt: skip
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
            if args.only:
                steps = [(name, step) for name, step in steps if name == args.only]
            if not args.skip_postgres_restart and args.only in {None, "postgres"}:
                print("WARNING: restarting the machine's PostgreSQL cluster", flush=True)
                steps.append(
                    ("postgres", lambda: scenarios.postgres_restart(system, first, changes=100))
                )
            for name, step in steps:
                print(f"... {name}", flush=True)
                try:
                    figures += await step()
                except Exception as error:
                    figures.append(scenarios.Figure(name, f"broke: {error!r}"[:200], False, "-"))
                print(figures[-1].row(), flush=True)
    return figures


def main() -> int:
    args = arguments()
    with tempfile.TemporaryDirectory(prefix="cjp-faults-") as folder:
        figures = asyncio.run(run(args, Path(folder)))
    print("\n| scenario | measured | holds | bound |\n| --- | --- | --- | --- |")
    for figure in figures:
        print(figure.row())
    return 0 if all(figure.holds for figure in figures) else 1


if __name__ == "__main__":
    raise SystemExit(main())
