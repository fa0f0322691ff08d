"""The whole system plus the web pages as real processes, and Debian's Chromium to drive them."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from tests.browser.measurements import MEASUREMENTS_FILE, WEB_MEASUREMENTS, NewContext, record
from tests.browser.requirements import CHROMIUM, skip_reason

if TYPE_CHECKING:
    from playwright.async_api import Browser, BrowserContext, Page

    from tests.e2e.gateway import Gateway
    from tests.e2e.system import RunningSystem

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
_RUNNING: list[RunningSystem] = []


def _start_with_web(data_dir: Path) -> RunningSystem:
    """As ``tests.e2e.system.start_system``, with the web process added after the gateway."""
    from deploy.local.processes import build_process_specs
    from deploy.local.supervisor import Supervisor
    from tests.e2e.system import RunningSystem, free_ports, isolated_environment

    ports = free_ports()
    (data_dir / "mail").mkdir(parents=True, exist_ok=True)
    (data_dir / "logs").mkdir(exist_ok=True)
    specs = build_process_specs(ports, isolated_environment(ports, data_dir), include_web=True)
    supervisor = Supervisor(specs, log_dir=data_dir / "logs", ready_timeout=90.0)
    began = time.monotonic()
    try:
        supervisor.start_all()
    except BaseException:
        supervisor.stop_all()
        raise
    system = RunningSystem(ports=ports, data_dir=data_dir, supervisor=supervisor)
    system.started_in_seconds = time.monotonic() - began
    record(f"system with web started in {system.started_in_seconds:.1f} s")
    return system


@pytest.fixture(scope="session")
def web_system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSystem]:
    reason = skip_reason()
    if reason:
        pytest.skip(reason)
    MEASUREMENTS_FILE.unlink(missing_ok=True)
    running = _start_with_web(tmp_path_factory.mktemp("cjp-web-system"))
    _RUNNING.append(running)
    try:
        yield running
    finally:
        running.supervisor.stop_all()
        _RUNNING.remove(running)


@pytest.fixture(scope="session")
def web_url(web_system: RunningSystem) -> str:
    return web_system.ports.service_url("web")


@pytest.fixture(scope="session")
async def gateway(web_system: RunningSystem) -> AsyncIterator[Gateway]:
    """For test set-up only (what exists to be found); the tests act through the pages."""
    from tests.e2e.gateway import Gateway

    async with httpx.AsyncClient(timeout=20.0) as http:
        yield Gateway(http, web_system.graphql_url)


@pytest.fixture(scope="session")
async def browser(web_system: RunningSystem) -> AsyncIterator[Browser]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield launched
        await launched.close()


@pytest.fixture
async def new_context(browser: Browser, web_url: str) -> AsyncIterator[NewContext]:
    """Fresh browser profiles (cookies, cache) for one test; closed at its end."""
    opened: list[BrowserContext] = []
    script_errors: list[str] = []

    def watch(page: Page) -> None:
        page.on("pageerror", lambda error: script_errors.append(f"{page.url}: {error}"))

    async def open_context(**options: Any) -> BrowserContext:
        context = await browser.new_context(base_url=web_url, **options)
        context.set_default_timeout(15_000)
        context.on("page", watch)
        opened.append(context)
        return context

    yield open_context
    for context in opened:
        await context.close()
    assert not script_errors, f"uncaught script errors on the pages: {script_errors}"


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
    if WEB_MEASUREMENTS:
        terminalreporter.section("web page measurements")
        for line in WEB_MEASUREMENTS:
            terminalreporter.write_line(line)
