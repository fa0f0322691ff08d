"""How the open API is delivered: NDJSON streams, its own OpenAPI document, CORS for browsers."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.responses import StreamingResponse
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.directory.adapters.open_data.paging import Page, PageRequest

PREFIX = "/open"
PROFILE = "https://github.com/OpenReferralUK/uk-profile"  # Open Referral UK's profile of HSDS 3.0
NDJSON_BATCH = 200


def wants_ndjson(format_: str | None) -> bool:
    """``format=ndjson`` streams every result; anything else (or nothing) is paged JSON."""
    return (format_ or "").strip().lower() == "ndjson"


def ndjson(fetch: Callable[[PageRequest], Page]) -> StreamingResponse:
    """Every item of every page, one JSON object a line, without the page envelope."""

    def lines() -> Iterator[bytes]:
        page_number = 1
        while True:
            page = fetch(PageRequest(page=page_number, per_page=NDJSON_BATCH))
            for item in page.contents:
                yield json.dumps(item, separators=(",", ":")).encode() + b"\n"
            if page.last_page or not page.contents:
                return
            page_number += 1

    return StreamingResponse(lines(), media_type="application/x-ndjson")


def open_api_document(app: FastAPI, server_url: str) -> dict[str, Any]:
    """The OpenAPI of the ``/open`` routes alone, paths relative to ``server_url``."""
    whole = copy.deepcopy(app.openapi())
    return {
        "openapi": whole["openapi"],
        "info": {
            "title": "Community justice directory: open data (HSDS 3.0, Open Referral UK profile)",
            "version": "3.0",
            "description": "Read-only HSDS 3.0 API of Scotland's community justice directory.",
        },
        "servers": [{"url": server_url}],
        "paths": {
            (path.removeprefix(PREFIX) or "/"): item
            for path, item in whole["paths"].items()
            if path.startswith(PREFIX + "/")
        },
        "components": whole.get("components", {}),
    }


class OpenDataCors:
    """``Access-Control-Allow-Origin: *`` on every ``/open`` answer; preflights answered here."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not (path == PREFIX or path.startswith(PREFIX + "/")):
            await self.app(scope, receive, send)
            return
        if scope["method"] == "OPTIONS":
            await _preflight(send)
            return

        async def with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)["Access-Control-Allow-Origin"] = "*"
            await send(message)

        await self.app(scope, receive, with_cors)


async def _preflight(send: Send) -> None:
    headers = [
        (b"access-control-allow-origin", b"*"),
        (b"access-control-allow-methods", b"GET, OPTIONS"),
        (b"access-control-allow-headers", b"*"),
        (b"access-control-max-age", b"86400"),
    ]
    await send({"type": "http.response.start", "status": 204, "headers": headers})
    await send({"type": "http.response.body", "body": b""})
