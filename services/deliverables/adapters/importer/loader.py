"""Import a published edition in one transaction: aims, priority actions, deliverables, history."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import structlog
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from services.deliverables.adapters.importer.changes import EntryContext, PlanSnapshot, apply_entry
from services.deliverables.adapters.importer.decoding import check_text
from services.deliverables.adapters.importer.html_text import html_to_text, looks_like_html
from services.deliverables.adapters.importer.interpret import PlanEntry, interpret_edition
from services.deliverables.adapters.importer.organisations import OrganisationResolver
from services.deliverables.adapters.importer.parser import RawEdition, parse
from services.deliverables.adapters.importer.tokeniser import tokenise
from services.deliverables.adapters.plan_writes import ensure_reference_organisations, ensure_round
from services.deliverables.adapters.search import refresh_search_documents
from services.deliverables.adapters.tables import Aim, PriorityAction, ReportingRound, RoundReport
from services.deliverables.domain.transitions import Author
from services.deliverables.events import EventContext
from shared.errors import Conflict
from shared.unit_of_work import StagedEvent, UnitOfWork

log = structlog.get_logger()


@dataclass(frozen=True)
class ImportSummary:
    round_number: int
    round_name: str
    deliverables: int
    changed: list[int]  # added or changed, by number
    added: list[int]  # created by this import, by number
    seconds: float
    revised: list[int] = field(default_factory=list)  # changed, with a revision in this edition
    dry_run: bool = False  # a preview: nothing was kept


class _PreviewUnitOfWork(UnitOfWork):
    """Runs the whole import, then rolls it back: what it would do, with nothing written."""

    def _commit(self, session: Session, staged: list[StagedEvent]) -> None:
        session.rollback()

    def _after_commit(self) -> None:
        return None


@dataclass(frozen=True)
class LoadedEdition:
    changed: list[int]
    added: list[int]


def read_edition(document: str) -> tuple[RawEdition, list[PlanEntry]]:
    """Parse a whole edition before anything is written (errors name the line).

    HTML is first flattened to one block per line, so its line numbers count blocks. Binary or
    oversized input is refused first (UnreadableDocument).
    """
    check_text(document)
    if looks_like_html(document):
        document = html_to_text(document)
    edition = parse(tokenise(document))
    return edition, interpret_edition(edition)


def import_edition(
    engine: Engine,
    document: str,
    *,
    context: EventContext,
    author: Author | None = None,
    dry_run: bool = False,
) -> ImportSummary:
    """Load or update the plan from an edition's text; all of it or (on any error) none of it.

    ``dry_run`` runs the same import and rolls it back: a preview of what it would change."""
    started = time.perf_counter()
    edition, entries = read_edition(document)
    with (_PreviewUnitOfWork if dry_run else UnitOfWork)(engine) as uow:
        loaded = load_edition(uow, edition, entries, context=context, author=author)
    summary = ImportSummary(
        round_number=edition.round_number,
        round_name=edition.round_name,
        deliverables=len(entries),
        changed=loaded.changed,
        added=loaded.added,
        seconds=round(time.perf_counter() - started, 3),
        revised=[e.number for e in entries if _revised_in(e, edition.round_number, loaded)],
        dry_run=dry_run,
    )
    log.info(
        "plan_edition_previewed" if dry_run else "plan_edition_imported",
        round=summary.round_name,
        changed=len(loaded.changed),
        added=len(loaded.added),
    )
    return summary


def _revised_in(entry: PlanEntry, round_number: int, loaded: LoadedEdition) -> bool:
    """The import changes the entry, and the edition revises its timescale."""
    if entry.number not in loaded.changed:
        return False
    return any(revision.round_number == round_number for revision in entry.revisions)


def load_edition(
    uow: UnitOfWork,
    edition: RawEdition,
    entries: list[PlanEntry],
    *,
    context: EventContext,
    author: Author | None,
) -> LoadedEdition:
    session = uow.session
    _ensure_not_older_than_recorded(session, edition)
    ensure_reference_organisations(session)
    for revision_round in sorted({r.round_number for e in entries for r in e.revisions}):
        if revision_round != edition.round_number:
            ensure_round(session, revision_round, f"Update {revision_round}", published=True)
    author = author or Author()
    edition_round = ensure_round(
        session, edition.round_number, edition.round_name, published=True, actor=author.subject
    )
    _load_headings(session, edition)
    entry_context = EntryContext(
        uow=uow,
        edition_round=edition_round,
        resolver=OrganisationResolver(session),
        events=context,
        author=author,
        plan=PlanSnapshot.read(session, edition_round.number),
        round_names={r.number: r.name for r in session.exec(select(ReportingRound))},
    )
    known = set(entry_context.plan.deliverables)
    changed = [entry.number for entry in entries if apply_entry(entry, entry_context)]
    entry_context.write_dependent_rows()
    refresh_search_documents(session, changed)
    return LoadedEdition(changed=changed, added=[n for n in changed if n not in known])


def _ensure_not_older_than_recorded(session: Session, edition: RawEdition) -> None:
    """An older edition over newer reports would roll statuses back: editions go in order."""
    latest = session.exec(select(func.max(RoundReport.round_number))).one()
    if latest is not None and edition.round_number < latest:
        raise Conflict(
            f"{edition.round_name} is older than round {latest}, which is already recorded; "
            "import editions in order."
        )


def _load_headings(session: Session, edition: RawEdition) -> None:
    """Aims and priority actions keep our own short titles; the published wording goes in text."""
    for number, text in edition.aims.items():
        aim = session.get(Aim, number) or Aim(number=number, title=text[:300])
        aim.text = text
        session.add(aim)
    session.flush()
    for number, (aim_number, text) in edition.priority_actions.items():
        action = session.get(PriorityAction, number) or PriorityAction(
            number=number, aim_number=aim_number, title=text[:300]
        )
        action.text = text
        session.add(action)
    session.flush()
