"""Databases shared by the tests of one module (SQLite and PostgreSQL), for read-only tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from conftest import fresh_postgres_database, require_postgres

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def skip_without_postgres() -> None:
    """Skip (or, where CI requires PostgreSQL, fail) when it cannot be reached."""
    require_postgres()


@contextmanager
def module_database_url(
    backend: str, tmp_path_factory: pytest.TempPathFactory, *, template: str | None = None
) -> Iterator[str]:
    """An empty database (or a copy of the PostgreSQL ``template``), dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('directory') / 'directory.db'}"
        return
    with fresh_postgres_database(template=template) as url:
        yield url
