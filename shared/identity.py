"""The signed identity the gateway forwards to services (header ``X-CJP-Identity``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from enum import StrEnum

import jwt
from pydantic import BaseModel

from shared.errors import Unauthenticated

IDENTITY_HEADER = "X-CJP-Identity"
_ISSUER = "cjp-gateway"
_AUDIENCE = "cjp-services"


class Role(StrEnum):
    PUBLIC = "public"
    JUDICIARY = "judiciary"
    PARTNER_EDITOR = "partner_editor"
    DIRECTORY_EDITOR = "directory_editor"
    COORDINATOR = "coordinator"


class Identity(BaseModel):
    """Who is asking; ``organisation`` / ``local_authority`` scope the editor roles."""

    subject: str
    name: str
    role: Role
    organisation: str | None = None
    local_authority: str | None = None


def sign_identity(identity: Identity, *, secret: str, ttl_seconds: int = 120) -> str:
    now = datetime.now(UTC)
    claims = {
        **identity.model_dump(mode="json"),
        "iss": _ISSUER,
        "aud": _AUDIENCE,
        "iat": now,
        "exp": now + timedelta(seconds=ttl_seconds),
    }
    return jwt.encode(claims, secret, algorithm="HS256")


def verify_identity(token: str, *, secret: str) -> Identity:
    """Return the identity in a token, or raise ``Unauthenticated`` if it is forged or expired."""
    try:
        claims = jwt.decode(token, secret, algorithms=["HS256"], audience=_AUDIENCE, issuer=_ISSUER)
    except jwt.ExpiredSignatureError as exc:
        raise Unauthenticated("Your sign-in has expired; sign in again.") from exc
    except jwt.PyJWTError as exc:
        raise Unauthenticated("The forwarded identity is not valid.") from exc
    return Identity.model_validate(claims)
