"""Read use cases for the plan's rounds, dashboard and documents."""

from __future__ import annotations

from services.gateway.api.context import GatewayContext
from services.gateway.api.types_rounds import (
    AimStatusCounts,
    ExportFormat,
    ReportingRound,
    counts_from_api,
    round_from_api,
)
from services.gateway.permissions import ensure_coordinator

OPEN = "open"


async def status_counts(context: GatewayContext) -> list[AimStatusCounts]:
    rows = await context.upstreams.deliverables.get("/status-counts")
    return [counts_from_api(row) for row in rows]


async def all_rounds(context: GatewayContext) -> list[ReportingRound]:
    """Every round, oldest first; ``rounds``, ``round`` and ``openRound`` share one call."""
    return [round_from_api(row) for row in await context.loaders.rounds()]


async def one_round(context: GatewayContext, number: int) -> ReportingRound | None:
    return next((r for r in await all_rounds(context) if r.number == number), None)


async def open_round(context: GatewayContext) -> ReportingRound | None:
    return next((r for r in await all_rounds(context) if r.state == OPEN), None)


async def export_plan(
    context: GatewayContext, round_number: int, export_format: ExportFormat
) -> str:
    """A round as its published document (Markdown, HTML or CSV text); coordinators only."""
    ensure_coordinator(context.require_identity())
    return await context.upstreams.deliverables.get_text(
        "/plan/export", {"round": round_number, "format": export_format.value}
    )
