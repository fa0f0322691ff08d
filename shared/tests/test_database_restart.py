"""PostgreSQL restarted or crashed under a running service: it recovers without a restart.

On a private cluster (``tests.private_postgres``), never the machine's shared one.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text

from shared.db import database_answers, make_engine
from shared.db_errors import is_database_unavailable
from shared.health import database_check, engine_in_state, install_health
from shared.http import install_http_basics
from shared.leadership import AdvisoryLeadership
from tests.private_postgres import PrivatePostgres


@pytest.fixture
def engine(private_postgres_cluster: PrivatePostgres) -> Iterator[Engine]:
    url = private_postgres_cluster.create_database(f"restart_{uuid.uuid4().hex[:8]}")
    engine = make_engine(url)
    yield engine
    engine.dispose()


def _app(engine: Engine) -> FastAPI:
    app = FastAPI()
    app.state.engine = engine
    install_http_basics(app)
    install_health(app, {"database": database_check(engine_in_state)})

    @app.get("/answer")
    def answer(request: Request) -> dict[str, int]:
        with request.app.state.engine.connect() as connection:
            return {"answer": int(connection.execute(text("SELECT 42")).scalar_one())}

    return app


@pytest.mark.postgres
@pytest.mark.parametrize("mode", ["fast", "immediate"])
def test_requests_while_postgres_is_down_get_503_and_succeed_again_once_it_is_back(
    private_postgres_cluster: PrivatePostgres, engine: Engine, mode: str
) -> None:
    cluster = private_postgres_cluster
    with TestClient(_app(engine), raise_server_exceptions=False) as client:
        assert client.get("/answer").json() == {"answer": 42}  # a pooled connection now
        cluster.stop(mode)  # type: ignore[arg-type]
        try:
            away = client.get("/answer")
            ready = client.get("/health/ready")
        finally:
            cluster.start()
        assert away.status_code == 503, away.text
        assert away.headers["Retry-After"] == "1"
        assert away.json()["error"]["code"] == "UNAVAILABLE"
        assert ready.status_code == 503
        # The pooled connection died with the server: pre-ping replaces it, no 500 after.
        assert client.get("/answer").json() == {"answer": 42}
        assert client.get("/health/ready").status_code == 200


@pytest.mark.postgres
def test_a_dead_connection_is_told_apart_from_a_statement_the_database_refuses(
    private_postgres_cluster: PrivatePostgres, engine: Engine
) -> None:
    with engine.connect() as connection:
        private_postgres_cluster.restart("immediate")
        with pytest.raises(Exception) as dropped:
            connection.execute(text("SELECT 1"))
    assert is_database_unavailable(dropped.value)
    with engine.connect() as connection, pytest.raises(Exception) as refused:
        connection.execute(text("SELECT * FROM no_such_table"))
    assert not is_database_unavailable(refused.value)
    assert database_answers(engine)


@pytest.mark.postgres
def test_relay_leadership_dies_with_its_session_and_exactly_one_replica_takes_it_again(
    private_postgres_cluster: PrivatePostgres, engine: Engine
) -> None:
    other = make_engine(str(engine.url.render_as_string(hide_password=False)))
    first = AdvisoryLeadership(engine, 99_001, name="relay")
    second = AdvisoryLeadership(other, 99_001, name="relay")
    try:
        assert first.hold() and not second.hold()
        private_postgres_cluster.stop("immediate")
        assert not first.hold() and not second.hold()  # nobody leads while it is down
        private_postgres_cluster.start()
        # The old session and its lock are gone; whoever asks first leads, the other does not.
        assert second.hold()
        assert not first.hold()
        assert second.hold()
        with engine.connect() as connection:
            held = connection.execute(
                text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = :k"),
                {"k": 99_001},
            ).scalar_one()
        assert held == 1
    finally:
        first.release()
        second.release()
        other.dispose()


def test_on_sqlite_only_a_busy_file_counts_as_the_database_being_away(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'busy.db'}", connect_args={"timeout": 0})
    with engine.connect() as connection, pytest.raises(Exception) as missing:
        connection.execute(text("SELECT * FROM no_such_table"))
    assert not is_database_unavailable(missing.value)  # a bug: a 500, never waited for
    with engine.begin() as holder:
        holder.execute(text("CREATE TABLE t (x INTEGER)"))
    locker = engine.connect()
    locker.exec_driver_sql("BEGIN IMMEDIATE")
    try:
        with engine.connect() as connection, pytest.raises(Exception) as busy:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
    finally:
        locker.rollback()
        locker.close()
    assert is_database_unavailable(busy.value)
    engine.dispose()
