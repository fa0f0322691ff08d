"""Relay-style cursors: opaque strings that stand for a position in a filtered list."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from services.gateway.errors import bad_input

_PREFIX = "offset:"


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"{_PREFIX}{offset}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    """The position a cursor names; a cursor we did not issue is the caller's mistake."""
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeError, ValueError) as exc:
        raise bad_input("The `after` cursor is not one this API issued.", field="after") from exc
    if not text.startswith(_PREFIX) or not text[len(_PREFIX) :].isdigit():
        raise bad_input("The `after` cursor is not one this API issued.", field="after")
    return int(text[len(_PREFIX) :])


@dataclass(frozen=True)
class PageRequest:
    """``first`` items after the cursor, translated to the services' limit/offset."""

    limit: int
    offset: int


def page_request(first: int, after: str | None, *, max_page_size: int) -> PageRequest:
    if first < 0:
        raise bad_input("`first` cannot be negative.", field="first")
    if first > max_page_size:
        raise bad_input(
            f"`first` can be at most {max_page_size}; page with `after`.", field="first"
        )
    offset = decode_cursor(after) + 1 if after else 0
    return PageRequest(limit=first, offset=offset)
