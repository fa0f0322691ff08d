"""Coordinator-only import of a published edition and export of a round."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from sqlalchemy import Engine
from sqlmodel import Session

from services.deliverables.adapters.exporter.formats import ExportFormat, export_round
from services.deliverables.adapters.importer.loader import import_edition
from services.deliverables.domain.permissions import ensure_coordinator
from services.deliverables.domain.transitions import Author
from services.deliverables.entrypoints.http.dependencies import event_context, get_engine
from services.deliverables.events import EventContext
from services.deliverables.schemas_history import ImportRequest, ImportResult
from shared.http import require_identity
from shared.identity import Identity

router = APIRouter(prefix="/plan")


@router.post("/import")
async def import_plan(
    body: ImportRequest,
    identity: Identity = Depends(require_identity),
    context: EventContext = Depends(event_context),
    engine: Engine = Depends(get_engine),
) -> ImportResult:
    ensure_coordinator(identity)
    summary = await asyncio.to_thread(
        import_edition,
        engine,
        body.document,
        context=context,
        author=Author(identity.subject, identity.name),
        dry_run=body.dry_run,
    )
    return ImportResult.model_validate(summary, from_attributes=True)


@router.get("/export")
def export_plan(
    round_number: int = Query(alias="round"),
    export_format: ExportFormat = Query(ExportFormat.MARKDOWN, alias="format"),
    identity: Identity = Depends(require_identity),
    engine: Engine = Depends(get_engine),
) -> Response:
    ensure_coordinator(identity)
    with Session(engine) as session:
        body = export_round(session, round_number, export_format)
    return Response(body, media_type=f"{export_format.media_type}; charset=utf-8")
