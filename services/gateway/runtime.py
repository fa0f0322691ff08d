"""What lives as long as the gateway process: settings, DB engine, pooled clients, the live feed."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import httpx
from sqlalchemy import Engine

from services.gateway.live_feed import DeliverableStatusFeed
from services.gateway.rate_limits import Limit, SharedRateLimiter
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

    @cached_property
    def rate_limiter(self) -> SharedRateLimiter:
        """Budgets kept in the gateway database, shared by every replica."""
        return SharedRateLimiter(lambda: self.engine)

    async def spend_suggestion_budget(self, client_address: str) -> float:
        """How long ``client_address`` must wait to suggest another correction (0: go ahead)."""
        limit = Limit(
            "suggest:" + client_address,
            per_minute=self.settings.suggestions_per_minute,
            burst=self.settings.suggestions_burst,
        )
        return await self.rate_limiter.wait_for([limit])
