"""The background sender: claims due deliveries, writes and sends them, records every outcome.

Each email stands alone: one that cannot be written or built fails with its reason while the
rest of its batch goes out, and each outcome is recorded as soon as the server has answered.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from dataclasses import dataclass

import structlog
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from services.notifications.adapters.leases import claim_due, renew_leases
from services.notifications.adapters.mailer import (
    Outcome,
    SendResult,
    SmtpConnection,
    build_message,
    message_id,
)
from services.notifications.adapters.rate_limit import SharedRateLimiter
from services.notifications.adapters.tables import (
    Delivery,
    DeliveryKind,
    ReceivedEvent,
    Subscriber,
    Subscription,
)
from services.notifications.adapters.tracing import sending_span
from services.notifications.settings import NotificationsSettings
from services.notifications.use_cases.composing import Composer
from services.notifications.use_cases.outcomes import Attempt, OutcomeRecorder, fail_delivery
from shared.db import transaction

log = structlog.get_logger()
SUSPENDED = "address suspended after repeated permanent failures"
NOBODY = "nobody to send to: address erased or subscription gone"


@dataclass(frozen=True)
class Job:
    delivery_id: int
    subscriber_id: int | None
    to: str
    message: bytes
    subject: str
    text: str
    event_id: uuid.UUID | None = None  # whose trace the send joins
    kind: str = ""


def preload(session: Session, claimed: list[Delivery]) -> list[object]:
    """Load a batch's subscribers, subscriptions and events in three queries (identity map).

    The caller keeps the returned rows while it composes: the session's identity map holds its
    objects weakly, so rows nobody references are gone again and ``get`` would query each one.
    """
    subscribers = {d.subscriber_id for d in claimed if d.subscriber_id}
    subscriptions = {d.subscription_id for d in claimed if d.subscription_id}
    events = {d.event_id for d in claimed if d.event_id}
    return [
        *session.exec(select(Subscriber).where(col(Subscriber.id).in_(subscribers))),
        *session.exec(select(Subscription).where(col(Subscription.id).in_(subscriptions))),
        *session.exec(select(ReceivedEvent).where(col(ReceivedEvent.event_id).in_(events))),
    ]


class Sender:
    """Sends due mail in batches over a few SMTP sessions, at most ``send_rate_per_minute``."""

    def __init__(
        self, *, engine: Engine, settings: NotificationsSettings, composer: Composer
    ) -> None:
        self._engine = engine
        self._settings = settings
        self._composer = composer
        self._limiter = SharedRateLimiter(engine, settings.send_rate_per_minute)
        self._recorder = OutcomeRecorder(engine, settings)
        self._held_leases: set[str] = set()
        self._server_away = False
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
        keeper = asyncio.create_task(self._keep_leases(), name="sender-leases")
        try:
            await self._run_until_stopped()
        finally:
            keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keeper
            for connection in self._connections:
                await connection.close()

    async def _run_until_stopped(self) -> None:
        while not self._stopping.is_set():
            if self._server_away:
                await self._wait_for_server()
                continue
            try:
                sent = await self.send_backlog()
            except Exception as exc:  # the database may be away; try again shortly
                log.warning("sender_batch_failed", error=str(exc))
                sent = 0
            if sent == 0 and not self._server_away:
                await self._pause(self._settings.sender_poll_interval_seconds)

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), seconds)
        self._wake.clear()

    async def _wait_for_server(self) -> None:
        """Probe the SMTP server with a capped backoff; mail flows again soon after it is back."""
        delay = 0.25
        while not self._stopping.is_set():
            await asyncio.sleep(delay)
            if await self._connections[0].reachable():
                self._server_away = False
                log.info("smtp_server_reachable_again")
                return
            delay = min(delay * 2, self._settings.smtp_outage_probe_max_seconds)

    async def _keep_leases(self) -> None:
        lease = self._settings.sender_lease_seconds
        while True:
            await asyncio.sleep(lease / 3)
            try:
                await asyncio.to_thread(
                    renew_leases, self._engine, sorted(self._held_leases), lease
                )
            except Exception as exc:
                log.warning("lease_renewal_failed", error=str(exc))

    async def send_due(self) -> int:
        """Send one batch of due deliveries; returns how many were attempted."""
        return await self._send_claimed(await self._claim())

    async def send_backlog(self) -> int:
        """Send everything due, writing the next batch while the current one is on the wire."""
        total = 0
        claimed = await self._claim()
        while claimed[1]:
            upcoming = None
            if self._more_wanted(claimed[1]):
                upcoming = asyncio.create_task(self._claim())
            try:
                total += await self._send_claimed(claimed)
            except BaseException:
                if upcoming is not None:
                    self._let_lapse(upcoming)  # those emails are claimed again, here or elsewhere
                raise
            claimed = await upcoming if upcoming is not None else ("", [])
        return total

    def _let_lapse(self, claiming: asyncio.Task[tuple[str, list[Job]]]) -> None:
        """Give up a batch claimed (or being claimed) ahead: stop renewing its leases, so they
        lapse within ``sender_lease_seconds``. A claim that had already finished still holds its
        token: left in the renewed set, its emails were kept leased, unsent, for ever (seen when
        PostgreSQL restarted under a sender writing the next batch while sending one)."""
        if not claiming.done():
            claiming.cancel()  # ``_claim`` lets its token go as the cancellation reaches it
        elif not claiming.cancelled() and claiming.exception() is None:
            token, _ = claiming.result()
            self._held_leases.discard(token)

    def _more_wanted(self, batch: list[Job]) -> bool:
        """Claim the next batch only after a full one, with the server up and no stop asked:
        a stop then waits for at most the batch on the wire, never the whole backlog."""
        full = len(batch) >= self._settings.sender_batch_size
        return full and not self._server_away and not self._stopping.is_set()

    async def _claim(self) -> tuple[str, list[Job]]:
        token = uuid.uuid4().hex
        self._held_leases.add(token)
        try:
            return token, await asyncio.to_thread(self._claim_and_compose, token)
        except BaseException:
            self._held_leases.discard(token)
            raise

    async def _send_claimed(self, claimed: tuple[str, list[Job]]) -> int:
        token, jobs = claimed
        try:
            return await self._send_batch(jobs) if jobs else 0
        finally:
            self._held_leases.discard(token)

    async def _send_batch(self, jobs: list[Job]) -> int:
        queue = list(reversed(jobs))
        results: list[SendResult] = []

        async def worker(connection: SmtpConnection) -> None:
            unrecorded: list[asyncio.Task[None]] = []
            try:
                await send_from_queue(connection, unrecorded)
            except BaseException:
                for waiting in unrecorded:  # the writes themselves go on in the recorder
                    waiting.cancel()
                raise
            await asyncio.gather(*unrecorded)

        async def send_from_queue(
            connection: SmtpConnection, unrecorded: list[asyncio.Task[None]]
        ) -> None:
            while queue and not self._server_away:
                job = queue.pop()
                await self._limiter.acquire(waiting=len(queue) + 1)
                with sending_span(job.event_id, job.delivery_id) as span:
                    result = await connection.send(job.to, job.message)
                    span.set_attribute("cjp.email.outcome", str(result.outcome))
                if result.outcome == Outcome.UNAVAILABLE and not self._server_away:
                    self._server_away = True
                    log.warning("smtp_server_unavailable", reason=result.reason)
                results.append(result)
                unrecorded.append(asyncio.create_task(self._recorder.record(_attempt(job, result))))
                # At most UNRECORDED_PER_SESSION accepted emails wait for their record (1: each
                # is recorded before this session sends again; a crash re-sends at most that one).
                while len(unrecorded) >= self._settings.sender_unrecorded_per_session:
                    await unrecorded.pop(0)

        await asyncio.gather(*(worker(c) for c in self._connections[: len(jobs)]))
        if queue:  # the server went away: give the rest back untried
            away = SendResult(Outcome.UNAVAILABLE, "not tried: the SMTP server was unreachable")
            await asyncio.gather(*(self._recorder.record(_attempt(job, away)) for job in queue))
        sent = sum(result.outcome == Outcome.SENT for result in results)
        log.info("emails_attempted", count=len(results), sent=sent, given_back=len(queue))
        return len(results)

    def _claim_and_compose(self, token: str) -> list[Job]:
        settings = self._settings
        with transaction(self._engine) as session:
            claim_due(
                session,
                token=token,
                batch_size=settings.sender_batch_size,
                lease_seconds=settings.sender_lease_seconds,
            )
        with transaction(self._engine) as session:
            statement = select(Delivery).where(Delivery.lease_token == token)
            claimed = list(session.exec(statement.order_by(col(Delivery.id))))
            loaded = preload(session, claimed)  # kept alive until every email is written
            jobs = [job for delivery in claimed if (job := self._job_or_failure(session, delivery))]
            del loaded
            return jobs

    def _job_or_failure(self, session: Session, delivery: Delivery) -> Job | None:
        """The ready email, or None after failing this delivery alone with its reason."""
        assert delivery.id is not None
        try:
            return self._job_for(session, delivery)
        except Exception as exc:  # one email that cannot be written must not hold the batch
            reason = f"could not write the email: {type(exc).__name__}: {exc}"
            log.warning("email_not_buildable", delivery_id=delivery.id, reason=reason)
            fail_delivery(session, delivery.id, reason)
            return None

    def _job_for(self, session: Session, delivery: Delivery) -> Job | None:
        assert delivery.id is not None
        if delivery.subscriber_id is not None and delivery.kind != DeliveryKind.CONFIRMATION:
            subscriber = session.get(Subscriber, delivery.subscriber_id)
            if subscriber is not None and subscriber.suspended_at is not None:
                fail_delivery(session, delivery.id, SUSPENDED)
                return None
        email = self._composer.compose(session, delivery)
        if email is None:
            fail_delivery(session, delivery.id, NOBODY)
            return None
        message = build_message(
            email,
            mail_from=self._settings.mail_from,
            message_id=message_id(delivery.id, self._settings.message_id_domain),
        )
        return Job(
            delivery.id,
            delivery.subscriber_id,
            email.to,
            message,
            email.subject,
            email.text,
            delivery.event_id,
            delivery.kind,
        )


def _attempt(job: Job, result: SendResult) -> Attempt:
    return Attempt(
        job.delivery_id, job.subscriber_id, result, job.subject, job.text, job.kind, job.event_id
    )
