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
async def plan_service(folder: Path, *, seed_plan: bool = True) -> AsyncIterator[str]:
    """The deliverables service; ``seed_plan=False`` starts with an empty plan."""
    settings = DeliverablesSettings(
        database_url=f"sqlite:///{folder / 'd.db'}", relay_enabled=False, seed_on_start=seed_plan
    )
    served = await Served(deliverables_app(settings)).start()
    try:
        yield served.url
    finally:
        await served.stop()


@asynccontextmanager
async def real_services(folder: Path) -> AsyncIterator[RealUrls]:
    """Both services, seeded, each with its own database."""
    settings = DirectorySettings(database_url=f"sqlite:///{folder / 's.db'}", relay_enabled=False)
    async with plan_service(folder) as deliverables_url:
        directory = await Served(directory_app(settings)).start()
        try:
            yield RealUrls(deliverables=deliverables_url, directory=directory.url)
        finally:
            await directory.stop()
