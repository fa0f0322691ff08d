"""One leader per database: a PostgreSQL session-level advisory lock, checked before each use.

The lock lives as long as the database session that took it. If that session dies (the process
is killed, PostgreSQL restarts, an administrator terminates it), PostgreSQL frees the lock and
another replica takes it at its next try; the old leader notices at its next check (the session
no longer answers) and stops acting as leader. On SQLite there is one process: always leader.
"""

from __future__ import annotations

import structlog
from sqlalchemy import Connection, Engine, text

from shared.db import is_postgres

log = structlog.get_logger()


class AdvisoryLeadership:
    """Holds (or tries to take) ``pg_advisory_lock(key)`` on a connection of its own."""

    def __init__(self, engine: Engine, key: int, *, name: str) -> None:
        self._engine = engine
        self._key = key
        self._name = name
        self._connection: Connection | None = None

    def hold(self) -> bool:
        """True if this process leads now: the lock's session still answers, or was just taken."""
        if not is_postgres(self._engine):
            return True
        if self._connection is not None and self._still_alive(self._connection):
            return True
        return self._try_to_take()

    def release(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self._key})
            connection.commit()
            connection.close()
        except Exception as exc:  # the session is gone, and the lock with it
            log.debug("leadership_release_failed", name=self._name, error=str(exc))
            connection.invalidate()

    def _still_alive(self, connection: Connection) -> bool:
        try:
            connection.execute(text("SELECT 1"))
            connection.commit()
            return True
        except Exception as exc:
            log.warning("leadership_lost", name=self._name, error=str(exc))
            self._connection = None
            connection.invalidate()  # never hand a dead session back to the pool
            return False

    def _try_to_take(self) -> bool:
        try:
            connection = self._engine.connect()
        except Exception as exc:
            log.warning("leadership_unavailable", name=self._name, error=str(exc))
            return False
        try:
            got = connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": self._key})
            taken = bool(got.scalar())
            connection.commit()
        except Exception as exc:  # the database went away between connecting and asking
            log.warning("leadership_unavailable", name=self._name, error=str(exc))
            connection.invalidate()
            return False
        if not taken:
            connection.close()
            return False
        self._connection = connection
        log.info("leadership_taken", name=self._name, key=self._key)
        return True
