"""One running system for the end-to-end tests (stopped after them), and its logs on failure."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import AsyncIterator, Generator, Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.gateway import Gateway
from tests.e2e.system import MEASUREMENTS, RunningSystem, start_system, stop_system

_RUNNING: list[RunningSystem] = []


ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"


@pytest.fixture(scope="package")
def system(request: pytest.FixtureRequest) -> Iterator[RunningSystem]:
    """The system, with its data and logs in test-artifacts/e2e/ (kept only if a test failed)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    data_dir = Path(tempfile.mkdtemp(prefix="run-", dir=ARTIFACTS))
    failures_before = request.session.testsfailed
    running = start_system(data_dir)
    _RUNNING.append(running)
    try:
        yield running
    finally:
        stop_system(running)
        _RUNNING.remove(running)
        if request.session.testsfailed == failures_before:
            shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="package")
async def gateway(system: RunningSystem) -> AsyncIterator[Gateway]:
    async with httpx.AsyncClient(timeout=20.0) as http:
        yield Gateway(http, system.graphql_url)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.failed and _RUNNING:
        for name, tail in _RUNNING[0].log_tails().items():
            report.sections.append((f"{name} log (last lines)", tail))
    return report


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if MEASUREMENTS:
        terminalreporter.section("end-to-end measurements")
        for line in MEASUREMENTS:
            terminalreporter.write_line(line)
