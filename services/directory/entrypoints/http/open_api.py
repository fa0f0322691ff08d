"""The read-only open API in the HSDS 3.0 / ORUK style, under ``/open``: about, services, export.

Parameters are read as the standard types them (open_data/query.py): paging is clamped, blanks
mean "not given"; ``format=ndjson`` streams every result; responses carry CORS for browsers.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse
from sqlalchemy import Engine
from sqlmodel import Session

from services.directory.adapters.open_data import query
from services.directory.adapters.open_data.delivery import (
    PROFILE,
    ndjson,
    open_api_document,
    wants_ndjson,
)
from services.directory.adapters.open_data.exporter import export_directory
from services.directory.adapters.open_data.paging import Page, PageRequest, page_of
from services.directory.adapters.open_data.services_view import hsds_minimal, hsds_services
from services.directory.adapters.search.criteria import SearchCriteria
from services.directory.adapters.search.run import search_services
from services.directory.entrypoints.http.dependencies import get_engine
from services.directory.use_cases.update_service import load_service

router = APIRouter(prefix="/open", tags=["open data (HSDS 3.0)"])


@dataclass(frozen=True)
class ServiceFilters:
    """The standard's service filters, the ORUK profile's, and ``local_authority`` (ours)."""

    search: str | None = None
    taxonomy_term_id: str | None = None
    taxonomy_id: str | None = None
    organization_id: str | None = None
    modified_after: str | None = None
    local_authority: str | None = None
    minimum_age: int | None = Query(default=None, ge=0, le=150)
    maximum_age: int | None = Query(default=None, ge=0, le=150)
    day: str | None = Query(default=None, description="A weekday: MO or Monday, ...")
    start_time: str | None = Query(default=None, description="Open at this time (HH:MM).")
    end_time: str | None = Query(default=None, description="Open until this time (HH:MM).")

    def criteria(self) -> SearchCriteria:
        """With ``modified_after`` withdrawn entries are included (a consumer must see them go)."""
        changed = query.moment(self.modified_after, field="modified_after")
        return SearchCriteria(
            text=query.search_text(self.search),
            taxonomy_term_id=query.given(self.taxonomy_term_id),
            taxonomy_id=query.given(self.taxonomy_id),
            organization_id=query.given(self.organization_id),
            modified_after=changed, local_authority=query.given(self.local_authority),
            include_withdrawn=changed is not None,
            minimum_age=self.minimum_age, maximum_age=self.maximum_age,
            day=query.day_code(self.day),
            start_time=query.clock(self.start_time, field="start_time"),
            end_time=query.clock(self.end_time, field="end_time"),
        )  # fmt: skip


@router.get("/")
def about(request: Request) -> dict[str, str]:
    return {"version": "3.0", "profile": PROFILE,
            "openapi_url": str(request.url_for("open_openapi"))}  # fmt: skip


@router.get("/openapi.json", name="open_openapi", include_in_schema=False)
def open_openapi(request: Request) -> dict[str, Any]:
    """This open API's own OpenAPI document (the internal API's is at ``/openapi.json``)."""
    server = str(request.url_for("about")).rstrip("/")
    return open_api_document(request.app, server)


@router.get("/services", response_model=Page)
def open_services(
    filters: ServiceFilters = Depends(),
    page: int | None = None,
    per_page: int | None = None,
    format: str | None = None,
    minimal: bool = False,
    full: bool = False,
    engine: Engine = Depends(get_engine),
) -> Page | StreamingResponse:
    """Services, searchable and filterable; ``minimal`` gives id, name, status, last_modified."""
    criteria = filters.criteria()

    def fetch(paging: PageRequest) -> Page:
        with Session(engine) as session:
            result = search_services(
                session, replace(criteria, limit=paging.per_page, offset=paging.offset)
            )
            if minimal:
                contents = hsds_minimal(session, result.ids)
            else:
                contents = hsds_services(session, result.ids, full=full)
        return page_of(contents, result.total, paging)

    if wants_ndjson(format):
        return ndjson(fetch)
    return fetch(query.clamped_page(page, per_page, minimal=minimal))


@router.get("/services/{service_id}")
def open_service(service_id: str, engine: Engine = Depends(get_engine)) -> dict[str, Any]:
    service_id = query.path_id(service_id)
    with Session(engine) as session:
        load_service(session, service_id)
        return hsds_services(session, [service_id], full=True)[0]


@router.get("/export")
def open_export(engine: Engine = Depends(get_engine)) -> dict[str, Any]:
    """The whole directory as one HSDS JSON document (withdrawn entries carry status defunct)."""
    return export_directory(engine)
