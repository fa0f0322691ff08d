"""The delivery plan's counts agree with the gateway; search and plan pages load quickly."""

from __future__ import annotations

import pytest

pytest.importorskip("playwright.async_api", reason="browser tests need: pip install playwright")

from playwright.async_api import expect

from tests.browser.audit import audit_page, measure_load, timing_summary
from tests.browser.measurements import NewContext, record
from tests.e2e.gateway import Gateway

pytestmark = pytest.mark.e2e

STATUS_TOTALS = """
query { complete: deliverables(filter: {status: COMPLETE}) { totalCount }
  inProgress: deliverables(filter: {status: IN_PROGRESS}) { totalCount }
  revised: deliverables(filter: {status: IN_PROGRESS_REVISED}) { totalCount }
  outstanding: deliverables(filter: {status: OUTSTANDING}) { totalCount }
  overdue: deliverables(filter: {overdue: true}) { totalCount } }"""
LOADS = 5
SEARCH_URL = "/find-services?local_authority=fife&service_type=bail-supervision"


async def test_the_plan_shows_status_counts_per_aim_that_match_the_gateway(
    new_context: NewContext, gateway: Gateway
) -> None:
    page = await (await new_context()).new_page()
    await page.goto("/plan")

    totals = await gateway.data(STATUS_TOTALS)
    all_aims = page.locator("table.web-counts tr", has_text="All aims").locator("td")
    expected = [
        totals[k]["totalCount"] for k in ("complete", "inProgress", "revised", "outstanding")
    ]
    await expect(all_aims).to_have_text([str(n) for n in [*expected, sum(expected)]])
    await expect(page.get_by_role("heading", name="Overdue deliverables")).to_be_visible()
    await expect(page.locator(".web-overdue li")).to_have_count(totals["overdue"]["totalCount"])
    await expect(page.get_by_role("heading", name="Aim 1:", exact=False)).to_be_visible()
    await audit_page(page, "plan")

    await page.get_by_role("link", name="Deliverable 40:", exact=False).first.click()
    await expect(page.get_by_role("heading", name="History")).to_be_visible()
    await audit_page(page, "deliverable-40")

    await page.goto("/plan/deliverables/999")
    await expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    await audit_page(page, "not-found")


@pytest.mark.parametrize(
    ("name", "url"),
    [("search", SEARCH_URL), ("plan", "/plan"), ("deliverable", "/plan/deliverables/40")],
)
async def test_page_loads_are_measured_and_quick(
    new_context: NewContext, name: str, url: str
) -> None:
    context = await new_context()
    timings = []
    for _ in range(LOADS):
        page = await context.new_page()
        timings.append(await measure_load(page, url))
        await page.close()
    summary = timing_summary(name, timings)
    record(f"{name} page ({url}): {summary}")
    median_paint = sorted(t.first_contentful_paint_ms for t in timings)[LOADS // 2]
    median_server = sorted(t.server_ms for t in timings)[LOADS // 2]
    assert all(t.server_ms > 0 for t in timings), "the page must report Server-Timing"
    assert median_server < 1500, summary
    assert median_paint < 3000, summary
