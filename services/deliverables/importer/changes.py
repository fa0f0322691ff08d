"""Apply one deliverable as an edition states it: add it, or record what changed as history."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlmodel import Session, select

from services.deliverables.events import (
    DeliverableAdded,
    DeliverableStatusChanged,
    DeliverableTimescaleRevised,
    DeliverableUpdated,
    EventContext,
    stage_deliverable_event,
)
from services.deliverables.importer.errors import ImportFormatError
from services.deliverables.importer.interpret import PlanEntry
from services.deliverables.importer.organisations import OrganisationResolver
from services.deliverables.models import (
    Deliverable,
    ReportingRound,
    RoundReport,
    StatusChange,
    TimescaleRevision,
    utc_now,
)
from services.deliverables.plan_writes import set_partners
from services.deliverables.queries import partners_of
from services.deliverables.statuses import DeliverableStatus
from services.deliverables.timescales import due_date_of
from services.deliverables.use_cases.facts import facts_of

PLACEHOLDER_TITLE = "Completed before this edition (details in earlier editions)"
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


@dataclass
class EntryContext:
    session: Session
    edition_round: ReportingRound
    resolver: OrganisationResolver
    events: EventContext
    actor: str | None


def short_title(text: str | None, *, words: int = 12) -> str:
    if not text:
        return PLACEHOLDER_TITLE
    first = _SENTENCE_END.split(text.strip(), maxsplit=1)[0].rstrip(".")
    parts = first.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


def apply_entry(entry: PlanEntry, context: EntryContext) -> bool:
    """Write the entry; True if anything changed (events are staged for every change)."""
    existing = context.session.get(Deliverable, entry.number)
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


def _current_timescale(entry: PlanEntry) -> str | None:
    return entry.revisions[-1].timescale if entry.revisions else entry.original_timescale


def _add(entry: PlanEntry, context: EntryContext) -> None:
    if entry.aim is None or entry.priority_action is None:
        raise ImportFormatError(
            entry.line,
            f"deliverable No {entry.number} is new but appears only among previously completed "
            "deliverables (expected it under an 'Aim' and 'Priority Action' heading)",
        )
    session = context.session
    timescale = _current_timescale(entry)
    deliverable = Deliverable(
        number=entry.number,
        aim_number=entry.aim,
        priority_action_number=entry.priority_action,
        title=short_title(entry.text),
        status=entry.status.value,
        opened_round=entry.opened_round,
        closed_round=entry.closed_round,
        timescale=timescale,
        due_date=due_date_of(timescale),
    )
    _copy_text(deliverable, entry)
    session.add(deliverable)
    session.flush()
    set_partners(
        session,
        entry.number,
        leads=context.resolver.leads(entry.lead_text),
        collaborators=context.resolver.mentioned(entry.collaboration_text),
    )
    previous = entry.original_timescale
    for revision in entry.revisions:
        _add_revision_row(
            session, entry.number, revision.round_number, previous, revision.timescale
        )
        previous = revision.timescale
    session.add(
        RoundReport(
            deliverable_number=entry.number,
            round_number=context.edition_round.number,
            status=entry.status.value,
            narrative=entry.narrative,
            submitted_by=context.actor,
        )
    )
    payload = DeliverableAdded(
        **facts_of(session, deliverable), status=entry.status.value, timescale=timescale
    )
    stage_deliverable_event(session, payload, context.events)


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
    changed |= _update_partners(deliverable.number, entry, context)
    return changed


def _update_partners(number: int, entry: PlanEntry, context: EntryContext) -> bool:
    leads = context.resolver.leads(entry.lead_text)
    collaborators = context.resolver.mentioned(entry.collaboration_text)
    current = partners_of(context.session, [number])[number]
    if [ref.slug for ref in current["lead"]] == leads and [
        ref.slug for ref in current["collaborator"]
    ] == collaborators:
        return False
    set_partners(context.session, number, leads=leads, collaborators=collaborators)
    return True


def _add_revision_row(
    session: Session, number: int, round_number: int, old: str | None, new: str
) -> None:
    session.add(
        TimescaleRevision(
            deliverable_number=number,
            round_number=round_number,
            old_timescale=old,
            new_timescale=new,
            new_due_date=due_date_of(new),
        )
    )


def _record_revisions(deliverable: Deliverable, entry: PlanEntry, context: EntryContext) -> bool:
    session = context.session
    known = {
        (row.round_number, row.new_timescale)
        for row in session.exec(
            select(TimescaleRevision).where(
                TimescaleRevision.deliverable_number == deliverable.number
            )
        )
    }
    changed = False
    for revision in entry.revisions:
        if (revision.round_number, revision.timescale) in known:
            continue
        old = deliverable.timescale
        _add_revision_row(
            session, deliverable.number, revision.round_number, old, revision.timescale
        )
        deliverable.timescale = revision.timescale
        deliverable.due_date = due_date_of(revision.timescale)
        payload = DeliverableTimescaleRevised(
            **facts_of(session, deliverable),
            old_timescale=old,
            new_timescale=revision.timescale,
            reason=None,
            round=f"Update {revision.round_number}",
        )
        stage_deliverable_event(session, payload, context.events)
        changed = True
    return changed


def _round_report(session: Session, number: int, round_number: int) -> RoundReport | None:
    return session.exec(
        select(RoundReport).where(
            RoundReport.deliverable_number == number, RoundReport.round_number == round_number
        )
    ).first()


def _change_status(
    deliverable: Deliverable, status: DeliverableStatus, context: EntryContext
) -> bool:
    session, edition = context.session, context.edition_round
    report = _round_report(session, deliverable.number, edition.number)
    if report is None:
        session.add(
            RoundReport(
                deliverable_number=deliverable.number,
                round_number=edition.number,
                status=status.value,
                submitted_by=context.actor,
            )
        )
    elif report.status != status.value:
        report.status = status.value
        session.add(report)
    if deliverable.status == status.value:
        return report is None
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
        **facts_of(session, deliverable),
        old_status=old,
        new_status=status.value,
        round=edition.name,
    )
    stage_deliverable_event(session, payload, context.events)
    return True


def _record_narrative(deliverable: Deliverable, entry: PlanEntry, context: EntryContext) -> bool:
    if not entry.narrative:
        return False
    session = context.session
    session.flush()
    report = _round_report(session, deliverable.number, context.edition_round.number)
    assert report is not None  # _change_status made sure the round has a report
    if report.narrative == entry.narrative:
        return False
    report.narrative = entry.narrative
    session.add(report)
    payload = DeliverableUpdated(
        **facts_of(session, deliverable),
        narrative=entry.narrative,
        round=context.edition_round.name,
    )
    stage_deliverable_event(session, payload, context.events)
    return True
