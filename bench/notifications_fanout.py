"""Notifications fan-out: emails per second to a local SMTP sink, and end-to-end delay.

Run on demand (not part of `make test`):

    .venv/bin/python bench/notifications_fanout.py                   # SQLite, 10,000 subscribers
    .venv/bin/python bench/notifications_fanout.py --database-url
    postgresql+psycopg://postgres@127.0.0.1/bench

In one run, on one machine, everything on 127.0.0.1 and free ports:
1. raw limits: plain aiokafka consume rate on the same Tansu broker, and plain aiosmtplib send
   rate (same number of SMTP sessions as the service uses) to the same aiosmtpd sink;
2. fan-out: one `DeliverableStatusChanged` for deliverable 40 with N confirmed subscribers, timed
   from publish to the last email at the sink, through the real consumer, database and sender;
3. delay: K events, one at a time, each timed from publish to its email at the sink (p50/p95);
4. raw SMTP again with the service stopped: the share of raw SMTP is taken against the higher of
   the two raw rates (the sink's rate drifts between runs minutes apart).
Every loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import uvloop  # noqa: E402
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer  # noqa: E402
from sqlalchemy import create_engine, insert, make_url, text  # noqa: E402

from bench.machine import CpuMeter, machine, process_ids, raw_smtp, write_result  # noqa: E402
from services.notifications.adapters.mailer import build_message  # noqa: E402
from services.notifications.adapters.tables import Subscriber, Subscription, utc_now  # noqa: E402
from services.notifications.adapters.topics import CONSUMED_TOPICS, DEAD_LETTER_TOPIC  # noqa: E402
from services.notifications.entrypoints.running import running  # noqa: E402
from services.notifications.settings import NotificationsSettings  # noqa: E402
from services.notifications.tests.sinks import Broker, free_port  # noqa: E402
from services.notifications.use_cases.composing import OutgoingEmail  # noqa: E402
from services.notifications.wiring import MIGRATIONS, build_wiring  # noqa: E402
from shared.db import make_engine, transaction, upgrade_database  # noqa: E402
from shared.events import EventEnvelope  # noqa: E402
from shared.kafka import ensure_topics  # noqa: E402
from shared.logging import configure_logging  # noqa: E402
from shared.settings import CommonSettings  # noqa: E402

TIME_LIMIT_SECONDS = 600
SENDING_RATE = "fanout_emails_per_s_while_sending"  # first email to last


SINK_PROGRAM = """
import asyncio, sys, time
from aiosmtpd.controller import Controller

class Handler:
    async def handle_DATA(self, server, session, envelope):
        sys.stdout.write(f"{time.time()} {envelope.rcpt_tos[0]}\\n")
        sys.stdout.flush()
        return "250 OK"

controller = Controller(Handler(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
sys.stdout.write("ready\\n")
sys.stdout.flush()
sys.stdin.read()
controller.stop()
"""


class SinkProcess:
    """An aiosmtpd sink in its own process (as a real one would be) that reports each arrival."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.arrivals: list[tuple[float, str]] = []
        self._lock = threading.Lock()
        self._process = subprocess.Popen(
            [sys.executable, "-c", SINK_PROGRAM, str(port)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._process.stdout is not None
        if self._process.stdout.readline().strip() != "ready":
            raise RuntimeError("the SMTP sink did not start")
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self._process.stdout is not None
        for line in self._process.stdout:
            stamp, address = line.split(" ", 1)
            with self._lock:
                self.arrivals.append((float(stamp), address.strip()))

    @property
    def pid(self) -> int:
        return self._process.pid

    def count(self) -> int:
        with self._lock:
            return len(self.arrivals)

    def clear(self) -> None:
        with self._lock:
            self.arrivals.clear()

    def stop(self) -> None:
        assert self._process.stdin is not None
        self._process.stdin.close()
        self._process.wait(timeout=10)


def envelope_for(number: int, status: str) -> EventEnvelope:
    data = {
        "number": number,
        "title": "Benchmark deliverable",
        "aim": 3,
        "priority_action": 7,
        "lead_partners": ["police-scotland"],
        "old_status": "in_progress",
        "new_status": status,
        "round": None,
    }
    return EventEnvelope(
        event_type="DeliverableStatusChanged", source="bench", aggregate_id=str(number), data=data
    )


async def kafka_consume_rate(bootstrap: str, messages: int) -> float:
    """Messages per second one plain aiokafka consumer reads from a fresh group."""
    topic = f"bench.raw.{uuid.uuid4().hex[:8]}"
    payload = envelope_for(40, "complete").to_bytes()
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=5)
    await producer.start()
    try:
        for start in range(0, messages, 1000):  # bounded batches keep the producer's buffer small
            sends = [
                producer.send(topic, payload, key=str(i % 50).encode())
                for i in range(start, min(start + 1000, messages))
            ]
            await asyncio.gather(*[await send for send in sends])
        await producer.flush()
    finally:
        await producer.stop()
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"bench-{uuid.uuid4().hex[:6]}",
        auto_offset_reset="earliest",
        session_timeout_ms=2000,
        heartbeat_interval_ms=300,
    )
    await consumer.start()
    seen, started = 0, 0.0
    try:
        async with asyncio.timeout(TIME_LIMIT_SECONDS):
            while seen < messages:
                batches = await consumer.getmany(timeout_ms=1000, max_records=5000)
                if batches and not started:
                    started = time.time()
                seen += sum(len(records) for records in batches.values())
    finally:
        await consumer.stop()
    return messages / (time.time() - started)


def raw_sample_message() -> bytes:
    """An email of the service's usual size, built once (raw SMTP sends these bytes)."""
    sample = OutgoingEmail(
        to="raw@bench.test",
        subject="Deliverable 40 (Benchmark deliverable) is now Complete",
        text="Plain text body of a typical length. " * 25,
        html="<p>HTML body of a typical length.</p>" * 40,
        unsubscribe_url="http://127.0.0.1:8003/unsubscribe?token=" + "x" * 80,
    )
    return build_message(sample, mail_from="bench@cjp.test", message_id="<bench@cjp.test>")


async def smtp_send_rate(port: int, messages: int, sessions: int) -> float:
    """Emails per second with plain aiosmtplib over reused sessions (``bench.machine.raw_smtp``)."""
    raw = raw_smtp(port, raw_sample_message(), messages=messages, sessions=sessions)
    return (await asyncio.wait_for(raw, TIME_LIMIT_SECONDS)).per_second


def add_subscribers(settings: NotificationsSettings, count: int, engine: Any) -> None:
    now = utc_now()
    with transaction(engine) as session:
        session.execute(
            insert(Subscriber),
            [
                {
                    "email": f"s{i}@bench.test",
                    "timezone": "Europe/London",
                    "digest_time": "08:00",
                    "digest_weekday": 0,
                    "permanent_failures": 0,
                    "created_at": now,
                }
                for i in range(count)
            ],
        )
        session.execute(
            insert(Subscription),
            [
                {
                    "subscriber_id": i + 1,
                    "target_kind": "deliverable",
                    "target_value": "40",
                    "transition": "any",
                    "frequency": "immediately",
                    "status": "confirmed",
                    "created_at": now,
                    "confirmed_at": now,
                }
                for i in range(count)
            ],
        )
        session.add(Subscriber(email="delay@bench.test"))
        session.flush()
        session.execute(
            insert(Subscription),
            [
                {
                    "subscriber_id": count + 1,
                    "target_kind": "deliverable",
                    "target_value": "7",
                    "transition": "any",
                    "frequency": "immediately",
                    "status": "confirmed",
                    "created_at": now,
                    "confirmed_at": now,
                }
            ],
        )


async def wait_for_count(handler: SinkProcess, target: int, limit: float) -> None:
    deadline = time.time() + limit
    while handler.count() < target:
        if time.time() > deadline:
            raise TimeoutError(f"only {handler.count()} of {target} emails arrived")
        await asyncio.sleep(0.005)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    configure_logging("bench", level="WARNING")
    broker = Broker()
    smtp_port = free_port()
    handler = SinkProcess(smtp_port)
    workdir = tempfile.mkdtemp(prefix="cjp-bench-")
    database_url = args.database_url or f"sqlite:///{workdir}/notifications.db"
    settings = NotificationsSettings(
        database_url=database_url,
        smtp_port=smtp_port,
        send_rate_per_minute=0,
        sender_batch_size=args.batch_size,
        sender_concurrency=args.sessions,
        consumer_session_timeout_ms=2000,
        consumer_heartbeat_interval_ms=300,
    )
    common = CommonSettings(kafka_bootstrap_servers=broker.bootstrap, environment="test")
    results: dict[str, Any] = {
        "subscribers": args.subscribers,
        "database": database_url.split(":")[0],
    }
    try:
        results["raw_kafka_consume_per_s"] = round(
            await kafka_consume_rate(broker.bootstrap, args.kafka_messages)
        )
        meter = CpuMeter({"benchmark": [os.getpid()], "smtp_sink": [handler.pid]})
        meter.start()
        results["raw_smtp_send_per_s"] = round(
            await smtp_send_rate(smtp_port, args.smtp_messages, args.sessions)
        )
        results["cpu_raw_smtp"] = meter.stop()
        await wait_for_count(handler, args.smtp_messages, 60)  # the sink has reported them all
        handler.clear()
        await ensure_topics(common, [*CONSUMED_TOPICS, DEAD_LETTER_TOPIC])
        wiring = build_wiring(settings, common)
        add_subscribers(settings, args.subscribers, wiring.engine)
        producer = AIOKafkaProducer(bootstrap_servers=broker.bootstrap)
        await producer.start()
        async with running(wiring):
            await asyncio.wait_for(wiring.consumer.started.wait(), 60)
            meter = CpuMeter({
                "benchmark_and_notifications": [os.getpid()], "smtp_sink": [handler.pid],
                "kafka_broker": [broker.pid],
            })  # fmt: skip
            meter.start()
            results.update(await fan_out(producer, handler, args.subscribers))
            results["cpu_fanout"] = meter.stop()
            results.update(cpu_per_email(results, args.smtp_messages, args.subscribers))
            results.update(await delays(producer, handler, args.events))
        await producer.stop()
        # Raw SMTP again once the service has stopped: the sink's rate drifts by a fifth between
        # runs a minute apart, so the share is taken against the higher of the two.
        await wait_for_count(handler, args.subscribers + args.events, 60)
        handler.clear()
        results["raw_smtp_send_per_s_after"] = round(
            await smtp_send_rate(smtp_port, args.smtp_messages, args.sessions)
        )
        raw = max(results["raw_smtp_send_per_s"], results["raw_smtp_send_per_s_after"])
        results["fanout_share_of_raw_smtp_while_sending"] = round(results[SENDING_RATE] / raw, 2)
    finally:
        handler.stop()
        broker.stop()
    return results


def cpu_per_email(results: dict[str, Any], raw_emails: int, fanned_out: int) -> dict[str, float]:
    """CPU time each email cost the sending process: the raw client's, the service's, and their
    ratio. The service's figure includes this benchmark's own small share (it shares the
    process); at one core's worth of CPU, 1,000 / it is as many emails a second as one process
    can send, whatever the machine has spare."""
    raw, fanout = results["cpu_raw_smtp"], results["cpu_fanout"]
    raw_ms = 1000 * raw["cores_used"]["benchmark"] * raw["wall_s"] / raw_emails
    service_ms = 1000 * fanout["cores_used"]["benchmark_and_notifications"] * fanout["wall_s"]
    service_ms /= fanned_out
    return {
        "cpu_ms_per_email_raw_smtp_client": round(raw_ms, 3),
        "cpu_ms_per_email_notifications": round(service_ms, 3),
        "notifications_cpu_over_raw_client": round(service_ms / raw_ms, 2),
    }


async def fan_out(
    producer: AIOKafkaProducer, handler: SinkProcess, subscribers: int
) -> dict[str, Any]:
    started = time.time()
    await producer.send_and_wait(
        "deliverables.deliverable.v1", envelope_for(40, "complete").to_bytes(), key=b"40"
    )
    await wait_for_count(handler, subscribers, TIME_LIMIT_SECONDS)
    first, last = handler.arrivals[0][0], handler.arrivals[-1][0]
    return {
        "fanout_first_email_after_s": round(first - started, 3),
        "fanout_total_s": round(last - started, 2),
        "fanout_emails_per_s": round(subscribers / (last - started)),
        "fanout_emails_per_s_while_sending": round(subscribers / max(last - first, 1e-9)),
    }


async def delays(producer: AIOKafkaProducer, handler: SinkProcess, events: int) -> dict[str, Any]:
    samples: list[float] = []
    for index in range(events):
        before = handler.count()
        started = time.time()
        status = "complete" if index % 2 else "outstanding"
        await producer.send_and_wait(
            "deliverables.deliverable.v1", envelope_for(7, status).to_bytes(), key=b"7"
        )
        await wait_for_count(handler, before + 1, 30)
        samples.append((handler.arrivals[before][0] - started) * 1000)
        await asyncio.sleep(0.05)
    quantiles = statistics.quantiles(samples, n=20)
    return {
        "delay_events": events,
        "delay_p50_ms": round(statistics.median(samples), 1),
        "delay_p95_ms": round(quantiles[18], 1),
        "delay_max_ms": round(max(samples), 1),
    }


def service_process(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    """``python -m services.notifications`` as deployed, in its own process group."""
    env = {**os.environ, **env, "CJP_NOTIFICATIONS_PORT": str(port)}
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "services.notifications"], env=env, cwd=ROOT,
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip


async def wait_ready(http: httpx.AsyncClient, port: int, limit: float = 120) -> None:
    deadline = time.time() + limit
    while time.time() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            if (await http.get(f"http://127.0.0.1:{port}/health/ready")).status_code == 200:
                return
        await asyncio.sleep(0.3)
    raise TimeoutError(f"notifications on {port} not ready in {limit} s")


async def fan_out_with_processes(
    args: argparse.Namespace, broker: Broker, handler: SinkProcess, processes: int
) -> dict[str, Any]:
    """The same fan-out sent by ``processes`` notifications processes sharing one database."""
    workdir = Path(tempfile.mkdtemp(prefix="cjp-bench-procs-"))
    with postgres_database(args.postgres_url, f"fanout{processes}") as url:
        engine = make_engine(url)
        upgrade_database(url, MIGRATIONS)
        add_subscribers(NotificationsSettings(database_url=url), args.subscribers, engine)
        engine.dispose()
        env = {
            "CJP_NOTIFICATIONS_DATABASE_URL": url,
            "CJP_NOTIFICATIONS_SMTP_PORT": str(handler.port),
            "CJP_KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap,
            "CJP_NOTIFICATIONS_SEND_RATE_PER_MINUTE": "0",
            # One group for both runs: the second starts after the first run's event, not at it.
            "CJP_NOTIFICATIONS_CONSUMER_GROUP": args.consumer_group,
            "CJP_ENVIRONMENT": "test",
            "CJP_LOG_LEVEL": "WARNING",
        }
        ports = [free_port() for _ in range(processes)]
        running_processes = [
            service_process(env, port, workdir / f"n{i}.log") for i, port in enumerate(ports)
        ]
        try:
            async with httpx.AsyncClient(timeout=5) as http:
                for port in ports:
                    await wait_ready(http, port)
            handler.clear()
            producer = AIOKafkaProducer(bootstrap_servers=broker.bootstrap)
            await producer.start()
            meter = CpuMeter({
                "notifications": [p.pid for p in running_processes],
                "smtp_sink": [handler.pid], "kafka_broker": [broker.pid],
                "postgresql": process_ids("postgres: "), "benchmark": [os.getpid()],
            })  # fmt: skip
            meter.start()
            try:
                figures = await fan_out(producer, handler, args.subscribers)
            finally:
                figures["cpu"] = meter.stop()
                await producer.stop()
        finally:
            for process in running_processes:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
            for process in running_processes:
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:  # seen on a machine at load average 30
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
    return {f"{key}_{processes}p": value for key, value in figures.items()}


@contextlib.contextmanager
def postgres_database(admin_url: str, name: str) -> Iterator[str]:
    """A fresh database on the shared PostgreSQL, dropped afterwards."""
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    database = f"bench_{name}_{uuid.uuid4().hex[:6]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{database}"'))
    try:
        yield make_url(admin_url).set(database=database).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()


async def compare_processes(args: argparse.Namespace) -> dict[str, Any]:
    """One, then two notifications processes on PostgreSQL, beside raw SMTP, in one run."""
    configure_logging("bench", level="WARNING")
    broker = Broker()
    handler = SinkProcess(free_port())
    sessions = NotificationsSettings().sender_concurrency
    results: dict[str, Any] = {"subscribers": args.subscribers, "database": "postgresql"}
    args.consumer_group = f"bench-{uuid.uuid4().hex[:6]}"
    try:
        common = CommonSettings(kafka_bootstrap_servers=broker.bootstrap, environment="test")
        await ensure_topics(common, [*CONSUMED_TOPICS, DEAD_LETTER_TOPIC])
        for processes in (1, 2):
            results["raw_smtp_send_per_s"] = round(
                await smtp_send_rate(handler.port, args.smtp_messages, sessions * processes)
            ) if processes == 1 else results["raw_smtp_send_per_s"]  # fmt: skip
            await wait_for_count(handler, args.smtp_messages, 60)
            results.update(await fan_out_with_processes(args, broker, handler, processes))
        raw = results["raw_smtp_send_per_s"]
        for label, rate in (("whole", "fanout_emails_per_s"), ("sending", SENDING_RATE)):
            one, two = results[f"{rate}_1p"], results[f"{rate}_2p"]
            results[f"two_over_one_{label}"] = round(two / max(one, 1), 2)
            results[f"one_share_of_raw_smtp_{label}"] = round(one / raw, 2)
        # What the machine leaves for a second process: with every part's CPU per email as in
        # the one-process run, two cannot beat the machine's capacity over what one kept busy.
        results["two_over_one_ceiling_on_this_machine"] = round(
            1 / max(results["cpu_1p"]["machine_busy_share"], 0.01), 2
        )
    finally:
        handler.stop()
        broker.stop()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=50, help="events timed one at a time")
    parser.add_argument("--kafka-messages", type=int, default=20_000)
    parser.add_argument("--smtp-messages", type=int, default=3_000)
    parser.add_argument("--sessions", type=int, default=NotificationsSettings().sender_concurrency)
    parser.add_argument("--batch-size", type=int, default=NotificationsSettings().sender_batch_size)
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    parser.add_argument(
        "--processes", action="store_true",
        help="one, then two notifications processes (python -m services.notifications) on "
        "PostgreSQL (--postgres-url, a server where databases may be created)",
    )  # fmt: skip
    parser.add_argument(
        "--postgres-url", default="postgresql+psycopg://postgres@127.0.0.1/postgres"
    )
    parser.add_argument(
        "--loop", choices=("uvloop", "asyncio"), default="uvloop",
        help="the event loop of the in-process run: uvloop, as uvicorn gives the service "
        "(`python -m services.notifications`), or the standard library's",
    )  # fmt: skip
    args = parser.parse_args()
    work = compare_processes(args) if args.processes else run(args)
    results = uvloop.run(work) if args.loop == "uvloop" else asyncio.run(work)
    results["event_loop"] = args.loop
    width = max(len(key) for key in results)
    for key, value in results.items():
        print(f"{key.ljust(width)}  {value}")
    print(json.dumps(results))
    write_result("notifications_fanout", {"machine": machine(), **results, "args": vars(args)})


if __name__ == "__main__":
    main()
