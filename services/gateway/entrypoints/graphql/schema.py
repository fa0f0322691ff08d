"""The strawberry schema with its protective extensions, built from the settings."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from functools import partial

import strawberry
import structlog
from graphql import GraphQLError
from graphql.validation import ASTValidationRule, NoSchemaIntrospectionCustomRule
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.types import ExecutionContext

from services.gateway.entrypoints.graphql.error_codes import ErrorCodes
from services.gateway.entrypoints.graphql.mutation import Mutation
from services.gateway.entrypoints.graphql.query import Query
from services.gateway.entrypoints.graphql.query_cost import CostRules
from services.gateway.entrypoints.graphql.query_guard import QueryBudgets, QueryGuard
from services.gateway.entrypoints.graphql.subscription import Subscription
from services.gateway.errors import GatewayError
from services.gateway.settings import GatewaySettings

log = structlog.get_logger()


_CACHE_SIZE = 256


def _validation_rules(settings: GatewaySettings) -> list[type[ASTValidationRule]]:
    rules = [
        *QueryDepthLimiter(max_depth=settings.max_query_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=settings.max_aliases).validation_rules,
    ]
    if not settings.introspection_allowed:
        rules.append(NoSchemaIntrospectionCustomRule)
    return rules


class GatewaySchema(strawberry.Schema):
    """Logs client errors briefly; unexpected ones are logged in full by ``ErrorCodes``."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        for error in errors:
            if error.original_error is None or isinstance(error.original_error, GatewayError):
                code = (error.extensions or {}).get("code", "BAD_USER_INPUT")
                log.info("graphql_error", code=code, message=error.message, path=error.path)


class CachedParsing(ParserCache):
    """Reuses the parsed document of a query text seen before (keyed with the token limit).

    A query that does not parse is left to strawberry, which parses it again and reports the
    syntax error the usual way (BAD_USER_INPUT), rather than failing inside this extension.
    """

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        with contextlib.suppress(GraphQLError):
            context.graphql_document = self.cached_parse_document(
                context.query, **context.parse_options
            )
        yield


def _budgets(settings: GatewaySettings) -> QueryBudgets:
    return QueryBudgets(
        anonymous=settings.max_query_cost_anonymous,
        signed_in=settings.max_query_cost_signed_in,
        rules=CostRules(max_page_size=settings.max_page_size),
        hide_suggestions=not settings.introspection_allowed,
    )


def build_schema(settings: GatewaySettings) -> strawberry.Schema:
    # Factories: strawberry builds fresh extension instances for every operation. The
    # validation rules are built once, so ValidationCache can reuse the result for a query;
    # ParserCache likewise reuses the parsed document of a query text seen before.
    rules = _validation_rules(settings)
    extensions: list[Callable[[], SchemaExtension]] = [
        ErrorCodes,
        partial(MaxTokensLimiter, max_token_count=settings.max_query_tokens),
        # Keyed by the query and its parse options, so the token limit still applies.
        partial(CachedParsing, maxsize=_CACHE_SIZE),
        partial(AddValidationRules, rules),
        partial(ValidationCache, maxsize=_CACHE_SIZE),
        partial(QueryGuard, _budgets(settings)),  # after ValidationCache: costs valid queries
    ]
    return GatewaySchema(
        query=Query, mutation=Mutation, subscription=Subscription, extensions=extensions
    )
