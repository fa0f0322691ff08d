"""The GraphQL gateway: one strawberry API over the three services."""
