"""Any narrative survives export to Markdown and HTML and import, even text that looks like
structure, and single line breaks inside a paragraph."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from services.deliverables.adapters.exporter.edition_view import (
    AimView,
    DeliverableView,
    EditionView,
    PriorityActionView,
)
from services.deliverables.adapters.exporter.html import render_html
from services.deliverables.adapters.exporter.markdown import render_markdown
from services.deliverables.adapters.importer.loader import read_edition
from services.deliverables.domain.statuses import DeliverableStatus

TRICKY = [
    "Status",
    "Update:",
    "Timescale: April 2024",
    "No 5",
    "No.",
    "Aim 2: a heading",
    "Priority Action 9 - words",
    "Previously completed deliverables",
    "Contact",
    "# a heading",
    "**bold** start",
    "\\ starts with a backslash",
    "Deliverable completed - see section",
]
words = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1
)
line = st.one_of(st.sampled_from(TRICKY), words).map(str.strip).filter(bool)
# A paragraph may hold single line breaks; each of its lines may look like structure.
paragraph = st.lists(line, min_size=1, max_size=3).map("\n".join)


def _edition(narrative: str) -> EditionView:
    item = DeliverableView(
        number=7,
        title="Seven",
        aim=1,
        priority_action=2,
        placeholder=False,
        status=DeliverableStatus.IN_PROGRESS,
        text="Do the seventh thing.",
        timescale_lines=["April 2025"],
        timescale="April 2025",
        due_date=None,
        lead_text="Scottish Government",
        collaboration_text=None,
        lead_partners=["scottish-government"],
        collaborators=[],
        further_detail=None,
        narrative=narrative,
        overdue=False,
    )
    action = PriorityActionView(2, "Action two", [item])
    return EditionView(
        2,
        "Update 2",
        "Community justice: delivery plan update 2",
        [AimView(1, "Aim one", [action])],
    )


@settings(max_examples=150, deadline=None)
@given(st.lists(paragraph, min_size=1, max_size=4))
def test_any_narrative_survives_markdown_round_trip(paragraphs: list[str]) -> None:
    narrative = "\n\n".join(paragraphs)
    for render in (render_markdown, render_html):
        _edition_read, [entry] = read_edition(render(_edition(narrative)))
        assert entry.narrative == narrative, render
        assert entry.status is DeliverableStatus.IN_PROGRESS
