"""Each forwarded identity is accepted once: its ``jti`` is recorded until the token expires.

The primary key is the check: a second insert of the same id fails, so two replicas racing on
one captured header cannot both accept it. Expired rows are pruned now and then; a replayed
token that has expired is refused by its signature check anyway.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

import structlog
from sqlalchemy import Engine, delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, col

log = structlog.get_logger()
PRUNE_INTERVAL_SECONDS = 60.0


class ForwardedIdentitySeen(SQLModel, table=True):
    """A forwarded identity this service has accepted, kept until it would expire."""

    __tablename__ = "forwarded_identity_seen"

    token_id: str = Field(primary_key=True, max_length=64)
    expires_at: int = Field(index=True)  # Unix seconds: portable across SQLite and PostgreSQL


class SeenIdentities(Protocol):
    def first_sighting(self, token_id: str, expires_at: datetime) -> bool:
        """Record the id; False if it had been seen before (a replay)."""
        ...


class SeenInDatabase:
    """The service's own database keeps the ids (shared by every replica)."""

    def __init__(self, engine: Callable[[], Engine]) -> None:
        self._engine = engine
        self._last_prune = 0.0
        self._prune_lock = threading.Lock()

    def first_sighting(self, token_id: str, expires_at: datetime) -> bool:
        engine = self._engine()
        self._prune_now_and_then(engine)
        try:
            with Session(engine) as session:
                session.add(
                    ForwardedIdentitySeen(token_id=token_id, expires_at=int(expires_at.timestamp()))
                )
                session.commit()
        except IntegrityError:
            return False
        return True

    def _prune_now_and_then(self, engine: Engine) -> None:
        now = time.monotonic()
        if now - self._last_prune < PRUNE_INTERVAL_SECONDS or not self._prune_lock.acquire(False):
            return
        try:
            self._last_prune = now
            prune_expired(engine)
        finally:
            self._prune_lock.release()


def prune_expired(engine: Engine, *, now: float | None = None) -> int:
    """Delete the ids of tokens that have expired; the number deleted."""
    cutoff = int(now if now is not None else time.time()) - 60  # beyond any clock skew
    with Session(engine) as session:
        result = session.exec(
            delete(ForwardedIdentitySeen).where(col(ForwardedIdentitySeen.expires_at) < cutoff)
        )
        session.commit()
        deleted = int(result.rowcount or 0)
    if deleted:
        log.info("forwarded_identities_pruned", count=deleted)
    return deleted


class SeenInMemory:
    """For one-process test doubles of a service (the gateway's fakes)."""

    def __init__(self) -> None:
        self._seen: set[str] = set()
        self._lock = threading.Lock()

    def first_sighting(self, token_id: str, expires_at: datetime) -> bool:
        with self._lock:
            if token_id in self._seen:
                return False
            self._seen.add(token_id)
            return True
