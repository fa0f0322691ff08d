# ruff: noqa: RUF001  (the editions use en dashes)
"""The same change made by an editor through the API and by importing an edition leaves the
same history rows and the same events: both go through ``domain.transitions``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from services.deliverables.adapters.importer.loader import import_edition
from services.deliverables.adapters.tables import (
    Deliverable,
    RoundReport,
    StatusChange,
    TimescaleRevision,
)
from services.deliverables.app import create_app
from services.deliverables.domain.transitions import Author
from services.deliverables.events import EventContext
from services.deliverables.settings import DeliverablesSettings
from services.deliverables.tests.conftest import COORDINATOR
from services.deliverables.tests.plan_state import copy_engine
from shared.outbox import OutboxMessage
from tests.identity_signing import SignsTestIdentities

ROUND_3 = "Update 3 – December 2024"
NARRATIVE = "Pilot running in two divisions.\nThe evaluation reports in the spring."
BLOCK = """No 5

Deliverable

Pilot a custody triage service in every division.

Timescale

June 2025{revision}

Responsibility

Lead partner - Police Scotland

{update}Status

{status}
"""
EDITION = """Community justice: delivery plan {title}

Aim 1: Keep people safe

Priority Action 2: Work together early

{block}"""
BEFORE = EDITION.format(
    title="update 2 – March 2024",
    block=BLOCK.format(revision="", update="", status="In progress"),
)
AFTER = EDITION.format(
    title="update 3 – December 2024",
    block=BLOCK.format(
        revision="\n\nRevised in update 3 to March 2026",
        update=f"Update\n\n{NARRATIVE}\n\n",
        status="In progress (with revised timescale)",
    ),
)
# The editor gives the reason the importer gives: what differs between the ways is only how.
REASON = f"Imported from {ROUND_3}"
EDITOR = Author("coordinator@cjp.test", "Test Person")  # who COORDINATOR's headers sign as


def _history(engine: Engine) -> dict[str, Any]:
    """History rows and events written after the base edition, without ids and clock times."""
    with Session(engine) as session:
        deliverable = session.get(Deliverable, 5)
        assert deliverable is not None
        rows = {
            "status_changes": [
                row.model_dump(exclude={"id", "changed_at"})
                for row in session.exec(select(StatusChange))
            ],
            "revisions": [
                row.model_dump(exclude={"id", "recorded_at"})
                for row in session.exec(select(TimescaleRevision))
            ],
            "reports": [
                row.model_dump(exclude={"id", "submitted_at"})
                for row in session.exec(select(RoundReport).order_by(col(RoundReport.round_number)))
            ],
            "deliverable": deliverable.model_dump(exclude={"created_at", "updated_at"}),
            "events": [
                (row.event_type, row.key, row.topic, json.loads(row.payload)["data"])
                for row in session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id)))
            ],
        }
    return rows


def test_an_update_through_the_api_and_through_an_import_leave_the_same_history(
    sqlite_templates: dict[str, Path], tmp_path: Path
) -> None:
    by_import = copy_engine(sqlite_templates["empty"], tmp_path / "import.db")
    by_api = copy_engine(sqlite_templates["empty"], tmp_path / "api.db")
    for engine in (by_import, by_api):
        import_edition(engine, BEFORE, context=EventContext(), author=EDITOR)
        with Session(engine) as session:  # count only what the change itself writes
            for row in session.exec(select(OutboxMessage)):
                session.delete(row)
            session.commit()

    import_edition(by_import, AFTER, context=EventContext(), author=EDITOR)

    settings = DeliverablesSettings(
        database_url=str(by_api.url), relay_enabled=False, seed_on_start=False
    )
    with TestClient(create_app(settings)) as client:
        client.auth = SignsTestIdentities("deliverables")  # forwarded identities are per request
        opened = client.post("/rounds", json={"name": ROUND_3}, headers=COORDINATOR)
        assert opened.status_code == 201 and opened.json()["number"] == 3
        update = {
            "status": "in_progress_revised",
            "narrative": NARRATIVE,
            "new_timescale": "March 2026",
            "reason": REASON,
        }
        submitted = client.put("/rounds/3/deliverables/5", json=update, headers=COORDINATOR)
        assert submitted.status_code == 200, submitted.text

    through_import, through_api = _history(by_import), _history(by_api)
    assert [event[0] for event in through_api["events"]] == [
        "DeliverableTimescaleRevised",
        "DeliverableStatusChanged",
        "DeliverableUpdated",
    ]
    assert through_api["status_changes"][0]["changed_by_name"] == "Test Person"
    assert through_import == through_api
