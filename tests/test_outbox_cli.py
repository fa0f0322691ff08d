"""`cjp outbox`: an operator sees the rows set aside, with their reasons, and queues them again."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel

from deploy.cli import main
from shared.db import make_engine, upgrade_database
from shared.events import new_event
from shared.outbox import outbox_stats
from shared.outbox_rows import next_batch, record_failure
from shared.unit_of_work import UnitOfWork

MIGRATIONS = Path(__file__).resolve().parents[1] / "services" / "deliverables" / "migrations"


class _Changed(BaseModel):
    number: int


def test_failed_rows_are_listed_with_their_reason_and_retried(
    sqlite_database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    upgrade_database(sqlite_database_url, MIGRATIONS)
    engine = make_engine(sqlite_database_url)
    with UnitOfWork(engine) as uow:
        for number in (7, 8):
            event = new_event(
                event_type="DeliverableStatusChanged", source="deliverables",
                aggregate_id=str(number), data=_Changed(number=number),
            )  # fmt: skip
            uow.publish(event, topic="deliverables.deliverable.v1")
    [first, _second] = next_batch(engine, limit=10)
    assert first.id is not None
    record_failure(engine, first.id, "MessageSizeTooLargeError: 2 MB", set_aside=True)
    monkeypatch.setenv("CJP_DELIVERABLES_DATABASE_URL", sqlite_database_url)

    assert main(["outbox", "deliverables", "list"]) == 0
    listed = capsys.readouterr().out
    assert "pending 1" in listed and "failed 1" in listed
    assert f"{first.id}\tDeliverableStatusChanged" in listed and "key=7" in listed
    assert "MessageSizeTooLargeError: 2 MB" in listed

    assert main(["outbox", "deliverables", "retry", str(first.id)]) == 0
    assert "1 row(s) queued again" in capsys.readouterr().out
    assert (outbox_stats(engine).pending, outbox_stats(engine).failed) == (2, 0)
    assert main(["outbox", "notifications", "list"]) == 2
    engine.dispose()
