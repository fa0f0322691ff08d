"""The background sender: claims due deliveries, writes and sends them, records every outcome."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from dataclasses import dataclass
from datetime import timedelta

import structlog
from sqlalchemy import Engine, or_, update
from sqlmodel import Session, col, select

from services.notifications.composing import Composer, OutgoingEmail
from services.notifications.mailer import SmtpConnection
from services.notifications.outcomes import Attempt, fail_delivery, record_attempts
from services.notifications.rate_limit import RateLimiter
from services.notifications.settings import NotificationsSettings
from services.notifications.tables import (
    Delivery,
    DeliveryKind,
    DeliveryState,
    ReceivedEvent,
    Subscriber,
    Subscription,
    utc_now,
)
from shared.db import transaction

log = structlog.get_logger()
LEASE = timedelta(minutes=5)
SUSPENDED = "address suspended after repeated permanent failures"


@dataclass(frozen=True)
class Job:
    delivery_id: int
    subscriber_id: int | None
    email: OutgoingEmail


def preload(session: Session, claimed: list[Delivery]) -> None:
    """Load a batch's subscribers, subscriptions and events in three queries (identity map)."""
    subscribers = {d.subscriber_id for d in claimed if d.subscriber_id}
    subscriptions = {d.subscription_id for d in claimed if d.subscription_id}
    events = {d.event_id for d in claimed if d.event_id}
    session.exec(select(Subscriber).where(col(Subscriber.id).in_(subscribers))).all()
    session.exec(select(Subscription).where(col(Subscription.id).in_(subscriptions))).all()
    session.exec(select(ReceivedEvent).where(col(ReceivedEvent.event_id).in_(events))).all()


class Sender:
    """Sends due mail in batches over a few SMTP sessions, at most ``send_rate_per_minute``."""

    def __init__(
        self, *, engine: Engine, settings: NotificationsSettings, composer: Composer
    ) -> None:
        self._engine = engine
        self._settings = settings
        self._composer = composer
        self._limiter = RateLimiter(settings.send_rate_per_minute)
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        # Kept open between batches: a new SMTP session per batch costs more than the email.
        self._connections = [SmtpConnection(settings) for _ in range(settings.sender_concurrency)]

    def wake(self) -> None:
        self._wake.set()

    async def stop(self) -> None:
        self._stopping.set()
        self._wake.set()

    async def run(self) -> None:
        try:
            await self._run_until_stopped()
        finally:
            for connection in self._connections:
                await connection.close()

    async def _run_until_stopped(self) -> None:
        while not self._stopping.is_set():
            try:
                sent = await self.send_backlog()
            except Exception as exc:  # the database may be away; try again shortly
                log.warning("sender_batch_failed", error=str(exc))
                sent = 0
            if sent == 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(
                        self._wake.wait(), self._settings.sender_poll_interval_seconds
                    )
                self._wake.clear()

    async def send_due(self) -> int:
        """Send one batch of due deliveries; returns how many were attempted."""
        jobs = await asyncio.to_thread(self._claim_and_compose)
        return await self._send_batch(jobs) if jobs else 0

    async def send_backlog(self) -> int:
        """Send everything due, writing the next batch while the current one is on the wire."""
        total = 0
        jobs = await asyncio.to_thread(self._claim_and_compose)
        while jobs:
            upcoming = None
            if len(jobs) >= self._settings.sender_batch_size:
                upcoming = asyncio.create_task(asyncio.to_thread(self._claim_and_compose))
            try:
                total += await self._send_batch(jobs)
            except BaseException:
                if upcoming is not None:
                    upcoming.cancel()  # its leases lapse and those emails are claimed again
                raise
            jobs = await upcoming if upcoming is not None else []
        return total

    async def _send_batch(self, jobs: list[Job]) -> int:
        attempts = await self._send_all(jobs)
        await asyncio.to_thread(record_attempts, self._engine, attempts, self._settings)
        sent = sum(a.result.outcome == "sent" for a in attempts)
        log.info("emails_attempted", count=len(attempts), sent=sent)
        return len(attempts)

    async def _send_all(self, jobs: list[Job]) -> list[Attempt]:
        queue = list(reversed(jobs))
        attempts: list[Attempt] = []

        async def worker(connection: SmtpConnection) -> None:
            while queue:
                job = queue.pop()
                await self._limiter.acquire()
                result = await connection.send(job.email)
                email = job.email
                attempts.append(
                    Attempt(job.delivery_id, job.subscriber_id, result, email.subject, email.text)
                )

        await asyncio.gather(*(worker(c) for c in self._connections[: len(jobs)]))
        return attempts

    def _claim_and_compose(self) -> list[Job]:
        token = uuid.uuid4().hex
        with transaction(self._engine) as session:
            self._claim(session, token)
        with transaction(self._engine) as session:
            statement = select(Delivery).where(Delivery.lease_token == token)
            claimed = list(session.exec(statement.order_by(col(Delivery.id))))
            preload(session, claimed)
            return [job for delivery in claimed if (job := self._job_for(session, delivery))]

    def _claim(self, session: Session, token: str) -> None:
        now = utc_now()
        due = (
            col(Delivery.state).in_([DeliveryState.PENDING.value, DeliveryState.RETRYING.value]),
            col(Delivery.next_attempt_at) <= now,
            or_(col(Delivery.lease_until).is_(None), col(Delivery.lease_until) < now),
        )
        # Ids first, then the update: PostgreSQL may re-run an `IN (SELECT ... LIMIT)` subquery
        # and lease more rows than asked. SKIP LOCKED lets a replica take the next rows.
        batch = (
            select(Delivery.id)
            .where(*due)
            .order_by(col(Delivery.id))
            .limit(self._settings.sender_batch_size)
            .with_for_update(skip_locked=True)
        )
        ids = list(session.exec(batch))
        if ids:
            session.execute(
                update(Delivery)
                .where(col(Delivery.id).in_(ids), *due)
                .values(lease_token=token, lease_until=now + LEASE)
                .execution_options(synchronize_session=False)
            )

    def _job_for(self, session: Session, delivery: Delivery) -> Job | None:
        assert delivery.id is not None
        if delivery.subscriber_id is not None and delivery.kind != DeliveryKind.CONFIRMATION:
            subscriber = session.get(Subscriber, delivery.subscriber_id)
            if subscriber is not None and subscriber.suspended_at is not None:
                fail_delivery(session, delivery.id, SUSPENDED)
                return None
        email = self._composer.compose(session, delivery)
        if email is None:
            fail_delivery(
                session, delivery.id, "nobody to send to: address erased or subscription gone"
            )
            return None
        return Job(delivery.id, delivery.subscriber_id, email)
