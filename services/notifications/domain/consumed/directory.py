"""The directory's events as this service reads them.

Checked against the producer's published catalogue, ``services/directory/asyncapi.json``.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from services.notifications.adapters.tables import DeliveryKind
from services.notifications.domain.consumed.registry import (
    ConsumedEvent,
    EventWords,
    Facts,
    OwnerMail,
    WebLinks,
)
from services.notifications.domain.targets import Audience, TargetKind, Transition
from services.notifications.domain.wording import said

SERVICE_TOPIC = "directory.service.v1"


class ServiceFacts(Facts):
    """What every directory event carries."""

    service_id: str
    name: str
    local_authorities: list[str] = Field(default_factory=list)
    service_types: list[str] = Field(default_factory=list)


class ServiceCreatedFacts(ServiceFacts):
    status: str | None = None


class FieldChange(Facts):
    old: Any = None
    new: Any = None


class ServiceUpdatedFacts(ServiceFacts):
    changes: dict[str, FieldChange] = Field(default_factory=dict)


class ServiceWithdrawnFacts(ServiceFacts):
    reason: str | None = None


class OwnerFacts(ServiceFacts):
    owner_partnership: str | None = None
    owner_email: str | None = None


class ReviewDueFacts(OwnerFacts):
    last_reviewed_at: str | None = None


class CorrectionFacts(OwnerFacts):
    """What someone thinks is wrong (never who they are)."""

    suggestion_id: str
    message: str
    field: str | None = None


def _followers(facts: ServiceFacts) -> tuple[tuple[TargetKind, str | None], ...]:
    pairs: list[tuple[TargetKind, str | None]] = [(TargetKind.SERVICE, facts.service_id)]
    pairs.extend((TargetKind.LOCAL_AUTHORITY, code) for code in facts.local_authorities)
    pairs.extend((TargetKind.SERVICE_TYPE, code) for code in facts.service_types)
    return tuple(pairs)


def _created_audience(facts: ServiceCreatedFacts) -> Audience:
    return Audience(_followers(facts), frozenset({Transition.ANY, Transition.ADDED}))


def _updated_audience(facts: ServiceUpdatedFacts) -> Audience:
    return Audience(_followers(facts), frozenset({Transition.ANY, Transition.UPDATED}))


def _withdrawn_audience(facts: ServiceWithdrawnFacts) -> Audience:
    found = {Transition.ANY, Transition.UPDATED, Transition.SERVICE_WITHDRAWN}
    return Audience(_followers(facts), frozenset(found))


def _no_subscribers(_facts: OwnerFacts) -> Audience:
    return Audience((), frozenset())


def _areas(facts: ServiceFacts) -> list[str]:
    areas = ", ".join(facts.local_authorities)
    return [f"Areas: {areas}."] if areas else []


def _created_words(facts: ServiceCreatedFacts, _links: WebLinks) -> EventWords:
    return EventWords(f"A new support service is listed: {facts.name}", _areas(facts))


def _updated_words(facts: ServiceUpdatedFacts, _links: WebLinks) -> EventWords:
    lines = [
        f"{field_name.replace('_', ' ')}: now {change.new!s}"
        for field_name, change in facts.changes.items()
    ]
    return EventWords(f"{facts.name} has been updated", lines + _areas(facts))


def _withdrawn_words(facts: ServiceWithdrawnFacts, _links: WebLinks) -> EventWords:
    return EventWords(
        f"{facts.name} has been withdrawn", said("Reason given: ", facts.reason) + _areas(facts)
    )


def _review_words(facts: ReviewDueFacts, _links: WebLinks) -> EventWords:
    reviewed = facts.last_reviewed_at or "an unknown date"
    return EventWords(
        f"{facts.name} is due for review",
        [f"It was last reviewed on {reviewed}.", *_areas(facts)],
    )


def _correction_words(facts: CorrectionFacts, _links: WebLinks) -> EventWords:
    about = (facts.field or "").replace("_", " ")
    return EventWords(
        f"Someone has suggested a correction to {facts.name}",
        [
            *said("What they told us: ", facts.message),
            *([f"The part they mean: {about}."] if about else []),
            f"Directory entry id: {facts.service_id}.",
            *_areas(facts),
        ],
    )


def _partnership(facts: OwnerFacts) -> str:
    return facts.owner_partnership or "your partnership"


def _review_steps(facts: ReviewDueFacts) -> list[str]:
    return [
        f"Sign in to the directory as an editor for {_partnership(facts)}.",
        "Check that every detail of this entry is still correct, and change what is not.",
        "Mark the entry as reviewed. We will ask again in six months.",
    ]


def _correction_steps(facts: CorrectionFacts) -> list[str]:
    return [
        f"Sign in to the directory as an editor for {_partnership(facts)}.",
        "Open this entry and check the suggestion against what you know.",
        "If it is right, change the entry. If it is not, leave the entry as it is.",
        "Either way, mark the suggestion as dealt with, so nobody checks it twice.",
    ]


def _owner_email(facts: OwnerFacts) -> str | None:
    return facts.owner_email


REVIEW_MAIL = OwnerMail(
    DeliveryKind.REVIEW_DUE.value,
    "Please check that this directory entry is still correct and mark it as reviewed:",
    _review_steps,
    _owner_email,
)
CORRECTION_MAIL = OwnerMail(
    DeliveryKind.CORRECTION_SUGGESTED.value,
    "Someone using the directory thinks this entry may be wrong:",
    _correction_steps,
    _owner_email,
)

EVENTS: list[ConsumedEvent[Any]] = [
    ConsumedEvent(
        "ServiceCreated", SERVICE_TOPIC, ServiceCreatedFacts, _created_audience, _created_words
    ),
    ConsumedEvent(
        "ServiceUpdated", SERVICE_TOPIC, ServiceUpdatedFacts, _updated_audience, _updated_words
    ),
    ConsumedEvent(
        "ServiceWithdrawn",
        SERVICE_TOPIC,
        ServiceWithdrawnFacts,
        _withdrawn_audience,
        _withdrawn_words,
    ),
    ConsumedEvent(
        "ServiceReviewDue",
        SERVICE_TOPIC,
        ReviewDueFacts,
        _no_subscribers,
        _review_words,
        owner_mail=REVIEW_MAIL,
    ),
    ConsumedEvent(
        "ServiceCorrectionSuggested",
        SERVICE_TOPIC,
        CorrectionFacts,
        _no_subscribers,
        _correction_words,
        owner_mail=CORRECTION_MAIL,
    ),
]
