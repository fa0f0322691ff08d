"""Reading through the gateway: filters, Relay pagination, cross-service fields, hidden fields."""

from __future__ import annotations

import pytest

from services.gateway.tests.conftest import GraphQLClient, error_codes
from services.gateway.tests.fake_services import make_deliverable

PAGE = """
query($filter: DeliverableFilter, $first: Int, $after: String) {
  deliverables(filter: $filter, first: $first, after: $after) {
    totalCount
    edges { cursor node { number } }
    nodes { number status statusLabel leadPartners { slug } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


async def test_deliverables_are_filtered_by_status_aim_and_lead_partner(
    graphql: GraphQLClient,
) -> None:
    result = await graphql.run(
        PAGE, {"filter": {"status": "COMPLETE", "leadPartner": "police-scotland"}}
    )
    nodes = result["data"]["deliverables"]["nodes"]
    expected = [n for n in range(21, 31) if make_deliverable(n)["status"] == "complete"]
    assert [node["number"] for node in nodes] == expected
    assert {node["statusLabel"] for node in nodes} == {"Complete"}
    by_aim = await graphql.run(PAGE, {"filter": {"aim": 2}})
    assert {n["number"] for n in by_aim["data"]["deliverables"]["nodes"]} == set(range(14, 27))


async def test_cursor_pagination_walks_every_deliverable_once(graphql: GraphQLClient) -> None:
    seen: list[int] = []
    after = None
    while True:
        result = await graphql.run(PAGE, {"first": 15, "after": after})
        page = result["data"]["deliverables"]
        seen += [edge["node"]["number"] for edge in page["edges"]]
        assert page["totalCount"] == 50
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == list(range(1, 51))


async def test_page_size_over_the_maximum_is_refused(graphql: GraphQLClient) -> None:
    result = await graphql.run(PAGE, {"first": 101})
    assert error_codes(result) == ["BAD_USER_INPUT"]
    assert "at most 100" in result["errors"][0]["message"]


async def test_a_forged_cursor_is_bad_user_input(graphql: GraphQLClient) -> None:
    result = await graphql.run(PAGE, {"after": "not-a-cursor"})
    assert error_codes(result) == ["BAD_USER_INPUT"]


async def test_services_are_filtered_by_local_authority_and_type(graphql: GraphQLClient) -> None:
    result = await graphql.run(
        """query { services(filter: {localAuthority: "fife", serviceType: "dtto"}) {
             totalCount nodes { id name localAuthorities serviceTypes organisationName isSample }
           } }"""
    )
    services = result["data"]["services"]
    assert services["totalCount"] == 1
    node = services["nodes"][0]
    assert node["localAuthorities"] == ["fife"] and node["serviceTypes"] == ["dtto"]
    assert node["isSample"] is True


async def test_a_local_authority_shows_its_services_and_the_deliverables_it_leads(
    graphql: GraphQLClient,
) -> None:
    result = await graphql.run(
        """query { localAuthority(code: "fife") {
             name services { totalCount nodes { localAuthorities } }
             ledDeliverables { number leadPartners { slug } }
           } }"""
    )
    area = result["data"]["localAuthority"]
    assert area["name"] == "Fife"
    assert area["services"]["totalCount"] == 3
    assert {n["number"] for n in area["ledDeliverables"]} == set(range(41, 51))


async def test_referral_contacts_are_hidden_from_the_public_but_shown_to_the_judiciary(
    graphql: GraphQLClient,
) -> None:
    query = 'query { service(id: "1") { name courts contactEmail phone referralRoutes } }'
    public = (await graphql.run(query))["data"]["service"]
    assert public["contactEmail"] is None and public["phone"] is None
    assert public["referralRoutes"] is None
    assert public["courts"] == ["Fife Sheriff Court"]
    judiciary = (await graphql.run(query, as_user="sheriff@cjp.test"))["data"]["service"]
    assert judiciary["contactEmail"] == "referrals@fife.example"
    assert judiciary["referralRoutes"] == ["Criminal Justice Social Work Report"]


async def test_me_is_the_signed_in_user_and_null_for_the_public(graphql: GraphQLClient) -> None:
    query = "query { me { email role organisation localAuthority } }"
    assert (await graphql.run(query))["data"]["me"] is None
    me = (await graphql.run(query, as_user="fife.editor@cjp.test"))["data"]["me"]
    assert me == {
        "email": "fife.editor@cjp.test",
        "role": "directory_editor",
        "organisation": None,
        "localAuthority": "fife",
    }


async def test_an_unknown_deliverable_is_null_not_an_error(graphql: GraphQLClient) -> None:
    result = await graphql.run("query { deliverable(number: 999) { number } }")
    assert result["data"]["deliverable"] is None and "errors" not in result


@pytest.mark.parametrize(
    ("user", "sees_contacts"),
    [
        (None, False),
        ("police.editor@cjp.test", False),
        ("sheriff@cjp.test", True),
        ("glasgow.editor@cjp.test", True),
        ("coordinator@cjp.test", True),
    ],
)
async def test_who_sees_referral_contacts(
    graphql: GraphQLClient, user: str | None, sees_contacts: bool
) -> None:
    result = await graphql.run(
        'query { service(id: "2") { contactEmail phone referralRoutes } }', as_user=user
    )
    service = result["data"]["service"]
    assert (service["contactEmail"] is not None) is sees_contacts
    assert (service["phone"] is not None) is sees_contacts
    assert (service["referralRoutes"] is not None) is sees_contacts
