"""Production refuses every secret published in the repository and every weak one, by name."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from services.deliverables.settings import DeliverablesSettings
from services.gateway.settings import GatewaySettings
from services.notifications.settings import NotificationsSettings
from services.web.settings import WebSettings
from shared.identity import generate_identity_keys
from shared.secret_policy import HOW_TO_MAKE_ONE, PUBLISHED_SECRETS, weakness
from shared.settings import (
    DEVELOPMENT_IDENTITY_PRIVATE_KEY,
    DEVELOPMENT_IDENTITY_PUBLIC_KEY,
    CommonSettings,
    get_common_settings,
)

# Named, not shown: a random value in a test id differs between the processes of a parallel run.
WEAK_VALUES = [
    *(pytest.param(v, id=f"published-{i}") for i, v in enumerate(sorted(PUBLISHED_SECRETS))),
    pytest.param("x", id="one-character"),
    pytest.param("a" * 64, id="one-character-repeated"),
    pytest.param(secrets.token_urlsafe(16), id="random-but-short"),
]


@pytest.fixture(autouse=True)
def production(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("CJP_ENVIRONMENT", "production")
    private, public = generate_identity_keys()
    monkeypatch.setenv("CJP_IDENTITY_PUBLIC_KEY", public)
    monkeypatch.setenv("CJP_GATEWAY_IDENTITY_PRIVATE_KEY", private)
    get_common_settings.cache_clear()
    yield
    get_common_settings.cache_clear()


def strong() -> str:
    return secrets.token_urlsafe(48)


SECRET_SETTINGS: dict[str, Callable[[str], Any]] = {
    "CJP_GATEWAY_TOKEN_SECRET": lambda value: GatewaySettings(token_secret=value),
    "CJP_NOTIFICATIONS_TOKEN_SECRET": lambda value: NotificationsSettings(token_secret=value),
    "CJP_WEB_SESSION_SECRET": lambda value: WebSettings(session_secret=value),
}


@pytest.mark.parametrize("setting", sorted(SECRET_SETTINGS))
@pytest.mark.parametrize("value", WEAK_VALUES)
def test_production_refuses_a_published_or_weak_secret_and_says_how_to_make_one(
    setting: str, value: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        SECRET_SETTINGS[setting](value)
    message = str(refused.value)
    assert setting in message
    assert HOW_TO_MAKE_ONE in message


@pytest.mark.parametrize("setting", sorted(SECRET_SETTINGS))
def test_production_accepts_a_fresh_random_secret(setting: str) -> None:
    SECRET_SETTINGS[setting](strong())  # no error


def test_development_still_runs_on_the_built_in_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CJP_ENVIRONMENT", "development")
    get_common_settings.cache_clear()
    assert CommonSettings().environment == "development"
    assert WebSettings().session_secret in PUBLISHED_SECRETS
    assert GatewaySettings(environment="development").token_secret in PUBLISHED_SECRETS


@pytest.mark.parametrize("password", ["deliverables", "postgres", "demo-password"])
def test_production_refuses_a_database_password_published_in_the_repository(
    password: str,
) -> None:
    url = f"postgresql+psycopg://deliverables:{password}@postgres:5432/deliverables"
    with pytest.raises(ValidationError, match="CJP_DELIVERABLES_DATABASE_URL"):
        DeliverablesSettings(database_url=url)
    own = f"postgresql+psycopg://deliverables:{strong()}@postgres:5432/deliverables"
    assert DeliverablesSettings(database_url=own).database_url == own


def test_the_rule_itself() -> None:
    assert weakness(strong()) is None
    assert weakness(secrets.token_hex(32)) is None
    assert weakness("compose-demo-identity-secret") == "is a value published in the repository"
    assert "shorter" in str(weakness("x"))


def test_production_refuses_the_published_identity_keys() -> None:
    with pytest.raises(ValidationError, match="CJP_IDENTITY_PUBLIC_KEY"):
        CommonSettings(identity_public_key=DEVELOPMENT_IDENTITY_PUBLIC_KEY)
    with pytest.raises(ValidationError, match="CJP_GATEWAY_IDENTITY_PRIVATE_KEY"):
        GatewaySettings(
            token_secret=strong(), identity_private_key=DEVELOPMENT_IDENTITY_PRIVATE_KEY
        )
    private, public = generate_identity_keys()
    assert CommonSettings(identity_public_key=public).identity_public_key == public
    assert GatewaySettings(token_secret=strong(), identity_private_key=private).is_production


def test_forwarded_identities_cannot_be_configured_to_live_longer_than_30_seconds() -> None:
    with pytest.raises(ValidationError, match="identity_ttl_seconds"):
        GatewaySettings(environment="development", identity_ttl_seconds=120)
