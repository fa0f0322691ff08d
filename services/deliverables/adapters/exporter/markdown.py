"""Write a round as the published document in Markdown (which the importer reads back)."""

from __future__ import annotations

from services.deliverables.adapters.exporter.edition_view import DeliverableView, EditionView
from services.deliverables.adapters.importer.tokeniser import escape_paragraph

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


COMPLETED_SECTION = "Previously completed deliverables"


def deliverable_sections(item: DeliverableView) -> list[tuple[str, list[str]]]:
    """(label, paragraphs) in the document's order; labels without content are left out."""
    if item.placeholder:
        return [(label, [PLACEHOLDER]) for label in PLACEHOLDER_LABELS]
    return _present(
        [
            *_described(item),
            ("Update", _paragraphs(item.narrative)),
            ("Status", [item.status.label]),
            *_life(item),
        ]
    )


def completed_sections(item: DeliverableView) -> list[tuple[str, list[str]]]:
    """A deliverable's entry under 'Previously completed deliverables' (its status is implied)."""
    return _present([*_described(item), ("Update", _paragraphs(item.narrative)), *_life(item)])


def _described(item: DeliverableView) -> list[tuple[str, list[str]]]:
    responsibility = []
    if item.lead_text:
        responsibility.append(f"Lead partner - {item.lead_text}")
    if item.collaboration_text:
        responsibility.append(f"In collaboration with - {item.collaboration_text}")
    return [
        ("Deliverable", _paragraphs(item.text)),
        ("Timescale", item.timescale_lines),
        ("Responsibility", responsibility),
        ("Further detail", _paragraphs(item.further_detail)),
    ]


def _life(item: DeliverableView) -> list[tuple[str, list[str]]]:
    return [
        ("Opened", _paragraphs(item.opened)),
        ("Closed", _paragraphs(item.closed)),
        ("Additional information", _paragraphs(item.additional_information)),
    ]


def _present(sections: list[tuple[str, list[str]]]) -> list[tuple[str, list[str]]]:
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
                lines += _block(deliverable_sections(item))
    completed = edition.completed_earlier()
    if completed:
        lines += [f"## {COMPLETED_SECTION}", ""]
        for item in completed:
            lines += [f"#### No {item.number}", ""]
            lines += _block(completed_sections(item))
    return "\n".join(lines)


def _block(sections: list[tuple[str, list[str]]]) -> list[str]:
    lines: list[str] = []
    for label, paragraphs in sections:
        lines += [f"**{label}**", ""]
        for paragraph in paragraphs:
            lines += [paragraph, ""]
    return lines
