"""A subscriber follows a deliverable; its lead partner updates it; the email arrives."""

from __future__ import annotations

import time
import uuid

import pytest

pytest.importorskip("playwright.async_api", reason="browser tests need: pip install playwright")

from playwright.async_api import Page, expect

from tests.browser.audit import audit_page
from tests.browser.measurements import NewContext, record
from tests.browser.steps import sign_in, token_from
from tests.e2e.gateway import Gateway
from tests.e2e.system import RunningSystem

pytestmark = pytest.mark.e2e

LED_BY_POLICE = """
query { deliverables(filter: {leadPartner: "police-scotland"}, first: 100) {
  nodes { number status statusLabel } } }"""
NEXT_STATUS = {"COMPLETE": "IN_PROGRESS", "IN_PROGRESS": "COMPLETE"}


async def _subscribe_and_confirm(page: Page, system: RunningSystem, email: str, number: int) -> str:
    """Subscribe through the pages, confirm from the email; return the confirmation's key."""
    await page.goto(f"/alerts?target_kind=DELIVERABLE&target_value={number}")
    await audit_page(page, "alerts")
    await page.get_by_role("button", name="Subscribe").click()
    await expect(page.locator("#email-error")).to_contain_text("Enter an email address")
    await expect(page.get_by_label("Your email address")).to_have_attribute("aria-invalid", "true")
    await audit_page(page, "alerts-with-errors")

    await page.get_by_label("Your email address").fill(email)
    await page.get_by_role("button", name="Subscribe").click()
    await expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    await audit_page(page, "alerts-check-your-email")

    confirmation = (await system.wait_for_emails(email))[0]
    await page.goto(f"/alerts/confirm?token={token_from(confirmation.text(), '/confirm')}")
    await audit_page(page, "alerts-confirm")
    await page.get_by_role("button", name="Confirm my alerts").click()
    await expect(page.get_by_role("heading", name="Your alerts are confirmed")).to_be_visible()
    await audit_page(page, "alerts-confirmed")
    return confirmation.key


async def _update_status(page: Page, number: int, status: str) -> float:
    """Change the status through the pages; return the moment the final form was sent."""
    await sign_in(page, "police.editor@cjp.test", next_path="/my-deliverables")
    await audit_page(page, "my-deliverables")
    await page.get_by_role("link", name=f"Update deliverable {number}", exact=True).click()
    await audit_page(page, "update-deliverable")

    await page.get_by_role("button", name="Save the new status").click()
    status_question = page.locator(".ds_question", has=page.locator("#status"))
    await expect(status_question.locator("#status-error")).to_contain_text("Select")
    reason_question = page.locator(".ds_question", has=page.locator("#reason"))
    await expect(reason_question.locator("#reason-error")).to_contain_text("Say why")
    await expect(page.locator(".ds_error-summary")).to_be_visible()
    await audit_page(page, "update-deliverable-with-errors")

    await page.get_by_label("New status").select_option(status)
    await page.get_by_label("Reason for the change").fill("Agreed at the partnership board.")
    sent_at = time.monotonic()
    await page.get_by_role("button", name="Save the new status").click()
    await expect(page.get_by_text(f"Deliverable {number} has been updated")).to_be_visible()
    return sent_at


async def test_a_lead_partner_update_reaches_a_confirmed_subscriber_by_email(
    new_context: NewContext, gateway: Gateway, web_system: RunningSystem
) -> None:
    led = (await gateway.data(LED_BY_POLICE))["deliverables"]["nodes"]
    deliverable = led[0]
    number, new_status = deliverable["number"], NEXT_STATUS.get(deliverable["status"], "COMPLETE")
    subscriber = f"subscriber-{uuid.uuid4().hex[:8]}@example.org"

    public = await (await new_context()).new_page()
    confirmation_key = await _subscribe_and_confirm(public, web_system, subscriber, number)

    editor = await (await new_context()).new_page()
    sent_at = await _update_status(editor, number, new_status)

    alerts = await web_system.wait_for_emails(
        subscriber, matching=lambda email: email.key != confirmation_key
    )
    delay = time.monotonic() - sent_at
    record(f"status form sent in the browser -> subscriber's email in the sink: {delay:.2f} s")
    alert = alerts[-1]
    assert str(number) in alert.subject + alert.text()
    await public.goto(f"/plan/deliverables/{number}")
    await expect(public.locator("main")).to_contain_text(
        {"COMPLETE": "Complete", "IN_PROGRESS": "In progress"}[new_status]
    )
    await audit_page(public, "deliverable")

    await public.goto(f"/alerts/unsubscribe?token={token_from(alert.text(), '/unsubscribe')}")
    await audit_page(public, "alerts-unsubscribe")
    await public.get_by_role("button", name="Stop these alerts").click()
    await expect(public.get_by_role("heading", name="You have unsubscribed")).to_be_visible()
