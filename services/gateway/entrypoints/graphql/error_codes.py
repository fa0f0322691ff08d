"""Every GraphQL error leaves with a code; unexpected ones are logged and masked."""

from __future__ import annotations

from collections.abc import Iterator

import structlog
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from services.gateway.errors import ErrorCode, GatewayError

log = structlog.get_logger()
INTERNAL_MESSAGE = "Something went wrong on our side; it has been logged. Try again later."


def coded(error: GraphQLError) -> GraphQLError:
    """The error clients see: ours keep their code; invalid queries are BAD_USER_INPUT."""
    original = error.original_error
    if isinstance(original, GatewayError):
        return error
    if original is None or isinstance(original, GraphQLError):
        # Parse, validation and variable-coercion errors: the request itself is wrong.
        code = (error.extensions or {}).get("code") or ErrorCode.BAD_USER_INPUT.value
        return _with(error, error.message, code)
    log.error(
        "graphql_resolver_failed",
        error_type=type(original).__name__,
        path=error.path,
        exc_info=original,
    )
    return _with(error, INTERNAL_MESSAGE, ErrorCode.INTERNAL.value)


def _with(error: GraphQLError, message: str, code: str) -> GraphQLError:
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions={"code": code},
    )


class ErrorCodes(SchemaExtension):
    """Runs after each operation and rewrites its errors with ``coded``."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is not None and result.errors:
            result.errors = [coded(error) for error in result.errors]
