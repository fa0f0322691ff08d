"""Events exactly as their producers publish them: every one is checked against the producer's
committed catalogue (``services/<producer>/asyncapi.json``) when it is built, so a test can
never rely on a field the producer does not send."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jsonschema

from shared.event_catalogue import load_catalogue, published_messages
from shared.events import EventEnvelope

SERVICES = Path(__file__).resolve().parents[2]
CATALOGUES = {
    "deliverables": SERVICES / "deliverables" / "asyncapi.json",
    "directory": SERVICES / "directory" / "asyncapi.json",
}
PUBLISHED = {
    (source, event_type): schema
    for source, path in CATALOGUES.items()
    for (_topic, event_type), schema in published_messages(load_catalogue(path)).items()
}
DELIVERABLE = {
    "title": "Improve access to throughcare",
    "aim": 3,
    "priority_action": 7,
    "lead_partners": ["police-scotland"],
}
DELIVERABLE_DEFAULTS: dict[str, dict[str, Any]] = {
    "DeliverableAdded": {"status": "in_progress", "timescale": "March 2026"},
    "DeliverableStatusChanged": {"old_status": "in_progress", "new_status": "complete"},
    "DeliverableTimescaleRevised": {
        "old_timescale": "June 2025",
        "new_timescale": "March 2026",
        "reason": None,
    },
    "DeliverableUpdated": {"narrative": "Work continues."},
}
SERVICE = {
    "name": "Fife Women's Justice Service",
    "local_authorities": ["fife"],
    "service_types": ["womens-services"],
    "is_sample": False,
}
OWNER = {"owner_partnership": None, "owner_partnership_code": None, "owner_email": None}
SERVICE_DEFAULTS: dict[str, dict[str, Any]] = {
    "ServiceCreated": {"status": "active"},
    "ServiceUpdated": {"changes": {}},
    "ServiceWithdrawn": {"reason": None},
    "ServiceReviewDue": {**OWNER, "last_reviewed_at": "2025-01-01T00:00:00Z"},
    "ServiceCorrectionSuggested": {
        **OWNER,
        "suggestion_id": "s-1",
        "field": None,
        "message": "The phone number is out of date.",
    },
}


def published(
    source: str, event_type: str, aggregate_id: str, data: dict[str, Any]
) -> EventEnvelope:
    """An envelope whose JSON the producer's catalogue accepts, with no field it does not list."""
    envelope = EventEnvelope(
        event_type=event_type, source=source, aggregate_id=aggregate_id, data=data
    )
    schema = PUBLISHED[(source, event_type)]
    jsonschema.validate(json.loads(envelope.to_bytes()), schema)
    unknown = set(data) - set(schema["properties"]["data"]["properties"])
    assert not unknown, f"{source} does not publish {sorted(unknown)} in {event_type}"
    return envelope


def status_changed(number: int = 40, new_status: str = "complete", **extra: Any) -> EventEnvelope:
    return deliverable_event("DeliverableStatusChanged", number, new_status=new_status, **extra)


def deliverable_event(event_type: str, number: int = 40, **extra: Any) -> EventEnvelope:
    data = {
        "number": number,
        **DELIVERABLE,
        **DELIVERABLE_DEFAULTS.get(event_type, {}),
        "round": None,
        **extra,
    }
    if event_type == "DeliverableAdded":
        data.pop("round")
    return published("deliverables", event_type, str(number), data)


def round_published(round_number: int = 3, name: str = "2025-26 annual") -> EventEnvelope:
    data = {
        "round_number": round_number,
        "name": name,
        "published_at": datetime(2026, 6, 1, tzinfo=UTC).isoformat(),
    }
    return published("deliverables", "ReportingRoundPublished", str(round_number), data)


def service_event(
    event_type: str = "ServiceUpdated", service_id: str = "17", **extra: Any
) -> EventEnvelope:
    data = {"service_id": service_id, **SERVICE, **SERVICE_DEFAULTS[event_type], **extra}
    return published("directory", event_type, service_id, data)
