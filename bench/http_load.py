"""Reads under load with `wrk`, side by side with their limits, all measured in the same run.

    .venv/bin/python bench/http_load.py [--entries 10000] [--seconds 10] [--connections 50]
        [--directory-workers N] [--gateway-workers N] [--only dashboard ...]

Starts deliverables, directory (SQLite, ``--entries`` generated entries) and the gateway as real
processes on free ports, then drives each request with ``wrk`` (C, two threads, so the load
generator costs little CPU) and prints req/s, p50, p99 and the share of the empty-request rate
(the directory's ``/health/live``: the same server stack doing no work). Beside them: the
in-process cost of the same search (search + views, no HTTP), as a single-client p50 and the rate
it would allow on every core. Results go to ``bench/results/http_load-<time>.json`` with the
machine's description (cores, memory, CPU model, load average at start).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from directory_search import load
from gateway_latency import DASHBOARD, own_system
from machine import machine, write_result
from sqlmodel import Session

from services.directory.adapters.read_model import stored_views
from services.directory.adapters.search.criteria import SearchCriteria
from services.directory.adapters.search.run import search_services
from shared.db import make_engine

WRK = shutil.which("wrk") or "/usr/bin/wrk"
SEARCH_WORDS = "womens mental health"
GATEWAY_SEARCH = """
query($q: String) {
  services(filter: {search: $q}, first: 20) {
    totalCount nodes { id name organisationName localAuthorities serviceTypes status }
    facets { field values { value label count } }
  }
}"""
# wrk runs this Lua: a fixed request, and at the end one JSON line with the figures we keep.
LUA = """
wrk.method = {method}
wrk.body = {body}
wrk.headers["Content-Type"] = "application/json"
local vary = {vary}
local counter = 0
if vary and wrk.method == "GET" then
  request = function()
    counter = counter + 1
    return wrk.format(nil, wrk.path .. "&request=" .. counter)
  end
elseif vary then
  request = function()
    counter = counter + 1
    local body = string.sub(wrk.body, 1, -2) .. ', "extensions": {{"bench": ' .. counter .. '}}}}'
    return wrk.format(nil, nil, nil, body)
  end
end
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format('RESULT {{"requests": %d, "seconds": %f, "errors": %d, '
    .. '"p50_ms": %f, "p99_ms": %f}}\\n', summary.requests, summary.duration / 1e6, errors,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
"""


def wrk(
    url: str, *, body: dict[str, Any] | None, seconds: float, connections: int, vary: bool = False
) -> dict:
    """One wrk run (2 threads) against ``url``: GET, or a JSON POST of ``body``.

    ``vary`` makes every request differ, so no answer is ever reused: a different ``&request=N``
    on each GET, a different ``"extensions": {"bench": N}`` in each POST body (the gateway
    ignores it, but its cache of public answers is keyed by the whole body).
    """
    method, payload = ("POST", json.dumps(body)) if body is not None else ("GET", "")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA.format(method=json.dumps(method), body=_lua_string(payload),
                                vary="true" if vary else "false"))  # fmt: skip
    try:
        command = [WRK, "-t2", f"-c{connections}", f"-d{seconds:.0f}s", "--timeout", "10s",
                   "-s", script.name, url]  # fmt: skip
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(script.name)
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    figures = json.loads(line.removeprefix("RESULT "))
    figures["req_per_s"] = round(figures["requests"] / figures["seconds"], 1)
    return figures


def _lua_string(value: str) -> str:
    return "[==[" + value + "]==]"


def check_answer(url: str, body: dict[str, Any] | None, attempts: int = 5) -> None:
    """One request by hand first, so a load of errors is never reported as a rate.

    A loaded machine may still be working off the previous row's backlog: a few tries.
    """
    for attempt in range(attempts):
        response = httpx.post(url, json=body, timeout=30) if body else httpx.get(url, timeout=30)
        response.raise_for_status()
        if body is None or "errors" not in response.json():
            return
        if attempt == attempts - 1:
            raise RuntimeError(f"{url} answered errors: {response.json()['errors']}")
        time.sleep(3)


def in_process_search(database: Path, runs: int) -> dict[str, float]:
    """The same search without HTTP: search + stored views in this process, one client."""
    engine = make_engine(f"sqlite:///{database}")
    criteria = SearchCriteria(text=SEARCH_WORDS, with_facets=True, limit=20)
    timings = []
    try:
        for run in range(runs + 3):
            started = time.perf_counter()
            with Session(engine) as session:
                result = search_services(session, criteria)
                stored_views(session, result.ids)
            if run >= 3:
                timings.append((time.perf_counter() - started) * 1000)
    finally:
        engine.dispose()
    p50 = statistics.median(timings)
    cores = os.cpu_count() or 1
    return {"p50_ms": round(p50, 2), "rate_on_all_cores": round(cores * 1000 / p50, 1)}


def scenarios(urls: dict[str, str]) -> list[tuple[str, str, dict[str, Any] | None, bool]]:
    graphql = f"{urls['gateway']}/graphql"
    search = f"q={SEARCH_WORDS.replace(' ', '+')}&limit=20&facets=true"
    gateway_search = {"query": GATEWAY_SEARCH, "variables": {"q": SEARCH_WORDS}}
    return [
        ("empty request: directory /health/live", f"{urls['directory']}/health/live", None, False),
        ("empty request: gateway /health/live", f"{urls['gateway']}/health/live", None, False),
        ("gateway { __typename }", graphql, {"query": "{ __typename }"}, False),
        ("search text+facets, direct", f"{urls['directory']}/services?{search}", None, False),
        ("  the same, never cached", f"{urls['directory']}/services?{search}", None, True),
        ("search text+facets, via gateway", graphql, gateway_search, False),
        ("  the same, never cached by the gateway", graphql, gateway_search, True),
        ("deliverables dashboard, via gateway", graphql, {"query": DASHBOARD}, False),
        ("  the same, never cached by the gateway", graphql, {"query": DASHBOARD}, True),
        ("deliverables dashboard, direct", f"{urls['deliverables']}/deliverables?limit=50", None,
         False),
        ("  the same, never cached", f"{urls['deliverables']}/deliverables?limit=50", None, True),
        ("deliverables status counts, direct", f"{urls['deliverables']}/status-counts", None,
         False),
    ]  # fmt: skip


def run(args: argparse.Namespace) -> dict[str, Any]:
    described = machine()
    loaded: dict[str, float] = {}

    def prepare(folder: Path) -> None:
        database = folder / "directory.db"
        engine = make_engine(f"sqlite:///{database}")
        try:
            loaded["seconds"] = load(engine, f"sqlite:///{database}", args.entries)
        finally:
            engine.dispose()
        loaded["in_process"] = in_process_search(database, runs=30)  # type: ignore[assignment]

    # The review check would ask for thousands of reviews at start-up, once: not what is measured.
    extra = {"CJP_DIRECTORY_WORKERS": str(args.directory_workers),
             "CJP_GATEWAY_WORKERS": str(args.gateway_workers),
             "CJP_DIRECTORY_REVIEW_CHECK_INTERVAL_SECONDS": "0",
             # overload shows as latency (wrk waits 10 s), not as the gateway giving up at 5 s
             "CJP_GATEWAY_UPSTREAM_TIMEOUT_SECONDS": "30"}  # fmt: skip
    rows, chosen = [], True
    with own_system(prepare, extra) as urls:
        for index, (label, url, body, vary) in enumerate(scenarios(urls)):
            if not label.startswith(" "):  # an indented variant goes with the request above it
                chosen = _chosen(index, label, args.only)
            if not chosen:
                continue
            check_answer(url, body)
            options = {"body": body, "connections": args.connections, "vary": vary}
            wrk(url, seconds=2, **options)  # warm up
            figures = wrk(url, seconds=args.seconds, **options)
            rows.append({"request": label, **figures})
    empty = rows[0]["req_per_s"]
    for row in rows:
        row["share_of_empty"] = round(row["req_per_s"] / empty, 3)
    return {
        "benchmark": "http_load", "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": described, "entries": args.entries, "connections": args.connections,
        "seconds": args.seconds, "directory_workers": args.directory_workers,
        "gateway_workers": args.gateway_workers, "load_seconds": loaded.get("seconds"),
        "in_process_search": loaded.get("in_process"), "requests": rows,
    }  # fmt: skip


def _chosen(index: int, label: str, only: list[str] | None) -> bool:
    """The empty requests are always measured: they are the yardsticks."""
    return index == 0 or label.startswith("empty") or not only or any(w in label for w in only)


def show(result: dict[str, Any]) -> None:
    m = result["machine"]
    print(f"{m['cores']} cores, {m['cpu_model']}, {m['memory_gb']} GB, load average at start "
          f"{m['load_average_at_start']}; {result['entries']} entries; wrk -t2 "
          f"-c{result['connections']} for {result['seconds']} s each\n")  # fmt: skip
    print(f"{'request':<44} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6} {'share':>6}")
    for row in result["requests"]:
        print(
            f"{row['request']:<44} {row['req_per_s']:>8.0f} {row['p50_ms']:>8.1f} "
            f"{row['p99_ms']:>8.1f} {row['errors']:>6} {row['share_of_empty']:>6.0%}"
        )
    sql = result["in_process_search"]
    print(f"\nsame search in-process (no HTTP, one client): p50 {sql['p50_ms']} ms, "
          f"{sql['rate_on_all_cores']} searches/s on all cores")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--directory-workers", type=int, default=1)
    parser.add_argument("--gateway-workers", type=int, default=1)
    parser.add_argument(
        "--only", action="append", help="measure only requests whose label contains this"
    )
    args = parser.parse_args()
    result = run(args)
    show(result)
    write_result("http_load", result)


if __name__ == "__main__":
    main()
