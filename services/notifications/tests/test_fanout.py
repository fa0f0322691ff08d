"""Which subscribers an event reaches: targets, transition filters, one message per subscriber."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from services.notifications.adapters.tables import Delivery, DigestEntry
from services.notifications.schemas import SubscribeRequest
from services.notifications.settings import NotificationsSettings
from services.notifications.tests.database_setup import confirmed, deliveries, handle, migrated
from services.notifications.tests.events import (
    deliverable_event,
    round_published,
    service_event,
    status_changed,
)
from services.notifications.use_cases.subscribing import subscribe
from shared.db import transaction

SETTINGS = NotificationsSettings()


def recipients(engine: object) -> list[int | None]:
    return [d.subscriber_id for d in deliveries(engine, "event")]  # type: ignore[arg-type]


def test_transition_filters_pick_only_the_changes_asked_for(database_url: str) -> None:
    engine = migrated(database_url)
    confirmed(engine, SETTINGS, "done@example.org", "all_deliverables", transition="complete")
    confirmed(engine, SETTINGS, "late@example.org", "aim", "3", transition="overdue")
    confirmed(
        engine,
        SETTINGS,
        "time@example.org",
        "lead_partner",
        "police-scotland",
        transition="timescale_revised",
    )
    assert handle(engine, status_changed(40, "in_progress")).emails == 0
    assert handle(engine, status_changed(40, "complete")).emails == 1
    assert handle(engine, status_changed(41, "outstanding")).emails == 1
    revised = deliverable_event(
        "DeliverableTimescaleRevised",
        old_timescale="2025",
        new_timescale="2026",
        reason="funding",
        round="2025-26",
    )
    assert handle(engine, revised).emails == 1
    assert (
        handle(engine, deliverable_event("DeliverableUpdated", narrative="Work began.")).emails == 0
    )


def test_several_matching_subscriptions_make_one_email_and_immediate_beats_digest(
    database_url: str,
) -> None:
    engine = migrated(database_url)
    confirmed(engine, SETTINGS, "ann@example.org", "deliverable", "40", frequency="daily")
    confirmed(engine, SETTINGS, "ann@example.org", "aim", "3")
    confirmed(engine, SETTINGS, "ann@example.org", "all_deliverables")
    confirmed(engine, SETTINGS, "bob@example.org", "deliverable", "40", frequency="weekly")
    confirmed(engine, SETTINGS, "bob@example.org", "priority_action", "7", frequency="daily")
    event = status_changed(40)
    result = handle(engine, event)
    assert (result.emails, result.digest_entries) == (1, 1)
    with Session(engine) as session:
        assert [e.frequency for e in session.exec(select(DigestEntry))] == ["daily"]
    again = handle(engine, event.model_copy())  # same event id: a redelivery
    assert again.duplicate and len(deliveries(engine, "event")) == 1


def test_the_database_refuses_a_second_email_for_the_same_subscriber_and_event(
    database_url: str,
) -> None:
    engine = migrated(database_url)
    confirmed(engine, SETTINGS, "ann@example.org", "deliverable", "40")
    event = status_changed(40)
    handle(engine, event)
    first = deliveries(engine, "event")[0]
    with pytest.raises(IntegrityError), transaction(engine) as session:
        session.add(
            Delivery(kind="event", subscriber_id=first.subscriber_id, event_id=event.event_id)
        )


def test_unconfirmed_and_unsubscribed_people_get_nothing(database_url: str) -> None:
    engine = migrated(database_url)
    request = SubscribeRequest.model_validate(
        {"email": "maybe@example.org", "target": {"kind": "deliverable", "value": "40"}}
    )
    subscribe(engine, request, SETTINGS)
    assert handle(engine, status_changed(40)).emails == 0


def test_directory_events_reach_area_type_and_service_subscribers_and_owners(
    database_url: str,
) -> None:
    engine = migrated(database_url)
    confirmed(engine, SETTINGS, "area@example.org", "local_authority", "fife")
    confirmed(engine, SETTINGS, "type@example.org", "service_type", "womens-services")
    confirmed(engine, SETTINGS, "one@example.org", "service", "17")
    confirmed(engine, SETTINGS, "other@example.org", "local_authority", "highland")
    confirmed(
        engine,
        SETTINGS,
        "gone@example.org",
        "local_authority",
        "fife",
        transition="service_withdrawn",
    )
    assert handle(engine, service_event("ServiceCreated")).emails == 3
    assert handle(engine, service_event("ServiceUpdated", changes={})).emails == 3
    assert handle(engine, service_event("ServiceWithdrawn", reason="Funding ended")).emails == 4
    due = service_event(
        "ServiceReviewDue",
        owner_email="owner@fife.example",
        owner_partnership="Fife CJP",
        last_reviewed_at="2025-01-01",
    )
    assert handle(engine, due).emails == 1
    owner_mail = deliveries(engine, "review_due")
    assert [d.recipient for d in owner_mail] == ["owner@fife.example"]


def test_reporting_round_reaches_deliverable_followers_only(database_url: str) -> None:
    engine = migrated(database_url)
    confirmed(engine, SETTINGS, "plan@example.org", "lead_partner", "sps")
    confirmed(engine, SETTINGS, "area@example.org", "local_authority", "fife")
    assert handle(engine, round_published(3, "2025-26 annual")).emails == 1


def test_asking_again_within_minutes_sends_no_second_confirmation(database_url: str) -> None:
    engine = migrated(database_url)
    request = SubscribeRequest.model_validate(
        {"email": "again@example.org", "target": {"kind": "aim", "value": "2"}}
    )
    for _ in range(3):
        subscribe(engine, request, SETTINGS)
    assert len(deliveries(engine, "confirmation")) == 1
