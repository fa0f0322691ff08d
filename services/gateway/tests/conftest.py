"""Gateway test fixtures: fake services and gateways served by uvicorn on free ports."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from services.gateway.app import create_app
from services.gateway.settings import GatewaySettings
from services.gateway.tests.fake_directory import directory_app, notifications_app
from services.gateway.tests.fake_services import Recorder, deliverables_app
from shared.settings import CommonSettings

DEMO_PASSWORD = "demo-password"


def pick_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Served:
    """An ASGI app served by a real uvicorn server in the test event loop."""

    def __init__(self, app: Any) -> None:
        self.port = pick_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            app,
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            timeout_graceful_shutdown=1,
            proxy_headers=False,  # as in production: the gateway reads X-Forwarded-For itself
        )
        self._server = uvicorn.Server(config)
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> Served:
        self._task = asyncio.create_task(self._server.serve())
        while not self._server.started:
            if self._task.done():
                self._task.result()
            await asyncio.sleep(0.01)
        return self

    async def stop(self, timeout: float = 30.0) -> None:
        """Stop the server; a shutdown still running after ``timeout`` is cancelled and said."""
        self._server.should_exit = True
        if self._task is None:
            return
        try:
            await asyncio.wait_for(asyncio.shield(self._task), timeout)
        except TimeoutError:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            warnings.warn(f"{self.url}: shutdown took over {timeout} s; cancelled", stacklevel=2)


@dataclass
class FakeServices:
    deliverables: Recorder
    directory: Recorder
    notifications: Recorder
    urls: dict[str, str]

    def clear(self) -> None:
        for recorder in (self.deliverables, self.directory, self.notifications):
            recorder.clear()


@pytest.fixture(scope="session")
async def fakes() -> AsyncIterator[FakeServices]:
    recorders = {name: Recorder() for name in ("deliverables", "directory", "notifications")}
    apps: dict[str, FastAPI] = {
        "deliverables": deliverables_app(recorders["deliverables"]),
        "directory": directory_app(recorders["directory"]),
        "notifications": notifications_app(recorders["notifications"]),
    }
    served = {name: await Served(app).start() for name, app in apps.items()}
    yield FakeServices(**recorders, urls={name: s.url for name, s in served.items()})
    for server in served.values():
        await server.stop()


GatewayFactory = Callable[..., Awaitable[str]]


@pytest.fixture(scope="session")
async def start_gateway(
    fakes: FakeServices, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[GatewayFactory]:
    """Start a gateway over the fakes with settings overrides; returns its base URL."""
    started: list[Served] = []

    async def start(common: CommonSettings | None = None, **overrides: Any) -> str:
        folder: Path = tmp_path_factory.mktemp("gateway")
        values: dict[str, Any] = {
            "database_url": f"sqlite:///{folder / 'gateway.db'}",
            "deliverables_url": fakes.urls["deliverables"],
            "directory_url": fakes.urls["directory"],
            "notifications_url": fakes.urls["notifications"],
            "live_updates_enabled": False,
            # The fakes' data changes under the tests' hands: the cache has its own tests.
            "public_cache_seconds": 0,
            "rate_limit_per_minute": 100_000,
            "rate_limit_burst": 10_000,
            # Shared test gateways see many wrong passwords (the fuzz test); throttling has its
            # own tests with its own gateways.
            "sign_in_free_failures_per_account": 100_000,
            "sign_in_free_failures_per_address": 100_000,
            "subscribe_burst_per_client": 100_000,
            "subscribe_burst_per_subscriber": 100_000,
            **overrides,
        }
        app = create_app(GatewaySettings(**values), common or CommonSettings())
        server = await Served(app).start()
        started.append(server)
        return server.url

    yield start
    for server in started:
        await server.stop()


@pytest.fixture(scope="session")
async def gateway_url(start_gateway: GatewayFactory) -> str:
    return await start_gateway()


class GraphQLClient:
    """Posts GraphQL to a gateway; signs in demo accounts on demand."""

    def __init__(self, http: httpx.AsyncClient, url: str) -> None:
        self.http = http
        self.url = url
        self._tokens: dict[str, str] = {}

    async def post(
        self, query: str, variables: dict[str, Any] | None = None, *, token: str | None = None
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        body = {"query": query, "variables": variables or {}}
        return await self.http.post(f"{self.url}/graphql", json=body, headers=headers)

    async def run(
        self, query: str, variables: dict[str, Any] | None = None, *, as_user: str | None = None
    ) -> dict[str, Any]:
        token = await self.token_for(as_user) if as_user else None
        response = await self.post(query, variables, token=token)
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    async def token_for(self, email: str) -> str:
        if email not in self._tokens:
            result = await self.run(
                "mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { token } }",
                {"e": email, "p": DEMO_PASSWORD},
            )
            self._tokens[email] = result["data"]["signIn"]["token"]
        return self._tokens[email]


@pytest.fixture(scope="session")
async def graphql(gateway_url: str) -> AsyncIterator[GraphQLClient]:
    async with httpx.AsyncClient(timeout=10) as http:
        yield GraphQLClient(http, gateway_url)


@pytest.fixture(autouse=True)
def _fresh_fakes(request: pytest.FixtureRequest) -> None:
    if "fakes" in request.fixturenames or "graphql" in request.fixturenames:
        request.getfixturevalue("fakes").clear()


def error_codes(result: dict[str, Any]) -> list[str]:
    return [e.get("extensions", {}).get("code") for e in result.get("errors") or []]


async def live_feed_reading(http: httpx.AsyncClient, url: str) -> float:
    """The gateway's ``cjp_gateway_live_feed_reading`` gauge, as ``/metrics`` gives it now."""
    scrape = (await http.get(f"{url}/metrics")).text
    [value] = [
        line.split()[1] for line in scrape.splitlines()
        if line.startswith("cjp_gateway_live_feed_reading ")
    ]  # fmt: skip
    return float(value)
