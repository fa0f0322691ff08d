"""Apply one deliverable as an edition states it: add it, or record what changed as history.

The loader reads the current plan once into a ``PlanSnapshot``; unchanged entries cost no query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from services.deliverables.events import (
    DeliverableAdded,
    DeliverableFacts,
    DeliverableStatusChanged,
    DeliverableTimescaleRevised,
    DeliverableUpdated,
    EventContext,
    stage_deliverable_event,
)
from services.deliverables.importer.errors import ImportFormatError
from services.deliverables.importer.interpret import PlanEntry
from services.deliverables.importer.organisations import OrganisationResolver
from services.deliverables.importer.snapshot import PlanSnapshot
from services.deliverables.models import (
    Deliverable,
    ReportingRound,
    RoundReport,
    StatusChange,
    TimescaleRevision,
    utc_now,
)
from services.deliverables.plan_writes import partner_rows, set_partners
from services.deliverables.statuses import DeliverableStatus
from services.deliverables.timescales import due_date_of

PLACEHOLDER_TITLE = "Completed before this edition (details in earlier editions)"
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


@dataclass
class EntryContext:
    session: Session
    edition_round: ReportingRound
    resolver: OrganisationResolver
    events: EventContext
    actor: str | None
    plan: PlanSnapshot
    # Rows of new deliverables, written once the deliverables themselves are (foreign keys).
    dependent_rows: list[Any] = field(default_factory=list)

    def write_dependent_rows(self) -> None:
        self.session.flush()
        self.session.add_all(self.dependent_rows)
        self.dependent_rows = []
        self.session.flush()


def short_title(text: str | None, *, words: int = 12) -> str:
    if not text:
        return PLACEHOLDER_TITLE
    first = _SENTENCE_END.split(text.strip(), maxsplit=1)[0].rstrip(".")
    parts = first.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


def apply_entry(entry: PlanEntry, context: EntryContext) -> bool:
    """Write the entry; True if anything changed (events are staged for every change)."""
    existing = context.plan.deliverables.get(entry.number)
    if existing is None:
        _add(entry, context)
        return True
    if entry.placeholder:
        return _change_status(existing, entry.status, context)
    changed = _update_details(existing, entry, context)
    changed |= _record_revisions(existing, entry, context)
    changed |= _change_status(existing, entry.status, context)
    changed |= _record_narrative(existing, entry, context)
    if changed:
        existing.updated_at = utc_now()
        context.session.add(existing)
    return changed


def _facts(deliverable: Deliverable, context: EntryContext) -> dict[str, Any]:
    leads = context.plan.partners.get(deliverable.number, ([], []))[0]
    return DeliverableFacts(
        number=deliverable.number,
        title=deliverable.title,
        aim=deliverable.aim_number,
        priority_action=deliverable.priority_action_number,
        lead_partners=leads,
    ).model_dump()


def _add(entry: PlanEntry, context: EntryContext) -> None:
    if entry.aim is None or entry.priority_action is None:
        raise ImportFormatError(
            entry.line,
            f"deliverable No {entry.number} is new but appears only among previously completed "
            "deliverables (expected it under an 'Aim' and 'Priority Action' heading)",
        )
    session = context.session
    deliverable = _new_deliverable(entry, entry.aim, entry.priority_action)
    timescale = deliverable.timescale
    session.add(deliverable)
    leads = context.resolver.leads(entry.lead_text)
    collaborators = context.resolver.mentioned(entry.collaboration_text)
    pending = context.dependent_rows
    pending += partner_rows(entry.number, leads=leads, collaborators=collaborators)
    previous = entry.original_timescale
    for revision in entry.revisions:
        pending.append(
            _revision_row(entry.number, revision.round_number, previous, revision.timescale)
        )
        previous = revision.timescale
    report = RoundReport(
        deliverable_number=entry.number,
        round_number=context.edition_round.number,
        status=entry.status.value,
        narrative=entry.narrative,
        submitted_by=context.actor,
    )
    pending.append(report)
    context.plan.deliverables[entry.number] = deliverable
    context.plan.partners[entry.number] = (leads, collaborators)
    context.plan.reports[entry.number] = report
    payload = DeliverableAdded(
        **_facts(deliverable, context), status=entry.status.value, timescale=timescale
    )
    stage_deliverable_event(session, payload, context.events)


def _new_deliverable(entry: PlanEntry, aim: int, priority_action: int) -> Deliverable:
    timescale = entry.revisions[-1].timescale if entry.revisions else entry.original_timescale
    deliverable = Deliverable(
        number=entry.number,
        aim_number=aim,
        priority_action_number=priority_action,
        title=short_title(entry.text),
        status=entry.status.value,
        opened_round=entry.opened_round,
        closed_round=entry.closed_round,
        timescale=timescale,
        due_date=due_date_of(timescale),
    )
    _copy_text(deliverable, entry)
    return deliverable


def _copy_text(deliverable: Deliverable, entry: PlanEntry) -> None:
    deliverable.text = entry.text
    deliverable.further_detail = entry.further_detail
    deliverable.original_timescale = entry.original_timescale
    deliverable.lead_text = entry.lead_text
    deliverable.collaboration_text = entry.collaboration_text
    deliverable.additional_information = entry.additional_information
    deliverable.latest_update = entry.narrative or deliverable.latest_update


def _update_details(deliverable: Deliverable, entry: PlanEntry, context: EntryContext) -> bool:
    before = deliverable.model_dump()
    _copy_text(deliverable, entry)
    if entry.aim is not None and entry.priority_action is not None:
        deliverable.aim_number = entry.aim
        deliverable.priority_action_number = entry.priority_action
    if entry.opened_round is not None:
        deliverable.opened_round = entry.opened_round
    if entry.closed_round is not None:
        deliverable.closed_round = entry.closed_round
    changed = deliverable.model_dump() != before
    return _update_partners(deliverable.number, entry, context) or changed


def _update_partners(number: int, entry: PlanEntry, context: EntryContext) -> bool:
    stated = (
        context.resolver.leads(entry.lead_text),
        context.resolver.mentioned(entry.collaboration_text),
    )
    if context.plan.partners.get(number) == stated:
        return False
    set_partners(context.session, number, leads=stated[0], collaborators=stated[1])
    context.plan.partners[number] = stated
    return True


def _revision_row(number: int, round_number: int, old: str | None, new: str) -> TimescaleRevision:
    return TimescaleRevision(
        deliverable_number=number,
        round_number=round_number,
        old_timescale=old,
        new_timescale=new,
        new_due_date=due_date_of(new),
    )


def _record_revisions(deliverable: Deliverable, entry: PlanEntry, context: EntryContext) -> bool:
    known = context.plan.revisions.setdefault(deliverable.number, set())
    changed = False
    for revision in entry.revisions:
        if (revision.round_number, revision.timescale) in known:
            continue
        old = deliverable.timescale
        context.session.add(
            _revision_row(deliverable.number, revision.round_number, old, revision.timescale)
        )
        known.add((revision.round_number, revision.timescale))
        deliverable.timescale = revision.timescale
        deliverable.due_date = due_date_of(revision.timescale)
        payload = DeliverableTimescaleRevised(
            **_facts(deliverable, context),
            old_timescale=old,
            new_timescale=revision.timescale,
            reason=None,
            round=f"Update {revision.round_number}",
        )
        stage_deliverable_event(context.session, payload, context.events)
        changed = True
    return changed


def _report_for(deliverable: Deliverable, status: DeliverableStatus, context: EntryContext) -> bool:
    """Make sure the edition's round has a report with this status; True if one was written."""
    report = context.plan.reports.get(deliverable.number)
    if report is not None and report.status == status.value:
        return False
    if report is None:
        report = RoundReport(
            deliverable_number=deliverable.number,
            round_number=context.edition_round.number,
            status=status.value,
            submitted_by=context.actor,
        )
        context.plan.reports[deliverable.number] = report
    report.status = status.value
    context.session.add(report)
    return True


def _change_status(
    deliverable: Deliverable, status: DeliverableStatus, context: EntryContext
) -> bool:
    session, edition = context.session, context.edition_round
    report_written = _report_for(deliverable, status, context)
    if deliverable.status == status.value:
        return report_written
    old = deliverable.status
    session.add(
        StatusChange(
            deliverable_number=deliverable.number,
            round_number=edition.number,
            old_status=old,
            new_status=status.value,
            reason=f"Imported from {edition.name}",
            changed_by=context.actor,
        )
    )
    deliverable.status = status.value
    if status is DeliverableStatus.COMPLETE and deliverable.closed_round is None:
        deliverable.closed_round = edition.number
    payload = DeliverableStatusChanged(
        **_facts(deliverable, context), old_status=old, new_status=status.value, round=edition.name
    )
    stage_deliverable_event(session, payload, context.events)
    return True


def _record_narrative(deliverable: Deliverable, entry: PlanEntry, context: EntryContext) -> bool:
    report = context.plan.reports.get(deliverable.number)
    if not entry.narrative or report is None or report.narrative == entry.narrative:
        return False
    report.narrative = entry.narrative
    context.session.add(report)
    payload = DeliverableUpdated(
        **_facts(deliverable, context),
        narrative=entry.narrative,
        round=context.edition_round.name,
    )
    stage_deliverable_event(context.session, payload, context.events)
    return True
