"""Tables of the notifications service, in their own SQLModel registry."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Column, Index, Text, UniqueConstraint
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel


def utc_now() -> datetime:
    return datetime.now(UTC)


class NotificationsTable(SQLModel, registry=registry()):
    """Base of every table this service owns (its own metadata, see contracts.md "Tables")."""


class Frequency(StrEnum):
    IMMEDIATELY = "immediately"
    DAILY = "daily"
    WEEKLY = "weekly"


class SubscriptionStatus(StrEnum):
    PENDING = "pending_confirmation"
    CONFIRMED = "confirmed"
    UNSUBSCRIBED = "unsubscribed"
    EXPIRED = "expired"


class DeliveryKind(StrEnum):
    CONFIRMATION = "confirmation"
    EVENT = "event"
    DIGEST = "digest"
    REVIEW_DUE = "review_due"
    CORRECTION_SUGGESTED = "correction_suggested"


class DeliveryState(StrEnum):
    PENDING = "pending"
    RETRYING = "retrying"
    SENT = "sent"
    FAILED = "failed"


class Subscriber(NotificationsTable, table=True):
    """A person known only by an email address; erased some days after their last subscription."""

    __tablename__ = "subscriber"

    id: int | None = Field(default=None, primary_key=True)
    email: str | None = Field(default=None, unique=True)
    timezone: str = "Europe/London"
    digest_time: str = "08:00"
    digest_weekday: int = 0
    permanent_failures: int = 0
    suspended_at: datetime | None = None
    created_at: datetime = Field(default_factory=utc_now)
    erased_at: datetime | None = None


class Subscription(NotificationsTable, table=True):
    """What a subscriber wants to hear about, how often, and whether they confirmed it."""

    __tablename__ = "subscription"
    __table_args__ = (
        UniqueConstraint("subscriber_id", "target_kind", "target_value", "transition"),
        # Matching: one range scan per target, in subscriber order (see adapters/matching.py).
        Index(
            "ix_subscription_match",
            "target_kind",
            "target_value",
            "status",
            "subscriber_id",
            postgresql_include=["transition", "frequency"],
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    subscriber_id: int = Field(foreign_key="subscriber.id", index=True)
    target_kind: str
    target_value: str = ""
    transition: str = "any"
    frequency: str = Frequency.IMMEDIATELY
    status: str = SubscriptionStatus.PENDING
    created_at: datetime = Field(default_factory=utc_now)
    confirmed_at: datetime | None = None
    ended_at: datetime | None = None


class ReceivedEvent(NotificationsTable, table=True):
    """The facts of one event that mail is written from (kept once, not per recipient), and how far
    recording its deliveries has got."""

    __tablename__ = "received_event"

    event_id: uuid.UUID = Field(primary_key=True)
    event_type: str
    aggregate_id: str
    occurred_at: datetime
    data: str = Field(sa_column=Column(Text, nullable=False))
    received_at: datetime = Field(default_factory=utc_now)
    # Deliveries are recorded in chunks of subscribers: every subscriber id up to
    # ``matching_after`` is done; ``matched_at`` is set when the last chunk is.
    matching_after: int = 0
    matched_at: datetime | None = None


class Delivery(NotificationsTable, table=True):
    """One email: its state, attempts and reason. Unique per (subscriber, event) and per period."""

    __tablename__ = "delivery"
    __table_args__ = (
        UniqueConstraint("subscriber_id", "event_id", name="uq_delivery_subscriber_event"),
        UniqueConstraint("subscriber_id", "digest_period", name="uq_delivery_subscriber_period"),
        Index("ix_delivery_due", "state", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str
    subscriber_id: int | None = Field(default=None, foreign_key="subscriber.id")
    subscription_id: int | None = Field(default=None, foreign_key="subscription.id")
    event_id: uuid.UUID | None = None
    digest_period: str | None = None
    # Only for mail to someone who is not a subscriber (a service owner); erased with the body.
    recipient: str | None = None
    state: str = DeliveryState.PENDING
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utc_now)
    lease_token: str | None = None
    lease_until: datetime | None = None
    last_error: str | None = None
    subject: str | None = None
    body_text: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = Field(default_factory=utc_now)
    sent_at: datetime | None = None


class DigestEntry(NotificationsTable, table=True):
    """An event waiting for a subscriber's next daily or weekly digest."""

    __tablename__ = "digest_entry"
    __table_args__ = (
        UniqueConstraint("subscriber_id", "event_id", name="uq_digest_entry_subscriber_event"),
        Index("ix_digest_entry_waiting", "frequency", "delivery_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    subscriber_id: int = Field(foreign_key="subscriber.id", index=True)
    subscription_id: int = Field(foreign_key="subscription.id")
    event_id: uuid.UUID = Field(foreign_key="received_event.event_id")
    frequency: str
    received_at: datetime = Field(default_factory=utc_now)
    delivery_id: int | None = Field(default=None, foreign_key="delivery.id")


class SetAsideMessage(NotificationsTable, table=True):
    """A message the consumer could neither handle nor dead-letter (e.g. too large): skipped.

    Keeps a reference to it (topic, partition, offset, digest) and the reason, never its bytes.
    """

    __tablename__ = "set_aside_message"
    __table_args__ = (
        UniqueConstraint("consumer", "topic", "partition", "offset", name="uq_set_aside_position"),
    )

    id: int | None = Field(default=None, primary_key=True)
    consumer: str
    topic: str
    partition: int
    offset: int = Field(sa_column=Column(BigInteger, nullable=False))
    key: str | None = None
    size_bytes: int
    sha256: str
    reason: str = Field(sa_column=Column(Text, nullable=False))
    recorded_at: datetime = Field(default_factory=utc_now)


class SendBudget(NotificationsTable, table=True):
    """The SMTP send-rate token bucket, shared by every replica (one row per limit)."""

    __tablename__ = "send_budget"

    name: str = Field(primary_key=True)
    tokens: float
    refilled_at: datetime
