"""The one place the gateway's parts are built: DB engine, pooled clients, the live feed, the
cache of public answers."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import httpx
from sqlalchemy import Engine

from services.gateway.adapters.public_cache import PublicCache
from services.gateway.adapters.rate_limits import Limit, SharedRateLimiter
from services.gateway.adapters.tokens import TokenVerifier
from services.gateway.adapters.upstream import make_clients
from services.gateway.entrypoints.live_feed import DeliverableStatusFeed, consume_status_changes
from services.gateway.settings import GatewaySettings
from services.gateway.use_cases import accounts
from shared.db import make_engine, upgrade_database
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
    public_cache: PublicCache | None = None  # None: switched off

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


MIGRATIONS = Path(__file__).parent / "migrations"


def prepare_database(settings: GatewaySettings, engine: Engine) -> None:
    """Migrate, and in development add the demo accounts (run once before workers start too)."""
    upgrade_database(settings.database_url, MIGRATIONS)
    if settings.seed_on_start and settings.environment == "development":
        accounts.create_demo_accounts(engine, password=settings.demo_password)


async def start_runtime(
    settings: GatewaySettings,
    common: CommonSettings,
    transport: httpx.AsyncBaseTransport | None,
) -> GatewayRuntime:
    engine = make_engine(settings.database_url)  # creates the SQLite folder if need be
    await asyncio.to_thread(prepare_database, settings, engine)
    return GatewayRuntime(
        settings=settings,
        common=common,
        engine=engine,
        clients=make_clients(settings, transport),
        verifier=TokenVerifier(settings),
        feed=DeliverableStatusFeed(),
        public_cache=make_public_cache(settings),
    )


def make_public_cache(settings: GatewaySettings) -> PublicCache | None:
    if settings.public_cache_seconds <= 0:
        return None
    return PublicCache(
        ttl_seconds=settings.public_cache_seconds, max_entries=settings.public_cache_entries
    )


def start_live_feed(runtime: GatewayRuntime) -> asyncio.Task[None] | None:
    if not runtime.settings.live_updates_enabled:
        return None
    cache = runtime.public_cache  # compared with None: an empty cache is falsy (it has a len)
    on_change = cache.clear if cache is not None else lambda: None
    return asyncio.create_task(
        consume_status_changes(runtime.feed, settings=runtime.common, on_change=on_change),
        name="live-feed",
    )
