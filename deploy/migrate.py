"""`cjp migrate SERVICE`: bring one service's database to its newest Alembic revision, then exit.

Kubernetes runs it as a Job before the Deployments roll (deploy/k8s/migrate.yaml), so schema
changes happen once, not in every replica's start. It reads the same settings as the service.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

from pydantic_settings import BaseSettings

from shared.db import upgrade_database

SERVICES_DIR = Path(__file__).resolve().parents[1] / "services"
MIGRATED = ("deliverables", "directory", "notifications", "gateway")


def settings_for(service: str) -> BaseSettings:
    """The service's own settings (prefix ``CJP_<SERVICE>_``), read from the environment."""
    module = importlib.import_module(f"services.{service}.settings")
    prefix = f"CJP_{service.upper()}_"
    [settings_class] = [
        value
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, BaseSettings)
        and value.model_config.get("env_prefix") == prefix
    ]
    return settings_class()


def migrate(service: str) -> str:
    """Upgrade ``service``'s database; returns the URL it migrated, without a password."""
    url = str(getattr(settings_for(service), "database_url"))  # noqa: B009 (any settings class)
    upgrade_database(url, SERVICES_DIR / service / "migrations")
    return url.split("@")[-1]


def main(argv: list[str]) -> int:
    """Migrate the one service named in ``argv``; 2 for a usage error."""
    if len(argv) != 1 or argv[0] not in MIGRATED:
        print(f"usage: cjp migrate {{{','.join(MIGRATED)}}}", file=sys.stderr)
        return 2
    where = migrate(argv[0])
    print(f"{argv[0]}: database at {where} is at the newest revision", file=sys.stderr)
    return 0
