"""Database engines and Alembic migrations for a service's own database."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.pool import NullPool
from sqlmodel import Session


def make_engine(
    url: str, *, postgres_settings: Mapping[str, str] | None = None, **kwargs: Any
) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys and a busy timeout for shared use.

    ``hide_parameters``: a failed statement's error (and so its log line) never shows the values
    it carried, which may be people's email addresses or tokens. ``postgres_settings``: server
    settings for every PostgreSQL session of this engine (``-c name=value`` at connect).
    """
    if url.startswith("sqlite"):
        _ensure_sqlite_folder(url)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            hide_parameters=True,
            **kwargs,
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    if postgres_settings:
        options = " ".join(f"-c {name}={value}" for name, value in postgres_settings.items())
        kwargs["connect_args"] = {**kwargs.get("connect_args", {}), "options": options}
    return create_engine(url, pool_pre_ping=True, hide_parameters=True, **kwargs)


def database_answers(engine: Engine) -> bool:
    """Whether the database answers ``SELECT 1`` now (a restarting one does not)."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:
        return False
    return True


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def _ensure_sqlite_folder(url: str) -> None:
    path = url.split(":///", 1)[-1]
    if path and path != ":memory:" and not path.startswith(":"):
        Path(path).parent.mkdir(parents=True, exist_ok=True)


# Advisory locks are per database, so one key serves every service's own database.
MIGRATION_LOCK_KEY = 7_403_001


def upgrade_database(url: str, migrations_dir: Path) -> None:
    """Bring a service database to the newest Alembic revision, once however many start at once.

    On PostgreSQL replicas that start together queue on an advisory lock: the first migrates,
    the others then find the database at the newest revision and do nothing.
    """
    if url.startswith("sqlite"):
        _ensure_sqlite_folder(url)
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    with _migration_lock(url):
        command.upgrade(config, "head")


@contextmanager
def _migration_lock(url: str) -> Iterator[None]:
    if not url.startswith("postgresql"):
        yield
        return
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
            connection.commit()
            try:
                yield
            finally:
                unlock = text("SELECT pg_advisory_unlock(:key)")
                connection.execute(unlock, {"key": MIGRATION_LOCK_KEY})
                connection.commit()
    finally:
        engine.dispose()


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error.

    On SQLite it starts with ``BEGIN IMMEDIATE``: pysqlite would otherwise begin only at the
    first write, so reads before it see no snapshot and two concurrent changes could start from
    the same old value (a lost update). PostgreSQL use cases lock what they read and then change
    with ``SELECT ... FOR UPDATE``.
    """
    with Session(engine, expire_on_commit=False) as session:
        try:
            if engine.dialect.name == "sqlite":
                session.connection().exec_driver_sql("BEGIN IMMEDIATE")
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
