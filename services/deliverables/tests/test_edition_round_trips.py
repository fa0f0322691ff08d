"""Every edition in and out without loss: export a round, import it, and nothing changes."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from services.deliverables.adapters.exporter.formats import ExportFormat, export_round
from services.deliverables.adapters.importer.loader import import_edition
from services.deliverables.adapters.tables import Deliverable
from services.deliverables.events import EventContext
from services.deliverables.tests.conftest import COORDINATOR
from services.deliverables.tests.plan_state import (
    copy_engine,
    later_edition,
    outbox_size,
    whole_plan,
)

IMPORTER = EventContext()
FORMATS = [ExportFormat.MARKDOWN, ExportFormat.HTML]


@pytest.fixture
def empty_template(sqlite_templates: dict[str, Path]) -> Path:
    return sqlite_templates["empty"]


def _export(engine: Engine, round_number: int, export_format: ExportFormat) -> str:
    with Session(engine) as session:
        return export_round(session, round_number, export_format)


@pytest.mark.parametrize("export_format", FORMATS, ids=lambda f: f.value)
def test_the_later_inline_edition_survives_its_own_export(
    empty_template: Path, tmp_path: Path, export_format: ExportFormat
) -> None:
    original = copy_engine(empty_template, tmp_path / "original.db")
    import_edition(original, later_edition(), context=IMPORTER)
    exported = _export(original, 3, export_format)
    assert "Previously completed deliverables" in exported
    # Into the same database: nothing changes, no event.
    events = outbox_size(original)
    summary = import_edition(original, exported, context=IMPORTER)
    assert (summary.changed, outbox_size(original)) == ([], events)
    # Into an empty one: the same plan, life included.
    copy = copy_engine(empty_template, tmp_path / "copy.db")
    import_edition(copy, exported, context=IMPORTER)
    assert whole_plan(copy) == whole_plan(original)


def test_the_completed_section_gives_a_placeholder_its_life_and_a_proper_title(
    empty_template: Path, tmp_path: Path, seed_document: str
) -> None:
    engine = copy_engine(empty_template, tmp_path / "plan.db")
    import_edition(engine, seed_document, context=IMPORTER)
    with Session(engine) as session:
        before = session.get(Deliverable, 1)
        assert before is not None and before.title.startswith("Completed before this edition")
    import_edition(engine, later_edition(), context=IMPORTER)
    state = whole_plan(engine)
    assert state[1]["title"] == (
        "Publish national guidance on direct measures so that police and prosecutors use…"
    )
    assert state[1]["timescale"][:2] == ("June 2023", "June 2023")
    assert state[1]["life"] == (
        0,
        1,
        "The guidance was published on time.\nIts use is reviewed every year by the partners "
        "who wrote it.",
    )
    assert state[13]["revisions"] == [(1, "January 2024")]
    assert state[6]["life"][1:] == (
        3,
        "Training for the wider custody workforce continues as routine business.",
    )
    assert state[2]["text"][1] is not None and "\nTraining material" in state[2]["text"][1]
    # Titles from the shipped seed facts are editors' titles: an edition's text leaves them be.
    assert state[40]["rounds"][3] == (
        "complete",
        "The new directory went live and is kept up to date by local partnerships.",
    )


def test_seed_then_a_later_edition_every_round_out_and_back_in_without_loss(
    empty_template: Path, tmp_path: Path, seed_document: str
) -> None:
    """Done means (issue 14): both rounds exported and re-imported into an empty database."""
    original = copy_engine(empty_template, tmp_path / "original.db")
    import_edition(original, seed_document, context=IMPORTER)
    import_edition(original, later_edition(), context=IMPORTER)
    for export_format in FORMATS:
        exports = [_export(original, round_number, export_format) for round_number in (2, 3)]
        copy = copy_engine(empty_template, tmp_path / f"copy-{export_format.value}.db")
        for exported in exports:
            import_edition(copy, exported, context=IMPORTER)
        assert whole_plan(copy) == whole_plan(original), export_format
        # And the last round, imported again, changes nothing.
        events = outbox_size(copy)
        assert import_edition(copy, exports[-1], context=IMPORTER).changed == []
        assert outbox_size(copy) == events


def test_the_seed_edition_reimported_from_its_export_changes_nothing(
    empty_template: Path, tmp_path: Path, seed_document: str
) -> None:
    engine = copy_engine(empty_template, tmp_path / "plan.db")
    import_edition(engine, seed_document, context=IMPORTER)
    before, events = whole_plan(engine), outbox_size(engine)
    for export_format in FORMATS:
        summary = import_edition(engine, _export(engine, 2, export_format), context=IMPORTER)
        assert summary.changed == [], export_format
    assert (whole_plan(engine), outbox_size(engine)) == (before, events)


@pytest.mark.parametrize("export_format", FORMATS, ids=lambda f: f.value)
def test_a_round_reported_and_published_through_the_api_reimports_unchanged(
    client: TestClient, engine: Engine, export_format: ExportFormat
) -> None:
    """Seeded facts (no wording stated), one update in round 3, published: its export is inert."""
    assert client.post("/rounds", json={"name": "Spring review"}, headers=COORDINATOR).is_success
    update = {"status": "complete", "narrative": "Relaunched.\nEvery area.", "reason": "Done"}
    assert client.put("/rounds/3/deliverables/40", json=update, headers=COORDINATOR).is_success
    assert client.post("/rounds/3/publish", headers=COORDINATOR).is_success
    before, events = whole_plan(engine), outbox_size(engine)
    exported = _export(engine, 3, export_format)
    summary = import_edition(engine, exported, context=IMPORTER)
    assert (summary.round_number, summary.changed) == (3, [])
    assert (whole_plan(engine), outbox_size(engine)) == (before, events)
    assert before[40]["rounds"][3] == ("complete", "Relaunched.\nEvery area.")
    assert before[40]["life"][1] == 3
