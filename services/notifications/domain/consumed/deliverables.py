"""The deliverables service's events as this service reads them.

Checked against the producer's published catalogue, ``services/deliverables/asyncapi.json``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import Field

from services.notifications.domain.consumed.registry import (
    ConsumedEvent,
    EventWords,
    Facts,
    Link,
    WebLinks,
)
from services.notifications.domain.targets import (
    DELIVERABLE_KINDS,
    Audience,
    TargetKind,
    Transition,
)
from services.notifications.domain.wording import said, status_label

DELIVERABLE_TOPIC = "deliverables.deliverable.v1"
ROUND_TOPIC = "deliverables.reporting-round.v1"


class DeliverableFacts(Facts):
    """What every deliverable event carries."""

    number: int
    title: str
    aim: str | None = None
    priority_action: str | None = None
    lead_partners: list[str] = Field(default_factory=list)


class DeliverableAddedFacts(DeliverableFacts):
    status: str | None = None
    timescale: str | None = None


class StatusChangedFacts(DeliverableFacts):
    old_status: str | None = None
    new_status: str
    round: str | None = None
    reason: str | None = None
    narrative: str | None = None


class TimescaleRevisedFacts(DeliverableFacts):
    old_timescale: str | None = None
    new_timescale: str
    reason: str | None = None
    round: str | None = None


class UpdatedFacts(DeliverableFacts):
    narrative: str
    round: str | None = None


class RoundPublishedFacts(Facts):
    round_number: str
    name: str
    published_at: str | None = None


def _followers(facts: DeliverableFacts) -> tuple[tuple[TargetKind, str | None], ...]:
    """Who follows this deliverable: itself, its aim, priority action, lead partners, or all."""
    pairs: list[tuple[TargetKind, str | None]] = [
        (TargetKind.DELIVERABLE, str(facts.number)),
        (TargetKind.ALL_DELIVERABLES, ""),
    ]
    if facts.aim is not None:
        pairs.append((TargetKind.AIM, facts.aim))
    if facts.priority_action is not None:
        pairs.append((TargetKind.PRIORITY_ACTION, facts.priority_action))
    pairs.extend((TargetKind.LEAD_PARTNER, slug) for slug in facts.lead_partners)
    return tuple(pairs)


def _status_audience(facts: StatusChangedFacts) -> Audience:
    found = {Transition.ANY, Transition.STATUS_CHANGED}
    if facts.new_status == "complete":
        found.add(Transition.COMPLETE)
    if facts.new_status == "outstanding":
        found.add(Transition.OVERDUE)
    return Audience(_followers(facts), frozenset(found))


def _audience_with(transition: Transition) -> Callable[[DeliverableFacts], Audience]:
    def audience(facts: DeliverableFacts) -> Audience:
        return Audience(_followers(facts), frozenset({Transition.ANY, transition}))

    return audience


def _round_audience(_facts: RoundPublishedFacts) -> Audience:
    targets = tuple((kind, None) for kind in DELIVERABLE_KINDS)
    return Audience(targets, frozenset({Transition.ANY, Transition.ROUND_PUBLISHED}))


def _name(facts: DeliverableFacts) -> str:
    return f"Deliverable {facts.number} ({facts.title})"


def _page(facts: DeliverableFacts, links: WebLinks) -> Link:
    return Link(f"See deliverable {facts.number} on the web", links.deliverable(facts.number))


def _round_note(round_name: str | None) -> list[str]:
    return [f"Reporting round: {round_name}."] if round_name else []


def _status_words(facts: StatusChangedFacts, links: WebLinks) -> EventWords:
    return EventWords(
        f"{_name(facts)} is now {status_label(facts.new_status)}",
        [
            f"It was {status_label(facts.old_status)} before.",
            *said("Reason given: ", facts.reason),
            *said("Progress update: ", facts.narrative),
            *_round_note(facts.round),
        ],
        _page(facts, links),
    )


def _timescale_words(facts: TimescaleRevisedFacts, links: WebLinks) -> EventWords:
    return EventWords(
        f"{_name(facts)} has a new timescale: {facts.new_timescale}",
        [
            f"The timescale was {facts.old_timescale or 'not set'}.",
            *said("Reason given: ", facts.reason),
            *_round_note(facts.round),
        ],
        _page(facts, links),
    )


def _updated_words(facts: UpdatedFacts, links: WebLinks) -> EventWords:
    return EventWords(
        f"{_name(facts)} has a progress update",
        [*said("", facts.narrative), *_round_note(facts.round)],
        _page(facts, links),
    )


def _added_words(facts: DeliverableAddedFacts, links: WebLinks) -> EventWords:
    return EventWords(
        f"{_name(facts)} has been added to the delivery plan",
        [f"Status: {status_label(facts.status)}."],
        _page(facts, links),
    )


def _round_words(facts: RoundPublishedFacts, _links: WebLinks) -> EventWords:
    return EventWords(f"The progress report {facts.name} has been published")


EVENTS: list[ConsumedEvent[Any]] = [
    ConsumedEvent(
        "DeliverableAdded",
        DELIVERABLE_TOPIC,
        DeliverableAddedFacts,
        _audience_with(Transition.ADDED),
        _added_words,
    ),
    ConsumedEvent(
        "DeliverableStatusChanged",
        DELIVERABLE_TOPIC,
        StatusChangedFacts,
        _status_audience,
        _status_words,
    ),
    ConsumedEvent(
        "DeliverableTimescaleRevised",
        DELIVERABLE_TOPIC,
        TimescaleRevisedFacts,
        _audience_with(Transition.TIMESCALE_REVISED),
        _timescale_words,
    ),
    ConsumedEvent(
        "DeliverableUpdated",
        DELIVERABLE_TOPIC,
        UpdatedFacts,
        _audience_with(Transition.UPDATED),
        _updated_words,
    ),
    ConsumedEvent(
        "ReportingRoundPublished",
        ROUND_TOPIC,
        RoundPublishedFacts,
        _round_audience,
        _round_words,
    ),
]
