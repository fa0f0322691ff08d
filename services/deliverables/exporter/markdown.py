"""Write a round as the published document in Markdown (which the importer reads back)."""

from __future__ import annotations

from services.deliverables.exporter.edition_view import DeliverableView, EditionView
from services.deliverables.importer.tokeniser import escape_paragraph

PLACEHOLDER = (
    "Deliverable completed \u2013 see section \u2018Previously completed deliverables\u2019"
)
PLACEHOLDER_LABELS = (
    "Deliverable",
    "Timescale",
    "Responsibility",
    "Further detail",
    "Update",
    "Status",
)


def deliverable_sections(item: DeliverableView) -> list[tuple[str, list[str]]]:
    """(label, paragraphs) in the document's order; labels without content are left out."""
    if item.placeholder:
        return [(label, [PLACEHOLDER]) for label in PLACEHOLDER_LABELS]
    responsibility = []
    if item.lead_text:
        responsibility.append(f"Lead partner - {item.lead_text}")
    if item.collaboration_text:
        responsibility.append(f"In collaboration with - {item.collaboration_text}")
    sections = [
        ("Deliverable", _paragraphs(item.text)),
        ("Timescale", item.timescale_lines),
        ("Responsibility", responsibility),
        ("Further detail", _paragraphs(item.further_detail)),
        ("Update", _paragraphs(item.narrative)),
        ("Status", [item.status.label]),
    ]
    return [(label, paragraphs) for label, paragraphs in sections if paragraphs]


def _paragraphs(text: str | None) -> list[str]:
    return [escape_paragraph(part) for part in (text or "").split("\n\n") if part.strip()]


def render_markdown(edition: EditionView) -> str:
    lines = [f"# {edition.title}", ""]
    for aim in edition.aims:
        lines += [f"## Aim {aim.number}: {aim.heading}", ""]
        for action in aim.priority_actions:
            lines += [f"### Priority Action {action.number}: {action.heading}", ""]
            for item in action.deliverables:
                lines += [f"#### No {item.number}", ""]
                for label, paragraphs in deliverable_sections(item):
                    lines += [f"**{label}**", ""]
                    for paragraph in paragraphs:
                        lines += [paragraph, ""]
    return "\n".join(lines)
