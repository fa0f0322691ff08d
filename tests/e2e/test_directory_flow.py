"""A directory editor updates a service in their area; subscribers of the area hear of it."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.e2e.flows import new_address, subscribe_and_confirm
from tests.e2e.gateway import Gateway
from tests.e2e.system import RunningSystem

pytestmark = pytest.mark.e2e

FIFE_EDITOR = "fife.editor@cjp.test"
GLASGOW_EDITOR = "glasgow.editor@cjp.test"
SERVICE_FIELDS = "id name description status localAuthorities serviceTypes isSample"
UPDATE_SERVICE = (
    "mutation($id: ID!, $input: ServiceUpdateInput!) {"
    f" updateService(id: $id, input: $input) {{ {SERVICE_FIELDS} }} }}"
)


async def fife_sample_service(gateway: Gateway) -> dict[str, Any]:
    """A sample service in Fife only, so that a Glasgow editor has no claim on it."""
    data = await gateway.data(
        "query($filter: ServiceFilter) { services(filter: $filter, first: 50) {"
        f" nodes {{ {SERVICE_FIELDS} }} }} }}",
        {"filter": {"localAuthority": "fife"}},
    )
    candidates = [
        service
        for service in data["services"]["nodes"]
        if service["isSample"] and "glasgow-city" not in service["localAuthorities"]
    ]
    assert candidates, "the directory sample has no Fife service"
    return candidates[0]


async def service_by_id(gateway: Gateway, service_id: str) -> dict[str, Any]:
    data = await gateway.data(
        f"query($id: ID!) {{ service(id: $id) {{ {SERVICE_FIELDS} }} }}", {"id": service_id}
    )
    found: dict[str, Any] = data["service"]
    return found


async def test_subscribers_of_an_area_are_emailed_when_its_editor_updates_a_service(
    system: RunningSystem, gateway: Gateway
) -> None:
    address = new_address("fife")
    await subscribe_and_confirm(gateway, system, address, "LOCAL_AUTHORITY", "fife")
    service = await fife_sample_service(gateway)
    description = f"Now also open on Saturdays (e2e {uuid.uuid4().hex[:6]})."

    result = await gateway.execute(
        UPDATE_SERVICE,
        {"id": service["id"], "input": {"description": description}},
        as_user=FIFE_EDITOR,
    )

    assert not result.errors, result.errors
    assert result.data is not None
    assert result.data["updateService"]["description"] == description
    assert (await service_by_id(gateway, service["id"]))["description"] == description
    emails = await system.wait_for_emails(address, count=2)
    assert service["name"] in emails[-1].subject + "\n" + emails[-1].text()


async def test_an_editor_of_another_area_is_forbidden_and_nothing_changes(
    gateway: Gateway,
) -> None:
    service = await fife_sample_service(gateway)

    result = await gateway.execute(
        UPDATE_SERVICE,
        {"id": service["id"], "input": {"description": "Glasgow should not be able to say this."}},
        as_user=GLASGOW_EDITOR,
    )

    assert result.error_codes == ["FORBIDDEN"]
    assert await service_by_id(gateway, service["id"]) == service
