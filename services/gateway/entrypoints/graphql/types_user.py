"""The signed-in user as GraphQL sees them."""

from __future__ import annotations

from datetime import datetime

import strawberry

from shared.identity import Identity


@strawberry.type(description="Who is signed in, and what they may change.")
class User:
    email: str
    name: str
    role: str
    organisation: str | None
    local_authority: str | None


@strawberry.type
class SignInPayload:
    token: str
    expires_at: datetime
    user: User


def user_from_identity(identity: Identity) -> User:
    return User(
        email=identity.subject,
        name=identity.name,
        role=identity.role.value,
        organisation=identity.organisation,
        local_authority=identity.local_authority,
    )
