"""The whole stored life of every deliverable, for comparing two databases after round trips."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func
from sqlmodel import Session, select

from services.deliverables.adapters.queries import partners_of
from services.deliverables.adapters.tables import Deliverable, RoundReport, TimescaleRevision
from shared.db import make_engine
from shared.outbox import OutboxMessage

LATER_EDITION = Path(__file__).parent / "editions" / "update_3_inline.txt"


def later_edition() -> str:
    """A later edition (update 3) the team wrote for tests: inline labels, completed section."""
    return LATER_EDITION.read_text(encoding="utf-8")


def copy_engine(template: Path, target: Path) -> Engine:
    """An engine on a copy of a migrated SQLite database."""
    shutil.copyfile(template, target)
    return make_engine(f"sqlite:///{target}")


def whole_plan(engine: Engine) -> dict[int, dict[str, Any]]:
    """Everything an edition states about each deliverable, and its life, as stored."""
    with Session(engine) as session:
        deliverables = session.exec(select(Deliverable)).all()
        partners = partners_of(session, [d.number for d in deliverables])
        revisions = session.exec(select(TimescaleRevision)).all()
        reports = session.exec(select(RoundReport)).all()
    return {
        d.number: {
            "place": (d.aim_number, d.priority_action_number),
            "title": d.title,
            "text": (d.text, d.further_detail),
            "timescale": (d.original_timescale, d.timescale, d.due_date),
            "revisions": sorted(
                (r.round_number, r.new_timescale)
                for r in revisions
                if r.deliverable_number == d.number
            ),
            "status": d.status,
            "rounds": {
                r.round_number: (r.status, r.narrative)
                for r in reports
                if r.deliverable_number == d.number
            },
            "latest_update": d.latest_update,
            "life": (d.opened_round, d.closed_round, d.additional_information),
            "partners": (
                [p.slug for p in partners[d.number]["lead"]],
                [p.slug for p in partners[d.number]["collaborator"]],
                d.lead_text,
                d.collaboration_text,
            ),
        }
        for d in deliverables
    }


def outbox_size(engine: Engine) -> int:
    with Session(engine) as session:
        return int(session.exec(select(func.count()).select_from(OutboxMessage)).one())
