"""Directory settings, read from the environment (prefix ``CJP_DIRECTORY_``)."""

from __future__ import annotations

import zlib
from functools import lru_cache

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.secret_policy import require_private_database_password
from shared.settings import get_common_settings


class DirectorySettings(BaseSettings):
    """Where the directory listens, which database it owns and how it keeps entries current."""

    model_config = SettingsConfigDict(env_prefix="CJP_DIRECTORY_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8002
    # uvicorn worker processes: search is CPU-bound; more than one uses more cores.
    workers: int = Field(default=1, ge=1, le=32)
    database_url: str = "sqlite:///data/directory.db"
    seed_on_start: bool = True
    relay_enabled: bool = True
    # Advisory-lock key electing one outbox relay per PostgreSQL database.
    relay_lock_key: int = zlib.crc32(b"directory-outbox-relay")
    review_check_interval_seconds: float = 3600.0

    @model_validator(mode="after")
    def _one_relay_leader(self) -> DirectorySettings:
        """On SQLite every process counts as the relay's leader: one worker, or no relay."""
        if self.workers > 1 and self.relay_enabled and self.database_url.startswith("sqlite"):
            raise ValueError(
                "CJP_DIRECTORY_WORKERS > 1 with the outbox relay needs PostgreSQL (its advisory "
                "lock elects one relay); on SQLite use 1 worker or CJP_DIRECTORY_RELAY_ENABLED="
                "false"
            )
        return self

    @model_validator(mode="after")
    def _refuse_published_database_password(self) -> DirectorySettings:
        if get_common_settings().environment == "production":
            require_private_database_password("CJP_DIRECTORY_DATABASE_URL", self.database_url)
        return self


@lru_cache
def get_settings() -> DirectorySettings:
    return DirectorySettings()
