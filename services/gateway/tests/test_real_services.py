"""The gateway over the REAL deliverables and directory services (in this process, SQLite)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from services.gateway.tests.conftest import (
    FakeServices,
    GatewayFactory,
    GraphQLClient,
    error_codes,
)
from services.gateway.tests.real_services import real_services

EDITORS = {
    "scottish-government": "sg.editor@cjp.test",
    "community-justice-scotland": "cjs.editor@cjp.test",
    "police-scotland": "police.editor@cjp.test",
}


@pytest.fixture(scope="module")
async def real(
    start_gateway: GatewayFactory, fakes: FakeServices, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[GraphQLClient]:
    async with real_services(tmp_path_factory.mktemp("real")) as urls:
        url = await start_gateway(deliverables_url=urls.deliverables, directory_url=urls.directory)
        async with httpx.AsyncClient(timeout=20) as http:
            yield GraphQLClient(http, url)


async def test_the_dashboard_reads_every_deliverable_with_partners_and_aims(
    real: GraphQLClient,
) -> None:
    result = await real.run(
        "query { deliverables(first: 100) { totalCount nodes { number status statusLabel "
        "leadPartners { slug name } aimDetail { title } } } aims { number } }"
    )
    assert "errors" not in result, result
    page = result["data"]["deliverables"]
    assert page["totalCount"] >= 50 and len(page["nodes"]) == page["totalCount"]
    assert all(node["aimDetail"] for node in page["nodes"])


async def test_a_lead_partner_changes_its_deliverable_and_another_partner_cannot(
    real: GraphQLClient,
) -> None:
    lead = await real.run("query { deliverable(number: 40) { leadPartners { slug } } }")
    slugs = [p["slug"] for p in lead["data"]["deliverable"]["leadPartners"]]
    editor = next(EDITORS[slug] for slug in slugs if slug in EDITORS)
    outsider = next(email for slug, email in EDITORS.items() if slug not in slugs)
    mutation = (
        "mutation($s: DeliverableStatus!) { updateDeliverableStatus(number: 40, status: $s, "
        'reason: "Directory live in four areas") { number status statusLabel } }'
    )
    refused = await real.run(mutation, {"s": "COMPLETE"}, as_user=outsider)
    assert error_codes(refused) == ["FORBIDDEN"]
    changed = await real.run(mutation, {"s": "COMPLETE"}, as_user=editor)
    assert changed["data"]["updateDeliverableStatus"] == {
        "number": 40,
        "status": "COMPLETE",
        "statusLabel": "Complete",
    }
    after = await real.run("query { deliverable(number: 40) { status } }")
    assert after["data"]["deliverable"]["status"] == "COMPLETE"


async def test_an_area_editor_changes_only_their_areas_services(real: GraphQLClient) -> None:
    fife = await real.run(
        'query { services(filter: {localAuthority: "fife"}) { totalCount nodes { id } } }'
    )
    service_id = fife["data"]["services"]["nodes"][0]["id"]
    mutation = (
        'mutation($id: ID!) { updateService(id: $id, input: {phone: "01592 111111"}) { id phone } }'
    )
    refused = await real.run(mutation, {"id": service_id}, as_user="glasgow.editor@cjp.test")
    assert error_codes(refused) == ["FORBIDDEN"]
    changed = await real.run(mutation, {"id": service_id}, as_user="fife.editor@cjp.test")
    assert changed["data"]["updateService"] == {"id": service_id, "phone": "01592 111111"}


async def test_a_local_authority_joins_its_services_and_partnership(real: GraphQLClient) -> None:
    result = await real.run(
        'query { localAuthorities { code } localAuthority(code: "fife") { name partnership '
        "services { totalCount nodes { name isSample localAuthorityDetails { code } } } } }"
    )
    assert "errors" not in result, result
    assert len(result["data"]["localAuthorities"]) == 32
    fife = result["data"]["localAuthority"]
    assert fife["services"]["totalCount"] >= 1
    assert all(n["isSample"] for n in fife["services"]["nodes"])


async def test_overdue_and_status_filters_reach_the_service(real: GraphQLClient) -> None:
    result = await real.run(
        "query { overdue: deliverables(filter: {overdue: true}, first: 100) "
        "{ totalCount nodes { overdue status } } "
        "outstanding: deliverables(filter: {status: OUTSTANDING}, first: 100) "
        "{ nodes { status } } }"
    )
    assert "errors" not in result, result
    assert all(node["overdue"] for node in result["data"]["overdue"]["nodes"])
    assert all(node["status"] != "COMPLETE" for node in result["data"]["overdue"]["nodes"])
    statuses = {node["status"] for node in result["data"]["outstanding"]["nodes"]}
    assert statuses <= {"OUTSTANDING"}
