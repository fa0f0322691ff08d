"""One way for a service to keep a read model in step with its ORM writes.

A service that stores assembled views (one row per aggregate) rebuilds them in the same
transaction as each write. A :class:`ReadModelKeeper` does the bookkeeping: on every flush it asks
the service which *marks* each new, changed or deleted row makes (a deliverable's number, a
renamed organisation, "something the cache holds changed" …), gathers them in the session, and just
before the commit hands the whole set to the service's ``rebuild``. A rollback or a commit forgets
them. The service decides what a mark means; the keeper decides when.

The hooks are listened on SQLAlchemy's ``Session`` class, so every session in the process passes
through every installed keeper: a keeper ignores rows it gives no marks to, and a database built
without the read model's table (some unit tests create tables straight from the models) is left
alone.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable, Iterable
from typing import Any

from sqlalchemy import Engine, TextClause, event
from sqlalchemy import inspect as inspect_database
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session

MarksOf = Callable[[OrmSession, Any], Iterable[Hashable]]
Rebuild = Callable[[OrmSession, set[Hashable]], None]


class ReadModelKeeper:
    """Notes what each flush touches and rebuilds it before commit, for one read-model table."""

    def __init__(
        self,
        *,
        table: str,
        marks_of: MarksOf,
        rebuild: Rebuild,
        also_forget: tuple[str, ...] = (),
    ) -> None:
        self.table = table
        self._marks_of = marks_of
        self._rebuild = rebuild
        self._key = f"read_model_marks:{table}"
        self._also_forget = also_forget
        self._engines_with_table: weakref.WeakSet[Engine] = weakref.WeakSet()

    def install(self) -> None:
        """Listen on every ORM session (idempotent)."""
        if event.contains(OrmSession, "before_flush", self._note):
            return
        event.listen(OrmSession, "before_flush", self._note)
        event.listen(OrmSession, "before_commit", self._rebuild_marked)
        event.listen(OrmSession, "after_rollback", self._forget)
        event.listen(OrmSession, "after_commit", self._forget)

    def discard(self, session: OrmSession, marks: Iterable[Hashable]) -> None:
        """Drop marks already dealt with in this transaction (views stored before commit)."""
        noted: set[Hashable] | None = session.info.get(self._key)
        if noted:
            noted.difference_update(marks)

    def _note(self, session: OrmSession, _context: Any, _instances: Any) -> None:
        marks: set[Hashable] | None = session.info.get(self._key)
        for row in (*session.new, *session.dirty, *session.deleted):
            for mark in self._marks_of(session, row):
                if marks is None:
                    marks = session.info.setdefault(self._key, set())
                marks.add(mark)

    def _rebuild_marked(self, session: OrmSession) -> None:
        if session.new or session.dirty or session.deleted:
            session.flush()  # before_commit comes before the commit's own flush: note its rows
        marks: set[Hashable] = session.info.pop(self._key, set())
        if marks and self._has_table(session):
            self._rebuild(session, marks)
        self._forget(session)

    def _has_table(self, session: OrmSession) -> bool:
        bind = session.get_bind()
        engine = bind if isinstance(bind, Engine) else bind.engine
        if engine not in self._engines_with_table:
            # Ask on the transaction's own connection: checking out another could be handed this
            # very connection (a single-connection pool) and roll the write back on its return.
            if not inspect_database(session.connection()).has_table(self.table):
                return False
            self._engines_with_table.add(engine)
        return True

    def _forget(self, session: OrmSession, *_args: Any) -> None:
        session.info.pop(self._key, None)
        for name in self._also_forget:
            session.info.pop(name, None)


def fill_in_missing(
    engine: Engine,
    missing: TextClause,
    store: Callable[[Session, list[Any]], None],
    batch: int = 500,
) -> int:
    """After an upgrade: ``store`` the views of the keys ``missing`` selects (those without a
    stored view), ``batch`` keys per transaction; how many there were."""
    with Session(engine) as session:
        keys = [row[0] for row in session.execute(missing)]
    for first in range(0, len(keys), batch):
        with Session(engine) as session, session.begin():
            store(session, keys[first : first + batch])
    return len(keys)
