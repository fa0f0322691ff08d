"""Directory fixtures: a migrated, seeded app on each database, and signed callers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from services.directory.app import create_app
from services.directory.settings import DirectorySettings
from shared.db import make_engine
from shared.identity import IDENTITY_HEADER, Identity, Role, sign_identity
from shared.settings import get_common_settings


@pytest.fixture
def directory_settings(database_url: str) -> DirectorySettings:
    return DirectorySettings(
        database_url=database_url, run_outbox_relay=False, review_check_interval_seconds=0
    )


@pytest.fixture
def client(directory_settings: DirectorySettings) -> Iterator[TestClient]:
    with TestClient(create_app(directory_settings)) as test_client:
        yield test_client


@pytest.fixture
def engine(client: TestClient) -> Engine:
    """The engine of the running app (the app has migrated and seeded it)."""
    found: Engine = client.app.state.engine  # type: ignore[attr-defined]
    return found


@pytest.fixture
def fresh_engine(database_url: str) -> Iterator[Engine]:
    made = make_engine(database_url)
    yield made
    made.dispose()


def identity_headers(
    role: Role, *, local_authority: str | None = None, subject: str = "tester@cjp.test"
) -> dict[str, str]:
    identity = Identity(
        subject=subject, name="Test Person", role=role, local_authority=local_authority
    )
    token = sign_identity(identity, secret=get_common_settings().identity_secret)
    return {IDENTITY_HEADER: token}


COORDINATOR = identity_headers(Role.COORDINATOR, subject="coordinator@cjp.test")
FIFE_EDITOR = identity_headers(
    Role.DIRECTORY_EDITOR, local_authority="fife", subject="fife@cjp.test"
)
GLASGOW_EDITOR = identity_headers(
    Role.DIRECTORY_EDITOR, local_authority="glasgow-city", subject="glasgow@cjp.test"
)
JUDICIARY = identity_headers(Role.JUDICIARY, subject="sheriff@cjp.test")
