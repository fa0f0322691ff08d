"""A sheriff finds bail supervision for a court, without JavaScript, and prints the list."""

from __future__ import annotations

import uuid
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

pytest.importorskip("playwright.async_api", reason="browser tests need: pip install playwright")

from playwright.async_api import expect

from shared.identity import Identity, Role, SignedIdentityAuth
from shared.settings import DEVELOPMENT_IDENTITY_PRIVATE_KEY
from tests.browser.audit import audit_page
from tests.browser.measurements import NewContext
from tests.browser.steps import sign_in
from tests.e2e.gateway import Gateway
from tests.e2e.system import RunningSystem

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
    assert query["service_type"] == ["bail-supervision"] and query["court"]
    await expect(page.locator("#court option:checked")).to_contain_text(court)
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
    await expect(page.locator("#court option:checked")).to_contain_text(court)
    await audit_page(page, "find-services-public")


MANY = 105  # more than the gateway's largest page (100)


async def _add_services(web_system: RunningSystem, word: str) -> None:
    """Set-up straight into the directory (the pages do not add services): MANY entries."""
    identity = Identity(subject="browser-test", name="Browser test", role=Role.COORDINATOR)
    auth = SignedIdentityAuth(
        identity, private_key=DEVELOPMENT_IDENTITY_PRIVATE_KEY, audience="directory"
    )
    url = f"{web_system.ports.service_url('directory')}/services"
    async with httpx.AsyncClient(timeout=20.0, auth=auth) as http:
        for index in range(MANY):
            entry = {
                "name": f"{word} service {index:03d}",
                "local_authorities": ["orkney-islands"],
                "organisation_name": f"{word} trust",
                "is_sample": True,
            }
            response = await http.post(url, json=entry)
            assert response.status_code == 201, response.text


async def test_results_beyond_the_first_hundred_are_reached_page_by_page_and_printed(
    new_context: NewContext, web_system: RunningSystem
) -> None:
    word = f"paging{uuid.uuid4().hex[:6]}"
    await _add_services(web_system, word)
    page = await (await new_context(java_script_enabled=False)).new_page()

    await page.goto(f"/find-services?q={word}")
    await expect(page.locator("#results-heading")).to_contain_text(f"{MANY} services found")
    seen: set[str] = set()
    while True:
        names = await page.locator(".web-service h3").all_inner_texts()
        seen |= {name.split(" Sample data")[0].strip() for name in names}
        following = page.get_by_role("link", name="Next page of results")
        if await following.count() == 0:
            break
        # Without JavaScript the link is a full page load: read the next page only once it is in.
        async with page.expect_navigation():
            await following.click()
    assert len(seen) == MANY
    await expect(page.locator(".web-showing")).to_contain_text(f"of {MANY}")
    await audit_page(page, "find-services-last-page", javascript=False)

    await page.goto(f"/find-services/print?q={word}")
    await expect(page.locator(".web-service")).to_have_count(MANY)
