# ruff: noqa: RUF001  (the editions use en dashes and curly quotes)
"""Hypothesis strategies for whole editions, written in either published layout.

An edition is a round, deliverables under aims and priority actions (some only as placeholders,
some told in full under "Previously completed deliverables"), each with paragraphs that may hold
single line breaks. ``render`` writes it with labels on their own line or inline.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import strategies as st

from services.deliverables.domain.statuses import DeliverableStatus

PLACEHOLDER = "Deliverable completed – see section ‘Previously completed deliverables’"
# Words that never make a line read as structure (no digits, colons, labels or headings).
WORDS = " ".join(
    [
        "plan partners review local support areas guidance training people justice services",
        "community work report progress agreed national prison health housing court data",
        "café naïve Ōban – ‘quoted’ “double” and the of to with for in a",
    ]
).split()
LEADS = ("Scottish Government", "Police Scotland", "Care Inspectorate", "Fife Recovery Network")
MONTHS = ("January", "March", "June", "September", "December")


@dataclass
class GeneratedDeliverable:
    number: int
    kind: str  # "normal", "closed earlier" (told in the completed section) or "placeholder"
    status: DeliverableStatus
    text: str
    timescale: str
    revisions: list[tuple[int, str]]
    leads: list[str]
    narrative: str | None
    opened: int | None
    closed: int | None
    additional_information: str | None


@dataclass
class GeneratedEdition:
    round_number: int
    deliverables: list[GeneratedDeliverable]


def _line() -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(WORDS), min_size=1, max_size=7).map(
        lambda words: " ".join(words).capitalize() + "."
    )


def text() -> st.SearchStrategy[str]:
    """1-3 paragraphs of 1-2 lines: "\\n" is a line break inside a paragraph."""
    paragraph = st.lists(_line(), min_size=1, max_size=2).map("\n".join)
    return st.lists(paragraph, min_size=1, max_size=3).map("\n\n".join)


def _timescale() -> st.SearchStrategy[str]:
    return st.builds(lambda m, y: f"{m} {y}", st.sampled_from(MONTHS), st.integers(2023, 2029))


@st.composite
def _deliverable(draw: st.DrawFn, number: int, round_number: int) -> GeneratedDeliverable:
    kind = draw(st.sampled_from(["normal", "normal", "closed earlier", "placeholder"]))
    rounds = sorted(draw(st.sets(st.integers(1, round_number), max_size=2)))
    complete = DeliverableStatus.COMPLETE
    status = draw(st.sampled_from(list(DeliverableStatus))) if kind == "normal" else complete
    opened = draw(st.integers(0, round_number - 1)) if kind == "closed earlier" else None
    closed = draw(st.integers(opened, round_number - 1)) if opened is not None else None
    closing_words = kind == "closed earlier" or status is complete
    return GeneratedDeliverable(
        number=number,
        kind=kind,
        status=status,
        text=draw(text()),
        timescale=draw(_timescale()),
        revisions=[(r, draw(_timescale())) for r in rounds],
        leads=draw(st.lists(st.sampled_from(LEADS), min_size=1, max_size=2, unique=True)),
        narrative=draw(st.none() | text()) if kind == "normal" else None,
        opened=opened,
        closed=closed,
        additional_information=draw(st.none() | text()) if closing_words else None,
    )


@st.composite
def editions(draw: st.DrawFn) -> GeneratedEdition:
    round_number = draw(st.integers(1, 6))
    numbers = draw(st.lists(st.integers(1, 60), min_size=1, max_size=6, unique=True))
    return GeneratedEdition(
        round_number,
        [draw(_deliverable(number, round_number)) for number in sorted(numbers)],
    )


def _round_name(number: int) -> str:
    return "Original delivery plan – June 2023" if number == 0 else f"Update {number} – May 2025"


def _fields(item: GeneratedDeliverable, *, in_completed_section: bool) -> list[tuple[str, str]]:
    if item.kind != "normal" and not in_completed_section:
        return [("Deliverable", PLACEHOLDER), ("Status", PLACEHOLDER)]
    timescale = [item.timescale] + [f"Revised in update {r} to {t}" for r, t in item.revisions]
    fields = [
        ("Deliverable", item.text),
        ("Timescale", "\n\n".join(timescale)),
        ("Responsibility", "Lead partners - " + " and ".join(item.leads)),
    ]
    if item.narrative:
        fields.append(("Update", item.narrative))
    if not in_completed_section:
        fields.append(("Status", item.status.label))
    if item.opened is not None and item.closed is not None:
        fields += [("Opened", _round_name(item.opened)), ("Closed", _round_name(item.closed))]
    if item.additional_information:
        fields.append(("Additional information", item.additional_information))
    return fields


def _block(item: GeneratedDeliverable, inline: bool, *, in_completed_section: bool) -> list[str]:
    if inline:  # "No. 7", then "Label: value" with the value's lines straight after
        lines = [f"No. {item.number}"]
        for label, value in _fields(item, in_completed_section=in_completed_section):
            lines += f"{label}: {value}".split("\n")
        return [*lines, ""]
    lines = [f"No {item.number}", ""]
    for label, value in _fields(item, in_completed_section=in_completed_section):
        lines += [label, "", value, ""]
    return lines


def render(edition: GeneratedEdition, *, inline: bool) -> str:
    """The edition's text in one of the two published layouts."""
    lines = [f"Community justice: delivery plan update {edition.round_number} – May 2025", ""]
    lines += ["Aim 1: Keep people safe", "", "Priority Action 1: Work together", ""]
    for item in edition.deliverables:
        lines += _block(item, inline, in_completed_section=False)
    told = [item for item in edition.deliverables if item.kind == "closed earlier"]
    if told:
        lines += ["Previously completed deliverables", ""]
        for item in told:
            lines += _block(item, inline, in_completed_section=True)
    return "\n".join(lines)
