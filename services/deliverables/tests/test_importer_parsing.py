# ruff: noqa: RUF001  (the published documents use en dashes and curly quotes)
"""The importer's reading of an edition: layout variations and errors that name the line."""

from __future__ import annotations

import re

import pytest

from services.deliverables.adapters.importer.errors import ImportFormatError
from services.deliverables.adapters.importer.loader import read_edition
from services.deliverables.domain.statuses import DeliverableStatus
from services.deliverables.domain.titles import short_title

HEADER = """National strategy for community justice: delivery plan update 3 – December 2024

Aim 2: Aim words

Priority Action 4: Action words
"""


def test_number_with_a_dot_and_inline_labels_are_read() -> None:
    document = (
        HEADER
        + """
No. 12

Deliverable: Do a thing.

Timescale: April 2024

Revised in update 3 to May 2025

Responsibility: Lead partners - SPS and the Crown

In collaboration with – CJS

Update: Going well.

Status: In progress (with revised timescale)
"""
    )
    edition, entries = read_edition(document)
    assert (edition.round_number, edition.round_name) == (3, "Update 3 – December 2024")
    [entry] = entries
    assert (entry.number, entry.aim, entry.priority_action) == (12, 2, 4)
    assert entry.text == "Do a thing."
    assert entry.original_timescale == "April 2024"
    assert [(r.round_number, r.timescale) for r in entry.revisions] == [(3, "May 2025")]
    assert entry.lead_text == "SPS and the Crown"
    assert entry.collaboration_text == "CJS"
    assert entry.status is DeliverableStatus.IN_PROGRESS_REVISED


def test_a_revision_stated_twice_is_one_revision() -> None:
    """Found by test_import_fuzz: a repeated line wrote the same revision twice and crashed."""
    document = HEADER + (
        "\nNo 9\n\nDeliverable\n\nDo a thing.\n\nTimescale\n\nDecember 2023\n\n"
        "Revised in update 1 to January 2025\n\nRevised in update 1 to January 2025\n\n"
        "Revised in update 2 to March 2025\n\nStatus\n\nIn progress (with revised timescale)\n"
    )
    [entry] = read_edition(document)[1]
    assert [(r.round_number, r.timescale) for r in entry.revisions] == [
        (1, "January 2025"), (2, "March 2025")
    ]  # fmt: skip


def test_completed_section_fills_in_a_placeholder_with_opened_and_closed_rounds() -> None:
    document = (
        HEADER
        + """
No 13

Deliverable

Deliverable completed – see section ‘Previously completed deliverables’

Status

Deliverable completed – see section ‘Previously completed deliverables’

Previously completed deliverables

No. 13

Deliverable: Publish a guide.

Responsibility: Lead partner - Care Inspectorate

Opened: June 2023

Closed: Update 1 – December 2023

Additional information: Published on time.
"""
    )
    _edition, [entry] = read_edition(document)
    assert (entry.aim, entry.priority_action, entry.status) == (2, 4, DeliverableStatus.COMPLETE)
    assert entry.text == "Publish a guide."
    assert (entry.opened_round, entry.closed_round) == (0, 1)
    assert entry.additional_information == "Published on time."


def test_empty_template_block_is_skipped() -> None:
    document = HEADER + "\nNo\n\nNo\n\nDeliverable\n\nDeliverable\n\nStatus\n\nStatus\n"
    assert read_edition(document)[1] == []


@pytest.mark.parametrize(
    ("body", "line", "expected"),
    [
        ("\nNo 5\n\nSomething before any label\n", 9, "expected a label"),
        ("\nNo 5\n\nDeliverable\n\nX\n\nStatus\n\nNearly done\n", 7, "has status 'Nearly done'"),
        ("\nNo 5\n\nDeliverable\n\nX\n", 7, "has no 'Status'"),
        ("\nStatus\n\nComplete\n", 7, "outside a deliverable"),
        ("\nNo\n\nStray words\n", 9, "without a number"),
    ],
)
def test_unreadable_input_names_the_line(body: str, line: int, expected: str) -> None:
    with pytest.raises(ImportFormatError) as raised:
        read_edition(HEADER + body)
    assert raised.value.line == line
    assert expected in raised.value.message
    assert raised.value.message.startswith(f"line {line}: ")


def test_a_document_without_the_edition_title_is_refused() -> None:
    with pytest.raises(ImportFormatError, match="line 2: expected the edition title"):
        read_edition("\nAim 1: words\n")


def test_priority_action_before_any_aim_is_refused() -> None:
    with pytest.raises(ImportFormatError, match="line 3: a 'Priority Action' heading"):
        read_edition("Community justice delivery plan\n\nPriority Action 1: words\n")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("No 123456", "line 7: deliverable No 123456 is too large (at most 9999)"),
        ("Aim 77777777777777777777777: x", "line 7: aim 777777777777 is too large"),
    ],
)
def test_absurd_numbers_are_refused_naming_the_line(line: str, expected: str) -> None:
    with pytest.raises(ImportFormatError, match=re.escape(expected)):
        read_edition(HEADER + "\n" + line + "\n")


def test_names_and_titles_fit_their_columns() -> None:
    edition, _entries = read_edition(
        "Community justice: delivery plan update 4 – " + "long " * 100 + "\n"
    )
    assert edition.round_number == 4 and len(edition.round_name) == 200
    assert len(short_title("x" * 5000)) == 300


def test_a_line_break_inside_a_paragraph_is_kept_in_both_layouts() -> None:
    own_lines = (
        HEADER
        + "\nNo 5\n\nDeliverable\n\nFirst line\nsecond line\n\nNext.\n\nStatus\n\nOutstanding\n"
    )
    inline = (
        HEADER + "\nNo. 5\nDeliverable: First line\nsecond line\n\nNext.\nStatus: Outstanding\n"
    )
    for document in (own_lines, inline):
        [entry] = read_edition(document)[1]
        assert entry.text == "First line\nsecond line\n\nNext.", document
