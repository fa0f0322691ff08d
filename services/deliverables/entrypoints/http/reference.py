"""Aims and organisations."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from sqlalchemy import Engine
from sqlmodel import Session

from services.deliverables.adapters.reference_queries import list_aims, list_organisations
from services.deliverables.entrypoints.http.dependencies import get_engine
from services.deliverables.schemas import AimOut, OrganisationOut

router = APIRouter()


@router.get("/aims")
def aims(engine: Engine = Depends(get_engine)) -> list[AimOut]:
    with Session(engine) as session:
        return list_aims(session)


@router.get("/organisations")
def organisations(engine: Engine = Depends(get_engine)) -> list[OrganisationOut]:
    with Session(engine) as session:
        return list_organisations(session)
