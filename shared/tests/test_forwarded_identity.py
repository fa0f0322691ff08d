"""A forwarded identity is good for one request: its service, method and path, once, briefly."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from pydantic import ValidationError

from shared.db import make_engine
from shared.errors import Unauthenticated
from shared.identity import (
    Identity,
    Role,
    generate_identity_keys,
    load_private_key,
    public_key_of,
    sign_identity,
    verify_identity,
)
from shared.identity_replay import ForwardedIdentitySeen, SeenInDatabase, prune_expired
from shared.settings import (
    DEVELOPMENT_IDENTITY_PRIVATE_KEY,
    DEVELOPMENT_IDENTITY_PUBLIC_KEY,
    CommonSettings,
)

PRIVATE, PUBLIC = generate_identity_keys()
EDITOR = Identity(
    subject="police.editor@cjp.test",
    name="Police editor",
    role=Role.PARTNER_EDITOR,
    organisation="police-scotland",
)


def signed(**overrides: object) -> str:
    request = {"audience": "deliverables", "method": "GET", "path": "/deliverables/4"}
    request.update(overrides)  # type: ignore[arg-type]
    return sign_identity(EDITOR, private_key=PRIVATE, **request)  # type: ignore[arg-type]


def verified(token: str, *, audience: str = "deliverables", method: str = "GET",
             path: str = "/deliverables/4") -> Identity:  # fmt: skip
    return verify_identity(
        token, public_key=PUBLIC, audience=audience, method=method, path=path
    ).identity


def test_a_token_is_accepted_for_the_request_it_was_signed_for() -> None:
    assert verified(signed()) == EDITOR


@pytest.mark.parametrize(
    ("audience", "method", "path"),
    [
        ("directory", "GET", "/deliverables/4"),  # another service
        ("deliverables", "PATCH", "/deliverables/4"),  # a read's token used for a change
        ("deliverables", "GET", "/deliverables/40"),  # another path
    ],
)
def test_a_token_is_refused_for_any_other_service_method_or_path(
    audience: str, method: str, path: str
) -> None:
    with pytest.raises(Unauthenticated):
        verified(signed(), audience=audience, method=method, path=path)


def test_a_token_signed_with_another_key_or_none_is_refused() -> None:
    other_private, _ = generate_identity_keys()
    forged = sign_identity(
        EDITOR, private_key=other_private, audience="deliverables", method="GET",
        path="/deliverables/4",
    )  # fmt: skip
    with pytest.raises(Unauthenticated):
        verified(forged)
    claims = jwt.decode(signed(), options={"verify_signature": False})
    with pytest.raises(Unauthenticated):
        verified(jwt.encode(claims, None, algorithm="none"))  # type: ignore[arg-type]
    with pytest.raises(Unauthenticated):  # a symmetric token made with the public key as secret
        verified(jwt.encode(claims, PUBLIC, algorithm="HS256"))


def test_a_long_lived_token_is_refused_even_when_properly_signed() -> None:
    now = datetime.now(UTC)
    claims = jwt.decode(signed(), options={"verify_signature": False})
    claims.update(iat=now, exp=now + timedelta(days=365))
    long_lived = jwt.encode(claims, load_private_key(PRIVATE), algorithm="EdDSA")
    with pytest.raises(Unauthenticated, match="longer"):
        verified(long_lived)


def test_an_expired_token_is_refused() -> None:
    token = signed(ttl_seconds=-10)
    time.sleep(0.01)
    with pytest.raises(Unauthenticated, match="expired"):
        verified(token)


def test_a_token_without_a_unique_id_is_refused() -> None:
    claims = jwt.decode(signed(), options={"verify_signature": False})
    del claims["jti"]
    with pytest.raises(Unauthenticated):
        verified(jwt.encode(claims, load_private_key(PRIVATE), algorithm="EdDSA"))


def test_the_database_accepts_each_token_id_once_and_prunes_expired_ones(tmp_path: object) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/seen.db")
    ForwardedIdentitySeen.metadata.create_all(engine, tables=[ForwardedIdentitySeen.__table__])  # type: ignore[attr-defined]
    seen = SeenInDatabase(lambda: engine)
    soon = datetime.now(UTC) + timedelta(seconds=30)
    assert seen.first_sighting("abc", soon) is True
    assert seen.first_sighting("abc", soon) is False
    assert seen.first_sighting("def", soon) is True
    assert prune_expired(engine, now=time.time() + 3600) == 2
    engine.dispose()


def test_the_development_key_pair_matches_and_production_refuses_it() -> None:
    assert public_key_of(DEVELOPMENT_IDENTITY_PRIVATE_KEY) == DEVELOPMENT_IDENTITY_PUBLIC_KEY
    with pytest.raises(ValidationError, match="CJP_IDENTITY_PUBLIC_KEY"):
        CommonSettings(environment="production")
    assert CommonSettings(environment="production", identity_public_key=PUBLIC).environment
    with pytest.raises(ValidationError):
        CommonSettings(identity_public_key="not-a-key")
