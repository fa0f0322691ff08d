"""The REAL deliverables and directory services, served in this process on SQLite."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from services.deliverables.app import create_app as deliverables_app
from services.deliverables.settings import DeliverablesSettings
from services.directory.app import create_app as directory_app
from services.directory.settings import DirectorySettings
from services.gateway.tests.conftest import Served


@dataclass(frozen=True)
class RealUrls:
    deliverables: str
    directory: str


@asynccontextmanager
async def real_services(folder: Path, *, seed_plan: bool = True) -> AsyncIterator[RealUrls]:
    """Both services with their own databases; ``seed_plan=False`` starts an empty plan."""
    deliverables = await Served(
        deliverables_app(
            DeliverablesSettings(
                database_url=f"sqlite:///{folder / 'd.db'}",
                relay_enabled=False,
                seed_on_start=seed_plan,
            )
        )
    ).start()
    directory = await Served(
        directory_app(
            DirectorySettings(database_url=f"sqlite:///{folder / 's.db'}", run_outbox_relay=False)
        )
    ).start()
    try:
        yield RealUrls(deliverables=deliverables.url, directory=directory.url)
    finally:
        await deliverables.stop()
        await directory.stop()
