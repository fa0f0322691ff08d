"""Idempotent consumers: an event's id is recorded in the same transaction as its effect."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel

from shared.events import EventEnvelope


class InboxMessage(SQLModel, table=True):
    """One row per (consumer, event) handled; the primary key makes a second handling impossible."""

    __tablename__ = "inbox_message"

    consumer: str = Field(primary_key=True)
    event_id: uuid.UUID = Field(primary_key=True)
    event_type: str
    received_at: datetime = Field(default_factory=lambda: datetime.now(UTC))


def claim_event(session: Session, *, consumer: str, envelope: EventEnvelope) -> bool:
    """Record the event as handled by ``consumer``; False if it already was (skip the effect).

    Call it first in the transaction that applies the effect, so both commit or neither does.
    """
    if session.get(InboxMessage, (consumer, envelope.event_id)) is not None:
        return False
    session.add(
        InboxMessage(consumer=consumer, event_id=envelope.event_id, event_type=envelope.event_type)
    )
    try:
        session.flush()
    except IntegrityError:
        # Another consumer claimed it between our read and our insert.
        session.rollback()
        return False
    return True
