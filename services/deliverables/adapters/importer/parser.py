"""Group tokens into an edition: its round, aims, priority actions and raw deliverable blocks."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from services.deliverables.adapters.importer.errors import ImportFormatError, number_at
from services.deliverables.adapters.importer.tokeniser import Kind, Token

_UPDATE_ROUND = re.compile(r"update\s+(\d+)\s*[:\u2013\u2014-]?\s*(.*)$", re.IGNORECASE)
_PLAN_DATE = re.compile(r"delivery plan\s*[:\u2013\u2014-]?\s*(.*)$", re.IGNORECASE)


@dataclass
class RawBlock:
    """One "No N" block: its place in the plan and the paragraphs under each label."""

    number: int
    line: int
    aim: int | None
    priority_action: int | None
    completed_section: bool
    fields: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class RawEdition:
    round_number: int
    round_name: str
    aims: dict[int, str] = field(default_factory=dict)
    priority_actions: dict[int, tuple[int, str]] = field(default_factory=dict)
    blocks: list[RawBlock] = field(default_factory=list)


def round_of_title(title: str, line: int = 1) -> tuple[int, str]:
    """Round 0 is the original plan; "update N, Month YYYY" is round N (names fit 200 chars)."""
    if match := _UPDATE_ROUND.search(title):
        number = number_at(line, match.group(1), "update")
        when = match.group(2).strip()
        return number, (f"Update {number}" + (f" \u2013 {when}" if when else ""))[:200]
    when_match = _PLAN_DATE.search(title)
    when = when_match.group(1).strip() if when_match else ""
    return 0, ("Original plan" + (f" \u2013 {when}" if when else ""))[:200]


class _Parser:
    def __init__(self) -> None:
        self.edition: RawEdition | None = None
        self.aim: int | None = None
        self.priority_action: int | None = None
        self.block: RawBlock | None = None
        self.label: str | None = None
        self.in_debris = False
        self.completed_section = False
        self.ended = False
        self.after_text = False  # the last token fed was text added to the current label

    def feed(self, token: Token) -> None:
        self._feed(token)
        self.after_text = token.kind in (Kind.TEXT, Kind.TITLE) and self.block is not None

    def _feed(self, token: Token) -> None:
        if self.ended:
            return
        if self.edition is None:
            self._expect_title(token)
            return
        handler = getattr(self, f"_on_{token.kind.value}")
        handler(token)

    def _expect_title(self, token: Token) -> None:
        if token.kind is not Kind.TITLE:
            raise ImportFormatError(
                token.line, "expected the edition title naming the 'delivery plan' first"
            )
        number, name = round_of_title(token.text, token.line)
        self.edition = RawEdition(round_number=number, round_name=name)

    def _close_block(self) -> None:
        self.block, self.label, self.in_debris = None, None, False

    def _on_title(self, token: Token) -> None:
        self._on_text(token)

    def _on_aim(self, token: Token) -> None:
        assert self.edition is not None and token.number is not None
        self._close_block()
        self.edition.aims.setdefault(token.number, token.text)
        self.aim, self.priority_action = token.number, None

    def _on_priority_action(self, token: Token) -> None:
        assert self.edition is not None and token.number is not None
        self._close_block()
        if self.aim is None:
            raise ImportFormatError(token.line, "a 'Priority Action' heading before any 'Aim'")
        self.edition.priority_actions.setdefault(token.number, (self.aim, token.text))
        self.priority_action = token.number

    def _on_number(self, token: Token) -> None:
        assert self.edition is not None and token.number is not None
        self._close_block()
        if self.priority_action is None and not self.completed_section:
            raise ImportFormatError(
                token.line, f"deliverable No {token.number} before any 'Priority Action' heading"
            )
        self.block = RawBlock(
            number=token.number,
            line=token.line,
            aim=self.aim,
            priority_action=self.priority_action,
            completed_section=self.completed_section,
        )
        self.edition.blocks.append(self.block)

    def _on_empty_number(self, _token: Token) -> None:
        # An empty template block ("No / No / Deliverable / ...") is layout debris.
        self._close_block()
        self.in_debris = True

    def _on_label(self, token: Token) -> None:
        if self.in_debris:
            return
        if self.block is None:
            raise ImportFormatError(
                token.line, f"label '{token.text}' outside a deliverable (expected 'No N' first)"
            )
        self.label = token.text
        self.block.fields.setdefault(token.text, [])

    def _on_text(self, token: Token) -> None:
        if self.block is None:
            if self.in_debris:
                raise ImportFormatError(token.line, "text in a deliverable block without a number")
            return  # preamble and headings between sections carry no plan data
        if self.label is None:
            raise ImportFormatError(
                token.line, f"expected a label such as 'Deliverable' after No {self.block.number}"
            )
        paragraphs = self.block.fields[self.label]
        if token.continues and self.after_text and paragraphs:
            paragraphs[-1] += "\n" + token.text  # a line break inside the paragraph
        else:
            paragraphs.append(token.text)

    def _on_completed_section(self, _token: Token) -> None:
        self._close_block()
        self.completed_section = True
        self.aim, self.priority_action = None, None

    def _on_end(self, _token: Token) -> None:
        self._close_block()
        self.ended = True


def parse(tokens: Iterable[Token]) -> RawEdition:
    """Group the tokens of one edition; raises ImportFormatError naming the offending line."""
    parser = _Parser()
    for token in tokens:
        parser.feed(token)
    if parser.edition is None:
        raise ImportFormatError(1, "the document is empty (expected the edition title)")
    return parser.edition
