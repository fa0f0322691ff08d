"""HSDS JSON export and import: a directory survives the round trip without loss."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from services.directory.adapters.seed.load import seed_reference_data
from services.directory.app import create_app
from services.directory.settings import DirectorySettings
from services.directory.tests.conftest import COORDINATOR, FIFE_EDITOR
from services.directory.tests.hsds_schemas import assert_valid
from services.directory.wiring import MIGRATIONS
from shared.db import make_engine, upgrade_database
from tests.identity_signing import SignsTestIdentities

NESTED = ("phones", "schedules", "service_areas", "attributes", "contacts")


def _comparable(export: dict[str, Any]) -> list[dict[str, Any]]:
    """Services without history (the importing side records its own) or nested row ids."""
    services = []
    for service in export["services"]:
        kept = {k: v for k, v in service.items() if k not in ("metadata", "last_modified")}
        for key in NESTED:
            kept[key] = [{k: v for k, v in row.items() if k != "id"} for row in kept[key]]
        services.append(kept)
    return services


def test_export_validates_and_imports_into_an_empty_directory(
    client: TestClient, sqlite_database_url: str
) -> None:
    exported = client.get("/open/export").json()
    assert len(exported["services"]) == 8
    for service in exported["services"]:
        assert_valid(service, "compiled/service.json")
    target_url = sqlite_database_url.replace("service.db", "target.db")
    upgrade_database(target_url, MIGRATIONS)
    seed_reference_data(make_engine(target_url))
    target = DirectorySettings(
        database_url=target_url, seed_on_start=False, relay_enabled=False,
        review_check_interval_seconds=0,
    )  # fmt: skip
    with TestClient(create_app(target)) as other:
        other.auth = SignsTestIdentities("directory")
        summary = other.post("/import/hsds", json=exported, headers=COORDINATOR).json()
        assert summary == {"created": 8, "updated": 0, "unchanged": 0}
        again = other.get("/open/export").json()
        assert _comparable(again) == _comparable(exported)
        found = other.get("/services", params={"q": "bail", "court": "glasgow"}).json()
        assert found["total"] == 1


def test_reimport_updates_changed_entries_only(client: TestClient) -> None:
    exported = client.get("/open/export").json()
    assert client.post("/import/hsds", json=exported, headers=COORDINATOR).json() == {
        "created": 0, "updated": 0, "unchanged": 8,
    }  # fmt: skip
    exported["services"][0]["description"] = "Changed elsewhere."
    summary = client.post("/import/hsds", json=exported, headers=COORDINATOR).json()
    assert summary == {"created": 0, "updated": 1, "unchanged": 7}
    changed = client.get(f"/services/{exported['services'][0]['id']}").json()
    assert changed["description"] == "Changed elsewhere."


def test_import_is_all_or_nothing_and_for_coordinators(client: TestClient) -> None:
    exported = client.get("/open/export").json()
    assert client.post("/import/hsds", json=exported, headers=FIFE_EDITOR).status_code == 403
    exported["services"][0]["description"] = "Should not land."
    exported["services"][1]["service_areas"] = [{"id": "x", "name": "Atlantis"}]
    response = client.post("/import/hsds", json=exported, headers=COORDINATOR)
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "services[1].service_areas"
    first = client.get(f"/services/{exported['services'][0]['id']}").json()
    assert first["description"] != "Should not land."
