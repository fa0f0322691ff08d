"""Fixtures for the deliverables service: a migrated, seeded app on SQLite or PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from services.deliverables.app import create_app
from services.deliverables.settings import DeliverablesSettings
from shared.identity import IDENTITY_HEADER, Identity, Role, sign_identity
from shared.settings import get_common_settings


def identity_headers(
    role: Role, *, organisation: str | None = None, subject: str = "someone@cjp.test"
) -> dict[str, str]:
    identity = Identity(subject=subject, name="Test Person", role=role, organisation=organisation)
    return {IDENTITY_HEADER: sign_identity(identity, secret=get_common_settings().identity_secret)}


COORDINATOR = identity_headers(Role.COORDINATOR, subject="coordinator@cjp.test")
SG_EDITOR = identity_headers(Role.PARTNER_EDITOR, organisation="scottish-government")
POLICE_EDITOR = identity_headers(Role.PARTNER_EDITOR, organisation="police-scotland")


@pytest.fixture
def service_settings(database_url: str) -> DeliverablesSettings:
    return DeliverablesSettings(database_url=database_url, relay_enabled=False, seed_on_start=True)


@pytest.fixture
def client(service_settings: DeliverablesSettings) -> Iterator[TestClient]:
    with TestClient(create_app(service_settings)) as test_client:
        yield test_client


@pytest.fixture
def engine(client: TestClient) -> Engine:
    app_engine: Engine = client.app.state.engine  # type: ignore[attr-defined]
    return app_engine
