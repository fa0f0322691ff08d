"""Status mutation at the gateway to email accepted by SMTP: the whole path, relay included.

    .venv/bin/python bench/mutation_to_email.py [--changes 50]

The system runs as `make run` starts it (real processes, SQLite, Tansu, free ports); its mail
sink is replaced by an aiosmtpd sink that reports each arrival's time. Changes are made one at a
time through the gateway (`updateDeliverableStatus`, signed in as the coordinator), each timed
from just before the request to the moment the sink accepted its email. Beside it, in the same
run, one at a time: the empty request (the deliverables service's `/health/live`), the gateway's
`{ __typename }`, raw SMTP (one prepared email over a kept-open aiosmtplib session to the same
sink) and a raw Kafka round trip (aiokafka produce, then consume, on the same broker).
JSON with the machine's description goes to bench/results/.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer  # noqa: E402

from bench.machine import machine, raw_smtp, write_result  # noqa: E402
from bench.notifications_fanout import SinkProcess, raw_sample_message  # noqa: E402
from tests.e2e.flows import STATUS_LABELS, new_address, subscribe_and_confirm  # noqa: E402
from tests.e2e.gateway import Gateway  # noqa: E402
from tests.e2e.system import start_system, stop_system  # noqa: E402

COORDINATOR = "coordinator@cjp.test"
NUMBER = 40
STATUS = (
    "mutation($n: Int!, $s: DeliverableStatus!) { updateDeliverableStatus(number: $n, status: $s)"
    " { status } }"
)


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "n": len(samples),
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95 + 0.5) - 1)], 1),
        "max_ms": round(ordered[-1], 1),
    }


async def mutations(gateway: Gateway, sink: SinkProcess, changes: int) -> list[float]:
    """Each change waits for its email before the next is made."""
    now = (await gateway.data(f"{{ deliverable(number: {NUMBER}) {{ status }} }}"))["deliverable"]
    statuses = list(STATUS_LABELS)
    current = statuses.index(now["status"])
    samples = []
    for _ in range(changes):
        current = (current + 1) % len(statuses)
        before = sink.count()
        started = time.time()
        result = await gateway.execute(
            STATUS, {"n": NUMBER, "s": statuses[current]}, as_user=COORDINATOR
        )
        assert not result.errors, result.errors
        deadline = time.monotonic() + 30
        while sink.count() <= before:
            if time.monotonic() > deadline:
                raise TimeoutError("no email within 30 s of a change")
            await asyncio.sleep(0.001)
        samples.append((sink.arrivals[before][0] - started) * 1000)
        await asyncio.sleep(0.05)
    return samples


async def empty_requests(http: httpx.AsyncClient, url: str, count: int) -> list[float]:
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        response = await http.get(url)
        response.raise_for_status()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


async def typename_requests(http: httpx.AsyncClient, url: str, count: int) -> list[float]:
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        (await http.post(url, json={"query": "{ __typename }"})).raise_for_status()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


async def raw_kafka(bootstrap: str, count: int) -> list[float]:
    """Produce one record, then wait until a consumer of the same broker has it."""
    topic = f"bench.roundtrip.{uuid.uuid4().hex[:8]}"
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, auto_offset_reset="earliest", fetch_max_wait_ms=100
    )
    await producer.start()
    await producer.send_and_wait(topic, b"warm-up")  # creates the topic
    await consumer.start()
    consumer.subscribe([topic])
    samples = []
    try:
        await consumer.getone()
        for index in range(count):
            started = time.perf_counter()
            await producer.send_and_wait(topic, str(index).encode())
            await asyncio.wait_for(consumer.getone(), 30)
            samples.append((time.perf_counter() - started) * 1000)
    finally:
        await consumer.stop()
        await producer.stop()
    return samples


async def measure(args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    # One client asking as fast as it can: the gateway's per-client budget (600/min, burst 100)
    # would answer 429 to the raw { __typename } samples, and the limiter is not what is timed.
    unlimited = {
        "CJP_GATEWAY_RATE_LIMIT_PER_MINUTE": "1000000",
        "CJP_GATEWAY_RATE_LIMIT_BURST": "100000",
    }
    system = start_system(folder, settings=unlimited)
    sink: SinkProcess | None = None
    try:
        async with httpx.AsyncClient(timeout=30) as http:
            gateway = Gateway(http, system.graphql_url)
            address = new_address("latency")
            await subscribe_and_confirm(gateway, system, address, "DELIVERABLE", str(NUMBER))
            system.supervisor.kill("mailsink")  # from here on the timing sink takes the mail
            sink = SinkProcess(system.ports.mailsink)
            await mutations(gateway, sink, 3)  # warm-up: the sender finds the new sink
            results: dict[str, Any] = {"machine": machine(), "changes": args.changes}
            results["mutation_to_email"] = summary(await mutations(gateway, sink, args.changes))
            health = f"{system.ports.service_url('deliverables')}/health/live"
            results["empty_request"] = summary(await empty_requests(http, health, args.raw))
            gql = system.graphql_url
            results["gateway_typename"] = summary(await typename_requests(http, gql, args.raw))
            results["raw_smtp_send"] = summary(
                (
                    await raw_smtp(system.ports.mailsink, raw_sample_message(), messages=args.raw)
                ).send_ms
            )
            results["raw_kafka_round_trip"] = summary(
                await raw_kafka(system.bootstrap_servers, args.raw)
            )
            return results
    finally:
        if sink is not None:
            sink.stop()
        stop_system(system)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=50, help="mutations, one at a time")
    parser.add_argument("--raw", type=int, default=200, help="samples of each raw limit")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cjp-latency-") as folder:
        results = asyncio.run(measure(args, Path(folder)))
    for key, value in results.items():
        if key != "machine":
            print(f"{key:22} {value}")
    print(f"load average at start: {results['machine']['load_average_at_start']}")
    write_result("mutation_to_email", results)


if __name__ == "__main__":
    main()
