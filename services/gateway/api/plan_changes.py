"""Write use cases for reporting rounds, timescale revisions and imports: check, then call."""

from __future__ import annotations

from typing import Any

from services.gateway.api.context import GatewayContext
from services.gateway.api.types_deliverables import Deliverable, deliverable_from_api
from services.gateway.api.types_rounds import (
    DeliverableUpdateInput,
    ImportPlanResult,
    ReportingRound,
    import_result_from_api,
    round_from_api,
)
from services.gateway.errors import ErrorCode, GatewayError
from services.gateway.permissions import (
    ensure_coordinator,
    ensure_may_change_deliverable,
    ensure_may_edit_deliverables,
)


async def open_reporting_round(
    context: GatewayContext, name: str, period_covered: str | None
) -> ReportingRound:
    ensure_coordinator(context.require_identity())
    body = {"name": name.strip(), "period_covered": period_covered}
    return round_from_api(await context.upstreams.deliverables.post("/rounds", body))


async def publish_round(context: GatewayContext, number: int) -> ReportingRound:
    ensure_coordinator(context.require_identity())
    published = await context.upstreams.deliverables.post(f"/rounds/{number}/publish", {})
    return round_from_api(published)


async def submit_deliverable_update(
    context: GatewayContext, round_number: int, number: int, update: DeliverableUpdateInput
) -> Deliverable:
    await _ensure_may_change(context, number)
    body = {
        "status": update.status.value,
        "narrative": update.narrative,
        "new_timescale": update.new_timescale,
        "reason": update.reason,
    }
    path = f"/rounds/{round_number}/deliverables/{number}"
    return _changed(context, await context.upstreams.deliverables.put(path, body))


async def revise_timescale(
    context: GatewayContext, number: int, timescale: str, reason: str
) -> Deliverable:
    await _ensure_may_change(context, number)
    body = {"timescale": timescale, "reason": reason}
    path = f"/deliverables/{number}/timescale"
    return _changed(context, await context.upstreams.deliverables.post(path, body))


async def import_plan(context: GatewayContext, document: str) -> ImportPlanResult:
    """Import a published edition; one call (the service names what it added and changed)."""
    ensure_coordinator(context.require_identity())
    summary = await context.upstreams.deliverables.post("/plan/import", {"document": document})
    return import_result_from_api(summary)


async def _ensure_may_change(context: GatewayContext, number: int) -> None:
    """Coordinators, or an editor of one of the deliverable's lead partners."""
    identity = context.require_identity()
    ensure_may_edit_deliverables(identity)
    current = await context.loaders.deliverable.load(number)
    if current is None:
        raise GatewayError(ErrorCode.NOT_FOUND, f"There is no deliverable {number}.")
    ensure_may_change_deliverable(identity, [p["slug"] for p in current["lead_partners"]])


def _changed(context: GatewayContext, changed: dict[str, Any]) -> Deliverable:
    context.loaders.deliverable.prime(changed["number"], changed, force=True)
    context.loaders.history.clear_all()
    return deliverable_from_api(changed)
