"""One running system for the whole end-to-end session, and its logs when a test fails."""

from __future__ import annotations

from collections.abc import AsyncIterator, Generator, Iterator

import httpx
import pytest

from tests.e2e.gateway import Gateway
from tests.e2e.system import MEASUREMENTS, RunningSystem, start_system, stop_system

_RUNNING: list[RunningSystem] = []


@pytest.fixture(scope="session")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSystem]:
    running = start_system(tmp_path_factory.mktemp("cjp-system"))
    _RUNNING.append(running)
    try:
        yield running
    finally:
        stop_system(running)
        _RUNNING.remove(running)


@pytest.fixture(scope="session")
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
