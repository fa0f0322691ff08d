"""Databases shared by the tests of one module (SQLite and PostgreSQL), for read-only tests."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from conftest import REQUIRE_POSTGRES_ENV, postgres_admin_url, postgres_skip_reason

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def skip_without_postgres() -> None:
    """Skip (or, where CI requires PostgreSQL, fail) when it cannot be reached."""
    reason = postgres_skip_reason()
    if reason:
        if os.environ.get(REQUIRE_POSTGRES_ENV) == "1":
            pytest.fail(reason)
        pytest.skip(reason)


@contextmanager
def module_database_url(
    backend: str, tmp_path_factory: pytest.TempPathFactory, *, template: str | None = None
) -> Iterator[str]:
    """An empty database (or a copy of the PostgreSQL ``template``), dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('directory') / 'directory.db'}"
        return
    skip_without_postgres()
    admin_url = make_url(postgres_admin_url())
    name = f"cjp_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    copy = f' TEMPLATE "{template}"' if template else ""
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"{copy}'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
