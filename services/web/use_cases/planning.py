"""The delivery plan as pages see it: aims, deliverables, counts per aim, overdue ones."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from services.web.adapters.caller import Caller
from services.web.adapters.gateway_models import Aim, Deliverable

STATUSES = [
    ("COMPLETE", "Complete"),
    ("IN_PROGRESS", "In progress"),
    ("IN_PROGRESS_REVISED", "In progress (with revised timescale)"),
    ("OUTSTANDING", "Outstanding"),
]
DELIVERABLE_FIELDS = """
  number title aim priorityAction timescale dueDate status statusLabel latestUpdate updatedAt
  overdue originalTimescale furtherDetail
  leadPartners { slug name } collaborators { slug name }
"""
DELIVERABLES_PAGE = f"""
  deliverables(filter: $filter, first: $first, after: $after) {{
    pageInfo {{ hasNextPage endCursor }} nodes {{ {DELIVERABLE_FIELDS} }}
  }}"""
PLAN_DELIVERABLES = f"""
query PlanDeliverables($filter: DeliverableFilter, $first: Int!, $after: String) {{
  {DELIVERABLES_PAGE}
}}"""
# The aims and the first page of deliverables in one round trip.
PLAN = f"""
query Plan($filter: DeliverableFilter, $first: Int!, $after: String) {{
  aims {{ number title priorityActions {{ number title }} }}
  {DELIVERABLES_PAGE}
}}"""
ONE_DELIVERABLE = f"""
query OneDeliverable($number: Int!) {{ deliverable(number: $number) {{ {DELIVERABLE_FIELDS} }} }}"""
HISTORY_FIELDS = """
  openedRound closedRound additionalInformation
  statusChanges { round oldStatus newStatus reason changedBy changedAt }
  timescaleRevisions { round oldTimescale newTimescale dueDate reason recordedBy recordedAt }
  roundReports { round roundName status statusLabel narrative submittedBy submittedAt }
"""
DELIVERABLE_WITH_HISTORY = f"""
query DeliverableWithHistory($number: Int!) {{
  deliverable(number: $number) {{ {DELIVERABLE_FIELDS} history {{ {HISTORY_FIELDS} }} }}
  rounds {{ number name }}
}}"""
PAGE_SIZE = 100  # the gateway's largest page


@dataclass
class AimSummary:
    aim: Aim
    deliverables: list[Deliverable]
    counts: Counter[str] = field(default_factory=Counter)

    def in_action(self, number: int) -> list[Deliverable]:
        return [d for d in self.deliverables if d.priority_action == number]

    def percent(self, status: str) -> float:
        return 100 * self.counts[status] / len(self.deliverables) if self.deliverables else 0.0


@dataclass
class Plan:
    aims: list[AimSummary]
    overdue: list[Deliverable]
    totals: Counter[str]
    today: date


async def _deliverables(
    caller: Caller, filter_: dict[str, Any] | None = None, *, first_query: str = PLAN_DELIVERABLES
) -> tuple[list[Deliverable], dict[str, Any]]:
    """Every deliverable matching the filter, page by page; also the first answer's data."""
    found: list[Deliverable] = []
    after: str | None = None
    query, first_data = first_query, None
    while True:
        variables = {"filter": filter_ or {}, "first": PAGE_SIZE, "after": after}
        data = await caller.run(query, variables)
        first_data = first_data or data
        connection = data["deliverables"]
        found += [Deliverable.model_validate(n) for n in connection["nodes"]]
        after, query = connection["pageInfo"]["endCursor"], PLAN_DELIVERABLES
        if not connection["pageInfo"]["hasNextPage"] or not after:
            return found, first_data


async def deliverables_led_by(caller: Caller, organisation: str | None) -> list[Deliverable]:
    """The deliverables an organisation leads; every deliverable when no organisation is given."""
    found, _ = await _deliverables(caller, {"leadPartner": organisation} if organisation else None)
    return found


async def load_plan(caller: Caller, today: date) -> Plan:
    deliverables, data = await _deliverables(caller, first_query=PLAN)
    aims = [Aim.model_validate(a) for a in data["aims"] or []]
    summaries = []
    for aim in aims:
        mine = [d for d in deliverables if d.aim == aim.number]
        summaries.append(AimSummary(aim, mine, Counter(d.status for d in mine)))
    return Plan(
        aims=summaries,
        overdue=[d for d in deliverables if d.overdue],
        totals=Counter(d.status for d in deliverables),
        today=today,
    )


async def load_deliverable(caller: Caller, number: int) -> Deliverable | None:
    found = (await caller.run(ONE_DELIVERABLE, {"number": number}))["deliverable"]
    return None if found is None else Deliverable.model_validate(found)


async def load_deliverable_history(
    caller: Caller, number: int
) -> tuple[Deliverable | None, dict[int, str]]:
    """The deliverable with its full history, and every round's name by number."""
    data = await caller.run(DELIVERABLE_WITH_HISTORY, {"number": number})
    round_names = {r["number"]: r["name"] for r in data.get("rounds") or []}
    found = data["deliverable"]
    return (None if found is None else Deliverable.model_validate(found)), round_names
