"""Record what happened to each email: sent, retrying with backoff, failed, or address suspended."""

from __future__ import annotations

import asyncio
import contextlib
import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from sqlalchemy import Engine, bindparam, update
from sqlmodel import Session, col

from services.notifications.adapters.mailer import Outcome, SendResult
from services.notifications.adapters.tables import Delivery, DeliveryState, Subscriber, utc_now
from services.notifications.events import DeliveredEmail, stage_delivered, stage_failed
from services.notifications.settings import NotificationsSettings
from shared.db_errors import is_database_unavailable
from shared.unit_of_work import UnitOfWork

log = structlog.get_logger()
GATHER_SECONDS = 0.003


@dataclass(frozen=True)
class Attempt:
    delivery_id: int
    subscriber_id: int | None
    result: SendResult
    subject: str | None = None
    body_text: str | None = None
    kind: str = ""
    event_id: uuid.UUID | None = None


def retry_delay(attempts: int, settings: NotificationsSettings) -> float:
    """Exponential backoff with jitter: half to all of base * 2^(attempts-1), capped."""
    ceiling = min(
        settings.retry_max_seconds, settings.retry_base_seconds * 2 ** max(0, attempts - 1)
    )
    return random.uniform(ceiling / 2, ceiling)


def record_attempts(
    engine: Engine, attempts: list[Attempt], settings: NotificationsSettings
) -> None:
    with UnitOfWork(engine) as uow:
        session = uow.session
        sent = [a for a in attempts if a.result.outcome == Outcome.SENT]
        sent_at = utc_now()
        _record_sent(session, sent, sent_at)
        for attempt in attempts:
            if attempt.result.outcome == Outcome.TEMPORARY:
                _record_temporary(session, attempt, settings)
            elif attempt.result.outcome == Outcome.PERMANENT:
                _record_permanent(session, attempt, settings)
            elif attempt.result.outcome == Outcome.UNAVAILABLE:
                release_delivery(session, attempt.delivery_id, attempt.result.reason)
        _stage_email_events(uow, attempts, sent, sent_at)


def _stage_email_events(
    uow: UnitOfWork, attempts: list[Attempt], sent: list[Attempt], sent_at: datetime
) -> None:
    """EmailsDelivered (one for the group) / EmailFailed, committed with the outcomes they
    report."""
    delivered = [
        DeliveredEmail(
            delivery_id=a.delivery_id, kind=a.kind, subscriber_id=a.subscriber_id,
            about_event_id=a.event_id,
        )
        for a in sent
    ]  # fmt: skip
    stage_delivered(uow, delivered, sent_at)
    for attempt in attempts:
        if attempt.result.outcome in (Outcome.TEMPORARY, Outcome.PERMANENT):
            permanent = attempt.result.outcome == Outcome.PERMANENT
            reason = attempt.result.reason or str(attempt.result.outcome)
            stage_failed(uow, attempt.delivery_id, reason=reason, permanent=permanent)


class OutcomeRecorder:
    """Records each email's outcome as soon as it is known, before its session sends another.

    Outcomes that arrive together (one per SMTP session) share one transaction: a write waits
    up to ``GATHER_SECONDS`` for the other sessions' outcomes, and no longer once every session
    still sending (``expect``) has handed its outcome in. A failed write is retried; the caller
    waits, so at most one accepted-but-unrecorded email per session can be sent again after a
    crash (with the same Message-ID).
    """

    def __init__(self, engine: Engine, settings: NotificationsSettings) -> None:
        self._engine = engine
        self._settings = settings
        self._waiting: list[tuple[Attempt, asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None
        self._all_in = asyncio.Event()
        self._expected = 0  # outcomes that complete the next write; 0: wait the gathering time

    def expect(self, outcomes: int) -> None:
        """How many outcomes are due at once (the sessions sending): a write waits no longer
        than for that many."""
        self._expected = outcomes
        self._note_arrivals()

    def _note_arrivals(self) -> None:
        if self._expected and len(self._waiting) >= self._expected:
            self._all_in.set()

    async def record(self, attempt: Attempt) -> None:
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((attempt, done))
        self._note_arrivals()
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_all())
        await done

    async def _write_all(self) -> None:
        while self._waiting:
            if not self._all_in.is_set():  # let the other sessions' outcomes join this write
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._all_in.wait(), GATHER_SECONDS)
            self._all_in.clear()
            group, self._waiting = self._waiting, []
            try:
                await self._write_with_retries([attempt for attempt, _ in group])
            except Exception as exc:
                for _, done in group:
                    if not done.done():
                        done.set_exception(exc)
                continue
            for _, done in group:
                if not done.done():
                    done.set_result(None)

    async def _write_with_retries(self, attempts: list[Attempt], tries: int = 5) -> None:
        """Write, retrying a failed write; while the database is away, wait for it without limit.

        The emails were accepted by the SMTP server: giving up on their record would send them
        again once their leases lapse, so a restarting database is waited out (the lease keeper
        renews their leases as soon as it answers again).
        """
        failures, delay = 0, 0.2
        while True:
            try:
                await asyncio.to_thread(record_attempts, self._engine, attempts, self._settings)
                return
            except Exception as exc:
                away = is_database_unavailable(exc)
                failures += not away
                if failures >= tries:
                    raise
                log.warning("outcome_recording_retrying", error=str(exc)[:300],
                            count=len(attempts), database_away=away)  # fmt: skip
                await asyncio.sleep(delay)
                delay = min(delay * 2, 0.5)  # soon after it is back: before the leases lapse


_DELIVERY = Delivery.__table__  # type: ignore[attr-defined]
_MARK_SENT = (
    update(_DELIVERY)
    .where(_DELIVERY.c.id == bindparam("delivery"))
    .values(
        state=DeliveryState.SENT.value,
        sent_at=bindparam("sent"),
        subject=bindparam("mail_subject"),
        body_text=bindparam("mail_text"),
        attempts=_DELIVERY.c.attempts + 1,
        last_error=None,
        lease_token=None,
        lease_until=None,
    )
)

_SUBSCRIBER = Subscriber.__table__  # type: ignore[attr-defined]
_CLEAR_FAILURES = (
    update(_SUBSCRIBER)
    .where(
        _SUBSCRIBER.c.id.in_(bindparam("subscribers", expanding=True)),
        _SUBSCRIBER.c.permanent_failures > 0,
    )
    .values(permanent_failures=0)
)


def _record_sent(session: Session, sent: list[Attempt], now: datetime) -> None:
    """Every sent email of the group in one statement (executemany by primary key).

    Rows are updated in id order, the order lease renewal locks them in: the two never deadlock.
    """
    if sent:
        rows = [
            {
                "delivery": a.delivery_id,
                "sent": now,
                "mail_subject": a.subject,
                "mail_text": a.body_text,
            }
            for a in sorted(sent, key=lambda a: a.delivery_id)
        ]  # fmt: skip
        session.connection().execute(_MARK_SENT, rows)
    subscriber_ids = {a.subscriber_id for a in sent if a.subscriber_id is not None}
    if subscriber_ids:  # on the table: no ORM objects of this fresh session to keep in step
        session.connection().execute(_CLEAR_FAILURES, {"subscribers": sorted(subscriber_ids)})


def _record_temporary(session: Session, attempt: Attempt, settings: NotificationsSettings) -> None:
    delivery = session.get(Delivery, attempt.delivery_id)
    if delivery is None:
        return
    delivery.attempts += 1
    delivery.lease_token = None
    delivery.lease_until = None
    if delivery.attempts >= settings.max_send_attempts:
        delivery.state = DeliveryState.FAILED
        delivery.last_error = f"gave up after {delivery.attempts} attempts: {attempt.result.reason}"
    else:
        delivery.state = DeliveryState.RETRYING
        delivery.last_error = attempt.result.reason
        delivery.next_attempt_at = utc_now() + timedelta(
            seconds=retry_delay(delivery.attempts, settings)
        )
    session.add(delivery)


def _record_permanent(session: Session, attempt: Attempt, settings: NotificationsSettings) -> None:
    fail_delivery(session, attempt.delivery_id, attempt.result.reason or "permanent failure")
    subscriber = session.get(Subscriber, attempt.subscriber_id) if attempt.subscriber_id else None
    if subscriber is None:
        return
    subscriber.permanent_failures += 1
    if subscriber.permanent_failures >= settings.permanent_failures_before_suspension:
        subscriber.suspended_at = subscriber.suspended_at or utc_now()
    session.add(subscriber)


def release_delivery(session: Session, delivery_id: int, reason: str | None) -> None:
    """Give a claimed delivery back untried (the server was away): no attempt is counted."""
    session.execute(
        update(Delivery)
        .where(col(Delivery.id) == delivery_id)
        .values(lease_token=None, lease_until=None, last_error=(reason or "")[:500] or None)
    )


def fail_delivery(session: Session, delivery_id: int, reason: str) -> None:
    session.execute(
        update(Delivery)
        .where(col(Delivery.id) == delivery_id)
        .values(
            state=DeliveryState.FAILED.value,
            attempts=col(Delivery.attempts) + 1,
            last_error=reason[:500],
            lease_token=None,
            lease_until=None,
        )
    )
