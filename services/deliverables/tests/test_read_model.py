"""The read model keeps every deliverable's view in step with every write, in the write's own
transaction, and the kept answers of every process end with the write."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlmodel import Session, col, select

from services.deliverables.adapters.importer.loader import import_edition
from services.deliverables.adapters.queries import present
from services.deliverables.adapters.read_model import rebuild_missing_views
from services.deliverables.adapters.tables import Aim, Deliverable, Organisation
from services.deliverables.app import create_app
from services.deliverables.domain.transitions import Author
from services.deliverables.events import EventContext
from services.deliverables.settings import DeliverablesSettings
from services.deliverables.tests.conftest import COORDINATOR, SG_EDITOR
from services.deliverables.tests.test_same_change_either_way import AFTER, BEFORE
from tests.identity_signing import SignsTestIdentities

EVERYTHING = {"limit": "500"}
UPDATE_40 = {
    "status": "in_progress_revised",
    "narrative": "Relaunched with every area's entries reviewed.",
    "new_timescale": "March 2025",
    "reason": "Judicial engagement took longer than planned.",
}


def _assembled(engine: Engine) -> list[dict[str, Any]]:
    """Every deliverable assembled afresh from its rows (the slow way), in number order."""
    with Session(engine) as session:
        rows = session.exec(select(Deliverable).order_by(col(Deliverable.number))).all()
        return [view.model_dump(mode="json") for view in present(session, list(rows))]


def _stored(engine: Engine) -> int:
    with Session(engine) as session:
        return int(session.execute(text("SELECT count(*) FROM deliverable_view")).scalar_one())


def test_every_write_path_leaves_the_list_equal_to_the_views_assembled_afresh(
    client: TestClient, engine: Engine
) -> None:
    assert client.get("/deliverables", params=EVERYTHING).json()["items"] == _assembled(engine)
    client.post("/deliverables/40/status", json={"status": "complete"}, headers=SG_EDITOR)
    client.post("/rounds", json={"name": "Update 3"}, headers=COORDINATOR)
    client.put("/rounds/3/deliverables/41", json=UPDATE_40, headers=COORDINATOR)
    revision = {"timescale": "June 2026", "reason": "Waiting on funding."}
    client.post("/deliverables/42/timescale", json=revision, headers=COORDINATOR)
    with Session(engine) as session:  # a write outside any use case, straight through the ORM
        organisation = session.get(Organisation, "police-scotland")
        assert organisation is not None
        organisation.name = "Police Service of Scotland"
        session.add(organisation)
        session.commit()
    listed = client.get("/deliverables", params=EVERYTHING).json()
    assert listed["items"] == _assembled(engine)
    assert listed["total"] == len(listed["items"]) == _stored(engine)
    changed = {item["number"]: item for item in listed["items"]}
    assert changed[40]["status"] == "complete"
    assert changed[41]["latest_update"] == UPDATE_40["narrative"]
    assert changed[41]["timescale"] == "March 2025"
    assert changed[42]["timescale"] == "June 2026"
    partners = [p["name"] for item in listed["items"] for p in item["lead_partners"]]
    assert "Police Service of Scotland" in partners and "Police Scotland" not in partners
    assert client.get("/deliverables/41").json() == changed[41]


def test_a_write_in_another_process_ends_every_kept_answer(
    client: TestClient, service_settings: DeliverablesSettings
) -> None:
    first = client.get("/deliverables", params={"status": "complete"}).json()
    counts = client.get("/status-counts").json()
    assert client.get("/deliverables", params={"status": "complete"}).json() == first  # kept
    with TestClient(create_app(service_settings)) as other:  # a second worker, same database
        other.auth = SignsTestIdentities("deliverables")
        done = {"status": "complete"}
        answer = other.post("/deliverables/40/status", json=done, headers=SG_EDITOR)
        assert answer.status_code == 200, answer.text
    again = client.get("/deliverables", params={"status": "complete"}).json()
    assert again["total"] == first["total"] + 1
    assert 40 in [item["number"] for item in again["items"]]
    aim_of_40 = next(item["aim"] for item in again["items"] if item["number"] == 40)
    counted = {row["aim"]: row["complete"] for row in client.get("/status-counts").json()}
    before = {row["aim"]: row["complete"] for row in counts}
    assert counted[aim_of_40] == before[aim_of_40] + 1


def test_a_renamed_aim_ends_the_kept_status_counts(client: TestClient, engine: Engine) -> None:
    client.get("/status-counts")
    with Session(engine) as session:
        aim = session.get(Aim, 1)
        assert aim is not None
        aim.title = "Renamed aim"
        session.add(aim)
        session.commit()
    titles = {row["aim"]: row["title"] for row in client.get("/status-counts").json()}
    assert titles[1] == "Renamed aim"


def test_views_missing_after_an_upgrade_are_served_the_slow_way_then_filled_in(
    client: TestClient, engine: Engine
) -> None:
    expected = _assembled(engine)
    with Session(engine) as session:
        session.execute(text("DELETE FROM deliverable_view WHERE number IN (40, 41)"))
        session.commit()
    assert client.get("/deliverables", params=EVERYTHING).json()["items"] == expected
    assert client.get("/deliverables/40").json() == next(i for i in expected if i["number"] == 40)
    assert rebuild_missing_views(engine) == 2
    assert rebuild_missing_views(engine) == 0
    assert _stored(engine) == len(expected)


def test_the_importer_keeps_the_views_in_step(empty_engine: Engine) -> None:
    author = Author("coordinator@cjp.test", "Test Person")
    import_edition(empty_engine, BEFORE, context=EventContext(), author=author)
    import_edition(empty_engine, AFTER, context=EventContext(), author=author)
    with Session(empty_engine) as session:
        stored = session.execute(text("SELECT view FROM deliverable_view")).scalars().all()
    assert len(stored) == 1 and "March 2026" in stored[0]
    assert _stored(empty_engine) == len(_assembled(empty_engine)) == 1


def test_a_page_past_the_end_still_counts_what_matches(client: TestClient) -> None:
    everything = client.get("/deliverables", params=EVERYTHING).json()
    past = client.get("/deliverables", params={"offset": "1000"}).json()
    assert past == {"items": [], "total": everything["total"]}
    none = client.get("/deliverables", params={"q": "zzzzqqq-no-such-word"}).json()
    assert none == {"items": [], "total": 0}
