"""Reading through the gateway: deliverables and services, filtered the ways people ask."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.flows import STATUS_LABELS
from tests.e2e.gateway import Gateway

pytestmark = pytest.mark.e2e

DELIVERABLES = (
    "query($filter: DeliverableFilter) { deliverables(filter: $filter, first: 100) {"
    " totalCount nodes { number aim status leadPartners { slug } } } }"
)
SERVICES = (
    "query($filter: ServiceFilter) { services(filter: $filter, first: 100) {"
    " totalCount nodes { id localAuthorities serviceTypes isSample } } }"
)


async def deliverables(gateway: Gateway, **filter_: Any) -> dict[str, Any]:
    found: dict[str, Any] = (await gateway.data(DELIVERABLES, {"filter": filter_}))["deliverables"]
    return found


async def services(gateway: Gateway, **filter_: Any) -> dict[str, Any]:
    found: dict[str, Any] = (await gateway.data(SERVICES, {"filter": filter_}))["services"]
    return found


async def test_the_plan_has_fifty_deliverables_and_each_status_filter_returns_only_that_status(
    gateway: Gateway,
) -> None:
    everything = await deliverables(gateway)
    assert everything["totalCount"] == 50
    assert [item["number"] for item in everything["nodes"]] == list(range(1, 51))
    totals = 0
    for status in STATUS_LABELS:
        page = await deliverables(gateway, status=status)
        assert {item["status"] for item in page["nodes"]} <= {status}
        assert page["totalCount"] == len(page["nodes"])
        totals += page["totalCount"]
    assert totals == 50


async def test_deliverables_filter_by_aim_and_by_lead_partner(gateway: Gateway) -> None:
    everything = (await deliverables(gateway))["nodes"]
    for aim in sorted({item["aim"] for item in everything}):
        page = await deliverables(gateway, aim=aim)
        assert [item["number"] for item in page["nodes"]] == [
            item["number"] for item in everything if item["aim"] == aim
        ]
    led_by_cjs = await deliverables(gateway, leadPartner="community-justice-scotland")
    assert 40 in [item["number"] for item in led_by_cjs["nodes"]]
    for item in led_by_cjs["nodes"]:
        assert "community-justice-scotland" in [lead["slug"] for lead in item["leadPartners"]]
    combined = await deliverables(gateway, leadPartner="community-justice-scotland", aim=1)
    assert all(item["aim"] == 1 for item in combined["nodes"])


async def test_services_filter_by_local_authority_and_service_type(gateway: Gateway) -> None:
    areas = await gateway.data("{ localAuthorities { code name } }")
    assert len(areas["localAuthorities"]) == 32
    fife = await services(gateway, localAuthority="fife")
    assert fife["totalCount"] > 0
    assert all("fife" in item["localAuthorities"] for item in fife["nodes"])
    assert all(item["isSample"] for item in fife["nodes"])

    service_type = fife["nodes"][0]["serviceTypes"][0]
    of_type = await services(gateway, serviceType=service_type)
    assert all(service_type in item["serviceTypes"] for item in of_type["nodes"])
    both = await services(gateway, localAuthority="fife", serviceType=service_type)
    expected = {item["id"] for item in fife["nodes"] if service_type in item["serviceTypes"]}
    assert {item["id"] for item in both["nodes"]} == expected
