"""Errors clients see: a code in ``extensions.code`` and a message a person can act on."""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    NOT_FOUND = "NOT_FOUND"
    CONFLICT = "CONFLICT"
    UPSTREAM_UNAVAILABLE = "UPSTREAM_UNAVAILABLE"
    RATE_LIMITED = "RATE_LIMITED"
    QUERY_TOO_COSTLY = "QUERY_TOO_COSTLY"
    INTERNAL = "INTERNAL"


_CODE_BY_STATUS = {
    400: ErrorCode.BAD_USER_INPUT,
    401: ErrorCode.UNAUTHENTICATED,
    403: ErrorCode.FORBIDDEN,
    404: ErrorCode.NOT_FOUND,
    409: ErrorCode.CONFLICT,
    422: ErrorCode.BAD_USER_INPUT,
    429: ErrorCode.RATE_LIMITED,
}


class GatewayError(Exception):
    """Raised by resolvers; graphql-core copies ``extensions`` onto the GraphQL error."""

    def __init__(self, code: ErrorCode, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    @property
    def extensions(self) -> dict[str, Any]:
        extensions: dict[str, Any] = {"code": self.code.value}
        if self.field:
            extensions["field"] = self.field
        return extensions


def code_for_status(status: int) -> ErrorCode:
    """The error code for an upstream HTTP status without a readable error body."""
    if status >= 500:
        return ErrorCode.UPSTREAM_UNAVAILABLE
    return _CODE_BY_STATUS.get(status, ErrorCode.BAD_USER_INPUT)


def known_code(value: object, status: int) -> ErrorCode:
    """The code a service sent, if it is one we know; otherwise derived from the status."""
    if status >= 500:
        return ErrorCode.UPSTREAM_UNAVAILABLE
    try:
        return ErrorCode(str(value))
    except ValueError:
        return code_for_status(status)


def unauthenticated(message: str = "Sign in to do this.") -> GatewayError:
    return GatewayError(ErrorCode.UNAUTHENTICATED, message)


def bad_input(message: str, *, field: str | None = None) -> GatewayError:
    return GatewayError(ErrorCode.BAD_USER_INPUT, message, field=field)
