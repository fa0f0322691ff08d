"""A round's report, an update that bundles a revision and a status, and closing a deliverable.

Built on ``transitions``; like them, these decide rows and events and do no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence

from services.deliverables.adapters.tables import Deliverable, RoundReport, utc_now
from services.deliverables.domain.statuses import DeliverableStatus
from services.deliverables.domain.transitions import (
    Author,
    InRound,
    Recorded,
    change_status,
    facts,
    revise_timescale,
)
from services.deliverables.events import DeliverableStatusChanged, DeliverableUpdated


def report(
    deliverable: Deliverable,
    leads: Sequence[str],
    existing: RoundReport | None,
    *,
    status: DeliverableStatus,
    narrative: str | None,
    by: Author,
    in_round: InRound,
) -> tuple[RoundReport, Recorded]:
    """The deliverable's report for the round, created or brought up to date.

    A new narrative (``None`` leaves it as it is) becomes the latest update and is announced.
    """
    current = existing or RoundReport(
        deliverable_number=deliverable.number, round_number=in_round.number, status=status.value
    )
    unchanged = narrative is None or narrative == current.narrative
    if existing is not None and current.status == status.value and unchanged:
        return current, Recorded()
    current.status = status.value
    current.submitted_by, current.submitted_at = by.subject, utc_now()
    recorded = Recorded(rows=[current])
    if narrative is not None and narrative != current.narrative:
        current.narrative = narrative
        deliverable.latest_update = narrative
        deliverable.updated_at = utc_now()
        recorded.rows.append(deliverable)
        updated = DeliverableUpdated(
            **facts(deliverable, leads), narrative=narrative, round=in_round.name
        )
        recorded.events.append(updated)
    return current, recorded


def close(
    deliverable: Deliverable,
    leads: Sequence[str],
    *,
    closed_round: int | None,
    additional_information: str | None,
    reason: str | None,
    by: Author,
    in_round: InRound | None,
) -> Recorded:
    """Complete the deliverable, with the round it closed in and what was said at closing."""
    changed = False
    if additional_information and additional_information != deliverable.additional_information:
        deliverable.additional_information, changed = additional_information, True
    if closed_round is not None and closed_round != deliverable.closed_round:
        deliverable.closed_round, changed = closed_round, True
    recorded = change_status(
        deliverable, leads, DeliverableStatus.COMPLETE, reason=reason, by=by, in_round=in_round
    )
    if changed and not recorded:
        deliverable.updated_at = utc_now()
        recorded.rows.append(deliverable)
    return recorded


def submit_update(
    deliverable: Deliverable,
    leads: Sequence[str],
    existing: RoundReport | None,
    *,
    status: DeliverableStatus,
    narrative: str | None,
    new_timescale: str | None,
    reason: str | None,
    by: Author,
    in_round: InRound,
) -> tuple[RoundReport | None, Recorded]:
    """A round's update: a revision (if any), the status, then the report and its narrative.

    A round that brings a deliverable nothing new (same status, no revision, no narrative) writes
    no report for it: its status in that round is the one it already had.
    """
    recorded = Recorded()
    if new_timescale:
        recorded += revise_timescale(
            deliverable, leads, new_timescale, reason=reason, by=by, in_round=in_round
        )
    changed = change_status(deliverable, leads, status, reason=reason, by=by, in_round=in_round)
    for event in changed.events:  # the status change carries the narrative sent with it
        if isinstance(event, DeliverableStatusChanged):
            event.narrative = narrative
    recorded += changed
    if existing is None and narrative is None and not recorded:
        return None, recorded
    current, reported = report(
        deliverable, leads, existing, status=status, narrative=narrative, by=by, in_round=in_round
    )
    recorded += reported
    return current, recorded
