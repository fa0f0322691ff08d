"""Events as the deliverables and directory services publish them (contracts.md)."""

from __future__ import annotations

from typing import Any

from shared.events import EventEnvelope


def status_changed(number: int = 40, new_status: str = "complete", **extra: Any) -> EventEnvelope:
    data = {
        "number": number,
        "title": "Improve access to throughcare",
        "aim": 3,
        "priority_action": 7,
        "lead_partners": ["police-scotland"],
        "old_status": "in_progress",
        "new_status": new_status,
        "round": None,
        **extra,
    }
    return EventEnvelope(
        event_type="DeliverableStatusChanged",
        source="deliverables",
        aggregate_id=str(number),
        data=data,
    )


def deliverable_event(event_type: str, number: int = 40, **extra: Any) -> EventEnvelope:
    data = {
        "number": number,
        "title": "Improve access to throughcare",
        "aim": 3,
        "priority_action": 7,
        "lead_partners": ["police-scotland"],
        **extra,
    }
    return EventEnvelope(
        event_type=event_type, source="deliverables", aggregate_id=str(number), data=data
    )


def service_event(
    event_type: str = "ServiceUpdated", service_id: str = "17", **extra: Any
) -> EventEnvelope:
    data = {
        "service_id": service_id,
        "name": "Fife Women's Justice Service",
        "local_authorities": ["fife"],
        "service_types": ["womens-services"],
        **extra,
    }
    return EventEnvelope(
        event_type=event_type, source="directory", aggregate_id=service_id, data=data
    )
