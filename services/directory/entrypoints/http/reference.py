"""Reference facts: local authorities, service types, courts and taxonomy terms."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from sqlalchemy import Engine

from services.directory.adapters.reference import (
    list_courts,
    list_local_authorities,
    list_service_types,
    list_terms,
)
from services.directory.entrypoints.http.dependencies import get_engine
from services.directory.schemas import CourtOut, LocalAuthorityOut, ServiceTypeOut, TermOut

router = APIRouter(tags=["reference"])


@router.get("/local-authorities", response_model=list[LocalAuthorityOut])
def get_local_authorities(engine: Engine = Depends(get_engine)) -> list[LocalAuthorityOut]:
    return list_local_authorities(engine)


@router.get("/service-types", response_model=list[ServiceTypeOut])
def get_service_types(engine: Engine = Depends(get_engine)) -> list[ServiceTypeOut]:
    return list_service_types(engine)


@router.get("/courts", response_model=list[CourtOut])
def get_courts(engine: Engine = Depends(get_engine)) -> list[CourtOut]:
    return list_courts(engine)


@router.get("/taxonomy-terms", response_model=list[TermOut])
def get_terms(taxonomy: str | None = None, engine: Engine = Depends(get_engine)) -> list[TermOut]:
    return list_terms(engine, taxonomy)
