"""Anonymous queries share answers until a change; signed-in callers never share them."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
from aiokafka import AIOKafkaProducer

from services.gateway.adapters.public_cache import PublicCache
from services.gateway.app import create_app
from services.gateway.entrypoints import live_feed
from services.gateway.entrypoints.live_feed import CHANGE_TOPICS
from services.gateway.settings import GatewaySettings
from services.gateway.tests.conftest import (
    FakeServices,
    GatewayFactory,
    GraphQLClient,
    Served,
    live_feed_reading,
)
from shared.kafka import ensure_topics
from shared.settings import CommonSettings

SEARCH = {"query": "query { services(first: 2) { nodes { id name } } }"}
WRONG_SIGN_IN = {"query": 'mutation { signIn(email: "nobody@cjp.test", password: "x") { token } }'}


async def test_anonymous_repeats_reach_the_service_once_and_signed_in_callers_every_time(
    start_gateway: GatewayFactory, fakes: FakeServices
) -> None:
    url = await start_gateway(public_cache_seconds=60)
    async with httpx.AsyncClient(timeout=10) as http:
        anonymous = [await http.post(f"{url}/graphql", json=SEARCH) for _ in range(4)]
        after_anonymous = fakes.directory.count("/services")
        token = await GraphQLClient(http, url).token_for("coordinator@cjp.test")
        signed_in = [
            await http.post(
                f"{url}/graphql", json=SEARCH, headers={"Authorization": f"Bearer {token}"}
            )
            for _ in range(3)
        ]
    assert after_anonymous == 1
    assert fakes.directory.count("/services") == 1 + 3, "signed-in answers are never shared"
    assert {a.content for a in anonymous} == {anonymous[0].content}
    assert anonymous[0].json()["data"]["services"]["nodes"]
    assert all(a.status_code == 200 for a in anonymous + signed_in)
    # a kept answer still goes out through protection and correlation, per request
    ids = {a.headers["x-correlation-id"] for a in anonymous}
    assert len(ids) == 4
    assert anonymous[-1].headers["x-content-type-options"] == "nosniff"


async def test_errors_are_never_kept(fakes: FakeServices, tmp_path: Path) -> None:
    settings = GatewaySettings(
        database_url=f"sqlite:///{tmp_path / 'gateway.db'}",
        deliverables_url=fakes.urls["deliverables"],
        directory_url=fakes.urls["directory"],
        notifications_url=fakes.urls["notifications"],
        live_updates_enabled=False,
        public_cache_seconds=60,
    )
    app = create_app(settings, CommonSettings())
    server = await Served(app).start()
    unauthenticated = {"query": "query { exportPlan(round: 9, format: CSV) }"}
    try:
        async with httpx.AsyncClient(timeout=10) as http:
            refused = await http.post(f"{server.url}/graphql", json=unauthenticated)
            kept_before = len(app.state.runtime.public_cache)
            await http.post(f"{server.url}/graphql", json=SEARCH)
    finally:
        await server.stop()
    assert "errors" in refused.json()
    assert kept_before == 0 and len(app.state.runtime.public_cache) == 1


async def test_a_mutation_through_the_gateway_ends_kept_answers(
    start_gateway: GatewayFactory, fakes: FakeServices
) -> None:
    url = await start_gateway(public_cache_seconds=60)
    async with httpx.AsyncClient(timeout=10) as http:
        for _ in range(2):
            await http.post(f"{url}/graphql", json=SEARCH)
        assert fakes.directory.count("/services") == 1
        await http.post(f"{url}/graphql", json=WRONG_SIGN_IN)
        await http.post(f"{url}/graphql", json=SEARCH)
    assert fakes.directory.count("/services") == 2


async def test_an_event_from_the_services_ends_kept_answers(
    start_gateway: GatewayFactory, fakes: FakeServices
) -> None:
    """A change made elsewhere (another replica, a service's own job) arrives as an event.

    The answers are kept far longer (300 s) than the test may take, so only the event can end
    them: an empty cache once counted as no cache (``if cache``), the feed was started without
    it, and only the time limit ever ended an answer. On a broker of its own, because the topics
    have the production names that other tests write to.

    The feed also ends every kept answer when it starts reading (events may have been missed
    before), and an event sent before it has found where to read from may be read late: both
    once fell inside the test's checks on a loaded host. So nothing is checked or sent until
    ``cjp_gateway_live_feed_reading`` says this gateway's feed reads."""
    from conftest import TansuBroker, free_port

    broker = TansuBroker(free_port())
    await asyncio.to_thread(broker.start)
    common = CommonSettings(kafka_bootstrap_servers=broker.bootstrap)
    await ensure_topics(common, list(CHANGE_TOPICS))
    # The gauge follows the feed started last in the process; other gateways of this test
    # session may have one: it reads 0 until this gateway's feed reads.
    live_feed._reading.consumer = None
    url = await start_gateway(common, live_updates_enabled=True, public_cache_seconds=300)
    producer = AIOKafkaProducer(bootstrap_servers=broker.bootstrap)
    await producer.start()
    try:
        async with httpx.AsyncClient(timeout=10) as http:
            await _until_the_feed_reads(http, url)
            await http.post(f"{url}/graphql", json=SEARCH)
            before = fakes.directory.count("/services")
            for _ in range(5):
                await asyncio.sleep(0.2)
                await http.post(f"{url}/graphql", json=SEARCH)
            assert fakes.directory.count("/services") == before, "not kept until a change"
            await producer.send_and_wait("directory.service.v1", b"{}", key=b"1")
            for _ in range(50):  # a loaded broker may take a while to deliver it
                await asyncio.sleep(0.2)
                await http.post(f"{url}/graphql", json=SEARCH)
                if fakes.directory.count("/services") > before:
                    break
            assert fakes.directory.count("/services") == before + 1, "no event ended it"
    finally:
        await producer.stop()
        await asyncio.to_thread(broker.stop)


async def _until_the_feed_reads(http: httpx.AsyncClient, url: str, seconds: float = 60.0) -> None:
    for _ in range(int(seconds / 0.1)):
        if await live_feed_reading(http, url) == 1:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"the live feed did not start reading in {seconds:g} s")


def test_answers_expire_and_a_clear_during_a_request_keeps_its_answer_out() -> None:
    now = [0.0]
    cache = PublicCache(ttl_seconds=5, max_entries=2, clock=lambda: now[0])
    cache.put(b"a", [], b"A", generation=cache.generation)
    now[0] = 4.9
    assert cache.get(b"a") is not None
    now[0] = 5.0
    assert cache.get(b"a") is None
    started = cache.generation
    cache.clear()  # a change lands while a request is being answered from older data
    cache.put(b"b", [], b"B", generation=started)
    assert cache.get(b"b") is None
    for key in (b"c", b"d", b"e"):
        cache.put(key, [], key, generation=cache.generation)
    assert len(cache) == 2 and cache.get(b"c") is None


async def test_identical_anonymous_requests_in_flight_share_one_answer(
    start_gateway: GatewayFactory, fakes: FakeServices
) -> None:
    url = await start_gateway(public_cache_seconds=60)
    async with httpx.AsyncClient(timeout=10) as http:
        answers = await asyncio.gather(
            *(http.post(f"{url}/graphql", json=SEARCH) for _ in range(10))
        )
    assert all(a.status_code == 200 for a in answers)
    assert {a.content for a in answers} == {answers[0].content}
    # without sharing, all ten would have asked the directory
    assert fakes.directory.count("/services") <= 2
