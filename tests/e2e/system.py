"""A running copy of the whole system for the end-to-end tests, started the way `make run` does.

Every process is real (Tansu broker, SMTP sink, the four services) and listens on a free port;
data and logs live in a temporary folder.
"""

from __future__ import annotations

import asyncio
import os
import socket
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field, fields
from pathlib import Path

from deploy.local.maildir import StoredEmail, read_emails
from deploy.local.processes import Ports, build_process_specs, system_environment
from deploy.local.supervisor import Supervisor

EMAIL_TIMEOUT_SECONDS = 30.0
MEASUREMENTS: list[str] = []


def free_ports() -> Ports:
    """Distinct ports the kernel has just handed out, so nothing else is listening on them."""
    with ExitStack() as stack:
        numbers = []
        for _ in fields(Ports):
            sock = stack.enter_context(socket.socket())
            sock.bind(("127.0.0.1", 0))
            numbers.append(sock.getsockname()[1])
    return Ports(*numbers)


def isolated_environment(ports: Ports, data_dir: Path) -> dict[str, str]:
    """This machine's environment without any CJP_* setting, plus the system's own wiring."""
    inherited = {key: value for key, value in os.environ.items() if not key.startswith("CJP_")}
    return {
        **inherited,
        **system_environment(ports, data_dir),
        "CJP_LOG_LEVEL": "INFO",
        "CJP_LOG_FORMAT": "json",  # as in production: tests/e2e/test_logs.py reads every line
        # The whole suite is one client subscribing many addresses; the per-client limit has its
        # own tests (services/gateway/tests/test_subscription_limits.py).
        "CJP_GATEWAY_SUBSCRIBE_BURST_PER_CLIENT": "100000",
    }


@dataclass
class RunningSystem:
    ports: Ports
    data_dir: Path
    supervisor: Supervisor
    started_in_seconds: float = field(default=0.0)

    @property
    def graphql_url(self) -> str:
        return f"{self.ports.service_url('gateway')}/graphql"

    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.ports.broker}"

    @property
    def mail_dir(self) -> Path:
        return self.data_dir / "mail"

    def stop_broker(self) -> None:
        self.supervisor.stop("broker")

    def start_broker(self) -> None:
        self.supervisor.start("broker")

    def emails_to(self, address: str) -> list[StoredEmail]:
        return [email for email in read_emails(self.mail_dir) if address in email.recipients]

    async def wait_for_emails(
        self,
        address: str,
        *,
        count: int = 1,
        matching: Callable[[StoredEmail], bool] = lambda _email: True,
        timeout: float = EMAIL_TIMEOUT_SECONDS,
    ) -> list[StoredEmail]:
        """The emails to ``address`` that match, once there are at least ``count`` of them."""
        deadline = time.monotonic() + timeout
        while True:
            found = [email for email in self.emails_to(address) if matching(email)]
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                subjects = [email.subject for email in self.emails_to(address)]
                raise AssertionError(
                    f"expected {count} matching email(s) to {address} within {timeout:.0f} s; "
                    f"got {len(found)}; all subjects to that address: {subjects}; "
                    f"logs in {self.data_dir}"
                )
            await asyncio.sleep(0.02)

    def log_tails(self, lines: int = 30) -> dict[str, str]:
        tails = {}
        for name in self.supervisor.specs:
            path = self.supervisor.log_path(name)
            if path is not None and path.exists():
                tails[name] = "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
        return tails


def start_system(
    data_dir: Path, *, include_web: bool = False, settings: dict[str, str] | None = None
) -> RunningSystem:
    """Start broker, mail sink and services on free ports; the caller must call ``stop_system``.
    ``settings``: CJP_* values that override the system's own."""
    ports = free_ports()
    (data_dir / "mail").mkdir(parents=True, exist_ok=True)
    (data_dir / "logs").mkdir(exist_ok=True)
    environment = {**isolated_environment(ports, data_dir), **(settings or {})}
    specs = build_process_specs(ports, environment, include_web=include_web)
    supervisor = Supervisor(specs, log_dir=data_dir / "logs", ready_timeout=90.0)
    began = time.monotonic()
    system = RunningSystem(ports=ports, data_dir=data_dir, supervisor=supervisor)
    try:
        supervisor.start_all()
    except BaseException:
        supervisor.stop_all()
        raise
    system.started_in_seconds = time.monotonic() - began
    MEASUREMENTS.append(f"system started in {system.started_in_seconds:.1f} s")
    return system


def stop_system(system: RunningSystem) -> None:
    system.supervisor.stop_all()
