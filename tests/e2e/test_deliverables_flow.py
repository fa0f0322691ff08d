"""A lead partner changes a deliverable's status, subscribers hear of it, others cannot."""

from __future__ import annotations

import time

import pytest

from tests.e2e.flows import (
    STATUS_LABELS,
    change_status,
    deliverable,
    link_token,
    mentions_status,
    new_address,
    other_statuses,
    subscribe_and_confirm,
)
from tests.e2e.gateway import Gateway
from tests.e2e.system import MEASUREMENTS, RunningSystem

pytestmark = pytest.mark.e2e

CJS_EDITOR = "cjs.editor@cjp.test"
POLICE_EDITOR = "police.editor@cjp.test"
COORDINATOR = "coordinator@cjp.test"


async def test_a_confirmed_subscriber_is_emailed_when_the_lead_partner_changes_the_status(
    system: RunningSystem, gateway: Gateway
) -> None:
    address = new_address("deliverable-40")
    await subscribe_and_confirm(gateway, system, address, "DELIVERABLE", "40")
    before = await deliverable(gateway, 40)
    assert "community-justice-scotland" in [lead["slug"] for lead in before["leadPartners"]]
    new_status = other_statuses(before["status"])[0]
    await gateway.token_for(CJS_EDITOR)  # sign in first: only the mutation is timed

    mutated_at = time.time()
    result = await change_status(
        gateway, 40, new_status, as_user=CJS_EDITOR, reason="Reported at the e2e round"
    )
    answered_at = time.time()

    assert not result.errors, result.errors
    assert result.data is not None
    assert result.data["updateDeliverableStatus"]["status"] == new_status
    assert (await deliverable(gateway, 40))["status"] == new_status
    emails = await system.wait_for_emails(address, count=2)
    change_email = emails[-1]
    content = change_email.subject + "\n" + change_email.text()
    assert "40" in content
    assert STATUS_LABELS[new_status].lower() in content.lower()
    assert "Reason given: Reported at the e2e round" in content  # the email says why
    assert f"127.0.0.1:{system.ports.web}/plan/deliverables/40" in content  # and links to it
    delay = change_email.delivered_at.timestamp() - mutated_at
    MEASUREMENTS.append(
        f"status mutation -> email in the mail sink: {delay * 1000:.0f} ms "
        f"(mutation round trip {(answered_at - mutated_at) * 1000:.0f} ms)"
    )
    print(f"mutation -> email delay: {delay:.3f} s")


async def test_an_editor_of_another_partner_is_forbidden_and_nothing_changes(
    system: RunningSystem, gateway: Gateway
) -> None:
    address = new_address("deliverable-40-forbidden")
    await subscribe_and_confirm(gateway, system, address, "DELIVERABLE", "40")
    before = await deliverable(gateway, 40)
    assert "police-scotland" not in [lead["slug"] for lead in before["leadPartners"]]
    refused_status, allowed_status = other_statuses(before["status"])[:2]

    refused = await change_status(gateway, 40, refused_status, as_user=POLICE_EDITOR)

    assert refused.error_codes == ["FORBIDDEN"]
    assert await deliverable(gateway, 40) == before
    # A later allowed change is the only one subscribers hear of: the refusal published nothing.
    allowed = await change_status(gateway, 40, allowed_status, as_user=COORDINATOR)
    assert not allowed.errors, allowed.errors
    # No fixed wait: the allowed change is on the same key (deliverable 40) after the refusal, so
    # an email for the refusal, had there been one, would have come before this one.
    await system.wait_for_emails(address, matching=mentions_status(STATUS_LABELS[allowed_status]))
    assert len(system.emails_to(address)) == 2  # the confirmation and the allowed change


async def test_unknown_deliverables_invalid_statuses_and_anonymous_callers_change_nothing(
    gateway: Gateway,
) -> None:
    before = await deliverable(gateway, 40)

    unknown = await change_status(gateway, 999, "COMPLETE", as_user=COORDINATOR)
    invalid = await change_status(gateway, 40, "FINISHED", as_user=COORDINATOR)
    anonymous = await change_status(gateway, 40, other_statuses(before["status"])[0], as_user=None)

    assert unknown.error_codes == ["NOT_FOUND"]
    assert invalid.error_codes == ["BAD_USER_INPUT"]
    assert anonymous.error_codes == ["UNAUTHENTICATED"]
    assert await deliverable(gateway, 40) == before
    missing = await gateway.data("{ deliverable(number: 999) { number } }")
    assert missing["deliverable"] is None


async def test_a_reader_who_unsubscribes_by_the_emailed_link_gets_no_more_email(
    system: RunningSystem, gateway: Gateway
) -> None:
    leaving, staying = new_address("leaving"), new_address("staying")
    for address in (leaving, staying):
        await subscribe_and_confirm(gateway, system, address, "DELIVERABLE", "41")
    first, second = other_statuses((await deliverable(gateway, 41))["status"])[:2]
    assert not (await change_status(gateway, 41, first, as_user=COORDINATOR)).errors
    notice = (await system.wait_for_emails(leaving, count=2))[-1]
    assert notice.header_value("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click"

    token = link_token(notice.header_value("List-Unsubscribe"), "unsubscribe")
    left = await gateway.data(
        "mutation($token: String!) { unsubscribe(token: $token) { status } }", {"token": token}
    )

    assert left["unsubscribe"]["status"] == "unsubscribed"
    await system.wait_for_emails(staying, count=2)
    assert not (await change_status(gateway, 41, second, as_user=COORDINATOR)).errors
    await system.wait_for_emails(staying, count=3)  # the second change has been mailed out
    # No fixed wait: a third change is mailed after every delivery of the second (deliveries go
    # out oldest first), so once `staying` has it, an email to `leaving` would be here already.
    third = other_statuses(second)[0]
    assert not (await change_status(gateway, 41, third, as_user=COORDINATOR)).errors
    await system.wait_for_emails(staying, count=4)
    assert len(system.emails_to(leaving)) == 2
