"""The error an unreadable edition raises: it names the line and what was expected there."""

from __future__ import annotations

from shared.errors import BadUserInput


class ImportFormatError(BadUserInput):
    def __init__(self, line: int, problem: str) -> None:
        super().__init__(f"line {line}: {problem}", field="document")
        self.line = line


MAX_NUMBER = 9999  # aims, priority actions, deliverables and rounds are numbered far below this


def number_at(line: int, digits: str, what: str) -> int:
    """The number ``digits`` spell, or ImportFormatError naming the line if it is absurdly large."""
    if len(digits.lstrip("0")) > len(str(MAX_NUMBER)) or int(digits) > MAX_NUMBER:
        raise ImportFormatError(line, f"{what} {digits[:12]} is too large (at most {MAX_NUMBER})")
    return int(digits)
