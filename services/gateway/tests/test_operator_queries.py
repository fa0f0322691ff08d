"""Coordinator-only operator fields over the REAL deliverables and notifications services.

The rows an operator acts on are put in the services' own SQLite databases first: an outbox row
set aside for good in deliverables, a suspended subscriber in notifications (which runs without
a broker here; its operator routes for mail need only its database).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest
from sqlmodel import Session

from services.gateway.tests.conftest import (
    GatewayFactory,
    GraphQLClient,
    Served,
    error_codes,
    pick_port,
)
from services.gateway.tests.real_services import plan_service
from services.notifications.adapters.tables import Delivery, DeliveryState, Subscriber
from services.notifications.app import create_app as notifications_app
from services.notifications.settings import NotificationsSettings
from shared.db import make_engine
from shared.events import EventEnvelope
from shared.outbox_rows import add_to_outbox, record_failure
from shared.settings import CommonSettings

COORDINATOR = "coordinator@cjp.test"
EDITOR = "cjs.editor@cjp.test"
OUTBOX = "query { outboxRows(service: DELIVERABLES) { id eventType key state lastError } }"
RETRY = "mutation { retryOutboxRows(service: DELIVERABLES) }"
SUSPENDED = "query { suspendedAddresses { subscriberId address permanentFailures } }"
LIFT = "mutation($id: Int!) { liftSuspension(subscriberId: $id) }"
FAILED = "query { failedDeliveries { id kind address attempts reason } }"


@pytest.fixture(scope="module")
async def operated(
    start_gateway: GatewayFactory, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[GraphQLClient]:
    folder = tmp_path_factory.mktemp("operator")
    async with plan_service(folder) as deliverables_url:
        _set_aside_an_outbox_row(f"sqlite:///{folder / 'd.db'}")
        settings = NotificationsSettings(
            database_url=f"sqlite:///{folder / 'n.db'}", smtp_port=pick_port()
        )
        common = CommonSettings(kafka_bootstrap_servers=f"127.0.0.1:{pick_port()}")
        notifications = await Served(notifications_app(settings, common)).start()
        _suspend_a_subscriber(settings.database_url)
        try:
            url = await start_gateway(
                deliverables_url=deliverables_url, notifications_url=notifications.url
            )
            async with httpx.AsyncClient(timeout=20) as http:
                yield GraphQLClient(http, url)
        finally:
            await notifications.stop()


def _set_aside_an_outbox_row(url: str) -> None:
    engine = make_engine(url)
    with Session(engine) as session:
        envelope = EventEnvelope(event_type="DeliverableUpdated", source="t", aggregate_id="40")
        add_to_outbox(session, envelope, topic="deliverables.deliverable.v1")
        session.commit()
    record_failure(engine, 1, "MessageSizeTooLargeError: too big", set_aside=True)


def _suspend_a_subscriber(url: str) -> None:
    with Session(make_engine(url)) as session:
        subscriber = Subscriber(
            email="sam@example.org", permanent_failures=3, suspended_at=datetime.now(UTC)
        )
        session.add(subscriber)
        session.flush()
        session.add(
            Delivery(
                kind="event",
                subscriber_id=subscriber.id,
                state=DeliveryState.FAILED,
                attempts=1,
                last_error="550 5.1.1 no such mailbox",
            )
        )
        session.commit()


async def test_a_coordinator_sees_a_failed_outbox_row_and_queues_it_again(
    operated: GraphQLClient,
) -> None:
    found = await operated.run(OUTBOX, as_user=COORDINATOR)
    [row] = found["data"]["outboxRows"]
    assert row["key"] == "40" and row["state"] == "failed"
    assert row["lastError"] == "MessageSizeTooLargeError: too big"
    assert (await operated.run(RETRY, as_user=COORDINATOR))["data"] == {"retryOutboxRows": 1}
    assert (await operated.run(OUTBOX, as_user=COORDINATOR))["data"] == {"outboxRows": []}


async def test_a_coordinator_sees_failed_deliveries_with_their_reason(
    operated: GraphQLClient,
) -> None:
    [failed] = (await operated.run(FAILED, as_user=COORDINATOR))["data"]["failedDeliveries"]
    assert failed["reason"] == "550 5.1.1 no such mailbox"
    assert failed["address"] == "s***@example.org" and failed["kind"] == "event"


async def test_a_coordinator_lifts_a_suspension(operated: GraphQLClient) -> None:
    [item] = (await operated.run(SUSPENDED, as_user=COORDINATOR))["data"]["suspendedAddresses"]
    assert item["address"] == "s***@example.org" and item["permanentFailures"] == 3
    lifted = await operated.run(LIFT, {"id": item["subscriberId"]}, as_user=COORDINATOR)
    assert lifted["data"] == {"liftSuspension": True}
    assert (await operated.run(SUSPENDED, as_user=COORDINATOR))["data"] == {
        "suspendedAddresses": []
    }


@pytest.mark.parametrize("query", [OUTBOX, SUSPENDED, RETRY, FAILED])
async def test_anyone_but_a_coordinator_is_refused(operated: GraphQLClient, query: str) -> None:
    assert error_codes(await operated.run(query, as_user=EDITOR)) == ["FORBIDDEN"]
    assert error_codes(await operated.run(query)) in (["UNAUTHENTICATED"], ["FORBIDDEN"])
