"""Write a round as the published document in HTML (Jinja2, autoescaped)."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, select_autoescape

from services.deliverables.adapters.exporter.edition_view import EditionView
from services.deliverables.adapters.exporter.markdown import (
    COMPLETED_SECTION,
    completed_sections,
    deliverable_sections,
)


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("services.deliverables", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(edition: EditionView) -> str:
    template = _environment().get_template("edition.html.j2")
    return template.render(
        edition=edition,
        sections=deliverable_sections,
        completed_sections=completed_sections,
        completed_heading=COMPLETED_SECTION,
    )
