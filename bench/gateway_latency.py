"""Gateway overhead at 50 concurrent clients: one read via GraphQL and straight to the service.

Run on demand (not part of `make test`):

    .venv/bin/python bench/gateway_latency.py               # starts its own services on free ports
    .venv/bin/python bench/gateway_latency.py --seconds 20 --clients 50
    .venv/bin/python bench/gateway_latency.py --gateway-url http://127.0.0.1:8000 \
        --deliverables-url http://127.0.0.1:8001 --directory-url http://127.0.0.1:8002

Scenarios: a directory search (services in one area matching a word) and the deliverables
dashboard (50 deliverables with status and lead partners). Every loop is bounded in time and in
requests, and all traffic goes to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
MAX_REQUESTS_PER_RUN = 200_000

DIRECTORY_SEARCH = """
query($area: String!, $q: String) {
  services(filter: {localAuthority: $area, search: $q}, first: 20) {
    totalCount nodes { id name organisationName localAuthorities serviceTypes status }
  }
}"""
DASHBOARD = """
query {
  deliverables(first: 50) {
    totalCount
    nodes { number title status statusLabel dueDate latestUpdate leadPartners { slug name } }
  }
}"""


@dataclass(frozen=True)
class Request:
    """One HTTP request a client repeats: a GraphQL POST or a plain GET."""

    url: str
    json_body: dict[str, Any] | None = None
    params: dict[str, Any] | None = None


@dataclass(frozen=True)
class Result:
    label: str
    latencies: list[float]
    errors: int
    seconds: float

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds

    def quantile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    def line(self) -> str:
        return (
            f"{self.label:<34} n={len(self.latencies):>6}  errors={self.errors:>3}  "
            f"p50={self.quantile(0.50):7.1f} ms  p99={self.quantile(0.99):7.1f} ms  "
            f"mean={statistics.fmean(self.latencies) * 1000:7.1f} ms  "
            f"throughput={self.throughput:7.1f} req/s"
        )


async def _client(
    http: httpx.AsyncClient, request: Request, until: float, latencies: list[float]
) -> int:
    errors = 0
    while time.monotonic() < until and len(latencies) < MAX_REQUESTS_PER_RUN:
        began = time.perf_counter()
        try:
            errors += await _once(http, request)
        except httpx.HTTPError as exc:
            print(f"  {type(exc).__name__} from {request.url}", file=sys.stderr)
            errors += 1
        latencies.append(time.perf_counter() - began)
    return errors


async def _once(http: httpx.AsyncClient, request: Request) -> bool:
    """Send one request; True if it failed."""
    if request.json_body is None:
        response = await http.get(request.url, params=request.params)
        return response.status_code != 200
    response = await http.post(request.url, json=request.json_body)
    body = response.json() if response.status_code < 500 else {}
    failed = response.status_code != 200 or "errors" in body
    if failed:
        codes = [e.get("extensions", {}).get("code") for e in body.get("errors", [])]
        print(f"  gateway answered {response.status_code} {codes}", file=sys.stderr)
    return failed


async def measure(label: str, request: Request, *, clients: int, seconds: float) -> Result:
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(limits=limits, timeout=30) as http:
        warm_until = time.monotonic() + min(2.0, seconds / 5)
        await asyncio.gather(*(_client(http, request, warm_until, []) for _ in range(clients)))
        latencies: list[float] = []
        began = time.monotonic()
        until = began + seconds
        errors = await asyncio.gather(
            *(_client(http, request, until, latencies) for _ in range(clients))
        )
        return Result(label, latencies, sum(errors), time.monotonic() - began)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(url: str, process: subprocess.Popen[bytes], timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited with {process.returncode}")
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not become healthy")


@contextmanager
def own_system(
    prepare: Callable[[Path], None] | None = None, extra_env: dict[str, str] | None = None
) -> Iterator[dict[str, str]]:
    """Deliverables, directory and the gateway as real processes on free ports (SQLite).

    ``prepare`` gets the data folder before anything starts (e.g. to load a big directory into
    ``directory.db``); ``extra_env`` adds or overrides settings (e.g. worker counts).
    """
    ports = {name: _free_port() for name in ("deliverables", "directory", "gateway")}
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    with tempfile.TemporaryDirectory(prefix="cjp-bench-") as folder:
        if prepare is not None:
            prepare(Path(folder))
        env = {k: v for k, v in os.environ.items() if not k.startswith("CJP_")}
        env.update({
            "CJP_LOG_LEVEL": "WARNING",
            "CJP_DATA_DIR": folder,
            "CJP_DELIVERABLES_PORT": str(ports["deliverables"]),
            "CJP_DELIVERABLES_DATABASE_URL": f"sqlite:///{folder}/deliverables.db",
            "CJP_DELIVERABLES_RELAY_ENABLED": "false",
            "CJP_DIRECTORY_PORT": str(ports["directory"]),
            "CJP_DIRECTORY_DATABASE_URL": f"sqlite:///{folder}/directory.db",
            "CJP_DIRECTORY_RELAY_ENABLED": "false",
            "CJP_GATEWAY_PORT": str(ports["gateway"]),
            "CJP_GATEWAY_DATABASE_URL": f"sqlite:///{folder}/gateway.db",
            "CJP_GATEWAY_DELIVERABLES_URL": urls["deliverables"],
            "CJP_GATEWAY_DIRECTORY_URL": urls["directory"],
            "CJP_GATEWAY_LIVE_UPDATES_ENABLED": "false",
            "CJP_GATEWAY_RATE_LIMIT_PER_MINUTE": "10000000",
            "CJP_GATEWAY_RATE_LIMIT_BURST": "1000000",
        })  # fmt: skip
        env.update(extra_env or {})
        processes: list[subprocess.Popen[bytes]] = []
        try:
            for name in ("deliverables", "directory", "gateway"):
                log = (Path(folder) / f"{name}.log").open("wb")  # closed with the folder
                process = subprocess.Popen(
                    [sys.executable, "-m", f"services.{name}"], cwd=ROOT, env=env,
                    stdout=log, stderr=subprocess.STDOUT,
                )  # fmt: skip
                processes.append(process)
                _wait_healthy(urls[name], process)
            yield urls
        except Exception:
            for logged in sorted(Path(folder).glob("*.log")):
                tail = logged.read_text(errors="replace")[-1500:]
                print(f"--- {logged.name} (end) ---\n{tail}", file=sys.stderr)
            raise
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                process.wait(timeout=20)


async def run(urls: dict[str, str], *, clients: int, seconds: float, area: str, word: str) -> None:
    graphql = f"{urls['gateway']}/graphql"
    pairs = [
        (
            "directory search",
            Request(graphql, {"query": DIRECTORY_SEARCH, "variables": {"area": area, "q": word}}),
            Request(
                f"{urls['directory']}/services",
                params={"local_authority": area, "q": word, "limit": 20},
            ),
        ),
        (
            "deliverables dashboard",
            Request(graphql, {"query": DASHBOARD}),
            Request(f"{urls['deliverables']}/deliverables", params={"limit": 50}),
        ),
    ]
    print(f"{clients} concurrent clients, {seconds:.0f} s per run, all on 127.0.0.1\n")
    for name, through_gateway, direct in pairs:
        gateway = await measure(f"{name} via gateway", through_gateway, clients=clients,
                                seconds=seconds)  # fmt: skip
        service = await measure(f"{name} direct", direct, clients=clients, seconds=seconds)
        print(gateway.line())
        print(service.line())
        print(
            f"{'gateway overhead':<34} p50 x{gateway.quantile(0.5) / service.quantile(0.5):.2f}  "
            f"p99 x{gateway.quantile(0.99) / service.quantile(0.99):.2f}  "
            f"throughput x{gateway.throughput / service.throughput:.2f}\n"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--area", default="fife")
    parser.add_argument("--word", default="bail")
    parser.add_argument("--gateway-url")
    parser.add_argument("--deliverables-url")
    parser.add_argument("--directory-url")
    args = parser.parse_args()
    options = {"clients": args.clients, "seconds": args.seconds, "area": args.area,
               "word": args.word}  # fmt: skip
    if args.gateway_url:
        urls = {"gateway": args.gateway_url, "deliverables": args.deliverables_url or "",
                "directory": args.directory_url or ""}  # fmt: skip
        asyncio.run(run(urls, **options))
        return
    with own_system() as urls:
        asyncio.run(run(urls, **options))


if __name__ == "__main__":
    main()
