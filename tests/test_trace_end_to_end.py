"""One trace from a GraphQL mutation to the SMTP send, with OpenTelemetry's in-memory exporter.

The gateway, the deliverables service (with its outbox relay) and the notifications service
(consumer and sender) run in this process, each on its own port over real HTTP, with a real
Tansu broker between them and a real SMTP server at the end: every hop propagates W3C
trace context, so the spans of one status change share one trace id and form one tree.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from services.deliverables.app import create_app as deliverables_app
from services.deliverables.settings import DeliverablesSettings
from services.gateway.app import create_app as gateway_app
from services.gateway.settings import GatewaySettings
from services.gateway.tests.conftest import Served, pick_port
from services.notifications.app import create_app as notifications_app
from services.notifications.tests.conftest import make_settings
from services.notifications.tests.database_setup import confirmed
from services.notifications.tests.sinks import Broker, MailSink
from services.web.app import create_app as web_app
from services.web.settings import WebSettings
from shared.settings import CommonSettings
from shared.tests.tracing_reset import forget_global_tracer_provider

EDITOR = "cjs.editor@cjp.test"
SUBSCRIBER = "tess@example.org"
STATUS = 'mutation($s: DeliverableStatus!) { updateDeliverableStatus(number: 40, status: $s, reason: "Trace") { status } }'  # noqa: E501


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    """A global SDK tracer provider for this test only, recording into memory."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    try:
        yield exporter
    finally:
        from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

        HTTPXClientInstrumentor().uninstrument()
        provider.shutdown()
        forget_global_tracer_provider()


@dataclass
class Platform:
    graphql: str
    web: str
    mail: MailSink


@pytest.fixture
async def platform(spans: InMemorySpanExporter, tmp_path: Path) -> AsyncIterator[Platform]:
    broker, mail = Broker(), MailSink()
    common = CommonSettings(kafka_bootstrap_servers=broker.bootstrap, environment="test")
    notifications_settings = make_settings(f"sqlite:///{tmp_path / 'n.db'}", mail)
    notifications_asgi = notifications_app(notifications_settings, common)
    notifications = await Served(notifications_asgi).start()
    deliverables_settings = DeliverablesSettings(database_url=f"sqlite:///{tmp_path / 'd.db'}")
    deliverables = await Served(deliverables_app(deliverables_settings, common)).start()
    gateway_settings = GatewaySettings(
        database_url=f"sqlite:///{tmp_path / 'g.db'}",
        deliverables_url=deliverables.url,
        directory_url=f"http://127.0.0.1:{pick_port()}",
        notifications_url=notifications.url,
        live_updates_enabled=False,
    )
    gateway = await Served(gateway_app(gateway_settings, common)).start()
    web = await Served(web_app(WebSettings(gateway_url=f"{gateway.url}/graphql"))).start()
    try:
        await _until_ready(notifications.url)
        engine = notifications_asgi.state.wiring.engine
        confirmed(engine, notifications_settings, SUBSCRIBER, "deliverable", "40")
        yield Platform(f"{gateway.url}/graphql", web.url, mail)
    finally:
        for served in (web, gateway, deliverables, notifications):
            await served.stop()
        mail.stop()
        broker.stop()


async def test_one_trace_runs_from_the_graphql_mutation_to_the_smtp_send(
    platform: Platform, spans: InMemorySpanExporter
) -> None:
    async with httpx.AsyncClient(timeout=20) as http:
        token = await _sign_in(http, platform.graphql)
        changed = await http.post(
            platform.graphql,
            json={"query": STATUS, "variables": {"s": "COMPLETE"}},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert changed.json()["data"]["updateDeliverableStatus"]["status"] == "COMPLETE"
    await _until(lambda: _emails_about_40(platform.mail))

    sends = await _until(lambda: _sends_traced_to_graphql(spans))
    tree = _trace_of(sends[0], spans)
    names = [span.name for span in sorted(tree, key=lambda s: s.start_time or 0)]
    [root] = [span for span in tree if span.parent is None]
    assert root.kind == SpanKind.CLIENT  # this test's own httpx call, as a browser's would be
    [graphql] = [span for span in tree if span.name == "POST /graphql"]
    assert graphql.kind == SpanKind.SERVER and graphql.parent is not None
    assert graphql.parent.span_id == root.context.span_id
    ids = {span.context.span_id for span in tree}
    assert all(span.parent.span_id in ids for span in tree if span.parent), "a broken link"
    kinds = {span.kind for span in tree}
    assert {SpanKind.SERVER, SpanKind.CLIENT, SpanKind.PRODUCER, SpanKind.CONSUMER} <= kinds
    assert "POST /deliverables/{number}/status" in names, names
    assert "publish deliverables.deliverable.v1" in names, names
    assert "deliverables.deliverable.v1 process" in names, names
    _print_trace(tree)


async def test_a_page_is_one_trace_from_the_browser_through_web_and_gateway_to_the_service(
    platform: Platform, spans: InMemorySpanExporter
) -> None:
    async with httpx.AsyncClient(timeout=20) as browser:
        page = await browser.get(f"{platform.web}/plan/deliverables/40")
    assert page.status_code == 200
    [web] = [s for s in spans.get_finished_spans() if s.name == "GET /plan/deliverables/{number}"]
    tree = _trace_of(web, spans)
    servers = [
        s.name for s in sorted(tree, key=lambda s: s.start_time or 0) if s.kind == SpanKind.SERVER
    ]
    assert servers[0] == "GET /plan/deliverables/{number}"  # web
    assert "POST /graphql" in servers  # gateway
    assert any(name.startswith("GET /deliverables") for name in servers), servers  # service


def _sends_traced_to_graphql(spans: InMemorySpanExporter) -> list[ReadableSpan]:
    return [
        send
        for send in spans.get_finished_spans()
        if send.name == "smtp send"
        and any(s.name == "POST /graphql" for s in _trace_of(send, spans))
    ]


def _trace_of(span: ReadableSpan, spans: InMemorySpanExporter) -> list[ReadableSpan]:
    trace_id = span.context.trace_id
    return [s for s in spans.get_finished_spans() if s.context.trace_id == trace_id]


def _print_trace(tree: list[ReadableSpan]) -> None:
    """The trace as docs/operations.md shows it (run with -s to see it)."""
    first = min(span.start_time or 0 for span in tree)
    by_id = {span.context.span_id: span for span in tree}

    def depth(span: ReadableSpan) -> int:
        return (
            0
            if span.parent is None or span.parent.span_id not in by_id
            else 1 + depth(by_id[span.parent.span_id])
        )

    print(f"\ntrace {tree[0].context.trace_id:032x}")
    for span in sorted(tree, key=lambda s: s.start_time or 0):
        start = ((span.start_time or 0) - first) / 1e6
        took = ((span.end_time or 0) - (span.start_time or 0)) / 1e6
        print(f"{'  ' * depth(span)}{span.name} [{span.kind.name}] +{start:.1f} ms, {took:.1f} ms")


def _emails_about_40(mail: MailSink) -> list[Any]:
    return [m for m in mail.handler.to(SUBSCRIBER) if "40" in str(m["Subject"])]


async def _sign_in(http: httpx.AsyncClient, url: str) -> str:
    query = f'mutation {{ signIn(email: "{EDITOR}", password: "demo-password") {{ token }} }}'
    answer = await http.post(url, json={"query": query})
    return str(answer.json()["data"]["signIn"]["token"])


async def _until_ready(base_url: str) -> None:
    async with httpx.AsyncClient(timeout=5) as http:

        async def ready() -> bool:
            return (await http.get(f"{base_url}/health/ready")).status_code == 200

        await _until_async(ready)


async def _until(check: Any, timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while not (value := check()):
        assert time.monotonic() < deadline, f"not within {timeout} s"
        await asyncio.sleep(0.05)
    return value


async def _until_async(check: Any, timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while not (value := await check()):
        assert time.monotonic() < deadline, f"not within {timeout} s"
        await asyncio.sleep(0.1)
    return value
