"""The checks on a lead partner's round update, made before anything is sent to the gateway."""

from __future__ import annotations

from services.web.adapters.gateway_models import Deliverable
from services.web.use_cases.updating import RoundUpdate, validate_update

DELIVERABLE = Deliverable(
    number=40, title="A deliverable", aim=3, priority_action=9, timescale="June 2024",
    status="IN_PROGRESS", status_label="In progress",
)  # fmt: skip


def test_a_complete_update_with_a_revision_and_its_reason_passes() -> None:
    update = RoundUpdate(
        status="IN_PROGRESS_REVISED",
        narrative="Pilot extended to two more areas.",
        new_timescale="March 2025",
        reason="Waiting for the new contract.",
    )
    assert not validate_update(update, DELIVERABLE)


def test_a_revised_status_needs_a_new_timescale_and_a_reason() -> None:
    update = RoundUpdate(status="IN_PROGRESS_REVISED", narrative="Delayed.")
    as_published = DELIVERABLE.model_copy(update={"original_timescale": "June 2024"})
    assert (
        validate_update(update, as_published).messages
        == validate_update(update, DELIVERABLE).messages
    )
    errors = validate_update(update, DELIVERABLE).messages
    assert set(errors) == {"new_timescale", "reason"}
    assert "needs the new timescale" in errors["new_timescale"]


def test_a_revised_status_may_rest_on_an_earlier_revision_but_still_needs_a_reason() -> None:
    revised_before = DELIVERABLE.model_copy(update={"original_timescale": "January 2024"})
    assert revised_before.was_revised
    update = RoundUpdate(status="IN_PROGRESS_REVISED", narrative="Still going.")
    assert set(validate_update(update, revised_before).messages) == {"reason"}


def test_missing_status_and_narrative_and_an_unreadable_timescale_are_each_named() -> None:
    update = RoundUpdate(new_timescale="soon", reason="Because.")
    errors = validate_update(update, DELIVERABLE).messages
    assert set(errors) == {"status", "narrative", "new_timescale"}
    assert "month and year" in errors["new_timescale"]


def test_a_new_timescale_without_a_reason_is_refused() -> None:
    update = RoundUpdate(status="IN_PROGRESS", narrative="On track.", new_timescale="May 2025")
    assert set(validate_update(update, DELIVERABLE).messages) == {"reason"}
