"""The directory kept through GraphQL, over the REAL directory service (in this process, SQLite):
add with every field, find, review, suggest and resolve, withdraw, import and export."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from services.gateway.tests.conftest import GatewayFactory, GraphQLClient, error_codes
from services.gateway.tests.real_services import real_services

FIFE = "fife.editor@cjp.test"
GLASGOW = "glasgow.editor@cjp.test"
COORDINATOR = "coordinator@cjp.test"
FIFE_PARTNERSHIP = "Fife Community Justice Partnership"
EVERY_FIELD = """id name description organisationName organisationId localAuthorities
serviceTypes clientGroups referralRoutes courts courtSlugs eligibility contactEmail phone url
minimumAge maximumAge providingPartnership publishedDate suitableFor programmeTitle
programmeProvider schemeDetails possibleOutcomes assessmentProcess freshness reviewDueAt
status withdrawnAt withdrawalReason schedules { byday opensAt closesAt description }
locations { name address1 city postalCode latitude longitude } contacts { name title email }"""
CREATE = f"mutation($i: ServiceCreateInput!) {{ createService(input: $i) {{ {EVERY_FIELD} }} }}"
NEW_ENTRY: dict[str, Any] = {
    "name": "Kirkcaldy women's justice hub",
    "organisationName": "Fife Justice Services",
    "localAuthorities": ["fife"],
    "description": "Support for women on community orders.",
    "serviceTypes": ["bail-supervision"],
    "courts": ["Kirkcaldy Sheriff Court"],
    "eligibility": "Women aged 16 and over",
    "contactEmail": "hub@fife.example",
    "phone": "01592 123456",
    "url": "https://fife.example/hub",
    "minimumAge": 16,
    "maximumAge": 99,
    "publishedDate": "2025-04-01",
    "suitableFor": "Women on community payback orders",
    "programmeTitle": "Women's hub programme",
    "programmeProvider": "Fife Council with a voluntary partner",
    "schemeDetails": "Weekly drop-in and one-to-one support.",
    "possibleOutcomes": "Orders completed; stable housing.",
    "assessmentProcess": "Assessed by the hub's key worker.",
    "schedules": [{"byday": "MO,WE", "opensAt": "09:00", "closesAt": "17:00"}],
    "locations": [{"name": "Hub office", "address1": "1 High Street", "city": "Kirkcaldy",
                   "postalCode": "KY1 1AA", "latitude": 56.11, "longitude": -3.16}],
    "contacts": [{"name": "A Key Worker", "title": "Key worker", "email": "kw@fife.example"}],
}  # fmt: skip


@pytest.fixture(scope="module")
async def real(
    start_gateway: GatewayFactory, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[GraphQLClient]:
    async with real_services(tmp_path_factory.mktemp("real-directory")) as urls:
        url = await start_gateway(
            deliverables_url=urls.deliverables, directory_url=urls.directory, suggestions_burst=3
        )
        async with httpx.AsyncClient(timeout=20) as http:
            yield GraphQLClient(http, url)


async def test_an_editor_adds_a_service_with_every_field_and_finds_it(real: GraphQLClient) -> None:
    refused = await real.run(CREATE, {"i": NEW_ENTRY | {"localAuthorities": ["fife"]}},
                             as_user=GLASGOW)  # fmt: skip
    assert error_codes(refused) == ["FORBIDDEN"]
    made = await real.run(CREATE, {"i": NEW_ENTRY}, as_user=FIFE)
    assert "errors" not in made, made
    service = made["data"]["createService"]
    for name, value in NEW_ENTRY.items():
        if name not in ("organisationName", "schedules", "locations", "contacts", "courts"):
            assert service[name] == value, name
    assert service["organisationName"] == "Fife Justice Services"
    assert service["courts"] == ["Kirkcaldy Sheriff Court"]
    assert service["schedules"] == [NEW_ENTRY["schedules"][0] | {"description": None}]
    assert service["locations"] == NEW_ENTRY["locations"]
    assert service["contacts"] == NEW_ENTRY["contacts"]
    assert (service["freshness"], service["providingPartnership"]) == ("FRESH", FIFE_PARTNERSHIP)
    by_court = await real.run(
        'query { services(filter: {court: "Kirkcaldy Sheriff Court", search: "womens hub"}) '
        "{ nodes { id } } }"
    )
    assert [n["id"] for n in by_court["data"]["services"]["nodes"]] == [service["id"]]
    public = await real.run(
        "query($id: ID!) { service(id: $id) { contacts { name } phone locations { postalCode } } }",
        {"id": service["id"]},
    )
    assert "errors" not in public, public
    assert public["data"]["service"] == {
        "contacts": None, "phone": None, "locations": [{"postalCode": "KY1 1AA"}],
    }  # fmt: skip


async def test_a_refused_create_writes_nothing(real: GraphQLClient) -> None:
    count = 'query { services(filter: {localAuthority: "fife"}) { totalCount } }'
    before = (await real.run(count))["data"]["services"]["totalCount"]
    bad = NEW_ENTRY | {"name": "Nowhere hub", "courts": ["Atlantis Sheriff Court"]}
    refused = await real.run(CREATE, {"i": bad}, as_user=FIFE)
    assert error_codes(refused) == ["BAD_USER_INPUT"]
    assert "Atlantis" in refused["errors"][0]["message"].title()
    assert (await real.run(count))["data"]["services"]["totalCount"] == before


async def test_review_queue_mark_reviewed_and_history(real: GraphQLClient) -> None:
    queue = await real.run("query { reviewQueue { id freshness } }", as_user=FIFE)
    assert "errors" not in queue, queue
    fife = await real.run('query { services(filter: {localAuthority: "fife"}) { nodes { id } } }')
    some_id = fife["data"]["services"]["nodes"][0]["id"]
    reviewed = await real.run(
        'mutation($id: ID!) { markServiceReviewed(id: $id, note: "Checked by phone") '
        "{ freshness history { kind field changedBy } } }",
        {"id": some_id},
        as_user=FIFE,
    )
    assert "errors" not in reviewed, reviewed
    entry = reviewed["data"]["markServiceReviewed"]
    assert entry["freshness"] == "FRESH"
    assert {"kind": "reviewed", "field": "last_reviewed_at", "changedBy": FIFE} in entry["history"]
    refused = await real.run(
        "mutation($id: ID!) { markServiceReviewed(id: $id) { id } }", {"id": some_id},
        as_user=GLASGOW,
    )  # fmt: skip
    assert error_codes(refused) == ["FORBIDDEN"]
    assert error_codes(await real.run("query { reviewQueue { id } }")) == ["UNAUTHENTICATED"]


async def test_the_public_suggests_and_the_partnership_resolves(real: GraphQLClient) -> None:
    fife = await real.run('query { services(filter: {localAuthority: "fife"}) { nodes { id } } }')
    service_id = fife["data"]["services"]["nodes"][0]["id"]
    suggest = (
        "mutation($id: ID!, $i: SuggestionInput!) { suggestCorrection(serviceId: $id, input: $i) "
        "{ id status partnership } }"
    )
    made = await real.run(suggest, {"id": service_id, "i": {"message": "Phone number changed"}})
    assert "errors" not in made, made
    suggestion = made["data"]["suggestCorrection"]
    assert (suggestion["status"], suggestion["partnership"]) == ("open", FIFE_PARTNERSHIP)
    robot = await real.run(suggest, {"id": service_id, "i": {"message": "Buy", "website": "x"}})
    assert error_codes(robot) == ["BAD_USER_INPUT"]
    inbox = "query { suggestions { id message } }"
    assert [s["id"] for s in (await real.run(inbox, as_user=GLASGOW))["data"]["suggestions"]] == []
    fife_inbox = (await real.run(inbox, as_user=FIFE))["data"]["suggestions"]
    assert [s["message"] for s in fife_inbox] == ["Phone number changed"]
    resolve = "mutation($id: ID!) { resolveSuggestion(id: $id) { status } }"
    assert error_codes(await real.run(resolve, {"id": suggestion["id"]}, as_user=GLASGOW)) == [
        "FORBIDDEN"
    ]
    resolved = await real.run(resolve, {"id": suggestion["id"]}, as_user=FIFE)
    assert resolved["data"]["resolveSuggestion"] == {"status": "resolved"}
    assert (await real.run(inbox, as_user=FIFE))["data"]["suggestions"] == []


async def test_suggestions_are_rate_limited_with_a_clear_message(real: GraphQLClient) -> None:
    fife = await real.run('query { services(filter: {localAuthority: "fife"}) { nodes { id } } }')
    service_id = fife["data"]["services"]["nodes"][0]["id"]
    suggest = (
        "mutation($id: ID!) { suggestCorrection(serviceId: $id, "
        'input: {message: "Opening hours differ"}) { id } }'
    )
    answers = [await real.run(suggest, {"id": service_id}) for _ in range(5)]
    refused = [a for a in answers if error_codes(a) == ["RATE_LIMITED"]]
    assert refused, answers
    assert "Try again in" in refused[0]["errors"][0]["message"]


async def test_withdraw_needs_a_reason_and_a_second_withdrawal_conflicts(
    real: GraphQLClient,
) -> None:
    made = await real.run(CREATE, {"i": NEW_ENTRY | {"name": "Short-lived"}}, as_user=FIFE)
    service_id = made["data"]["createService"]["id"]
    withdraw = (
        "mutation($id: ID!, $r: String!) { withdrawService(id: $id, reason: $r) "
        "{ status withdrawalReason } }"
    )
    assert error_codes(await real.run(withdraw, {"id": service_id, "r": " "}, as_user=FIFE)) == [
        "BAD_USER_INPUT"
    ]
    done = await real.run(withdraw, {"id": service_id, "r": "Funding ended"}, as_user=FIFE)
    assert done["data"]["withdrawService"] == {
        "status": "defunct",
        "withdrawalReason": "Funding ended",
    }
    again = await real.run(withdraw, {"id": service_id, "r": "Again"}, as_user=FIFE)
    assert error_codes(again) == ["CONFLICT"]


async def test_a_coordinator_exports_and_imports_the_directory(real: GraphQLClient) -> None:
    exported = (await real.run("query { exportDirectory }"))["data"]["exportDirectory"]
    assert exported["services"]
    importing = (
        "mutation($d: JSON!) { importDirectory(document: $d) { created updated unchanged } }"
    )
    one = {"services": exported["services"][:1]}
    assert error_codes(await real.run(importing, {"d": one}, as_user=FIFE)) == ["FORBIDDEN"]
    summary = await real.run(importing, {"d": exported}, as_user=COORDINATOR)
    assert summary["data"]["importDirectory"]["unchanged"] == len(exported["services"])
    exported["services"][0]["service_areas"] = [{"name": "Atlantis"}]
    bad = await real.run(importing, {"d": exported}, as_user=COORDINATOR)
    assert error_codes(bad) == ["BAD_USER_INPUT"]
    assert "services[0].service_areas" in bad["errors"][0]["message"]
