"""Coordinators' imports: the directory as HSDS JSON (in and out) and a plan edition, previewed
(the import run and rolled back) before it is confirmed."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from services.web.adapters.caller import Caller, caller_of
from services.web.adapters.gateway import GatewayError
from services.web.entrypoints.http.forms import FieldErrors, require_csrf
from services.web.entrypoints.http.keeping import keeper_or_refusal
from services.web.entrypoints.http.pages import render

router = APIRouter()
IMPORT_DIRECTORY = """
mutation ImportDirectory($document: JSON!) {
  importDirectory(document: $document) { created updated unchanged } }"""
EXPORT_DIRECTORY = "query ExportDirectory { exportDirectory }"
IMPORT_PLAN = """
mutation ImportPlan($document: String!, $dryRun: Boolean!) {
  importPlan(document: $document, dryRun: $dryRun) {
    summary roundNumber roundName added changed unchanged addedNumbers changedNumbers
    revisedNumbers dryRun } }"""
MAX_UPLOAD_BYTES = 8 * 1024 * 1024


async def _read_upload(upload: UploadFile | None, errors: FieldErrors, field: str) -> str:
    data = await upload.read(MAX_UPLOAD_BYTES + 1) if upload is not None else b""
    if not data:
        errors.add(field, "Choose a file to upload")
    elif len(data) > MAX_UPLOAD_BYTES:
        errors.add(field, "The file must be 8 MB or smaller")
    else:
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            errors.add(field, "The file must be text (UTF-8)")
    return ""


def _directory_page(
    request: Request, *, errors: FieldErrors | None = None, result: dict[str, Any] | None = None
) -> HTMLResponse:
    context = {"errors": errors or FieldErrors(), "result": result, "nav": "manage",
               "title": "Directory data (HSDS)"}  # fmt: skip
    return render(request, "directory_data.html", context, 422 if errors else 200)


@router.get("/directory-data", response_class=HTMLResponse)
async def directory_data_page(request: Request) -> Response:
    if (refusal := keeper_or_refusal(request, coordinators_only=True)) is not None:
        return refusal
    return _directory_page(request)


@router.post("/directory-data/import", dependencies=[Depends(require_csrf)])
async def import_directory(
    request: Request,
    caller: Annotated[Caller, Depends(caller_of)],
    document: Annotated[UploadFile | None, Form()] = None,
) -> Response:
    if (refusal := keeper_or_refusal(request, coordinators_only=True)) is not None:
        return refusal
    errors = FieldErrors()
    text = await _read_upload(document, errors, "document")
    if not errors:
        try:
            parsed = json.loads(text)
            data = await caller.run(IMPORT_DIRECTORY, {"document": parsed})
            return _directory_page(request, result=data["importDirectory"])
        except json.JSONDecodeError as exc:
            errors.add("document", f"The file is not JSON (line {exc.lineno}, column {exc.colno})")
        except GatewayError as exc:
            if exc.code != "BAD_USER_INPUT":
                raise
            errors.add("document", f"Nothing was imported: {exc.message}")
    return _directory_page(request, errors=errors)


@router.get("/directory-data/export.json")
async def export_directory(
    request: Request, caller: Annotated[Caller, Depends(caller_of)]
) -> Response:
    if (refusal := keeper_or_refusal(request, coordinators_only=True)) is not None:
        return refusal
    data = await caller.run(EXPORT_DIRECTORY)
    headers = {"Content-Disposition": 'attachment; filename="directory-hsds.json"'}
    body = json.dumps(data["exportDirectory"], ensure_ascii=False, indent=2)
    return Response(body, media_type="application/json", headers=headers)


def _plan_page(
    request: Request, *, errors: FieldErrors | None = None, preview: dict[str, Any] | None = None,
    document: str = "", done: dict[str, Any] | None = None,
) -> HTMLResponse:  # fmt: skip
    context = {
        "errors": errors or FieldErrors(), "preview": preview, "document": document,
        "done": done, "nav": "rounds", "title": "Import a plan edition",
    }  # fmt: skip
    return render(request, "plan_import.html", context, 422 if errors else 200)


@router.get("/import-plan", response_class=HTMLResponse)
async def plan_import_page(request: Request) -> Response:
    if (refusal := keeper_or_refusal(request, coordinators_only=True)) is not None:
        return refusal
    return _plan_page(request)


@router.post("/import-plan", dependencies=[Depends(require_csrf)])
async def plan_import(
    request: Request,
    caller: Annotated[Caller, Depends(caller_of)],
    edition: Annotated[UploadFile | None, Form()] = None,
    document: Annotated[str, Form()] = "",
    step: Annotated[str, Form()] = "preview",
) -> Response:
    """``preview`` uploads and runs a dry run; ``confirm`` imports the previewed text."""
    if (refusal := keeper_or_refusal(request, coordinators_only=True)) is not None:
        return refusal
    errors = FieldErrors()
    confirming = step == "confirm" and bool(document)
    text = document if confirming else await _read_upload(edition, errors, "edition")
    if errors:
        return _plan_page(request, errors=errors)
    try:
        data = await caller.run(IMPORT_PLAN, {"document": text, "dryRun": not confirming})
    except GatewayError as exc:
        if exc.code not in ("BAD_USER_INPUT", "CONFLICT"):
            raise
        errors.add("edition", f"This edition cannot be imported: {exc.message}")
        return _plan_page(request, errors=errors)
    result = data["importPlan"]
    if confirming:
        return _plan_page(request, done=result)
    return _plan_page(request, preview=result, document=text)
