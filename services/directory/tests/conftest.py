"""Directory fixtures: a migrated, seeded app on each database, and signed callers."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from conftest import IdentityHeaders, fresh_postgres_database, postgres_admin_url
from services.directory.app import create_app
from services.directory.settings import DirectorySettings
from services.directory.tests.module_databases import (
    BACKENDS,
    module_database_url,
    skip_without_postgres,
)
from services.directory.wiring import prepare_database
from shared.identity import Role
from tests.identity_signing import SignsTestIdentities


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated, seeded SQLite file, copied for each test (migrating costs more than copying)."""
    path = tmp_path_factory.mktemp("directory-template") / "template.db"
    prepare_database(DirectorySettings(database_url=f"sqlite:///{path}"))
    return path


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """A migrated, seeded PostgreSQL database that test databases are created from."""
    with fresh_postgres_database(prefix="cjp_directory_template") as url:
        prepare_database(DirectorySettings(database_url=url))
        yield str(make_url(url).database)


@pytest.fixture
def prepared_database_url(database_url: str, request: pytest.FixtureRequest) -> str:
    """``database_url`` (SQLite or PostgreSQL), already migrated and seeded from a template."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        shutil.copyfile(request.getfixturevalue("sqlite_template"), str(url.database))
        return database_url
    template = request.getfixturevalue("postgres_template")
    admin = create_engine(make_url(postgres_admin_url()), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{url.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{url.database}" TEMPLATE "{template}"'))
    admin.dispose()
    return database_url


@pytest.fixture(scope="module", params=BACKENDS)
def reader(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    """A seeded directory shared by one module's read-only tests (nothing may write through it)."""
    postgres = request.param == "postgres"
    if postgres:
        skip_without_postgres()
    template = request.getfixturevalue("postgres_template") if postgres else None
    with module_database_url(request.param, tmp_path_factory, template=template) as url:
        if not postgres:
            shutil.copyfile(request.getfixturevalue("sqlite_template"), url.split(":///", 1)[1])
        settings = DirectorySettings(
            database_url=url, relay_enabled=False, review_check_interval_seconds=0
        )
        with TestClient(create_app(settings)) as test_client:
            test_client.auth = SignsTestIdentities("directory")
            yield test_client


@pytest.fixture
def directory_settings(prepared_database_url: str) -> DirectorySettings:
    return DirectorySettings(
        database_url=prepared_database_url, relay_enabled=False, review_check_interval_seconds=0
    )


@pytest.fixture
def client(directory_settings: DirectorySettings) -> Iterator[TestClient]:
    with TestClient(create_app(directory_settings)) as test_client:
        test_client.auth = SignsTestIdentities("directory")
        yield test_client


@pytest.fixture
def engine(client: TestClient) -> Engine:
    """The engine of the running app (the app has migrated and seeded it)."""
    found: Engine = client.app.state.engine  # type: ignore[attr-defined]
    return found


def identity_headers(
    role: Role, *, local_authority: str | None = None, subject: str = "tester@cjp.test"
) -> IdentityHeaders:
    """Headers that sign a fresh identity each time they are read (identities are short-lived)."""
    return IdentityHeaders(role, subject=subject, local_authority=local_authority)


COORDINATOR = identity_headers(Role.COORDINATOR, subject="coordinator@cjp.test")
FIFE_EDITOR = identity_headers(
    Role.DIRECTORY_EDITOR, local_authority="fife", subject="fife@cjp.test"
)
GLASGOW_EDITOR = identity_headers(
    Role.DIRECTORY_EDITOR, local_authority="glasgow-city", subject="glasgow@cjp.test"
)
JUDICIARY = identity_headers(Role.JUDICIARY, subject="sheriff@cjp.test")
