"""Fixtures for the deliverables service: a migrated, seeded app on SQLite or PostgreSQL."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from conftest import IdentityHeaders, fresh_postgres_database, seed_edition_text
from services.deliverables.adapters.seed.facts import seed_if_empty
from services.deliverables.app import create_app
from services.deliverables.settings import DeliverablesSettings
from services.deliverables.wiring import MIGRATIONS
from shared.db import make_engine, upgrade_database
from shared.identity import Role
from tests.identity_signing import SignsTestIdentities

COORDINATOR = IdentityHeaders(Role.COORDINATOR, subject="coordinator@cjp.test")
SG_EDITOR = IdentityHeaders(
    Role.PARTNER_EDITOR, organisation="scottish-government", subject="someone@cjp.test"
)
POLICE_EDITOR = IdentityHeaders(
    Role.PARTNER_EDITOR, organisation="police-scotland", subject="police@cjp.test"
)


def _prepare(url: str, *, seeded: bool) -> None:
    upgrade_database(url, MIGRATIONS)
    engine = make_engine(url)
    if seeded:
        seed_if_empty(engine)
    engine.dispose()


@pytest.fixture(scope="session")
def sqlite_templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Migrated databases, one empty and one seeded, that tests copy instead of rebuilding."""
    folder = tmp_path_factory.mktemp("templates")
    templates = {"empty": folder / "empty.db", "seeded": folder / "seeded.db"}
    for kind, path in templates.items():
        _prepare(f"sqlite:///{path}", seeded=kind == "seeded")
    return templates


@pytest.fixture(scope="session")
def postgres_templates() -> Iterator[dict[str, str]]:
    with postgres_database() as empty_url, postgres_database() as seeded_url:
        _prepare(empty_url, seeded=False)
        _prepare(seeded_url, seeded=True)
        yield {
            "empty": str(make_url(empty_url).database),
            "seeded": str(make_url(seeded_url).database),
        }


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _copy_of(kind: str, backend: str, request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh database copied from the template of ``kind`` on ``backend``."""
    if backend == "sqlite":
        target = request.getfixturevalue("tmp_path") / f"{kind}.db"
        shutil.copyfile(request.getfixturevalue("sqlite_templates")[kind], target)
        yield f"sqlite:///{target}"
        return
    template = request.getfixturevalue("postgres_templates")[kind]
    with fresh_postgres_database(template=template) as url:
        yield url


@pytest.fixture
def seeded_url(backend: str, request: pytest.FixtureRequest) -> Iterator[str]:
    yield from _copy_of("seeded", backend, request)


@pytest.fixture
def empty_url(backend: str, request: pytest.FixtureRequest) -> Iterator[str]:
    yield from _copy_of("empty", backend, request)


@pytest.fixture
def service_settings(seeded_url: str) -> DeliverablesSettings:
    return DeliverablesSettings(database_url=seeded_url, relay_enabled=False, seed_on_start=True)


@pytest.fixture
def client(service_settings: DeliverablesSettings) -> Iterator[TestClient]:
    with TestClient(create_app(service_settings)) as test_client:
        test_client.auth = SignsTestIdentities("deliverables")
        yield test_client


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def reader(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    """One seeded service per module and database, for tests that only read."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('read') / 'deliverables.db'}"
        yield from _serve(url)
        return
    with postgres_database() as url:
        yield from _serve(url)


def _serve(url: str) -> Iterator[TestClient]:
    settings = DeliverablesSettings(database_url=url, relay_enabled=False, seed_on_start=True)
    with TestClient(create_app(settings)) as test_client:
        test_client.auth = SignsTestIdentities("deliverables")
        yield test_client


def postgres_database() -> AbstractContextManager[str]:
    """A fresh PostgreSQL database outside the function-scoped root fixture."""
    return fresh_postgres_database()


@pytest.fixture
def engine(client: TestClient) -> Engine:
    app_engine: Engine = client.app.state.engine  # type: ignore[attr-defined]
    return app_engine


@pytest.fixture
def seed_document() -> str:
    """The published text of update 2 (skips, naming the file, without the team library)."""
    return seed_edition_text()


@pytest.fixture
def empty_engine(empty_url: str) -> Iterator[Engine]:
    """A migrated database with no plan in it."""
    engine = make_engine(empty_url)
    yield engine
    engine.dispose()
