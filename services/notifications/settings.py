"""Settings of the notifications service (prefix ``CJP_NOTIFICATIONS_``)."""

from __future__ import annotations

import zlib
from functools import lru_cache

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.secret_policy import require_private_database_password, require_strong_secret
from shared.settings import get_common_settings

DEVELOPMENT_TOKEN_SECRET = "development-only-notifications-token-secret"


class NotificationsSettings(BaseSettings):
    """Where to listen, where to send mail, and how hard to try; every value has a safe default."""

    model_config = SettingsConfigDict(env_prefix="CJP_NOTIFICATIONS_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8003
    database_url: str = "sqlite:///data/notifications.db"
    seed_on_start: bool = True  # nothing to seed: subscribers come only from people
    public_base_url: str = "http://127.0.0.1:8003"
    # The public web front end: emails link to a deliverable's page there.
    web_base_url: str = "http://127.0.0.1:8080"

    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    smtp_use_tls: bool = False
    smtp_start_tls: bool = False
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_timeout_seconds: float = 10.0
    mail_from: str = "Community Justice Scotland updates <updates@cjp.test>"

    # Signs confirm / unsubscribe / manage links (itsdangerous).
    token_secret: str = DEVELOPMENT_TOKEN_SECRET
    # Bearer token the mail provider sends with delivery-status callbacks (GOV.UK Notify style);
    # unset, POST /callbacks/delivery-status refuses every call.
    callback_bearer_token: str | None = None
    confirm_token_max_age_seconds: int = 7 * 24 * 3600
    # Manage and unsubscribe links: every email carries fresh ones, so they need not live long.
    link_token_max_age_seconds: int = 90 * 24 * 3600

    # Tests that need no broker switch the outbox relay off; events still wait in the outbox.
    relay_enabled: bool = True
    # Advisory-lock key electing one outbox relay per PostgreSQL database.
    relay_lock_key: int = zlib.crc32(b"notifications-outbox-relay")

    consumer_group: str = "notifications"
    consumer_max_attempts: int = 5
    consumer_retry_base_seconds: float = 0.2
    # Kafka's smallest accepted session; the group forms sooner after a start (Tansu: ~half).
    consumer_session_timeout_ms: int = 6_000
    # Replicas learn of a rebalance at their next heartbeat: after a broker restart the group
    # re-forms (Tansu forgets it) in a few of these.
    consumer_heartbeat_interval_ms: int = 500
    # How long a fetch may wait for new records; low keeps an immediate email immediate.
    consumer_fetch_max_wait_ms: int = 100
    # An event's deliveries are recorded and committed this many matching subscriptions at a
    # time, so the sender starts on the first chunk while the rest are still being matched.
    matching_chunk_size: int = Field(default=5_000, ge=1)

    sender_poll_interval_seconds: float = 0.5
    sender_batch_size: int = 200
    sender_concurrency: int = 8
    # Shared by every replica (a token bucket in the database); 0 = unlimited. It delays mail,
    # never drops it.
    send_rate_per_minute: int = 1200
    # A claimed delivery is leased for this long and the lease is renewed while it is being sent,
    # so a crashed sender's deliveries are taken over within this time.
    sender_lease_seconds: float = 10.0
    # How many sent emails per SMTP session may await their recorded outcome before it sends
    # the next: a crash re-sends at most this many per session (same Message-ID). 1 is safest;
    # more trades that bound for throughput (see the README's benchmark).
    sender_unrecorded_per_session: int = Field(default=1, ge=1)
    # Backoff of one email the server answered 4xx to (or lost mid-message), capped.
    retry_base_seconds: float = 5.0
    retry_max_seconds: float = 300.0
    max_send_attempts: int = 10
    # While the SMTP server cannot be reached nothing is attempted (no attempt is counted): the
    # sender probes it again after a backoff capped at this, so mail flows soon after it is back.
    smtp_outage_probe_max_seconds: float = 2.0
    # The right-hand side of the deterministic Message-ID <delivery-N@...> of each delivery.
    message_id_domain: str = "notifications.cjp.test"
    permanent_failures_before_suspension: int = 3

    digest_check_interval_seconds: float = 60.0
    default_timezone: str = "Europe/London"
    default_digest_time: str = "08:00"
    default_digest_weekday: int = 0  # Monday

    body_retention_days: int = 30
    address_erasure_days: int = 30
    retention_check_interval_seconds: float = 3600.0

    @model_validator(mode="after")
    def _refuse_default_secret_in_production(self) -> NotificationsSettings:
        production = get_common_settings().environment == "production"
        if production:
            require_strong_secret("CJP_NOTIFICATIONS_TOKEN_SECRET", self.token_secret)
            require_private_database_password("CJP_NOTIFICATIONS_DATABASE_URL", self.database_url)
        return self


@lru_cache
def get_settings() -> NotificationsSettings:
    return NotificationsSettings()
