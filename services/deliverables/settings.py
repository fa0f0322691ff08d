"""Settings of the deliverables service (environment prefix ``CJP_DELIVERABLES_``)."""

from __future__ import annotations

from functools import lru_cache

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.secret_policy import require_private_database_password
from shared.settings import get_common_settings


class DeliverablesSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CJP_DELIVERABLES_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8001
    database_url: str = "sqlite:///data/deliverables.db"
    # Loads the plan's facts (deliverables 1-50, aims, partners) into an empty database.
    seed_on_start: bool = True
    # Tests that need no broker switch the outbox relay off; events still wait in the outbox.
    relay_enabled: bool = True
    # Advisory-lock key electing one outbox relay per PostgreSQL database.
    relay_lock_key: int = 8001

    @model_validator(mode="after")
    def _refuse_published_database_password(self) -> DeliverablesSettings:
        if get_common_settings().environment == "production":
            require_private_database_password("CJP_DELIVERABLES_DATABASE_URL", self.database_url)
        return self


@lru_cache
def get_settings() -> DeliverablesSettings:
    return DeliverablesSettings()
