"""AsyncAPI catalogues of the events a service publishes, generated from their payload models.

Each producer commits its catalogue (``services/<name>/asyncapi.json``) and a test keeps it in
step with the code; consumers' contract tests read those files (never the producer's code) to
check that what they expect is what is published.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from shared.events import EventEnvelope

# topic -> (description, payload models; each model's class name is its event type)
Channels = dict[str, tuple[str, list[type[BaseModel]]]]


def _message(model: type[BaseModel]) -> dict[str, Any]:
    envelope = EventEnvelope.model_json_schema()
    data = model.model_json_schema()
    # The payload's own definitions move to the root, where its "#/$defs/..." references point.
    for name, definition in data.pop("$defs", {}).items():
        if envelope["$defs"].setdefault(name, definition) != definition:
            raise ValueError(f"{model.__name__} defines {name}, which the envelope also defines")
    envelope["properties"]["event_type"] = {"const": model.__name__}
    envelope["properties"]["data"] = data
    return {
        "name": model.__name__,
        "contentType": "application/json",
        "summary": (model.__doc__ or model.__name__).strip().splitlines()[0],
        "payload": envelope,
    }


def build_catalogue(title: str, channels: Channels) -> dict[str, Any]:
    return {
        "asyncapi": "2.6.0",
        "info": {"title": title, "version": "1"},
        "defaultContentType": "application/json",
        "channels": {
            topic: {
                "description": description,
                "subscribe": {"message": {"oneOf": [_message(model) for model in models]}},
            }
            for topic, (description, models) in channels.items()
        },
    }


def render_catalogue(catalogue: dict[str, Any]) -> str:
    return json.dumps(catalogue, indent=2, sort_keys=True) + "\n"


def load_catalogue(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def published_messages(catalogue: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """(topic, event type) -> the JSON Schema of the whole envelope of that event."""
    return {
        (topic, message["name"]): message["payload"]
        for topic, channel in catalogue["channels"].items()
        for message in channel["subscribe"]["message"]["oneOf"]
    }
