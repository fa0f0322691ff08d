"""The signed identity the gateway forwards to services (header ``X-CJP-Identity``).

Each token is good for one request only: it names the service it is for (audience), the HTTP
method and the path, lives at most ``MAX_IDENTITY_TTL_SECONDS`` and carries a unique id (``jti``)
that the receiving service records and refuses to see twice (``shared.identity_replay``). It is
signed with Ed25519: the gateway holds the private key, services hold only the public key, so a
compromised service cannot mint identities.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Generator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)
from pydantic import BaseModel, ValidationError

from shared.errors import Unauthenticated

IDENTITY_HEADER = "X-CJP-Identity"
MAX_IDENTITY_TTL_SECONDS = 30
CLOCK_SKEW_SECONDS = 5
_ISSUER = "cjp-gateway"
_ALGORITHM = "EdDSA"
_REQUIRED_CLAIMS = ["exp", "iat", "jti", "aud", "iss", "htm", "htu"]


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


@dataclass(frozen=True)
class ForwardedIdentity:
    """A verified identity with the token id and expiry the replay check records."""

    identity: Identity
    token_id: str
    expires_at: datetime


def audience_for(service: str) -> str:
    return f"cjp-{service}"


def generate_identity_keys() -> tuple[str, str]:
    """A fresh (private, public) Ed25519 key pair as URL-safe base64 of the raw 32 bytes."""
    private = Ed25519PrivateKey.generate()
    raw_private = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    raw_public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return _b64(raw_private), _b64(raw_public)


def load_private_key(text: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(_unb64(text))


def load_public_key(text: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(_unb64(text))


def public_key_of(private_key: str) -> str:
    raw = load_private_key(private_key).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return _b64(raw)


def sign_identity(
    identity: Identity,
    *,
    private_key: str,
    audience: str,
    method: str,
    path: str,
    ttl_seconds: int = MAX_IDENTITY_TTL_SECONDS,
) -> str:
    """A one-request token for ``method path`` on the service ``audience``."""
    now = datetime.now(UTC)
    claims = {
        **identity.model_dump(mode="json"),
        "iss": _ISSUER,
        "aud": audience_for(audience),
        "htm": method.upper(),
        "htu": path,
        "jti": uuid.uuid4().hex,
        "iat": now,
        "exp": now + timedelta(seconds=ttl_seconds),
    }
    return jwt.encode(claims, load_private_key(private_key), algorithm=_ALGORITHM)


def verify_identity(
    token: str, *, public_key: str, audience: str, method: str, path: str
) -> ForwardedIdentity:
    """The identity in a token for this request, or ``Unauthenticated`` if it is not one."""
    try:
        claims = jwt.decode(
            token,
            load_public_key(public_key),
            algorithms=[_ALGORITHM],
            audience=audience_for(audience),
            issuer=_ISSUER,
            leeway=CLOCK_SKEW_SECONDS,
            options={"require": _REQUIRED_CLAIMS},
        )
    except jwt.ExpiredSignatureError as exc:
        raise Unauthenticated("The forwarded identity has expired; try again.") from exc
    except (jwt.PyJWTError, ValueError) as exc:
        raise Unauthenticated("The forwarded identity is not valid.") from exc
    _check_request_binding(claims, method=method, path=path)
    try:
        identity = Identity.model_validate(claims)
    except ValidationError as exc:
        raise Unauthenticated("The forwarded identity is not valid.") from exc
    expires_at = datetime.fromtimestamp(claims["exp"], UTC)
    return ForwardedIdentity(identity=identity, token_id=str(claims["jti"]), expires_at=expires_at)


def _check_request_binding(claims: dict[str, object], *, method: str, path: str) -> None:
    lifetime = float(claims["exp"]) - float(claims["iat"])  # type: ignore[arg-type]
    if lifetime > MAX_IDENTITY_TTL_SECONDS:
        raise Unauthenticated("The forwarded identity lives longer than services accept.")
    if claims["htm"] != method.upper() or claims["htu"] != path:
        raise Unauthenticated("The forwarded identity was issued for another request.")


class SignedIdentityAuth(httpx.Auth):
    """httpx auth that signs ``identity`` for exactly the request being sent."""

    def __init__(
        self,
        identity: Identity,
        *,
        private_key: str,
        audience: str,
        ttl_seconds: int = MAX_IDENTITY_TTL_SECONDS,
    ) -> None:
        self._identity = identity
        self._private_key = private_key
        self._audience = audience
        self._ttl_seconds = ttl_seconds

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers[IDENTITY_HEADER] = sign_identity(
            self._identity,
            private_key=self._private_key,
            audience=self._audience,
            method=request.method,
            path=request.url.path,
            ttl_seconds=self._ttl_seconds,
        )
        yield request


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    cleaned = text.strip()
    return base64.urlsafe_b64decode(cleaned + "=" * (-len(cleaned) % 4))
