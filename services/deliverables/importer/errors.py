"""The error an unreadable edition raises: it names the line and what was expected there."""

from __future__ import annotations

from shared.errors import BadUserInput


class ImportFormatError(BadUserInput):
    def __init__(self, line: int, problem: str) -> None:
        super().__init__(f"line {line}: {problem}", field="document")
        self.line = line
