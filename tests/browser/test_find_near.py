"""A sheriff finds bail supervision within 20 miles of a court, nearest first, in miles."""

from __future__ import annotations

import re

import httpx
import pytest

pytest.importorskip("playwright.async_api", reason="browser tests need: pip install playwright")

from playwright.async_api import expect

from services.directory.tests.located_entries import expected_within, located_document
from shared.identity import Identity, Role, SignedIdentityAuth
from shared.settings import DEVELOPMENT_IDENTITY_PRIVATE_KEY
from tests.browser.audit import audit_page
from tests.browser.measurements import NewContext
from tests.browser.steps import sign_in
from tests.e2e.system import RunningSystem

pytestmark = pytest.mark.e2e
WORD = "Nearby"
_MILES = re.compile(r"([\d.]+) miles")


async def _import_located_entries(web_system: RunningSystem) -> None:
    """Set-up straight into the directory (the pages do not place services on a map)."""
    identity = Identity(subject="browser-test", name="Browser test", role=Role.COORDINATOR)
    auth = SignedIdentityAuth(
        identity, private_key=DEVELOPMENT_IDENTITY_PRIVATE_KEY, audience="directory"
    )
    url = f"{web_system.ports.service_url('directory')}/import/hsds"
    async with httpx.AsyncClient(timeout=20.0, auth=auth) as http:
        response = await http.post(url, json=located_document(WORD))
        assert response.status_code == 200, response.text


async def test_a_sheriff_finds_bail_supervision_within_20_miles_of_a_court(
    new_context: NewContext, web_system: RunningSystem
) -> None:
    await _import_located_entries(web_system)
    page = await (await new_context(java_script_enabled=False)).new_page()
    await sign_in(page, "sheriff@cjp.test")

    await page.get_by_label("Near").fill("Dunfermline")
    await page.get_by_label("Within").select_option("20")
    await page.get_by_label("Type of service").select_option("bail-supervision")
    await page.get_by_role("button", name="Search").click()

    await expect(page.locator(".web-search-summary")).to_contain_text("within 20 miles")
    names = [
        n.split(" Sample data")[0].strip()
        for n in await page.locator(".web-service h3").all_inner_texts()
    ]
    shown = [float(_MILES.search(t).group(1)) for t in  # type: ignore[union-attr]
             await page.locator(".web-service__distance dd").all_inner_texts()]  # fmt: skip
    assert len(shown) == len(names) and shown == sorted(shown) and shown[-1] <= 20
    expected = expected_within(WORD, "dunfermline", 20)
    ours = [name for name in names if name.startswith(WORD)]
    assert ours == [name for name, _ in expected]
    for name, miles in expected:
        row = page.locator(".web-service", has_text=name)
        await expect(row.locator(".web-service__distance")).to_contain_text(f"{miles:.1f} miles")
    assert f"{WORD} Glasgow Bail Team" not in names  # about 33 miles away
    await audit_page(page, "find-services-near", javascript=False)


async def test_an_unknown_place_is_explained_on_the_near_field(new_context: NewContext) -> None:
    page = await (await new_context()).new_page()
    await page.goto("/find-services?near=Atlantis&within=20")
    await expect(page.locator("#near-error")).to_contain_text("no court")
    await expect(page.locator(".ds_error-summary")).to_be_visible()
