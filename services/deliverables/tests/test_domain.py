"""The deliverable transitions on plain objects: no database, no HTTP, milliseconds each."""

from __future__ import annotations

import pytest

from services.deliverables.adapters.tables import (
    Deliverable,
    RoundReport,
    StatusChange,
    TimescaleRevision,
)
from services.deliverables.domain.reporting import close, report, submit_update
from services.deliverables.domain.statuses import DeliverableStatus
from services.deliverables.domain.titles import PLACEHOLDER_TITLE, restate_text, short_title
from services.deliverables.domain.transitions import (
    Author,
    InRound,
    add,
    change_status,
    check_revision,
    revise_timescale,
)
from services.deliverables.events import (
    DeliverableAdded,
    DeliverableStatusChanged,
    DeliverableTimescaleRevised,
    DeliverableUpdated,
)
from shared.errors import BadUserInput

EDITOR = Author("sg.editor@cjp.test", "SG Editor")
ROUND_3 = InRound(3, "Update 3 – December 2024")  # noqa: RUF001
LEADS = ["scottish-government"]


def _deliverable(status: DeliverableStatus = DeliverableStatus.IN_PROGRESS) -> Deliverable:
    return Deliverable(
        number=40,
        aim_number=4,
        priority_action_number=13,
        title="Help partners find services",
        text="Help partners find services.",
        original_timescale="June 2024",
        timescale="June 2024",
        status=status.value,
    )


def test_a_status_change_records_who_why_and_in_which_round() -> None:
    deliverable = _deliverable()
    recorded = change_status(
        deliverable, LEADS, DeliverableStatus.COMPLETE, reason="Done", by=EDITOR, in_round=ROUND_3
    )
    [change, written] = recorded.rows
    assert isinstance(change, StatusChange) and written is deliverable
    assert (change.old_status, change.new_status, change.round_number) == (
        "in_progress",
        "complete",
        3,
    )
    assert (change.reason, change.changed_by, change.changed_by_name) == (
        "Done",
        "sg.editor@cjp.test",
        "SG Editor",
    )
    [event] = recorded.events
    assert isinstance(event, DeliverableStatusChanged)
    assert (event.old_status, event.new_status, event.round, event.lead_partners) == (
        "in_progress",
        "complete",
        ROUND_3.name,
        LEADS,
    )
    assert (event.reason, event.narrative) == ("Done", None)  # subscribers are told why
    assert (deliverable.status, deliverable.closed_round) == ("complete", 3)


def test_an_unchanged_status_records_nothing() -> None:
    deliverable = _deliverable()
    recorded = change_status(
        deliverable, LEADS, DeliverableStatus.IN_PROGRESS, reason="x", by=EDITOR, in_round=ROUND_3
    )
    assert not recorded and recorded.rows == [] and recorded.events == []


def test_a_stated_closing_round_is_kept_and_reopening_clears_it() -> None:
    deliverable = _deliverable()
    deliverable.closed_round = 1
    change_status(
        deliverable, LEADS, DeliverableStatus.COMPLETE, reason=None, by=EDITOR, in_round=ROUND_3
    )
    assert deliverable.closed_round == 1
    change_status(
        deliverable, LEADS, DeliverableStatus.IN_PROGRESS, reason=None, by=EDITOR, in_round=ROUND_3
    )
    assert deliverable.closed_round is None


def test_a_revision_moves_the_due_date_and_an_unchanged_timescale_records_nothing() -> None:
    deliverable = _deliverable()
    recorded = revise_timescale(
        deliverable, LEADS, "March 2025", reason="Later", by=EDITOR, in_round=ROUND_3
    )
    [revision, _] = recorded.rows
    assert isinstance(revision, TimescaleRevision)
    assert (revision.old_timescale, revision.new_timescale, revision.round_number) == (
        "June 2024",
        "March 2025",
        3,
    )
    assert str(deliverable.due_date) == "2025-03-31"
    [event] = recorded.events
    assert isinstance(event, DeliverableTimescaleRevised) and event.reason == "Later"
    assert not revise_timescale(
        deliverable, LEADS, "March 2025", reason="Again", by=EDITOR, in_round=ROUND_3
    )


@pytest.mark.parametrize(
    ("timescale", "reason", "field"),
    [("March 2025", "", "reason"), ("March 2025", "  ", "reason"), ("soon", "why", "timescale")],
)
def test_an_editors_revision_needs_a_reason_and_a_date(
    timescale: str, reason: str, field: str
) -> None:
    with pytest.raises(BadUserInput) as refused:
        check_revision(timescale, reason)
    assert refused.value.field == field


def test_a_report_announces_a_new_narrative_once() -> None:
    deliverable = _deliverable()
    first, recorded = report(
        deliverable,
        LEADS,
        None,
        status=DeliverableStatus.IN_PROGRESS,
        narrative="Going well.",
        by=EDITOR,
        in_round=ROUND_3,
    )
    assert (first.round_number, first.narrative, first.submitted_by) == (
        3,
        "Going well.",
        EDITOR.subject,
    )
    assert [type(e) for e in recorded.events] == [DeliverableUpdated]
    assert deliverable.latest_update == "Going well."
    same, again = report(
        deliverable,
        LEADS,
        first,
        status=DeliverableStatus.IN_PROGRESS,
        narrative="Going well.",
        by=EDITOR,
        in_round=ROUND_3,
    )
    assert same is first and not again


def test_submit_update_revises_then_changes_status_then_reports() -> None:
    deliverable = _deliverable()
    existing = RoundReport(deliverable_number=40, round_number=3, status="in_progress")
    current, recorded = submit_update(
        deliverable,
        LEADS,
        existing,
        status=DeliverableStatus.IN_PROGRESS_REVISED,
        narrative="Pilot extended.",
        new_timescale="March 2025",
        reason="Evaluation extended.",
        by=EDITOR,
        in_round=ROUND_3,
    )
    assert current is existing and current.status == "in_progress_revised"
    assert [type(e).__name__ for e in recorded.events] == [
        "DeliverableTimescaleRevised",
        "DeliverableStatusChanged",
        "DeliverableUpdated",
    ]
    status_changed = recorded.events[1]
    assert isinstance(status_changed, DeliverableStatusChanged)
    assert (status_changed.reason, status_changed.narrative) == (
        "Evaluation extended.",
        "Pilot extended.",
    )


def test_add_records_the_revisions_it_joined_with() -> None:
    deliverable = _deliverable()
    recorded = add(
        deliverable, LEADS, opened_in=2, revisions=[(1, "June 2025"), (2, "May 2026")], by=EDITOR
    )
    revisions = [row for row in recorded.rows if isinstance(row, TimescaleRevision)]
    assert [(r.round_number, r.old_timescale, r.new_timescale) for r in revisions] == [
        (1, "June 2024", "June 2025"),
        (2, "June 2025", "May 2026"),
    ]
    assert (deliverable.timescale, deliverable.opened_round) == ("May 2026", 2)
    [event] = recorded.events
    assert isinstance(event, DeliverableAdded) and event.timescale == "May 2026"


def test_close_keeps_the_stated_round_and_the_words_given_at_closing() -> None:
    deliverable = _deliverable()
    recorded = close(
        deliverable,
        LEADS,
        closed_round=1,
        additional_information="Published on time.",
        reason=None,
        by=EDITOR,
        in_round=ROUND_3,
    )
    assert (deliverable.status, deliverable.closed_round) == ("complete", 1)
    assert deliverable.additional_information == "Published on time."
    assert [type(e) for e in recorded.events] == [DeliverableStatusChanged]
    # Closing again with the same words records nothing more.
    assert not close(
        deliverable,
        LEADS,
        closed_round=1,
        additional_information="Published on time.",
        reason=None,
        by=EDITOR,
        in_round=ROUND_3,
    )


def test_a_placeholder_title_follows_the_text_but_an_editors_title_stays() -> None:
    placeholder = _deliverable()
    placeholder.title, placeholder.text = PLACEHOLDER_TITLE, None
    restate_text(placeholder, "Publish a guide to local services. It covers every area.")
    assert placeholder.title == "Publish a guide to local services"
    restate_text(placeholder, "Publish an updated guide.")
    assert placeholder.title == "Publish an updated guide"
    edited = _deliverable()
    edited.title = "Our own words"
    restate_text(edited, "Something else entirely.")
    assert (edited.title, edited.text) == ("Our own words", "Something else entirely.")
    assert short_title(" ".join(["word"] * 20)) == " ".join(["word"] * 12) + "…"
