"""A reporting round from opening to the published document, through the pages.

The coordinator opens a round, a lead partner sends an update with a revised timescale, the
coordinator sees it in the review, publishes and downloads the document; anyone then reads the
deliverable's full history.
"""

from __future__ import annotations

import uuid

import pytest

pytest.importorskip("playwright.async_api", reason="browser tests need: pip install playwright")

from playwright.async_api import Page, expect

from tests.browser.audit import audit_page
from tests.browser.measurements import NewContext, record
from tests.browser.steps import sign_in
from tests.e2e.gateway import Gateway

pytestmark = pytest.mark.e2e

SCHEMA_HAS_ROUNDS = 'query { __type(name: "ReportingRound") { name } }'
LED_BY_POLICE = """
query { deliverables(filter: {leadPartner: "police-scotland"}, first: 100) {
  nodes { number title status timescale originalTimescale } } }"""
OPEN_ROUND = "query { openRound { number name } }"
NEW_TIMESCALE = "March 2031"


async def _gateway_has_rounds(gateway: Gateway) -> bool:
    result = await gateway.execute(SCHEMA_HAS_ROUNDS)
    return bool(result.data and result.data["__type"])


async def _open_a_round(page: Page, gateway: Gateway) -> str:
    """The open round's name: the one already open, or one opened through the form."""
    await sign_in(page, "coordinator@cjp.test", next_path="/rounds")
    already = (await gateway.data(OPEN_ROUND))["openRound"]
    if already:
        return str(already["name"])
    await page.get_by_role("button", name="Open the round").click()
    await expect(page.locator("#name-error")).to_contain_text("Enter the round's name")
    await audit_page(page, "rounds-open-with-errors")
    name = f"Update {uuid.uuid4().hex[:4]} - browser test"
    await page.get_by_label("Name of the round").fill(name)
    await page.get_by_label("Period it covers (optional)").fill("April 2030 to March 2031")
    await page.get_by_role("button", name="Open the round").click()
    await expect(page.get_by_role("heading", name=f"Open round: {name}")).to_be_visible()
    return name


async def _send_update_with_revision(page: Page, number: int, narrative: str) -> None:
    await sign_in(page, "police.editor@cjp.test", next_path="/my-deliverables")
    await expect(page.locator(".web-open-round")).to_contain_text("is open")
    await page.get_by_role("link", name=f"Update deliverable {number}", exact=True).click()
    await audit_page(page, "round-update")
    await page.get_by_label("Status at the end of this round").select_option("IN_PROGRESS_REVISED")
    await page.get_by_role("button", name="Send the update").click()
    await expect(page.locator("#narrative-error")).to_contain_text("Describe the progress")
    await expect(page.locator("#new_timescale-error")).to_contain_text("needs the new timescale")
    await expect(page.locator("#reason-error")).to_contain_text("Say why")
    await expect(page.get_by_label("New timescale")).to_have_attribute("aria-invalid", "true")
    await audit_page(page, "round-update-with-errors")

    await page.get_by_label("Update on progress").fill(narrative)
    await page.get_by_label("New timescale").fill(NEW_TIMESCALE)
    await page.get_by_label("Reason for the revision").fill("The contract was re-tendered.")
    await page.get_by_role("button", name="Send the update").click()
    await expect(page.get_by_text(f"Deliverable {number} has been updated")).to_be_visible()


async def _publish_and_download(page: Page, round_name: str, number: int, narrative: str) -> None:
    response = await page.goto("/rounds")
    assert response is not None
    record(f"rounds review page: Server-Timing {response.headers.get('server-timing')}")
    change = page.locator(f"#change-{number}")
    await expect(change).to_contain_text(NEW_TIMESCALE)
    await expect(change).to_contain_text(narrative)
    await expect(page.locator(".web-review")).to_contain_text("No update yet")
    await audit_page(page, "rounds-review")

    await page.get_by_role("link", name=f"Publish {round_name}").click()
    await audit_page(page, "round-publish-confirm")
    await page.get_by_role("button", name=f"Yes, publish {round_name}").click()
    await expect(page.get_by_text(f"{round_name} is published")).to_be_visible()
    await audit_page(page, "round-published")

    async with page.expect_download() as download_info:
        await page.get_by_role("link", name=f"Download {round_name} as Markdown").click()
    download = await download_info.value
    assert download.suggested_filename.endswith(".md")
    document = (await download.path()).read_text()
    assert f"#### No {number}" in document
    assert narrative in document and f"to {NEW_TIMESCALE}" in document

    for suffix, content_type in (("html", "text/html"), ("csv", "text/csv")):
        download_response = await page.context.request.get(
            f"{page.url.split('?')[0]}/document.{suffix}"
        )
        assert download_response.ok and download_response.headers["content-type"].startswith(
            content_type
        )
        assert "attachment" in download_response.headers["content-disposition"]
        assert narrative in await download_response.text()


async def test_a_round_is_opened_updated_reviewed_published_and_downloaded(
    new_context: NewContext, gateway: Gateway
) -> None:
    if not await _gateway_has_rounds(gateway):
        pytest.skip("the gateway has no reporting rounds yet (contracts.md GraphQL additions)")
    nodes = (await gateway.data(LED_BY_POLICE))["deliverables"]["nodes"]
    target = next(
        n
        for n in reversed(nodes)
        if n["status"] != "COMPLETE"
        and n["timescale"]
        and n["originalTimescale"] in (None, n["timescale"])
    )
    number, narrative = target["number"], f"Pilot reached {uuid.uuid4().hex[:6]} people."

    coordinator = await (await new_context()).new_page()
    round_name = await _open_a_round(coordinator, gateway)
    partner = await (await new_context()).new_page()
    await _send_update_with_revision(partner, number, narrative)
    await _publish_and_download(coordinator, round_name, number, narrative)

    await partner.goto(f"/plan/deliverables/{number}")
    revisions = partner.locator("table.web-revisions")
    await expect(revisions).to_contain_text(NEW_TIMESCALE)
    await expect(revisions).to_contain_text("The contract was re-tendered.")
    await expect(revisions).to_contain_text(round_name)
    await expect(partner.locator(".web-round-reports")).to_contain_text(narrative)
    await expect(partner.locator("table.web-status-changes")).to_contain_text(
        "In progress (with revised timescale)"
    )
    await audit_page(partner, "deliverable-history")
