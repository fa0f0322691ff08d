"""Directory writes behind the mutations: one call to the directory service each.

The directory decides who may change what and answers 403/404/409/422, which ``upstream`` maps to
typed errors; each write there is one transaction, so a refusal leaves nothing half-written.
Suggesting a correction needs no account, so the gateway rate-limits it per client address and
refuses requests that fill the honeypot field.
"""

from __future__ import annotations

from typing import Any

import structlog

from services.gateway.adapters.upstream import segment
from services.gateway.entrypoints.graphql.context import GatewayContext
from services.gateway.entrypoints.graphql.inputs import (
    ServiceCreateInput,
    SuggestionInput,
    directory_fields,
)
from services.gateway.entrypoints.graphql.types_directory import Service, service_from_api
from services.gateway.entrypoints.graphql.types_service_parts import (
    DirectoryImportResult,
    Suggestion,
    suggestion_from_api,
)
from services.gateway.errors import ErrorCode, GatewayError, bad_input

log = structlog.get_logger()
HONEYPOT_REFUSAL = (
    "We could not accept this suggestion. Leave the last field (“website”) empty and try again."
)


async def create_service(context: GatewayContext, given: ServiceCreateInput) -> Service:
    created = await context.upstreams.directory.post("/services", directory_fields(given))
    return _primed(context, created)


async def withdraw_service(context: GatewayContext, service_id: str, reason: str) -> Service:
    if not reason.strip():
        raise bad_input("Say why the service is withdrawn.", field="reason")
    path = f"/services/{segment(service_id)}/withdraw"
    withdrawn = await context.upstreams.directory.post(path, {"reason": reason.strip()})
    return _primed(context, withdrawn)


async def mark_reviewed(context: GatewayContext, service_id: str, note: str | None) -> Service:
    path = f"/services/{segment(service_id)}/review"
    return _primed(context, await context.upstreams.directory.post(path, {"note": note}))


async def suggest_correction(
    context: GatewayContext, service_id: str, given: SuggestionInput
) -> Suggestion:
    if given.website:
        log.info("suggestion_honeypot_filled", service_id=service_id)
        raise bad_input(HONEYPOT_REFUSAL, field="website")
    wait = await context.runtime.spend_suggestion_budget(context.client_address)
    if wait:
        minutes = max(1, round(wait / 60))
        raise GatewayError(
            ErrorCode.RATE_LIMITED,
            f"Too many suggestions from here just now. Try again in {minutes} minute"
            f"{'s' if minutes > 1 else ''}.",
        )
    body = {k: v for k, v in directory_fields(given).items() if k != "website"}
    path = f"/services/{segment(service_id)}/suggestions"
    return suggestion_from_api(await context.upstreams.directory.post(path, body))


async def resolve_suggestion(context: GatewayContext, suggestion_id: str) -> Suggestion:
    path = f"/suggestions/{segment(suggestion_id)}/resolve"
    return suggestion_from_api(await context.upstreams.directory.post(path, {}))


async def import_directory(context: GatewayContext, document: Any) -> DirectoryImportResult:
    """An HSDS 3.0 document with nested services (coordinators); all or nothing."""
    if not isinstance(document, dict) or not isinstance(document.get("services"), list):
        raise bad_input("Send an HSDS JSON object with a `services` list.", field="document")
    summary = await context.upstreams.directory.post("/import/hsds", document)
    context.loaders.service.clear_all()
    return DirectoryImportResult(
        created=summary["created"], updated=summary["updated"], unchanged=summary["unchanged"]
    )


def _primed(context: GatewayContext, data: dict[str, Any]) -> Service:
    context.loaders.service.prime(str(data["id"]), data, force=True)
    return service_from_api(data)
