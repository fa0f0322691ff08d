"""The committed schema.graphql is the schema the code serves, and it keeps the contract's names."""

from __future__ import annotations

from services.gateway.entrypoints.export_schema import SCHEMA_PATH, schema_text

CONTRACT_NAMES = (
    "me: User",
    "deliverable(number: Int!): Deliverable",
    "deliverables(filter: DeliverableFilter = null, first: Int! = 50, after: String = null)",
    "services(filter: ServiceFilter = null, first: Int! = 20, after: String = null)",
    "signIn(email: String!, password: String!): SignInPayload!",
    "updateDeliverableStatus(number: Int!, status: DeliverableStatus!, reason: String = null)",
    "updateService(id: ID!, input: ServiceUpdateInput!): Service!",
    "subscribe(input: SubscribeInput!): SubscribePayload!",
    "confirmSubscription(token: String!): SubscriptionStatusPayload!",
    "unsubscribe(token: String!): SubscriptionStatusPayload!",
    "frequency: Frequency! = IMMEDIATELY",
)


def test_committed_schema_matches_the_code() -> None:
    assert SCHEMA_PATH.read_text(encoding="utf-8") == schema_text(), (
        "schema.graphql is stale: run "
        "`python -m services.gateway.entrypoints.export_schema` and commit it"
    )


def test_schema_keeps_the_contract_names() -> None:
    text = schema_text()
    missing = [name for name in CONTRACT_NAMES if name not in text]
    assert missing == []
