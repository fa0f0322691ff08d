"""Aims and organisations."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from sqlalchemy import Engine
from sqlmodel import Session

from services.deliverables.reference_queries import list_aims, list_organisations
from services.deliverables.routes.dependencies import engine_of
from services.deliverables.schemas import AimOut, OrganisationOut

router = APIRouter()


@router.get("/aims")
def aims(engine: Engine = Depends(engine_of)) -> list[AimOut]:
    with Session(engine) as session:
        return list_aims(session)


@router.get("/organisations")
def organisations(engine: Engine = Depends(engine_of)) -> list[OrganisationOut]:
    with Session(engine) as session:
        return list_organisations(session)
