"""The browser session: a signed cookie holding the gateway bearer token and a CSRF token."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer
from pydantic import BaseModel, ValidationError

COOKIE_NAME = "cjp_session"
CSRF_FIELD = "csrf_token"


class SignedInUser(BaseModel):
    email: str
    name: str
    role: str
    organisation: str | None = None
    local_authority: str | None = None


class WebSession(BaseModel):
    """What the cookie carries. ``token`` is the gateway's bearer token, never shown to scripts."""

    csrf: str
    token: str | None = None
    user: SignedInUser | None = None

    @classmethod
    def anonymous(cls) -> WebSession:
        return cls(csrf=secrets.token_urlsafe(32))

    def csrf_matches(self, submitted: str | None) -> bool:
        return bool(submitted) and hmac.compare_digest(self.csrf, str(submitted))


class SessionCookie:
    """Reads and writes ``WebSession`` as a signed, HttpOnly, SameSite=Lax cookie."""

    def __init__(self, secret: str, *, max_age_seconds: int, secure: bool) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="cjp-web-session")
        self._max_age = max_age_seconds
        self._secure = secure

    def read(self, raw: str | None) -> WebSession | None:
        if not raw:
            return None
        try:
            payload = self._serializer.loads(raw, max_age=self._max_age)
            return WebSession.model_validate(payload)
        except (BadSignature, ValidationError):
            return None

    def write(self, response: Response, session: WebSession) -> None:
        response.set_cookie(
            COOKIE_NAME,
            self._serializer.dumps(session.model_dump(mode="json")),
            max_age=self._max_age,
            httponly=True,
            secure=self._secure,
            samesite="lax",
            path="/",
        )


def install_sessions(app: FastAPI, cookie: SessionCookie) -> None:
    """Give every request ``request.state.session``; write the cookie back when it changed."""

    @app.middleware("http")
    async def _session(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        existing = cookie.read(request.cookies.get(COOKIE_NAME))
        session = existing or WebSession.anonymous()
        request.state.session = session
        response = await call_next(request)
        current: WebSession = request.state.session
        if existing is None or current != existing:
            cookie.write(response, current)
        return response


def session_of(request: Request) -> WebSession:
    session: WebSession = request.state.session
    return session


def replace_session(request: Request, session: WebSession) -> None:
    request.state.session = session
