"""Through GraphQL, over the REAL directory: a sheriff finds bail supervision near a court."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from services.directory.tests.located_entries import expected_within, located_document
from services.gateway.tests.conftest import FakeServices, GatewayFactory, GraphQLClient, error_codes
from services.gateway.tests.real_services import real_services
from shared.identity import Identity, Role, SignedIdentityAuth
from shared.settings import DEVELOPMENT_IDENTITY_PRIVATE_KEY

WORD = "Located"
NEAR_QUERY = """
query($near: NearPlace!, $search: String) {
  services(filter: {serviceType: "bail-supervision", search: $search, near: $near}, first: 20) {
    totalCount nodes { name distanceMiles contactEmail } } }"""


@pytest.fixture(scope="module")
async def real(
    start_gateway: GatewayFactory, fakes: FakeServices, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[GraphQLClient]:
    async with real_services(tmp_path_factory.mktemp("real-distance")) as urls:
        coordinator = Identity(subject="test", name="Test", role=Role.COORDINATOR)
        auth = SignedIdentityAuth(
            coordinator, private_key=DEVELOPMENT_IDENTITY_PRIVATE_KEY, audience="directory"
        )
        async with httpx.AsyncClient(timeout=20) as http:
            imported = await http.post(
                f"{urls.directory}/import/hsds", json=located_document(WORD), auth=auth
            )
            assert imported.status_code == 200, imported.text
            url = await start_gateway(directory_url=urls.directory)
            yield GraphQLClient(http, url)


async def test_a_sheriff_finds_bail_supervision_within_20_miles_nearest_first(
    real: GraphQLClient,
) -> None:
    near = {"court": "dunfermline", "withinMiles": 20}
    result = await real.run(NEAR_QUERY, {"near": near, "search": WORD}, as_user="sheriff@cjp.test")
    assert "errors" not in result, result
    nodes = result["data"]["services"]["nodes"]
    expected = expected_within(WORD, "dunfermline", 20)
    assert [n["name"] for n in nodes] == [name for name, _ in expected] and len(expected) == 3
    for node, (_, miles) in zip(nodes, expected, strict=True):
        assert node["distanceMiles"] == pytest.approx(miles, abs=0.01)
        assert node["contactEmail"] == "located@example.org"  # the sheriff may refer directly
    assert result["data"]["services"]["totalCount"] == 3


async def test_near_a_point_without_text_includes_the_sample_and_stays_sorted(
    real: GraphQLClient,
) -> None:
    near = {"latitude": 56.072, "longitude": -3.462, "withinMiles": 20}
    result = await real.run(NEAR_QUERY, {"near": near})
    distances = [n["distanceMiles"] for n in result["data"]["services"]["nodes"]]
    assert len(distances) == 4  # ours and the sample's Kirkcaldy office
    assert distances == sorted(distances) and distances[-1] <= 20


async def test_an_unknown_court_is_bad_user_input(real: GraphQLClient) -> None:
    result = await real.run(NEAR_QUERY, {"near": {"court": "atlantis"}})
    assert error_codes(result) == ["BAD_USER_INPUT"]
