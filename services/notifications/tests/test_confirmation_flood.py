"""Email bombing: many subscribe requests for one address send one confirmation per 10 minutes."""

from __future__ import annotations

import asyncio

from services.notifications.tests.conftest import make_settings, run_service
from services.notifications.tests.sinks import Broker, MailSink, eventually

VICTIM = "victim@example.org"


async def test_64_requests_for_one_address_over_many_targets_send_one_confirmation(
    database_url: str, broker: Broker, mail: MailSink
) -> None:
    """The issue's attack sent 51 confirmation emails in 15 s; now the address gets one."""
    settings = make_settings(database_url, mail)
    async with run_service(settings, broker.bootstrap) as service:

        async def request(number: int) -> int:
            body = {"email": VICTIM, "target": {"kind": "deliverable", "value": str(number)}}
            return (await service.http.post("/subscriptions", json=body)).status_code

        answers = await asyncio.gather(*(request(n % 50 + 1) for n in range(64)))
        await eventually(lambda: mail.handler.to(VICTIM))
        await asyncio.sleep(2)  # time for any further email to arrive
    assert set(answers) == {202}  # the same answer each time: nothing to learn from it
    assert len(mail.handler.to(VICTIM)) == 1
