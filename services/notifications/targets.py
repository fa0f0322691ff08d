"""What a subscription can follow, and which subscriptions an event concerns."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from services.notifications.incoming import (
    OWNER_EVENTS,
    DeliverableFacts,
    Facts,
    ReportingRoundFacts,
    ServiceFacts,
)


class TargetKind(StrEnum):
    DELIVERABLE = "deliverable"
    AIM = "aim"
    PRIORITY_ACTION = "priority_action"
    LEAD_PARTNER = "lead_partner"
    ALL_DELIVERABLES = "all_deliverables"
    LOCAL_AUTHORITY = "local_authority"
    SERVICE_TYPE = "service_type"
    SERVICE = "service"


class Transition(StrEnum):
    """Which changes a subscription wants; ``any`` means every change to its target."""

    ANY = "any"
    STATUS_CHANGED = "status_changed"
    COMPLETE = "complete"
    TIMESCALE_REVISED = "timescale_revised"
    OVERDUE = "overdue"  # a deliverable's status becomes `outstanding`
    UPDATED = "updated"
    ADDED = "added"
    ROUND_PUBLISHED = "round_published"
    SERVICE_WITHDRAWN = "service_withdrawn"


DELIVERABLE_KINDS = (
    TargetKind.DELIVERABLE,
    TargetKind.AIM,
    TargetKind.PRIORITY_ACTION,
    TargetKind.LEAD_PARTNER,
    TargetKind.ALL_DELIVERABLES,
)
NEEDS_NO_VALUE = {TargetKind.ALL_DELIVERABLES}


@dataclass(frozen=True)
class Audience:
    """The (kind, value) pairs an event concerns (value None = any value) and its transitions."""

    targets: tuple[tuple[TargetKind, str | None], ...]
    transitions: frozenset[Transition]


def audience_of(event_type: str, facts: Facts) -> Audience:
    if isinstance(facts, DeliverableFacts):
        return Audience(_deliverable_targets(facts), _deliverable_transitions(event_type, facts))
    if isinstance(facts, ServiceFacts):
        if event_type in OWNER_EVENTS:
            return Audience((), frozenset())  # mailed to the owner only
        return Audience(_service_targets(facts), _service_transitions(event_type))
    assert isinstance(facts, ReportingRoundFacts)
    targets = tuple((kind, None) for kind in DELIVERABLE_KINDS)
    return Audience(targets, frozenset({Transition.ANY, Transition.ROUND_PUBLISHED}))


def _deliverable_targets(facts: DeliverableFacts) -> tuple[tuple[TargetKind, str | None], ...]:
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


def _deliverable_transitions(event_type: str, facts: DeliverableFacts) -> frozenset[Transition]:
    found = {Transition.ANY}
    if event_type == "DeliverableStatusChanged":
        found.add(Transition.STATUS_CHANGED)
        if facts.new_status == "complete":
            found.add(Transition.COMPLETE)
        if facts.new_status == "outstanding":
            found.add(Transition.OVERDUE)
    elif event_type == "DeliverableTimescaleRevised":
        found.add(Transition.TIMESCALE_REVISED)
    elif event_type == "DeliverableUpdated":
        found.add(Transition.UPDATED)
    elif event_type == "DeliverableAdded":
        found.add(Transition.ADDED)
    return frozenset(found)


def _service_targets(facts: ServiceFacts) -> tuple[tuple[TargetKind, str | None], ...]:
    pairs: list[tuple[TargetKind, str | None]] = [(TargetKind.SERVICE, facts.service_id)]
    pairs.extend((TargetKind.LOCAL_AUTHORITY, code) for code in facts.local_authorities)
    pairs.extend((TargetKind.SERVICE_TYPE, code) for code in facts.service_types)
    return tuple(pairs)


def _service_transitions(event_type: str) -> frozenset[Transition]:
    found = {Transition.ANY, Transition.UPDATED}
    if event_type == "ServiceWithdrawn":
        found.add(Transition.SERVICE_WITHDRAWN)
    if event_type == "ServiceCreated":
        found = {Transition.ANY, Transition.ADDED}
    return frozenset(found)
