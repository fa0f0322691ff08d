"""The directory publishes its event catalogue; the committed file is current, and what the
directory really writes to its outbox matches it."""

from __future__ import annotations

import json

import jsonschema
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from services.directory.entrypoints.event_catalogue import CATALOGUE_FILE, render_catalogue
from services.directory.tests.conftest import identity_headers
from shared.event_catalogue import load_catalogue, published_messages
from shared.identity import Role
from shared.outbox import OutboxMessage


def test_committed_catalogue_is_current() -> None:
    assert CATALOGUE_FILE.read_text(encoding="utf-8") == render_catalogue(), (
        "run: python -m services.directory.entrypoints.event_catalogue"
    )


def test_an_update_written_to_the_outbox_matches_the_committed_catalogue(
    client: TestClient, engine: Engine
) -> None:
    listed = client.get("/services", params={"local_authority": "fife"}).json()
    service_id = listed["items"][0]["id"]
    editor = identity_headers(Role.DIRECTORY_EDITOR, local_authority="fife", subject="f@cjp.test")
    answer = client.patch(f"/services/{service_id}", json={"phone": "01592 333444"}, headers=editor)
    assert answer.status_code == 200, answer.text
    with Session(engine) as session:
        rows = list(session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))))
    schemas = published_messages(load_catalogue(CATALOGUE_FILE))
    assert [row.event_type for row in rows] == ["ServiceUpdated"]
    for row in rows:
        jsonschema.validate(json.loads(row.payload), schemas[(row.topic, row.event_type)])
