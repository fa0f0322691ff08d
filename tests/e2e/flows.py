"""What a user does through the gateway, in the steps the end-to-end tests repeat."""

from __future__ import annotations

import re
import uuid
from typing import Any
from urllib.parse import unquote

from deploy.local.maildir import StoredEmail
from tests.e2e.gateway import Gateway, GraphQLResponse
from tests.e2e.system import RunningSystem

DELIVERABLE_FIELDS = (
    "number title aim priorityAction status statusLabel latestUpdate leadPartners { slug }"
)
STATUS_LABELS = {
    "COMPLETE": "Complete",
    "IN_PROGRESS": "In progress",
    "IN_PROGRESS_REVISED": "In progress (with revised timescale)",
    "OUTSTANDING": "Outstanding",
}


def new_address(purpose: str) -> str:
    """A subscriber address no other test uses, so each test sees only its own mail."""
    return f"{purpose}-{uuid.uuid4().hex[:8]}@subscriber.test"


def link_token(text: str, page: str) -> str:
    """The signed token of the first link to ``page`` (confirm, unsubscribe) in ``text``."""
    match = re.search(rf"/{page}\?token=([^\s\"'<>&]+)", text)
    assert match, f"no {page} link in: {text[:500]}"
    return unquote(match.group(1))


def confirmation_token(email: StoredEmail) -> str:
    return link_token(email.text(), "confirm")


async def subscribe_and_confirm(
    gateway: Gateway, system: RunningSystem, address: str, kind: str, value: str | None
) -> None:
    """Double opt-in: subscribe, read the confirmation email, confirm with its token."""
    subscribed = await gateway.data(
        "mutation($input: SubscribeInput!) { subscribe(input: $input) { status } }",
        {"input": {"email": address, "targetKind": kind, "targetValue": value}},
    )
    assert subscribed["subscribe"]["status"] == "pending_confirmation"
    [confirmation] = await system.wait_for_emails(address)
    confirmed = await gateway.data(
        "mutation($token: String!) { confirmSubscription(token: $token) { status } }",
        {"token": confirmation_token(confirmation)},
    )
    assert confirmed["confirmSubscription"]["status"] == "confirmed"


async def deliverable(gateway: Gateway, number: int) -> dict[str, Any]:
    data = await gateway.data(
        f"query($n: Int!) {{ deliverable(number: $n) {{ {DELIVERABLE_FIELDS} }} }}", {"n": number}
    )
    found: dict[str, Any] = data["deliverable"]
    return found


async def change_status(
    gateway: Gateway, number: int, status: str, *, as_user: str | None, reason: str | None = None
) -> GraphQLResponse:
    return await gateway.execute(
        "mutation($n: Int!, $s: DeliverableStatus!, $r: String) {"
        " updateDeliverableStatus(number: $n, status: $s, reason: $r)"
        f" {{ {DELIVERABLE_FIELDS} }} }}",
        {"n": number, "s": status, "r": reason},
        as_user=as_user,
    )


def other_statuses(current: str) -> list[str]:
    return [status for status in STATUS_LABELS if status != current]


def mentions_status(label: str) -> Any:
    """Matches an email whose subject or text names the status ``label``."""

    def matches(email: StoredEmail) -> bool:
        return label.lower() in (email.subject + "\n" + email.text()).lower()

    return matches
