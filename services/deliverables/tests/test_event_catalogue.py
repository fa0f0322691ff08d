"""The committed AsyncAPI document matches the event models, and real events validate against it."""

from __future__ import annotations

import json

import jsonschema

from services.deliverables.event_catalogue import CATALOGUE_FILE, build_catalogue, render_catalogue
from services.deliverables.events import DeliverableStatusChanged
from shared.events import new_event


def test_committed_catalogue_is_current() -> None:
    assert CATALOGUE_FILE.read_text(encoding="utf-8") == render_catalogue(), (
        "run: python -m services.deliverables.event_catalogue"
    )


def test_a_status_change_event_matches_its_schema() -> None:
    messages = build_catalogue()["channels"]["deliverables.deliverable.v1"]["subscribe"]["message"]
    schema = next(
        m["payload"] for m in messages["oneOf"] if m["name"] == "DeliverableStatusChanged"
    )
    payload = DeliverableStatusChanged(
        number=40,
        title="T",
        aim=4,
        priority_action=13,
        lead_partners=["scottish-government"],
        old_status="in_progress",
        new_status="complete",
        round=None,
    )
    event = new_event(
        event_type="DeliverableStatusChanged",
        source="deliverables",
        aggregate_id="40",
        data=payload,
    )
    jsonschema.validate(json.loads(event.to_bytes()), schema)
