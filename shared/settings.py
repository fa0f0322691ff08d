"""Settings common to every process, read from the environment (prefix ``CJP_``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.identity import load_public_key
from shared.secret_policy import require_production_key

# A development-only Ed25519 key pair for forwarded identities (URL-safe base64 of the raw
# bytes). It is published here, so production refuses both halves; make a pair with
# `cjp identity-keys`.
DEVELOPMENT_IDENTITY_PRIVATE_KEY = "i4ksyUMYfLopeZM81zyqLovDZ8aFZCPJqAkZD2pr2mk"
DEVELOPMENT_IDENTITY_PUBLIC_KEY = "vDn3RRynxKqo-IF1mIW9sO8Ok1tH8BohLC6Odr8aE2I"


class CommonSettings(BaseSettings):
    """What every service and the gateway need to know about their environment."""

    model_config = SettingsConfigDict(env_prefix="CJP_", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    log_format: Literal["console", "json"] = "console"
    log_level: str = "INFO"
    data_dir: Path = Path("data")

    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    # Apache Kafka supports idempotent producers; the embedded Tansu broker does not.
    kafka_enable_idempotence: bool = False
    # Tansu gives a topic it creates by itself (for a consumer that asked first) 4 partitions;
    # creating ours with as many keeps producers and storage agreeing after an empty restart.
    kafka_topic_partitions: int = 4
    # Consumers re-create the topics they read this often: a broker that restarted empty has
    # none, and committing offsets to a missing topic stalls a consumer group for minutes.
    kafka_topic_check_interval_seconds: float = 5.0
    # Consumers check this often that no partition is positioned beyond the end of its log (a
    # broker that restarted empty answers such fetches with nothing), and seek back if so.
    kafka_position_check_interval_seconds: float = 0.5

    # Verifies the one-request identity the gateway forwards (the gateway alone holds the
    # private half: CJP_GATEWAY_IDENTITY_PRIVATE_KEY).
    identity_public_key: str = DEVELOPMENT_IDENTITY_PUBLIC_KEY

    outbox_poll_interval_seconds: float = 0.2
    outbox_batch_size: int = 100
    # After a cycle that published less than a full batch, the relay waits this long before it
    # reads again, so that the rows of the commits made meanwhile go out together. The first
    # commit after a quiet spell is published at once.
    outbox_linger_seconds: float = 0.05
    # A row the broker refuses this many times (too large, say) is set aside as failed.
    outbox_max_attempts: int = 3
    # How often the relay re-asserts its topics and checks the broker still holds what it took.
    outbox_verify_interval_seconds: float = 2.0
    # Rows published this recently are read back from the broker until found as sent (a broker
    # can acknowledge a record and not serve it); those missing are published again.
    outbox_readback_window_seconds: float = 600.0
    # Rows just published are read back this soon (and with every verify above).
    outbox_readback_delay_seconds: float = 0.5
    # Published rows are kept this long (to replay them if the broker loses them), then pruned.
    outbox_retention_hours: float = 72.0
    # How often a replica that is not the relay leader tries to take over.
    outbox_leader_retry_seconds: float = 1.0

    @model_validator(mode="after")
    def _refuse_default_secrets_in_production(self) -> CommonSettings:
        load_public_key(self.identity_public_key)  # a malformed key fails at start, not per call
        if self.environment == "production":
            require_production_key("CJP_IDENTITY_PUBLIC_KEY", self.identity_public_key)
        return self


@lru_cache
def get_common_settings() -> CommonSettings:
    return CommonSettings()
