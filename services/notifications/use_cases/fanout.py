"""Record what an event means for subscribers: one email or digest line per subscriber, once.

Recorded in chunks of subscribers, set-based in the database (``adapters/matching.py``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, select

from services.notifications.adapters.matching import Chunk, chunk_end, record_chunk
from services.notifications.adapters.tables import Delivery, ReceivedEvent, utc_now
from services.notifications.domain.consumed.registry import MalformedEvent, TypedEvent
from services.notifications.domain.targets import Audience
from shared.events import EventEnvelope
from shared.inbox import claim_event
from shared.unit_of_work import UnitOfWork

DEFAULT_CHUNK_SIZE = 5_000
FIRST_CHUNK_SHARE = 10


@dataclass(frozen=True)
class FanOutResult:
    duplicate: bool
    emails: int = 0
    digest_entries: int = 0


def record_event(
    engine: Engine,
    *,
    consumer: str,
    envelope: EventEnvelope,
    event: TypedEvent[Any],
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    after_chunk: Callable[[], object] | None = None,
) -> FanOutResult:
    """Claim the event, then record its deliveries chunk by chunk, once per subscriber.

    The claim's transaction also records the first chunk, a tenth the size of the others (an
    audience smaller than that: all of it). Every chunk commits with the keyset position it
    reached on the event's row, so the sender can start on it (``after_chunk`` is called after
    each commit), a redelivery after a crash resumes where the last commit ended, and one after
    the end records nothing.
    """
    if recorded_in_full(engine, envelope):
        return FanOutResult(duplicate=True)
    audience = event.audience()
    with UnitOfWork(engine) as uow:
        owner_mail = _claim(uow.session, consumer, envelope, event)
        if owner_mail is None:
            return FanOutResult(duplicate=True)
        first = max(1, chunk_size // FIRST_CHUNK_SHARE)  # small: the first email goes out sooner
        done, emails, entries = _record_next_chunk(uow.session, envelope, audience, first)
    while not done:
        if after_chunk is not None:
            after_chunk()
        with UnitOfWork(engine) as uow:
            done, more, more_entries = _record_next_chunk(
                uow.session, envelope, audience, chunk_size
            )
        emails, entries = emails + more, entries + more_entries
    return FanOutResult(duplicate=False, emails=emails + owner_mail, digest_entries=entries)


_RECORDED = select(
    ReceivedEvent.event_type,
    ReceivedEvent.aggregate_id,
    ReceivedEvent.data,
    ReceivedEvent.matched_at,
)


def recorded_in_full(engine: Engine, envelope: EventEnvelope) -> bool:
    """The cheap answer for a redelivered event (after a broker that forgot, every event of the
    last minutes comes again): one read, no transaction, no lock. True only for an event whose
    every chunk was committed under the same content; anything else takes the full path, which
    resumes a part-recorded event or refuses an ``event_id`` reused with other content."""
    statement = _RECORDED.where(ReceivedEvent.event_id == envelope.event_id)
    with engine.connect() as connection:
        stored = connection.execute(statement).first()
    if stored is None or stored.matched_at is None:
        return False
    return _same_content(stored.event_type, stored.aggregate_id, stored.data, envelope)


def _same_content(event_type: str, aggregate_id: str, data: str, envelope: EventEnvelope) -> bool:
    return (event_type, aggregate_id, json.loads(data)) == (
        envelope.event_type,
        envelope.aggregate_id,
        envelope.data,
    )


def _claim(
    session: Session, consumer: str, envelope: EventEnvelope, event: TypedEvent[Any]
) -> int | None:
    """Claim a new event (owner mail included: how many); 0 to resume one left part-recorded;
    None if it was recorded in full already."""
    if claim_event(session, consumer=consumer, envelope=envelope):
        session.add(_received(envelope))
        session.flush()
        return _add_owner_mail(session, envelope, event)
    _ensure_same_event(session, envelope)
    stored = _locked_progress(session, envelope)
    return 0 if stored is not None and stored.matched_at is None else None


def _locked_progress(session: Session, envelope: EventEnvelope) -> ReceivedEvent | None:
    """The event's row, locked (FOR UPDATE) so that two resumptions take turns."""
    statement = (
        select(ReceivedEvent)
        .where(ReceivedEvent.event_id == envelope.event_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return session.exec(statement).first()


def _record_next_chunk(
    session: Session, envelope: EventEnvelope, audience: Audience, chunk_size: int
) -> tuple[bool, int, int]:
    """Record the next chunk and move the event's position past it: (done, emails, entries)."""
    progress = _locked_progress(session, envelope)
    if progress is None or progress.matched_at is not None:
        return True, 0, 0
    upto = chunk_end(session, audience, progress.matching_after, chunk_size)
    now = utc_now()
    emails, entries = record_chunk(
        session, audience, Chunk(progress.matching_after, upto), envelope.event_id, now
    )
    if upto is None:
        progress.matched_at = now
    else:
        progress.matching_after = upto
    session.add(progress)
    return upto is None, emails, entries


class ReusedEventId(MalformedEvent):
    """An ``event_id`` already handled arrives with other content: it belongs in dead letters."""


def _ensure_same_event(session: Session, envelope: EventEnvelope) -> None:
    """A copy of a handled event is fine; another event under the same id is not."""
    stored = session.get(ReceivedEvent, envelope.event_id)
    if stored is None:
        return
    if not _same_content(stored.event_type, stored.aggregate_id, stored.data, envelope):
        raise ReusedEventId(
            f"event_id {envelope.event_id} was already used by a {stored.event_type} "
            f"of {stored.aggregate_id} with other data"
        )


def _received(envelope: EventEnvelope) -> ReceivedEvent:
    return ReceivedEvent(
        event_id=envelope.event_id,
        event_type=envelope.event_type,
        aggregate_id=envelope.aggregate_id,
        occurred_at=envelope.occurred_at,
        data=json.dumps(envelope.data),
    )


def _add_owner_mail(session: Session, envelope: EventEnvelope, event: TypedEvent[Any]) -> int:
    """One email to the entry's owning partnership (its claim in the inbox makes it once only)."""
    recipient = event.owner_recipient()
    if event.kind.owner_mail is None or not recipient:
        return 0
    kind = event.kind.owner_mail.kind
    session.add(Delivery(kind=kind, event_id=envelope.event_id, recipient=recipient))
    return 1
