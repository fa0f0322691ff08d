"""Exporting a round and importing the export gives back the same plan (on the real seed)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session

from services.deliverables.adapters.exporter.formats import ExportFormat, export_round
from services.deliverables.adapters.importer.loader import import_edition
from services.deliverables.events import EventContext
from services.deliverables.tests.conftest import MIGRATIONS
from services.deliverables.tests.test_import_seed import _plan
from shared.db import make_engine, upgrade_database


def _fresh_engine(tmp_path: Path, name: str) -> Engine:
    url = f"sqlite:///{tmp_path / name}"
    upgrade_database(url, MIGRATIONS)
    return make_engine(url)


def test_importing_an_export_gives_back_the_same_plan(
    empty_engine: Engine, seed_document: str, tmp_path: Path
) -> None:
    import_edition(empty_engine, seed_document, context=EventContext())
    for export_format in (ExportFormat.MARKDOWN, ExportFormat.HTML):
        with Session(empty_engine) as session:
            exported = export_round(session, 2, export_format)
        copy = _fresh_engine(tmp_path, f"copy-{export_format.value}.db")
        summary = import_edition(copy, exported, context=EventContext())
        assert (summary.round_number, summary.round_name) == (2, "Update 2 – March 2024")  # noqa: RUF001
        assert _plan(copy) == _plan(empty_engine), export_format


def test_csv_export_has_one_row_per_deliverable(tmp_path: Path, seed_document: str) -> None:
    engine = _fresh_engine(tmp_path, "csv.db")
    import_edition(engine, seed_document, context=EventContext())
    with Session(engine) as session:
        rows = list(csv.DictReader(io.StringIO(export_round(session, 2, ExportFormat.CSV))))
    assert [int(row["number"]) for row in rows] == list(range(1, 51))
    row_24 = rows[23]
    assert (row_24["status_label"], row_24["lead_partners"], row_24["timescale"]) == (
        "Outstanding",
        "nhs-boards;sps",
        "March 2024",
    )


def test_html_export_escapes_text(tmp_path: Path, seed_document: str) -> None:
    engine = _fresh_engine(tmp_path, "html.db")
    import_edition(
        engine, seed_document.replace("HDC Task", "<b>HDC</b> Task"), context=EventContext()
    )
    with Session(engine) as session:
        html = export_round(session, 2, ExportFormat.HTML)
    assert "&lt;b&gt;HDC&lt;/b&gt; Task" in html
    assert "<b>HDC" not in html
