"""In production the internal services publish no API description; the open API keeps its own."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from services.deliverables.app import create_app as deliverables_app
from services.deliverables.settings import DeliverablesSettings
from services.directory.app import create_app as directory_app
from services.directory.settings import DirectorySettings
from services.notifications.app import create_app as notifications_app
from services.notifications.settings import NotificationsSettings
from shared.identity import generate_identity_keys
from shared.settings import CommonSettings

DESCRIPTIONS = ("/docs", "/redoc", "/openapi.json")


def common(environment: str) -> CommonSettings:
    return CommonSettings(environment=environment, identity_public_key=generate_identity_keys()[1])


def apps(environment: str, folder: Path) -> dict[str, FastAPI]:
    settings = common(environment)
    return {
        "deliverables": deliverables_app(
            DeliverablesSettings(database_url=f"sqlite:///{folder}/d.db", relay_enabled=False),
            settings,
        ),
        "directory": directory_app(
            DirectorySettings(database_url=f"sqlite:///{folder}/s.db", relay_enabled=False),
            settings,
        ),
        "notifications": notifications_app(
            NotificationsSettings(database_url=f"sqlite:///{folder}/n.db"), settings
        ),
    }


@pytest.mark.parametrize("service", ["deliverables", "directory", "notifications"])
def test_production_serves_no_docs_redoc_or_openapi(service: str, tmp_path: Path) -> None:
    production = TestClient(apps("production", tmp_path)[service])  # routes only, no lifespan
    development = TestClient(apps("development", tmp_path / "dev")[service])
    for path in DESCRIPTIONS:
        assert production.get(path).status_code == 404, path
    assert development.get("/openapi.json").status_code == 200


def test_the_open_api_keeps_its_own_description_in_production(tmp_path: Path) -> None:
    client = TestClient(apps("production", tmp_path)["directory"])
    response = client.get("/open/openapi.json")
    assert response.status_code == 200
    document = response.json()
    paths = set(document["paths"])  # relative to its server, .../open
    assert "/services" in paths
    assert document["servers"][0]["url"].endswith("/open")
    assert not paths & {"/import/hsds", "/reviews/queue", "/operator/outbox"}  # internal routes
