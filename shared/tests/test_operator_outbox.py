"""Shared operator routes on a real SQLite outbox: list failed rows, retry; coordinator only."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, SQLModel

from shared.db import make_engine
from shared.events import EventEnvelope
from shared.http import install_http_basics
from shared.identity import Identity, Role
from shared.identity_replay import ForwardedIdentitySeen
from shared.operator_api import outbox_operator_router
from shared.outbox_rows import OutboxMessage, OutboxState, add_to_outbox, record_failure
from tests.identity_signing import SignsTestIdentities, identity_marker


def headers(role: Role) -> dict[str, str]:
    return identity_marker(Identity(subject="u1", name="U", role=role))


def test_failed_rows_are_listed_with_their_reason_and_retried_by_a_coordinator_only(
    tmp_path: Path,
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'o.db'}")
    SQLModel.metadata.tables["outbox_message"].create(engine)
    ForwardedIdentitySeen.__table__.create(engine)  # type: ignore[attr-defined]  # replay check
    with Session(engine) as session:
        for key in ("a", "b"):
            add_to_outbox(
                session, EventEnvelope(event_type="E", source="s", aggregate_id=key), topic="t"
            )
        session.commit()
    record_failure(engine, 1, "MessageSizeTooLargeError: too big", set_aside=True)
    app = FastAPI()
    app.state.engine = engine
    install_http_basics(app, identity_audience="deliverables")
    app.include_router(outbox_operator_router(lambda request: request.app.state.engine))
    coordinator = headers(Role.COORDINATOR)
    with TestClient(app) as client:
        client.auth = SignsTestIdentities("deliverables")
        [failed] = client.get("/operator/outbox", headers=coordinator).json()["items"]
        pending = client.get("/operator/outbox?state=pending", headers=coordinator).json()
        editor = client.post(
            "/operator/outbox/retry", json={}, headers=headers(Role.PARTNER_EDITOR)
        )
        anonymous = client.get("/operator/outbox")
        retried = client.post("/operator/outbox/retry", json={"ids": [1]}, headers=coordinator)
        after = client.get("/operator/outbox", headers=coordinator).json()["items"]
    assert failed["id"] == 1 and failed["state"] == "failed" and failed["key"] == "a"
    assert failed["last_error"] == "MessageSizeTooLargeError: too big"
    assert [row["key"] for row in pending["items"]] == ["b"]
    assert editor.status_code == 403 and anonymous.status_code == 401
    assert retried.json() == {"retried": 1} and after == []
    with Session(engine) as session:
        row = session.get(OutboxMessage, 1)
        assert row is not None and row.state == OutboxState.PENDING.value and row.attempts == 0
