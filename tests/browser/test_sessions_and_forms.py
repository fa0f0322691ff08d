"""Sign in and out; the session cookie's flags; CSRF refusals; who may open which page."""

from __future__ import annotations

import pytest

pytest.importorskip("playwright.async_api", reason="browser tests need: pip install playwright")

from playwright.async_api import expect

from tests.browser.audit import audit_page
from tests.browser.measurements import NewContext
from tests.browser.steps import sign_in
from tests.e2e.gateway import Gateway

pytestmark = pytest.mark.e2e


async def test_the_session_cookie_is_http_only_secure_and_same_site_lax(
    new_context: NewContext,
) -> None:
    context = await new_context()
    page = await context.new_page()
    await sign_in(page, "coordinator@cjp.test")

    [cookie] = [c for c in await context.cookies() if c["name"] == "cjp_session"]
    assert cookie["httpOnly"] and cookie["secure"] and cookie["sameSite"] == "Lax"
    assert await page.evaluate("() => document.cookie") == ""


async def test_a_form_without_its_csrf_token_is_refused_and_nothing_signs_in(
    new_context: NewContext,
) -> None:
    context = await new_context()
    page = await context.new_page()
    await page.goto("/sign-in")

    response = await context.request.post(
        "/sign-in", form={"email": "coordinator@cjp.test", "password": "demo-password"}
    )

    assert response.status == 403
    assert "Your form has expired" in await response.text()
    await page.goto("/my-deliverables")
    await expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


async def test_wrong_password_shows_the_message_next_to_the_field(new_context: NewContext) -> None:
    page = await (await new_context()).new_page()
    await page.goto("/sign-in")
    await audit_page(page, "sign-in")
    await page.get_by_label("Email address").fill("coordinator@cjp.test")
    await page.get_by_label("Password").fill("not-the-password")
    await page.get_by_role("button", name="Sign in").click()

    await expect(page.locator("#email-error")).to_contain_text("not right")
    await audit_page(page, "sign-in-with-errors")


async def test_only_lead_partners_reach_update_pages_and_sign_out_ends_the_session(
    new_context: NewContext,
) -> None:
    page = await (await new_context()).new_page()
    await sign_in(page, "sheriff@cjp.test")
    response = await page.goto("/my-deliverables")
    assert response is not None and response.status == 403
    await audit_page(page, "forbidden")

    await page.get_by_role("button", name="Sign out").click()
    await expect(page.get_by_role("heading", name="You have signed out")).to_be_visible()
    await audit_page(page, "signed-out")
    await page.goto("/my-deliverables")
    await expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


async def test_only_the_coordinator_reaches_the_reporting_rounds(new_context: NewContext) -> None:
    page = await (await new_context()).new_page()
    await sign_in(page, "police.editor@cjp.test")
    assert await page.get_by_role("link", name="Reporting rounds").count() == 0
    response = await page.goto("/rounds")
    assert response is not None and response.status == 403

    await sign_in(page, "coordinator@cjp.test")
    await page.get_by_role("link", name="Reporting rounds").click()
    await expect(page.get_by_role("heading", name="Rounds", exact=True)).to_be_visible()
    await audit_page(page, "rounds")


NOT_LED_BY_POLICE = """
query { deliverables(first: 100) { nodes { number status leadPartners { slug } } } }"""
STATUS_OF = "query($n: Int!) { deliverable(number: $n) { status } }"


async def test_a_partner_cannot_change_a_deliverable_it_does_not_lead(
    new_context: NewContext, gateway: Gateway
) -> None:
    nodes = (await gateway.data(NOT_LED_BY_POLICE))["deliverables"]["nodes"]
    other = next(
        n for n in nodes if "police-scotland" not in {p["slug"] for p in n["leadPartners"]}
    )
    new_status = "OUTSTANDING" if other["status"] != "OUTSTANDING" else "COMPLETE"
    page = await (await new_context()).new_page()
    await sign_in(page, "police.editor@cjp.test")

    await page.goto(f"/my-deliverables/{other['number']}")
    await page.get_by_label("New status").select_option(new_status)
    await page.get_by_label("Reason for the change").fill("Trying someone else's deliverable.")
    await page.get_by_role("button", name="Save the new status").click()

    await expect(page.get_by_role("heading", name="You cannot do this")).to_be_visible()
    after = await gateway.data(STATUS_OF, {"n": other["number"]})
    assert after["deliverable"]["status"] == other["status"]
