"""CPU milliseconds per request inside one gateway process, which a busy machine barely skews.

    .venv/bin/python bench/gateway_cpu.py [--requests 500]

Runs the gateway app in this process over ASGI (no sockets), with the test fake of the directory
behind it, one request at a time, and divides ``time.process_time()`` (every thread of the
process: the client, the gateway, its database thread and the fake) by the requests. The empty
request (``GET /health/live``) runs through the same stack first, so each row prints as a share of
its cost. Wall-clock rates on the shared machine drift with its load; CPU time per request does not.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from typing import Any

import httpx

from services.gateway.app import create_app
from services.gateway.settings import GatewaySettings
from services.gateway.tests.fake_directory import directory_app
from services.gateway.tests.fake_services import Recorder
from shared.settings import CommonSettings

SEARCH = {
    "query": "query($q: String) { services(filter: {search: $q}, first: 20) "
    "{ totalCount nodes { id name } } }",
    "variables": {"q": "bail"},
}
ROWS: list[tuple[str, dict[str, Any] | None]] = [
    ("empty request: GET /health/live", None),
    ("{ __typename }", {"query": "{ __typename }"}),
    ("search, anonymous, repeated", SEARCH),
]


async def measure(requests: int) -> list[tuple[str, float]]:
    folder = tempfile.mkdtemp(prefix="cjp-gateway-cpu-")
    settings = GatewaySettings(
        database_url=f"sqlite:///{folder}/gateway.db",
        live_updates_enabled=False,
        rate_limit_per_minute=10_000_000,
        rate_limit_burst=1_000_000,
    )
    behind = httpx.ASGITransport(app=directory_app(Recorder()))
    app = create_app(settings, CommonSettings(), upstream_transport=behind)
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 1))
    results = []
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://gateway") as http,
    ):
        for label, body in ROWS:
            for run in range(50 + requests):
                if run == 50:  # after a warm-up
                    started = time.process_time()
                call = http.post("/graphql", json=body) if body else http.get("/health/live")
                answer = await call
                answer.raise_for_status()
            results.append((label, (time.process_time() - started) * 1000 / requests))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500)
    results = asyncio.run(measure(parser.parse_args().requests))
    empty = results[0][1]
    for label, cpu_ms in results:
        print(f"{label:<34} {cpu_ms:6.2f} CPU ms/request   share {empty / cpu_ms:5.0%}")


if __name__ == "__main__":
    main()
