"""Settings of the web front end, read from the environment (prefix ``CJP_WEB_``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.secret_policy import require_strong_secret
from shared.settings import get_common_settings

DEVELOPMENT_SESSION_SECRET = "development-only-web-session-secret-change-me"
STATIC_SRC_DIR = Path(__file__).parent / "static-src"


class WebSettings(BaseSettings):
    """Where the pages listen, which gateway they call and how the session cookie is signed."""

    model_config = SettingsConfigDict(env_prefix="CJP_WEB_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8080
    gateway_url: str = "http://127.0.0.1:8000/graphql"
    gateway_timeout_seconds: float = 10.0
    session_secret: str = DEVELOPMENT_SESSION_SECRET
    session_max_age_seconds: int = 8 * 3600
    # Browsers accept Secure cookies from http://127.0.0.1 and localhost, so this stays on locally.
    cookie_secure: bool = True
    # Where ``npm install --prefix services/web/static-src`` put node_modules.
    static_src_dir: Path = STATIC_SRC_DIR

    @model_validator(mode="after")
    def _refuse_default_secret_in_production(self) -> WebSettings:
        production = get_common_settings().environment == "production"
        if production:
            require_strong_secret("CJP_WEB_SESSION_SECRET", self.session_secret)
        return self

    @property
    def design_system_dir(self) -> Path:
        return (
            self.static_src_dir / "node_modules" / "@scottish-government" / "design-system" / "dist"
        )


@lru_cache
def get_settings() -> WebSettings:
    return WebSettings()
