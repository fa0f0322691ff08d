"""What lives as long as the gateway process: settings, DB engine, pooled clients, the live feed."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from sqlalchemy import Engine

from services.gateway.live_feed import DeliverableStatusFeed
from services.gateway.settings import GatewaySettings
from services.gateway.tokens import TokenVerifier
from shared.settings import CommonSettings


@dataclass
class GatewayRuntime:
    """Wired once in the app lifespan; each GraphQL request reads it through its context."""

    settings: GatewaySettings
    common: CommonSettings
    engine: Engine
    clients: dict[str, httpx.AsyncClient]
    verifier: TokenVerifier
    feed: DeliverableStatusFeed
