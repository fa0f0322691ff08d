"""Which processes make up the embedded system, and how each is configured, from one port map."""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

SERVICES = ("deliverables", "directory", "notifications", "gateway")
OPTIONAL_SERVICES = ("web",)  # started when its package is present
DEFAULT_PASSWORD = "demo-password"
DEMO_ACCOUNTS = (
    ("coordinator@cjp.test", "coordinator", ""),
    ("sg.editor@cjp.test", "partner_editor", "scottish-government"),
    ("cjs.editor@cjp.test", "partner_editor", "community-justice-scotland"),
    ("police.editor@cjp.test", "partner_editor", "police-scotland"),
    ("fife.editor@cjp.test", "directory_editor", "fife"),
    ("glasgow.editor@cjp.test", "directory_editor", "glasgow-city"),
    ("sheriff@cjp.test", "judiciary", ""),
)


@dataclass(frozen=True)
class Ports:
    """Where each part listens; the defaults are the ones in docs/contracts.md."""

    broker: int = 9092
    mailsink: int = 1025
    deliverables: int = 8001
    directory: int = 8002
    notifications: int = 8003
    gateway: int = 8000
    web: int = 8080

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> Ports:
        """Ports as overridden by CJP_BROKER_PORT, CJP_MAILSINK_PORT and CJP_<SERVICE>_PORT."""
        defaults = cls()
        return cls(
            **{
                name: int(environ.get(f"CJP_{name.upper()}_PORT", getattr(defaults, name)))
                for name in ("broker", "mailsink", *SERVICES, *OPTIONAL_SERVICES)
            }
        )

    def service_url(self, name: str) -> str:
        return f"http://127.0.0.1:{getattr(self, name)}"


@dataclass(frozen=True)
class ProcessSpec:
    """One process to start: its command, its environment and how to tell it is ready."""

    name: str
    argv: list[str]
    env: dict[str, str]
    stage: int
    ready_port: int
    health_url: str | None = None


def system_environment(ports: Ports, data_dir: Path) -> dict[str, str]:
    """The CJP_* variables that wire the processes to each other and to the data folder."""
    data = data_dir.resolve()
    env = {
        "CJP_DATA_DIR": str(data),
        "CJP_BROKER_PORT": str(ports.broker),
        "CJP_KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{ports.broker}",
        "CJP_MAILSINK_PORT": str(ports.mailsink),
        "CJP_MAILSINK_DIR": str(data / "mail"),
        "CJP_NOTIFICATIONS_SMTP_HOST": "127.0.0.1",
        "CJP_NOTIFICATIONS_SMTP_PORT": str(ports.mailsink),
        "CJP_NOTIFICATIONS_PUBLIC_BASE_URL": ports.service_url("notifications"),
        "CJP_NOTIFICATIONS_WEB_BASE_URL": f"http://127.0.0.1:{ports.web}",
        # Tansu forms a consumer group in about half the session timeout (after a broker restart
        # too); Apache Kafka refuses less than 6 s, the default, but the embedded Tansu takes it.
        "CJP_NOTIFICATIONS_CONSUMER_SESSION_TIMEOUT_MS": "3000",
    }
    for name in SERVICES:
        prefix = f"CJP_{name.upper()}_"
        env[prefix + "HOST"] = "127.0.0.1"
        env[prefix + "PORT"] = str(getattr(ports, name))
        env[prefix + "DATABASE_URL"] = f"sqlite:///{data / (name + '.db')}"
    for name in SERVICES[:3]:
        env[f"CJP_GATEWAY_{name.upper()}_URL"] = ports.service_url(name)
    env["CJP_WEB_HOST"] = "127.0.0.1"
    env["CJP_WEB_PORT"] = str(ports.web)
    env["CJP_WEB_GATEWAY_URL"] = f"{ports.service_url('gateway')}/graphql"
    return env


def web_is_present() -> bool:
    return importlib.util.find_spec("services.web.__main__") is not None


def build_process_specs(
    ports: Ports,
    environment: Mapping[str, str],
    *,
    python: str = sys.executable,
    include_web: bool = False,
) -> list[ProcessSpec]:
    """Broker and mail sink first, then the three services together, then the gateway (and web)."""
    env = dict(environment)

    def service(name: str, stage: int) -> ProcessSpec:
        port = getattr(ports, name)
        return ProcessSpec(
            name=name,
            argv=[python, "-m", f"services.{name}"],
            env=env,
            stage=stage,
            ready_port=port,
            health_url=f"{ports.service_url(name)}/health/ready",
        )

    specs = [
        ProcessSpec("broker", [python, "-m", "deploy.local.broker"], env, 0, ports.broker),
        ProcessSpec("mailsink", [python, "-m", "deploy.local.mailsink"], env, 0, ports.mailsink),
        service("deliverables", 1),
        service("directory", 1),
        service("notifications", 1),
        service("gateway", 2),
    ]
    if include_web:
        specs.append(ProcessSpec("web", [python, "-m", "services.web"], env, 3, ports.web))
    return specs
