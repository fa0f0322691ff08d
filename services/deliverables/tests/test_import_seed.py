# ruff: noqa: RUF001  (the published documents use en dashes and curly quotes)
"""Importing the real published edition (update 2, March 2024): facts, idempotence, history."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, func, select

from services.deliverables.adapters.importer.errors import ImportFormatError
from services.deliverables.adapters.importer.loader import import_edition
from services.deliverables.adapters.queries import partners_of
from services.deliverables.adapters.seed.facts import plan_facts
from services.deliverables.adapters.tables import (
    Deliverable,
    RoundReport,
    StatusChange,
    TimescaleRevision,
)
from services.deliverables.events import EventContext
from shared.errors import Conflict
from shared.outbox import OutboxMessage

IMPORTER = EventContext()

# Aim, priority action, status and lead partners as the seed document states them (read by hand).
SG = "scottish-government"
EXPECTED = {
    8: (2, 3, "in_progress_revised", ["local-authorities"]),
    9: (2, 3, "in_progress_revised", ["local-authorities"]),
    13: (2, 5, "complete", []),
    24: (3, 7, "outstanding", ["nhs-boards", "sps"]),
    25: (3, 8, "complete", [SG]),
    26: (3, 8, "in_progress_revised", [SG]),
    38: (4, 12, "in_progress_revised", [SG]),
    40: (4, 13, "in_progress", [SG, "community-justice-scotland"]),
    42: (1, 2, "in_progress", [SG, "police-scotland", "scottish-police-authority"]),
    43: (2, 3, "in_progress", [SG]),
    44: (2, 4, "in_progress", [SG]),
    **{number: (4, 11, "in_progress", [SG]) for number in range(45, 51)},
}


def _event_counts(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        rows = session.exec(
            select(OutboxMessage.event_type, func.count()).group_by(col(OutboxMessage.event_type))
        ).all()
    return {event_type: int(count) for event_type, count in rows}


def _plan(engine: Engine) -> dict[int, dict[str, Any]]:
    """Everything the document states about each deliverable, as stored."""
    with Session(engine) as session:
        deliverables = session.exec(select(Deliverable)).all()
        partners = partners_of(session, [d.number for d in deliverables])
        revisions = session.exec(select(TimescaleRevision)).all()
        reports = session.exec(select(RoundReport).where(RoundReport.round_number == 2)).all()
    narrative = {r.deliverable_number: r.narrative for r in reports}
    return {
        d.number: {
            "aim": d.aim_number,
            "priority_action": d.priority_action_number,
            "status": d.status,
            "text": d.text,
            "further_detail": d.further_detail,
            "timescale": (d.original_timescale, d.timescale, d.due_date),
            "revisions": sorted(
                (r.round_number, r.new_timescale)
                for r in revisions
                if r.deliverable_number == d.number
            ),
            "leads": [p.slug for p in partners[d.number]["lead"]],
            "collaborators": [p.slug for p in partners[d.number]["collaborator"]],
            "responsibility": (d.lead_text, d.collaboration_text),
            "narrative": narrative.get(d.number),
        }
        for d in deliverables
    }


def test_seed_yields_50_deliverables_with_the_stated_statuses_and_leads(
    empty_engine: Engine, seed_document: str
) -> None:
    summary = import_edition(empty_engine, seed_document, context=IMPORTER)
    assert (summary.round_number, summary.deliverables) == (2, 50)
    assert summary.added == summary.changed == list(range(1, 51))
    plan = _plan(empty_engine)
    assert sorted(plan) == list(range(1, 51))
    for number, expected in EXPECTED.items():
        stored = plan[number]
        found = (stored["aim"], stored["priority_action"], stored["status"], stored["leads"])
        assert found == expected, number
    assert plan[8]["revisions"] == [(1, "June 2024")]
    assert plan[26]["revisions"] == [(2, "December 2024")]
    assert plan[24]["timescale"][1] == "March 2024"
    assert _event_counts(empty_engine) == {"DeliverableAdded": 50}
    # The facts shipped for seeding agree with the document they were taken from.
    for fact in plan_facts()["deliverables"]:
        stored = plan[fact["number"]]
        assert (stored["aim"], stored["priority_action"], stored["status"]) == (
            fact["aim"],
            fact["priority_action"],
            fact["status"],
        )
        assert stored["leads"] == fact["lead_partners"]
        assert stored["collaborators"] == fact["collaborators"]
        assert stored["revisions"] == [(r["round"], r["timescale"]) for r in fact["revisions"]]


def test_reimport_changes_nothing_and_a_later_edition_records_history_and_events(
    empty_engine: Engine, seed_document: str
) -> None:
    import_edition(empty_engine, seed_document, context=IMPORTER)
    before = (_plan(empty_engine), _event_counts(empty_engine))
    summary = import_edition(empty_engine, seed_document, context=IMPORTER)
    assert summary.changed == summary.added == []
    assert (_plan(empty_engine), _event_counts(empty_engine)) == before
    later = (
        seed_document.replace(
            "delivery plan update 2 – March 2024", "delivery plan update 3 – December 2024"
        )
        .replace(
            "June 2024\n\nResponsibility\n\nLead partners - Scottish Government and Community",
            "June 2024\n\nRevised in update 3 to March 2025\n\nResponsibility\n\n"
            "Lead partners - Scottish Government and Community",
        )
        .replace(
            "Status\n\nIn progress\n\nNo 41",
            "Status\n\nIn progress (with revised timescale)\n\nNo 41",
        )
    )
    summary = import_edition(empty_engine, later, context=IMPORTER)
    assert summary.round_number == 3
    assert 40 in summary.changed
    assert summary.added == []
    with Session(empty_engine) as session:
        deliverable = session.get(Deliverable, 40)
        assert deliverable is not None
        assert (deliverable.status, deliverable.timescale) == ("in_progress_revised", "March 2025")
        change = session.exec(
            select(StatusChange).where(StatusChange.deliverable_number == 40)
        ).one()
        assert (change.old_status, change.new_status, change.round_number) == (
            "in_progress",
            "in_progress_revised",
            3,
        )
        revision = session.exec(
            select(TimescaleRevision).where(TimescaleRevision.deliverable_number == 40)
        ).one()
        assert (revision.old_timescale, revision.new_timescale, revision.round_number) == (
            "June 2024",
            "March 2025",
            3,
        )
    counts = _event_counts(empty_engine)
    assert counts["DeliverableStatusChanged"] == 1
    assert counts["DeliverableTimescaleRevised"] == 1
    # Going back to an older edition would roll statuses back: refused, nothing written.
    older = seed_document.replace("update 2 – March 2024", "update 1 – December 2023")
    with pytest.raises(Conflict, match="older than round 3"):
        import_edition(empty_engine, older, context=IMPORTER)
    assert _event_counts(empty_engine) == counts


def test_an_unreadable_edition_imports_nothing(empty_engine: Engine, seed_document: str) -> None:
    broken = seed_document.replace(
        "Status\n\nIn progress\n\nNo 41", "Status\n\nNearly there\n\nNo 41"
    )
    with pytest.raises(ImportFormatError, match=r"line 1598: deliverable No 40 has status"):
        import_edition(empty_engine, broken, context=IMPORTER)
    with Session(empty_engine) as session:
        assert session.exec(select(Deliverable)).first() is None
        assert session.exec(select(OutboxMessage)).first() is None


def test_a_failure_while_writing_rolls_back_the_whole_import(
    empty_engine: Engine, seed_document: str
) -> None:
    # No 77 is written last, after 1-50, and fails: it is new yet has no aim in this edition.
    broken = seed_document.replace(
        "\nContact\n",
        "\nPreviously completed deliverables\n\nNo 77\n\nDeliverable\n\nX\n\nContact\n",
    )
    with pytest.raises(ImportFormatError, match=r"line 1664: deliverable No 77 is new"):
        import_edition(empty_engine, broken, context=IMPORTER)
    with Session(empty_engine) as session:
        assert session.exec(select(func.count()).select_from(Deliverable)).one() == 0
        assert session.exec(select(OutboxMessage)).first() is None
