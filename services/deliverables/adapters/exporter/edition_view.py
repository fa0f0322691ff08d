"""Read a reporting round back out of the database in the shape of the published document."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, col, select

from services.deliverables.adapters.importer.errors import ImportFormatError
from services.deliverables.adapters.importer.interpret import round_named
from services.deliverables.adapters.queries import partners_of
from services.deliverables.adapters.tables import (
    Aim,
    Deliverable,
    PriorityAction,
    ReportingRound,
    RoundReport,
    TimescaleRevision,
)
from services.deliverables.domain.organisation_names import collaboration_text_of, lead_text_of
from services.deliverables.domain.overdue import is_overdue
from services.deliverables.domain.statuses import DeliverableStatus
from services.deliverables.domain.titles import PLACEHOLDER_TITLE
from services.deliverables.schemas import OrganisationRef
from shared.errors import NotFound


@dataclass
class DeliverableView:
    number: int
    title: str
    aim: int
    priority_action: int
    placeholder: bool
    status: DeliverableStatus
    text: str | None
    timescale_lines: list[str]
    timescale: str | None
    due_date: date | None
    lead_text: str | None
    collaboration_text: str | None
    lead_partners: list[str]
    collaborators: list[str]
    further_detail: str | None
    narrative: str | None
    overdue: bool
    # The life of the deliverable as far as this round knows it (round labels the importer reads).
    opened: str | None = None
    closed: str | None = None
    additional_information: str | None = None
    # A placeholder in its priority action, told in full under 'Previously completed'.
    completed_earlier: bool = False


@dataclass
class PriorityActionView:
    number: int
    heading: str
    deliverables: list[DeliverableView] = field(default_factory=list)


@dataclass
class AimView:
    number: int
    heading: str
    priority_actions: list[PriorityActionView] = field(default_factory=list)


@dataclass
class EditionView:
    round_number: int
    round_name: str
    title: str
    aims: list[AimView]

    def deliverables(self) -> list[DeliverableView]:
        return [d for aim in self.aims for pa in aim.priority_actions for d in pa.deliverables]

    def completed_earlier(self) -> list[DeliverableView]:
        """The 'Previously completed deliverables' section, in number order."""
        return sorted(
            (item for item in self.deliverables() if item.completed_earlier),
            key=lambda item: item.number,
        )


def round_label(number: int, name: str) -> str:
    """A round's name as the importer reads its number back: 'Update 2, March 2024'."""
    try:
        if round_named(name) == number:
            return name
    except ImportFormatError:  # the name holds an absurd "update N": label it ourselves
        pass
    return "Original plan" if number == 0 else f"Update {number} \u2013 {name}"


def edition_title(round_number: int, round_name: str) -> str:
    """The heading the importer reads the round from: '...: delivery plan update 2, March 2024'."""
    prefix = "National strategy for community justice: delivery plan"
    label = round_label(round_number, round_name)
    if round_number == 0:
        rest = label.removeprefix("Original plan")
        return prefix + (rest if rest != label else f" \u2013 {label}")
    return f"{prefix} {label[:1].lower()}{label[1:]}"


def build_edition(session: Session, round_number: int) -> EditionView:
    reporting_round = session.get(ReportingRound, round_number)
    if reporting_round is None:
        raise NotFound(f"There is no reporting round {round_number}.", field="round")
    names = {r.number: r.name for r in session.exec(select(ReportingRound))}
    views = _deliverable_views(session, round_number, names)
    aims: list[AimView] = []
    actions = session.exec(select(PriorityAction).order_by(col(PriorityAction.number))).all()
    for aim in session.exec(select(Aim).order_by(col(Aim.number))):
        aim_view = AimView(aim.number, aim.text or aim.title)
        for action in (a for a in actions if a.aim_number == aim.number):
            aim_view.priority_actions.append(
                PriorityActionView(action.number, action.text or action.title, views[action.number])
            )
        aims.append(aim_view)
    return EditionView(
        round_number=round_number,
        round_name=reporting_round.name,
        title=edition_title(round_number, reporting_round.name),
        aims=aims,
    )


def _deliverable_views(
    session: Session, round_number: int, round_names: dict[int, str]
) -> dict[int, list[DeliverableView]]:
    deliverables = [
        item
        for item in session.exec(select(Deliverable).order_by(col(Deliverable.number)))
        if item.opened_round is None or item.opened_round <= round_number
    ]
    numbers = [item.number for item in deliverables]
    # Each deliverable's latest report up to this round: a round that brought it nothing new
    # has no report of its own, and its status then is the one reported before.
    reports = {
        row.deliverable_number: row
        for row in session.exec(
            select(RoundReport)
            .where(RoundReport.round_number <= round_number)
            .order_by(col(RoundReport.round_number))
        )
    }
    revisions: dict[int, list[TimescaleRevision]] = defaultdict(list)
    for row in session.exec(select(TimescaleRevision).order_by(col(TimescaleRevision.id))):
        if row.round_number is None or row.round_number <= round_number:
            revisions[row.deliverable_number].append(row)
    partners = partners_of(session, numbers)
    views: dict[int, list[DeliverableView]] = defaultdict(list)
    for item in deliverables:
        report = reports.get(item.number)
        view = _view(item, report, revisions[item.number], partners[item.number], round_number)
        _add_life(view, item, round_number, round_names)
        views[item.priority_action_number].append(view)
    return views


def _view(
    item: Deliverable,
    report: RoundReport | None,
    revisions: list[TimescaleRevision],
    partners: dict[str, list[OrganisationRef]],
    round_number: int,
) -> DeliverableView:
    status = DeliverableStatus(report.status if report else item.status)
    closed_before = item.closed_round is not None and item.closed_round < round_number
    timescale = revisions[-1].new_timescale if revisions else item.original_timescale
    lines = [item.original_timescale] if item.original_timescale else []
    lines += [f"Revised in update {r.round_number} to {r.new_timescale}" for r in revisions]
    leads = [ref.name for ref in partners["lead"]]
    collaborators = [ref.name for ref in partners["collaborator"]]
    return DeliverableView(
        number=item.number,
        title=item.title,
        aim=item.aim_number,
        priority_action=item.priority_action_number,
        placeholder=status is DeliverableStatus.COMPLETE
        and (item.title == PLACEHOLDER_TITLE or closed_before),
        status=status,
        text=item.text or item.title,
        timescale_lines=lines,
        timescale=timescale,
        due_date=revisions[-1].new_due_date if revisions else item.due_date,
        lead_text=item.lead_text or lead_text_of(leads),
        collaboration_text=item.collaboration_text or collaboration_text_of(collaborators),
        lead_partners=[ref.slug for ref in partners["lead"]],
        collaborators=[ref.slug for ref in partners["collaborator"]],
        further_detail=item.further_detail,
        narrative=report.narrative if report and report.round_number == round_number else None,
        overdue=is_overdue(
            status.value, revisions[-1].new_due_date if revisions else item.due_date
        ),
    )


def _add_life(
    view: DeliverableView, item: Deliverable, round_number: int, round_names: dict[int, str]
) -> None:
    """When it was opened and closed, and what was said at closing, as known in this round."""

    def label(number: int | None) -> str | None:
        if number is None or number > round_number:
            return None
        return round_label(number, round_names.get(number, f"Update {number}"))

    view.completed_earlier = view.placeholder and item.title != PLACEHOLDER_TITLE
    view.opened = label(item.opened_round)
    view.closed = label(item.closed_round)
    if item.closed_round is None or item.closed_round <= round_number:
        view.additional_information = item.additional_information
