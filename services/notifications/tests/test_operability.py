"""Readiness and metrics of the running service, on a real broker, SMTP sink and database."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import uvicorn

from services.notifications.adapters.topics import DELIVERABLE_TOPIC
from services.notifications.app import create_app
from services.notifications.settings import NotificationsSettings
from services.notifications.tests.conftest import make_settings, run_service
from services.notifications.tests.database_setup import confirmed
from services.notifications.tests.events import status_changed
from services.notifications.tests.sinks import Broker, MailSink, free_port
from shared.settings import CommonSettings


def sample(scrape: str, name: str, **labels: str) -> float:
    """The sum of the series of ``name`` with these labels in a text scrape (0 if none)."""
    total = 0.0
    for line in scrape.splitlines():
        if not (line.startswith(name + "{") or line.startswith(name + " ")):
            continue
        if all(f'{key}="{value}"' in line for key, value in labels.items()):
            total += float(line.rsplit(" ", 1)[1])
    return total


async def until(check: Callable[[], Awaitable[Any]], timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while not (value := await check()):
        assert time.monotonic() < deadline, f"not within {timeout}s: {value!r}"
        await asyncio.sleep(0.1)
    return value


@asynccontextmanager
async def serving(
    settings: NotificationsSettings, bootstrap: str
) -> AsyncIterator[httpx.AsyncClient]:
    common = CommonSettings(kafka_bootstrap_servers=bootstrap, environment="test")
    app = create_app(settings, common)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=settings.port, log_config=None)
    )
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            await asyncio.sleep(0.02)
        async with httpx.AsyncClient(base_url=settings.public_base_url, timeout=10) as http:
            yield http
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 30)


async def test_alive_but_not_ready_while_the_consumer_cannot_reach_its_broker(
    sqlite_database_url: str, mail: MailSink
) -> None:
    nowhere = f"127.0.0.1:{free_port()}"
    async with serving(make_settings(sqlite_database_url, mail), nowhere) as http:
        assert (await http.get("/health/live")).json() == {"status": "ok"}
        assert (await http.get("/health")).status_code == 200
        ready = await http.get("/health/ready")
    assert ready.status_code == 503
    assert ready.json()["status"] == "not_ready"
    assert ready.json()["checks"]["database"] == "ok"
    assert ready.json()["checks"]["consumer"].startswith("consumer starting")


async def test_ready_once_in_its_group_and_the_scrape_counts_what_happened(
    sqlite_database_url: str, broker: Broker, mail: MailSink
) -> None:
    settings = make_settings(sqlite_database_url, mail)
    async with run_service(settings, broker.bootstrap) as service:
        http = service.http

        async def ready() -> Any:
            answer = await http.get("/health/ready")
            return answer.json() if answer.status_code == 200 else None

        assert await until(ready) == {
            "status": "ready",
            "checks": {"database": "ok", "consumer": "ok"},
        }
        before = (await http.get("/metrics")).text
        confirmed(service.wiring.engine, settings, "mia@example.org", "deliverable", "40")
        event = status_changed(40, "complete")
        await service.publish(DELIVERABLE_TOPIC, event, key="40")
        await service.publish(DELIVERABLE_TOPIC, event, key="40")  # the same event again

        async def scrape_once_both_handled() -> str | None:
            text = (await http.get("/metrics")).text
            series = ("cjp_notifications_events_total",)
            duplicates = sample(text, *series, outcome="duplicate")
            handled = duplicates > sample(before, *series, outcome="duplicate")
            sent = sample(text, "cjp_notifications_emails", state="sent") >= 1  # sent after
            # The lag is the broker's high-water mark (from the consumer's latest fetch) less its
            # position: a fresh-clone run scraped 1 just after the copy was counted, so the
            # gauge is asked to come down to 0, not to be 0 at that instant.
            lag = "cjp_consumer_lag_messages"
            listed = f'topic="{DELIVERABLE_TOPIC}"' in "".join(re.findall(f"^{lag}.*$", text, re.M))
            caught_up = listed and sample(text, lag, topic=DELIVERABLE_TOPIC) == 0
            return text if handled and sent and caught_up else None

        after = await until(scrape_once_both_handled)
        await http.get("/manage", params={"token": "not-a-token"})
        last = (await http.get("/metrics")).text

    def grew(name: str, **labels: str) -> float:
        return sample(after, name, **labels) - sample(before, name, **labels)

    assert grew("cjp_notifications_events_total", outcome="handled") == 1
    assert grew("cjp_notifications_events_total", outcome="duplicate") == 1
    assert sample(after, "cjp_notifications_emails", state="sent") >= 1
    assert sample(after, "cjp_notifications_suspended_addresses") == 0
    # FastStream's own Prometheus middleware saw both messages.
    assert grew("faststream_received_messages_total") >= 2
    lagging = re.findall(r'^cjp_consumer_lag_messages\{[^}]*topic="([^"]+)"', after, re.M)
    assert DELIVERABLE_TOPIC in lagging
    assert sample(after, "cjp_consumer_lag_messages", topic=DELIVERABLE_TOPIC) == 0
    served = "cjp_http_request_duration_seconds_count"
    assert sample(last, served, route="/manage") - sample(after, served, route="/manage") == 1
