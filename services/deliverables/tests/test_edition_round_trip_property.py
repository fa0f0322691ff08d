"""Property: any edition, in either layout, is read as written and survives export and import.

Each generated edition is imported into an empty database; its Markdown and HTML exports are
imported back into that database (nothing may change, no event) and into another empty one
(the same plan, life and line breaks included).
"""

from __future__ import annotations

from pathlib import Path
from uuid import uuid4

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session

from services.deliverables.adapters.exporter.formats import ExportFormat, export_round
from services.deliverables.adapters.importer.loader import import_edition
from services.deliverables.events import EventContext
from services.deliverables.tests.generated_editions import GeneratedEdition, editions, render
from services.deliverables.tests.plan_state import copy_engine, outbox_size, whole_plan

IMPORTER = EventContext()


def _assert_read_as_written(edition: GeneratedEdition, plan: dict[int, dict[str, object]]) -> None:
    for item in edition.deliverables:
        stored = plan[item.number]
        assert stored["status"] == item.status.value
        if item.kind == "placeholder":
            continue
        assert stored["text"] == (item.text, None)
        current = item.revisions[-1][1] if item.revisions else item.timescale
        assert stored["timescale"][:2] == (item.timescale, current)  # type: ignore[index]
        assert stored["rounds"] == {edition.round_number: (item.status.value, item.narrative)}
        closed = item.closed if item.kind == "closed earlier" else None
        if item.status.value == "complete" and closed is None:
            closed = edition.round_number
        assert stored["life"] == (item.opened, closed, item.additional_information)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(edition=editions(), inline=st.booleans())
def test_any_edition_in_either_layout_survives_export_and_import(
    edition: GeneratedEdition, inline: bool, sqlite_templates: dict[str, Path], tmp_path: Path
) -> None:
    empty = sqlite_templates["empty"]
    original = copy_engine(empty, tmp_path / f"{uuid4().hex}.db")
    import_edition(original, render(edition, inline=inline), context=IMPORTER)
    plan = whole_plan(original)
    _assert_read_as_written(edition, plan)
    events = outbox_size(original)
    for export_format in (ExportFormat.MARKDOWN, ExportFormat.HTML):
        with Session(original) as session:
            exported = export_round(session, edition.round_number, export_format)
        assert import_edition(original, exported, context=IMPORTER).changed == []
        assert (whole_plan(original), outbox_size(original)) == (plan, events)
        copy = copy_engine(empty, tmp_path / f"{uuid4().hex}.db")
        import_edition(copy, exported, context=IMPORTER)
        assert whole_plan(copy) == plan, export_format
        copy.dispose()
    original.dispose()
