"""The ORUK page envelope: total_items, total_pages, page_number, size, first/last, empty."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel


@dataclass(frozen=True)
class PageRequest:
    page: int = 1
    per_page: int = 50

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


class Page(BaseModel):
    total_items: int
    total_pages: int
    page_number: int
    size: int
    first_page: bool
    last_page: bool
    empty: bool
    contents: list[dict[str, Any]]


def page_of(contents: list[dict[str, Any]], total: int, request: PageRequest) -> Page:
    pages = max(1, math.ceil(total / request.per_page))
    return Page(
        total_items=total,
        total_pages=pages,
        page_number=request.page,
        size=len(contents),
        first_page=request.page == 1,
        last_page=request.page >= pages,
        empty=total == 0,
        contents=contents,
    )
