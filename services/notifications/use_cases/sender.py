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
from sqlmodel import Session

from services.notifications.adapters.leases import (
    ClaimedDelivery,
    claim_due,
    claimed_deliveries,
    renew_leases,
)
from services.notifications.adapters.mailer import (
    Outcome,
    SendResult,
    SmtpConnection,
    build_message,
    message_id,
)
from services.notifications.adapters.rate_limit import SharedRateLimiter
from services.notifications.adapters.tables import DeliveryKind
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

        sessions = self._connections[: len(jobs)]
        sending = len(sessions)

        async def worker(connection: SmtpConnection) -> None:
            nonlocal sending
            unrecorded: list[asyncio.Task[None]] = []
            try:
                await send_from_queue(connection, unrecorded)
            except BaseException:
                for waiting in unrecorded:  # the writes themselves go on in the recorder
                    waiting.cancel()
                raise
            finally:
                sending -= 1
                self._recorder.expect(sending)
            await asyncio.gather(*unrecorded)

        async def send_from_queue(
            connection: SmtpConnection, unrecorded: list[asyncio.Task[None]]
        ) -> None:
            # At most UNRECORDED_PER_SESSION accepted emails of this session await their
            # record (1: each is recorded before the next is sent; a crash re-sends at most
            # that one). The next email's envelope (MAIL FROM, RCPT TO) accepts nothing, so its
            # round trips are made while the email before is recorded; its message waits.
            keep_unrecorded = self._settings.sender_unrecorded_per_session - 1
            while queue and not self._server_away:
                job = queue.pop()
                await self._limiter.acquire(waiting=len(queue) + 1)
                with sending_span(job.event_id, job.delivery_id) as span:
                    result = await connection.open_envelope(job.to)
                    try:
                        while len(unrecorded) > keep_unrecorded:
                            await unrecorded.pop(0)
                    except BaseException:
                        await connection.close()  # the envelope just opened is given up
                        raise
                    if result is None:
                        result = await connection.send_message(job.message)
                    span.set_attribute("cjp.email.outcome", str(result.outcome))
                if result.outcome == Outcome.UNAVAILABLE and not self._server_away:
                    self._server_away = True
                    log.warning("smtp_server_unavailable", reason=result.reason)
                results.append(result)
                unrecorded.append(asyncio.create_task(self._recorder.record(_attempt(job, result))))

        self._recorder.expect(sending)
        try:
            await asyncio.gather(*(worker(c) for c in sessions))
        finally:
            self._recorder.expect(0)
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
        # Written from plain reads, holding no write lock: on SQLite a write transaction here
        # held the database for the whole batch, and the outcomes of the batch on the wire
        # waited for it (each SMTP session waits for its last outcome to be recorded).
        with Session(self._engine) as session:
            written = [
                (delivery.id, self._job_or_reason(session, delivery))
                for delivery in claimed_deliveries(session, token)
            ]
        failed = [(delivery_id, job) for delivery_id, job in written if isinstance(job, str)]
        if failed:
            with transaction(self._engine) as session:
                for delivery_id, reason in failed:
                    fail_delivery(session, delivery_id, reason)
        return [job for _, job in written if isinstance(job, Job)]

    def _job_or_reason(self, session: Session, delivery: ClaimedDelivery) -> Job | str:
        """The ready email, or why this delivery alone fails (the rest of its batch goes on)."""
        try:
            return self._job_for(session, delivery)
        except Exception as exc:  # one email that cannot be written must not hold the batch
            reason = f"could not write the email: {type(exc).__name__}: {exc}"
            log.warning("email_not_buildable", delivery_id=delivery.id, reason=reason)
            return reason

    def _job_for(self, session: Session, delivery: ClaimedDelivery) -> Job | str:
        if delivery.suspended and delivery.kind != DeliveryKind.CONFIRMATION:
            return SUSPENDED
        email = self._composer.compose(session, delivery)
        if email is None:
            return NOBODY
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
