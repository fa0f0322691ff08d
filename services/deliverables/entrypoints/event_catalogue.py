"""The AsyncAPI document of the events this service publishes, generated from their models.

``python -m services.deliverables.entrypoints.event_catalogue`` rewrites ``asyncapi.json``; a test
keeps the
committed file in step with the code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from services.deliverables.events import (
    DELIVERABLE_TOPIC,
    ROUND_TOPIC,
    DeliverableAdded,
    DeliverableStatusChanged,
    DeliverableTimescaleRevised,
    DeliverableUpdated,
    ReportingRoundPublished,
)
from shared import event_catalogue

CATALOGUE_FILE = Path(__file__).parents[1] / "asyncapi.json"
_CHANNELS: event_catalogue.Channels = {
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


def build_catalogue() -> dict[str, Any]:
    return event_catalogue.build_catalogue("CJP deliverables events", _CHANNELS)


def render_catalogue() -> str:
    return event_catalogue.render_catalogue(build_catalogue())


if __name__ == "__main__":
    CATALOGUE_FILE.write_text(render_catalogue(), encoding="utf-8")
    print(f"wrote {CATALOGUE_FILE}")
