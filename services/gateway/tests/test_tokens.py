"""Bearer tokens: local ones expire and cannot be forged; OIDC ones are checked against the JWKS."""

from __future__ import annotations

import secrets
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI
from pydantic import ValidationError

from services.gateway.adapters.tokens import (
    LOCAL_AUDIENCE,
    LOCAL_ISSUER,
    TokenVerifier,
    issue_token,
)
from services.gateway.settings import GatewaySettings
from services.gateway.tests.conftest import GatewayFactory, GraphQLClient, Served, error_codes
from shared.errors import Unauthenticated
from shared.identity import Identity, Role, generate_identity_keys

AUDIENCE = "cjp-gateway-prod"
ME = "query { me { email name role organisation } }"


def test_production_refuses_the_development_token_secret() -> None:
    with pytest.raises(ValidationError, match="CJP_GATEWAY_TOKEN_SECRET"):
        GatewaySettings(environment="production")
    strong = secrets.token_urlsafe(48)
    private_key = generate_identity_keys()[0]
    assert GatewaySettings(
        environment="production", token_secret=strong, identity_private_key=private_key
    ).is_production


async def test_local_tokens_expire_and_forgeries_fail() -> None:
    settings = GatewaySettings(token_ttl_seconds=-1)
    who = Identity(subject="a@cjp.test", name="A", role=Role.COORDINATOR)
    verifier = TokenVerifier(settings)
    with pytest.raises(Unauthenticated, match="expired"):
        await verifier.verify(issue_token(who, settings).token)
    forged = jwt.encode(
        {
            "sub": "a@cjp.test",
            "role": "coordinator",
            "iss": LOCAL_ISSUER,
            "aud": LOCAL_AUDIENCE,
            "exp": int(time.time()) + 60,
        },
        "a-guessed-secret-that-is-long-enough-for-hs256",
        algorithm="HS256",
    )
    with pytest.raises(Unauthenticated):
        await verifier.verify(forged)


@pytest.fixture(scope="module")
def signing_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
async def oidc_gateway(
    signing_key: rsa.RSAPrivateKey, start_gateway: GatewayFactory
) -> AsyncIterator[tuple[str, str]]:
    """A gateway trusting a fake identity provider; yields (gateway URL, issuer)."""
    jwk: dict[str, Any] = jwt.algorithms.RSAAlgorithm.to_jwk(signing_key.public_key(), as_dict=True)
    jwks = FastAPI()

    served = Served(jwks)

    @jwks.get("/.well-known/openid-configuration")
    def discovery() -> dict[str, Any]:
        return {"issuer": served.url, "jwks_uri": f"{served.url}/keys"}

    @jwks.get("/keys")
    def keys() -> dict[str, Any]:
        return {"keys": [{**jwk, "kid": "key-1", "use": "sig", "alg": "RS256"}]}

    await served.start()
    # no JWKS URL configured: the gateway finds it by OIDC discovery
    gateway = await start_gateway(
        oidc_issuer=served.url, oidc_audience=AUDIENCE, local_accounts_enabled=False
    )
    yield gateway, served.url
    await served.stop()


def oidc_token(
    key: rsa.RSAPrivateKey, issuer: str, *, audience: str = AUDIENCE, kid: str = "key-1"
) -> str:
    claims = {
        "iss": issuer,
        "aud": audience,
        "sub": "jo@police.example",
        "name": "Jo Bloggs",
        "cjp_role": "partner_editor",
        "cjp_organisation": "police-scotland",
        "exp": int(time.time()) + 300,
    }
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})


async def test_an_oidc_token_from_the_issuer_signs_the_user_in(
    oidc_gateway: tuple[str, str], signing_key: rsa.RSAPrivateKey
) -> None:
    async with httpx.AsyncClient(timeout=10) as http:
        url, issuer = oidc_gateway
        client = GraphQLClient(http, url)
        good = (await client.post(ME, token=oidc_token(signing_key, issuer))).json()
        other_audience = oidc_token(signing_key, issuer, audience="x")
        wrong_audience = (await client.post(ME, token=other_audience)).json()
        other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        forged = (await client.post(ME, token=oidc_token(other_key, issuer))).json()
        local = await client.run(
            'mutation { signIn(email: "coordinator@cjp.test", password: "demo-password") '
            "{ token } }"
        )
    assert good["data"]["me"] == {
        "email": "jo@police.example",
        "name": "Jo Bloggs",
        "role": "partner_editor",
        "organisation": "police-scotland",
    }
    assert error_codes(wrong_audience) == ["UNAUTHENTICATED"]
    assert error_codes(forged) == ["UNAUTHENTICATED"]
    assert error_codes(local) == ["UNAUTHENTICATED"], "local sign-in is off in this gateway"
