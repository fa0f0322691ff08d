"""Write use cases for reporting rounds, timescale revisions and imports: one call each.

The deliverables service decides who may do each (coordinators, lead partners' editors).
"""

from __future__ import annotations

from typing import Any

from services.gateway.entrypoints.graphql.context import GatewayContext
from services.gateway.entrypoints.graphql.types_deliverables import (
    Deliverable,
    deliverable_from_api,
)
from services.gateway.entrypoints.graphql.types_rounds import (
    DeliverableUpdateInput,
    ImportPlanResult,
    ReportingRound,
    import_result_from_api,
    round_from_api,
)


async def open_reporting_round(
    context: GatewayContext, name: str, period_covered: str | None
) -> ReportingRound:
    body = {"name": name.strip(), "period_covered": period_covered}
    return round_from_api(await context.upstreams.deliverables.post("/rounds", body))


async def publish_round(context: GatewayContext, number: int) -> ReportingRound:
    published = await context.upstreams.deliverables.post(f"/rounds/{number}/publish", {})
    return round_from_api(published)


async def submit_deliverable_update(
    context: GatewayContext, round_number: int, number: int, update: DeliverableUpdateInput
) -> Deliverable:
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
    body = {"timescale": timescale, "reason": reason}
    path = f"/deliverables/{number}/timescale"
    return _changed(context, await context.upstreams.deliverables.post(path, body))


async def import_plan(
    context: GatewayContext, document: str, dry_run: bool = False
) -> ImportPlanResult:
    """Import a published edition; one call (the service names what it added and changed)."""
    body = {"document": document, "dry_run": dry_run}
    summary = await context.upstreams.deliverables.post("/plan/import", body)
    return import_result_from_api(summary)


def _changed(context: GatewayContext, changed: dict[str, Any]) -> Deliverable:
    context.loaders.deliverable.prime(changed["number"], changed, force=True)
    context.loaders.history.clear_all()
    return deliverable_from_api(changed)
