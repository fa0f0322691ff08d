"""mySubscriptions over the REAL notifications, deliverables and directory services (SQLite).

The notifications service runs without a broker (its HTTP API works while the consumer waits)
and with SMTP pointed at a closed port: these tests read subscriptions, they send no mail.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from services.gateway.tests.conftest import (
    FakeServices,
    GatewayFactory,
    GraphQLClient,
    Served,
    error_codes,
    pick_port,
)
from services.gateway.tests.real_services import real_services
from services.notifications.adapters.tokens import LinkTokens, Purpose
from services.notifications.app import create_app as notifications_app
from services.notifications.settings import NotificationsSettings
from shared.settings import CommonSettings

SECRET = "gateway-test-link-secret"
SIGNER = LinkTokens(secret=SECRET, confirm_max_age=600, link_max_age=600)


async def _notifications(folder: Path) -> Served:
    settings = NotificationsSettings(
        database_url=f"sqlite:///{folder / 'n.db'}",
        token_secret=SECRET,
        smtp_port=pick_port(),
        sender_poll_interval_seconds=5,
    )
    common = CommonSettings(kafka_bootstrap_servers=f"127.0.0.1:{pick_port()}")
    return await Served(notifications_app(settings, common)).start()


@pytest.fixture(scope="module")
async def real(
    start_gateway: GatewayFactory, fakes: FakeServices, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[GraphQLClient]:
    folder = tmp_path_factory.mktemp("alerts")
    async with real_services(folder) as urls:
        notifications = await _notifications(folder)
        try:
            url = await start_gateway(
                deliverables_url=urls.deliverables,
                directory_url=urls.directory,
                notifications_url=notifications.url,
            )
            async with httpx.AsyncClient(timeout=20) as http:
                yield GraphQLClient(http, url)
        finally:
            await notifications.stop()


SUBSCRIBE = """
mutation($kind: SubscriptionTargetKind!, $value: String) {
  subscribe(input: {email: "rona@example.org", targetKind: $kind, targetValue: $value}) { status }
}
"""
CONFIRM = "mutation($t: String!) { confirmSubscription(token: $t) { status } }"
MINE = """
query($t: String!) {
  mySubscriptions(manageToken: $t) {
    kind value status
    deliverable { number title }
    service { id name }
    localAuthority { code name partnership }
  }
}
"""


async def test_a_subscriber_sees_their_alerts_with_the_real_things_they_follow(
    real: GraphQLClient,
) -> None:
    found = await real.run("query { services(first: 1) { nodes { id name } } }")
    service = found["data"]["services"]["nodes"][0]
    targets = [("DELIVERABLE", "40"), ("SERVICE", service["id"]), ("LOCAL_AUTHORITY", "fife")]
    for kind, value in targets:
        subscribed = await real.run(SUBSCRIBE, {"kind": kind, "value": value})
        assert subscribed["data"]["subscribe"] == {"status": "pending_confirmation"}
    for subscription_id in (1, 2):  # confirm the first two, as their emails' links would
        token = SIGNER.issue(Purpose.CONFIRM, subscription_id)
        assert (await real.run(CONFIRM, {"t": token}))["data"]["confirmSubscription"] == {
            "status": "confirmed"
        }

    result = await real.run(MINE, {"t": SIGNER.issue(Purpose.MANAGE, 1)})

    assert "errors" not in result, result
    deliverable, followed_service, area = result["data"]["mySubscriptions"]
    assert deliverable["status"] == "confirmed"
    assert deliverable["deliverable"]["number"] == 40 and deliverable["service"] is None
    assert followed_service["service"] == service
    assert area["status"] == "pending_confirmation"
    assert area["localAuthority"]["name"] == "Fife" and area["localAuthority"]["partnership"]


async def test_a_token_for_another_purpose_is_refused(real: GraphQLClient) -> None:
    result = await real.run(MINE, {"t": SIGNER.issue(Purpose.UNSUBSCRIBE_ALL, 1)})
    assert result["data"] == {"mySubscriptions": None}
    assert error_codes(result) == ["BAD_USER_INPUT"]
    assert result["errors"][0]["extensions"]["field"] == "manageToken"
