"""The read model: each entry's assembled view (JSON) and its facet values, one row each.

``service_views`` assembles a view from a dozen related tables; doing that for every search page
cost most of a search. Instead the view is assembled once per write and stored here, in the same
transaction as the write, so a page of results is one query on ``service_view`` and facets are one
``GROUP BY`` on ``search_facet``. The text document (``service_document``, indexed by FTS5 or a
tsvector) and the narrow ``search_entry`` row that ranking reads are written here too.

Every write reaches the rebuild: ``reindex_services`` (which every use case, the importer and the
seed call) rebuilds it, and a session hook rebuilds entries whose rows a transaction changed
through the ORM without reindexing (marking reviewed, say) just before it commits.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import (
    Boolean,
    DateTime,
    Engine,
    Integer,
    String,
    bindparam,
    column,
    select,
    table,
    text,
)
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, col

from services.directory.adapters.tables import (
    Attribute,
    Contact,
    LocalAuthority,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceCourt,
    Taxonomy,
    TaxonomyTerm,
)
from services.directory.adapters.tables.base import utc_now
from services.directory.adapters.tables.taxonomy import (
    CLIENT_GROUPS,
    REFERRAL_ROUTES,
    SERVICE_TYPES,
)
from services.directory.adapters.views import service_views
from services.directory.domain.review import freshness
from services.directory.schemas import ServiceOut
from shared.page_cache import raise_version
from shared.read_model_hook import ReadModelKeeper, fill_in_missing

# Keyed by the text index's integer id (service_document.id, the FTS5 rowid): what a search
# ranks and filters on, and each entry's facet values (``live`` too, so counting over every live
# entry reads one index).
SEARCH_ENTRY = table(
    "search_entry",
    column("id", Integer),
    column("service_id", String),
    column("name", String),
    column("live", Boolean),
    column("reviewed_at", DateTime),
)
SEARCH_FACET = table(
    "search_facet",
    column("doc_id", Integer),
    column("facet_value_id", Integer),
    column("facet", String),
    column("live", Boolean),
)
FACET_VALUE = table(
    "facet_value",
    column("id", Integer),
    column("facet", String),
    column("value", String),
    column("label", String),
)
# Facet name -> the taxonomy whose terms it counts.
TERM_FACETS = {
    "service_type": SERVICE_TYPES,
    "client_group": CLIENT_GROUPS,
    "referral_route": REFERRAL_ROUTES,
}
_UPSERT_VIEW = text(
    "INSERT INTO service_view (service_id, view) VALUES (:service_id, :view) "
    "ON CONFLICT (service_id) DO UPDATE SET view = excluded.view"
)
_UPSERT_DOCUMENT = text(
    "INSERT INTO service_document (service_id, name, keywords, body) "
    "VALUES (:service_id, :name, :keywords, :body) "
    "ON CONFLICT (service_id) DO UPDATE SET "
    "name = excluded.name, keywords = excluded.keywords, body = excluded.body"
)
_DOCUMENT_IDS = text(
    "SELECT service_id, id FROM service_document WHERE service_id IN :ids"
).bindparams(bindparam("ids", expanding=True))
_UPSERT_ENTRY = text(
    "INSERT INTO search_entry (id, service_id, name, live, reviewed_at) "
    "VALUES (:id, :service_id, :name, :live, :reviewed_at) "
    "ON CONFLICT (id) DO UPDATE SET name = excluded.name, live = excluded.live, "
    "reviewed_at = excluded.reviewed_at"
).bindparams(bindparam("live", type_=Boolean), bindparam("reviewed_at", type_=DateTime))
_DELETE_FACETS = text("DELETE FROM search_facet WHERE doc_id IN :ids").bindparams(
    bindparam("ids", expanding=True)
)
_ADD_FACET_VALUE = text(
    "INSERT INTO facet_value (facet, value, label) VALUES (:facet, :value, :label) "
    "ON CONFLICT (facet, value) DO UPDATE SET label = excluded.label"
)
_FACET_VALUES = text("SELECT facet, value, id FROM facet_value")
_ADD_FACET = text(
    "INSERT INTO search_facet (doc_id, facet_value_id, facet, live) "
    "VALUES (:doc_id, :facet_value_id, :facet, :live)"
).bindparams(bindparam("live", type_=Boolean))
_READ_VIEWS = text("SELECT service_id, view FROM service_view WHERE service_id IN :ids").bindparams(
    bindparam("ids", expanding=True)
)
_MISSING = text(
    "SELECT s.id FROM service AS s LEFT JOIN service_view AS v ON v.service_id = s.id "
    "WHERE v.service_id IS NULL"
)
# Rows whose change alters an entry's view, and how to find the entry's id on each.
_SERVICE_ID_OF: dict[type, str] = {
    Service: "id", ServiceArea: "service_id", ServiceCourt: "service_id", Attribute: "link_id",
    Phone: "service_id", Schedule: "service_id", Contact: "service_id",
    ServiceAtLocation: "service_id",
}  # fmt: skip
# Rows shared by several entries: every entry linked to a changed one is rebuilt.
_SHARED_BY: dict[type, Any] = {
    Organization: col(Service.organization_id),
    Location: col(ServiceAtLocation.location_id),
}
# The marks a changed row leaves (shared.read_model_hook): what to rebuild before commit.
_SERVICE = "service"
_SHARED = "shared_row"
_FACET_LABELS = "directory_facet_labels"  # this transaction's facet labels, kept till it ends


def store_views(session: Session, views: list[ServiceOut]) -> None:
    """Write the views, text documents, search rows and facet values of ``views`` (same
    transaction as the write)."""
    if not views:
        return
    raise_version(session)  # answers kept by shared/page_cache.py are out of date
    session.execute(
        _UPSERT_VIEW,
        [{"service_id": v.id, "view": v.model_dump_json(exclude={"distance_miles"})}
         for v in views],
    )  # fmt: skip
    session.execute(_UPSERT_DOCUMENT, [search_document(view) for view in views])
    doc_ids = dict(session.execute(_DOCUMENT_IDS, {"ids": [v.id for v in views]}).all())
    session.execute(
        _UPSERT_ENTRY,
        [{"id": doc_ids[v.id], "service_id": v.id, "name": v.name, "live": v.withdrawn_at is None,
          "reviewed_at": v.last_reviewed_at} for v in views],
    )  # fmt: skip
    _store_facets(session, views, doc_ids)
    READ_MODEL_KEEPER.discard(session, [(_SERVICE, v.id) for v in views])


def _store_facets(session: Session, views: list[ServiceOut], doc_ids: dict[str, int]) -> None:
    session.execute(_DELETE_FACETS, {"ids": list(doc_ids.values())})
    rows = [row for view in views for row in _facet_rows(session, view)]
    if not rows:
        return
    values = {(r["facet"], r["value"]): r for r in rows}
    session.execute(_ADD_FACET_VALUE, list(values.values()))
    ids = {(facet, value): i for facet, value, i in session.execute(_FACET_VALUES)}
    live = {v.id: v.withdrawn_at is None for v in views}
    links = {(r["service_id"], ids[(r["facet"], r["value"])]): r["facet"] for r in rows}
    session.execute(
        _ADD_FACET,
        [{"doc_id": doc_ids[service_id], "facet_value_id": value_id, "facet": facet,
          "live": live[service_id]} for (service_id, value_id), facet in links.items()],
    )  # fmt: skip


def search_document(view: ServiceOut) -> dict[str, str]:
    """Name, keywords (organisation, types, groups, routes, courts, areas) and body text."""
    keywords = " ".join(
        [
            view.organisation.name,
            *view.service_types,
            *view.client_groups,
            *view.referral_routes,
            *view.courts,
            *view.local_authorities,
            view.providing_partnership or "",
            view.programme_title or "",
            view.programme_provider or "",
        ]
    ).replace("-", " ")
    body = " ".join(
        part or ""
        for part in (
            view.description,
            view.eligibility,
            view.suitable_for,
            view.scheme_details,
            view.possible_outcomes,
            view.assessment_process,
        )
    )
    return {"service_id": view.id, "name": view.name, "keywords": keywords, "body": body}


def _facet_rows(session: Session, view: ServiceOut) -> list[dict[str, str]]:
    labels = _labels(session)
    rows = [("local_authority", code, labels.get(("area", code), code))
            for code in view.local_authorities]  # fmt: skip
    rows += list(zip(["court"] * len(view.court_slugs), view.court_slugs, view.courts, strict=True))
    for facet, taxonomy in TERM_FACETS.items():
        codes: list[str] = getattr(view, facet + "s")
        rows += [(facet, code, labels.get((taxonomy, code), code)) for code in codes]
    return [{"service_id": view.id, "facet": f, "value": v, "label": label}
            for f, v, label in rows]  # fmt: skip


def _labels(session: Session) -> dict[tuple[str, str], str]:
    """Names of areas and terms, read once per transaction."""
    cached: dict[tuple[str, str], str] | None = session.info.get(_FACET_LABELS)
    if cached is None:
        cached = {("area", code): name for code, name in session.execute(
            select(col(LocalAuthority.code), col(LocalAuthority.name)))}  # fmt: skip
        terms = session.execute(
            select(col(Taxonomy.code), col(TaxonomyTerm.code), col(TaxonomyTerm.name)).join(
                Taxonomy, col(Taxonomy.id) == col(TaxonomyTerm.taxonomy_id)
            )
        )
        cached.update({(taxonomy, code): name for taxonomy, code, name in terms})
        session.info[_FACET_LABELS] = cached
    return cached


def stored_views(session: Session, ids: list[str]) -> list[dict[str, Any]]:
    """The views of ``ids`` as JSON-ready dicts, in order; unknown ids are left out.

    Freshness depends on today, so it is worked out on reading. An entry without a stored view
    (written before the read model existed and not yet filled in) is assembled the slow way.
    """
    if not ids:
        return []
    found = {row[0]: orjson.loads(row[1]) for row in session.execute(_READ_VIEWS, {"ids": ids})}
    missing = [i for i in ids if i not in found]
    if missing:
        found.update({v.id: v.model_dump(mode="json") for v in service_views(session, missing)})
    now = utc_now()
    views = [found[i] for i in ids if i in found]
    for view in views:
        if view.get("review_due_at"):
            due = datetime.fromisoformat(view["review_due_at"])
            view["is_stale"] = due < now
            view["freshness"] = freshness(due, now)
    return views


def rebuild_missing_read_models(engine: Engine, batch: int = 500) -> int:
    """Fill in the read model of entries that have none (after upgrading); how many were."""

    def store(session: Session, ids: list[str]) -> None:
        store_views(session, service_views(session, ids))

    return fill_in_missing(engine, _MISSING, store, batch)


def _marks_of(session: OrmSession, row: Any) -> Iterable[Hashable]:
    """The entries a changed row alters: its own, or every entry linked to a shared row."""
    attribute = _SERVICE_ID_OF.get(type(row))
    if attribute is not None and getattr(row, attribute, None):
        return ((_SERVICE, str(getattr(row, attribute))),)
    if type(row) in _SHARED_BY and session.is_modified(row) and row not in session.new:
        return ((_SHARED, type(row), str(row.id)),)
    return ()


def _rebuild(session: OrmSession, marks: set[Hashable]) -> None:
    touched = {m[1] for m in marks if isinstance(m, tuple) and m[0] == _SERVICE}
    for mark in marks:
        if isinstance(mark, tuple) and mark[0] == _SHARED:
            _, kind, shared_id = mark
            holder = col(Service.id) if kind is Organization else col(ServiceAtLocation.service_id)
            link = _SHARED_BY[kind]
            touched.update(str(i) for i in session.scalars(select(holder).where(link == shared_id)))
    if touched:
        alive = list(session.scalars(select(col(Service.id)).where(col(Service.id).in_(touched))))
        store_views(session, service_views(session, alive))  # type: ignore[arg-type]


READ_MODEL_KEEPER = ReadModelKeeper(
    table="service_view",
    marks_of=_marks_of,
    rebuild=_rebuild,
    also_forget=(_FACET_LABELS,),
)


def install_rebuild_hook() -> None:
    """Rebuild, before commit, the read model of entries changed through the ORM (idempotent)."""
    READ_MODEL_KEEPER.install()


install_rebuild_hook()
