"""Turn a published edition's text into classified lines (tokens) the parser reads.

Handles the layout variations of the editions: "No 12" and "No. 12", labels on their own line
or inline ("Timescale: April 2024"), Markdown headings and bold labels (our own exports).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from enum import StrEnum

from services.deliverables.adapters.importer.errors import ImportFormatError, number_at


class Kind(StrEnum):
    TITLE = "title"
    AIM = "aim"
    PRIORITY_ACTION = "priority_action"
    NUMBER = "number"
    EMPTY_NUMBER = "empty_number"
    LABEL = "label"
    COMPLETED_SECTION = "completed_section"
    END = "end"
    TEXT = "text"


LABELS = (
    "Deliverable",
    "Timescale",
    "Responsibility",
    "Further detail",
    "Update",
    "Status",
    "Opened",
    "Closed",
    "Additional information",
)
_LABEL_BY_KEY = {label.casefold(): label for label in LABELS}


@dataclass(frozen=True)
class Token:
    kind: Kind
    line: int
    text: str = ""
    number: int | None = None
    # A text line right under another non-blank line: the same paragraph, after a line break.
    continues: bool = False


_TITLE = re.compile(r"delivery plan", re.IGNORECASE)
_AIM = re.compile(r"^Aim\s+(\d+)\s*[:.\u2013\u2014-]\s*(.+)$", re.IGNORECASE)
_PRIORITY_ACTION = re.compile(
    r"^Priority\s+Action\s+(\d+)\s*[:.\u2013\u2014-]\s*(.+)$", re.IGNORECASE
)
_NUMBER = re.compile(r"^No\.?\s*(\d+)$", re.IGNORECASE)
_EMPTY_NUMBER = re.compile(r"^No\.?$", re.IGNORECASE)
_INLINE_LABEL = re.compile(
    r"^(" + "|".join(re.escape(label) for label in LABELS) + r")\s*:\s*(.*)$", re.IGNORECASE
)
_COMPLETED_SECTION = re.compile(r"^Previously completed deliverables$", re.IGNORECASE)
_END = re.compile(r"^Contact$", re.IGNORECASE)
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")
_MARKDOWN_BOLD = re.compile(r"^(\*\*|__)(.+?)\1(.*)$")


def normalise(raw: str) -> str:
    """Strip whitespace and the Markdown markup our exporter adds around headings and labels."""
    text = _MARKDOWN_HEADING.sub("", raw.strip())
    bold = _MARKDOWN_BOLD.match(text)
    if bold:
        text = (bold.group(2) + bold.group(3)).strip()
    return text


ESCAPE = "\\"


def escape_paragraph(paragraph: str) -> str:
    """Mark each line of a paragraph that would otherwise read as structure (a label, "No 5")."""
    return "\n".join(_escape_line(line) for line in paragraph.strip().splitlines())


def _escape_line(line: str) -> str:
    text = line.strip()
    if text.startswith(ESCAPE) or normalise(text) != text:
        return ESCAPE + text
    try:
        kinds = {token.kind for token in _classify(text, 0)}
    except ImportFormatError:  # a huge "No 123456789" would be refused: it is not text either
        return ESCAPE + text
    return text if kinds == {Kind.TEXT} else ESCAPE + text


def tokenise(document: str) -> Iterator[Token]:
    """Yield one token per non-blank line (two for an inline label with its value)."""
    seen_title = False
    after_text = False  # the previous line was not blank
    for index, raw in enumerate(document.splitlines(), start=1):
        continues, after_text = after_text, bool(raw.strip())
        if raw.strip().startswith(ESCAPE):
            yield Token(Kind.TEXT, index, raw.strip()[len(ESCAPE) :], continues=continues)
            continue
        text = normalise(raw)
        if not text:
            continue
        if not seen_title and _TITLE.search(text):
            seen_title = True
            yield Token(Kind.TITLE, index, text)
            continue
        tokens = list(_classify(text, index))
        if [token.kind for token in tokens] == [Kind.TEXT]:  # a plain line of text
            tokens = [replace(tokens[0], continues=continues)]
        yield from tokens


def _classify(text: str, line: int) -> Iterator[Token]:
    if match := _AIM.match(text):
        number = number_at(line, match.group(1), "aim")
        yield Token(Kind.AIM, line, match.group(2).strip(), number)
    elif match := _PRIORITY_ACTION.match(text):
        number = number_at(line, match.group(1), "priority action")
        yield Token(Kind.PRIORITY_ACTION, line, match.group(2).strip(), number)
    elif match := _NUMBER.match(text):
        yield Token(Kind.NUMBER, line, text, number_at(line, match.group(1), "deliverable No"))
    elif _EMPTY_NUMBER.match(text):
        yield Token(Kind.EMPTY_NUMBER, line, text)
    elif text.rstrip(":").casefold() in _LABEL_BY_KEY:
        yield Token(Kind.LABEL, line, _LABEL_BY_KEY[text.rstrip(":").casefold()])
    elif match := _INLINE_LABEL.match(text):
        yield Token(Kind.LABEL, line, _LABEL_BY_KEY[match.group(1).casefold()])
        if match.group(2).strip():
            yield Token(Kind.TEXT, line, match.group(2).strip())
    elif _COMPLETED_SECTION.match(text):
        yield Token(Kind.COMPLETED_SECTION, line, text)
    elif _END.match(text):
        yield Token(Kind.END, line, text)
    else:
        yield Token(Kind.TEXT, line, text)
