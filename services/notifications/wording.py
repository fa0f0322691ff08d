"""Plain words for events and subscriptions, used by every email template."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

STATUS_LABELS = {
    "complete": "Complete",
    "in_progress": "In progress",
    "in_progress_revised": "In progress (with revised timescale)",
    "outstanding": "Outstanding",
}

TRANSITION_WORDS = {
    "any": "",
    "status_changed": " when its status changes",
    "complete": " when something is completed",
    "timescale_revised": " when a timescale is revised",
    "overdue": " when something becomes outstanding",
    "updated": " when there is a progress update",
    "added": " when something new is added",
    "round_published": " when a progress report is published",
    "service_withdrawn": " when a service is withdrawn",
}


@dataclass(frozen=True)
class EventWords:
    headline: str
    details: list[str] = field(default_factory=list)


def describe_target(kind: str, value: str, transition: str = "any") -> str:
    """e.g. "deliverable 40", "services in fife when a service is withdrawn"."""
    subject = {
        "deliverable": f"deliverable {value}",
        "aim": f"deliverables under aim {value}",
        "priority_action": f"deliverables under priority action {value}",
        "lead_partner": f"deliverables led by {value}",
        "all_deliverables": "every deliverable in the delivery plan",
        "local_authority": f"support services in {value}",
        "service_type": f"support services of type {value}",
        "service": f"the support service {value}",
    }.get(kind, f"{kind} {value}")
    return subject + TRANSITION_WORDS.get(transition, "")


def describe_event(event_type: str, data: dict[str, Any]) -> EventWords:
    if event_type.startswith("Deliverable"):
        return _deliverable_words(event_type, data)
    if event_type == "ReportingRoundPublished":
        return EventWords(f"The progress report {data.get('name', '')} has been published")
    return _service_words(event_type, data)


def _label(status: object) -> str:
    return STATUS_LABELS.get(str(status), str(status))


def _deliverable_words(event_type: str, data: dict[str, Any]) -> EventWords:
    name = f"Deliverable {data.get('number')} ({data.get('title', '')})"
    round_note = [f"Reporting round: {data['round']}."] if data.get("round") else []
    if event_type == "DeliverableStatusChanged":
        return EventWords(
            f"{name} is now {_label(data.get('new_status'))}",
            [f"It was {_label(data.get('old_status'))} before.", *round_note],
        )
    if event_type == "DeliverableTimescaleRevised":
        details = [f"The timescale was {data.get('old_timescale')}."]
        if data.get("reason"):
            details.append(f"Reason given: {data['reason']}")
        return EventWords(
            f"{name} has a new timescale: {data.get('new_timescale')}", details + round_note
        )
    if event_type == "DeliverableUpdated":
        return EventWords(
            f"{name} has a progress update", [str(data.get("narrative") or ""), *round_note]
        )
    return EventWords(
        f"{name} has been added to the delivery plan", [f"Status: {_label(data.get('status'))}."]
    )


def _service_words(event_type: str, data: dict[str, Any]) -> EventWords:
    name = str(data.get("name", "A service"))
    areas = ", ".join(data.get("local_authorities") or [])
    where = [f"Areas: {areas}."] if areas else []
    if event_type == "ServiceCreated":
        return EventWords(f"A new support service is listed: {name}", where)
    if event_type == "ServiceWithdrawn":
        reason = [f"Reason given: {data['reason']}"] if data.get("reason") else []
        return EventWords(f"{name} has been withdrawn", reason + where)
    if event_type == "ServiceCorrectionSuggested":
        return _correction_words(name, data, where)
    if event_type == "ServiceReviewDue":
        return EventWords(
            f"{name} is due for review",
            [
                f"It was last reviewed on {data.get('last_reviewed_at') or 'an unknown date'}.",
                *where,
            ],
        )
    changes = data.get("changes") or {}
    lines = [
        f"{field_name.replace('_', ' ')}: now {change.get('new')!s}"
        for field_name, change in changes.items()
    ]
    return EventWords(f"{name} has been updated", lines + where)


def _correction_words(name: str, data: dict[str, Any], where: list[str]) -> EventWords:
    about = str(data.get("field") or "").replace("_", " ")
    part = [f"The part they mean: {about}."] if about else []
    return EventWords(
        f"Someone has suggested a correction to {name}",
        [
            f"What they told us: {data.get('message') or '(no message)'}",
            *part,
            f"Directory entry id: {data.get('service_id')}.",
            *where,
        ],
    )


def owner_steps(event_type: str, data: dict[str, Any]) -> list[str]:
    """What the owning partnership can do next, in order (plain words, no jargon)."""
    partnership = data.get("owner_partnership") or "your partnership"
    if event_type == "ServiceCorrectionSuggested":
        return [
            f"Sign in to the directory as an editor for {partnership}.",
            "Open this entry and check the suggestion against what you know.",
            "If it is right, change the entry. If it is not, leave the entry as it is.",
            "Either way, mark the suggestion as dealt with, so nobody checks it twice.",
        ]
    return [
        f"Sign in to the directory as an editor for {partnership}.",
        "Check that every detail of this entry is still correct, and change what is not.",
        "Mark the entry as reviewed. We will ask again in six months.",
    ]
