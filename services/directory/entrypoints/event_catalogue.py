"""The AsyncAPI document of the events the directory publishes, generated from their models.

``python -m services.directory.entrypoints.event_catalogue`` rewrites ``asyncapi.json``; a test
keeps the
committed file in step with the code, and consumers check their contracts against that file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from services.directory.events import (
    SERVICE_TOPIC,
    ServiceCorrectionSuggested,
    ServiceCreated,
    ServiceReviewDue,
    ServiceUpdated,
    ServiceWithdrawn,
)
from shared import event_catalogue

CATALOGUE_FILE = Path(__file__).parents[1] / "asyncapi.json"
_CHANNELS: event_catalogue.Channels = {
    SERVICE_TOPIC: (
        "Changes to one directory entry; key = its service id, so its events stay in order.",
        [
            ServiceCreated,
            ServiceUpdated,
            ServiceWithdrawn,
            ServiceReviewDue,
            ServiceCorrectionSuggested,
        ],
    ),
}


def build_catalogue() -> dict[str, Any]:
    return event_catalogue.build_catalogue("CJP directory events", _CHANNELS)


def render_catalogue() -> str:
    return event_catalogue.render_catalogue(build_catalogue())


if __name__ == "__main__":
    CATALOGUE_FILE.write_text(render_catalogue(), encoding="utf-8")
    print(f"wrote {CATALOGUE_FILE}")
