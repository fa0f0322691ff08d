"""The one place where the web pages' parts are built: the gateway client they share."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

from services.web.adapters.gateway import GatewayClient
from services.web.settings import WebSettings


@asynccontextmanager
async def gateway_client(settings: WebSettings) -> AsyncIterator[GatewayClient]:
    """One pooled HTTP client to the gateway for the life of the process."""
    async with httpx.AsyncClient(timeout=settings.gateway_timeout_seconds) as http:
        yield GatewayClient(http, settings.gateway_url)
