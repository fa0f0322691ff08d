"""One unit of work: a transaction, the events staged in it, the outbox and the relay's wake-up.

A use case owns it: ``with uow:`` opens the transaction, ``uow.publish(...)`` stages an event,
and a clean exit writes the staged events to the outbox in that same transaction, commits, and
then wakes this process's outbox relay. Any error rolls everything back, events included.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Protocol, Self

import structlog
from sqlalchemy import Engine
from sqlmodel import Session

from shared.events import EventEnvelope
from shared.outbox import add_all_to_outbox, wake_relays_of

log = structlog.get_logger()


@dataclass(frozen=True)
class StagedEvent:
    """An event and the topic it goes to, waiting for its unit of work to commit."""

    envelope: EventEnvelope
    topic: str


class RecordsEvents(Protocol):
    """An aggregate that records the events it raised until a unit of work collects them."""

    def pop_events(self) -> list[StagedEvent]: ...


class UnitOfWork:
    """A transaction on ``engine`` that publishes the events staged in it only if it commits.

    Use it once or several times in sequence (``with uow: ...``); each use is one transaction.
    On SQLite the transaction starts with ``BEGIN IMMEDIATE`` (see ``shared.db.transaction``);
    on PostgreSQL use cases lock what they read and then change (``SELECT ... FOR UPDATE``).
    """

    def __init__(self, engine: Engine | None) -> None:
        self.engine = engine
        self._session: Session | None = None
        self._staged: list[StagedEvent] = []
        self.committed_events: list[StagedEvent] = []

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("Open the unit of work first: `with uow:`")
        return self._session

    def publish(self, envelope: EventEnvelope, *, topic: str) -> None:
        """Stage an event: it reaches the outbox only if this unit of work commits."""
        self.session  # noqa: B018 - staging outside an open unit of work is a bug
        self._staged.append(StagedEvent(envelope, topic))

    def collect(self, *aggregates: RecordsEvents) -> None:
        """Stage every event the given aggregates recorded."""
        for aggregate in aggregates:
            for staged in aggregate.pop_events():
                self.publish(staged.envelope, topic=staged.topic)

    def __enter__(self) -> Self:
        if self._session is not None:
            raise RuntimeError("This unit of work is already open; units of work do not nest.")
        self._staged = []
        self._session = self._open_session()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        session, self._session = self.session, None
        staged, self._staged = self._staged, []
        try:
            if exc_type is None:
                self._commit(session, staged)
                self.committed_events = staged
            else:
                session.rollback()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
        if exc_type is None and staged:
            self._after_commit()

    def _open_session(self) -> Session:
        if self.engine is None:
            raise RuntimeError("A UnitOfWork needs an engine.")
        session = Session(self.engine, expire_on_commit=False)
        if self.engine.dialect.name == "sqlite":
            session.connection().exec_driver_sql("BEGIN IMMEDIATE")
        return session

    def _commit(self, session: Session, staged: list[StagedEvent]) -> None:
        add_all_to_outbox(session, [(event.envelope, event.topic) for event in staged])
        session.commit()

    def _after_commit(self) -> None:
        if self.engine is not None:
            wake_relays_of(self.engine)


class FakeUnitOfWork(UnitOfWork):
    """For fast unit tests: records commits, rollbacks and committed events in memory.

    It writes no outbox and wakes no relay. Give it a ``session_factory`` (an in-memory SQLite
    session, say) when the use case under test also reads or writes rows.
    """

    def __init__(self, session_factory: Callable[[], Session] | None = None) -> None:
        super().__init__(None)
        self._factory = session_factory
        self.commits = 0
        self.rollbacks = 0
        self.published: list[StagedEvent] = []

    def _open_session(self) -> Session:
        return self._factory() if self._factory is not None else _NoSession()

    def _commit(self, session: Session, staged: list[StagedEvent]) -> None:
        session.commit()
        self.commits += 1
        self.published.extend(staged)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if exc_type is not None:
            self.rollbacks += 1
        super().__exit__(exc_type, exc, traceback)

    def event_types(self) -> list[str]:
        """The types of the committed events, in order."""
        return [staged.envelope.event_type for staged in self.published]


class _NoSession(Session):
    """A session for use cases that touch no table; it commits and rolls back nothing."""

    def __init__(self) -> None:
        super().__init__()
