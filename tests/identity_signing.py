"""Service tests name who is calling; the request is signed for its own method and path.

Forwarded identities are good for one request only, so tests cannot sign headers in advance.
They send ``identity_headers(...)`` (an unsigned marker) and the test client's ``auth`` turns
each marker into a real one-request token with the development key, exactly as the gateway
would. A header that is not a marker (a forgery, a replay) is sent untouched.
"""

from __future__ import annotations

from collections.abc import Generator

import httpx

from shared.identity import IDENTITY_HEADER, Identity, sign_identity
from shared.settings import DEVELOPMENT_IDENTITY_PRIVATE_KEY

_MARKER = "unsigned-for-tests:"


def identity_marker(identity: Identity) -> dict[str, str]:
    return {IDENTITY_HEADER: _MARKER + identity.model_dump_json()}


class SignsTestIdentities(httpx.Auth):
    """Signs a marked identity for the request being sent to ``service``."""

    def __init__(self, service: str) -> None:
        self._service = service

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        value = request.headers.get(IDENTITY_HEADER, "")
        if value.startswith(_MARKER):
            identity = Identity.model_validate_json(value.removeprefix(_MARKER))
            request.headers[IDENTITY_HEADER] = sign_identity(
                identity,
                private_key=DEVELOPMENT_IDENTITY_PRIVATE_KEY,
                audience=self._service,
                method=request.method,
                path=request.url.path,
            )
        yield request
