"""Relay-style connections: edges with cursors, nodes, page info and a total count."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

import strawberry

from services.gateway.entrypoints.graphql.cursors import PageRequest, encode_cursor

Node = TypeVar("Node")


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[Node]):
    cursor: str
    node: Node


def page_from(
    items: list[dict[str, Any]], total: int, page: PageRequest, convert: Callable[[Any], Node]
) -> tuple[list[Edge[Node]], PageInfo]:
    """Edges and page info for one page of a service's ``{"items", "total"}`` answer."""
    edges = [
        Edge(cursor=encode_cursor(page.offset + index), node=convert(item))
        for index, item in enumerate(items)
    ]
    info = PageInfo(
        has_next_page=page.offset + len(items) < total,
        has_previous_page=page.offset > 0,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
    )
    return edges, info
