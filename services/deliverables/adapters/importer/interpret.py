"""Read the meaning of a block's fields: timescale revisions, responsibility, status, rounds."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from services.deliverables.adapters.importer.errors import ImportFormatError, number_at
from services.deliverables.adapters.importer.parser import RawBlock, RawEdition
from services.deliverables.domain.statuses import DeliverableStatus, status_from_label

PLACEHOLDER = re.compile(r"^Deliverable completed\b", re.IGNORECASE)
_REVISED = re.compile(r"Revised in update\s+(\d+)\s+to\b", re.IGNORECASE)
_COLLABORATION = re.compile(r"In collaboration with\s*[-\u2013\u2014:]?\s*", re.IGNORECASE)
_LEAD = re.compile(r"^Lead partners?\s*[-\u2013\u2014:]?\s*", re.IGNORECASE)
_ROUND_IN_TEXT = re.compile(r"update\s+(\d+)", re.IGNORECASE)
_ORIGINAL_PLAN = re.compile(r"original|delivery plan|June 2023", re.IGNORECASE)


@dataclass(frozen=True)
class Revision:
    round_number: int
    timescale: str


@dataclass
class PlanEntry:
    """A deliverable as one edition states it."""

    number: int
    line: int
    aim: int | None
    priority_action: int | None
    placeholder: bool
    status: DeliverableStatus
    text: str | None = None
    further_detail: str | None = None
    original_timescale: str | None = None
    revisions: list[Revision] = field(default_factory=list)
    lead_text: str | None = None
    collaboration_text: str | None = None
    narrative: str | None = None
    opened_round: int | None = None
    closed_round: int | None = None
    additional_information: str | None = None


def paragraphs(block: RawBlock, label: str) -> str | None:
    values = block.fields.get(label) or []
    return "\n\n".join(values) if values else None


def split_timescale(text: str, line: int = 0) -> tuple[str, list[Revision]]:
    """Original timescale and revisions: 'May 2024 Revised in update 1 to June 2024'.

    A revision stated twice in the same words is one revision (an edition that repeats the line
    once crashed the import on the revisions' unique key).
    """
    pieces = _REVISED.split(" ".join(text.split()))
    original = pieces[0].strip()
    revisions = [
        Revision(number_at(line, pieces[i], "update"), pieces[i + 1].strip())
        for i in range(1, len(pieces) - 1, 2)
    ]
    return original, list(dict.fromkeys(revisions))


def split_responsibility(text: str) -> tuple[str | None, str | None]:
    """Lead text and collaboration text of a 'Responsibility' field."""
    flat = " ".join(text.split())
    lead, _, collaboration = _partition_collaboration(flat)
    lead_clean = _LEAD.sub("", lead).strip(" -\u2013\u2014,") or None
    return lead_clean, (collaboration.strip() or None)


def _partition_collaboration(flat: str) -> tuple[str, str, str]:
    match = _COLLABORATION.search(flat)
    if not match:
        return flat, "", ""
    return flat[: match.start()], match.group(0), flat[match.end() :]


def round_named(text: str | None, line: int = 0) -> int | None:
    """The round an 'Opened' / 'Closed' value names: 'Update 1 ...' is 1, the original plan is 0."""
    if not text:
        return None
    if match := _ROUND_IN_TEXT.search(text):
        return number_at(line, match.group(1), "update")
    return 0 if _ORIGINAL_PLAN.search(text) else None


def interpret(block: RawBlock) -> PlanEntry:
    """Read one block; raises ImportFormatError naming the block's line if it lacks a status."""
    # A placeholder block says so in place of the deliverable and of its status.
    stated = [paragraphs(block, "Deliverable") or "", paragraphs(block, "Status") or ""]
    placeholder = any(PLACEHOLDER.match(value) for value in stated)
    if placeholder or block.completed_section:
        status = DeliverableStatus.COMPLETE
    else:
        status = _status(block)
    entry = PlanEntry(
        number=block.number,
        line=block.line,
        aim=block.aim,
        priority_action=block.priority_action,
        placeholder=placeholder,
        status=status,
    )
    if not placeholder:
        _fill_details(entry, block)
    return entry


def _status(block: RawBlock) -> DeliverableStatus:
    text = paragraphs(block, "Status")
    if text is None:
        raise ImportFormatError(block.line, f"deliverable No {block.number} has no 'Status'")
    status = status_from_label(text)
    if status is None:
        raise ImportFormatError(
            block.line,
            f"deliverable No {block.number} has status '{text}'; expected Complete, In progress, "
            "In progress (with revised timescale) or Outstanding",
        )
    return status


def _fill_details(entry: PlanEntry, block: RawBlock) -> None:
    entry.text = paragraphs(block, "Deliverable")
    entry.further_detail = paragraphs(block, "Further detail")
    entry.narrative = paragraphs(block, "Update")
    entry.additional_information = paragraphs(block, "Additional information")
    timescale = paragraphs(block, "Timescale")
    if timescale:
        entry.original_timescale, entry.revisions = split_timescale(timescale, block.line)
    responsibility = paragraphs(block, "Responsibility")
    if responsibility:
        entry.lead_text, entry.collaboration_text = split_responsibility(responsibility)
    entry.opened_round = round_named(paragraphs(block, "Opened"), block.line)
    entry.closed_round = round_named(paragraphs(block, "Closed"), block.line)


def interpret_edition(edition: RawEdition) -> list[PlanEntry]:
    """Every deliverable of an edition; a completed-section entry fills in its placeholder."""
    entries: dict[int, PlanEntry] = {}
    for block in edition.blocks:
        entry = interpret(block)
        known = entries.get(entry.number)
        if known is None:
            entries[entry.number] = entry
        elif known.placeholder and block.completed_section:
            entry.aim, entry.priority_action = known.aim, known.priority_action
            entries[entry.number] = entry
        elif not entry.placeholder:
            raise ImportFormatError(block.line, f"deliverable No {entry.number} appears twice")
    if edition.round_number == 0:  # everything in the original plan was opened in it
        for entry in entries.values():
            entry.opened_round = 0 if entry.opened_round is None else entry.opened_round
    return sorted(entries.values(), key=lambda item: item.number)
