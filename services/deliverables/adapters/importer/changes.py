"""Apply one deliverable as an edition states it: add it, or record what changed as history.

The rules of each change live in ``domain.transitions``, shared with the use cases, so an
import leaves the same history rows and events as the same change made by an editor. The loader
reads the current plan once into a ``PlanSnapshot``; unchanged entries cost no query.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from services.deliverables.adapters.importer.errors import ImportFormatError
from services.deliverables.adapters.importer.interpret import PlanEntry
from services.deliverables.adapters.importer.organisations import OrganisationResolver
from services.deliverables.adapters.importer.snapshot import PlanSnapshot
from services.deliverables.adapters.plan_writes import partner_rows, set_partners
from services.deliverables.adapters.tables import Deliverable, ReportingRound, RoundReport
from services.deliverables.domain import reporting, transitions
from services.deliverables.domain.organisation_names import collaboration_text_of, lead_text_of
from services.deliverables.domain.statuses import DeliverableStatus
from services.deliverables.domain.timescales import due_date_of
from services.deliverables.domain.titles import restate_text, short_title
from services.deliverables.domain.transitions import Author, InRound, Recorded
from services.deliverables.events import EventContext
from services.deliverables.use_cases.recording import record
from shared.unit_of_work import UnitOfWork


@dataclass
class EntryContext:
    uow: UnitOfWork
    edition_round: ReportingRound
    resolver: OrganisationResolver
    events: EventContext
    author: Author
    plan: PlanSnapshot
    round_names: dict[int, str]
    # Rows of new deliverables, written once the deliverables themselves are (foreign keys).
    dependent_rows: list[Any] = field(default_factory=list)

    @property
    def session(self) -> Session:
        return self.uow.session

    @property
    def in_round(self) -> InRound:
        return InRound(self.edition_round.number, self.edition_round.name)

    @property
    def reason(self) -> str:
        """Why an imported change happened: the edition says so."""
        return f"Imported from {self.edition_round.name}"

    def round_of(self, number: int) -> InRound:
        return InRound(number, self.round_names.get(number, f"Update {number}"))

    def leads(self, number: int) -> list[str]:
        return self.plan.partners.get(number, ([], []))[0]

    def write_dependent_rows(self) -> None:
        self.session.flush()
        self.session.add_all(self.dependent_rows)
        self.dependent_rows = []
        self.session.flush()


def apply_entry(entry: PlanEntry, context: EntryContext) -> bool:
    """Write the entry; True if anything changed (events are staged for every change)."""
    existing = context.plan.deliverables.get(entry.number)
    if existing is None:
        _add(entry, context)
        return True
    changed = False if entry.placeholder else _update_details(existing, entry, context)
    recorded = Recorded() if entry.placeholder else _revisions(existing, entry, context)
    recorded += _status_and_report(existing, entry, context)
    return record(context.uow, recorded, context.events) or changed


def _add(entry: PlanEntry, context: EntryContext) -> None:
    if entry.aim is None or entry.priority_action is None:
        raise ImportFormatError(
            entry.line,
            f"deliverable No {entry.number} is new but appears only among previously completed "
            "deliverables (expected it under an 'Aim' and 'Priority Action' heading)",
        )
    deliverable = Deliverable(
        number=entry.number,
        aim_number=entry.aim,
        priority_action_number=entry.priority_action,
        title=short_title(entry.text),
        status=entry.status.value,
        closed_round=entry.closed_round,
    )
    _copy_text(deliverable, entry, context)
    leads = context.resolver.leads(entry.lead_text)
    collaborators = context.resolver.mentioned(entry.collaboration_text)
    recorded = transitions.add(
        deliverable,
        leads,
        opened_in=entry.opened_round,
        revisions=[(revision.round_number, revision.timescale) for revision in entry.revisions],
        by=context.author,
        reason=context.reason,
        reported_in=context.in_round,
        narrative=entry.narrative,
        in_full=not entry.placeholder,
    )
    context.session.add(deliverable)
    context.dependent_rows += partner_rows(entry.number, leads=leads, collaborators=collaborators)
    context.dependent_rows += recorded.rows
    record(context.uow, Recorded(events=recorded.events), context.events)
    context.plan.deliverables[entry.number] = deliverable
    context.plan.partners[entry.number] = (leads, collaborators)
    [report] = [row for row in recorded.rows if isinstance(row, RoundReport)]
    context.plan.reports[entry.number] = report


def _copy_text(deliverable: Deliverable, entry: PlanEntry, context: EntryContext) -> None:
    """The edition's wording; what it does not state (opened, closed, closing words) is kept."""
    restate_text(deliverable, entry.text)
    deliverable.further_detail = entry.further_detail
    deliverable.original_timescale = entry.original_timescale
    resolver = context.resolver
    leads = resolver.names_of(resolver.leads(entry.lead_text))
    collaborators = resolver.names_of(resolver.mentioned(entry.collaboration_text))
    # Responsibility that only lists the partners' names (as an export writes it when no wording
    # was stated) adds nothing to the partners themselves: it is not kept as wording.
    lead_text, collaboration_text = entry.lead_text, entry.collaboration_text
    deliverable.lead_text = None if lead_text == lead_text_of(leads) else lead_text
    same = collaboration_text == collaboration_text_of(collaborators)
    deliverable.collaboration_text = None if same else collaboration_text
    if entry.opened_round is not None:
        deliverable.opened_round = entry.opened_round
    if entry.additional_information:
        deliverable.additional_information = entry.additional_information


def _update_details(deliverable: Deliverable, entry: PlanEntry, context: EntryContext) -> bool:
    before = deliverable.model_dump()
    _copy_text(deliverable, entry, context)
    if entry.aim is not None and entry.priority_action is not None:
        deliverable.aim_number = entry.aim
        deliverable.priority_action_number = entry.priority_action
    if entry.original_timescale and not context.plan.revisions.get(deliverable.number):
        # Never revised: the timescale first stated is the current one (a placeholder's too).
        deliverable.timescale = entry.original_timescale
        deliverable.due_date = due_date_of(entry.original_timescale)
    changed = deliverable.model_dump() != before
    if changed:
        context.session.add(deliverable)
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


def _revisions(deliverable: Deliverable, entry: PlanEntry, context: EntryContext) -> Recorded:
    """The revisions the edition states that are not on record yet, each in its own round."""
    known = context.plan.revisions.setdefault(deliverable.number, set())
    recorded = Recorded()
    for revision in entry.revisions:
        if (revision.round_number, revision.timescale) in known:
            continue
        known.add((revision.round_number, revision.timescale))
        recorded += transitions.revise_timescale(
            deliverable,
            context.leads(deliverable.number),
            revision.timescale,
            reason=context.reason,
            by=context.author,
            in_round=context.round_of(revision.round_number),
        )
    return recorded


def _status_and_report(
    deliverable: Deliverable, entry: PlanEntry, context: EntryContext
) -> Recorded:
    """The round's status and narrative; then, if complete, what the edition says of its closing."""
    leads = context.leads(deliverable.number)
    report, recorded = reporting.submit_update(
        deliverable,
        leads,
        context.plan.reports.get(deliverable.number),
        status=entry.status,
        narrative=entry.narrative,
        new_timescale=None,
        reason=context.reason,
        by=context.author,
        in_round=context.in_round,
    )
    if report is not None:
        context.plan.reports[deliverable.number] = report
    if entry.status is DeliverableStatus.COMPLETE:
        recorded += reporting.close(
            deliverable,
            leads,
            closed_round=entry.closed_round,
            additional_information=entry.additional_information,
            reason=context.reason,
            by=context.author,
            in_round=context.in_round,
        )
    return recorded
