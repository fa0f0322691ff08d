"""Talking to the gateway the way a client does: GraphQL over HTTP with a bearer token."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

DEMO_PASSWORD = "demo-password"


@dataclass(frozen=True)
class GraphQLResponse:
    data: dict[str, Any] | None
    errors: list[dict[str, Any]]

    @property
    def error_codes(self) -> list[str]:
        return [str(error.get("extensions", {}).get("code")) for error in self.errors]


class Gateway:
    """A GraphQL client for one test session; tokens are cached per demo account."""

    def __init__(self, http: httpx.AsyncClient, url: str) -> None:
        self._http = http
        self._url = url
        self._tokens: dict[str, str] = {}

    async def execute(
        self, query: str, variables: dict[str, Any] | None = None, *, as_user: str | None = None
    ) -> GraphQLResponse:
        headers = {}
        if as_user is not None:
            headers["Authorization"] = f"Bearer {await self.token_for(as_user)}"
        response = await self._http.post(
            self._url, json={"query": query, "variables": variables or {}}, headers=headers
        )
        body = response.json()
        return GraphQLResponse(data=body.get("data"), errors=body.get("errors") or [])

    async def data(
        self, query: str, variables: dict[str, Any] | None = None, *, as_user: str | None = None
    ) -> dict[str, Any]:
        """The data of a query that must succeed."""
        result = await self.execute(query, variables, as_user=as_user)
        assert not result.errors, result.errors
        assert result.data is not None
        return result.data

    async def token_for(self, email: str) -> str:
        if email not in self._tokens:
            data = await self.data(
                "mutation($email: String!, $password: String!) {"
                " signIn(email: $email, password: $password) { token user { role } } }",
                {"email": email, "password": DEMO_PASSWORD},
            )
            self._tokens[email] = data["signIn"]["token"]
        return self._tokens[email]
