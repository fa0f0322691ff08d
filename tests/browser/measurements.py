"""Numbers the browser tests measure, printed at the end of the run and kept as an artefact."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from tests.browser.requirements import REPO

if TYPE_CHECKING:
    from playwright.async_api import BrowserContext

WEB_MEASUREMENTS: list[str] = []
MEASUREMENTS_FILE = REPO / "test-artifacts" / "web-measurements.txt"

NewContext = Callable[..., Awaitable["BrowserContext"]]


def record(line: str) -> None:
    WEB_MEASUREMENTS.append(line)
    MEASUREMENTS_FILE.parent.mkdir(parents=True, exist_ok=True)
    with MEASUREMENTS_FILE.open("a") as out:
        out.write(line + "\n")
