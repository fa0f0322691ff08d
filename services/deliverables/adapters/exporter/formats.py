"""Export a round in one of the supported formats."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from sqlmodel import Session

from services.deliverables.adapters.exporter.csv_export import render_csv
from services.deliverables.adapters.exporter.edition_view import EditionView, build_edition
from services.deliverables.adapters.exporter.html import render_html
from services.deliverables.adapters.exporter.markdown import render_markdown


class ExportFormat(StrEnum):
    MARKDOWN = "md"
    HTML = "html"
    CSV = "csv"

    @property
    def media_type(self) -> str:
        return {"md": "text/markdown", "html": "text/html", "csv": "text/csv"}[self.value]


_RENDERERS: dict[ExportFormat, Callable[[EditionView], str]] = {
    ExportFormat.MARKDOWN: render_markdown,
    ExportFormat.HTML: render_html,
    ExportFormat.CSV: render_csv,
}


def export_round(session: Session, round_number: int, export_format: ExportFormat) -> str:
    return _RENDERERS[export_format](build_edition(session, round_number))
