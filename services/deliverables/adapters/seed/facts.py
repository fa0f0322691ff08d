"""Load the plan's facts (seed/plan_facts.json) into an empty database."""

from __future__ import annotations

import json
from datetime import date
from importlib import resources
from typing import Any

import structlog
from sqlalchemy import Engine
from sqlmodel import Session, select

from services.deliverables.adapters.plan_writes import (
    ensure_reference_organisations,
    ensure_round,
    partner_rows,
)
from services.deliverables.adapters.search import refresh_search_documents
from services.deliverables.adapters.tables import (
    Aim,
    Deliverable,
    PriorityAction,
    RoundReport,
    TimescaleRevision,
)
from shared.db import transaction

log = structlog.get_logger()


def plan_facts() -> dict[str, Any]:
    raw = (
        resources.files("services.deliverables.adapters.seed")
        .joinpath("plan_facts.json")
        .read_text()
    )
    facts: dict[str, Any] = json.loads(raw)
    return facts


def seed_if_empty(engine: Engine) -> bool:
    """Seed the facts unless the plan already has deliverables; True if it seeded."""
    with transaction(engine) as session:
        if session.exec(select(Deliverable.number).limit(1)).first() is not None:
            return False
        load_facts(session, plan_facts())
    log.info("deliverables_seeded")
    return True


def load_facts(session: Session, facts: dict[str, Any]) -> None:
    """Insert the facts in a few bulk statements (the seed runs on every fresh database)."""
    ensure_reference_organisations(session)
    for item in facts["rounds"]:
        ensure_round(session, item["number"], item["name"], published=True)
    latest_round = max(item["number"] for item in facts["rounds"])
    for aim in facts["aims"]:
        session.add(Aim(number=aim["number"], title=aim["title"]))
        session.add_all(
            PriorityAction(number=pa["number"], aim_number=aim["number"], title=pa["title"])
            for pa in aim["priority_actions"]
        )
    session.flush()
    session.add_all(_deliverable(item) for item in facts["deliverables"])
    session.flush()
    for item in facts["deliverables"]:
        session.add_all(
            partner_rows(
                item["number"], leads=item["lead_partners"], collaborators=item["collaborators"]
            )
        )
        session.add_all(_revisions(item))
        session.add(
            RoundReport(
                deliverable_number=item["number"], round_number=latest_round, status=item["status"]
            )
        )
    session.flush()
    refresh_search_documents(session, [item["number"] for item in facts["deliverables"]])


def _deliverable(item: dict[str, Any]) -> Deliverable:
    revisions = item["revisions"]
    current = revisions[-1] if revisions else item
    return Deliverable(
        number=item["number"],
        aim_number=item["aim"],
        priority_action_number=item["priority_action"],
        title=item["title"],
        original_timescale=item["timescale"],
        timescale=current["timescale"],
        due_date=_date(current["due_date"]),
        status=item["status"],
        opened_round=item.get("opened_round"),
        closed_round=item.get("closed_round"),
    )


def _revisions(item: dict[str, Any]) -> list[TimescaleRevision]:
    rows: list[TimescaleRevision] = []
    previous = item["timescale"]
    for revision in item["revisions"]:
        rows.append(
            TimescaleRevision(
                deliverable_number=item["number"],
                round_number=revision["round"],
                old_timescale=previous,
                new_timescale=revision["timescale"],
                new_due_date=_date(revision["due_date"]),
            )
        )
        previous = revision["timescale"]
    return rows


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None
