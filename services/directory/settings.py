"""Directory settings, read from the environment (prefix ``CJP_DIRECTORY_``)."""

from __future__ import annotations

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
    run_outbox_relay: bool = True
    review_check_interval_seconds: float = 3600.0

    @model_validator(mode="after")
    def _refuse_published_database_password(self) -> DirectorySettings:
        if get_common_settings().environment == "production":
            require_private_database_password("CJP_DIRECTORY_DATABASE_URL", self.database_url)
        return self


@lru_cache
def get_directory_settings() -> DirectorySettings:
    return DirectorySettings()
