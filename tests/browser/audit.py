"""What every page visit checks and keeps: axe-core (WCAG 2.2 AA), a screenshot, load timings."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from playwright.async_api import Page

from tests.browser.requirements import AXE_SCRIPT, REPO

SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
TIMINGS_SCRIPT = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const paint = performance.getEntriesByType('paint');
  const first = (name) => (paint.find((p) => p.name === name) || {}).startTime ?? null;
  return {
    server: Object.fromEntries((nav.serverTiming || []).map((t) => [t.name, t.duration])),
    responseEnd: nav.responseEnd,
    firstPaint: first('first-paint'),
    firstContentfulPaint: first('first-contentful-paint'),
    domContentLoaded: nav.domContentLoadedEventEnd,
  };
}"""


def _describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        targets = [node["target"] for node in violation["nodes"][:3]]
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} at {targets}")
    return "\n".join(lines)


async def _axe_violations(page: Page) -> list[dict[str, Any]]:
    if not await page.evaluate("() => typeof window.axe !== 'undefined'"):
        await page.add_script_tag(path=str(AXE_SCRIPT))
    result = await page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        WCAG_22_AA,
    )
    violations: list[dict[str, Any]] = result["violations"]
    return violations


async def audit_page(page: Page, name: str, *, javascript: bool = True) -> None:
    """Save a full-page screenshot, then fail on any WCAG 2.2 AA violation axe-core finds.

    A page opened with JavaScript off cannot run axe-core, so the same address is checked in
    a twin page that shares its cookies (the HTML is the same: the server renders it all).
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    if javascript:
        violations = await _axe_violations(page)
    else:
        browser = page.context.browser
        assert browser is not None
        twin_context = await browser.new_context(storage_state=await page.context.storage_state())
        try:
            twin = await twin_context.new_page()
            await twin.goto(page.url)
            violations = await _axe_violations(twin)
        finally:
            await twin_context.close()
    assert not violations, f"axe-core found on {name} ({page.url}):\n{_describe(violations)}"


@dataclass(frozen=True)
class PageTiming:
    """One page load: the server's own time (Server-Timing) and the browser's first paint."""

    server_ms: float
    gateway_ms: float
    response_end_ms: float
    first_contentful_paint_ms: float


async def measure_load(page: Page, url: str) -> PageTiming:
    await page.goto(url, wait_until="load")
    await page.wait_for_function(
        "() => performance.getEntriesByType('paint')"
        ".some((p) => p.name === 'first-contentful-paint')"
    )
    raw = await page.evaluate(TIMINGS_SCRIPT)
    return PageTiming(
        server_ms=float(raw["server"].get("app", -1.0)),
        gateway_ms=float(raw["server"].get("gateway", -1.0)),
        response_end_ms=float(raw["responseEnd"]),
        first_contentful_paint_ms=float(raw["firstContentfulPaint"]),
    )


def timing_summary(name: str, timings: list[PageTiming]) -> str:
    def median(values: list[float]) -> float:
        ordered = sorted(values)
        return ordered[len(ordered) // 2]

    return json.dumps(
        {
            "page": name,
            "loads": len(timings),
            "median_server_ms": round(median([t.server_ms for t in timings]), 1),
            "median_gateway_ms": round(median([t.gateway_ms for t in timings]), 1),
            "median_response_end_ms": round(median([t.response_end_ms for t in timings]), 1),
            "median_first_contentful_paint_ms": round(
                median([t.first_contentful_paint_ms for t in timings]), 1
            ),
        }
    )
