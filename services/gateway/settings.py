"""Gateway settings, read from the environment (prefix ``CJP_GATEWAY_``)."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.gateway.adapters.sign_in_throttle import ThrottlePolicy
from shared.identity import MAX_IDENTITY_TTL_SECONDS, load_private_key
from shared.secret_policy import (
    require_private_database_password,
    require_production_key,
    require_strong_secret,
)
from shared.settings import DEVELOPMENT_IDENTITY_PRIVATE_KEY

DEVELOPMENT_TOKEN_SECRET = "development-only-gateway-token-secret-change-me"
DEVELOPMENT_DEMO_PASSWORD = "demo-password"


class GatewaySettings(BaseSettings):
    """Where the gateway listens, which services it fronts and how it protects them."""

    model_config = SettingsConfigDict(
        env_prefix="CJP_GATEWAY_", extra="ignore", populate_by_name=True
    )

    # The common CJP_ENVIRONMENT, read here so a test can build production settings directly.
    environment: Literal["development", "test", "production"] = Field(
        default="development", validation_alias=AliasChoices("environment", "CJP_ENVIRONMENT")
    )

    host: str = "127.0.0.1"
    port: int = 8000
    # uvicorn worker processes (bench/http_load.py chooses the default); each reads the live feed.
    workers: int = Field(default=1, ge=1, le=32)
    database_url: str = "sqlite:///data/gateway.db"
    seed_on_start: bool = True
    demo_password: str = DEVELOPMENT_DEMO_PASSWORD

    deliverables_url: str = "http://127.0.0.1:8001"
    directory_url: str = "http://127.0.0.1:8002"
    notifications_url: str = "http://127.0.0.1:8003"
    upstream_timeout_seconds: float = 5.0
    upstream_max_connections: int = 100

    # Signs the one-request identity forwarded to the services (they hold the public half).
    identity_private_key: str = DEVELOPMENT_IDENTITY_PRIVATE_KEY
    identity_ttl_seconds: int = Field(
        default=MAX_IDENTITY_TTL_SECONDS, gt=0, le=MAX_IDENTITY_TTL_SECONDS
    )

    # Local accounts sign their own short-lived bearer tokens.
    token_secret: str = DEVELOPMENT_TOKEN_SECRET
    token_ttl_seconds: int = 900
    local_accounts_enabled: bool = True

    # OIDC bearer tokens (production): verified against the issuer's JWKS.
    oidc_issuer: str | None = None
    oidc_audience: str | None = None
    oidc_jwks_url: str | None = None  # default: jwks_uri from the issuer's OIDC discovery
    oidc_role_claim: str = "cjp_role"
    oidc_organisation_claim: str = "cjp_organisation"
    oidc_local_authority_claim: str = "cjp_local_authority"

    # Protection.
    max_query_depth: int = 10
    max_query_tokens: int = 2000
    max_aliases: int = 15
    max_page_size: int = 100
    # Query cost (services/gateway/entrypoints/graphql/query_cost.py): objects counted, lists
    # multiplied.
    max_query_cost_anonymous: int = 15_000
    max_query_cost_signed_in: int = 50_000
    max_body_bytes: int = 64 * 1024
    # A signed-in coordinator may send more: a published edition for importPlan (~70 KB as text).
    max_coordinator_body_bytes: int = 8 * 1024 * 1024
    # Sign-in: failures allowed before an exponential delay (per account, per address).
    sign_in_free_failures_per_account: int = 3
    sign_in_free_failures_per_address: int = 10
    sign_in_max_delay_seconds: float = 900.0
    # subscribe: per client address and per subscriber address (notifications also sends at
    # most one confirmation email per subscriber address per 10 minutes).
    subscribe_burst_per_client: int = 10
    subscribe_per_minute_per_client: float = 0.5
    subscribe_burst_per_subscriber: int = 3
    subscribe_per_minute_per_subscriber: float = 0.1
    rate_limit_per_minute: int = 600
    rate_limit_burst: int = 100
    # Client budgets are decided in memory and synced to the database in batches (every this many
    # seconds, or once a budget has this many unsynced requests): with R replicas a client gets at
    # most (R - 1) * rate_limit_sync_requests beyond its budget (adapters/rate_batches.py).
    rate_limit_sync_seconds: float = Field(default=0.2, gt=0, le=5)
    rate_limit_sync_requests: int = Field(default=20, ge=1, le=1000)
    # Suggested corrections need no account: each client address may send this many at once,
    # then one more per minute (anything beyond is refused with RATE_LIMITED).
    suggestions_burst: int = 5
    suggestions_per_minute: int = 1
    # Proxies (addresses or networks, comma-separated) whose X-Forwarded-For names the real
    # client: only the last entry, the one the proxy added, counts. None by default.
    trusted_proxies: str = ""
    introspection_enabled: bool | None = None
    cors_origins: list[str] = Field(default_factory=list)

    # Live updates (GraphQL subscriptions fed from Kafka); the same consumer ends cached answers.
    live_updates_enabled: bool = True
    # Answers to anonymous queries are shared until an event of the services says something
    # changed, and never longer than this (0 turns the cache off); entries are bounded.
    public_cache_seconds: float = Field(default=5.0, ge=0, le=300)
    public_cache_entries: int = Field(default=1000, ge=1, le=100_000)

    @model_validator(mode="after")
    def _refuse_development_secrets_in_production(self) -> GatewaySettings:
        load_private_key(self.identity_private_key)  # a malformed key fails at start
        if self.environment != "production":
            return self
        require_private_database_password("CJP_GATEWAY_DATABASE_URL", self.database_url)
        if self.local_accounts_enabled:
            require_strong_secret("CJP_GATEWAY_TOKEN_SECRET", self.token_secret)
        require_production_key("CJP_GATEWAY_IDENTITY_PRIVATE_KEY", self.identity_private_key)
        if self.oidc_issuer and not self.oidc_audience:
            raise ValueError("CJP_GATEWAY_OIDC_AUDIENCE must be set when an OIDC issuer is")
        return self

    @property
    def sign_in_policy(self) -> ThrottlePolicy:
        return ThrottlePolicy(
            account_free_failures=self.sign_in_free_failures_per_account,
            address_free_failures=self.sign_in_free_failures_per_address,
            max_delay_seconds=self.sign_in_max_delay_seconds,
        )

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @property
    def introspection_allowed(self) -> bool:
        """Introspection is on unless switched off; production switches it off by default."""
        if self.introspection_enabled is None:
            return not self.is_production
        return self.introspection_enabled


@lru_cache
def get_settings() -> GatewaySettings:
    return GatewaySettings()
