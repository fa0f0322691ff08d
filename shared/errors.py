"""Domain errors every service raises; each carries the code clients see."""

from __future__ import annotations

from typing import ClassVar


class DomainError(Exception):
    """An error a person can act on; ``code`` matches the GraphQL error codes."""

    code: ClassVar[str] = "INTERNAL"
    http_status: ClassVar[int] = 500

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class BadUserInput(DomainError):
    code = "BAD_USER_INPUT"
    http_status = 422


class NotFound(DomainError):
    code = "NOT_FOUND"
    http_status = 404


class Unauthenticated(DomainError):
    code = "UNAUTHENTICATED"
    http_status = 401


class Forbidden(DomainError):
    code = "FORBIDDEN"
    http_status = 403


class Conflict(DomainError):
    code = "CONFLICT"
    http_status = 409
