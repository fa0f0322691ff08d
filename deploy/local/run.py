"""`make run`: the whole platform on one machine, in the foreground.

A part that dies is restarted (``deploy.local.keeper``); Ctrl-C or SIGTERM stops every part.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import asdict
from pathlib import Path

from deploy.local.keeper import Keeper, run
from deploy.local.processes import (
    DEFAULT_PASSWORD,
    DEMO_ACCOUNTS,
    Ports,
    build_process_specs,
    system_environment,
    web_is_present,
)
from deploy.local.supervisor import port_is_open


def banner(ports: Ports, data_dir: Path, *, with_web: bool) -> str:
    password = os.environ.get("CJP_GATEWAY_DEMO_PASSWORD", DEFAULT_PASSWORD)
    lines = [
        "",
        "Community justice platform is running. A part that stops is restarted; "
        "Ctrl-C stops everything.",
        f"  GraphQL + GraphiQL   http://127.0.0.1:{ports.gateway}/graphql",
        *([f"  web pages            {ports.service_url('web')}"] if with_web else []),
        f"  deliverables         {ports.service_url('deliverables')}  (internal API, /docs)",
        f"  directory            {ports.service_url('directory')}  (internal API, /docs)",
        f"  notifications        {ports.service_url('notifications')}  (internal API, /docs)",
        f"  Kafka broker         127.0.0.1:{ports.broker}  (Tansu, memory storage)",
        f"  SMTP sink            127.0.0.1:{ports.mailsink}",
        f"  mail goes to         {(data_dir / 'mail').resolve()}  (list it: make mail)",
        f"  databases            {data_dir.resolve()}/<service>.db",
        f"  demo accounts        password '{password}':",
    ]
    lines += [f"    {email:<26} {role:<17} {scope}" for email, role, scope in DEMO_ACCOUNTS]
    return "\n".join(lines) + "\n"


def busy_ports(ports: Ports) -> list[str]:
    return [f"{name} ({port})" for name, port in asdict(ports).items() if port_is_open(port)]


def main() -> int:
    ports = Ports.from_environment()
    data_dir = Path(os.environ.get("CJP_DATA_DIR", "data"))
    (data_dir / "mail").mkdir(parents=True, exist_ok=True)
    busy = busy_ports(ports)
    if busy:
        print(f"Already in use: {', '.join(busy)}. Stop what holds them or set CJP_*_PORT.")
        return 1
    environment = {**system_environment(ports, data_dir), **os.environ}
    with_web = web_is_present()
    specs = build_process_specs(ports, environment, include_web=with_web)
    keeper = Keeper(specs)
    return asyncio.run(run(keeper, banner(ports, data_dir, with_web=with_web)))


if __name__ == "__main__":
    raise SystemExit(main())
