"""The events this service publishes (topics, payloads) and how they are staged in the outbox."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from shared.events import Actor, new_event
from shared.unit_of_work import UnitOfWork

SOURCE = "deliverables"
DELIVERABLE_TOPIC = "deliverables.deliverable.v1"
ROUND_TOPIC = "deliverables.reporting-round.v1"
TOPICS = [DELIVERABLE_TOPIC, ROUND_TOPIC]


class DeliverableFacts(BaseModel):
    """What every deliverable event carries, so consumers need not call back."""

    number: int
    title: str
    aim: int
    priority_action: int
    lead_partners: list[str]


class DeliverableAdded(DeliverableFacts):
    """A deliverable joined the plan (a new round's addition, or a first import)."""

    status: str
    timescale: str | None


class DeliverableStatusChanged(DeliverableFacts):
    """A deliverable's status changed (API values; round is the open round's name or null).

    ``reason`` is what the person who changed it gave; ``narrative`` the update narrative sent
    with it (a round's update). Both are optional and may be absent in older events.
    """

    old_status: str | None
    new_status: str
    round: str | None
    reason: str | None = None
    narrative: str | None = None


class DeliverableTimescaleRevised(DeliverableFacts):
    """A deliverable's timescale was revised, with the reason and round."""

    old_timescale: str | None
    new_timescale: str
    reason: str | None
    round: str | None


class DeliverableUpdated(DeliverableFacts):
    """A lead partner's update narrative for a round was recorded."""

    narrative: str
    round: str | None


class ReportingRoundPublished(BaseModel):
    """A reporting round was published and frozen as the next edition."""

    round_number: int
    name: str
    published_at: datetime


class EventContext(BaseModel):
    """Who caused a change and which request it belongs to."""

    actor: Actor | None = None
    correlation_id: str | None = None


def stage_deliverable_event(
    uow: UnitOfWork, payload: DeliverableFacts, context: EventContext
) -> None:
    """Stage a deliverable event in the caller's unit of work; its key is the number."""
    envelope = new_event(
        event_type=type(payload).__name__,
        source=SOURCE,
        aggregate_id=str(payload.number),
        data=payload,
        actor=context.actor,
        correlation_id=context.correlation_id,
    )
    uow.publish(envelope, topic=DELIVERABLE_TOPIC)


def stage_round_published(
    uow: UnitOfWork, payload: ReportingRoundPublished, context: EventContext
) -> None:
    envelope = new_event(
        event_type="ReportingRoundPublished",
        source=SOURCE,
        aggregate_id=str(payload.round_number),
        data=payload,
        actor=context.actor,
        correlation_id=context.correlation_id,
    )
    uow.publish(envelope, topic=ROUND_TOPIC)
