"""The envelope and the forwarded identity behave as the contracts say."""

from __future__ import annotations

import secrets
import time
import uuid

import pytest
from pydantic import BaseModel, ValidationError

from shared.errors import Unauthenticated
from shared.events import Actor, EventEnvelope, new_event
from shared.identity import Identity, Role, sign_identity, verify_identity
from shared.settings import CommonSettings


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


def test_identity_survives_signing_and_is_refused_with_another_secret() -> None:
    identity = Identity(
        subject="fife.editor@cjp.test",
        name="Fife editor",
        role=Role.DIRECTORY_EDITOR,
        local_authority="fife",
    )
    token = sign_identity(identity, secret="first-secret-for-tests-0123456789abcdef")
    assert verify_identity(token, secret="first-secret-for-tests-0123456789abcdef") == identity
    with pytest.raises(Unauthenticated):
        verify_identity(token, secret="other-secret-for-tests-0123456789abcdef")


def test_expired_identity_is_refused() -> None:
    identity = Identity(subject="x", name="X", role=Role.PUBLIC)
    token = sign_identity(identity, secret="a-secret-for-tests-0123456789abcdefgh", ttl_seconds=-1)
    time.sleep(0.01)
    with pytest.raises(Unauthenticated, match="expired"):
        verify_identity(token, secret="a-secret-for-tests-0123456789abcdefgh")


def test_production_refuses_the_development_identity_secret() -> None:
    with pytest.raises(ValidationError, match="CJP_IDENTITY_SECRET"):
        CommonSettings(environment="production")
    assert (
        CommonSettings(
            environment="production", identity_secret=secrets.token_urlsafe(48)
        ).environment
        == "production"
    )
