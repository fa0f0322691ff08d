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
    Subscriber,
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

    def wake(self) -> None:
        self._wake.set()

    async def stop(self) -> None:
        self._stopping.set()
        self._wake.set()

    async def run(self) -> None:
        while not self._stopping.is_set():
            try:
                sent = await self.send_due()
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
        if not jobs:
            return 0
        attempts = await self._send_all(jobs)
        await asyncio.to_thread(record_attempts, self._engine, attempts, self._settings)
        log.info(
            "emails_attempted",
            count=len(attempts),
            sent=sum(a.result.outcome == "sent" for a in attempts),
        )
        return len(attempts)

    async def _send_all(self, jobs: list[Job]) -> list[Attempt]:
        queue = list(reversed(jobs))
        attempts: list[Attempt] = []

        async def worker() -> None:
            connection = SmtpConnection(self._settings)
            try:
                while queue:
                    job = queue.pop()
                    await self._limiter.acquire()
                    result = await connection.send(job.email)
                    attempts.append(
                        Attempt(
                            job.delivery_id,
                            job.subscriber_id,
                            result,
                            job.email.subject,
                            job.email.text,
                        )
                    )
            finally:
                await connection.close()

        workers = min(self._settings.sender_concurrency, len(jobs))
        await asyncio.gather(*(worker() for _ in range(workers)))
        return attempts

    def _claim_and_compose(self) -> list[Job]:
        token = uuid.uuid4().hex
        with transaction(self._engine) as session:
            self._claim(session, token)
        with transaction(self._engine) as session:
            claimed = session.exec(
                select(Delivery).where(Delivery.lease_token == token).order_by(col(Delivery.id))
            )
            return [job for delivery in claimed if (job := self._job_for(session, delivery))]

    def _claim(self, session: Session, token: str) -> None:
        now = utc_now()
        due = (
            col(Delivery.state).in_([DeliveryState.PENDING.value, DeliveryState.RETRYING.value]),
            col(Delivery.next_attempt_at) <= now,
            or_(col(Delivery.lease_until).is_(None), col(Delivery.lease_until) < now),
        )
        batch = (
            select(Delivery.id)
            .where(*due)
            .order_by(col(Delivery.id))
            .limit(self._settings.sender_batch_size)
        )
        session.execute(
            update(Delivery)
            .where(col(Delivery.id).in_(batch.scalar_subquery()), *due)
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
