"""The strawberry schema with its protective extensions, built from the settings."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import strawberry
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)

from services.gateway.api.error_codes import ErrorCodes
from services.gateway.api.mutation import Mutation
from services.gateway.api.query import Query
from services.gateway.api.subscription import Subscription
from services.gateway.settings import GatewaySettings


def build_schema(settings: GatewaySettings) -> strawberry.Schema:
    # Factories: strawberry builds fresh extension instances for every operation.
    extensions: list[Callable[[], SchemaExtension]] = [
        ErrorCodes,
        partial(QueryDepthLimiter, max_depth=settings.max_query_depth),
        partial(MaxTokensLimiter, max_token_count=settings.max_query_tokens),
        partial(MaxAliasesLimiter, max_alias_count=settings.max_aliases),
    ]
    if not settings.introspection_allowed:
        extensions.append(partial(AddValidationRules, [NoSchemaIntrospectionCustomRule]))
    return strawberry.Schema(
        query=Query, mutation=Mutation, subscription=Subscription, extensions=extensions
    )
