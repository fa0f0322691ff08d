"""`cjp dead-letters|deliveries|suspended ...`: the notifications operator tools from a terminal.

Each command calls the service's coordinator-only operator route (the same ones the gateway's
GraphQL mirrors) with a one-request identity signed by the gateway's key
(``CJP_GATEWAY_IDENTITY_PRIVATE_KEY``; the development key beside `make run`), so it works
wherever the gateway's settings are (its pod, or beside `make run`). ``--url`` picks the
service; the default is the gateway's setting for it (``CJP_GATEWAY_<SERVICE>_URL``).
"""

from __future__ import annotations

import argparse
import json
import os
from typing import Any

import httpx

from shared.identity import Identity, Role, SignedIdentityAuth
from shared.settings import DEVELOPMENT_IDENTITY_PRIVATE_KEY

DEFAULT_URLS = {
    "notifications": "http://127.0.0.1:8003",
}
OPERATOR = Identity(subject="cjp-cli", name="cjp command line", role=Role.COORDINATOR)


def service_url(service: str, given: str | None) -> str:
    return given or os.environ.get(f"CJP_GATEWAY_{service.upper()}_URL", DEFAULT_URLS[service])


def call(method: str, url: str, body: dict[str, Any] | None = None) -> Any:
    key = os.environ.get("CJP_GATEWAY_IDENTITY_PRIVATE_KEY", DEVELOPMENT_IDENTITY_PRIVATE_KEY)
    auth = SignedIdentityAuth(OPERATOR, private_key=key, audience="notifications")
    response = httpx.request(method, url, json=body, auth=auth, timeout=30)
    if response.status_code >= 400:
        raise SystemExit(f"{method} {url}: {response.status_code} {response.text}")
    return response.json()


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="cjp", description="operator tools")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--url", help="the service's base URL")
    commands = top.add_subparsers(dest="command", required=True)
    dead = commands.add_parser(
        "dead-letters", parents=[common], help="the notifications consumer's dead letters"
    )
    dead.add_argument("action", choices=["list", "replay"])
    dead.add_argument("position", nargs="*", type=int, help="PARTITION OFFSET to replay")
    commands.add_parser("deliveries", parents=[common], help="emails given up on")
    suspended = commands.add_parser("suspended", parents=[common], help="suspended addresses")
    suspended.add_argument("action", choices=["list", "lift"])
    suspended.add_argument("subscriber_id", nargs="?", type=int)
    return top


def run(args: argparse.Namespace) -> Any:
    base = service_url("notifications", args.url)
    if args.command == "dead-letters" and args.action == "replay":
        if len(args.position) != 2:
            raise SystemExit("cjp dead-letters replay PARTITION OFFSET")
        partition, offset = args.position
        body = {"partition": partition, "offset": offset}
        return call("POST", f"{base}/operator/dead-letters/replay", body)
    if args.command == "dead-letters":
        return call("GET", f"{base}/operator/dead-letters")
    if args.command == "deliveries":
        return call("GET", f"{base}/operator/deliveries")
    if args.action == "lift":
        if args.subscriber_id is None:
            raise SystemExit("cjp suspended lift SUBSCRIBER_ID")
        return call("POST", f"{base}/operator/suspended/{args.subscriber_id}/lift")
    return call("GET", f"{base}/operator/suspended")


def main(argv: list[str]) -> int:
    print(json.dumps(run(parser().parse_args(argv)), indent=2, default=str))
    return 0
