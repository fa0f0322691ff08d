"""What lives as long as the gateway process: settings, DB engine, pooled clients, the live feed."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import httpx
from sqlalchemy import Engine

from services.gateway.live_feed import DeliverableStatusFeed
from services.gateway.protection import TokenBuckets
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
    def suggestion_budget(self) -> TokenBuckets:
        """How many corrections each client address may still suggest (no account needed)."""
        return TokenBuckets(
            per_minute=self.settings.suggestions_per_minute, burst=self.settings.suggestions_burst
        )
