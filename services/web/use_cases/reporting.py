"""Reporting rounds as the coordinator sees them: the open round, its review, what changed in it,
the published rounds and their documents."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from pydantic import Field

from services.web.adapters.caller import Caller
from services.web.adapters.gateway_models import GatewayModel, History
from services.web.use_cases.planning import HISTORY_FIELDS

ROUND_FIELDS = "number name periodCovered state openedAt publishedAt"
# One round trip: the open round with its review, every round, and what each deliverable
# recorded (filtered to the open round here).
ROUNDS_PAGE = f"""
query RoundsPage($first: Int!) {{
  openRound {{ {ROUND_FIELDS} review {{ missingUpdates overdue revisedWithoutRevision }} }}
  rounds {{ {ROUND_FIELDS} }}
  deliverables(first: $first) {{ nodes {{ number title history {{ {HISTORY_FIELDS} }} }} }}
}}"""
ONE_ROUND = f"""
query OneRound($number: Int!) {{
  round(number: $number) {{
    {ROUND_FIELDS} review {{ missingUpdates overdue revisedWithoutRevision }}
  }}
}}"""
OPEN_ROUND = f"""
mutation OpenRound($name: String!, $periodCovered: String) {{
  openReportingRound(name: $name, periodCovered: $periodCovered) {{ {ROUND_FIELDS} }}
}}"""
PUBLISH_ROUND = f"""
mutation PublishRound($number: Int!) {{ publishRound(number: $number) {{ {ROUND_FIELDS} }} }}"""
EXPORT_PLAN = """
query ExportPlan($round: Int!, $format: ExportFormat!) {
  exportPlan(round: $round, format: $format)
}"""
PAGE_SIZE = 100
# Download name suffix -> (GraphQL ExportFormat, content type, what people call it).
DOCUMENT_FORMATS = {
    "md": ("MARKDOWN", "text/markdown; charset=utf-8", "Markdown"),
    "html": ("HTML", "text/html; charset=utf-8", "Web page (HTML)"),
    "csv": ("CSV", "text/csv; charset=utf-8", "Spreadsheet (CSV)"),
}


class RoundReview(GatewayModel):
    missing_updates: list[int] = Field(default_factory=list)
    overdue: list[int] = Field(default_factory=list)
    revised_without_revision: list[int] = Field(default_factory=list)

    @property
    def problems(self) -> int:
        return len(self.missing_updates) + len(self.revised_without_revision)


class ReportingRound(GatewayModel):
    number: int
    name: str
    period_covered: str | None = None
    state: str
    opened_at: datetime | None = None
    published_at: datetime | None = None
    review: RoundReview | None = None

    @property
    def is_open(self) -> bool:
        return self.state == "open"


@dataclass
class RoundChange:
    """One deliverable's changes recorded in a round, in words."""

    number: int
    title: str
    changes: list[str] = field(default_factory=list)


@dataclass
class RoundsOverview:
    open_round: ReportingRound | None
    rounds: list[ReportingRound]
    changes: list[RoundChange]
    titles: dict[int, str]


def _changes_in(round_number: int, number: int, title: str, history: History) -> RoundChange:
    change = RoundChange(number, title)
    for status in history.status_changes:
        if status.round == round_number:
            change.changes.append(f"Status changed to {status.new_status_label}")
    for revision in history.timescale_revisions:
        if revision.round == round_number:
            change.changes.append(
                f"Timescale revised from {revision.old_timescale or 'none'} to "
                f"{revision.new_timescale}: {revision.reason or 'no reason given'}"
            )
    for report in history.round_reports:
        if report.round == round_number and report.narrative:
            change.changes.append(f"Update: {report.narrative}")
    return change


async def load_overview(caller: Caller) -> RoundsOverview:
    data = await caller.run(ROUNDS_PAGE, {"first": PAGE_SIZE})
    open_round = ReportingRound.model_validate(data["openRound"]) if data["openRound"] else None
    nodes = data["deliverables"]["nodes"]
    changes = []
    if open_round is not None:
        for node in nodes:
            history = History.model_validate(node.get("history") or {})
            found = _changes_in(open_round.number, node["number"], node["title"], history)
            if found.changes:
                changes.append(found)
    return RoundsOverview(
        open_round=open_round,
        rounds=[ReportingRound.model_validate(r) for r in data["rounds"] or []],
        changes=changes,
        titles={node["number"]: node["title"] for node in nodes},
    )


async def load_round(caller: Caller, number: int) -> ReportingRound | None:
    found = (await caller.run(ONE_ROUND, {"number": number}))["round"]
    return None if found is None else ReportingRound.model_validate(found)


async def open_round(caller: Caller, name: str, period_covered: str | None) -> ReportingRound:
    variables = {"name": name, "periodCovered": period_covered}
    data = await caller.run(OPEN_ROUND, variables)
    return ReportingRound.model_validate(data["openReportingRound"])


async def publish_round(caller: Caller, number: int) -> ReportingRound:
    data = await caller.run(PUBLISH_ROUND, {"number": number})
    return ReportingRound.model_validate(data["publishRound"])


async def export_document(caller: Caller, number: int, suffix: str) -> str | None:
    graphql_format = DOCUMENT_FORMATS[suffix][0]
    data = await caller.run(EXPORT_PLAN, {"round": number, "format": graphql_format})
    document: str | None = data["exportPlan"]
    return document
