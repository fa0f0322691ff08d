"""Fault scenarios on a ``FaultSystem``: each injects one fault and returns its figures.

Used by ``bench/faults.py`` (full sizes, the table) and ``tests/faults/test_faults.py`` (short).
Every wait is bounded; a figure that misses its bound is reported, never hidden.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from aiokafka import AIOKafkaProducer
from sqlalchemy import create_engine, insert, select
from sqlmodel import Session, col

from deploy.local.maildir import read_emails
from services.notifications.adapters.tables import Subscriber, Subscription, utc_now
from tests.e2e.flows import STATUS_LABELS, new_address, subscribe_and_confirm
from tests.e2e.gateway import Gateway
from tests.faults.system import SERVICES, FaultSystem, distinct, duplicates
from tests.private_postgres import StopMode

COORDINATOR = "coordinator@cjp.test"
DELIVERABLE_TOPIC = "deliverables.deliverable.v1"
STATUSES = list(STATUS_LABELS)
UPDATE_SERVICE = "mutation($id: ID!, $input: ServiceUpdateInput!) { updateService(id: $id, input: $input) { id } }"  # noqa: E501
STATUS = "mutation($n: Int!, $s: DeliverableStatus!) { updateDeliverableStatus(number: $n, status: $s) { status } }"  # noqa: E501


@dataclass
class Figure:
    scenario: str
    measured: str
    holds: bool
    bound: str

    def row(self) -> str:
        holds = "yes" if self.holds else "NO"
        return f"| {self.scenario} | {self.measured} | {holds} | {self.bound} |"


class Plan:
    """Status changes through a gateway, each to a status the deliverable does not have."""

    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway
        self.current: dict[int, str] = {}
        self.acknowledged = 0
        self.refused = 0

    async def load(self) -> None:
        data = await self.gateway.data("{ deliverables(first: 100) { nodes { number status } } }")
        self.current = {d["number"]: d["status"] for d in data["deliverables"]["nodes"]}

    async def change(self, number: int) -> bool:
        now = self.current[number]
        new = STATUSES[(STATUSES.index(now) + 1) % len(STATUSES)]
        try:
            result = await self.gateway.execute(
                STATUS, {"n": number, "s": new}, as_user=COORDINATOR
            )
        except httpx.HTTPError:
            return False
        if result.errors:
            return False
        self.current[number] = new
        self.acknowledged += 1
        return True

    async def run(self, count: int, *, lanes: int = 4, on: dict[int, Any] | None = None) -> None:
        """``count`` changes over ``lanes`` deliverables-disjoint lanes; ``on[i]`` runs at i."""
        numbers = sorted(self.current)
        done = 0

        async def lane(index: int) -> None:
            nonlocal done
            mine = [n for n in numbers if n % lanes == index]
            position = 0
            while done < count:
                done += 1
                hook = (on or {}).pop(done, None)
                if hook is not None:
                    await hook()
                await self.change(mine[position % len(mine)])
                position += 1

        await asyncio.gather(*(lane(index) for index in range(lanes)))

    async def until(
        self, acknowledged: int, *, on_half: Any, lanes: int = 2, patience: float = 180
    ) -> None:
        """Changes until ``acknowledged`` are; ``on_half()`` starts beside them at the half.

        A refused change is retried after a pause, as a client would; its deliverable's status
        is read again first (a change can commit even though its answer was lost).
        """
        numbers, deadline = sorted(self.current), time.monotonic() + patience
        fault: asyncio.Task[Any] | None = None

        async def lane(index: int) -> None:
            nonlocal fault
            mine, position = [n for n in numbers if n % lanes == index], 0
            while self.acknowledged < acknowledged and time.monotonic() < deadline:
                if fault is None and self.acknowledged >= acknowledged // 2:
                    fault = asyncio.create_task(on_half())
                number = mine[position % len(mine)]
                position += 1
                if not await self.change(number):
                    self.refused += 1
                    await asyncio.sleep(0.2)
                    await self.refresh(number)

        await asyncio.gather(*(lane(index) for index in range(lanes)))
        if fault is not None:
            await fault

    async def refresh(self, number: int) -> None:
        query = "query($n: Int!) { deliverable(number: $n) { status } }"
        with contextlib.suppress(Exception):
            data = await self.gateway.data(query, {"n": number})
            self.current[number] = data["deliverable"]["status"]


async def _subscriber(system: FaultSystem, gateway: Gateway, kind: str, value: str | None) -> str:
    address = new_address(kind.lower())
    await subscribe_and_confirm(gateway, system, address, kind, value)  # type: ignore[arg-type]
    return address


async def broker_forgets(system: FaultSystem, gateway: Gateway, changes: int) -> list[Figure]:
    """``changes`` status changes; the broker is SIGKILLed at 40 % and restarted empty."""
    address = await _subscriber(system, gateway, "ALL_DELIVERABLES", None)
    plan = Plan(gateway)
    await plan.load()

    async def crash() -> None:
        system.kill("broker")
        await asyncio.sleep(1.0)
        await asyncio.to_thread(system.start, "broker")

    began = time.monotonic()
    await plan.run(changes, on={int(changes * 0.4): crash})
    emails, _ = await system.wait_for(address, plan.acknowledged + 1, timeout=60 + changes * 0.3)
    took = time.monotonic() - began
    got = len(distinct(emails)) - 1  # less the confirmation
    lost, dup = plan.acknowledged - got, duplicates(emails)
    measured = (
        f"{plan.acknowledged} acknowledged, {got} emailed, {lost} lost, {dup} duplicates "
        f"(by Message-ID), last after {took:.0f} s"
    )
    scenario = f"{changes} changes, broker SIGKILLed and back empty"
    return [Figure(scenario, measured, lost == 0, "0 lost"),
            Figure(scenario, measured, dup == 0, "0 duplicates")]  # fmt: skip


async def next_email_after_broker_returns(
    system: FaultSystem, gateway: Gateway, patience: float = 90
) -> list[Figure]:
    """The broker comes back empty; the next change on each topic is emailed within 5 s."""
    service_id = await _a_service(gateway)
    on_plan = await _subscriber(system, gateway, "DELIVERABLE", "7")
    on_directory = await _subscriber(system, gateway, "SERVICE", service_id)
    plan = Plan(gateway)
    await plan.load()
    system.kill("broker")
    await asyncio.to_thread(system.start, "broker")
    figures = []
    for topic, address, change in (
        ("deliverables", on_plan, lambda: plan.change(7)),
        ("directory", on_directory, lambda: _touch_service(gateway, service_id)),
    ):
        assert await change()
        emails, took = await system.wait_for(address, 2, timeout=patience)
        arrived = len(distinct(emails)) >= 2
        figures.append(Figure(f"next email after the broker returns ({topic} topic)",
                              f"{took:.1f} s" if arrived else f"none within {patience:.0f} s",
                              arrived and took <= 5, "≤ 5 s"))  # fmt: skip
    return figures


async def one_replica_of_each_killed(
    system: FaultSystem, second: Gateway, changes: int
) -> list[Figure]:
    """SIGKILL replica 1 of every service; changes through gateway 2 are all emailed."""
    address = await _subscriber(system, second, "ALL_DELIVERABLES", None)
    plan = Plan(second)
    await plan.load()
    for name in ("gateway", "deliverables", "directory", "notifications"):
        system.kill(name)
    began = time.monotonic()
    try:
        await plan.run(changes, lanes=2)
        emails, _ = await system.wait_for(address, plan.acknowledged + 1, timeout=90)
    finally:
        for name in ("deliverables", "directory", "notifications", "gateway"):
            await asyncio.to_thread(system.start, name)
    got = len(distinct(emails)) - 1
    took = time.monotonic() - began
    measured = f"{plan.acknowledged}/{changes} acknowledged, {got} emailed, last after {took:.0f} s"
    holds = plan.acknowledged == changes and got == changes
    return [
        Figure("one replica of each service SIGKILLed", measured, holds, "the other carries on")
    ]


async def smtp_outage(
    system: FaultSystem, gateway: Gateway, outage: float, changes: int
) -> list[Figure]:
    """The SMTP sink is down for ``outage`` s while changes are made; mail flows after it."""
    address = await _subscriber(system, gateway, "ALL_DELIVERABLES", None)
    plan = Plan(gateway)
    await plan.load()
    system.kill("mailsink")
    await plan.run(changes, lanes=2)
    await asyncio.sleep(outage)
    await asyncio.to_thread(system.start, "mailsink")
    returned_at = time.time()
    emails, _ = await system.wait_for(address, plan.acknowledged + 1, timeout=120)
    got = len(distinct(emails)) - 1
    # When the sink stored them, from its return (not when this loop happened to read them).
    after = sorted(e.delivered_at.timestamp() - returned_at for e in emails[1:]) or [999.0]
    measured = (
        f"{got}/{plan.acknowledged} delivered; mail flowed {after[0]:.1f} s after the server "
        f"returned, the last {after[-1]:.1f} s after"
    )
    holds = got == plan.acknowledged and after[0] <= 10 and after[-1] <= 10
    bound = "all; first and last within 10 s of its return"
    return [Figure(f"SMTP down {outage:.0f} s", measured, holds, bound)]


async def line_break_in_a_name(system: FaultSystem, gateway: Gateway, waiting: int) -> list[Figure]:
    """A service renamed with a line break while ``waiting`` subscribers wait for a change."""
    service_id = await _a_service(gateway)
    addresses = _insert_subscribers(system, waiting, "deliverable", "12")
    renamed = await gateway.execute(
        UPDATE_SERVICE, {"id": service_id, "input": {"name": "Line\nbreak"}}, as_user=COORDINATOR
    )
    plan = Plan(gateway)
    await plan.load()
    began = time.monotonic()
    assert await plan.change(12)
    missing = list(addresses)
    while missing and time.monotonic() - began < 60:
        await asyncio.sleep(0.5)
        sent = {r for e in read_emails(system.data_dir / "mail") for r in e.recipients}
        missing = [a for a in missing if a not in sent]
    took = time.monotonic() - began
    answer = renamed.error_codes[0] if renamed.errors else "accepted"
    measured = f"rename: {answer}; {waiting - len(missing)}/{waiting} emailed in {took:.1f} s"
    return [Figure("line break in a service name, subscribers waiting", measured,
                   not missing and took <= 30, "every other email on time")]  # fmt: skip


async def poison_messages(system: FaultSystem, gateway: Gateway) -> list[Figure]:
    """Poison on the deliverables topic; the consumer carries on with the next real change."""
    address = await _subscriber(system, gateway, "DELIVERABLE", "21")
    reused = str(uuid.uuid4())
    envelope = {"event_id": reused, "event_type": "DeliverableStatusChanged", "source": "x"}
    poison = [
        b"{not json",
        json.dumps({"event_type": "DeliverableStatusChanged"}).encode(),
        json.dumps({**envelope, "event_type": "SomethingUnheardOf", "data": {}}).encode(),
        b'{"pad": "' + b"x" * 1_000_000 + b'"}',
        json.dumps({**envelope, "data": {"number": 21}}).encode(),
        json.dumps({**envelope, "data": {"number": 22, "other": True}}).encode(),
    ]
    producer = AIOKafkaProducer(
        bootstrap_servers=system.bootstrap_servers, max_request_size=2_000_000
    )
    await producer.start()
    try:
        for value in poison:
            await producer.send_and_wait(DELIVERABLE_TOPIC, value=value, key=b"21")
    finally:
        await producer.stop()
    plan = Plan(gateway)
    await plan.load()
    assert await plan.change(21)
    emails, took = await system.wait_for(address, 2, timeout=60)
    listed = await asyncio.to_thread(_cjp, system, "dead-letters", "list")
    ok = len(distinct(emails)) >= 2
    measured = (
        f"{len(poison)} poison sent; next change emailed after {took:.1f} s; "
        f"`cjp dead-letters list`: {listed}"
    )
    return [Figure("poison messages", measured, ok, "consumer carries on; set aside")]


def _cjp(system: FaultSystem, *args: str) -> str:
    env = system.supervisor.specs["notifications"].env  # CJP_GATEWAY_NOTIFICATIONS_URL included
    cjp = str(Path(sys.executable).parent / "cjp")
    done = subprocess.run(
        [cjp, *args], env=env, capture_output=True, text=True, timeout=30, check=False
    )
    lines = (done.stdout or done.stderr).strip().splitlines()
    return f"{len(lines)} lines (exit {done.returncode})"


async def postgres_restart(
    system: FaultSystem, gateway: Gateway, changes: int, *, mode: StopMode, down: float = 3.0
) -> list[Figure]:
    """PostgreSQL (the system's private cluster) stopped with ``mode`` halfway, down ``down`` s.

    Changes go on through the outage (those refused are not acknowledged) until ``changes``
    are acknowledged. Every service's readiness is watched throughout: it must say not-ready
    while the database is down and ready again after, and no service process may restart.
    """
    cluster = system.postgres
    assert cluster is not None, "runs on the system's private PostgreSQL cluster only"
    address = await _subscriber(system, gateway, "ALL_DELIVERABLES", None)
    plan = Plan(gateway)
    await plan.load()
    processes = {name: process.pid for name, process in system.supervisor.processes.items()}
    window: list[float] = []

    def restart() -> None:
        cluster.stop(mode)
        window.append(time.monotonic())
        time.sleep(down)
        # Down ends as it is started: ``start`` returns only once PostgreSQL answers (and a little
        # after), and a ready answer in that gap is true, not a lie (a quiet run counted them).
        window.append(time.monotonic())
        cluster.start()

    async with httpx.AsyncClient(timeout=3) as http:
        watch = ReadinessWatch(system, http)
        watching = asyncio.create_task(watch.run())
        began = time.monotonic()
        await plan.until(changes, on_half=lambda: asyncio.to_thread(restart))
        emails, _ = await system.wait_for(address, plan.acknowledged + 1, timeout=120)
        took = time.monotonic() - began
        await asyncio.sleep(1.0)  # a last look at readiness once everything is through
        watching.cancel()
    got = len(distinct(emails)) - 1  # less the confirmation
    lost, dup = max(plan.acknowledged - got, 0), duplicates(emails)
    restarted = [name for name, process in system.supervisor.processes.items()
                 if processes.get(name) != process.pid or process.poll() is not None]  # fmt: skip
    lied, silent, recovered, last = watch.verdict(window[0], window[1])
    measured = (
        f"{plan.acknowledged} acknowledged ({plan.refused} refused while down), {got} emailed, "
        f"{lost} lost, {dup} duplicates (by Message-ID); all ready {recovered:.1f} s after "
        f"PostgreSQL was started (last not ready: {last}); ready while down: {lied or 'none'}; "
        f"restarted: {restarted or 'none'}; last email after {took:.0f} s"
    )
    scenario = f"PostgreSQL stopped -m {mode}, down {down:.0f} s, mid-run ({changes} changes)"
    return [
        Figure(scenario, measured, lost == 0 and dup == 0, "0 lost, 0 duplicates"),
        Figure(scenario, measured, not restarted, "no service restarted"),
        Figure(scenario, measured, not lied and not silent and recovered <= 30,
               "not ready while down; ready again within 30 s"),
    ]  # fmt: skip


class ReadinessWatch:
    """Polls every service replica's ``/health/ready`` and keeps what each answered, and when."""

    def __init__(self, system: FaultSystem, http: httpx.AsyncClient) -> None:
        self.urls = {
            f"{service}-{replica}": f"{system.url(service, replica)}/health/ready"
            for service in SERVICES
            for replica in (1, 2)
        }
        self.http = http
        self.answers: list[tuple[str, float, float, int, str]] = []  # part, asked, answered, ..

    async def run(self, every: float = 0.25) -> None:
        while True:
            await asyncio.gather(*(self._ask(part, url) for part, url in self.urls.items()))
            await asyncio.sleep(every)

    async def _ask(self, part: str, url: str) -> None:
        asked = time.monotonic()
        try:
            response = await self.http.get(url)
            status, said = response.status_code, response.text[:200]
        except httpx.HTTPError as error:
            status, said = 0, type(error).__name__
        self.answers.append((part, asked, time.monotonic(), status, said))

    def verdict(
        self, down_from: float, down_until: float
    ) -> tuple[list[str], list[str], float, str]:
        """Parts ready while down; parts never seen not-ready while down; seconds from the
        database's return until every part answered ready for good; the last not-ready answer
        after the database was back."""
        lied, silent, recovered, last = set(), set(), 0.0, "none"
        for part in self.urls:
            mine = [a for a in self.answers if a[0] == part]
            down = [a for a in mine if a[1] >= down_from and a[2] <= down_until]
            lied |= {part for a in down if a[3] == 200}
            if not any(a[3] not in (0, 200) for a in down):
                silent.add(part)
            # Not ready is an answer (503); no answer at all (0: a timeout on a loaded machine)
            # says nothing either way.
            answered = [a for a in mine if a[3] != 0]
            after = [a for a in answered if a[1] >= down_until]
            failing = [i for i, a in enumerate(after) if a[3] != 200]
            ready = after[failing[-1] + 1 :] if failing else after
            ended = ready[0][2] if ready else float("inf")
            if failing and ended - down_until >= recovered:
                last = f"{part} {after[failing[-1]][3]} {after[failing[-1]][4]}"
            recovered = max(recovered, ended - down_until)
        return sorted(lied), sorted(silent), recovered, last


async def _a_service(gateway: Gateway) -> str:
    data = await gateway.data("{ services(first: 1) { nodes { id } } }")
    return str(data["services"]["nodes"][0]["id"])


async def _touch_service(gateway: Gateway, service_id: str) -> bool:
    phone = f"0131 {uuid.uuid4().int % 1_000_000:06d}"
    result = await gateway.execute(
        UPDATE_SERVICE, {"id": service_id, "input": {"phone": phone}}, as_user=COORDINATOR
    )
    return not result.errors


async def fanout_with_notification_kills(
    system: FaultSystem, gateway: Gateway, subscribers: int, kills: int = 3
) -> list[Figure]:
    """One change to ``subscribers`` people; notifications replica 1 SIGKILLed ``kills`` times."""
    addresses = set(_insert_subscribers(system, subscribers, "deliverable", "33"))
    plan = Plan(gateway)
    await plan.load()
    known: dict[str, Any] = {}  # each stored email is parsed once, however often we look

    def reached_so_far() -> int:
        found = read_emails(system.data_dir / "mail", known)
        return len({r for e in found for r in e.recipients} & addresses)

    # Parse the earlier scenarios' emails now: the first look would otherwise take seconds, and
    # the fan-out would be far past the first kill's mark before the look ended.
    await asyncio.to_thread(reached_so_far)
    assert await plan.change(33)

    # Each kill once a further share of the fan-out has been delivered, so that all of them land
    # while it is being sent, however fast the machine (a fixed 2 s apart, a quiet machine had
    # sent every email before the first kill). How far it had got at each kill is reported.
    at_kills: list[int] = []
    last_restart, restarted_at = time.monotonic(), time.time()
    for number in range(kills):
        wanted = subscribers * (number + 1) // (kills + 2)
        while (so_far := reached_so_far()) < wanted and time.monotonic() - last_restart < 60:
            await asyncio.sleep(0.1)
        at_kills.append(so_far)
        system.kill("notifications")
        await asyncio.sleep(1.0)
        await asyncio.to_thread(system.start, "notifications")
        last_restart, restarted_at = time.monotonic(), time.time()
    received: list[Any] = []
    while time.monotonic() - last_restart < 120:
        received = [
            e for e in read_emails(system.data_dir / "mail", known) if set(e.recipients) & addresses
        ]
        if len({r for e in received for r in e.recipients} & addresses) >= subscribers:
            break
        await asyncio.sleep(0.5)
    # When the sink stored the last one (reading 2,000 stored emails takes a while itself).
    took = max((e.delivered_at.timestamp() for e in received), default=time.time()) - restarted_at
    reached = len({r for e in received for r in e.recipients} & addresses)
    dup = duplicates(received)
    mid_fanout = all(count < subscribers for count in at_kills)
    measured = (
        f"{reached}/{subscribers} emailed, {subscribers - reached} lost, {dup} duplicates "
        f"(by Message-ID), last {took:.1f} s after the last restart; killed with "
        f"{', '.join(map(str, at_kills))} delivered"
    )
    holds = reached == subscribers and took <= 30 and mid_fanout
    scenario = f"notifications replica 1 SIGKILLed {kills}x in a {subscribers}-subscriber fan-out"
    bound = "every kill mid-fan-out; 0 lost; last within 30 s of the last restart"
    return [Figure(scenario, measured, holds, bound)]


def _insert_subscribers(system: FaultSystem, count: int, kind: str, value: str) -> list[str]:
    """``count`` confirmed subscribers written straight to notifications' database (fast)."""
    engine = create_engine(system.database_urls["notifications"])
    tag = uuid.uuid4().hex[:6]
    addresses = [f"fan{tag}-{i}@fanout.test" for i in range(count)]
    now = utc_now()
    with Session(engine) as session:
        session.execute(insert(Subscriber), [
            {"email": a, "timezone": "Europe/London", "digest_time": "08:00",
             "digest_weekday": 0, "permanent_failures": 0, "created_at": now}
            for a in addresses
        ])  # fmt: skip
        found = session.execute(
            select(col(Subscriber.id)).where(col(Subscriber.email).in_(addresses))
        ).scalars()
        session.execute(insert(Subscription), [
            {"subscriber_id": i, "target_kind": kind, "target_value": value, "transition": "any",
             "frequency": "immediately", "status": "confirmed", "created_at": now,
             "confirmed_at": now}
            for i in found
        ])  # fmt: skip
        session.commit()
    engine.dispose()
    return addresses
