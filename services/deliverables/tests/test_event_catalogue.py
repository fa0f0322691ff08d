"""The committed AsyncAPI document matches the event models, and real events validate against it."""

from __future__ import annotations

import json

import jsonschema
import pytest

from services.deliverables.entrypoints.event_catalogue import CATALOGUE_FILE, render_catalogue
from services.deliverables.events import DeliverableStatusChanged
from shared.events import new_event


def test_committed_catalogue_is_current() -> None:
    assert CATALOGUE_FILE.read_text(encoding="utf-8") == render_catalogue(), (
        "run: python -m services.deliverables.entrypoints.event_catalogue"
    )


def test_a_status_change_event_matches_the_committed_catalogue() -> None:
    """Checked against the committed file (what consumers read), not a schema generated from the
    same model: a model change without a catalogue change fails here too."""
    catalogue = json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))
    messages = catalogue["channels"]["deliverables.deliverable.v1"]["subscribe"]["message"]
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
    published = json.loads(event.to_bytes())
    jsonschema.validate(published, schema)
    # The schema says something: an event without its new status, or of another type, fails.
    for broken in (
        {**published, "data": {k: v for k, v in published["data"].items() if k != "new_status"}},
        {**published, "event_type": "DeliverableStatusChangedd"},
    ):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, schema)
