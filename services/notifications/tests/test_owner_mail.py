"""Suggested corrections reach the entry's owning partnership once, through real Kafka and SMTP."""

from __future__ import annotations

from typing import Any

from services.notifications.adapters.topics import DEAD_LETTER_TOPIC, SERVICE_TOPIC
from services.notifications.tests.conftest import make_settings, run_service
from services.notifications.tests.database_setup import all_mail_settled
from services.notifications.tests.events import service_event
from services.notifications.tests.sinks import Broker, MailSink, body_text, eventually
from services.notifications.tests.test_immediate_email import read_topic, subscribe_and_confirm

OWNER = "justice@fife.example"


def suggestion(**extra: Any) -> dict[str, Any]:
    return {
        "suggestion_id": "s-1",
        "field": "phone",
        "message": "The phone number rings a closed office; the new one is 01592 111111.",
        "owner_partnership": "Fife Community Justice Partnership",
        "owner_partnership_code": "fife",
        "owner_email": OWNER,
        **extra,
    }


async def test_a_suggested_correction_emails_the_owner_once_and_no_subscriber(
    database_url: str, broker: Broker, mail: MailSink
) -> None:
    async with run_service(make_settings(database_url, mail), broker.bootstrap) as service:
        await subscribe_and_confirm(service, mail, "area@example.org", "local_authority", "fife")
        event = service_event("ServiceCorrectionSuggested", **suggestion())
        await service.publish(SERVICE_TOPIC, event, key="17")
        await service.publish(SERVICE_TOPIC, event, key="17")  # redelivered: still one email
        marker = service_event("ServiceUpdated", changes={"name": {"old": "a", "new": "b"}})
        await service.publish(SERVICE_TOPIC, marker, key="17")  # same partition, handled last

        await eventually(
            lambda: [m for m in mail.handler.to("area@example.org") if "updated" in m["Subject"]]
        )
        owner_mail = await eventually(lambda: mail.handler.to(OWNER))
        await all_mail_settled(service.wiring.engine)  # a second owner email would be here now

        assert len(mail.handler.to(OWNER)) == 1
        email = owner_mail[0]
        subject = "Someone has suggested a correction to Fife Women's Justice Service"
        assert email["Subject"] == subject
        text = body_text(email)
        assert "Someone using the directory thinks this entry may be wrong:" in text
        assert "What they told us: The phone number rings a closed office" in text
        assert "The part they mean: phone." in text
        assert "Directory entry id: 17." in text
        assert "1. Sign in to the directory as an editor for Fife Community Justice" in text
        assert "4. Either way, mark the suggestion as dealt with" in text
        assert "named as the owner of this directory entry" in text
        assert email["List-Unsubscribe"] is None  # not a subscription: nothing to stop
        html = email.get_body(preferencelist=("html",))
        assert html is not None and "<ol>" in str(html.get_content())
        subscriber_subjects = [m["Subject"] for m in mail.handler.to("area@example.org")]
        assert not any("correction" in s for s in subscriber_subjects), subscriber_subjects


async def test_a_suggestion_without_its_message_is_dead_lettered(
    sqlite_database_url: str, broker: Broker, mail: MailSink
) -> None:
    async with run_service(make_settings(sqlite_database_url, mail), broker.bootstrap) as service:
        event = service_event("ServiceCorrectionSuggested", **suggestion())
        event.data.pop("message")  # as no directory would publish it
        await service.publish(SERVICE_TOPIC, event, key="17")
        letter = (await read_topic(broker.bootstrap, DEAD_LETTER_TOPIC, 1))[0]
        reason = dict(letter.headers)["x-dead-letter-reason"].decode()
        assert "ServiceCorrectionSuggested" in reason and "message" in reason
        assert mail.handler.to(OWNER) == []
