"""The deliverable use cases through ``FakeUnitOfWork`` on an in-memory database: milliseconds."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, select

from services.deliverables.adapters.plan_writes import partner_rows
from services.deliverables.adapters.tables import (
    Aim,
    Deliverable,
    DeliverablesTable,
    Organisation,
    PriorityAction,
    ReportingRound,
    RoundReport,
    StatusChange,
)
from services.deliverables.domain.statuses import DeliverableStatus
from services.deliverables.events import EventContext
from services.deliverables.schemas_history import SubmitUpdateRequest
from services.deliverables.use_cases.change_status import change_status
from services.deliverables.use_cases.submit_update import submit_update
from shared.errors import BadUserInput, Forbidden
from shared.identity import Identity, Role
from shared.unit_of_work import FakeUnitOfWork

POLICE = Identity(
    subject="police@cjp.test", name="P Editor", role=Role.PARTNER_EDITOR, organisation="police"
)
OTHER = Identity(
    subject="sg@cjp.test", name="S Editor", role=Role.PARTNER_EDITOR, organisation="sg"
)


@pytest.fixture
def engine() -> Iterator[Engine]:
    """One deliverable led by the police, and an open round 3."""
    engine = create_engine(
        "sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False}
    )
    DeliverablesTable.metadata.create_all(engine)
    with Session(engine) as session:
        session.add_all([Aim(number=1, title="Aim"), Organisation(slug="police", name="Police")])
        session.add(PriorityAction(number=2, aim_number=1, title="Action"))
        session.add(ReportingRound(number=3, name="Update 3", state="open"))
        session.add(
            Deliverable(
                number=5,
                aim_number=1,
                priority_action_number=2,
                title="Triage",
                timescale="June 2025",
                status="in_progress",
            )
        )
        session.flush()
        session.add_all(partner_rows(5, leads=["police"], collaborators=[]))
        session.commit()
    yield engine
    engine.dispose()


def _uow(engine: Engine) -> FakeUnitOfWork:
    return FakeUnitOfWork(lambda: Session(engine, expire_on_commit=False))


def test_a_status_change_commits_its_row_report_and_event_once(engine: Engine) -> None:
    uow = _uow(engine)
    out = change_status(
        uow,
        number=5,
        status=DeliverableStatus.COMPLETE,
        reason="Done",
        identity=POLICE,
        context=EventContext(),
    )
    assert (out.status, out.closed_round) == (DeliverableStatus.COMPLETE, 3)
    assert (uow.commits, uow.rollbacks, uow.event_types()) == (1, 0, ["DeliverableStatusChanged"])
    with Session(engine) as session:
        [change] = session.exec(select(StatusChange)).all()
        [report] = session.exec(select(RoundReport)).all()
    assert (change.changed_by, change.changed_by_name, change.round_number) == (
        "police@cjp.test",
        "P Editor",
        3,
    )
    assert (report.round_number, report.status) == (3, "complete")


def test_a_refused_change_rolls_back_and_announces_nothing(engine: Engine) -> None:
    uow = _uow(engine)
    with pytest.raises(Forbidden):
        change_status(
            uow,
            number=5,
            status=DeliverableStatus.COMPLETE,
            reason=None,
            identity=OTHER,
            context=EventContext(),
        )
    refused = SubmitUpdateRequest(status=DeliverableStatus.IN_PROGRESS_REVISED, narrative="Late")
    with pytest.raises(BadUserInput, match="revised-timescale status needs"):
        submit_update(
            uow,
            round_number=3,
            number=5,
            update=refused,
            identity=POLICE,
            context=EventContext(),
        )
    assert (uow.commits, uow.rollbacks, uow.published) == (0, 2, [])
    with Session(engine) as session:
        assert session.exec(select(StatusChange)).first() is None
