"""Refuses queries over the caller's cost budget, and keeps the schema to itself in production.

Runs after validation (``ValidationCache`` sets the validation errors first): a valid operation
is costed with ``query_cost`` against the anonymous or the signed-in budget, and one over it is
refused before any resolver runs, with its cost and the budget in the message. When
introspection is off, error messages lose graphql-core's "Did you mean ...?" suggestions, which
would otherwise spell out field and type names one guess at a time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import structlog
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from services.gateway.entrypoints.graphql.query_cost import CostRules, query_cost
from services.gateway.errors import ErrorCode

log = structlog.get_logger()
_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")


@dataclass(frozen=True)
class QueryBudgets:
    anonymous: int
    signed_in: int
    rules: CostRules
    hide_suggestions: bool


class QueryGuard(SchemaExtension):
    def __init__(self, budgets: QueryBudgets) -> None:
        self.budgets = budgets

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if context.pre_execution_errors == [] and context.graphql_document is not None:
            error = self._over_budget()
            if error is not None:
                context.pre_execution_errors = [error]
        yield

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if self.budgets.hide_suggestions and result is not None and result.errors:
            result.errors = [without_suggestions(error) for error in result.errors]

    def _over_budget(self) -> GraphQLError | None:
        context = self.execution_context
        assert context.graphql_document is not None
        cost = query_cost(
            context.schema._schema,
            context.graphql_document,
            operation_name=context.operation_name,
            variables=context.variables,
            rules=self.budgets.rules,
        )
        signed_in = bool(getattr(context.context, "signed_in", False))
        budget = self.budgets.signed_in if signed_in else self.budgets.anonymous
        if cost <= budget:
            return None
        log.info("query_over_budget", cost=cost, budget=budget, signed_in=signed_in)
        who = "signed-in callers" if signed_in else "anonymous callers (sign in for more)"
        return GraphQLError(
            f"This query would cost {cost}, over the budget of {budget} for {who}. "
            "Ask for smaller pages (first), fewer nested lists, or split it into several queries.",
            extensions={"code": ErrorCode.QUERY_TOO_COSTLY.value, "cost": cost, "budget": budget},
        )


def without_suggestions(error: GraphQLError) -> GraphQLError:
    message = _SUGGESTION.sub("", error.message)
    if message == error.message:
        return error
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=error.original_error,
        extensions=error.extensions,
    )
