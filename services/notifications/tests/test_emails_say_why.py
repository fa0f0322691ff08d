"""A status-change email, and its line in a digest, carry the partner's reason or narrative
(trimmed, plain text) and a link to the deliverable's page on the web."""

from __future__ import annotations

from datetime import timedelta

from services.notifications.adapters.tables import utc_now
from services.notifications.settings import NotificationsSettings
from services.notifications.tests.database_setup import confirmed, handle, migrated, sender_for
from services.notifications.tests.events import status_changed
from services.notifications.tests.sinks import MailSink, body_text
from services.notifications.use_cases.digests import queue_due_digests

PAGE = "https://justice.example.scot/plan/deliverables/40"


def html_of(message: object) -> str:
    part = message.get_body(preferencelist=("html",))  # type: ignore[attr-defined]
    assert part is not None
    return str(part.get_content())


async def test_the_email_and_the_digest_line_say_why_and_link_to_the_page(
    database_url: str, mail: MailSink
) -> None:
    engine = migrated(database_url)
    settings = NotificationsSettings(
        smtp_port=mail.port, send_rate_per_minute=0, web_base_url="https://justice.example.scot/"
    )
    confirmed(engine, settings, "now@example.org", "deliverable", "40")
    confirmed(engine, settings, "daily@example.org", "deliverable", "40", frequency="daily")
    sender = sender_for(engine, settings)
    await sender.send_due()  # the confirmations
    mail.handler.messages.clear()
    event = status_changed(
        40,
        "complete",
        reason="  Tool <b>relaunched</b>\r\n\n\n\n after   user\ttesting.  ",
        narrative="Launched in March; " + "every partner now uses it. " * 40,
    )
    handle(engine, event)
    await sender.send_due()
    queue_due_digests(engine, now=utc_now() + timedelta(days=1, hours=1))
    await sender.send_due()

    immediate, digest = mail.handler.to("now@example.org"), mail.handler.to("daily@example.org")
    assert len(immediate) == 1 and len(digest) == 1
    for message in (immediate[0], digest[0]):
        lines = body_text(message).splitlines()
        assert "  Reason given: Tool <b>relaunched</b>" in lines  # plain text, as written
        assert "  after user testing." in lines  # a paragraph of its own, spaces trimmed
        update = next(line for line in lines if "Progress update: Launched in March" in line)
        assert update.endswith(" …") and len(update) <= 2 + 17 + 600 + 2  # cut short at 600
        assert f"  {PAGE}" in lines  # a link on a line of its own
        html = html_of(message)
        assert f'<a href="{PAGE}">See deliverable 40 on the web</a>' in html
        assert "Tool &lt;b&gt;relaunched&lt;/b&gt;" in html  # never markup in the HTML part
    assert str(immediate[0]["Subject"]).startswith("Deliverable 40")
    assert "summary" in str(digest[0]["Subject"])


async def test_without_a_reason_the_email_says_only_what_changed(
    sqlite_database_url: str, mail: MailSink
) -> None:
    engine = migrated(sqlite_database_url)
    settings = NotificationsSettings(smtp_port=mail.port, send_rate_per_minute=0)
    confirmed(engine, settings, "now@example.org", "deliverable", "40")
    handle(engine, status_changed(40, "outstanding", reason="   "))
    await sender_for(engine, settings).send_due()
    [change] = [m for m in mail.handler.to("now@example.org") if "Deliverable 40" in m["Subject"]]
    text = body_text(change)
    assert "It was In progress before." in text
    assert "Reason given" not in text and "Progress update" not in text
    assert "http://127.0.0.1:8080/plan/deliverables/40" in text  # the default web address
