"""The envelope and the forwarded identity behave as the contracts say."""

from __future__ import annotations

import uuid

import pytest
from pydantic import BaseModel, ValidationError

from shared.events import Actor, EventEnvelope, new_event


class _Payload(BaseModel):
    number: int
    new_status: str


def test_envelope_round_trips_through_bytes() -> None:
    envelope = new_event(
        event_type="DeliverableStatusChanged",
        source="deliverables",
        aggregate_id="40",
        data=_Payload(number=40, new_status="complete"),
        actor=Actor(subject="cjs.editor@cjp.test", role="partner_editor"),
        correlation_id="corr-1",
    )
    again = EventEnvelope.from_bytes(envelope.to_bytes())
    assert again == envelope
    assert again.data == {"number": 40, "new_status": "complete"}
    assert again.correlation_id == "corr-1"
    assert isinstance(again.event_id, uuid.UUID)


def test_envelope_rejects_unknown_fields_and_missing_type() -> None:
    with pytest.raises(ValidationError):
        EventEnvelope.model_validate_json(b'{"event_type": "", "source": "x", "aggregate_id": "1"}')
    with pytest.raises(ValidationError):
        EventEnvelope.model_validate(
            {"event_type": "X", "source": "x", "aggregate_id": "1", "surprise": True}
        )
