"""Form plumbing: the CSRF check every POST passes and the shape of validation errors."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse

from services.web.entrypoints.http.pages import error_page
from services.web.entrypoints.http.session import CSRF_FIELD, session_of


class CsrfRejected(Exception):
    """A form arrived without the token of the session that rendered it."""


async def require_csrf(request: Request) -> None:
    """Dependency of every POST route: the form's token must match the session's."""
    form = await request.form()
    submitted = form.get(CSRF_FIELD)
    if not session_of(request).csrf_matches(submitted if isinstance(submitted, str) else None):
        raise CsrfRejected


def install_csrf_page(app: FastAPI) -> None:
    @app.exception_handler(CsrfRejected)
    async def _rejected(request: Request, _exc: CsrfRejected) -> HTMLResponse:
        return error_page(
            request,
            403,
            "Your form has expired",
            "Go back, reload the page and send the form again.",
        )


@dataclass
class FieldErrors:
    """Messages keyed by the form field they belong to, in the order they were found."""

    messages: dict[str, str] = field(default_factory=dict)

    def add(self, field_name: str, message: str) -> None:
        self.messages.setdefault(field_name, message)

    def __bool__(self) -> bool:
        return bool(self.messages)
