"""Bearer tokens: the gateway's own short-lived tokens for local accounts, and OIDC tokens."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt

from services.gateway.settings import GatewaySettings
from shared.errors import Unauthenticated
from shared.identity import Identity, Role

LOCAL_ISSUER = "cjp-gateway-local"
LOCAL_AUDIENCE = "cjp-gateway"


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_at: datetime


def issue_token(identity: Identity, settings: GatewaySettings) -> IssuedToken:
    """Sign a short-lived HS256 bearer token for a local account."""
    now = datetime.now(UTC)
    expires_at = now + timedelta(seconds=settings.token_ttl_seconds)
    claims = {
        "sub": identity.subject,
        "name": identity.name,
        "role": identity.role.value,
        "organisation": identity.organisation,
        "local_authority": identity.local_authority,
        "iss": LOCAL_ISSUER,
        "aud": LOCAL_AUDIENCE,
        "iat": now,
        "exp": expires_at,
    }
    token = jwt.encode(claims, settings.token_secret, algorithm="HS256")
    return IssuedToken(token=token, expires_at=expires_at)


class TokenVerifier:
    """Turns a bearer token into an Identity: a local token, or an OIDC one from the issuer."""

    def __init__(self, settings: GatewaySettings) -> None:
        self._settings = settings
        self._jwks: jwt.PyJWKClient | None = None
        self._jwks_lock = asyncio.Lock()

    async def verify(self, token: str) -> Identity:
        """Return who the token names, or raise ``Unauthenticated``."""
        try:
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError as exc:
            raise Unauthenticated("The bearer token is malformed; sign in again.") from exc
        issuer = unverified.get("iss")
        if self._settings.oidc_issuer and issuer == self._settings.oidc_issuer:
            return await self._verify_oidc(token)
        if self._settings.local_accounts_enabled and issuer == LOCAL_ISSUER:
            return self._verify_local(token)
        raise Unauthenticated("The bearer token was not issued by a trusted issuer.")

    def _verify_local(self, token: str) -> Identity:
        claims = _decode(
            token, self._settings.token_secret, ["HS256"], LOCAL_AUDIENCE, LOCAL_ISSUER
        )
        return _identity_from_claims(claims, "role", "organisation", "local_authority")

    async def _key_set(self) -> jwt.PyJWKClient:
        """The issuer's JWKS client: from settings, or found by OIDC discovery once."""
        async with self._jwks_lock:
            if self._jwks is None:
                url = self._settings.oidc_jwks_url or await _discover_jwks_url(
                    str(self._settings.oidc_issuer)
                )
                self._jwks = jwt.PyJWKClient(url, cache_keys=True, lifespan=300, timeout=5)
            return self._jwks

    async def _verify_oidc(self, token: str) -> Identity:
        key_set = await self._key_set()
        try:
            signing_key = await asyncio.to_thread(key_set.get_signing_key_from_jwt, token)
        except jwt.PyJWKClientError as exc:
            raise Unauthenticated("The identity provider's signing key is unknown.") from exc
        claims = _decode(
            token,
            signing_key.key,
            ["RS256", "ES256", "PS256"],
            self._settings.oidc_audience,
            self._settings.oidc_issuer,
        )
        settings = self._settings
        return _identity_from_claims(
            claims,
            settings.oidc_role_claim,
            settings.oidc_organisation_claim,
            settings.oidc_local_authority_claim,
        )


async def _discover_jwks_url(issuer: str) -> str:
    """``jwks_uri`` from the issuer's ``/.well-known/openid-configuration``."""
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    try:
        async with httpx.AsyncClient(timeout=5) as http:
            response = await http.get(url)
            response.raise_for_status()
            return str(response.json()["jwks_uri"])
    except (httpx.HTTPError, ValueError, KeyError) as exc:
        raise Unauthenticated("The identity provider cannot be reached; try again.") from exc


def _decode(
    token: str, key: Any, algorithms: list[str], audience: str | None, issuer: str | None
) -> dict[str, Any]:
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=algorithms,
            audience=audience,
            issuer=issuer,
            options={"require": ["exp", "iss", "sub"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise Unauthenticated("Your sign-in has expired; sign in again.") from exc
    except jwt.PyJWTError as exc:
        raise Unauthenticated("The bearer token is not valid; sign in again.") from exc
    return claims


def _identity_from_claims(
    claims: dict[str, Any], role_claim: str, organisation_claim: str, area_claim: str
) -> Identity:
    try:
        role = Role(claims.get(role_claim) or Role.PUBLIC.value)
    except ValueError as exc:
        raise Unauthenticated("The bearer token names an unknown role.") from exc
    return Identity(
        subject=str(claims["sub"]),
        name=str(claims.get("name") or claims["sub"]),
        role=role,
        organisation=claims.get(organisation_claim),
        local_authority=claims.get(area_claim),
    )
