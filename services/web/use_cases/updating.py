"""A lead partner's update in the open round: status, narrative, and a revised timescale with
its reason (``submitDeliverableUpdate``), checked here first so messages sit next to the fields."""

from __future__ import annotations

import re
from dataclasses import dataclass

from services.web.adapters.caller import Caller
from services.web.adapters.gateway_models import Deliverable
from services.web.entrypoints.http.forms import FieldErrors
from services.web.use_cases.planning import DELIVERABLE_FIELDS, STATUSES
from services.web.use_cases.reporting import ReportingRound

NARRATIVE_LIMIT = 20_000
REASON_LIMIT = 4000
TIMESCALE_LIMIT = 200
_MONTH_YEAR = re.compile(
    r"\b(january|february|march|april|may|june|july|august|september|october|november|december)"
    r"\s+\d{4}\b",
    re.IGNORECASE,
)
FORM_DATA = f"""
query UpdateForm($number: Int!) {{
  openRound {{ number name periodCovered state }}
  deliverable(number: $number) {{ {DELIVERABLE_FIELDS} }}
}}"""
OPEN_ROUND_NAME = "query OpenRoundName { openRound { number name periodCovered state } }"
SUBMIT_UPDATE = """
mutation SubmitUpdate($round: Int!, $number: Int!, $input: DeliverableUpdateInput!) {
  submitDeliverableUpdate(round: $round, number: $number, input: $input) { number statusLabel }
}"""
# The gateway's field names (and the service's) -> the form's.
FORM_FIELDS = {
    "status": "status",
    "narrative": "narrative",
    "newTimescale": "new_timescale",
    "new_timescale": "new_timescale",
    "timescale": "new_timescale",
    "reason": "reason",
}


@dataclass
class RoundUpdate:
    """What the form sent, trimmed."""

    status: str = ""
    narrative: str = ""
    new_timescale: str = ""
    reason: str = ""

    def as_input(self) -> dict[str, str | None]:
        return {
            "status": self.status,
            "narrative": self.narrative,
            "newTimescale": self.new_timescale or None,
            "reason": self.reason or None,
        }


def _check_timescale(update: RoundUpdate, deliverable: Deliverable, errors: FieldErrors) -> None:
    if update.new_timescale:
        if len(update.new_timescale) > TIMESCALE_LIMIT:
            errors.add("new_timescale", f"Keep the timescale to {TIMESCALE_LIMIT} characters")
        elif not _MONTH_YEAR.search(update.new_timescale):
            errors.add("new_timescale", "Enter the timescale as a month and year, like March 2025")
        if update.new_timescale == deliverable.timescale:
            errors.add("new_timescale", "The new timescale is the same as the current one")
    elif update.status == "IN_PROGRESS_REVISED" and not deliverable.was_revised:
        errors.add("new_timescale", "A status with a revised timescale needs the new timescale")
    revising = bool(update.new_timescale) or update.status == "IN_PROGRESS_REVISED"
    if revising and not update.reason:
        errors.add("reason", "Say why the timescale is being revised")
    elif len(update.reason) > REASON_LIMIT:
        errors.add("reason", f"The reason must be {REASON_LIMIT} characters or fewer")


def validate_update(update: RoundUpdate, deliverable: Deliverable) -> FieldErrors:
    errors = FieldErrors()
    if update.status not in dict(STATUSES):
        errors.add("status", "Select the deliverable's status at the end of this round")
    if not update.narrative:
        errors.add("narrative", "Describe the progress made in this round")
    elif len(update.narrative) > NARRATIVE_LIMIT:
        errors.add("narrative", f"The update must be {NARRATIVE_LIMIT} characters or fewer")
    _check_timescale(update, deliverable, errors)
    return errors


async def load_form_data(
    caller: Caller, number: int
) -> tuple[Deliverable | None, ReportingRound | None]:
    data = await caller.run(FORM_DATA, {"number": number})
    found, open_round = data["deliverable"], data["openRound"]
    return (
        None if found is None else Deliverable.model_validate(found),
        None if open_round is None else ReportingRound.model_validate(open_round),
    )


async def load_open_round(caller: Caller) -> ReportingRound | None:
    found = (await caller.run(OPEN_ROUND_NAME))["openRound"]
    return None if found is None else ReportingRound.model_validate(found)


async def submit_update(
    caller: Caller, round_number: int, number: int, update: RoundUpdate
) -> None:
    variables = {"round": round_number, "number": number, "input": update.as_input()}
    await caller.run(SUBMIT_UPDATE, variables)
