"""The read model: each deliverable's finished view (JSON), one row each, rebuilt with every write.

Assembling a deliverable's view (its partners with their roles and names, status label,
timescale and revisions, latest update) from ORM rows cost most of a dashboard request. Instead
the view is assembled once per write and stored in ``deliverable_view``, in the same transaction
as the write, so a page of the list is one query and nothing is validated again on the way out.

Every write reaches the rebuild: the use cases and the importer write through a unit of work
(``shared.unit_of_work``), the seed through its own session, and all of them commit an ORM
session. A session hook notes the deliverables whose rows a transaction changes (a deliverable,
its partners, its round reports, a renamed organisation) and rebuilds their views just before it
commits, raising ``read_model_version`` with them so every process's page cache
(``shared.page_cache``) drops its kept answers. ``overdue`` depends on today, so it is worked out
on reading from the row's status and due date (``domain.overdue``).
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable
from datetime import date
from typing import Any

import orjson
from sqlalchemy import (
    ColumnElement,
    Engine,
    Integer,
    Select,
    String,
    bindparam,
    column,
    func,
    table,
    text,
)
from sqlalchemy import select as sa_select
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, col, select

from services.deliverables.adapters.queries import present
from services.deliverables.adapters.tables import (
    Aim,
    Deliverable,
    DeliverablePartner,
    Organisation,
    PriorityAction,
    RoundReport,
)
from services.deliverables.domain.overdue import is_overdue
from shared.errors import NotFound
from shared.page_cache import raise_version
from shared.read_model_hook import ReadModelKeeper, fill_in_missing

DELIVERABLE_VIEW = table("deliverable_view", column("number", Integer), column("view", String))
_UPSERT_VIEW = text(
    "INSERT INTO deliverable_view (number, view) VALUES (:number, :view) "
    "ON CONFLICT (number) DO UPDATE SET view = excluded.view"
)
_DELETE_VIEWS = text("DELETE FROM deliverable_view WHERE number IN :numbers").bindparams(
    bindparam("numbers", expanding=True)
)
_MISSING = text(
    "SELECT d.number FROM deliverable AS d LEFT JOIN deliverable_view AS v "
    "ON v.number = d.number WHERE v.number IS NULL"
)
# Rows whose change alters a deliverable's view, and the attribute naming the deliverable.
_NUMBER_OF: dict[type, str] = {
    Deliverable: "number",
    DeliverablePartner: "deliverable_number",
    RoundReport: "deliverable_number",
}
# Rows that no view holds but a kept answer does (the status counts name each aim).
_KEPT_ONLY = (Aim, PriorityAction)
# The marks a changed row leaves (shared.read_model_hook): what to rebuild before commit.
_DELIVERABLE = "deliverable"
_ORGANISATION = "renamed_organisation"
_KEPT_ANSWERS = "kept_answers_only"


def store_views(session: Session, numbers: Collection[int]) -> None:
    """Assemble and store the views of ``numbers`` (same transaction as the write that changed
    them); a deliverable that no longer exists loses its view."""
    if not numbers:
        return
    raise_version(session)
    found = session.exec(select(Deliverable).where(col(Deliverable.number).in_(list(numbers))))
    views = present(session, list(found))
    if views:
        session.execute(
            _UPSERT_VIEW,
            [{"number": v.number, "view": v.model_dump_json(exclude={"overdue"})} for v in views],
        )
    gone = set(numbers) - {v.number for v in views}
    if gone:
        session.execute(_DELETE_VIEWS, {"numbers": sorted(gone)})


def page_of_views(
    session: Session, conditions: list[ColumnElement[bool]], *, limit: int, offset: int
) -> bytes:
    """One page of the list as JSON (``{"items": [...], "total": n}``), in number order.

    One query reads the page's stored views and how many match in all; only a page past the end
    needs a second one to count.
    """
    statement = (
        _with_views()
        .add_columns(func.count().over())
        .where(*conditions)
        .order_by(col(Deliverable.number))
        .limit(limit)
        .offset(offset)
    )
    rows = session.execute(statement).all()
    if rows:
        total = int(rows[0][4])
    else:
        counted = sa_select(func.count()).select_from(Deliverable).where(*conditions)
        total = int(session.execute(counted).scalar_one()) if offset else 0
    items = _finished(session, [(n, view, status, due) for n, view, status, due, _ in rows])
    return orjson.dumps({"items": items, "total": total})


def view_of(session: Session, number: int) -> bytes:
    """One deliverable's view as JSON; NotFound when there is no such deliverable."""
    row = session.execute(_with_views().where(col(Deliverable.number) == number)).first()
    if row is None:
        raise NotFound(f"There is no deliverable {number}.", field="number")
    return orjson.dumps(_finished(session, [tuple(row)])[0])


def _with_views() -> Select[tuple[int, str | None, str, date | None]]:
    """Each deliverable's number, stored view (None before it is filled in), status, due date."""
    number = col(Deliverable.number)
    return (
        sa_select(number, DELIVERABLE_VIEW.c.view, col(Deliverable.status),
                  col(Deliverable.due_date))
        .select_from(Deliverable)
        .join(DELIVERABLE_VIEW, DELIVERABLE_VIEW.c.number == number, isouter=True)
    )  # fmt: skip


def _finished(session: Session, rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """The stored views with ``overdue`` as of today; a deliverable whose view is not stored yet
    (written before the read model existed, not yet filled in) is assembled the slow way."""
    missing = [number for number, view, _, _ in rows if view is None]
    built: dict[int, str] = {}
    if missing:
        found = session.exec(select(Deliverable).where(col(Deliverable.number).in_(missing)))
        built = {v.number: v.model_dump_json() for v in present(session, list(found))}
    items = []
    for number, view, status, due_date in rows:
        item = orjson.loads(view if view is not None else built[number])
        item["overdue"] = is_overdue(status, due_date)
        items.append(item)
    return items


def rebuild_missing_views(engine: Engine, batch: int = 500) -> int:
    """Fill in the views of deliverables that have none (after upgrading); how many were."""
    return fill_in_missing(engine, _MISSING, store_views, batch)


def _marks_of(session: OrmSession, row: Any) -> Iterable[Hashable]:
    """What a changed row means for the views: a deliverable, a renamed organisation, or a count."""
    attribute = _NUMBER_OF.get(type(row))
    if attribute is not None and getattr(row, attribute, None) is not None:
        return ((_DELIVERABLE, int(getattr(row, attribute))),)
    if isinstance(row, Organisation) and row not in session.new:
        if session.is_modified(row) or row in session.deleted:
            return ((_ORGANISATION, row.slug),)
    elif isinstance(row, _KEPT_ONLY):
        return ((_KEPT_ANSWERS,),)
    return ()


def _rebuild(session: OrmSession, marks: set[Hashable]) -> None:
    touched = {m[1] for m in marks if isinstance(m, tuple) and m[0] == _DELIVERABLE}
    renamed = {m[1] for m in marks if isinstance(m, tuple) and m[0] == _ORGANISATION}
    if renamed:
        partnered = sa_select(col(DeliverablePartner.deliverable_number)).where(
            col(DeliverablePartner.organisation_slug).in_(renamed)
        )
        touched.update(session.scalars(partnered))
    if touched:
        store_views(session, touched)  # type: ignore[arg-type]
    else:
        raise_version(session)


READ_MODEL_KEEPER = ReadModelKeeper(table="deliverable_view", marks_of=_marks_of, rebuild=_rebuild)


def install_rebuild_hook() -> None:
    """Rebuild, before commit, the views of deliverables changed in the transaction (idempotent)."""
    READ_MODEL_KEEPER.install()


install_rebuild_hook()
