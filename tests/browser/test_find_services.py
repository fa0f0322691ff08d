"""A sheriff finds bail supervision for a court, without JavaScript, and prints the list."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

pytest.importorskip("playwright.async_api", reason="browser tests need: pip install playwright")

from playwright.async_api import expect

from tests.browser.audit import audit_page
from tests.browser.measurements import NewContext
from tests.browser.steps import sign_in
from tests.e2e.gateway import Gateway

pytestmark = pytest.mark.e2e

BAIL_SERVICES = """
query { services(filter: {serviceType: "bail-supervision"}, first: 100) {
  nodes { id name courts localAuthorities } } }"""


async def _a_court_with_bail_supervision(gateway: Gateway) -> tuple[str, str]:
    nodes = (await gateway.data(BAIL_SERVICES))["services"]["nodes"]
    with_court = [node for node in nodes if node["courts"]]
    assert with_court, "the sample directory should have bail supervision tied to a court"
    return with_court[0]["courts"][0], with_court[0]["name"]


async def test_a_sheriff_finds_bail_supervision_for_a_court_and_prints_it(
    new_context: NewContext, gateway: Gateway
) -> None:
    court, service_name = await _a_court_with_bail_supervision(gateway)
    page = await (await new_context(java_script_enabled=False)).new_page()

    await sign_in(page, "sheriff@cjp.test")
    await audit_page(page, "find-services-start", javascript=False)
    await page.get_by_label("Court").select_option(court)
    await page.get_by_label("Type of service").select_option("bail-supervision")
    await page.get_by_role("button", name="Search").click()

    query = parse_qs(urlparse(page.url).query)
    assert query["court"] == [court] and query["service_type"] == ["bail-supervision"]
    result = page.locator(".web-service", has_text=service_name)
    await expect(result).to_be_visible()
    await expect(page.locator("#results-heading")).to_contain_text("found")
    await expect(result.get_by_text("How to refer")).to_be_visible()
    await expect(result.locator("a[href^='mailto:']")).to_be_visible()
    await expect(result.get_by_text("ago")).to_be_visible()
    for item in await page.locator(".web-service").all():
        await expect(item).to_contain_text("Bail supervision")
    await audit_page(page, "find-services-results", javascript=False)

    await page.get_by_role("link", name="Print view of these results").click()
    await expect(
        page.get_by_role("heading", name="Local community justice services")
    ).to_be_visible()
    await expect(page.locator(".web-service", has_text=service_name)).to_be_visible()
    await audit_page(page, "find-services-print", javascript=False)


async def test_a_search_url_gives_the_same_results_to_anyone_without_their_contacts(
    new_context: NewContext, gateway: Gateway
) -> None:
    court, service_name = await _a_court_with_bail_supervision(gateway)
    page = await (await new_context()).new_page()

    await page.goto(f"/find-services?court={court}&service_type=bail-supervision")

    result = page.locator(".web-service", has_text=service_name)
    await expect(result).to_be_visible()
    await expect(result.get_by_text("sign in to see how to refer")).to_be_visible()
    assert await result.locator("a[href^='mailto:']").count() == 0
    await expect(page.get_by_label("Court")).to_have_value(court)
    await audit_page(page, "find-services-public")
