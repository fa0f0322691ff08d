"""Notifications matching: one event for 100,000 subscribers, and 10 matches among 1,000,000.

Run on demand (not part of `make test`); needs PostgreSQL (default 127.0.0.1:5432, trust auth):

    .venv/bin/python bench/notifications_matching.py
    .venv/bin/python bench/notifications_matching.py --subscribers 20000 --subscriptions 200000

Each part loads its rows with generate_series into a fresh database of its own (dropped after):
1. wide: N subscribers (default 100,000) follow deliverable 40 (a tenth by daily digest, a
   third also through its aim, a few suspended). One `DeliverableStatusChanged` is published to
   a real Tansu broker and handled by the running service (consumer, sender, aiosmtpd sink in
   its own process). Printed: event read (the claim's timestamp) to every delivery recorded, and
   to the first email at the sink; the process's peak RSS before and after. Then the use case
   alone under tracemalloc for an event reaching N/10 and one reaching N: the Python heap's peak
   should not grow with the audience. Beside them, in the same run: the same deliveries written
   by one hand-written INSERT ... SELECT (rolled back), and one raw aiosmtplib send.
2. sparse: M subscriptions (default 1,000,000, 4 per subscriber), exactly 10 per deliverable.
   Events for different deliverables go through the use case one by one: p50/p95 of the whole
   handling (claim, match, insert, commit) and of the matching SELECT alone, raw, with the
   EXPLAIN (ANALYZE) plans. With --sqlite, the same on a SQLite file.
Results: bench/results/notifications_matching-<time>.json with the machine's description.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aiokafka import AIOKafkaProducer  # noqa: E402
from sqlalchemy import (  # noqa: E402
    Engine,
    Uuid,
    bindparam,
    create_engine,
    insert,
    make_url,
    text,
)

from bench.machine import machine, raw_smtp, write_result  # noqa: E402
from bench.notifications_fanout import SinkProcess, raw_sample_message  # noqa: E402
from services.notifications.adapters.matching import (  # noqa: E402
    Chunk,
    Shape,
    chunk_end_query,
    chunk_inserts,
    parameters,
)
from services.notifications.adapters.tables import ReceivedEvent, utc_now  # noqa: E402
from services.notifications.adapters.topics import CONSUMED_TOPICS, DEAD_LETTER_TOPIC  # noqa: E402
from services.notifications.entrypoints.incoming import parse_event  # noqa: E402
from services.notifications.entrypoints.running import running  # noqa: E402
from services.notifications.settings import NotificationsSettings  # noqa: E402
from services.notifications.tests.sinks import Broker, free_port  # noqa: E402
from services.notifications.use_cases.fanout import record_event  # noqa: E402
from services.notifications.wiring import MIGRATIONS, build_wiring  # noqa: E402
from shared.db import make_engine, upgrade_database  # noqa: E402
from shared.events import EventEnvelope  # noqa: E402
from shared.kafka import ensure_topics  # noqa: E402
from shared.logging import configure_logging  # noqa: E402
from shared.settings import CommonSettings  # noqa: E402

TIME_LIMIT_SECONDS = 300
CONSUMER = "notifications"

# Subscriber g (1..N): deliverable 40, daily when g % 10 == 0; aim 3 as well when g % 3 == 0;
# deliverable 900 when g % 10 == 1; suspended when g % 1000 == 7.
WIDE_SUBSCRIBERS_SQL = """
INSERT INTO subscriber (id, email, timezone, digest_time, digest_weekday, permanent_failures,
                        suspended_at, created_at)
SELECT g, 's' || g || '@bench.test', 'Europe/London', '08:00', 0, 0,
       CASE WHEN g % 1000 = 7 THEN now() END, now()
FROM generate_series(1, :n) AS g
"""
WIDE_SUBSCRIPTIONS_SQL = """
INSERT INTO subscription (subscriber_id, target_kind, target_value, transition, frequency,
                          status, created_at, confirmed_at)
SELECT g, kind, value, 'any', frequency, 'confirmed', now(), now()
FROM (
  SELECT g, 'deliverable' AS kind, '40' AS value,
         CASE WHEN g % 10 = 0 THEN 'daily' ELSE 'immediately' END AS frequency
  FROM generate_series(1, :n) AS g
  UNION ALL
  SELECT g, 'aim', '3', 'immediately' FROM generate_series(3, :n, 3) AS g
  UNION ALL
  SELECT g, 'deliverable', '900', 'immediately' FROM generate_series(1, :n, 10) AS g
) AS rows
ORDER BY g
"""
# Subscription j (0..M-1) belongs to subscriber j % (M/4) + 1 and follows deliverable j / 10.
SPARSE_SUBSCRIBERS_SQL = """
INSERT INTO subscriber (id, email, timezone, digest_time, digest_weekday, permanent_failures,
                        created_at)
SELECT g, 's' || g || '@bench.test', 'Europe/London', '08:00', 0, 0, now()
FROM generate_series(1, :n) AS g
"""
SPARSE_SUBSCRIPTIONS_SQL = """
INSERT INTO subscription (subscriber_id, target_kind, target_value, transition, frequency,
                          status, created_at, confirmed_at)
SELECT j % :subscribers + 1, 'deliverable', (j / 10)::text, 'any', 'immediately', 'confirmed',
       now(), now()
FROM generate_series(0, :m - 1) AS j
"""
# The matching the use case does, written by hand (the deliverable event's five targets).
RAW_MATCH_SQL = """
SELECT s.id, s.subscriber_id, s.frequency
FROM subscription AS s JOIN subscriber AS u ON u.id = s.subscriber_id
WHERE s.status = 'confirmed' AND s.transition IN ('any', 'status_changed', 'complete')
  AND ((s.target_kind = 'deliverable' AND s.target_value = :value)
       OR (s.target_kind = 'all_deliverables' AND s.target_value = '')
       OR (s.target_kind = 'aim' AND s.target_value = '3')
       OR (s.target_kind = 'priority_action' AND s.target_value = '7')
       OR (s.target_kind = 'lead_partner' AND s.target_value = 'police-scotland'))
  AND u.suspended_at IS NULL AND u.email IS NOT NULL
"""
# The same deliveries in one statement: one per subscriber, the most immediate subscription.
RAW_INSERT_SQL = f"""
INSERT INTO delivery (kind, subscriber_id, subscription_id, event_id, state, attempts,
                      next_attempt_at, created_at)
SELECT 'event', subscriber_id, min(id), CAST(:event_id AS uuid), 'pending', 0, now(), now()
FROM ({RAW_MATCH_SQL}) AS m
WHERE frequency = 'immediately'
GROUP BY subscriber_id
ON CONFLICT DO NOTHING
"""


def expected_wide(n: int, deliverable: int) -> tuple[int, int]:
    """(emails, digest entries) the event for deliverable 40 (or 900) must record."""
    live = [g for g in range(1, n + 1) if g % 1000 != 7]
    if deliverable == 900:
        return sum(1 for g in live if g % 10 == 1), 0
    emails = sum(1 for g in live if g % 10 != 0 or g % 3 == 0)
    return emails, len(live) - emails


@contextmanager
def fresh_database(admin_url: str, label: str) -> Iterator[str]:
    """A new PostgreSQL database of our own, dropped afterwards."""
    name = f"bench_matching_{label}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def load(engine: Engine, statements: list[tuple[str, dict[str, int]]]) -> float:
    started = time.perf_counter()
    with engine.begin() as connection:
        for sql, values in statements:
            connection.execute(text(sql), values)
        connection.execute(
            text("SELECT setval('subscriber_id_seq', (SELECT max(id) FROM subscriber))")
        )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
    return round(time.perf_counter() - started, 2)


def status_changed(number: int, status: str = "complete") -> EventEnvelope:
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
        event_type="DeliverableStatusChanged",
        source="bench",
        aggregate_id=str(number),
        data=data,
    )


def handle_directly(engine: Engine, envelope: EventEnvelope) -> Any:
    event = parse_event(envelope)
    assert event is not None
    return record_event(engine, consumer=CONSUMER, envelope=envelope, event=event)


def recorded(engine: Engine, event_id: uuid.UUID) -> tuple[int, int]:
    """(emails, digest entries) recorded for the event."""
    event = bindparam("e", event_id, type_=Uuid())
    with engine.connect() as connection:
        emails = connection.execute(
            text("SELECT count(*) FROM delivery WHERE event_id = :e").bindparams(event)
        ).scalar_one()
        entries = connection.execute(
            text("SELECT count(*) FROM digest_entry WHERE event_id = :e").bindparams(event)
        ).scalar_one()
    return int(emails), int(entries)


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def timed(job: Callable[[], Any]) -> float:
    started = time.perf_counter()
    job()
    return (time.perf_counter() - started) * 1000


def summary(samples: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(statistics.quantiles(samples, n=20)[18], 2),
        "max_ms": round(max(samples), 2),
    }


def explain(engine: Engine, sql: str, values: dict[str, Any], *, rollback: bool = False) -> str:
    with engine.connect() as connection:
        rows = connection.execute(text(f"EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) {sql}"), values)
        plan = "\n".join(row[0] for row in rows)
        if rollback:
            connection.rollback()
    return plan


async def raw_smtp_send_ms(port: int) -> float:
    """One message over a new aiosmtplib session (connect, send, quit): the floor of an email."""
    once = await raw_smtp(port, raw_sample_message(), messages=1, session_per_message=True)
    return round(once.send_ms[0], 2)


async def through_the_service(
    url: str, n: int, handler: SinkProcess, smtp_port: int, bootstrap: str
) -> dict[str, Any]:
    """Publish one event to the running service: read -> recorded, read -> first email."""
    settings = NotificationsSettings(
        database_url=url,
        smtp_port=smtp_port,
        send_rate_per_minute=0,
        consumer_session_timeout_ms=2000,
        consumer_heartbeat_interval_ms=300,
    )
    common = CommonSettings(kafka_bootstrap_servers=bootstrap, environment="test")
    await ensure_topics(common, [*CONSUMED_TOPICS, DEAD_LETTER_TOPIC])
    wiring = build_wiring(settings, common)
    envelope = status_changed(40)
    expected = expected_wide(n, 40)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    rss_before = peak_rss_mb()
    try:
        async with running(wiring):
            await asyncio.wait_for(wiring.consumer.started.wait(), 60)
            handler.clear()
            published = time.time()
            await producer.send_and_wait(
                "deliverables.deliverable.v1", envelope.to_bytes(), key=b"40"
            )
            done = await _wait_recorded(wiring.engine, envelope.event_id, expected)
            while handler.count() == 0 and time.time() < published + TIME_LIMIT_SECONDS:
                await asyncio.sleep(0.01)
            read_at = _read_at(wiring.engine, envelope.event_id)
            # The sender sends its whole backlog before it stops: postpone what is left.
            await asyncio.to_thread(_postpone_unsent, wiring.engine)
    finally:
        await producer.stop()
    return {
        "expected_emails_and_digest_entries": list(expected),
        "publish_to_read_s": round(read_at - published, 3),
        "read_to_all_recorded_s": round(done - read_at, 3),
        "read_to_first_email_s": round(handler.arrivals[0][0] - read_at, 3),
        "peak_rss_mb_before_event": rss_before,
        "peak_rss_mb_after_event": peak_rss_mb(),
    }


async def _wait_recorded(engine: Engine, event_id: uuid.UUID, expected: tuple[int, int]) -> float:
    """Poll (every 20 ms, a separate connection) until every row is there; when it was seen."""
    deadline = time.time() + TIME_LIMIT_SECONDS
    while time.time() < deadline:
        if await asyncio.to_thread(recorded, engine, event_id) == expected:
            return time.time()
        await asyncio.sleep(0.02)
    raise TimeoutError(f"{recorded(engine, event_id)} of {expected} recorded")


def _postpone_unsent(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE delivery SET next_attempt_at = now() + interval '1 day' "
                 "WHERE state = 'pending'")
        )  # fmt: skip


def _read_at(engine: Engine, event_id: uuid.UUID) -> float:
    with engine.connect() as connection:
        stamp = connection.execute(
            text("SELECT received_at FROM received_event WHERE event_id = :e"), {"e": event_id}
        ).scalar_one()
    return float(stamp.timestamp())


def heap_peak_mb(engine: Engine, envelope: EventEnvelope) -> tuple[float, float]:
    """The use case alone: (seconds, Python heap peak in MB) under tracemalloc."""
    tracemalloc.start()
    started = time.perf_counter()
    handle_directly(engine, envelope)
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return round(seconds, 3), round(peak / 1024**2, 2)


def explain_use_case(engine: Engine, envelope: EventEnvelope, chunk_size: int) -> dict[str, str]:
    """EXPLAIN (ANALYZE) of the use case's own statements for the event's first chunk (rolled
    back): where the chunk ends, then its emails and digest lines."""
    event = parse_event(envelope)
    assert event is not None
    audience = event.audience()
    dialect = engine.dialect.name
    start = Chunk(0, None)
    end = chunk_end_query(Shape.of(audience, start, dialect))
    plans: dict[str, str] = {}
    with engine.connect() as connection:
        values = parameters(audience, start, skip=chunk_size - 1)
        plans["chunk_end"] = _explain_statement(connection, end, values)
        chunk = Chunk(0, connection.execute(end, values).scalar_one_or_none())
        event_id, now = uuid.uuid4(), utc_now()
        connection.execute(  # the deliveries' event, as the claim stores it
            insert(ReceivedEvent).values(
                event_id=event_id, event_type="-", aggregate_id="-", occurred_at=now, data="{}"
            )
        )
        emails, entries = chunk_inserts(Shape.of(audience, chunk, dialect))
        values = parameters(audience, chunk, event_id=event_id, now=now)
        plans["insert_emails"] = _explain_statement(connection, emails, values)
        plans["insert_digest_entries"] = _explain_statement(connection, entries, values)
        connection.rollback()
    return plans


def _explain_statement(connection: Any, statement: Any, values: dict[str, Any]) -> str:
    used = {key: value for key, value in values.items() if value is not None}
    compiled = statement.compile(dialect=connection.dialect)
    expanded = compiled.construct_expanded_state(used)  # IN lists as one parameter per value
    sql = f"EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) {expanded.statement}"
    return "\n".join(row[0] for row in connection.exec_driver_sql(sql, expanded.parameters))


def raw_insert_s(engine: Engine, value: str) -> float:
    """The same deliveries (emails only) by one hand-written statement, rolled back."""
    with engine.connect() as connection:
        started = time.perf_counter()
        connection.execute(text(RAW_INSERT_SQL), {"value": value, "event_id": uuid.uuid4()})
        seconds = time.perf_counter() - started
        connection.rollback()
    return round(seconds, 3)


async def wide(args: argparse.Namespace) -> dict[str, Any]:
    n = args.subscribers
    results: dict[str, Any] = {"subscribers": n}
    with fresh_database(args.admin_url, "wide") as url:
        upgrade_database(url, MIGRATIONS)
        engine = make_engine(url)
        results["load_s"] = load(
            engine, [(WIDE_SUBSCRIBERS_SQL, {"n": n}), (WIDE_SUBSCRIPTIONS_SQL, {"n": n})]
        )
        results["raw_insert_select_emails_s"] = raw_insert_s(engine, "40")
        results["explain_first_chunk"] = explain_use_case(
            engine, status_changed(40), NotificationsSettings().matching_chunk_size
        )
        if not args.skip_service:
            results.update(await _service_part(url, n))
        tenth = status_changed(900)
        seconds, peak = heap_peak_mb(engine, tenth)
        results["use_case_tenth"] = {"deliveries": sum(expected_wide(n, 900)), "s": seconds}
        results["use_case_tenth"]["heap_peak_mb"] = peak
        every = status_changed(40, "outstanding")
        seconds, peak = heap_peak_mb(engine, every)
        results["use_case_all"] = {"deliveries": sum(expected_wide(n, 40)), "s": seconds}
        results["use_case_all"]["heap_peak_mb"] = peak
        assert recorded(engine, every.event_id) == expected_wide(n, 40)
        results["raw_insert_select_emails_s_after"] = raw_insert_s(engine, "40")
        engine.dispose()
    return results


def _fetch_all(connection: Any, sql: str, values: dict[str, Any]) -> list[Any]:
    return list(connection.execute(text(sql), values).all())


async def _service_part(url: str, n: int) -> dict[str, Any]:
    broker = Broker()
    smtp_port = free_port()
    handler = SinkProcess(smtp_port)
    try:
        smtp_ms = await raw_smtp_send_ms(smtp_port)
        service = await through_the_service(url, n, handler, smtp_port, broker.bootstrap)
    finally:
        handler.stop()
        broker.stop()
    return {"raw_smtp_one_email_new_session_ms": smtp_ms, "service": service}


def sparse_matching(engine: Engine, events: int, *, postgres: bool) -> dict[str, Any]:
    """Events for deliverables 1..events, 10 subscriptions each: the use case and its SQL."""
    whole: list[float] = []
    match: list[float] = []
    for number in range(1, events + 1):
        envelope = status_changed(number)
        whole.append(timed(partial(handle_directly, engine, envelope)))
        assert recorded(engine, envelope.event_id) == (10, 0)
    with engine.connect() as connection:
        for number in range(1, events + 1):
            values = {"value": str(number + events)}
            match.append(timed(partial(_fetch_all, connection, RAW_MATCH_SQL, values)))
    results: dict[str, Any] = {"use_case": summary(whole), "raw_match_select": summary(match)}
    if postgres:
        results["explain_use_case"] = explain_use_case(engine, status_changed(77776), 5000)
        values = {"value": "77777"}
        results["explain_raw_match"] = explain(engine, RAW_MATCH_SQL, values)
        insert_values = {"value": "77778", "event_id": uuid.uuid4()}
        results["explain_raw_insert"] = explain(
            engine, RAW_INSERT_SQL, insert_values, rollback=True
        )
    return results


def sparse(args: argparse.Namespace) -> dict[str, Any]:
    m = args.subscriptions
    subscribers = m // 4
    results: dict[str, Any] = {"subscriptions": m, "events": args.events}
    with fresh_database(args.admin_url, "sparse") as url:
        upgrade_database(url, MIGRATIONS)
        engine = make_engine(url)
        results["load_s"] = load(
            engine,
            [
                (SPARSE_SUBSCRIBERS_SQL, {"n": subscribers}),
                (SPARSE_SUBSCRIPTIONS_SQL, {"m": m, "subscribers": subscribers}),
            ],
        )
        results["postgresql"] = sparse_matching(engine, args.events, postgres=True)
        engine.dispose()
    if args.sqlite:
        results["sqlite"] = sparse_sqlite(args, subscribers)
    return results


def sparse_sqlite(args: argparse.Namespace, subscribers: int) -> dict[str, Any]:
    """The same rows in a SQLite file (a recursive CTE stands in for generate_series)."""
    folder = tempfile.mkdtemp(prefix="cjp-bench-matching-")
    url = f"sqlite:///{folder}/notifications.db"
    upgrade_database(url, MIGRATIONS)
    engine = make_engine(url)
    series = (
        "WITH RECURSIVE s(g) AS (SELECT {start} UNION ALL SELECT g + 1 FROM s WHERE g < {end}) "
    )
    started = time.perf_counter()
    with engine.begin() as connection:
        connection.execute(text(
            series.format(start=1, end=subscribers)
            + "INSERT INTO subscriber (id, email, timezone, digest_time, digest_weekday, "
            "permanent_failures, created_at) SELECT g, 's' || g || '@bench.test', "
            "'Europe/London', '08:00', 0, 0, datetime('now') FROM s"
        ))  # fmt: skip
        connection.execute(text(
            series.format(start=0, end=args.subscriptions - 1)
            + "INSERT INTO subscription (subscriber_id, target_kind, target_value, transition, "
            f"frequency, status, created_at, confirmed_at) SELECT g % {subscribers} + 1, "
            "'deliverable', CAST(g / 10 AS TEXT), 'any', 'immediately', 'confirmed', "
            "datetime('now'), datetime('now') FROM s"
        ))  # fmt: skip
        connection.execute(text("ANALYZE"))
    results = {"load_s": round(time.perf_counter() - started, 2)}
    results.update(sparse_matching(engine, args.events, postgres=False))
    engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--subscriptions", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=50, help="10-match events timed")
    parser.add_argument("--admin-url", default="postgresql+psycopg://postgres@127.0.0.1/postgres")
    parser.add_argument("--sqlite", action="store_true", help="also time matching on SQLite")
    parser.add_argument("--skip-wide", action="store_true")
    parser.add_argument("--skip-sparse", action="store_true")
    parser.add_argument("--skip-service", action="store_true", help="the use case alone")
    args = parser.parse_args()
    configure_logging("bench", level="WARNING")
    results: dict[str, Any] = {"machine": machine()}
    if not args.skip_wide:
        results["wide"] = asyncio.run(wide(args))
    if not args.skip_sparse:
        results["sparse"] = sparse(args)
    results["load_average_at_end"] = [round(x, 2) for x in __import__("os").getloadavg()]
    print(json.dumps(results, indent=2, default=str))
    write_result("notifications_matching", results)


if __name__ == "__main__":
    main()
