"""The FastAPI application; its lifespan runs the consumer and the sender in the same process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from services.notifications import api, pages
from services.notifications.running import running
from services.notifications.settings import NotificationsSettings, get_settings
from services.notifications.wiring import build_wiring
from shared.http import install_http_basics
from shared.settings import CommonSettings, get_common_settings


def create_app(
    settings: NotificationsSettings | None = None, common: CommonSettings | None = None
) -> FastAPI:
    settings = settings or get_settings()
    common = common or get_common_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        wiring = build_wiring(settings, common)
        app.state.wiring = wiring
        async with running(wiring):
            yield

    app = FastAPI(title="CJP notifications", lifespan=lifespan)
    install_http_basics(app)
    app.include_router(api.router)
    app.include_router(pages.router)
    return app
