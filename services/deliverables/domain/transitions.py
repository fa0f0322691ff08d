"""What happens to a deliverable: add, change status, revise timescale, report, close.

These rules decide the history rows a change writes and the events it announces; they do no
I/O. The use cases (an editor through the API) and the importer (an edition) both call them, so
the same change leaves the same history and the same events whichever way it came in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from services.deliverables.adapters.tables import (
    Deliverable,
    DeliverablesTable,
    RoundReport,
    StatusChange,
    TimescaleRevision,
    utc_now,
)
from services.deliverables.domain.statuses import DeliverableStatus
from services.deliverables.domain.timescales import due_date_of
from services.deliverables.events import (
    DeliverableAdded,
    DeliverableFacts,
    DeliverableStatusChanged,
    DeliverableTimescaleRevised,
)
from shared.errors import BadUserInput


@dataclass(frozen=True)
class Author:
    """Who made a change: the identity's subject and display name (both unknown for the CLI)."""

    subject: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class InRound:
    """The reporting round a change belongs to."""

    number: int
    name: str


@dataclass
class Recorded:
    """The history rows to write and the events to announce for one or more changes."""

    rows: list[DeliverablesTable] = field(default_factory=list)
    events: list[DeliverableFacts] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.rows or self.events)

    def __iadd__(self, other: Recorded) -> Recorded:
        self.rows += other.rows
        self.events += other.events
        return self


def facts(deliverable: Deliverable, leads: Sequence[str]) -> dict[str, Any]:
    """Keyword arguments for any ``DeliverableFacts`` payload."""
    return DeliverableFacts(
        number=deliverable.number,
        title=deliverable.title,
        aim=deliverable.aim_number,
        priority_action=deliverable.priority_action_number,
        lead_partners=list(leads),
    ).model_dump()


def add(
    deliverable: Deliverable,
    leads: Sequence[str],
    *,
    opened_in: int | None,
    revisions: Sequence[tuple[int | None, str]] = (),
    by: Author,
    reason: str | None = None,
    reported_in: InRound | None = None,
    narrative: str | None = None,
    in_full: bool = True,
) -> Recorded:
    """A new deliverable joined the plan, opened in ``opened_in`` (``None``: not known).

    ``revisions`` are the (round, timescale) revisions it already had when it joined, oldest
    first: their history rows are written, and its current timescale is the last of them. With
    ``reported_in`` (an edition), its report for that round is written too, announced only by
    the one DeliverableAdded; if it joins complete and told in full (not as a placeholder), it
    closed in that round unless its closing round is known. The caller writes the deliverable
    row before the rows returned.
    """
    deliverable.opened_round = opened_in
    rows: list[DeliverablesTable] = []
    previous = deliverable.original_timescale
    for round_number, timescale in revisions:
        rows.append(_revision_row(deliverable, round_number, previous, timescale, reason, by))
        previous = timescale
    deliverable.timescale = previous
    deliverable.due_date = due_date_of(previous)
    if reported_in is not None:
        rows.append(_first_report(deliverable, reported_in, narrative, by, in_full=in_full))
    added = DeliverableAdded(
        **facts(deliverable, leads), status=deliverable.status, timescale=deliverable.timescale
    )
    return Recorded(rows=rows, events=[added])


def _first_report(
    deliverable: Deliverable, in_round: InRound, narrative: str | None, by: Author, *, in_full: bool
) -> RoundReport:
    """The report an edition gives a deliverable it adds; complete and told in full, it closed."""
    deliverable.latest_update = narrative
    complete = deliverable.status == DeliverableStatus.COMPLETE.value
    if complete and in_full and deliverable.closed_round is None:
        deliverable.closed_round = in_round.number
    return RoundReport(
        deliverable_number=deliverable.number,
        round_number=in_round.number,
        status=deliverable.status,
        narrative=narrative,
        submitted_by=by.subject,
    )


def check_revision(timescale: str, reason: str | None) -> None:
    """An editor's revision needs an explanation and a timescale that names a month and year."""
    if not reason or not reason.strip():
        raise BadUserInput("A revised timescale needs a reason.", field="reason")
    if due_date_of(timescale) is None:
        raise BadUserInput(
            "The new timescale must name a month and year, e.g. 'March 2025'.", field="timescale"
        )


def _revision_row(
    deliverable: Deliverable,
    round_number: int | None,
    old: str | None,
    new: str,
    reason: str | None,
    by: Author,
) -> TimescaleRevision:
    return TimescaleRevision(
        deliverable_number=deliverable.number,
        round_number=round_number,
        old_timescale=old,
        new_timescale=new,
        new_due_date=due_date_of(new),
        reason=reason,
        recorded_by=by.subject,
    )


def change_status(
    deliverable: Deliverable,
    leads: Sequence[str],
    status: DeliverableStatus,
    *,
    reason: str | None,
    by: Author,
    in_round: InRound | None,
) -> Recorded:
    """A status change and its event; nothing if the status is unchanged.

    Completing closes the deliverable in the round, unless a closing round is already known
    (an edition may state it); reopening a completed deliverable clears the closing round.
    """
    old = deliverable.status
    if old == status.value:
        return Recorded()
    change = StatusChange(
        deliverable_number=deliverable.number,
        round_number=in_round.number if in_round else None,
        old_status=old,
        new_status=status.value,
        reason=reason,
        changed_by=by.subject,
        changed_by_name=by.name,
    )
    deliverable.status = status.value
    _close_or_reopen(deliverable, old, status, in_round)
    deliverable.updated_at = utc_now()
    event = DeliverableStatusChanged(
        **facts(deliverable, leads),
        old_status=old,
        new_status=status.value,
        round=in_round.name if in_round else None,
        reason=reason,
    )
    return Recorded(rows=[change, deliverable], events=[event])


def _close_or_reopen(
    deliverable: Deliverable, old: str, status: DeliverableStatus, in_round: InRound | None
) -> None:
    """Completing closes the deliverable in the round unless its closing round is known;
    reopening a completed deliverable clears it."""
    if status is DeliverableStatus.COMPLETE:
        if deliverable.closed_round is None and in_round is not None:
            deliverable.closed_round = in_round.number
    elif old == DeliverableStatus.COMPLETE.value:
        deliverable.closed_round = None


def revise_timescale(
    deliverable: Deliverable,
    leads: Sequence[str],
    timescale: str,
    *,
    reason: str | None,
    by: Author,
    in_round: InRound | None,
) -> Recorded:
    """A revision row and its event; nothing if the timescale is already the current one."""
    old = deliverable.timescale
    if old == timescale:
        return Recorded()
    round_number = in_round.number if in_round else None
    revision = _revision_row(deliverable, round_number, old, timescale, reason, by)
    deliverable.timescale, deliverable.due_date = timescale, revision.new_due_date
    deliverable.updated_at = utc_now()
    event = DeliverableTimescaleRevised(
        **facts(deliverable, leads),
        old_timescale=old,
        new_timescale=timescale,
        reason=reason,
        round=in_round.name if in_round else None,
    )
    return Recorded(rows=[revision, deliverable], events=[event])
