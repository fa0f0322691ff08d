"""The AsyncAPI document of the events this service publishes, generated from their models.

``python -m services.deliverables.event_catalogue`` rewrites ``asyncapi.json``; a test keeps the
committed file in step with the code.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from services.deliverables.events import (
    DELIVERABLE_TOPIC,
    ROUND_TOPIC,
    DeliverableAdded,
    DeliverableStatusChanged,
    DeliverableTimescaleRevised,
    DeliverableUpdated,
    ReportingRoundPublished,
)
from shared.events import EventEnvelope

CATALOGUE_FILE = Path(__file__).parent / "asyncapi.json"
_CHANNELS: dict[str, tuple[str, list[type[BaseModel]]]] = {
    DELIVERABLE_TOPIC: (
        "Changes to one deliverable; key = its number, so its events stay in order.",
        [
            DeliverableAdded,
            DeliverableStatusChanged,
            DeliverableTimescaleRevised,
            DeliverableUpdated,
        ],
    ),
    ROUND_TOPIC: ("Reporting rounds; key = round number.", [ReportingRoundPublished]),
}


def _message(model: type[BaseModel]) -> dict[str, Any]:
    envelope = EventEnvelope.model_json_schema()
    envelope["properties"]["event_type"] = {"const": model.__name__}
    envelope["properties"]["data"] = model.model_json_schema()
    return {
        "name": model.__name__,
        "contentType": "application/json",
        "summary": (model.__doc__ or model.__name__).strip().splitlines()[0],
        "payload": envelope,
    }


def build_catalogue() -> dict[str, Any]:
    return {
        "asyncapi": "2.6.0",
        "info": {"title": "CJP deliverables events", "version": "1"},
        "defaultContentType": "application/json",
        "channels": {
            topic: {
                "description": description,
                "subscribe": {"message": {"oneOf": [_message(model) for model in models]}},
            }
            for topic, (description, models) in _CHANNELS.items()
        },
    }


def render_catalogue() -> str:
    return json.dumps(build_catalogue(), indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    CATALOGUE_FILE.write_text(render_catalogue(), encoding="utf-8")
    print(f"wrote {CATALOGUE_FILE}")
