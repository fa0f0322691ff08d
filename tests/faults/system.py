"""The whole system as real processes on PostgreSQL, two replicas of each service, for faults.

Broker (Tansu, memory storage) and SMTP sink, then replica 1 of deliverables, directory and
notifications, gateway 1, then replica 2 of each (gateway 2 talks to the services' replica 2).
Both replicas of a service share its PostgreSQL database. Every part can be SIGKILLed and
started again by name; mail lands in a maildir and is counted by Message-ID.

The databases live on a private PostgreSQL cluster the system starts itself
(``tests.private_postgres``), so that PostgreSQL can be restarted or crashed mid-run without
touching the machine's shared one. Where no private cluster can be started (no ``initdb``), the
system runs on the shared PostgreSQL and ``FaultSystem.postgres`` is None: no restart then.
"""

from __future__ import annotations

import asyncio
import socket
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

from conftest import postgres_admin_url
from deploy.local.maildir import StoredEmail, read_emails
from deploy.local.processes import Ports, ProcessSpec, build_process_specs
from deploy.local.supervisor import Supervisor
from tests import private_postgres as private
from tests.e2e.system import free_ports, isolated_environment

SERVICES = ("deliverables", "directory", "notifications", "gateway")
FAST = {
    # Faults are measured in seconds: short leases, quick polls, limits out of the way.
    "CJP_NOTIFICATIONS_SENDER_LEASE_SECONDS": "5",
    # 100 emails/s shared by both replicas (their budget is kept in PostgreSQL), a third of
    # GOV.UK email-alert-api's ceiling: a 2,000-subscriber fan-out lasts about 20 s, long enough
    # for three SIGKILLs and restarts inside it on any machine.
    "CJP_NOTIFICATIONS_SEND_RATE_PER_MINUTE": "6000",
    "CJP_GATEWAY_RATE_LIMIT_PER_MINUTE": "1000000",
    "CJP_GATEWAY_RATE_LIMIT_BURST": "100000",
    "CJP_GATEWAY_SUBSCRIBE_BURST_PER_CLIENT": "100000",
    "CJP_GATEWAY_LIVE_UPDATES_ENABLED": "false",
    "CJP_LOG_LEVEL": "WARNING",
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def postgres_databases(prefix: str, cluster_url: str | None = None) -> Iterator[dict[str, str]]:
    """One fresh PostgreSQL database per service (on ``cluster_url``), dropped afterwards."""
    admin_url = make_url(cluster_url or postgres_admin_url())
    # Pre-ping: the cluster may have been restarted since (the PostgreSQL restart scenario).
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    names = {service: f"{prefix}_{service}_{int(time.time())}" for service in SERVICES}
    with admin.connect() as connection:
        for name in names.values():
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield {
            service: admin_url.set(drivername="postgresql+psycopg", database=name).render_as_string(
                hide_password=False
            )
            for service, name in names.items()
        }
    finally:
        with admin.connect() as connection:
            for name in names.values():
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@dataclass
class FaultSystem:
    ports: Ports
    second: dict[str, int]
    data_dir: Path
    supervisor: Supervisor
    database_urls: dict[str, str]
    postgres: private.PrivatePostgres | None = None  # None: on the shared cluster, no restarts
    seen_message_ids: Counter[str] = field(default_factory=Counter)
    read_mail: dict[str, StoredEmail] = field(default_factory=dict)  # each parsed once

    def url(self, service: str, replica: int = 1) -> str:
        port = getattr(self.ports, service) if replica == 1 else self.second[service]
        return f"http://127.0.0.1:{port}"

    def graphql_url(self, replica: int = 1) -> str:
        return f"{self.url('gateway', replica)}/graphql"

    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.ports.broker}"

    def kill(self, name: str) -> None:
        """SIGKILL one part (and its process group): no goodbye, as in a crash."""
        self.supervisor.kill(name)

    def start(self, name: str) -> None:
        self.supervisor.start(name)

    def emails_to(self, address: str) -> list[StoredEmail]:
        stored = read_emails(self.data_dir / "mail", self.read_mail)
        return [e for e in stored if address in e.recipients]

    async def wait_for_emails(self, address: str, count: int = 1) -> list[StoredEmail]:
        """As ``tests.e2e.system.RunningSystem`` (so ``tests.e2e.flows`` works on this system)."""
        emails, _took = await self.wait_for(address, count, timeout=60)
        assert len(distinct(emails)) >= count, f"no email to {address} within 60 s"
        return emails

    async def wait_for(
        self, address: str, count: int, timeout: float, poll: float = 0.2
    ) -> tuple[list[StoredEmail], float]:
        """The emails to ``address`` once there are ``count`` distinct Message-IDs (or timeout)."""
        began = time.monotonic()
        while True:
            emails = self.emails_to(address)
            if len(distinct(emails)) >= count or time.monotonic() - began > timeout:
                return emails, time.monotonic() - began
            await asyncio.sleep(poll)


def distinct(emails: list[StoredEmail]) -> set[str]:
    return {email.header_value("Message-ID") for email in emails}


def duplicates(emails: list[StoredEmail]) -> int:
    return len(emails) - len(distinct(emails))


def _replica_specs(
    ports: Ports, second: dict[str, int], environment: dict[str, str]
) -> list[ProcessSpec]:
    specs = []
    for service in SERVICES:
        env = {**environment, f"CJP_{service.upper()}_PORT": str(second[service])}
        if service == "gateway":
            for upstream in SERVICES[:3]:
                env[f"CJP_GATEWAY_{upstream.upper()}_URL"] = f"http://127.0.0.1:{second[upstream]}"
        port = second[service]
        health = f"http://127.0.0.1:{port}/health"
        argv = [sys.executable, "-m", f"services.{service}"]
        specs.append(
            ProcessSpec(f"{service}-2", argv, env, 3 + (service == "gateway"), port, health)
        )
    return specs


@contextmanager
def fault_system(data_dir: Path, *, private_cluster: bool = True) -> Iterator[FaultSystem]:
    """Start everything (about a minute on a busy machine); stop and drop it all afterwards.

    ``private_cluster``: on a PostgreSQL cluster of its own when one can be started here.
    """
    with ExitStack() as stack:
        cluster = None
        if private_cluster and private.unavailable_reason() is None:
            cluster = stack.enter_context(private.private_postgres())
        admin = cluster.admin_url if cluster else None
        urls = stack.enter_context(postgres_databases("cjp_faults", admin))
        ports, second = free_ports(), {service: _free_port() for service in SERVICES}
        (data_dir / "mail").mkdir(parents=True, exist_ok=True)
        (data_dir / "logs").mkdir(exist_ok=True)
        environment = {**isolated_environment(ports, data_dir), **FAST}
        environment |= {f"CJP_{s.upper()}_DATABASE_URL": url for s, url in urls.items()}
        specs = build_process_specs(ports, environment)
        specs += _replica_specs(ports, second, environment)
        supervisor = Supervisor(specs, log_dir=data_dir / "logs", ready_timeout=180.0)
        stack.callback(supervisor.stop_all)
        supervisor.start_all()
        yield FaultSystem(ports, second, data_dir, supervisor, urls, cluster)
