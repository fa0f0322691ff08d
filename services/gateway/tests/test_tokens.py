"""Bearer tokens: local ones expire and cannot be forged; OIDC ones are checked against the JWKS."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI
from pydantic import ValidationError

from services.gateway.settings import GatewaySettings
from services.gateway.tests.conftest import GatewayFactory, GraphQLClient, Served, error_codes
from services.gateway.tokens import LOCAL_AUDIENCE, LOCAL_ISSUER, TokenVerifier, issue_token
from shared.errors import Unauthenticated
from shared.identity import Identity, Role

ISSUER = "https://login.cjp.example"
AUDIENCE = "cjp-gateway-prod"
ME = "query { me { email name role organisation } }"


def test_production_refuses_the_development_token_secret() -> None:
    with pytest.raises(ValidationError, match="CJP_GATEWAY_TOKEN_SECRET"):
        GatewaySettings(environment="production")
    assert GatewaySettings(environment="production", token_secret="a-real-secret").is_production


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
) -> AsyncIterator[str]:
    jwk: dict[str, Any] = jwt.algorithms.RSAAlgorithm.to_jwk(signing_key.public_key(), as_dict=True)
    jwks = FastAPI()

    @jwks.get("/keys")
    def keys() -> dict[str, Any]:
        return {"keys": [{**jwk, "kid": "key-1", "use": "sig", "alg": "RS256"}]}

    served = await Served(jwks).start()
    yield await start_gateway(
        oidc_issuer=ISSUER,
        oidc_audience=AUDIENCE,
        oidc_jwks_url=f"{served.url}/keys",
        local_accounts_enabled=False,
    )
    await served.stop()


def oidc_token(key: rsa.RSAPrivateKey, *, audience: str = AUDIENCE, kid: str = "key-1") -> str:
    claims = {
        "iss": ISSUER,
        "aud": audience,
        "sub": "jo@police.example",
        "name": "Jo Bloggs",
        "cjp_role": "partner_editor",
        "cjp_organisation": "police-scotland",
        "exp": int(time.time()) + 300,
    }
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})


async def test_an_oidc_token_from_the_issuer_signs_the_user_in(
    oidc_gateway: str, signing_key: rsa.RSAPrivateKey
) -> None:
    async with httpx.AsyncClient(timeout=10) as http:
        client = GraphQLClient(http, oidc_gateway)
        good = (await client.post(ME, token=oidc_token(signing_key))).json()
        wrong_audience = (await client.post(ME, token=oidc_token(signing_key, audience="x"))).json()
        other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        forged = (await client.post(ME, token=oidc_token(other_key))).json()
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
