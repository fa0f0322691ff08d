"""Steps a person takes on the pages, shared by the scenarios."""

from __future__ import annotations

import re

from playwright.async_api import Page, expect

from tests.e2e.gateway import DEMO_PASSWORD


async def sign_in(page: Page, email: str, *, next_path: str = "/find-services") -> None:
    await page.goto(f"/sign-in?next={next_path}")
    await page.get_by_label("Email address").fill(email)
    await page.get_by_label("Password").fill(DEMO_PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_text("Signed in as")).to_be_visible()


def token_from(text: str, path: str) -> str:
    """The token of the first link to ``path`` (``/confirm`` or ``/unsubscribe``) in an email."""
    found = re.search(re.escape(path) + r"\?token=([A-Za-z0-9._~-]+)", text)
    assert found, f"no {path} link with a token in:\n{text}"
    return found.group(1)
