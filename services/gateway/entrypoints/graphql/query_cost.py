"""What a query could cost before it runs: every object counts 1, lists multiply what is inside.

A field with a page argument (``first``) multiplies its selection by the page it asks for (at
most the largest page); the ``nodes``/``edges`` of a connection are that page, not another
multiplier. Any other list of objects multiplies by the bound known for it (``LIST_BOUNDS``) or,
unknown, by the largest page size. Scalars cost nothing beyond the object they sit on, so a wide
selection is cheap and a deep, fanned-out one is expensive, as it is to answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
    is_composite_type,
    is_list_type,
    is_non_null_type,
    value_from_ast,
)
from graphql.language import OperationType

PAGE_ARGUMENTS = ("first", "last", "limit")
# Lists whose length the domain bounds (a deliverable has a few lead partners, a partner leads
# at most every deliverable of the plan): an honest bound, smaller than the largest page.
LIST_BOUNDS: Mapping[str, int] = {
    "Deliverable.leadPartners": 5,
    "Deliverable.collaborators": 20,
    "Organisation.leadDeliverables": 50,
    "Organisation.ledDeliverables": 50,
    "Aim.priorityActions": 10,
    "Query.aims": 4,
    "Service.localAuthorityDetails": 32,
    "Query.localAuthorities": 32,
    "LocalAuthority.services": 100,
}


@dataclass(frozen=True)
class CostRules:
    max_page_size: int
    list_bounds: Mapping[str, int] = field(default_factory=lambda: dict(LIST_BOUNDS))


def query_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    *,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
    rules: CostRules,
) -> int:
    """The cost of the operation that would run (0 if there is none to run)."""
    operation = _operation(document, operation_name)
    if operation is None:
        return 0
    root = _root_type(schema, operation.operation)
    if root is None:
        return 0
    walker = _Walker(document, variables or {}, rules)
    return walker.selection_cost(root, operation.selection_set, frozenset())


class _Walker:
    def __init__(self, document: DocumentNode, variables: Mapping[str, Any], rules: CostRules):
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.variables = variables
        self.rules = rules

    def selection_cost(
        self, parent: GraphQLNamedType, selection_set: SelectionSetNode, seen: frozenset[str]
    ) -> int:
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self.field_cost(parent, selection, seen)
            elif isinstance(selection, InlineFragmentNode):
                total += self.selection_cost(parent, selection.selection_set, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is not None and name not in seen:
                    total += self.selection_cost(parent, fragment.selection_set, seen | {name})
        return total

    def field_cost(self, parent: GraphQLNamedType, node: FieldNode, seen: frozenset[str]) -> int:
        fields = getattr(parent, "fields", None)
        definition = fields.get(node.name.value) if fields else None
        if definition is None or node.selection_set is None:
            return 0  # a scalar, __typename, introspection or an unknown field
        named = get_named_type(definition.type)
        if not is_composite_type(named):
            return 0
        inner = self.selection_cost(named, node.selection_set, seen)
        return self.multiplier(parent, definition, node) * (1 + inner)

    def multiplier(
        self, parent: GraphQLNamedType, definition: GraphQLField, node: FieldNode
    ) -> int:
        page = self.page_size(definition, node)
        if page is not None:
            return page
        field_type = definition.type
        if is_non_null_type(field_type):
            field_type = field_type.of_type
        if not is_list_type(field_type):
            return 1
        if parent.name.endswith("Connection"):
            return 1  # nodes / edges: the page the connection field already counted
        bound = self.rules.list_bounds.get(f"{parent.name}.{node.name.value}")
        return bound if bound is not None else self.rules.max_page_size

    def page_size(self, definition: GraphQLField, node: FieldNode) -> int | None:
        for name in PAGE_ARGUMENTS:
            argument = definition.args.get(name)
            if argument is None:
                continue
            given = next((a for a in node.arguments or () if a.name.value == name), None)
            value = (
                value_from_ast(given.value, argument.type, dict(self.variables))
                if given is not None
                else argument.default_value
            )
            if not isinstance(value, int) or value <= 0:
                return self.rules.max_page_size
            return min(value, self.rules.max_page_size)
        return None


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        return operations[0] if len(operations) == 1 else None
    return next((o for o in operations if o.name and o.name.value == name), None)


def _root_type(schema: GraphQLSchema, operation: OperationType) -> GraphQLObjectType | None:
    if operation == OperationType.MUTATION:
        return schema.mutation_type
    if operation == OperationType.SUBSCRIPTION:
        return schema.subscription_type
    return schema.query_type
